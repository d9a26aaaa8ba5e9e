// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/live-capture.h"

#include "models/capture/pcap-file.h"

#include <fmt/format.h>
#include <pcap/pcap.h>

namespace sim
{

LiveCapture::LiveCapture(const std::string& filter)
    : LiveCapture(filter, "any", LinkType::LinuxSll)
{
}

LiveCapture::LiveCapture(const std::string& filter, const std::string& device, LinkType link)
{
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    m_pcap = pcap_create(device.c_str(), errbuf);
    if (!m_pcap)
    {
        throw CaptureError(fmt::format("cannot capture on \"{}\": {}", device, errbuf));
    }
    pcap_set_snaplen(m_pcap, static_cast<int>(kDefaultSnaplen));
    // The ring holds what the recorder's polls have not taken yet, and they run only on
    // a CPU the programs leave idle (sim record). Not in immediate mode, libpcap uses
    // TPACKET_V3, whose blocks hold packets back to back; immediate mode's TPACKET_V2
    // gives every packet a frame sized for the largest. On lo the "any" device gets each
    // packet twice. tests/data/scenarios/capture-ring.toml (25 MB in 100 ms) lost
    // 24-976 packets in each of seven recordings with a 32 MiB V2 ring, and with 256 MiB
    // under load (two busy processes beside it); none with 128 or 256 MiB V3, under load
    // too. The ring is mapped into the recorder: 128 MiB of its memory. Nothing needs
    // the packets early: the last poll comes 200 ms after the programs end, and a
    // block is handed over when full or at most 1 ms after it opened (the timeout).
    pcap_set_immediate_mode(m_pcap, 0);
    pcap_set_timeout(m_pcap, 1);
    pcap_set_buffer_size(m_pcap, 128 << 20);
    pcap_set_tstamp_precision(m_pcap, PCAP_TSTAMP_PRECISION_NANO);
    const int rc = pcap_activate(m_pcap);
    if (rc < 0)
    {
        const std::string why = pcap_geterr(m_pcap);
        pcap_close(m_pcap);
        m_pcap = nullptr;
        throw CaptureError(fmt::format("cannot capture on \"{}\": {} (capturing needs root)", device, why));
    }
    // Cooked headers come from the "any" device; an Ethernet interface (a veth too)
    // offers its frames only (DLT_EN10MB, and DLT_DOCSIS)
    const int dlt = link == LinkType::Ethernet ? DLT_EN10MB : DLT_LINUX_SLL;
    bpf_program prog{};
    if (pcap_set_datalink(m_pcap, dlt) != 0 ||
        pcap_compile(m_pcap, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
        pcap_setfilter(m_pcap, &prog) != 0 || pcap_setnonblock(m_pcap, 1, errbuf) != 0)
    {
        const std::string why = pcap_geterr(m_pcap);
        pcap_close(m_pcap);
        m_pcap = nullptr;
        throw CaptureError(fmt::format("cannot set up the capture: {}", why));
    }
    pcap_freecode(&prog);
    m_capture.link_type = link;
}

LiveCapture::~LiveCapture()
{
    if (m_pcap)
    {
        pcap_close(m_pcap);
    }
}

void
LiveCapture::Poll()
{
    auto take = [](u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
        auto* cap = reinterpret_cast<Capture*>(user);
        Frame f;
        f.time_ns = static_cast<uint64_t>(h->ts.tv_sec) * 1000000000ULL +
                    static_cast<uint64_t>(h->ts.tv_usec); // nanoseconds: precision set above
        f.orig_len = h->len;
        f.bytes.assign(bytes, bytes + h->caplen);
        cap->frames.push_back(std::move(f));
    };
    while (pcap_dispatch(m_pcap, -1, take, reinterpret_cast<u_char*>(&m_capture)) > 0)
    {
    }
}

uint64_t
LiveCapture::Dropped() const
{
    pcap_stat st{};
    return m_pcap && pcap_stats(m_pcap, &st) == 0 ? st.ps_drop : 0;
}

} // namespace sim
