// SPDX-License-Identifier: GPL-2.0-only
// Our pcap as Wireshark reads it: every frame dissected, nothing malformed, no
// expert error. Skipped (with the reason) where tshark is not installed.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

using namespace simtest;
namespace utf = boost::unit_test;

static boost::test_tools::assertion_result
TsharkPresent(utf::test_unit_id)
{
    const bool present = HaveProgram("tshark");
    boost::test_tools::assertion_result r(present);
    r.message() << "tshark is not installed (apt-get install tshark)";
    return r;
}

BOOST_AUTO_TEST_SUITE(tshark)

BOOST_AUTO_TEST_CASE(every_scenario_reads_without_malformed_packets_or_expert_errors,
                     *utf::precondition(TsharkPresent))
{
    for (const char* name : {"v1", "v2", "v3", "v4", "parta", "partb"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            TempDir dir;
            const Outcome run = Simulate(std::string(name), dir / name);
            BOOST_REQUIRE_EQUAL(run.status, 0);
            const std::string pcap = (dir / name / "trace.pcap").string();

            // every frame dissected down to TCP
            const Outcome all =
                RunShell("tshark -n -r '" + pcap + "' -T fields -e frame.number -e tcp.srcport");
            BOOST_REQUIRE_MESSAGE(all.status == 0, all.err);
            const std::string txt = ReadFile(dir / name / "trace.txt");
            BOOST_TEST(std::count(all.out.begin(), all.out.end(), '\n') ==
                       std::count(txt.begin(), txt.end(), '\n'));
            BOOST_TEST(all.out.find("\t\n") == std::string::npos, "a frame without TCP:\n" << all.out);

            const Outcome bad = RunShell(
                "tshark -n -r '" + pcap +
                "' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE"
                " -Y '_ws.malformed || _ws.expert.severity >= \"error\""
                " || ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\"'");
            BOOST_REQUIRE_MESSAGE(bad.status == 0, bad.err);
            BOOST_TEST(bad.out == "", "frames tshark flags:\n" << bad.out);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_snaplen_capture_reads_with_its_frames_cut_and_their_lengths_whole,
                     *utf::precondition(TsharkPresent))
{
    // 2 MB to a fast reader, 96 bytes kept of each frame: tshark reads every frame to
    // its TCP header and knows each frame's length on the wire
    TempDir dir;
    const std::string scenario = (SourceDir() / "tests" / "data" / "scenarios" / "bulk-618.toml").string();
    const Outcome run = Simulate(scenario, dir / "cut", "--snaplen 96");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const std::string pcap = (dir / "cut" / "trace.pcap").string();
    const Outcome fields = RunShell("tshark -n -r '" + pcap + "' -T fields -e frame.cap_len -e frame.len -e tcp.len");
    BOOST_REQUIRE_MESSAGE(fields.status == 0, fields.err);
    size_t frames = 0;
    size_t cut = 0;
    std::istringstream lines(fields.out);
    std::string line;
    while (std::getline(lines, line))
    {
        unsigned cap_len = 0;
        unsigned len = 0;
        unsigned tcp_len = 0;
        BOOST_REQUIRE(std::sscanf(line.c_str(), "%u %u %u", &cap_len, &len, &tcp_len) == 3);
        BOOST_TEST(cap_len <= 96u);
        BOOST_TEST(cap_len == std::min(len, 96u));
        ++frames;
        cut += len > 96u && tcp_len > 30000u;
    }
    const std::string txt = ReadFile(dir / "cut" / "trace.txt");
    BOOST_TEST(frames == static_cast<size_t>(std::count(txt.begin(), txt.end(), '\n')));
    BOOST_TEST(cut > 20u, "full-size segments cut to 96 bytes: " << cut);
    const Outcome bad = RunShell("tshark -n -r '" + pcap + "' -Y '_ws.malformed || _ws.expert.severity >= \"error\"'");
    BOOST_TEST(bad.out == "", "frames tshark flags:\n" << bad.out);
}

BOOST_AUTO_TEST_SUITE_END()
