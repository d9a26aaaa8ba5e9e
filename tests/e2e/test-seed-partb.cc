// SPDX-License-Identifier: GPL-2.0-only
// Part B against the legible rows of the seed report (issue 8).
#include "tests/e2e/harness.h"
#include "tests/e2e/seed-compare.h"
#include "tests/e2e/tolerances.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(seed_partb)

BOOST_AUTO_TEST_CASE(head_of_line_blocking_across_connections)
{
    // 34678's request is ACKed by the kernel at once but answered only after the
    // server, serving one connection at a time, closes 34662 on its 1 s idle timer
    const auto rows = SimulatedRows("partb");
    double request = -1, acked = -1, answered = -1, closed_34662 = -1;
    for (const auto& r : rows)
    {
        const double t = static_cast<double>(r.rec.time_ns) / 1e9;
        if (r.rec.sport == 34678 && r.rec.len > 0 && request < 0)
        {
            request = t;
        }
        if (r.rec.dport == 34678 && request >= 0 && acked < 0 && r.rel_ack > 1 && r.rec.len == 0)
        {
            acked = t;
        }
        if (r.rec.dport == 34678 && r.rec.len > 0 && answered < 0)
        {
            answered = t;
        }
        if (r.rec.dport == 34662 && (r.rec.flags & 0x01) && closed_34662 < 0)
        {
            closed_34662 = t;
        }
    }
    BOOST_REQUIRE(request > 0);
    BOOST_TEST(acked - request < 0.001);          // the kernel ACKs at once
    BOOST_TEST(answered > closed_34662);          // the answer waits for 34662's close
    BOOST_TEST(answered - request > 0.9);         // about a second
    BOOST_TEST(answered - closed_34662 < 0.005);  // and comes right after it
}

BOOST_AUTO_TEST_CASE(rows_found_and_known_deviations)
{
    // Every row is looked for as the acceptance asks (ports, flags, relative seq/ack,
    // lengths, windows exact up to 64 KiB or within 10% above), and in time within the
    // exact tables' 0.5 ms rather than the 5 ms asked: the scenario's process times are
    // read off this report, so the kernel's packets must land as closely. One is
    // not found; the test fails if another row goes missing or if this one changes or
    // is found (then this list must shrink).
    // no.95: the ACK of all of a/1.jpg but its last 6835 bytes is there, with 1077120
    //   where the seed offers 842624. That figure needs about 20 unread skbs of 34048
    //   bytes against the smallest buffer tcp_rcv_space_adjust() sets when it first
    //   grows (18 x 131019), more than a/1.jpg's 16 segments even with the backlog
    //   counted twice, or an rcv_ssthresh between two steps of its 2 x advmss ladder
    //   (720325, 851291): no reading schedule, stall or hold of Firefox gives it.
    const std::vector<std::string> known = {
        "partb no.95 (34662 -> 12345): win 1077120 (seed 842624)",
    };
    TempDir dir;
    const Outcome run = Simulate("partb", dir / "b");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    size_t rows = 0;
    const std::vector<std::string> missing = FindSeedRows("partb", dir / "b" / "trace.pcap", kSeedTimeToleranceS, &rows);
    for (const auto& m : missing)
    {
        BOOST_TEST_MESSAGE("not found: " << m);
    }
    BOOST_TEST_MESSAGE("partb: " << rows - missing.size() << "/" << rows << " rows found");
    BOOST_TEST(rows == 38u);
    BOOST_TEST(missing == known, boost::test_tools::per_element());
}

