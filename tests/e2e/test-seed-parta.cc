// SPDX-License-Identifier: GPL-2.0-only
// Part A against the seed capture: a VirtualBox guest behind NAT, over Ethernet.
#include "tests/e2e/harness.h"
#include "tests/e2e/seed-compare.h"

#include "models/capture/trace-table.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(seed_parta)

BOOST_AUTO_TEST_CASE(every_field_of_every_row)
{
    CheckAgainstSeed("parta", 13, {});
}

BOOST_AUTO_TEST_CASE(a_copy_with_another_delay_and_mtu_shows_them)
{
    // What a user does: copy the scenario, change the link, run it
    TempDir dir;
    WriteFile(dir / "slow.toml", ScenarioText("parta", {{"delay_ms = 0.33", "delay_ms = 50"}, {"mtu = 1500", "mtu = 1400"}}));
    const Outcome run = Simulate((dir / "slow.toml").string(), dir / "out");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const auto rows =
        sim::AnalyzeTrace(sim::DecodeCapture(sim::ReadCapture((dir / "out" / "trace.pcap").string())));
    BOOST_REQUIRE(rows.size() >= 2u);
    // SYN out, SYN-ACK back: two 50 ms crossings plus the NAT engine's own connect
    const double synack = static_cast<double>(rows[1].rel_time_ns) / 1e9;
    BOOST_TEST(synack > 0.100);
    BOOST_TEST(synack < 0.102);
    // both ends offer the MSS of a 1400-byte MTU
    BOOST_TEST(*rows[0].rec.mss == 1360);
    BOOST_TEST(*rows[1].rec.mss == 1360);
}

BOOST_AUTO_TEST_SUITE_END()
