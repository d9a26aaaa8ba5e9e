// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace sim
{

const std::vector<std::string>&
CompareFieldNames()
{
    static const std::vector<std::string> names = {"dir", "flags", "seq", "ack", "len", "win",
                                                   "mss", "sack_perm", "ws", "ts", "sack", "frame_len",
                                                   "raw_seq", "raw_ack", "tsval", "tsecr", "time"};
    return names;
}

namespace
{

std::set<std::string>
ActiveFields(const CompareOptions& o)
{
    if (!o.fields.empty())
    {
        return o.fields;
    }
    std::set<std::string> f = {"dir", "flags", "seq", "ack", "len", "win",
                                "mss", "sack_perm", "ws", "ts", "sack", "frame_len"};
    if (o.absolute)
    {
        f.insert({"raw_seq", "raw_ack", "tsval", "tsecr"});
    }
    if (o.time_tolerance)
    {
        f.insert("time");
    }
    return f;
}

template <typename T>
std::string
Opt(const std::optional<T>& v)
{
    return v ? std::to_string(*v) : "-";
}

// SACK blocks relative like the Ack field, in the order the segment carries them
std::string
SackBlocks(const TraceRow& r)
{
    const PacketRecord& p = r.rec;
    if (!p.num_sacks)
    {
        return "-";
    }
    const uint32_t base = p.ack - r.rel_ack;
    std::string out;
    for (int i = 0; i < p.num_sacks; ++i)
    {
        out += fmt::format("{}{}-{}", i ? " " : "", p.sle[i] - base, p.sre[i] - base);
    }
    return out;
}

// Each field as text, so that a difference prints as it reads
std::map<std::string, std::string>
Fields(const TraceRow& r)
{
    const PacketRecord& p = r.rec;
    return {
        {"dir", r.from_client ? "client→server" : "server→client"},
        {"flags", FlagNames(p.flags)},
        {"seq", std::to_string(r.rel_seq)},
        {"ack", std::to_string(r.rel_ack)},
        {"len", std::to_string(p.len)},
        {"win", std::to_string(r.win)},
        {"mss", Opt(p.mss)},
        {"sack_perm", p.sack_perm ? "yes" : "no"},
        // as trace.txt shows it: a shift above 14 is 14 (RFC 7323 §2.3, FormatTraceLine())
        {"ws", p.ws ? std::to_string(1u << std::min<int>(*p.ws, 14)) : "-"},
        {"ts", p.tsval ? "yes" : "no"},
        {"sack", SackBlocks(r)},
        {"frame_len", std::to_string(p.frame_len)},
        {"raw_seq", std::to_string(p.seq)},
        {"raw_ack", std::to_string(p.ack)},
        {"tsval", Opt(p.tsval)},
        {"tsecr", Opt(p.tsecr)},
        {"time", fmt::format("{:.6f}", static_cast<double>(r.rel_time_ns) / 1e9)},
    };
}

std::vector<std::vector<const TraceRow*>>
ByStream(const std::vector<TraceRow>& rows)
{
    std::vector<std::vector<const TraceRow*>> streams;
    for (const TraceRow& r : rows)
    {
        if (static_cast<size_t>(r.stream) >= streams.size())
        {
            streams.resize(static_cast<size_t>(r.stream) + 1);
        }
        streams[static_cast<size_t>(r.stream)].push_back(&r);
    }
    return streams;
}

} // namespace

CompareResult
CompareTraces(const std::vector<PacketRecord>& sim_packets,
              const std::vector<PacketRecord>& real_packets,
              const CompareOptions& options)
{
    const std::set<std::string> active = ActiveFields(options);
    const std::vector<TraceRow> sim_rows = AnalyzeTrace(sim_packets);
    const std::vector<TraceRow> real_rows = AnalyzeTrace(real_packets);
    const auto sim_streams = ByStream(sim_rows);
    const auto real_streams = ByStream(real_rows);
    auto number = [](const std::vector<TraceRow>& rows, const TraceRow* r) {
        return static_cast<size_t>(r - rows.data()) + 1;
    };

    CompareResult res;
    const size_t nstreams = std::max(sim_streams.size(), real_streams.size());
    for (size_t s = 0; s < nstreams; ++s)
    {
        static const std::vector<const TraceRow*> none;
        const auto& a = s < real_streams.size() ? real_streams[s] : none;
        const auto& b = s < sim_streams.size() ? sim_streams[s] : none;
        for (size_t i = 0; i < std::max(a.size(), b.size()); ++i)
        {
            ++res.slots;
            PacketDiff d;
            d.stream = static_cast<int>(s);
            if (i >= b.size())
            {
                d.number = number(real_rows, a[i]);
                d.where = "missing in SIM";
                d.fields.push_back({"packet", FormatTraceLine(*a[i], d.number, false), "-"});
                res.diffs.push_back(d);
                continue;
            }
            if (i >= a.size())
            {
                d.number = number(sim_rows, b[i]);
                d.where = "extra in SIM";
                d.fields.push_back({"packet", "-", FormatTraceLine(*b[i], d.number, false)});
                d.sim_why = b[i]->rec.why;
                res.diffs.push_back(d);
                continue;
            }
            d.number = number(real_rows, a[i]);
            d.where = a[i]->from_client ? "client→server" : "server→client";
            const auto fa = Fields(*a[i]);
            const auto fb = Fields(*b[i]);
            for (const std::string& name : CompareFieldNames())
            {
                if (!active.count(name))
                {
                    continue;
                }
                if (name == "time")
                {
                    const double ta = static_cast<double>(a[i]->rel_time_ns) / 1e9;
                    const double tb = static_cast<double>(b[i]->rel_time_ns) / 1e9;
                    if (std::fabs(ta - tb) > *options.time_tolerance + 1e-12)
                    {
                        d.fields.push_back({name, fa.at(name), fb.at(name)});
                    }
                    continue;
                }
                if (fa.at(name) != fb.at(name))
                {
                    d.fields.push_back({name, fa.at(name), fb.at(name)});
                }
            }
            d.sim_why = b[i]->rec.why;
            if (d.fields.empty())
            {
                ++res.matched;
            }
            else
            {
                res.diffs.push_back(d);
            }
        }
    }
    return res;
}

std::string
FormatComparison(const CompareResult& r)
{
    std::string out;
    for (const PacketDiff& d : r.diffs)
    {
        out += fmt::format("no.{} (stream {}, {})\n", d.number, d.stream, d.where);
        size_t width = 0;
        for (const FieldDiff& f : d.fields)
        {
            width = std::max(width, f.real.size());
        }
        for (const FieldDiff& f : d.fields)
        {
            out += fmt::format("  {:<10} REAL {:<{}}  SIM {}\n", f.field + ":", f.real, width, f.sim);
        }
        if (!d.sim_why.empty())
        {
            out += fmt::format("  SIM sent it: {}\n", d.sim_why);
        }
    }
    out += fmt::format("MATCH {}/{} packets\n", r.matched, r.slots);
    return out;
}

} // namespace sim