namespace
{

// The first packet from 34662 that acknowledges all of a/b/5.jpg (relative ack 2259089)
const sim::TraceRow*
AckOfAb5(const std::vector<sim::TraceRow>& rows)
{
    for (const auto& r : rows)
    {
        if (r.rec.sport == 34662 && r.rel_ack == 2259089)
        {
            return &r;
        }
    }
    return nullptr;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_stalled_reader_acks_the_tail_from_its_next_read)
{
    // The scenario's one stall (Firefox off the CPU for 64 us after reading the header
    // and two of a/b/5.jpg's five segments) is what the seed's no.169 shows: the first
    // read after it sends the ACK of the tail at once (tcp_cleanup_rbuf(): more than one
    // segment not yet ACKed), with three segments and the tail unread:
    // (6291456 - 3 x 66763 - 9339) / 2 aligned up to 128 = 3041024.
    const auto rows = SimulatedRows("partb");
    const sim::TraceRow* ack = AckOfAb5(rows);
    BOOST_REQUIRE(ack != nullptr);
    BOOST_TEST(ack->rec.len == 0u);
    BOOST_TEST(ack->win == 3041024u);

    // Without it, Firefox keeps up: the ACK of the 8059-byte tail is delayed (pingpong)
    // and rides on the next request
    TempDir dir;
    WriteFile(dir / "no-stall.toml",
              ScenarioText("partb", {{", stall = { after_bytes = 131033, ms = 0.064 }", ""}}));
    const auto plain = SimulatedRows((dir / "no-stall.toml").string());
    const sim::TraceRow* piggy = AckOfAb5(plain);
    BOOST_REQUIRE(piggy != nullptr);
    BOOST_TEST(piggy->rec.len == 385u);
}

BOOST_AUTO_TEST_CASE(tshark_sees_the_window_fill_on_34662, *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result r(HaveProgram("tshark"));
    r.message() << "tshark is not installed";
    return r;
}))
{
    // Firefox's receive window fills: Wireshark's expert info says "TCP Window Full"
    // on 34662 (the seed's rows 74 and 80), while its window is still 64 KiB: once
    // autotuning has grown it, it no longer fills.
    TempDir dir;
    const Outcome run = Simulate("partb", dir / "b");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const Outcome full = RunShell("tshark -n -r '" + (dir / "b" / "trace.pcap").string() +
                                  "' -Y 'tcp.analysis.window_full && tcp.dstport == 34662' -T fields -e frame.number");
    BOOST_REQUIRE_MESSAGE(full.status == 0, full.err);
    const size_t count = static_cast<size_t>(std::count(full.out.begin(), full.out.end(), '\n'));
    BOOST_TEST_MESSAGE("TCP Window Full on 34662: " << count);
    BOOST_TEST(count >= 2u);
}

BOOST_AUTO_TEST_CASE(a_bulk_write_sends_each_skb_when_its_copy_is_done)
{
    // tcp_sendmsg() copies the body into 65483-byte skbs; with the profile's write time
    // (260 ns per KiB) they leave one every 65483 * 260 / 1024 = 16626 ns, not all at once
    const auto rows = SimulatedRows("partb");
    int64_t last = -1;
    size_t spaced = 0, together = 0;
    for (const auto& r : rows)
    {
        if (r.rec.sport != 12345 || r.rec.dport != 34662 || r.rec.len != 65483)
        {
            continue;
        }
        const int64_t gap = last < 0 ? -1 : r.rec.time_ns - last;
        spaced += gap == 16626 ? 1 : 0;
        together += gap == 0 ? 1 : 0;
        last = r.rec.time_ns;
    }
    BOOST_TEST(spaced >= 20u);
    BOOST_TEST(together == 0u);
}

BOOST_AUTO_TEST_CASE(acks_leave_in_the_order_they_were_made)
{
    // ACKs held for a woken task and those of a later softirq share the CPU's FIFO
    // backlog: on the wire a connection's ACK numbers never go back
    const auto rows = SimulatedRows("partb");
    std::map<std::pair<int, int>, uint32_t> last;
    size_t checked = 0;
    for (const auto& r : rows)
    {
        if (!(r.rec.flags & 0x10))
        {
            continue;
        }
        const auto key = std::make_pair(static_cast<int>(r.rec.sport), static_cast<int>(r.rec.dport));
        const auto it = last.find(key);
        if (it != last.end())
        {
            BOOST_TEST_CONTEXT(r.rec.sport << " -> " << r.rec.dport << " at " << r.rec.time_ns << " ns")
            {
                BOOST_TEST(r.rel_ack >= it->second);
            }
            ++checked;
        }
        last[key] = static_cast<uint32_t>(r.rel_ack);
    }
    BOOST_TEST(checked > 300u);
}

BOOST_AUTO_TEST_SUITE_END()
