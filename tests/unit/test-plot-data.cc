// SPDX-License-Identifier: GPL-2.0-only
// What the sequence/time graph is drawn from: the time axis (one unit chosen from the
// span, compressed gaps drawn as axis breaks), the window labels placed so that none
// overlaps, the y axis from 0, and the series of V4's trace.
#include "models/plot/gnuplot-plot.h"
#include "models/plot/label-layout.h"
#include "models/plot/seq-graph.h"
#include "models/plot/time-axis.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <set>
#include <fstream>
#include <sstream>
#include <string>

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

// A bulk transfer whose receiver opens its window at every ACK: 200 window sizes
// within 20 ms, far more than fit as labels
std::vector<TraceRow>
GrowingWindowRows()
{
    std::vector<TraceRow> rows;
    for (uint32_t i = 0; i < 200; ++i)
    {
        TraceRow d;
        d.rel_time_ns = 100'000ull * i;
        d.from_client = false;
        d.rel_seq = 1 + 1448 * i;
        d.rec.len = 1448;
        d.rec.flags = 0x18;
        rows.push_back(d);
        TraceRow a;
        a.rel_time_ns = d.rel_time_ns + 20'000;
        a.from_client = true;
        a.rel_ack = d.rel_seq + 1448;
        a.win = 65536 + 4096 * i;
        a.rec.flags = 0x10;
        rows.push_back(a);
    }
    return rows;
}

// The numbers of each line of one block of the data file, by its name
std::vector<std::vector<double>>
BlockRows(const std::string& data, const std::string& name)
{
    std::vector<std::vector<double>> out;
    const size_t at = data.find("# " + name + " (index");
    if (at == std::string::npos)
    {
        return out;
    }
    std::istringstream in(data.substr(data.find('\n', at) + 1));
    std::string line;
    while (std::getline(in, line) && !line.empty())
    {
        std::istringstream fields(line);
        double a = 0, b = 0;
        fields >> a >> b;
        out.push_back({a, b});
    }
    return out;
}

size_t
Count(const std::string& s, const std::string& what)
{
    size_t n = 0;
    for (size_t at = 0; (at = s.find(what, at)) != std::string::npos; at += what.size())
    {
        ++n;
    }
    return n;
}

