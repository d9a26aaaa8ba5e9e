#include "tests/e2e/seed-compare.h"

#include "models/capture/trace-table.h"
#include "tests/e2e/tolerances.h"

#include <fmt/format.h>

#include <cmath>

namespace simtest
{

static std::string
OptionsString(const sim::PacketRecord& p)
{
    std::vector<std::string> parts;
    if (p.mss)
    {
        parts.push_back(fmt::format("MSS={}", *p.mss));
    }
    if (p.sack_perm)
    {
        parts.emplace_back("SACK_PERM");
    }
    if (p.tsval)
    {
        parts.push_back(fmt::format("TSval={}", *p.tsval));
        parts.push_back(fmt::format("TSecr={}", *p.tsecr));
    }
    if (p.ws)
    {
        parts.push_back(fmt::format("WS={}", 1u << *p.ws));
    }
    return fmt::format("{}", fmt::join(parts, ","));
}

static std::vector<sim::TraceRow>
ReadRows(const std::filesystem::path& pcap)
{
    return sim::AnalyzeTrace(sim::DecodeCapture(sim::ReadCapture(pcap.string())));
}

std::string
SeedOptions(const std::string& pcap_path, size_t index)
{
    return OptionsString(ReadRows(pcap_path).at(index).rec);
}

SeedComparison
CompareWithSeed(const std::string& name, const std::filesystem::path& pcap)
{
    const std::vector<SeedRow> seed = ReadSeedTable(name);
    const std::vector<sim::TraceRow> rows = ReadRows(pcap);
    SeedComparison c;
    c.rows = seed.size();
    c.packets = rows.size();
    if (rows.size() != seed.size())
    {
        c.mismatches.push_back(fmt::format("{}: expected {} packets, got {}", name, seed.size(), rows.size()));
    }
    for (size_t i = 0; i < seed.size() && i < rows.size(); ++i)
    {
        const SeedRow& s = seed[i];
        const sim::TraceRow& r = rows[i];
        const sim::PacketRecord& p = r.rec;
        const size_t before = c.mismatches.size();
        auto field = [&](const char* what, const std::string& expected, const std::string& actual) {
            if (expected != actual)
            {
                c.mismatches.push_back(
                    fmt::format("{} no.{} {}: expected {}, got {}", name, s.no, what, expected, actual));
            }
        };
        const double t = static_cast<double>(r.rel_time_ns) / 1e9;
        if (std::fabs(t - s.time) > kSeedTimeToleranceS)
        {
            c.mismatches.push_back(fmt::format("{} no.{} time: expected {:.9f}, got {:.9f} (tolerance {} s)",
                                               name, s.no, s.time, t, kSeedTimeToleranceS));
        }
        field("src", s.src, p.src);
        field("sport", std::to_string(s.sport), std::to_string(p.sport));
        field("dst", s.dst, p.dst);
        field("dport", std::to_string(s.dport), std::to_string(p.dport));
        field("flags", s.flags, sim::FlagNames(p.flags));
        field("seq", s.seq, std::to_string(p.seq));
        field("ack", s.ack, std::to_string(p.ack));
        field("win", s.win, std::to_string(r.win));
        field("len", s.len, std::to_string(p.len));
        field("frame_len", s.frame_len, std::to_string(p.frame_len));
        field("options", s.options, OptionsString(p));
        if (c.mismatches.size() == before)
        {
            ++c.matching_rows;
        }
    }
    return c;
}

} // namespace simtest
