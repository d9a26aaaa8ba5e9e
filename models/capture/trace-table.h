// SPDX-License-Identifier: GPL-2.0-only
// Connection-aware view of a trace, as Wireshark shows it: relative sequence numbers
// from each direction's SYN, windows multiplied by the scale each side announced, and
// a tshark-like one-line rendering.
#pragma once

#include "models/capture/packet-record.h"

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

std::vector<TraceRow> AnalyzeTrace(const std::vector<PacketRecord>& packets);

// All TCP/IPv4 packets of a capture, decoded (others are skipped)
std::vector<PacketRecord> DecodeCapture(const Capture& cap, size_t* skipped = nullptr);

// One line per packet, like `tshark -r`: no, time, src → dst, TCP, frame length,
// ports, [flags], Seq, Ack, Win, Len, options. `absolute`: raw sequence numbers.
std::string FormatTraceLine(const TraceRow& row, size_t number, bool absolute);
std::string FormatTrace(const std::vector<TraceRow>& rows, bool absolute);

} // namespace sim
