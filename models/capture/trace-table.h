// SPDX-License-Identifier: GPL-2.0-only
// Connection-aware view of a trace, as Wireshark shows it: relative sequence numbers
// from each direction's SYN, windows multiplied by the scale each side announced, and
// a tshark-like one-line rendering.
#pragma once

#include "models/capture/packet-record.h"

#include <map>
#include <string>
#include <vector>

namespace sim
{

struct TraceRow
{
    PacketRecord rec;
    uint64_t rel_time_ns = 0; // since the first packet
    int stream = 0;           // connection index, in order of first appearance
    bool from_client = false; // sent by the side that sent the first SYN
    uint32_t rel_seq = 0;
    uint32_t rel_ack = 0;
    uint32_t win = 0; // scaled window (the raw field on SYNs)
};

// Rows one packet at a time, as a capture is written: it keeps per-connection state
// only (ISNs, window scales), not the packets
class TraceAnalyzer
{
  public:
    TraceRow Next(const PacketRecord& p);

  private:
    struct Endpoint
    {
        uint32_t addr = 0;
        uint16_t port = 0;
        bool operator<(const Endpoint& o) const;
        bool operator==(const Endpoint& o) const;
    };
    struct Flow
    {
        int index = 0;
        Endpoint client; // sender of the first SYN (or of the first packet seen)
        bool isn_known[2] = {false, false}; // [0] client's, [1] server's
        uint32_t isn[2] = {0, 0};
        int ws[2] = {-1, -1}; // window scale each side announced; -1 none yet
        bool syn_seen[2] = {false, false};
    };
    std::map<std::pair<Endpoint, Endpoint>, Flow> m_flows;
    int m_nextIndex = 0;
    bool m_started = false;
    uint64_t m_t0 = 0;
};

std::vector<TraceRow> AnalyzeTrace(const std::vector<PacketRecord>& packets);

// All TCP/IPv4 packets of a capture, decoded (others are skipped)
std::vector<PacketRecord> DecodeCapture(const Capture& cap, size_t* skipped = nullptr);

// One line per packet, like `tshark -r`: no, time, src → dst, TCP, frame length,
// ports, [flags], Seq, Ack, Win, Len, options. `absolute`: raw sequence numbers.
std::string FormatTraceLine(const TraceRow& row, size_t number, bool absolute);
void AppendTraceLine(std::string& out, const TraceRow& row, size_t number, bool absolute);
std::string FormatTrace(const std::vector<TraceRow>& rows, bool absolute);

} // namespace sim
