// SPDX-License-Identifier: GPL-2.0-only
// `sim bench`'s side-by-side: one ns-3 program, a bulk transfer from ns-3's
// BulkSendApplication to a PacketSink on a point-to-point link, run once over ns-3's
// own TCP (TcpSocketBase) and once over ours (LinuxTcpL4Protocol), each in a process
// of its own (a hidden subcommand).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>

namespace sim
{

// The link and the bytes both sides of the comparison carry
struct BulkLink
{
    uint64_t bytes = 300 * 1000 * 1000; // long enough that start-up costs (~40 ms a side) stay under a tenth
    uint32_t mtu = 9000;         // our ethernet link's largest (scenarios/README.md)
    uint64_t rate_mbps = 100000; // faster than either sender, so the link never queues
    double delay_ms = 0;

    // TCP payload per full segment with timestamps on: MTU - IPv4 (20) - TCP (20)
    // - NOP,NOP,TS (12), as Linux's tcp_current_mss() and ns-3's SegmentSize below
    uint32_t SegmentPayload() const { return mtu - 52; }
};

// The hidden subcommand `sim bench-ns3tcp --bytes N --mtu M --rate-mbps R --delay-ms D
// [--tcp ns3|linux] [--profile NAME]`: runs the transfer over ns-3's TCP (default) or
// ours with the kernel profile NAME, and writes key=value lines (segments,
// payload_bytes, packets, events, segment_payload, congestion or profile, run_wall_s:
// set-up, run and Destroy(), the process's start-up excluded) to the file named by
// SIM_STATS_FILE
void AddBenchNs3TcpCommand(CLI::App& app, int& exit_code);

} // namespace sim
