// SPDX-License-Identifier: GPL-2.0-only
// Faults on the link ([link] drop, loss) and how the model recovers from them as
// Linux does: a tail loss probe for a lone lost segment, SACK and fast recovery for a
// hole in a window, retransmissions Wireshark flags, runs that repeat per seed, and
// bad fault keys refused.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace simtest;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace
{

std::string
TestScenario(const std::string& name, const std::vector<std::pair<std::string, std::string>>& edits)
{
    std::string text = ReadFile(SourceDir() / "tests" / "data" / "scenarios" / (name + ".toml"));
    for (const auto& [from, to] : edits)
    {
        const size_t at = text.find(from);
        if (at == std::string::npos)
        {
            throw std::runtime_error(name + ".toml has no '" + from + "'");
        }
        text.replace(at, from.size(), to);
    }
    return text;
}

struct Run
{
    Outcome outcome;
    std::vector<sim::TraceRow> rows;
    fs::path pcap;
};

Run
RunEdited(const TempDir& dir,
          const std::string& name,
          const std::vector<std::pair<std::string, std::string>>& edits,
          const std::string& extra = "")
{
    const fs::path file = dir / (name + ".toml");
    WriteFile(file, TestScenario(name, edits));
    Run r;
    r.outcome = Simulate(file.string(), dir / "out", extra);
    r.pcap = dir / "out" / "trace.pcap";
    if (r.outcome.status == 0)
    {
        r.rows = TraceRows(r.pcap);
    }
    return r;
}

// Data segments (with payload) of one direction, by relative sequence number
std::vector<const sim::TraceRow*>
DataFrom(const std::vector<sim::TraceRow>& rows, bool client, uint32_t rel_seq)
{
    std::vector<const sim::TraceRow*> out;
    for (const auto& r : rows)
    {
        if (r.from_client == client && r.rec.len > 0 && r.rel_seq == rel_seq)
        {
            out.push_back(&r);
        }
    }
    return out;
}

bool
EndsWithFinsBothWays(const std::vector<sim::TraceRow>& rows)
{
    bool client_fin = false;
    bool server_fin = false;
    for (const auto& r : rows)
    {
        (r.from_client ? client_fin : server_fin) |= (r.rec.flags & 0x01) != 0;
    }
    return client_fin && server_fin;
}

boost::test_tools::assertion_result
TsharkPresent(utf::test_unit_id)
{
    boost::test_tools::assertion_result r(HaveProgram("tshark"));
    r.message() << "tshark is not installed (apt-get install tshark)";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults)

// One segment out, no ACK: tcp_schedule_loss_probe() arms 2 srtt + the RTO floor,
// capped at the RTO (srtt 20 ms, rttvar 200 ms: 221 ms at HZ 250, a 224 ms tick);
// the probe is the segment again, the peer ACKs it, and the echo completes
BOOST_AUTO_TEST_CASE(a_lost_data_segment_is_sent_again_by_the_loss_probe_and_the_echo_completes)
{
    TempDir dir;
    const Run run = RunEdited(dir, "lossy-echo", {});
    BOOST_REQUIRE_MESSAGE(run.outcome.status == 0, run.outcome.err);
    BOOST_TEST(run.outcome.err.find("blocked") == std::string::npos, run.outcome.err);
    const auto copies = DataFrom(run.rows, true, 1);
    BOOST_REQUIRE_EQUAL(copies.size(), 2u);
    const double gap_ms = static_cast<double>(copies[1]->rel_time_ns - copies[0]->rel_time_ns) / 1e6;
    BOOST_TEST(gap_ms > 200.0, "the probe went after " << gap_ms << " ms");
    BOOST_TEST(gap_ms < 232.0, "the probe went after " << gap_ms << " ms");
    // the copy carries its own send time: a TSval later than the first
    BOOST_TEST(*copies[1]->rec.tsval > *copies[0]->rec.tsval);
    BOOST_TEST(DataFrom(run.rows, false, 1).size() == 1u); // the echo, once
    BOOST_TEST(EndsWithFinsBothWays(run.rows));
}

BOOST_AUTO_TEST_CASE(a_lost_reply_is_sent_again_by_the_server)
{
    TempDir dir;
    // the server's packets: SYN-ACK, the ACK of the message, the echo (3rd)
    const Run run = RunEdited(dir, "lossy-echo", {{"drop = { client = [3] }", "drop = { server = [3] }"}});
    BOOST_REQUIRE_MESSAGE(run.outcome.status == 0, run.outcome.err);
    BOOST_TEST(run.outcome.err.find("blocked") == std::string::npos, run.outcome.err);
    // the capture is the client's: the lost copy never reached it, the second did
    BOOST_TEST(DataFrom(run.rows, false, 1).size() == 1u);
    BOOST_TEST(DataFrom(run.rows, true, 1).size() == 1u);
    BOOST_TEST(EndsWithFinsBothWays(run.rows));
}

// A hole in a window of full segments: the receiver ACKs the segments after it at once
// with SACK blocks, RACK marks the hole lost, and fast recovery repairs it one round
// trip after the first SACK, well before any RTO (>= 200 ms). The capture is the
// client's: the lost copy never reached it.
BOOST_AUTO_TEST_CASE(a_hole_in_a_window_is_sacked_and_repaired_by_fast_recovery)
{
    TempDir dir;
    const Run run = RunEdited(dir, "lossy-download", {{"loss = 0.02", "drop = { server = [12] }"}});
    BOOST_REQUIRE_MESSAGE(run.outcome.status == 0, run.outcome.err);
    BOOST_TEST(run.outcome.err.find("blocked") == std::string::npos, run.outcome.err);
    const sim::TraceRow* first_sack = nullptr;
    int sacks = 0;
    for (const auto& r : run.rows)
    {
        if (r.from_client && r.rec.num_sacks > 0)
        {
            first_sack = first_sack ? first_sack : &r;
            ++sacks;
            BOOST_TEST(r.rel_ack == first_sack->rel_ack); // the ACK stays at the hole
            BOOST_TEST(r.rec.sle[0] - (r.rec.ack - r.rel_ack) > r.rel_ack); // the block lies above it
        }
    }
    BOOST_REQUIRE(first_sack != nullptr);
    BOOST_TEST(sacks >= 3);
    const auto repair = DataFrom(run.rows, false, first_sack->rel_ack);
    BOOST_REQUIRE_EQUAL(repair.size(), 1u);
    const double after_ms = static_cast<double>(repair[0]->rel_time_ns - first_sack->rel_time_ns) / 1e6;
    BOOST_TEST(after_ms > 19.0, "repaired " << after_ms << " ms after the first SACK");
    BOOST_TEST(after_ms < 40.0, "repaired " << after_ms << " ms after the first SACK");
    BOOST_TEST(EndsWithFinsBothWays(run.rows));
}

BOOST_AUTO_TEST_CASE(a_loss_rate_loses_the_same_packets_for_a_seed_and_others_for_another)
{
    TempDir dir1;
    TempDir dir2;
    TempDir dir3;
    const Run a = RunEdited(dir1, "lossy-download", {}, "--seed 3");
    const Run b = RunEdited(dir2, "lossy-download", {}, "--seed 3");
    const Run c = RunEdited(dir3, "lossy-download", {}, "--seed 4");
    BOOST_REQUIRE(a.outcome.status == 0);
    BOOST_REQUIRE(b.outcome.status == 0);
    BOOST_REQUIRE(c.outcome.status == 0);
    BOOST_TEST(ReadFile(a.pcap) == ReadFile(b.pcap));
    BOOST_TEST(ReadFile(a.pcap) != ReadFile(c.pcap));
    BOOST_TEST(EndsWithFinsBothWays(a.rows));
    BOOST_TEST(EndsWithFinsBothWays(c.rows));
}

BOOST_AUTO_TEST_CASE(a_loss_rate_of_zero_is_the_link_without_faults)
{
    TempDir dir1;
    TempDir dir2;
    const Run zero = RunEdited(dir1, "lossy-download", {{"loss = 0.02", "loss = 0"}});
    const Run none = RunEdited(dir2, "lossy-download", {{"loss = 0.02", ""}});
    BOOST_REQUIRE(zero.outcome.status == 0);
    BOOST_REQUIRE(none.outcome.status == 0);
    BOOST_TEST(ReadFile(zero.pcap) == ReadFile(none.pcap));
    for (const auto& r : none.rows)
    {
        BOOST_TEST(r.rec.num_sacks == 0); // nothing lost, nothing SACKed
    }
}

// A duplicated segment reaches the receiver twice: the second is old data, answered
// at once with a D-SACK (tcp_data_queue(), tcp_dsack_set()): a block below the ACK
BOOST_AUTO_TEST_CASE(a_duplicating_link_is_answered_with_dsacks)
{
    TempDir dir;
    const Run run = RunEdited(dir, "lossy-download", {{"loss = 0.02", "duplicate = 0.1"}}, "--seed 2");
    BOOST_REQUIRE_MESSAGE(run.outcome.status == 0, run.outcome.err);
    int dsacks = 0;
    for (const auto& r : run.rows)
    {
        if (r.from_client && r.rec.num_sacks > 0 && r.rec.sre[0] - r.rec.ack <= 0x7fffffffu &&
            static_cast<int32_t>(r.rec.sre[0] - r.rec.ack) <= 0)
        {
            ++dsacks;
        }
    }
    BOOST_TEST(dsacks > 0);
    BOOST_TEST(EndsWithFinsBothWays(run.rows));
}

// Held-back segments arrive after later ones: the receiver queues them out of order
// and SACKs; the transfer completes
BOOST_AUTO_TEST_CASE(a_reordering_link_delivers_segments_out_of_order_and_the_transfer_completes)
{
    TempDir dir;
    const Run run =
        RunEdited(dir, "lossy-download", {{"loss = 0.02", "reorder = 0.05\nreorder_delay_ms = 3"}}, "--seed 2");
    BOOST_REQUIRE_MESSAGE(run.outcome.status == 0, run.outcome.err);
    BOOST_TEST(run.outcome.err.find("blocked") == std::string::npos, run.outcome.err);
    uint32_t highest = 0;
    int late = 0;
    int sacks = 0;
    for (const auto& r : run.rows)
    {
        if (!r.from_client && r.rec.len > 0)
        {
            late += r.rel_seq < highest;
            highest = std::max(highest, r.rel_seq);
        }
        sacks += r.from_client && r.rec.num_sacks > 0;
    }
    BOOST_TEST(late > 0);
    BOOST_TEST(sacks > 0);
    BOOST_TEST(EndsWithFinsBothWays(run.rows));
}

// A bottleneck queue of 15000 bytes at 100 Mbit/s: BBR's STARTUP (pacing at 2.89 times
// the bandwidth it has measured, doubling each round) overflows it within a 1 MB
// download (300 kB ends before the rate passes the link's), the frames it drops leave
// holes the receiver SACKs, and recovery repairs them
BOOST_AUTO_TEST_CASE(a_small_queue_drops_at_its_tail_and_recovery_repairs_the_holes)
{
    TempDir dir1;
    TempDir dir2;
    const Run small =
        RunEdited(dir1, "lossy-download", {{"loss = 0.02", "queue_bytes = 15000"}, {"= 300000", "= 1000000"}});
    const Run large =
        RunEdited(dir2, "lossy-download", {{"loss = 0.02", "queue_bytes = 1000000"}, {"= 300000", "= 1000000"}});
    BOOST_REQUIRE_MESSAGE(small.outcome.status == 0, small.outcome.err);
    BOOST_REQUIRE_MESSAGE(large.outcome.status == 0, large.outcome.err);
    auto sacks = [](const Run& r) {
        return std::count_if(r.rows.begin(), r.rows.end(),
                             [](const sim::TraceRow& row) { return row.from_client && row.rec.num_sacks > 0; });
    };
    BOOST_TEST(sacks(small) > 0);
    BOOST_TEST(sacks(large) == 0);
    BOOST_TEST(EndsWithFinsBothWays(small.rows));
}

BOOST_AUTO_TEST_CASE(retransmissions_are_what_wireshark_flags, *utf::precondition(TsharkPresent))
{
    TempDir dir;
    const Run run = RunEdited(dir, "lossy-echo", {});
    BOOST_REQUIRE(run.outcome.status == 0);
    const Outcome flagged = RunShell("tshark -n -r '" + run.pcap.string() +
                                     "' -Y tcp.analysis.retransmission -T fields -e frame.number");
    BOOST_REQUIRE_MESSAGE(flagged.status == 0, flagged.err);
    const auto copies = DataFrom(run.rows, true, 1);
    BOOST_REQUIRE_EQUAL(copies.size(), 2u);
    // the second copy, and only it
    size_t frame = 0;
    for (size_t i = 0; i < run.rows.size(); ++i)
    {
        if (&run.rows[i] == copies[1])
        {
            frame = i + 1;
        }
    }
    BOOST_TEST(flagged.out == std::to_string(frame) + "\n");
}

BOOST_AUTO_TEST_CASE(bad_fault_keys_are_one_line_errors_naming_the_key)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"drop = { client = [3] }", "loss = 1.5"},
        {"drop = { client = [3] }", "drop = { client = [0] }"},
        {"drop = { client = [3] }", "drop = { clients = [3] }"},
        {"drop = { client = [3] }", "loss = \"often\""},
        {"drop = { client = [3] }", "drop = [3]"},
        {"drop = { client = [3] }", "duplicate = 1"},
        {"drop = { client = [3] }", "reorder = -0.1"},
        {"drop = { client = [3] }", "reorder_delay_ms = 0"},
        {"drop = { client = [3] }", "queue_bytes = 100"},
    };
    const std::vector<std::string> keys = {"link.loss",      "link.drop.client", "link.drop.clients",
                                           "link.loss",      "link.drop",        "link.duplicate",
                                           "link.reorder",   "link.reorder_delay_ms", "link.queue_bytes"};
    for (size_t i = 0; i < cases.size(); ++i)
    {
        BOOST_TEST_CONTEXT(cases[i].second)
        {
            TempDir dir;
            const Run run = RunEdited(dir, "lossy-echo", {cases[i]});
            BOOST_TEST(run.outcome.status == 2);
            BOOST_TEST(std::count(run.outcome.err.begin(), run.outcome.err.end(), '\n') == 1);
            BOOST_TEST(run.outcome.err.find("lossy-echo.toml:") != std::string::npos, run.outcome.err);
            BOOST_TEST(run.outcome.err.find(keys[i]) != std::string::npos, run.outcome.err);
            BOOST_TEST(!fs::exists(dir / "out" / "trace.pcap"));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
