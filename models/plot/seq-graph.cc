// SPDX-License-Identifier: GPL-2.0-only
#include "models/plot/seq-graph.h"

#include <algorithm>

namespace sim
{

static double
Seconds(const TraceRow& r)
{
    return static_cast<double>(r.rel_time_ns) / 1e9;
}

bool
BulkDirectionIsClient(const std::vector<TraceRow>& rows, int stream)
{
    uint64_t client = 0;
    uint64_t server = 0;
    for (const TraceRow& r : rows)
    {
        if (r.stream == stream)
        {
            (r.from_client ? client : server) += r.rec.len;
        }
    }
    return client >= server;
}

TcptraceSeries
ExtractTcptrace(const std::vector<TraceRow>& rows, int stream, bool from_client)
{
    TcptraceSeries s;
    s.from_client = from_client;
    uint32_t highest = 0; // end of the highest byte sent so far
    bool any = false;
    for (const TraceRow& r : rows)
    {
        if (r.stream != stream)
        {
            continue;
        }
        const double t = Seconds(r);
        const uint8_t f = r.rec.flags;
        if (r.from_client == from_client)
        {
            const uint32_t end = r.rel_seq + r.rec.len;
            if (r.rec.len > 0)
            {
                s.segments.push_back({t, r.rel_seq, end, any && r.rel_seq < highest});
            }
            if (f & 0x02)
            {
                s.marks.push_back({t, r.rel_seq, "SYN"});
            }
            if (f & 0x01)
            {
                s.marks.push_back({t, end, "FIN"});
            }
            if (f & 0x04)
            {
                s.marks.push_back({t, r.rel_seq, "RST"});
            }
            highest = std::max(highest, end);
            any = any || r.rec.len > 0;
        }
        else
        {
            if (f & 0x10)
            {
                s.acks.push_back({t, r.rel_ack});
                s.window.push_back({t, static_cast<uint64_t>(r.rel_ack) + r.win});
            }
            if (f & 0x04)
            {
                s.marks.push_back({t, r.rel_ack, "RST"});
            }
        }
    }
    return s;
}

StevensSeries
ExtractStevens(const std::vector<TraceRow>& rows, int stream)
{
    StevensSeries s;
    for (const TraceRow& r : rows)
    {
        if (r.stream == stream)
        {
            (r.from_client ? s.client : s.server).push_back({Seconds(r), r.rel_seq});
        }
    }
    return s;
}

} // namespace sim
