// SPDX-License-Identifier: GPL-2.0-only
// The series of a sequence/time graph, taken from a decoded trace.
//   tcptrace kind: for one direction of one connection, each data segment as a bar from
//   seq to seq+len at its time, the receiver's cumulative ACK, the window's right edge
//   (ACK + window: where the data meets it, the window is full), and SYN/FIN/RST marks.
//   Stevens kind: relative sequence number against time, both directions.
#pragma once

#include "models/capture/trace-table.h"

#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct SegmentBar
{
    double t; // seconds since the first packet of the trace
    uint32_t seq;
    uint32_t end;
    bool retransmission;
};

struct StepPoint
{
    double t;
    uint64_t value;
};

struct Mark
{
    double t;
    uint32_t seq;
    std::string label; // "SYN", "FIN", "RST"
};

struct TcptraceSeries
{
    std::vector<SegmentBar> segments;
    std::vector<StepPoint> acks;
    std::vector<StepPoint> window; // ack + scaled window
    std::vector<Mark> marks;
    bool from_client = true; // the direction plotted
};

struct StevensSeries
{
    std::vector<StepPoint> client; // (t, relative seq) of each segment sent by the client
    std::vector<StepPoint> server;
};

// The direction that carries more payload in `stream` (the client's on a tie)
bool BulkDirectionIsClient(const std::vector<TraceRow>& rows, int stream);

TcptraceSeries ExtractTcptrace(const std::vector<TraceRow>& rows, int stream, bool from_client);
StevensSeries ExtractStevens(const std::vector<TraceRow>& rows, int stream);

} // namespace sim
