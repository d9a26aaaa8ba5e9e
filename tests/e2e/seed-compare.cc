// SPDX-License-Identifier: GPL-2.0-only
#include "tests/e2e/seed-compare.h"

#include "models/capture/trace-table.h"
#include "tests/e2e/tolerances.h"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <algorithm>

#include <cmath>
#include <sstream>

namespace simtest
{

// The options in the seed tables' notation, split into the layout ("MSS=65495,SACK_PERM,
// TS,WS=128") and the two timestamp values, so that a mismatch names TSval or TSecr
struct SeedStyleOptions
{
    std::string layout;
    std::string tsval;
    std::string tsecr;
};

static SeedStyleOptions
SplitSeedOptions(const std::string& text)
{
    SeedStyleOptions o;
    std::vector<std::string> layout;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (item.rfind("TSval=", 0) == 0)
        {
            o.tsval = item.substr(6);
            layout.emplace_back("TS");
        }
        else if (item.rfind("TSecr=", 0) == 0)
        {
            o.tsecr = item.substr(6);
        }
        else if (!item.empty() && item != "-")
        {
            layout.push_back(item);
        }
    }
    o.layout = fmt::format("{}", fmt::join(layout, ","));
    return o;
}

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
        const SeedStyleOptions want = SplitSeedOptions(s.options);
        const SeedStyleOptions got = SplitSeedOptions(OptionsString(p));
        field("options", want.layout, got.layout);
        field("TSval", want.tsval, got.tsval);
        field("TSecr", want.tsecr, got.tsecr);
        if (c.mismatches.size() == before)
        {
            ++c.matching_rows;
        }
    }
    return c;
}

} // namespace simtest

namespace simtest
{

std::vector<std::string>
FindSeedRows(const std::string& name, const std::filesystem::path& pcap, double tolerance, size_t* count)
{
    const std::vector<SeedRow> seed = ReadSeedTable(name);
    const std::vector<sim::TraceRow> rows = ReadRows(pcap);
    *count = seed.size();
    std::vector<std::string> missing;
    for (const SeedRow& s : seed)
    {
        // the nearest packet: a differing time or window weighs least, then flags and
        // lengths, then seq and ack
        std::vector<std::string> best;
        int best_score = 0;
        bool found = false;
        for (const sim::TraceRow& r : rows)
        {
            const sim::PacketRecord& p = r.rec;
            if (p.sport != s.sport || p.dport != s.dport)
            {
                continue;
            }
            std::vector<std::string> diff;
            int score = 0;
            // a packet with the row's seq and ack but other flags is the same event
            // told differently (an ACK riding on data); other numbers: another event
            auto check = [&](const char* what, const std::string& want, const std::string& got, int weight) {
                if (want != "-" && want != got)
                {
                    diff.push_back(fmt::format("{} {} (seed {})", what, got, want));
                    score += weight;
                }
            };
            check("flags", s.flags, sim::FlagNames(p.flags), 10);
            check("seq", s.seq, std::to_string(r.rel_seq), 40);
            check("ack", s.ack, std::to_string(r.rel_ack), 40);
            check("len", s.len, std::to_string(p.len), 10);
            check("frame_len", s.frame_len, std::to_string(p.frame_len), 10);
            // absolute sim time: the scenario's time 0 is the capture's start
            const double t = static_cast<double>(p.time_ns) / 1e9;
            if (std::fabs(t - s.time) > tolerance)
            {
                diff.push_back(fmt::format("time {:.6f} (seed {:.6f})", t, s.time));
                score += 1;
            }
            if (s.win != "-")
            {
                const double want = std::stod(s.win);
                const bool ok = want <= 65536 ? r.win == static_cast<uint32_t>(want)
                                              : std::fabs(r.win - want) <= 0.1 * want;
                if (!ok)
                {
                    diff.push_back(fmt::format("win {} (seed {})", r.win, s.win));
                    score += 1;
                }
            }
            if (diff.empty())
            {
                found = true;
                break;
            }
            if (best.empty() || score < best_score)
            {
                best = diff;
                best_score = score;
            }
        }
        if (!found)
        {
            missing.push_back(fmt::format("{} no.{} ({} -> {}): {}", name, s.no, s.sport, s.dport,
                                          best.empty() ? "no packet of that connection" : fmt::format("{}", fmt::join(best, ", "))));
        }
    }
    return missing;
}

void
CheckAgainstSeed(const std::string& name, size_t expected_rows, const std::vector<KnownDeviation>& known)
{
    TempDir dir;
    const Outcome run = Simulate(name, dir / name);
    BOOST_REQUIRE_MESSAGE(run.status == 0, "sim " << name << " failed: " << run.err);
    const SeedComparison c = CompareWithSeed(name, dir / name / "trace.pcap");
    BOOST_TEST(c.rows == expected_rows);
    for (const auto& m : c.mismatches)
    {
        const bool listed = std::any_of(known.begin(), known.end(), [&](const KnownDeviation& k) {
            return k.message == m;
        });
        if (listed)
        {
            BOOST_TEST_MESSAGE("known deviation: " << m);
        }
        else
        {
            BOOST_ERROR(m);
        }
    }
    for (const auto& k : known)
    {
        const bool occurs = std::find(c.mismatches.begin(), c.mismatches.end(), k.message) != c.mismatches.end();
        BOOST_TEST(occurs, "known deviation no longer occurs, remove it from the list: " << k.message);
    }
    const size_t deviating_rows = c.rows - c.matching_rows;
    BOOST_TEST_MESSAGE(name << ": " << c.matching_rows << "/" << c.rows << " rows match in every field, "
                            << deviating_rows << " with known deviations");
}

} // namespace simtest
