// SPDX-License-Identifier: GPL-2.0-only
// V2 and V4 have no table in the seed report; SCENARIOS.md describes what they show.
// These tests assert that description: directions, flags, lengths, and the gaps.
#include "tests/e2e/harness.h"

#include "models/capture/trace-table.h"

#include <boost/test/unit_test.hpp>

#include <utility>
#include <fmt/format.h>

using namespace simtest;

namespace
{

// "C SYN 0" / "S PSH,ACK 5": direction (client or server), flags, payload length
std::string
Shape(const sim::TraceRow& r)
{
    return fmt::format("{} {} {}", r.from_client ? "C" : "S", sim::FlagNames(r.rec.flags), r.rec.len);
}

double
Seconds(const sim::TraceRow& r)
{
    return static_cast<double>(r.rel_time_ns) / 1e9;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scenarios)

BOOST_AUTO_TEST_CASE(v2_nagle_joins_three_echoes_and_the_client_resets)
{
    const auto rows = SimulatedRows("v2");
    std::vector<size_t> server_data;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        if (!rows[i].from_client && rows[i].rec.len > 0)
        {
            server_data.push_back(i);
        }
    }
    // the server sends two data segments: 5 bytes, then 15
    BOOST_REQUIRE_EQUAL(server_data.size(), 2u);
    BOOST_TEST(rows[server_data[0]].rec.len == 5u);
    BOOST_TEST(rows[server_data[1]].rec.len == 15u);
    // the 15 bytes leave right after the client's ACK of the first 5 (Nagle)
    const sim::TraceRow& before = rows[server_data[1] - 1];
    BOOST_TEST(before.from_client);
    BOOST_TEST(sim::FlagNames(before.rec.flags) == "ACK");
    BOOST_TEST(before.rel_ack == 6u);
    // and the connection ends with a reset from the client
    BOOST_TEST(rows.back().from_client);
    BOOST_TEST((rows.back().rec.flags & 0x04) != 0);
    for (const auto& r : rows)
    {
        BOOST_TEST(!(!r.from_client && (r.rec.flags & 0x01)), "the server never gets to send a FIN");
    }
}

BOOST_AUTO_TEST_CASE(v4_sleeping_server_two_five_second_gaps)
{
    const auto rows = SimulatedRows("v4");
    const std::vector<std::string> expected = {
        "C SYN 0",      "S SYN,ACK 0",  "C ACK 0",
        "C PSH,ACK 130", "S ACK 0",     "C PSH,ACK 130", "S ACK 0",
        "C PSH,ACK 130", "S ACK 0",     "C PSH,ACK 130", "S ACK 0",
        "S PSH,ACK 520", "C ACK 0",     "C FIN,ACK 0",   "S ACK 0",
        "S FIN,ACK 0",   "C ACK 0"};
    std::vector<std::string> shapes;
    for (const auto& r : rows)
    {
        shapes.push_back(Shape(r));
    }
    BOOST_TEST(shapes == expected, boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(rows.size(), expected.size());

    // each 130-byte segment is ACKed at once (well under the 40 ms delayed-ACK timer)
    for (size_t i = 3; i <= 9; i += 2)
    {
        BOOST_TEST(Seconds(rows[i + 1]) - Seconds(rows[i]) < 0.001, "ACK of no." << i + 1);
        BOOST_TEST(rows[i + 1].rel_ack == rows[i].rel_seq + 130);
    }
    // relative seq/ack of the echo and the close
    BOOST_TEST(rows[11].rel_seq == 1u);
    BOOST_TEST(rows[11].rel_ack == 521u);
    BOOST_TEST(rows[13].rel_seq == 521u); // client FIN
    BOOST_TEST(rows[14].rel_ack == 522u); // server ACKs it
    BOOST_TEST(rows[15].rel_seq == 521u); // server FIN
    BOOST_TEST(rows[16].rel_ack == 522u);
    // first gap: the four sends to the echo; second: the ACK of the client's FIN to the
    // server's FIN (the seed report's rows 16 and 17)
    BOOST_TEST(Seconds(rows[11]) - Seconds(rows[10]) > 4.9);
    BOOST_TEST(Seconds(rows[11]) - Seconds(rows[10]) < 5.1);
    BOOST_TEST(Seconds(rows[15]) - Seconds(rows[14]) > 4.9);
    BOOST_TEST(Seconds(rows[15]) - Seconds(rows[14]) < 5.1);
}

BOOST_AUTO_TEST_CASE(v3_with_a_large_reply_fills_the_window_in_half_window_segments)
{
    // A user's variant of v3: a 260000-byte reply that the client reads in full
    TempDir dir;
    WriteFile(dir / "big.toml",
              ScenarioText("v3", {{"reply_multiplier = 1000", "reply_multiplier = 20000"},
                                  {"recv_sizes = [1024, 1024]", "recv_sizes = [65536, 65536, 65536, 65536, 65536]"}}));
    const Outcome run = Simulate((dir / "big.toml").string(), dir / "out");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const auto rows = sim::AnalyzeTrace(sim::DecodeCapture(sim::ReadCapture((dir / "out" / "trace.pcap").string())));
    uint32_t sent = 0;
    bool first_ack = true;
    for (const auto& r : rows)
    {
        if (!r.from_client && r.rec.len > 0)
        {
            // the client's largest window is 65536: segments of at most half of it
            BOOST_TEST(r.rec.len <= 32768u);
            sent += r.rec.len;
        }
        if (r.from_client && r.rel_ack > 1 + 13 && first_ack)
        {
            // 32768 bytes sit unread in an skb of truesize 34048: (131072 - 34048) / 2
            BOOST_TEST(r.win == 48512u);
            first_ack = false;
        }
    }
    BOOST_TEST(sent == 260000u);
    BOOST_TEST(!(rows.back().rec.flags & 0x04)); // read in full: no reset
}

BOOST_AUTO_TEST_SUITE_END()
