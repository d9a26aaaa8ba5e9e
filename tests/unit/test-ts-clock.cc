// SPDX-License-Identifier: GPL-2.0-only
// The TCP timestamp clock: millisecond ticks of a cached nanosecond stamp.
#include "models/tcp/ts-clock.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(ts_clock)

BOOST_AUTO_TEST_CASE(ticks_once_a_millisecond_from_the_base)
{
    const TsClock clock{0};
    Tcb tp;
    tp.tsoffset = TsOffsetForBase(2218082649u, clock);
    TcpMstampRefresh(tp, clock, 0);
    BOOST_TEST(TcpTsval(tp) == 2218082649u);
    TcpMstampRefresh(tp, clock, 6328001);
    BOOST_TEST(TcpTsval(tp) == 2218082655u);
    TcpMstampRefresh(tp, clock, 9999999);
    BOOST_TEST(TcpTsval(tp) == 2218082658u);
}

BOOST_AUTO_TEST_CASE(a_send_between_refreshes_carries_the_cached_value)
{
    const TsClock clock{0};
    Tcb tp;
    tp.tsoffset = TsOffsetForBase(100, clock);
    TcpMstampRefresh(tp, clock, 9339473); // the echo arrives
    // nothing refreshes the clock until 14.2 ms: an ACK built then still says 9 ms
    BOOST_TEST(TcpTsval(tp) == 109u);
}

BOOST_AUTO_TEST_CASE(phase_moves_the_tick_boundaries)
{
    const TsClock clock{600000}; // time 0 is 0.6 ms into a tick
    Tcb tp;
    tp.tsoffset = TsOffsetForBase(1000, clock);
    TcpMstampRefresh(tp, clock, 0);
    BOOST_TEST(TcpTsval(tp) == 1000u);
    TcpMstampRefresh(tp, clock, 399999);
    BOOST_TEST(TcpTsval(tp) == 1000u);
    TcpMstampRefresh(tp, clock, 400000);
    BOOST_TEST(TcpTsval(tp) == 1001u);
}

BOOST_AUTO_TEST_CASE(wraps_around_32_bits)
{
    const TsClock clock{0};
    Tcb tp;
    tp.tsoffset = TsOffsetForBase(0xffffffffu, clock);
    TcpMstampRefresh(tp, clock, 2000000);
    BOOST_TEST(TcpTsval(tp) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
