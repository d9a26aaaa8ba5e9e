// SPDX-License-Identifier: GPL-2.0-only
// Our pcap as Wireshark reads it: every frame dissected, nothing malformed, no
// expert error. Skipped (with the reason) where tshark is not installed.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

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

BOOST_AUTO_TEST_SUITE_END()
