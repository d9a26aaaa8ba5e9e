// SPDX-License-Identifier: GPL-2.0-only
// Where a recording's capture saw each packet on its way from the sender's TCP to the
// receiver's, in the simulation's terms: how long after its sender's TCP handed it
// down the capture took it (ToTap), and how long after that it reached the receiver's
// tcp_v4_rcv() (FromTap). A recording's times are read off the capture; these put
// them where the model's sends and socket events fall (recorded-scenario.h).
//  - loopback: one capture on "any" sees each packet once, on its way through lo: the
//    profile's loopback_before_tap after the send, and the rest of its
//    loopback_latency before the peer's socket;
//  - ethernet: the capture is one host's interface (dev_queue_xmit_nit() for what it
//    sends, __netif_receive_skb_core() for what it receives). Its own packets are seen
//    as they leave, the peer's as they arrive; the way between is the model's link:
//    delay_ms plus the frame's time on the wire at rate_mbps (ns-3's point-to-point
//    device sends the IPv4 packet behind a 2-byte PPP header). Nothing else: the
//    model's Ethernet hosts hand a packet to the link and to TCP at once.
#pragma once

#include "models/capture/trace-table.h"
#include "models/scenario/scenario.h"

#include <cstdint>
#include <vector>

namespace sim
{

struct CapturePath
{
    bool loopback = true;
    bool on_server = false;        // ethernet: whose interface the capture is on
    int64_t before_tap_ns[2] = {}; // loopback: by sender (0 the client, 1 the server)
    int64_t after_tap_ns[2] = {};  // loopback: by receiver
    int64_t delay_ns = 0;          // ethernet: one way
    uint64_t rate_bps = 1;
    uint32_t link_header = 14; // bytes before the IPv4 header in a captured frame

    int64_t ToTap(const TraceRow& r) const;
    int64_t FromTap(const TraceRow& r) const;
    // ethernet: from one host's TCP to the other's
    int64_t Transit(const TraceRow& r) const;
    // ethernet: whether the capture host sent it
    bool CapturedAtSender(const TraceRow& r) const { return r.from_client != on_server; }
};

CapturePath CapturePathOf(const Scenario& sc);

// The packets that reached their receiver: every one of a loopback capture; on
// ethernet, less those of the capture host that the link dropped (its [link] drop
// list: the capture saw them leave). The peer's lost packets are not in the capture.
std::vector<TraceRow> Arrived(const std::vector<TraceRow>& rows, const Scenario& sc);

} // namespace sim
