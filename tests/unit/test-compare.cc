// SPDX-License-Identifier: GPL-2.0-only
// Comparing traces: a trace against itself, and against a copy with one window
// changed, where exactly that packet and field must be reported.
#include "models/capture/compare.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

namespace
{

const std::vector<PacketRecord>&
V1Packets()
{
    static const std::vector<PacketRecord> packets = [] {
        const std::string root = SIM_SOURCE_DIR;
        const Scenario sc = LoadScenario(ResolveScenarioPath("v1", root), root);
        return DecodeCapture(RunScenario(sc).capture);
    }();
    return packets;
}

} // namespace

BOOST_AUTO_TEST_SUITE(compare)

BOOST_AUTO_TEST_CASE(a_trace_matches_itself)
{
    CompareOptions o;
    o.absolute = true;
    o.time_tolerance = 0;
    const CompareResult r = CompareTraces(V1Packets(), V1Packets(), o);
    BOOST_TEST(r.slots == 10u);
    BOOST_TEST(r.matched == 10u);
    BOOST_TEST(FormatComparison(r) == "MATCH 10/10 packets\n");
}

BOOST_AUTO_TEST_CASE(one_changed_window_is_reported_alone)
{
    std::vector<PacketRecord> real = V1Packets();
    real[6].win_raw = 457; // no.7: 58496 once scaled by 128
    const CompareResult r = CompareTraces(V1Packets(), real, CompareOptions{});
    BOOST_TEST(r.matched == 9u);
    BOOST_REQUIRE_EQUAL(r.diffs.size(), 1u);
    BOOST_TEST(r.diffs[0].number == 7u);
    BOOST_REQUIRE_EQUAL(r.diffs[0].fields.size(), 1u);
    BOOST_TEST(r.diffs[0].fields[0].field == "win");
    BOOST_TEST(r.diffs[0].fields[0].real == "58496");
    BOOST_TEST(r.diffs[0].fields[0].sim == "65536");
    const std::string text = FormatComparison(r);
    BOOST_TEST(text.find("no.7 (stream 0, client→server)") == 0u, text);
    BOOST_TEST(text.find("MATCH 9/10 packets") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(ports_and_isns_do_not_matter_raw_numbers_do_with_absolute)
{
    std::vector<PacketRecord> real = V1Packets();
    for (PacketRecord& p : real)
    {
        // another ephemeral port and other ISNs, as a recording would have
        const bool from_client = p.sport == 51408;
        (from_client ? p.sport : p.dport) = 40001;
        p.seq += from_client ? 1000 : 2000;
        if (p.flags & 0x10)
        {
            p.ack += from_client ? 2000 : 1000;
        }
    }
    BOOST_TEST(CompareTraces(V1Packets(), real, CompareOptions{}).matched == 10u);
    CompareOptions abs;
    abs.absolute = true;
    const CompareResult r = CompareTraces(V1Packets(), real, abs);
    BOOST_TEST(r.matched == 0u);
    BOOST_TEST(r.diffs[0].fields[0].field == "raw_seq");
}

BOOST_AUTO_TEST_CASE(missing_and_extra_packets_are_counted)
{
    std::vector<PacketRecord> shorter = V1Packets();
    shorter.pop_back();
    const CompareResult r = CompareTraces(V1Packets(), shorter, CompareOptions{});
    BOOST_TEST(r.slots == 10u);
    BOOST_TEST(r.matched == 9u);
    BOOST_TEST(r.diffs[0].where == "extra in SIM");
}

BOOST_AUTO_TEST_CASE(time_is_compared_within_the_tolerance)
{
    std::vector<PacketRecord> real = V1Packets();
    real[9].time_ns += 400000; // 0.4 ms later
    CompareOptions loose;
    loose.time_tolerance = 0.0005;
    BOOST_TEST(CompareTraces(V1Packets(), real, loose).matched == 10u);
    CompareOptions tight;
    tight.time_tolerance = 0.0001;
    BOOST_TEST(CompareTraces(V1Packets(), real, tight).matched == 9u);
}

BOOST_AUTO_TEST_SUITE_END()
