// SPDX-License-Identifier: GPL-2.0-only
// Same scenario, same options: byte-identical pcap and txt.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <utility>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(determinism)

BOOST_AUTO_TEST_CASE(two_runs_give_identical_files)
{
    // the second into a longer path, from another working folder: no path leaks in
    TempDir dir;
    const std::filesystem::path b = dir / "a much longer" / "output folder" / "b";
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "a").status, 0);
    const Outcome o = RunShell("cd / && SIM_ROOT='" + SourceDir().string() + "' '" + SIM_BINARY +
                               "' v1 -q --no-plot --out '" + b.string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const std::string pcap_a = ReadFile(dir / "a" / "trace.pcap");
    BOOST_REQUIRE(pcap_a.size() > 24);
    BOOST_TEST((pcap_a == ReadFile(b / "trace.pcap")));
    BOOST_TEST((ReadFile(dir / "a" / "trace.txt") == ReadFile(b / "trace.txt")));
}

BOOST_AUTO_TEST_CASE(seed_draws_what_the_scenario_leaves_to_chance)
{
    // v1 without its ISNs and TS base: they come from --seed, repeatably
    TempDir dir;
    WriteFile(dir / "v1-drawn.toml",
              ScenarioText("v1", {{"isn = 2842456210 ", "#"}, {"isn = 3178576893", "#"},
                                  {"ts_base = 2218082649 ", "#"}}));
    const std::string file = "'" + (dir / "v1-drawn.toml").string() + "'";
    for (const auto& [run, seed] : {std::pair<const char*, const char*>{"a", "7"}, {"b", "7"}, {"c", "8"}})
    {
        const Outcome o = RunSim(file + " --seed " + seed + " -q --no-plot --absolute --out '" + (dir / run).string() + "'");
        BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    }
    const std::string a = ReadFile(dir / "a" / "trace.pcap");
    BOOST_TEST((a == ReadFile(dir / "b" / "trace.pcap")));
    BOOST_TEST((a != ReadFile(dir / "c" / "trace.pcap")));
    // and only the drawn numbers differ: relative fields are the same
    const std::string ta = ReadFile(dir / "a" / "trace.txt");
    BOOST_TEST(ta.find("Seq=0 ") == std::string::npos); // --absolute: raw ISNs
}

BOOST_AUTO_TEST_SUITE_END()
