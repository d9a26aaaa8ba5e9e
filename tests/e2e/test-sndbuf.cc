// SPDX-License-Identifier: GPL-2.0-only
// A write larger than the send buffer (tests/data/scenarios/slow-reader.toml): the
// server's write() blocks in sk_stream_wait_memory() until ACKs free space, and returns
// only once the last byte is in the buffer; its 0.5 s idle timer starts then.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(sndbuf_blocking)

BOOST_AUTO_TEST_CASE(a_blocked_write_resumes_and_returns_when_the_last_byte_is_queued)
{
    const auto rows = SimulatedRows((SourceDir() / "tests" / "data" / "scenarios" / "slow-reader.toml").string());
    const uint64_t response = 12000000 + 69; // body and header ("Content-Length: 12000000")
    int64_t acked_all = -1, acked_most = -1, server_fin = -1;
    for (const auto& r : rows)
    {
        if (r.rec.sport == 40000 && acked_most < 0 && r.rel_ack >= response - 4194304)
        {
            acked_most = r.rec.time_ns;
        }
        if (r.rec.sport == 40000 && acked_all < 0 && r.rel_ack >= response)
        {
            acked_all = r.rec.time_ns;
        }
        if (r.rec.sport == 12345 && (r.rec.flags & 0x01) && server_fin < 0)
        {
            server_fin = r.rec.time_ns;
        }
    }
    // the writer was woken each time: every byte arrives
    BOOST_TEST(acked_all > 0);
    // at most tcp_wmem[2] can wait in the buffer, so write() returned only after the
    // reader had ACKed all but that; the idle timer ran from there
    BOOST_REQUIRE(acked_most > 0);
    BOOST_TEST(server_fin - 500000000 >= acked_most);
}

BOOST_AUTO_TEST_SUITE_END()
