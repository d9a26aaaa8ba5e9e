// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/pcap-file.h"

#include <fmt/format.h>
#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

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
