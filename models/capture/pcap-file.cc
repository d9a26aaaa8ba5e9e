// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/pcap-file.h"

#include <fmt/format.h>
#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace sim
{

Capture
ReadCapture(const std::string& path, OnCutShort on_cut)
{
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(),
                                                        PCAP_TSTAMP_PRECISION_NANO,
                                                        errbuf);
    if (!p)
    {
        throw CaptureError(fmt::format("{}: not a readable capture file ({})", path, errbuf));
    }
    Capture cap;
    int dlt = pcap_datalink(p);
    if (dlt == DLT_RAW || dlt == 14) // libpcap's DLT_RAW for LINKTYPE_RAW (12, or 14 on BSDs)
    {
        dlt = static_cast<int>(LinkType::Raw);
    }
    if (!IsSupportedLinkType(static_cast<uint32_t>(dlt)))
    {
        pcap_close(p);
        throw CaptureError(fmt::format("{}: unsupported link type {} ({}); supported: {}", path, dlt,
                                       pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?",
                                       SupportedLinkTypes()));
    }
    cap.link_type = static_cast<LinkType>(dlt);
    for (;;)
    {
        pcap_pkthdr* hdr = nullptr;
        const u_char* data = nullptr;
        const int rc = pcap_next_ex(p, &hdr, &data);
        if (rc == PCAP_ERROR_BREAK)
        {
            break;
        }
        if (rc != 1)
        {
            const size_t n = cap.frames.size();
            const std::string where = fmt::format("cut short after {} complete packet{} ({})", n,
                                                  n == 1 ? "" : "s", pcap_geterr(p));
            pcap_close(p);
            if (on_cut == OnCutShort::Refuse)
            {
                throw CaptureError(fmt::format("{}: {}", path, where));
            }
            cap.cut_short = where;
            return cap;
        }
        Frame f;
        f.time_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ULL +
                    static_cast<uint64_t>(hdr->ts.tv_usec);
        f.orig_len = hdr->len;
        f.bytes.assign(data, data + hdr->caplen);
        cap.frames.push_back(std::move(f));
    }
    pcap_close(p);
    return cap;
}

static void
Put32(std::string& out, uint32_t v)
{
    out.append(reinterpret_cast<const char*>(&v), 4); // pcap is written host-endian
}

static void
Put16(std::string& out, uint16_t v)
{
    out.append(reinterpret_cast<const char*>(&v), 2);
}

void
WriteFileAtomic(const std::string& path, const std::string& content)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f)
        {
            throw std::runtime_error(
                fmt::format("{}: cannot write ({})", path, std::strerror(errno)));
        }
        f.write(content.data(), static_cast<std::streamsize>(content.size()));
        if (!f.flush())
        {
            std::filesystem::remove(tmp);
            throw std::runtime_error(fmt::format("{}: write failed", path));
        }
    }
    std::filesystem::rename(tmp, path);
}

std::string
PcapFileHeader(LinkType lt, uint32_t snaplen)
{
    std::string out;
    Put32(out, 0xa1b23c4d); // nanosecond variant
    Put16(out, 2);
    Put16(out, 4);
    Put32(out, 0); // thiszone
    Put32(out, 0); // sigfigs
    Put32(out, snaplen);
    Put32(out, static_cast<uint32_t>(lt));
    return out;
}

void
AppendPcapRecord(std::string& out, const Frame& f)
{
    Put32(out, static_cast<uint32_t>(f.time_ns / 1000000000ULL));
    Put32(out, static_cast<uint32_t>(f.time_ns % 1000000000ULL));
    Put32(out, static_cast<uint32_t>(f.bytes.size()));
    Put32(out, f.orig_len);
    out.append(reinterpret_cast<const char*>(f.bytes.data()), f.bytes.size());
}

static void
PadTo4(std::string& out)
{
    out.append((4 - out.size() % 4) % 4, '\0');
}

