// V1 against the seed capture: every field of every row.
#include "tests/e2e/harness.h"
#include "tests/e2e/seed-compare.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(seed_v1)

BOOST_AUTO_TEST_CASE(every_field_of_every_row)
{
    TempDir dir;
    const Outcome run = RunSim("v1 -q --out '" + (dir / "v1").string() + "'");
    BOOST_REQUIRE_MESSAGE(run.status == 0, "sim v1 failed: " << run.err);
    const SeedComparison c = CompareWithSeed("v1", dir / "v1" / "trace.pcap");
    for (const auto& m : c.mismatches)
    {
        BOOST_ERROR(m);
    }
    BOOST_TEST_MESSAGE("v1: " << c.matching_rows << "/" << c.rows << " rows match");
    BOOST_TEST(c.matching_rows == 10u);
}

BOOST_AUTO_TEST_CASE(trace_txt_matches_golden)
{
    // tests/golden/v1.txt is the reviewed rendering; tests/golden/regenerate rewrites it
    TempDir dir;
    const Outcome run = RunSim("v1 -q --out '" + (dir / "v1").string() + "'");
    BOOST_REQUIRE_EQUAL(run.status, 0);
    const std::string golden = ReadFile(SourceDir() / "tests" / "golden" / "v1.txt");
    BOOST_REQUIRE(!golden.empty());
    BOOST_TEST(ReadFile(dir / "v1" / "trace.txt") == golden);
}

BOOST_AUTO_TEST_SUITE_END()