std::string
Template(const std::string& kind)
{
    std::ifstream f(std::string(SIM_SOURCE_DIR) + "/plots/" + kind + ".gp");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(plot_data)

BOOST_AUTO_TEST_CASE(short_trace_uses_milliseconds_without_gaps)
{
    const TimeAxis axis({0.0, 0.006, 0.018});
    BOOST_TEST(axis.Unit() == "ms");
    BOOST_TEST(axis.Gaps().empty());
    BOOST_TEST(axis.Map(0.018) == 18.0, boost::test_tools::tolerance(1e-9));
    for (const auto& t : axis.Ticks())
    {
        BOOST_TEST(t.label.find('s') == std::string::npos, t.label); // plain numbers of ms
    }
}

BOOST_AUTO_TEST_CASE(unit_follows_the_span)
{
    BOOST_TEST(TimeAxis({0.0, 0.003, 0.006}).Unit() == "ms");     // 6 ms
    BOOST_TEST(TimeAxis({0.0, 0.0002, 0.0004}).Unit() == "µs");   // 0.4 ms
    BOOST_TEST(TimeAxis({0.0, 0.005, 5.005, 10.005}).Unit() == "s"); // 10 s, mostly idle
    BOOST_TEST(TimeAxis({8.0, 8.786, 8.789, 9.79}).Unit() == "s"); // 1.8 s from 8 s
    // a 0.6 ms zoom at 8.787 s: ms ("8787.1"), not 7-digit microseconds
    const TimeAxis zoom({8.7869, 8.7875});
    BOOST_TEST(zoom.Unit() == "ms");
    for (const auto& t : zoom.Ticks())
    {
        BOOST_TEST(t.label.find('.') <= 4u, t.label);
    }
}

BOOST_AUTO_TEST_CASE(idle_gaps_are_compressed_and_ticks_read_in_one_unit)
{
    const TimeAxis axis({0.0, 0.005, 5.005, 5.045, 10.005});
    BOOST_TEST(axis.Unit() == "s");
    BOOST_REQUIRE_EQUAL(axis.Gaps().size(), 2u);
    BOOST_TEST(axis.Gaps()[0].seconds == 5.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(TimeAxis::GapLabel(axis.Gaps()[0].seconds) == "5.00 s idle");
    BOOST_TEST(TimeAxis::GapLabel(0.786) == "786 ms idle");
    // 45 ms of activity; each gap drawn as a tenth of it
    BOOST_TEST(axis.Map(10.005) == 0.045 + 2 * 0.0045, boost::test_tools::tolerance(1e-6));
    BOOST_TEST(axis.Gaps()[0].x0 == 0.005, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(axis.Gaps()[0].x1 == 0.0095, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(axis.Map(5.005) < axis.Map(5.045));
    // the ticks show real times, as plain numbers of seconds with the same decimals
    std::set<std::string> labels;
    for (const auto& t : axis.Ticks())
    {
        labels.insert(t.label);
        BOOST_TEST(t.label.find('s') == std::string::npos, t.label);
        BOOST_TEST(t.label.size() - t.label.find('.') == 4u, t.label); // three decimals
    }
    BOOST_TEST(labels.count("0.000"));
    BOOST_TEST(labels.count("5.010"));
    BOOST_TEST(labels.count("10.005")); // the lone FIN after the second gap
}

BOOST_AUTO_TEST_CASE(labels_never_overlap_nor_leave_the_frame)
{
    // forty labels wanting the same place, and one at the right edge
    std::vector<LabelRequest> requests(40, LabelRequest{100, 100, LabelWidth("win 3116928"), kLabelHeight});
    requests.push_back({995, 50, LabelWidth("win 3116928"), kLabelHeight});
    const Box legend{0, 150, 300, 50};
    const auto placed = PlaceLabels(requests, 1000, 200, {legend});
    BOOST_REQUIRE_EQUAL(placed.size(), 3u); // right and left of the crowded point, and the last
    BOOST_TEST(placed.back().index == 40u);
    BOOST_TEST(placed.back().box.x + placed.back().box.w <= 1000.0); // turned to the left of its point
    for (size_t i = 0; i < placed.size(); ++i)
    {
        const Box& b = placed[i].box;
        BOOST_TEST((b.x >= 0 && b.y >= 0 && b.x + b.w <= 1000 && b.y + b.h <= 200));
        BOOST_TEST(!b.Overlaps(legend, 0));
        for (size_t j = 0; j < i; ++j)
        {
            BOOST_TEST(!b.Overlaps(placed[j].box, 2.9), "labels " << i << " and " << j << " closer than 3 px");
        }
    }
}

BOOST_AUTO_TEST_CASE(dense_window_sizes_are_thinned_to_readable_labels)
{
    PlotRequest r;
    r.inputs.push_back({"bulk", GrowingWindowRows()});
    const std::string data = SeqGraphData(r);
    const auto labels = BlockRows(data, "server → client window sizes");
    // 200 sizes; a 1085 px wide chart holds some dozens of 11-character labels
    BOOST_TEST(labels.size() > 5u);
    BOOST_TEST(labels.size() < 60u);
    // no two labels on the same spot: at least a label's height or width apart
    for (size_t i = 0; i < labels.size(); ++i)
    {
        for (size_t j = 0; j < i; ++j)
        {
            const bool apart_x = std::abs(labels[i][0] - labels[j][0]) > 0;
            const bool apart_y = std::abs(labels[i][1] - labels[j][1]) > 0;
            BOOST_TEST((apart_x || apart_y));
        }
    }
}

BOOST_AUTO_TEST_CASE(zoom_keeps_only_the_window_and_starts_y_at_its_data)
{
    PlotRequest r;
    r.inputs.push_back({"bulk", GrowingWindowRows()});
    r.from_s = 0.010;
    r.to_s = 0.015;
    const std::string data = SeqGraphData(r);
    const auto segments = BlockRows(data, "server → client data");
    BOOST_TEST(segments.size() == 51u); // 10.0 ms to 15.0 ms, every 0.1 ms
    BOOST_TEST(segments.front()[1] == 1 + 1448 * 100.0);
    r.output = "zoom.png";
    const std::string script = SeqGraphScript(r, Template("tcptrace"));
    BOOST_TEST(script.find("set xlabel \"time (ms)\"") != std::string::npos);
    BOOST_TEST(script.find("set yrange [0:") == std::string::npos); // y starts near the data
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

BOOST_AUTO_TEST_CASE(v4_script_reads_in_seconds_from_zero_with_two_axis_breaks)
{
    PlotRequest r;
    r.inputs.push_back({"v4", V4Rows()});
    r.both_directions = true;
    r.output = "seq.png";
    const std::string script = SeqGraphScript(r, Template("tcptrace"));
    BOOST_TEST(script.find("set xlabel \"time (s)\"") != std::string::npos);
    BOOST_TEST(Count(script, "set yrange [0:") == 2u); // both panels from 0
    // each sleep: written once, and cut into the frame by two slashes at the bottom
    // and two at the top
    BOOST_TEST(Count(script, "set label '5.00 s idle'") == 1u);
    BOOST_TEST(Count(script, " s idle'") == 2u);
    BOOST_TEST(Count(script, "set arrow") == 2u * 4u);
    BOOST_TEST(script.find("dt 3") == std::string::npos); // no dotted line standing for a gap
    BOOST_TEST(script.find("with yerrorbars") != std::string::npos); // tcptrace's segments
    BOOST_TEST(script.find("key inside") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(highlighted_packet_is_circled_once_in_its_direction)
{
    PlotRequest r;
    r.inputs.push_back({"SIM", V4Rows()});
    r.inputs.push_back({"REAL", V4Rows()});
    r.both_directions = true;
    // no.4 of v4: the client's first 130-byte send
    r.highlight = PlotHighlight{1, 3, "first difference: no.4 len: REAL 130, SIM 131"};
    const std::string data = SeqGraphData(r);
    BOOST_TEST(Count(data, "# highlight (index") == 1u);
    const auto circle = BlockRows(data, "highlight");
    BOOST_REQUIRE_EQUAL(circle.size(), 1u);
    BOOST_TEST(circle[0][1] == 1.0); // at its first byte, relative seq 1
    // in the client → server panel: before the server's blocks
    BOOST_TEST(data.find("# highlight (index") < data.find("# server → client"));
    BOOST_TEST(data.find("first difference: no.4") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stevens_has_both_directions)
{
    const StevensSeries s = ExtractStevens(V4Rows(), 0);
    BOOST_TEST(s.client.size() + s.server.size() == V4Rows().size());
    BOOST_TEST(BulkDirectionIsClient(V4Rows(), 0)); // 520 bytes each way: a tie goes to the client
}

BOOST_AUTO_TEST_SUITE_END()
