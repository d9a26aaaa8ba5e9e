// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/packet-record.h"

#include <fmt/format.h>

namespace sim
{

static uint16_t
Be16(const uint8_t* p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

static uint32_t
Be32(const uint8_t* p)
{
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

// Offset of the IPv4 header, or -1 when the link header says it is something else
static long
Ipv4Offset(LinkType lt, const std::vector<uint8_t>& b)
{
    switch (lt)
    {
    case LinkType::LinuxSll:
        return b.size() >= 16 && Be16(&b[14]) == 0x0800 ? 16 : -1;
    case LinkType::LinuxSll2:
        return b.size() >= 20 && Be16(&b[0]) == 0x0800 ? 20 : -1;
    case LinkType::Ethernet:
        return b.size() >= 14 && Be16(&b[12]) == 0x0800 ? 14 : -1;
    case LinkType::Raw:
    case LinkType::Ipv4:
        return 0;
    case LinkType::Null:
        // AF_INET is 2 in every BSD; the family is in the writer's byte order
        return b.size() >= 4 && (b[0] == 2 || b[3] == 2) ? 4 : -1;
    }
    return -1;
}

static std::string
Ipv4String(const uint8_t* p)
{
    // by hand: this runs twice for every packet of every trace written or read
    char buf[16];
    char* o = buf;
    for (int i = 0; i < 4; ++i)
    {
        const unsigned v = p[i];
        if (v >= 100)
        {
            *o++ = static_cast<char>('0' + v / 100);
        }
        if (v >= 10)
        {
            *o++ = static_cast<char>('0' + v / 10 % 10);
        }
        *o++ = static_cast<char>('0' + v % 10);
        if (i < 3)
        {
            *o++ = '.';
        }
    }
    return std::string(buf, o);
}

std::optional<PacketRecord>
DecodeFrame(LinkType lt, const Frame& frame)
{
    const std::vector<uint8_t>& b = frame.bytes;
    const long off = Ipv4Offset(lt, b);
    if (off < 0 || b.size() < static_cast<size_t>(off) + 20)
    {
        return std::nullopt;
    }
    const uint8_t* ip = &b[static_cast<size_t>(off)];
    if ((ip[0] >> 4) != 4 || ip[9] != 6)
    {
        return std::nullopt;
    }
    const size_t ihl = static_cast<size_t>(ip[0] & 0x0f) * 4;
    const size_t ip_total = Be16(ip + 2);
    const size_t tcp_off = static_cast<size_t>(off) + ihl;
    if (b.size() < tcp_off + 20)
    {
        return std::nullopt;
    }
    const uint8_t* th = &b[tcp_off];
    const size_t doff = static_cast<size_t>(th[12] >> 4) * 4;
    if (doff < 20 || b.size() < tcp_off + doff)
    {
        return std::nullopt;
    }
    PacketRecord r;
    r.time_ns = frame.time_ns;
    r.why = frame.comment;
    r.frame_len = frame.orig_len;
    r.src = Ipv4String(ip + 12);
    r.dst = Ipv4String(ip + 16);
    r.src_ip = Be32(ip + 12);
    r.dst_ip = Be32(ip + 16);
    r.sport = Be16(th);
    r.dport = Be16(th + 2);
    r.seq = Be32(th + 4);
    r.ack = Be32(th + 8);
    r.flags = th[13];
    r.win_raw = Be16(th + 14);
    r.len = ip_total >= ihl + doff ? static_cast<uint32_t>(ip_total - ihl - doff) : 0;

    for (size_t i = 20; i < doff;)
    {
        const uint8_t kind = th[i];
        if (kind == 0)
        {
            break;
        }
        if (kind == 1)
        {
            ++i;
            continue;
        }
        if (i + 1 >= doff || th[i + 1] < 2 || i + th[i + 1] > doff)
        {
            break;
        }
        const uint8_t olen = th[i + 1];
        const uint8_t* o = th + i;
        switch (kind)
        {
        case 2:
            if (olen == 4)
            {
                r.mss = Be16(o + 2);
            }
            break;
        case 3:
            if (olen == 3)
            {
                r.ws = o[2];
            }
            break;
        case 4:
            r.sack_perm = true;
            break;
        case 5:
            for (uint32_t b = 0; b + 10 <= olen && r.num_sacks < 4; b += 8)
            {
                r.sle[r.num_sacks] = Be32(o + 2 + b);
                r.sre[r.num_sacks] = Be32(o + 6 + b);
                r.num_sacks++;
            }
            break;
        case 8:
            if (olen == 10)
            {
                r.tsval = Be32(o + 2);
                r.tsecr = Be32(o + 6);
            }
            break;
        default:
            break;
        }
        i += olen;
    }
    return r;
}

std::string
FlagNames(uint8_t flags)
{
    static const struct
    {
        uint8_t bit;
        const char* name;
    } kFlags[] = {{0x02, "SYN"}, {0x04, "RST"}, {0x01, "FIN"}, {0x08, "PSH"}, {0x10, "ACK"},
                  {0x20, "URG"}, {0x40, "ECE"}, {0x80, "CWR"}};
    std::string out;
    // Wireshark lists FIN before PSH and ACK, SYN and RST first
    for (const auto& f : kFlags)
    {
        if (flags & f.bit)
        {
            if (!out.empty())
            {
                out += ',';
            }
            out += f.name;
        }
    }
    return out;
}

} // namespace sim
