// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/wire-packet.h"

#include "models/tcp/wire-header.h"

#include <ns3/ipv4-header.h>
#include <ns3/node.h>

#include <fmt/format.h>

namespace sim::drill
{

using namespace ns3;

uint8_t
WirePacket::FlagsByte() const
{
    return static_cast<uint8_t>((fin ? 0x01 : 0) | (syn ? 0x02 : 0) | (rst ? 0x04 : 0) | (psh ? 0x08 : 0) |
                                (ack ? 0x10 : 0) | (urg ? 0x20 : 0) | (ece ? 0x40 : 0) | (cwr ? 0x80 : 0));
}

uint32_t
Get32(const std::vector<uint8_t>& b, size_t off)
{
    return static_cast<uint32_t>(b[off]) << 24 | static_cast<uint32_t>(b[off + 1]) << 16 |
           static_cast<uint32_t>(b[off + 2]) << 8 | b[off + 3];
}

void
Put32(std::vector<uint8_t>& b, size_t off, uint32_t v)
{
    b[off] = static_cast<uint8_t>(v >> 24);
    b[off + 1] = static_cast<uint8_t>(v >> 16);
    b[off + 2] = static_cast<uint8_t>(v >> 8);
    b[off + 3] = static_cast<uint8_t>(v);
}

static void
Put16(std::vector<uint8_t>& b, uint32_t v)
{
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

static std::vector<uint8_t>
Hex(const std::string& digits)
{
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < digits.size(); i += 2)
    {
        out.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

// The option bytes a script's list stands for (parser.y builds struct tcp_option)
static std::vector<uint8_t>
EncodeOptions(const std::vector<TcpOptionSpec>& opts)
{
    using OK = TcpOptionSpec::Kind;
    std::vector<uint8_t> b;
    for (const TcpOptionSpec& o : opts)
    {
        switch (o.kind)
        {
        case OK::Eol:
            b.push_back(TCPOPT_EOL);
            break;
        case OK::Nop:
            b.push_back(TCPOPT_NOP);
            break;
        case OK::Mss:
            b.insert(b.end(), {TCPOPT_MAXSEG, 4});
            Put16(b, o.value);
            break;
        case OK::Wscale:
            b.insert(b.end(), {TCPOPT_WINDOW, 3, static_cast<uint8_t>(o.value)});
            break;
        case OK::SackOk:
            b.insert(b.end(), {TCPOPT_SACK_PERMITTED, 2});
            break;
        case OK::Sack: {
            b.insert(b.end(), {TCPOPT_SACK, static_cast<uint8_t>(2 + 8 * o.blocks.size())});
            for (const auto& [l, r] : o.blocks)
            {
                const size_t at = b.size();
                b.resize(at + 8);
                Put32(b, at, l);
                Put32(b, at + 4, r);
            }
            break;
        }
        case OK::Timestamp: {
            b.insert(b.end(), {TCPOPT_TIMESTAMP, 10});
            const size_t at = b.size();
            b.resize(at + 8);
            Put32(b, at, o.value);
            Put32(b, at + 4, o.ecr);
            break;
        }
        case OK::FastOpen: {
            const std::vector<uint8_t> c = Hex(o.cookie);
            b.insert(b.end(), {TCPOPT_FASTOPEN, static_cast<uint8_t>(2 + c.size())});
            b.insert(b.end(), c.begin(), c.end());
            break;
        }
        case OK::FastOpenExp: {
            const std::vector<uint8_t> c = Hex(o.cookie);
            b.insert(b.end(), {TCPOPT_EXP, static_cast<uint8_t>(4 + c.size()), 0xf9, 0x89}); // TCPOPT_FASTOPEN_MAGIC
            b.insert(b.end(), c.begin(), c.end());
            break;
        }
        case OK::Md5:
            b.insert(b.end(), {TCPOPT_MD5SIG, 18});
            b.resize(b.size() + 16, 0);
            break;
        }
    }
    return b;
}

WirePacket
FromScript(const PacketSpec& s)
{
    WirePacket p;
    p.sport = s.src_port;
    p.dport = s.dst_port;
    p.seq = s.seq;
    p.ack_seq = s.ack;
    p.fin = s.Flag('F');
    p.syn = s.Flag('S');
    p.rst = s.Flag('R');
    p.psh = s.Flag('P');
    p.ack = s.Flag('.');
    p.urg = s.Flag('U');
    p.ece = s.Flag('E');
    p.cwr = s.Flag('W');
    p.ae = s.Flag('A');
    p.window = s.window < 0 ? 0 : static_cast<uint16_t>(s.window);
    p.win_nocheck = s.window < 0;
    p.urg_ptr = s.urg_ptr;
    if (s.options)
    {
        p.options = EncodeOptions(*s.options);
    }
    else
    {
        p.options_nocheck = true;
    }
    p.payload_len = s.len;
    p.ip_ihl = 5;
    p.ip_tot_len = static_cast<uint16_t>(20 + 20 + p.options.size() + s.len);
    return p;
}

bool
FromIp(Ptr<const Packet> ip, WirePacket& p)
{
    const uint32_t size = ip->GetSize();
    if (size < 40)
    {
        return false;
    }
    // the headers only: the payload is ns-3's zero-filled area (its content rides
    // beside the packet, PayloadStore), and packetdrill's payloads are zeros too
    std::vector<uint8_t> b(std::min<uint32_t>(size, 20 + 60 + 40));
    ip->CopyData(b.data(), static_cast<uint32_t>(b.size()));
    p.ip_version = b[0] >> 4;
    p.ip_ihl = b[0] & 0x0f;
    p.tos = b[1];
    p.ip_tot_len = static_cast<uint16_t>(b[2] << 8 | b[3]);
    p.ip_protocol = b[9];
    p.src = Get32(b, 12);
    p.dst = Get32(b, 16);
    const size_t t = p.ip_ihl * 4u;
    if (p.ip_version != 4 || p.ip_protocol != 6 || t + 20 > b.size())
    {
        return false;
    }
    p.sport = static_cast<uint16_t>(b[t] << 8 | b[t + 1]);
    p.dport = static_cast<uint16_t>(b[t + 2] << 8 | b[t + 3]);
    p.seq = Get32(b, t + 4);
    p.ack_seq = Get32(b, t + 8);
    const size_t doff = (b[t + 12] >> 4) * 4u;
    p.res1 = (b[t + 12] >> 1) & 0x07;
    p.ae = b[t + 12] & 0x01;
    const uint8_t f = b[t + 13];
    p.fin = f & 0x01;
    p.syn = f & 0x02;
    p.rst = f & 0x04;
    p.psh = f & 0x08;
    p.ack = f & 0x10;
    p.urg = f & 0x20;
    p.ece = f & 0x40;
    p.cwr = f & 0x80;
    p.window = static_cast<uint16_t>(b[t + 14] << 8 | b[t + 15]);
    p.urg_ptr = static_cast<uint16_t>(b[t + 18] << 8 | b[t + 19]);
    if (doff < 20 || t + doff > b.size())
    {
        return false;
    }
    p.options.assign(b.begin() + static_cast<long>(t + 20), b.begin() + static_cast<long>(t + doff));
    p.payload_len = size - static_cast<uint32_t>(t + doff);
    return true;
}

Ptr<Packet>
ToIp(const WirePacket& p)
{
    Ptr<Packet> packet = Create<Packet>(p.payload_len); // zeros, as packetdrill's payload
    WireTcpHeader th;
    th.SetSourcePort(p.sport);
    th.SetDestinationPort(p.dport);
    th.SetSequenceNumber(SequenceNumber32(p.seq));
    th.SetAckNumber(SequenceNumber32(p.ack_seq));
    th.SetFlags(p.FlagsByte());
    th.SetWindowSize(p.window);
    if (!p.options.empty())
    {
        th.AppendOptionBytes(p.options.data(), static_cast<uint32_t>(p.options.size()));
    }
    packet->AddHeader(th);
    Ipv4Header ip;
    ip.SetSource(Ipv4Address(p.src));
    ip.SetDestination(Ipv4Address(p.dst));
    ip.SetProtocol(6);
    ip.SetPayloadSize(packet->GetSize());
    ip.SetTtl(64);
    ip.SetTos(p.tos);
    if (Node::ChecksumEnabled())
    {
        ip.EnableChecksum();
    }
    packet->AddHeader(ip);
    return packet;
}

bool
WalkOptions(const std::vector<uint8_t>& o, std::vector<RawOption>& out, std::string* error)
{
    out.clear();
    size_t i = 0;
    while (i < o.size())
    {
        RawOption r;
        r.kind = o[i];
        r.offset = i;
        if (r.kind == TCPOPT_EOL || r.kind == TCPOPT_NOP)
        {
            r.length = 1;
        }
        else
        {
            if (i + 1 >= o.size())
            {
                *error = "TCP option length byte extends too far";
                return false;
            }
            r.length = o[i + 1];
            if (r.length < 2)
            {
                *error = "TCP option with length byte is too short";
                return false;
            }
            if (i + r.length > o.size())
            {
                *error = "TCP option data extends too far";
                return false;
            }
        }
        out.push_back(r);
        i += r.length;
    }
    return true;
}

bool
FindTimestamp(const std::vector<uint8_t>& options, size_t* val_off, size_t* ecr_off)
{
    std::vector<RawOption> opts;
    std::string err;
    WalkOptions(options, opts, &err);
    bool found = false;
    for (const RawOption& r : opts)
    {
        if (r.kind == TCPOPT_TIMESTAMP && r.length == 10)
        {
            *val_off = r.offset + 2;
            *ecr_off = r.offset + 6;
            found = true;
        }
    }
    return found;
}

void
OffsetSackBlocks(std::vector<uint8_t>& options, uint32_t delta)
{
    std::vector<RawOption> opts;
    std::string err;
    WalkOptions(options, opts, &err);
    for (const RawOption& r : opts)
    {
        if (r.kind != TCPOPT_SACK)
        {
            continue;
        }
        for (size_t at = r.offset + 2; at + 8 <= r.offset + r.length; at += 8)
        {
            Put32(options, at, Get32(options, at) + delta);
            Put32(options, at + 4, Get32(options, at + 4) + delta);
        }
    }
}

std::string
OptionsToString(const std::vector<uint8_t>& o, int index)
{
    std::vector<RawOption> opts;
    std::string err;
    WalkOptions(o, opts, &err);
    std::string s;
    for (size_t i = 0; i < opts.size(); ++i)
    {
        if (index >= 0 && static_cast<int>(i) != index)
        {
            continue;
        }
        if (index < 0 && i > 0)
        {
            s += ',';
        }
        const RawOption& r = opts[i];
        const size_t d = r.offset + 2;
        switch (r.kind)
        {
        case TCPOPT_EOL:
            s += "eol";
            break;
        case TCPOPT_NOP:
            s += "nop";
            break;
        case TCPOPT_MAXSEG:
            s += fmt::format("mss {}", r.length >= 4 ? (o[d] << 8 | o[d + 1]) : 0);
            break;
        case TCPOPT_WINDOW:
            s += fmt::format("wscale {}", r.length >= 3 ? o[d] : 0);
            break;
        case TCPOPT_SACK_PERMITTED:
            s += "sackOK";
            break;
        case TCPOPT_SACK:
            s += "sack ";
            for (size_t at = d; at + 8 <= r.offset + r.length; at += 8)
            {
                s += fmt::format("{}{}:{}", at > d ? " " : "", Get32(o, at), Get32(o, at + 4));
            }
            break;
        case TCPOPT_TIMESTAMP:
            s += r.length == 10 ? fmt::format("TS val {} ecr {}", Get32(o, d), Get32(o, d + 4)) : "TS";
            break;
        case TCPOPT_MD5SIG:
            s += "md5";
            break;
        case TCPOPT_FASTOPEN:
            s += "FO";
            for (size_t at = d; at < r.offset + r.length; ++at)
            {
                s += fmt::format("{}{:02x}", at == d ? " " : "", o[at]);
            }
            break;
        default:
            s += fmt::format("kind {}", r.kind);
            break;
        }
    }
    return s;
}

std::string
DumpShort(const WirePacket& p)
{
    std::string s;
    // tcp_packet_to_string(): flags in tcpdump 4.1.1's order
    s += p.fin ? "F" : "";
    s += p.syn ? "S" : "";
    s += p.rst ? "R" : "";
    s += p.psh ? "P" : "";
    s += p.ack ? "." : "";
    s += p.urg ? "U" : "";
    s += p.ece ? "E" : "";
    s += p.cwr ? "W" : "";
    s += p.ae ? "A" : "";
    s += fmt::format(" {}:{}({}) ", p.seq, p.seq + p.payload_len, p.payload_len);
    if (p.ack)
    {
        s += fmt::format("ack {} ", p.ack_seq);
    }
    if (!p.win_nocheck)
    {
        s += fmt::format("win {} ", p.window);
    }
    if (!p.options.empty())
    {
        s += "<" + OptionsToString(p.options) + ">";
    }
    return s;
}

} // namespace sim::drill
