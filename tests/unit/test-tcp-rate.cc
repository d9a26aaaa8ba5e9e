// SPDX-License-Identifier: GPL-2.0-only
// The delivery rate estimator (tcp_rate.c) worked by hand: where a sample starts, which
// of several ACKed skbs decides it, the longer of the send and ACK phases, samples
// shorter than min_rtt, and application-limited marking.
#include "models/tcp/tcp-rate.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(tcp_rate)

namespace
{

Tcb
Idle()
{
    Tcb tp;
    tp.snd_cwnd = 10;
    tp.mss_cache = 1000;
    tp.delivered = 5;
    return tp;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_send_with_nothing_in_flight_restarts_both_clocks)
{
    Tcb tp = Idle();
    tp.first_tx_mstamp = 10;
    tp.delivered_mstamp = 20;
    const SkbTxInfo tx = TcpRateSkbSent(tp, 1000);
    BOOST_TEST(tp.first_tx_mstamp == 1000u);
    BOOST_TEST(tp.delivered_mstamp == 1000u);
    BOOST_TEST(tx.first_tx_mstamp == 1000u);
    BOOST_TEST(tx.delivered_mstamp == 1000u);
    BOOST_TEST(tx.delivered == 5u);
    // with something in flight the snapshot keeps the connection's clocks
    tp.packets_out = 1;
    const SkbTxInfo tx2 = TcpRateSkbSent(tp, 1500);
    BOOST_TEST(tx2.first_tx_mstamp == 1000u);
    BOOST_TEST(tp.first_tx_mstamp == 1000u);
}

BOOST_AUTO_TEST_CASE(the_newest_skb_acked_decides_and_the_longer_phase_counts)
{
    Tcb tp = Idle();
    tp.app_limited = 0;
    SkbTxInfo a = TcpRateSkbSent(tp, 1000); // delivered 5 at send
    tp.packets_out = 1;
    SkbTxInfo b = TcpRateSkbSent(tp, 1040);
    tp.packets_out = 2;
    tp.rtt_min_us = 30;
    RateSample rs;
    TcpRateSkbDelivered(tp, a, 1000, 2000, false, false, rs);
    TcpRateSkbDelivered(tp, b, 1040, 3000, false, false, rs);
    BOOST_TEST(rs.last_end_seq == 3000u);
    BOOST_TEST(rs.interval_us == 40); // send phase: 1000 .. 1040
    BOOST_TEST(tp.first_tx_mstamp == 1040u);
    tp.delivered += 2;
    TcpRateGen(tp, 2, 0, false, 1100, rs);
    BOOST_TEST(rs.delivered == 2);
    BOOST_TEST(rs.interval_us == 100); // ACK phase: 1000 .. 1100 is the longer
    BOOST_TEST(rs.snd_interval_us == 40u);
    BOOST_TEST(rs.rcv_interval_us == 100u);
    BOOST_TEST(tp.delivered_mstamp == 1100u);
    BOOST_TEST(tp.rate_delivered == 2u);
    BOOST_TEST(tp.rate_interval_us == 100u);
    BOOST_TEST(!tp.rate_app_limited);
}

BOOST_AUTO_TEST_CASE(a_sample_shorter_than_min_rtt_is_not_one)
{
    Tcb tp = Idle();
    SkbTxInfo a = TcpRateSkbSent(tp, 1000);
    tp.packets_out = 1;
    tp.rtt_min_us = 200;
    RateSample rs;
    TcpRateSkbDelivered(tp, a, 1000, 2000, false, false, rs);
    tp.delivered += 1;
    TcpRateGen(tp, 1, 0, false, 1100, rs);
    BOOST_TEST(rs.interval_us == -1);
    // and without any snapshot (nothing timed) neither delivered nor interval
    RateSample none;
    TcpRateGen(tp, 0, 0, false, 1200, none);
    BOOST_TEST(none.delivered == -1);
    BOOST_TEST(none.interval_us == -1);
}

BOOST_AUTO_TEST_CASE(a_sacked_skb_counts_once)
{
    Tcb tp = Idle();
    SkbTxInfo a = TcpRateSkbSent(tp, 1000);
    RateSample rs;
    TcpRateSkbDelivered(tp, a, 1000, 2000, true, false, rs);
    BOOST_TEST(a.delivered_mstamp == 0u);
    RateSample later;
    TcpRateSkbDelivered(tp, a, 1000, 2000, false, false, later);
    BOOST_TEST(later.prior_mstamp == 0u);
}

BOOST_AUTO_TEST_CASE(an_app_limited_sample_is_kept_only_when_faster)
{
    Tcb tp = Idle();
    tp.rate_delivered = 10;
    tp.rate_interval_us = 100; // 0.1 segments/us kept
    tp.app_limited = 1000;     // the bubble is not ACKed yet
    SkbTxInfo a = TcpRateSkbSent(tp, 1000);
    BOOST_TEST(a.is_app_limited);
    tp.packets_out = 1;
    RateSample rs;
    TcpRateSkbDelivered(tp, a, 1000, 2000, false, false, rs);
    tp.delivered += 1;
    TcpRateGen(tp, 1, 0, false, 1100, rs); // 1 segment in 100 us: slower
    BOOST_TEST(rs.is_app_limited);
    BOOST_TEST(tp.rate_delivered == 10u);
    BOOST_TEST(tp.app_limited == 1000u);
}

BOOST_AUTO_TEST_CASE(the_sender_running_dry_marks_what_is_in_flight)
{
    Tcb tp = Idle();
    tp.app_limited = 0;
    tp.packets_out = 3;
    tp.write_seq = tp.snd_nxt = 5000;
    TcpRateCheckAppLimited(tp);
    BOOST_TEST(tp.app_limited == 8u); // delivered 5 + 3 in flight
    // a full window is not the application's doing
    tp.app_limited = 0;
    tp.packets_out = 10;
    TcpRateCheckAppLimited(tp);
    BOOST_TEST(tp.app_limited == 0u);
    // nor is a write with an mss or more still to send
    tp.packets_out = 3;
    tp.write_seq = 6000;
    TcpRateCheckAppLimited(tp);
    BOOST_TEST(tp.app_limited == 0u);
    // nothing delivered and nothing in flight still marks (1)
    Tcb fresh;
    fresh.app_limited = 0;
    fresh.mss_cache = 1000;
    TcpRateCheckAppLimited(fresh);
    BOOST_TEST(fresh.app_limited == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