// A block: type, total length, body, total length again (pcapng §3.1)
static void
AppendBlock(std::string& out, uint32_t type, const std::string& body)
{
    const auto len = static_cast<uint32_t>(12 + body.size());
    Put32(out, type);
    Put32(out, len);
    out += body;
    Put32(out, len);
}

static void
AppendOption(std::string& body, uint16_t code, const std::string& value)
{
    Put16(body, code);
    Put16(body, static_cast<uint16_t>(value.size()));
    body += value;
    PadTo4(body);
}

std::string
PcapngFileHeader(LinkType lt, uint32_t snaplen)
{
    std::string out;
    std::string shb;
    Put32(shb, 0x1A2B3C4D); // byte-order magic: written host-endian, as pcap
    Put16(shb, 1);
    Put16(shb, 0);
    Put32(shb, 0xffffffff); // section length unknown
    Put32(shb, 0xffffffff);
    AppendBlock(out, 0x0A0D0D0A, shb);
    std::string idb;
    Put16(idb, static_cast<uint16_t>(lt));
    Put16(idb, 0);
    Put32(idb, snaplen);
    AppendOption(idb, 9, std::string(1, '\x09')); // if_tsresol: 10^-9 s
    Put32(idb, 0);                                // opt_endofopt
    AppendBlock(out, 1, idb);
    return out;
}

void
AppendPcapngPacket(std::string& out, const Frame& f)
{
    std::string epb;
    Put32(epb, 0); // interface 0
    Put32(epb, static_cast<uint32_t>(f.time_ns >> 32));
    Put32(epb, static_cast<uint32_t>(f.time_ns));
    Put32(epb, static_cast<uint32_t>(f.bytes.size()));
    Put32(epb, f.orig_len);
    epb.append(reinterpret_cast<const char*>(f.bytes.data()), f.bytes.size());
    PadTo4(epb);
    if (!f.comment.empty())
    {
        AppendOption(epb, 1, f.comment); // opt_comment
        Put32(epb, 0);
    }
    AppendBlock(out, 6, epb);
}

std::vector<std::string>
ReadPcapngComments(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    const std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto u32 = [&s](size_t at) {
        uint32_t v = 0;
        std::memcpy(&v, s.data() + at, 4);
        return v;
    };
    auto u16 = [&s](size_t at) {
        uint16_t v = 0;
        std::memcpy(&v, s.data() + at, 2);
        return v;
    };
    if (!f || s.size() < 12 || u32(0) != 0x0A0D0D0A || u32(8) != 0x1A2B3C4D)
    {
        throw CaptureError(fmt::format("{}: not a pcapng file written on this machine's byte order", path));
    }
    std::vector<std::string> comments;
    for (size_t at = 0; at + 12 <= s.size();)
    {
        const uint32_t type = u32(at);
        const uint32_t len = u32(at + 4);
        if (len < 12 || len % 4 || at + len > s.size())
        {
            throw CaptureError(fmt::format("{}: damaged block at byte {}", path, at));
        }
        if (type == 6 && len >= 32)
        {
            std::string comment;
            size_t o = at + 28 + ((u32(at + 20) + 3) & ~3u); // options after the padded data
            while (o + 4 <= at + len - 4)
            {
                const uint16_t code = u16(o);
                const uint16_t olen = u16(o + 2);
                if (code == 0 || o + 4 + olen > at + len - 4)
                {
                    break;
                }
                if (code == 1)
                {
                    comment = s.substr(o + 4, olen);
                }
                o += 4 + ((olen + 3u) & ~3u);
            }
            comments.push_back(comment);
        }
        at += len;
    }
    return comments;
}

void
WritePcap(const std::string& path, const Capture& cap)
{
    std::string out = PcapFileHeader(cap.link_type);
    for (const Frame& f : cap.frames)
    {
        AppendPcapRecord(out, f);
    }
    WriteFileAtomic(path, out);
}

} // namespace sim
