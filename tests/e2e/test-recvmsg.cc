// SPDX-License-Identifier: GPL-2.0-only
// A read() that copies slowly (tests/data/scenarios/slow-read.toml with the profile
// tests/data/profiles/slow-read.toml: 2000 ns per KiB, no autotuning, rcvbuf 131072).
// The reader (read() of up to 1 MiB, 20 us between reads) wakes on the header and the
// first 32768-byte segment and copies them; the second segment arrives meanwhile and
// waits in the backlog.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(recvmsg_loop)

BOOST_AUTO_TEST_CASE(the_backlog_is_processed_when_the_queue_runs_dry_and_the_copy_goes_on)
{
    const std::string profile = (SourceDir() / "tests" / "data" / "profiles" / "slow-read.toml").string();
    const auto rows =
        SimulatedRows((SourceDir() / "tests" / "data" / "scenarios" / "slow-read.toml").string(), "--profile " + profile);
    // the reader's ACKs of byte 65604 (the end of the second segment)
    std::vector<sim::TraceRow> acks;
    for (const auto& r : rows)
    {
        if (r.rec.sport == 40000 && r.rec.len == 0 && r.rel_ack == 65604)
        {
            acks.push_back(r);
        }
    }
    BOOST_REQUIRE(acks.size() == 2u);
    // The first is sent while __sk_flush_backlog() runs: the second segment is in the
    // receive queue and still in sk_backlog.len, so tcp_space() counts it twice:
    // (131072 - 2 x 34048) / 2 = 31488, below one segment, so __tcp_select_window()
    // offers 0 and the right edge of the last offer stays (32836 + 47872 - 65604).
    // Counted once it would be 48512.
    BOOST_TEST(acks[0].win == 15104u);
    // The second is tcp_cleanup_rbuf()'s window update at the end of the read, which
    // went on to copy the second segment first, inside the same call: 32768 x 2000 /
    // 1024 = 64000 ns later, without the reader's 20 us pause between two reads.
    BOOST_TEST(acks[1].win == 65536u);
    BOOST_TEST(acks[1].rec.time_ns - acks[0].rec.time_ns == 64000);
}

BOOST_AUTO_TEST_SUITE_END()
