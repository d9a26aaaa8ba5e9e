// SPDX-License-Identifier: GPL-2.0-only
// What the sequence/time graph is drawn from: the time axis with its compressed gaps,
// and the series of V4's trace.
#include "models/plot/gnuplot-plot.h"
#include "models/plot/seq-graph.h"
#include "models/plot/time-axis.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

namespace
{

const std::vector<TraceRow>&
V4Rows()
{
    static const std::vector<TraceRow> rows = [] {
        const std::string root = SIM_SOURCE_DIR;
        return AnalyzeTrace(DecodeCapture(RunScenario(LoadScenario(ResolveScenarioPath("v4", root), root)).capture));
    }();
    return rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(plot_data)

BOOST_AUTO_TEST_CASE(short_trace_uses_milliseconds_without_gaps)
{
    const TimeAxis axis({0.0, 0.006, 0.018});
    BOOST_TEST(axis.Unit() == "ms");
    BOOST_TEST(axis.Gaps().empty());
    BOOST_TEST(axis.Map(0.018) == 18.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(idle_gaps_are_compressed_and_reported)
{
    const TimeAxis axis({0.0, 0.005, 5.005, 5.045, 10.005});
    BOOST_REQUIRE_EQUAL(axis.Gaps().size(), 2u);
    BOOST_TEST(axis.Gaps()[0].seconds == 5.0, boost::test_tools::tolerance(1e-9));
    // 45 ms of activity; each gap drawn as a tenth of it
    BOOST_TEST(axis.Map(10.005) == 45.0 + 2 * 4.5, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(axis.Map(5.005) < axis.Map(5.045));
    // the ticks still show real times
    bool saw_5s = false;
    for (const auto& t : axis.Ticks())
    {
        saw_5s = saw_5s || t.label == "5.005 s";
    }
    BOOST_TEST(saw_5s);
}

BOOST_AUTO_TEST_CASE(v4_client_direction_has_four_sends_and_its_fin)
{
    const TcptraceSeries s = ExtractTcptrace(V4Rows(), 0, true);
    BOOST_REQUIRE_EQUAL(s.segments.size(), 4u);
    for (size_t i = 0; i < 4; ++i)
    {
        BOOST_TEST(s.segments[i].seq == 1 + 130 * i);
        BOOST_TEST(s.segments[i].end == 131 + 130 * i);
        BOOST_TEST(!s.segments[i].retransmission);
    }
    // the server's ACKs of them (plus its SYN-ACK, the echo and FIN,ACK, and its ACK of the FIN)
    BOOST_REQUIRE_EQUAL(s.acks.size(), 8u);
    BOOST_TEST(s.acks[4].value == 521u); // the ACK of the fourth send
    BOOST_TEST(s.window[4].value == 521u + V4Rows()[10].win);
    BOOST_REQUIRE_EQUAL(s.marks.size(), 2u);
    BOOST_TEST(s.marks[0].label == "SYN");
    BOOST_TEST(s.marks[1].label == "FIN");
    BOOST_TEST(s.marks[1].seq == 521u);
}

BOOST_AUTO_TEST_CASE(v4_server_direction_has_the_echo_after_five_seconds)
{
    const TcptraceSeries s = ExtractTcptrace(V4Rows(), 0, false);
    BOOST_REQUIRE_EQUAL(s.segments.size(), 1u);
    BOOST_TEST(s.segments[0].seq == 1u);
    BOOST_TEST(s.segments[0].end == 521u);
    BOOST_TEST(s.segments[0].t > 5.0);
    BOOST_TEST(s.marks.back().label == "FIN");
    BOOST_TEST(s.marks.back().t > 10.0);
}

BOOST_AUTO_TEST_CASE(v4_data_file_has_a_block_per_series)
{
    PlotRequest r;
    r.inputs.push_back({"v4", V4Rows()});
    r.both_directions = true;
    const std::string data = SeqGraphData(r);
    for (const char* block : {"# client → server window", "# client → server ACK", "# client → server data",
                              "# client → server SYN/FIN/RST", "# server → client data"})
    {
        BOOST_TEST(data.find(block) != std::string::npos, block);
    }
    BOOST_TEST(data.find("retransmissions") == std::string::npos); // there are none
}

BOOST_AUTO_TEST_CASE(stevens_has_both_directions)
{
    const StevensSeries s = ExtractStevens(V4Rows(), 0);
    BOOST_TEST(s.client.size() + s.server.size() == V4Rows().size());
    BOOST_TEST(BulkDirectionIsClient(V4Rows(), 0)); // 520 bytes each way: a tie goes to the client
}

BOOST_AUTO_TEST_SUITE_END()
