// Same scenario, same options: byte-identical pcap and txt.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(determinism)

BOOST_AUTO_TEST_CASE(two_runs_give_identical_files)
{
    TempDir dir;
    for (const char* run : {"a", "b"})
    {
        const Outcome o = RunSim("v1 -q --no-plot --out '" + (dir / run).string() + "'");
        BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    }
    const std::string pcap_a = ReadFile(dir / "a" / "trace.pcap");
    BOOST_REQUIRE(pcap_a.size() > 24);
    BOOST_TEST((pcap_a == ReadFile(dir / "b" / "trace.pcap")));
    BOOST_TEST((ReadFile(dir / "a" / "trace.txt") == ReadFile(dir / "b" / "trace.txt")));
}

BOOST_AUTO_TEST_SUITE_END()
