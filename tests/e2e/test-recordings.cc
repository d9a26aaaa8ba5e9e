// SPDX-License-Identifier: GPL-2.0-only
// The model against this machine's kernel (the linux-6.18 profile):
//  - the recordings kept in tests/data/real (made by tests/data/real/record.sh): the
//    simulation matches the most common packet sequence of each scenario in every
//    relative field;
//  - with root and a capture device, v1 and v3 recorded live, now.
#include "tests/e2e/harness.h"

#include "models/capture/compare.h"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unistd.h>

using namespace simtest;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace
{

std::vector<sim::PacketRecord>
Packets(const fs::path& pcap)
{
    return sim::DecodeCapture(sim::ReadCapture(pcap.string()));
}

// "C SYN 0, S SYN,ACK 0, ...": who sent each packet, its flags and payload length
std::string
Sequence(const std::vector<sim::PacketRecord>& packets)
{
    std::string out;
    for (const auto& r : sim::AnalyzeTrace(packets))
    {
        out += fmt::format("{}{} {} {}", out.empty() ? "" : ", ", r.from_client ? "C" : "S",
                           sim::FlagNames(r.rec.flags), r.rec.len);
    }
    return out;
}

// The recording whose sequence occurs most often (ties: the smallest sequence text)
fs::path
MostCommonRecording(const std::string& name, size_t* count, size_t* total)
{
    std::map<std::string, std::vector<fs::path>> by_sequence;
    for (const auto& e : fs::directory_iterator(SourceDir() / "tests" / "data" / "real" / name))
    {
        if (e.path().filename().string().rfind("run-", 0) != 0)
        {
            continue; // the script and its notes beside the runs
        }
        const fs::path pcap = e.path() / "real.pcap";
        by_sequence[Sequence(Packets(pcap))].push_back(pcap);
    }
    const std::vector<fs::path>* best = nullptr;
    *total = 0;
    for (const auto& [seq, runs] : by_sequence)
    {
        *total += runs.size();
        if (!best || runs.size() > best->size())
        {
            best = &runs;
        }
    }
    BOOST_REQUIRE(best);
    *count = best->size();
    return best->front();
}

// `scenario`: a name in scenarios/ or a .toml path
sim::CompareResult
SimulateAndCompare(const std::string& scenario, const fs::path& real)
{
    TempDir dir;
    const Outcome run = Simulate(scenario, dir / "sim", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const sim::CompareResult r = sim::CompareTraces(Packets(dir / "sim" / "trace.pcap"), Packets(real), {});
    BOOST_TEST_MESSAGE(scenario << " vs " << real.string() << ":\n" << sim::FormatComparison(r));
    return r;
}

// tests/data/scenarios/NAME.toml simulated on linux-6.18 against the most common of its
// recordings in tests/data/real/NAME (record-scenario.sh): every packet, `packets` of them
void
ExpectTheMostCommonRecording(const std::string& name, size_t packets)
{
    size_t count = 0;
    size_t total = 0;
    const fs::path real = MostCommonRecording(name, &count, &total);
    BOOST_TEST(count * 2 > total, "most common sequence in " << count << "/" << total << " recordings");
    const sim::CompareResult r =
        SimulateAndCompare((SourceDir() / "tests" / "data" / "scenarios" / (name + ".toml")).string(), real);
    BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
    BOOST_TEST(r.slots == packets);
}

boost::test_tools::assertion_result
CanCapture(utf::test_unit_id)
{
    boost::test_tools::assertion_result r(geteuid() == 0);
    r.message() << "recording needs root (a packet socket on the \"any\" device)";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(recordings)

BOOST_AUTO_TEST_CASE(kept_recordings_match_the_most_common_sequence)
{
    for (const char* name : {"v1", "v3", "v4"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            size_t count = 0;
            size_t total = 0;
            const fs::path real = MostCommonRecording(name, &count, &total);
            BOOST_TEST_MESSAGE(name << ": most common sequence in " << count << "/" << total << " recordings");
            const sim::CompareResult r = SimulateAndCompare(name, real);
            BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_client_that_never_reads_matches_the_most_common_recording)
{
    // v1 with recv_sizes = []: the echo arrives before the client's close, which then
    // resets with data unread (RST,ACK). A race of 0.13 ms between the server's reply
    // think and the client's close think: in an earlier batch of ten, three runs sent
    // the client's FIN first and answered the echo with a bare RST
    ExpectTheMostCommonRecording("no-recv", 8);
}

BOOST_AUTO_TEST_CASE(a_client_that_only_connects_and_closes_matches_the_most_common_recording)
{
    // v1 with sends = 0 and recv_sizes = []: the server's ACK of the client's FIN is
    // delayed (pingpong after tcp_fin()) and rides on its own FIN
    ExpectTheMostCommonRecording("no-sends", 6);
}

BOOST_AUTO_TEST_CASE(v2_with_this_machines_scheduling_matches_a_most_common_sequence)
{
    // v2 is a race. v2.toml keeps the seed report's timing: its client wakes 0.2 ms after
    // the first echo, so the server's next writes wait for the ACK (Nagle) and leave as one
    // 15-byte segment. On this machine the client wakes within microseconds and ACKs each
    // echo first, and the recordings end three ways, equally often. The same scenario with
    // this machine's scheduling (the profile's wake-up latency instead of the seed's) must
    // give one of those most common sequences, packet for packet.
    std::map<std::string, std::vector<fs::path>> by_sequence;
    size_t best = 0;
    for (const auto& e : fs::directory_iterator(SourceDir() / "tests" / "data" / "real" / "v2"))
    {
        const fs::path pcap = e.path() / "real.pcap";
        auto& runs = by_sequence[Sequence(Packets(pcap))];
        runs.push_back(pcap);
        best = std::max(best, runs.size());
    }
    for (const auto& [seq, runs] : by_sequence)
    {
        BOOST_TEST(seq.find("S PSH,ACK 15") == std::string::npos, "no recording joins the echoes");
    }

    TempDir dir;
    const std::string seed_wake =
        "[client.wake]\nrecv = 0.2                          # the client gets the CPU after the server's loop ran on";
    WriteFile(dir / "v2-here.toml", ScenarioText("v2", {{seed_wake, ""}}));
    const Outcome run = Simulate((dir / "v2-here.toml").string(), dir / "out", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const auto sim = Packets(dir / "out" / "trace.pcap");
    const auto it = by_sequence.find(Sequence(sim));
    BOOST_REQUIRE_MESSAGE(it != by_sequence.end(), "the simulated sequence is in no recording: " << Sequence(sim));
    BOOST_TEST(it->second.size() == best, "a most common sequence (" << best << " of " << 10 << ")");
    const sim::CompareResult r = sim::CompareTraces(sim, Packets(it->second.front()), {});
    BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
}

BOOST_AUTO_TEST_CASE(late_wake_on_this_machine)
{
    // tests/data/real/late-wake: the client cannot run for 5 ms after the echo wakes it,
    // yet its ACK of the echo leaves at once. v1's programs with that experiment's
    // timing, on the linux-6.18 profile, must give the same packets at the same times.
    TempDir dir;
    WriteFile(dir / "late.toml",
              ScenarioText("v1", {{"reply = 3.0 ", "reply = 0.05\nrecv = 5.0 "},
                                  {"close = 0.72 ", "close = 0.0 "},
                                  {"send = 6.3 ", "send = 10.26 "},
                                  {"close = 3.13 ", "close = 0.0 "},
                                  {"recv = 4.86 ", "recv = 5.08 "}}));
    const Outcome run = Simulate((dir / "late.toml").string(), dir / "out", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    sim::CompareOptions timed;
    timed.time_tolerance = 0.0005;
    const sim::CompareResult r =
        sim::CompareTraces(Packets(dir / "out" / "trace.pcap"),
                           Packets(SourceDir() / "tests" / "data" / "real" / "late-wake" / "real.pcap"), timed);
    BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
}

// The receiver's windows during a bulk transfer: what the first data ACK offers, the
// largest offer (autotuning) and how often the window closes
struct BulkWindows
{
    uint32_t first_data_ack = 0;
    uint32_t largest = 0;
    size_t zero = 0;
};

BulkWindows
ReceiverWindows(const fs::path& pcap, uint16_t client_port)
{
    BulkWindows w;
    for (const auto& r : TraceRows(pcap))
    {
        if (r.rec.sport != client_port || r.rec.len != 0 || r.rel_ack <= 69)
        {
            continue; // the client's pure ACKs of the response body
        }
        w.first_data_ack = w.first_data_ack ? w.first_data_ack : r.win;
        w.largest = std::max(w.largest, r.win);
        w.zero += r.win == 0 ? 1 : 0;
    }
    return w;
}

BOOST_AUTO_TEST_CASE(bulk_transfer_windows_against_nine_recordings)
{
    // tests/data/real/bulk: the same 2 MB transfer recorded nine times (record.sh once,
    // spread.sh eight times). Every recording's first data ACK offers 95232, but how far
    // the reader falls behind, and so how often the window closes and how far
    // autotuning takes it, changes from run to run: the model must land within what
    // the recordings show. (It does once the scenario gives bulk.py's 1.46 ms between
    // header and body, which the receiver's first RTT sample spans: without it the
    // largest window stayed at 364544, below every recording.)
    const fs::path dir = SourceDir() / "tests" / "data" / "real" / "bulk";
    std::vector<fs::path> pcaps = {dir / "real.pcap"};
    for (const auto& p : FilesIn(dir / "spread"))
    {
        if (p.extension() == ".pcap")
        {
            pcaps.push_back(p);
        }
    }
    BOOST_REQUIRE(pcaps.size() == 9u);
    BulkWindows lo{UINT32_MAX, UINT32_MAX, SIZE_MAX}, hi{};
    for (const auto& p : pcaps)
    {
        const BulkWindows w = ReceiverWindows(p, 35457);
        lo = {std::min(lo.first_data_ack, w.first_data_ack), std::min(lo.largest, w.largest), std::min(lo.zero, w.zero)};
        hi = {std::max(hi.first_data_ack, w.first_data_ack), std::max(hi.largest, w.largest), std::max(hi.zero, w.zero)};
    }
    TempDir out;
    const std::string scenario = (SourceDir() / "tests" / "data" / "scenarios" / "bulk-618.toml").string();
    const Outcome run = Simulate(scenario, out / "b");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const BulkWindows sim = ReceiverWindows(out / "b" / "trace.pcap", 35457);
    BOOST_TEST_MESSAGE(fmt::format("bulk: first data ACK win {} (recordings {}-{}), largest {} ({}-{}), zero windows {} ({}-{})",
                                   sim.first_data_ack, lo.first_data_ack, hi.first_data_ack, sim.largest, lo.largest,
                                   hi.largest, sim.zero, lo.zero, hi.zero));
    BOOST_TEST(lo.first_data_ack == hi.first_data_ack);
    BOOST_TEST(sim.first_data_ack == lo.first_data_ack);
    BOOST_TEST(sim.zero >= lo.zero);
    BOOST_TEST(sim.zero <= hi.zero);
    BOOST_TEST(sim.largest >= lo.largest);
    BOOST_TEST(sim.largest <= hi.largest);
}

BOOST_AUTO_TEST_CASE(record_now_and_compare, *utf::precondition(CanCapture))
{
    for (const char* name : {"v1", "v3"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            TempDir dir;
            const Outcome rec = RunSim(std::string("record ") + name + " --out '" + (dir / name).string() + "'");
            BOOST_REQUIRE_MESSAGE(rec.status == 0, rec.err);
            const sim::CompareResult r = SimulateAndCompare(name, dir / name / "real.pcap");
            BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
