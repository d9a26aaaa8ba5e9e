// SPDX-License-Identifier: GPL-2.0-only
#include "models/record/capture-path.h"

#include <algorithm>

namespace sim
{

namespace
{

// ns-3's PppHeader, which PointToPointNetDevice::AddHeader() puts before each packet
// and whose bytes the device's DataRate counts
constexpr uint32_t kPppHeader = 2;

} // namespace

int64_t
CapturePath::Transit(const TraceRow& r) const
{
    // IPv4 bytes: the frame less its link header (an inbound Ethernet frame padded to
    // 60 bytes holds at least a 40-byte IPv4 packet)
    const uint32_t ip = std::max<uint32_t>(r.rec.frame_len, link_header + 40) - link_header;
    return delay_ns + static_cast<int64_t>(uint64_t{ip + kPppHeader} * 8 * 1000000000ULL / rate_bps);
}

int64_t
CapturePath::ToTap(const TraceRow& r) const
{
    if (loopback)
    {
        return before_tap_ns[r.from_client ? 0 : 1];
    }
    return CapturedAtSender(r) ? 0 : Transit(r);
}

int64_t
CapturePath::FromTap(const TraceRow& r) const
{
    if (loopback)
    {
        return after_tap_ns[r.from_client ? 1 : 0];
    }
    return CapturedAtSender(r) ? Transit(r) : 0;
}

CapturePath
CapturePathOf(const Scenario& sc)
{
    CapturePath p;
    p.loopback = sc.link.kind == "loopback";
    p.on_server = sc.capture_on_server;
    const KernelProfile* prof[2] = {&sc.profile, &sc.server_profile};
    for (int i = 0; i < 2; ++i)
    {
        p.before_tap_ns[i] = prof[i]->loopback_before_tap_ns;
        p.after_tap_ns[i] = prof[i]->loopback_latency_ns - prof[i]->loopback_before_tap_ns;
    }
    p.delay_ns = sc.link.delay.GetNanoSeconds();
    p.rate_bps = std::max<uint64_t>(sc.link.rate_bps, 1);
    p.link_header = sc.capture_link == LinkType::Ethernet ? 14 : 16; // SLL v1: 16
    return p;
}

std::vector<TraceRow>
Arrived(const std::vector<TraceRow>& rows, const Scenario& sc)
{
    const CapturePath path = CapturePathOf(sc);
    if (path.loopback)
    {
        return rows;
    }
    const std::vector<uint32_t>& drops = path.on_server ? sc.link.faults.drop_server : sc.link.faults.drop_client;
    std::vector<TraceRow> out;
    uint32_t sent = 0; // the capture host's IPv4 packets so far, from 1 (its SYN or SYN-ACK)
    for (const TraceRow& r : rows)
    {
        if (path.CapturedAtSender(r) && std::count(drops.begin(), drops.end(), ++sent) > 0)
        {
            continue;
        }
        out.push_back(r);
    }
    return out;
}

} // namespace sim
