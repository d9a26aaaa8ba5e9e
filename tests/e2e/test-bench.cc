// SPDX-License-Identifier: GPL-2.0-only
// `sim bench`: the table has a row per scenario with a number in every column, and the
// side-by-side with ns-3's TCP prints a line per side and their ratio. Only the shape
// and the counts are checked, never a time: how fast a run is depends on the machine.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

using namespace simtest;

namespace
{

std::vector<std::string>
Words(const std::string& line)
{
    std::vector<std::string> w;
    std::istringstream in(line);
    std::string s;
    while (in >> s)
    {
        w.push_back(s);
    }
    return w;
}

// The first line of `text` that starts with `prefix`, or "" when there is none
std::string
LineStarting(const std::string& text, const std::string& prefix)
{
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
    {
        if (line.rfind(prefix, 0) == 0)
        {
            return line;
        }
    }
    return "";
}

bool
IsNumber(const std::string& s)
{
    try
    {
        size_t used = 0;
        std::stod(s, &used);
        return used == s.size();
    }
    catch (const std::exception&)
    {
        return false;
    }
}

// The words of a side's line after its name, which is two words: "ns-3 (TcpCubic)"
std::vector<std::string>
SideColumns(const std::string& line)
{
    std::vector<std::string> w = Words(line);
    return w.size() > 2 ? std::vector<std::string>(w.begin() + 2, w.end()) : std::vector<std::string>{};
}

} // namespace

BOOST_AUTO_TEST_SUITE(bench)

BOOST_AUTO_TEST_CASE(one_scenario_without_ns3_prints_a_row_of_numbers)
{
    const Outcome o = RunSim("bench v1 -n 1 --no-ns3");
    BOOST_TEST_REQUIRE(o.status == 0, o.err);
    const std::vector<std::string> header = Words(LineStarting(o.out, "scenario"));
    const std::vector<std::string> expected = {"scenario", "simulated_s", "wall_ms", "packets/s",
                                               "events/s", "peak_RSS_MB", "speed-up"};
    BOOST_TEST(header == expected, boost::test_tools::per_element());

    const std::vector<std::string> row = Words(LineStarting(o.out, "v1 "));
    BOOST_TEST_REQUIRE(row.size() == 7u, o.out);
    for (size_t i = 1; i < 6; ++i)
    {
        BOOST_TEST(IsNumber(row[i]), header[i] << ": '" << row[i] << "'");
    }
    BOOST_TEST((row[6].size() > 1 && row[6].back() == 'x' && IsNumber(row[6].substr(0, row[6].size() - 1))),
               row[6]);
    // v1 is 10 packets in 18.052 ms; a run executes events, and its RSS is not zero
    BOOST_TEST(row[1] == "0.018052");
    BOOST_TEST(std::stod(row[3]) > 0);
    BOOST_TEST(std::stod(row[4]) > 0);
    BOOST_TEST(std::stod(row[5]) > 0);

    BOOST_TEST(o.out.find("ns-3") == std::string::npos, "--no-ns3 still compared:\n" << o.out);
}

BOOST_AUTO_TEST_CASE(side_by_side_prints_both_tcps_and_their_ratio)
{
    // 100000 bytes: 12 segments of at most 8948 bytes (MTU 9000, timestamps on)
    const Outcome o = RunSim("bench v1 -n 1 --ns3-compare-bytes 100000");
    BOOST_TEST_REQUIRE(o.status == 0, o.err);
    const std::string ns3_line = LineStarting(o.out, "ns-3 (");
    const std::string ours_line = LineStarting(o.out, "ours (");
    BOOST_TEST_REQUIRE(!ns3_line.empty(), o.out);
    BOOST_TEST_REQUIRE(!ours_line.empty(), o.out);

    // segments payload_B packets seg_B wall_ms segments/s run_ms run_seg/s events/s peak_RSS_MB
    const std::vector<std::string> ns3 = SideColumns(ns3_line);
    const std::vector<std::string> ours = SideColumns(ours_line);
    BOOST_TEST_REQUIRE(ns3.size() == 10u, ns3_line);
    BOOST_TEST_REQUIRE(ours.size() == 10u, ours_line);
    for (size_t i = 0; i < 10; ++i)
    {
        BOOST_TEST(IsNumber(ns3[i]), "ns-3 column " << i << ": '" << ns3[i] << "'");
        BOOST_TEST(IsNumber(ours[i]), "ours column " << i << ": '" << ours[i] << "'");
    }
    // the same BulkSend sends exactly the bytes over either TCP, in segments of the
    // same size
    BOOST_TEST(ns3[0] == "12");
    BOOST_TEST(ns3[1] == "100000");
    BOOST_TEST(ns3[3] == "8948");
    BOOST_TEST(ours[0] == "12");
    BOOST_TEST(ours[1] == "100000");
    BOOST_TEST(ours[3] == "8948");
    BOOST_TEST(ours_line.rfind("ours (linux-6.18)", 0) == 0u, ours_line);

    const std::vector<std::string> ratio = Words(LineStarting(o.out, "ratio ours/ns-3:"));
    BOOST_TEST_REQUIRE(ratio.size() > 2u, o.out);
    BOOST_TEST((ratio[2].size() > 1 && ratio[2].back() == 'x' && IsNumber(ratio[2].substr(0, ratio[2].size() - 1))),
               ratio[2]);
}

BOOST_AUTO_TEST_CASE(help_says_what_is_compared)
{
    const Outcome o = RunSim("bench --help");
    BOOST_TEST(o.status == 0);
    for (const char* what : {"--ns3-compare-bytes", "--no-ns3", "BulkSendApplication", "PacketSink", "MTU 9000",
                             "linux-6.18", "peak_RSS_MB", "events/s"})
    {
        BOOST_TEST(o.out.find(what) != std::string::npos, what << " not in:\n" << o.out);
    }
}

BOOST_AUTO_TEST_CASE(unknown_scenario_fails_before_any_run)
{
    const Outcome o = RunSim("bench nosuch -n 1 --no-ns3");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("unknown scenario 'nosuch'") != std::string::npos, o.err);
    BOOST_TEST(o.out.find("scenario") == std::string::npos, o.out);
}

BOOST_AUTO_TEST_SUITE_END()
