// SPDX-License-Identifier: GPL-2.0-only
// Receive-buffer autotuning against values worked out from tcp_rcv_space_adjust() and
// tcp_rcv_rtt_update() by hand (Linux 5.15, loopback advmss 65483).
#include "models/tcp/rcvbuf-autotune.h"

#include "tests/unit/linux-515-profile.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(rcvbuf_autotune)

using simtest::Linux515;

static Tcb
Established(uint64_t now_us)
{
    Tcb tp;
    tp.advmss = 65483;
    tp.rcvbuf = 131072;
    tp.window_clamp = 65536;
    tp.rcv_ssthresh = 65495;
    tp.rcv_wnd = 65536;
    tp.copied_seq = 1000;
    tp.tcp_clock_cache = now_us * 1000;
    TcpRcvSpaceInit(tp);
    return tp;
}

BOOST_AUTO_TEST_CASE(first_space_is_the_smallest_of_ssthresh_window_and_ten_mss)
{
    const Tcb tp = Established(5);
    BOOST_TEST(tp.rcvq_space.space == 65495u);
    BOOST_TEST(tp.rcvq_space.seq == 1000u);
    BOOST_TEST(tp.rcvq_space.time == 5u);
}

BOOST_AUTO_TEST_CASE(no_rtt_estimate_no_growth)
{
    Tcb tp = Established(0);
    tp.copied_seq += 500000;
    tp.tcp_clock_cache = 1000000000;
    BOOST_TEST(!TcpRcvSpaceAdjust(tp, Linux515()));
    BOOST_TEST(tp.rcvbuf == 131072);
}

BOOST_AUTO_TEST_CASE(window_bound_samples_only_lower_the_estimate)
{
    Tcb tp = Established(100);
    tp.rcv_nxt = 1000;
    TcpRcvRttMeasure(tp, Linux515()); // starts a measure: one window from rcv_nxt
    BOOST_TEST(tp.rcv_rtt_est.seq == 1000u + 65536u);
    tp.rcv_nxt += 65536;
    tp.tcp_clock_cache = 500 * 1000;
    TcpRcvRttMeasure(tp, Linux515());
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 400u << 3);
    tp.rcv_nxt += 65536;
    tp.tcp_clock_cache = 1500 * 1000; // 1000 us later: not lower, ignored
    TcpRcvRttMeasure(tp, Linux515());
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 400u << 3);
}

BOOST_AUTO_TEST_CASE(timestamp_samples_move_an_eighth_of_the_way)
{
    Tcb tp = Established(0);
    tp.ack.rcv_mss = 65483;
    tp.rcv_rtt_est.rtt_us = 200u << 3;
    tp.tcp_clock_cache = 2000000; // TS clock at 2 ms
    TcpRcvRttMeasureTs(tp, Linux515(), 65483, 1); // 1 ms: 200 + (1000 - 200) / 8 = 300 us
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 300u << 3);
    TcpRcvRttMeasureTs(tp, Linux515(), 65483, 1); // same TSecr again: no sample
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 300u << 3);
    TcpRcvRttMeasureTs(tp, Linux515(), 32768, 0); // shorter than rcv_mss: no sample
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 300u << 3);
}

BOOST_AUTO_TEST_CASE(a_read_of_more_than_last_rtt_grows_rcvbuf_in_whole_skbs)
{
    Tcb tp = Established(0);
    tp.rcv_rtt_est.rtt_us = 408u << 3;
    tp.copied_seq += 65967;
    tp.tcp_clock_cache = 500 * 1000;
    BOOST_TEST(TcpRcvSpaceAdjust(tp, Linux515()));
    // rcvwin = 2 * 65967 + 16 * 65483 = 1179662, plus twice 1179662 * 472 / 65495
    // (8501): 1196664, 18 skbs of advmss; rcvmem = SKB_TRUESIZE(65483 + 320) grown by
    // 128s until half of it holds advmss: 131019
    BOOST_TEST(tp.rcvbuf == 18 * 131019);
    BOOST_TEST(tp.window_clamp == 1179171u);
    BOOST_TEST(tp.rcvq_space.space == 65967u);
    BOOST_TEST(tp.rcvq_space.time == 500u);
}

BOOST_AUTO_TEST_CASE(rcvbuf_stops_at_tcp_rmem_max_and_needs_moderate_rcvbuf)
{
    Tcb tp = Established(0);
    tp.rcv_rtt_est.rtt_us = 100u << 3;
    tp.copied_seq += 4000000;
    tp.tcp_clock_cache = 500 * 1000;
    KernelProfile off = Linux515();
    off.tcp_moderate_rcvbuf = false;
    Tcb untouched = tp;
    BOOST_TEST(!TcpRcvSpaceAdjust(untouched, off));
    BOOST_TEST(untouched.rcvbuf == 131072);
    BOOST_TEST(TcpRcvSpaceAdjust(tp, Linux515()));
    BOOST_TEST(tp.rcvbuf == 6291456);
    BOOST_TEST(tp.window_clamp == 3145728u);
}

// 6.16's tcp_rcvbuf_grow() and tcp_rcv_rtt_update(), on a 6.x profile (scaling ratio
// at its default of 1/2)
static KernelProfile
Linux618()
{
    KernelProfile p = Linux515();
    p.win_from_space = WinFromSpace::ScalingRatio;
    p.drs = Drs::Linux616;
    return p;
}

BOOST_AUTO_TEST_CASE(linux_616_grows_for_twice_the_read_plus_the_sender_growth)
{
    Tcb tp = Established(0);
    tp.rcv_rtt_est.rtt_us = 100u << 3;
    tp.copied_seq += 200000;
    tp.rcv_nxt = tp.copied_seq; // all read
    tp.tcp_clock_cache = 500 * 1000;
    BOOST_TEST(TcpRcvSpaceAdjust(tp, Linux618()));
    // rcvwin = 400000 + 2 * (400000 * 134505 / 65495 = 821467) = 2042934; the buffer
    // holding that at ratio 1/2 is 4085868
    BOOST_TEST(tp.rcvbuf == 4085868);
    BOOST_TEST(tp.window_clamp == 2042934u);
    BOOST_TEST(tp.rcvq_space.space == 200000u);
}

BOOST_AUTO_TEST_CASE(linux_616_does_not_count_what_is_still_queued)
{
    Tcb tp = Established(0);
    tp.rcv_rtt_est.rtt_us = 100u << 3;
    tp.copied_seq += 200000;
    tp.rcv_nxt = tp.copied_seq + 100000; // 100000 bytes wait to be read
    tp.tcp_clock_cache = 500 * 1000;
    BOOST_TEST(TcpRcvSpaceAdjust(tp, Linux618()));
    // copied 100000: rcvwin = 200000 + 2 * (200000 * 34505 / 65495 = 105366) = 410732
    BOOST_TEST(tp.rcvbuf == 821464);
    BOOST_TEST(tp.rcvq_space.space == 100000u);
}

BOOST_AUTO_TEST_CASE(linux_616_drops_zero_ms_echoes_and_busy_queue_samples)
{
    Tcb tp = Established(0);
    tp.ack.rcv_mss = 65483;
    tp.rcv_rtt_est.rtt_us = 200u << 3;
    tp.tcp_clock_cache = 2000000; // TS clock at 2 ms
    Tcb old = tp;
    TcpRcvRttMeasureTs(old, Linux515(), 65483, 2); // 5.x: 0 ms counts as 1 ms
    BOOST_TEST(old.rcv_rtt_est.rtt_us == 300u << 3);
    TcpRcvRttMeasureTs(tp, Linux618(), 65483, 2); // 6.x: dropped
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 200u << 3);
    tp.rcv_nxt = tp.copied_seq + 1; // unread data: a higher sample is the reader's
    TcpRcvRttMeasureTs(tp, Linux618(), 65483, 1);
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 200u << 3);
    tp.rcv_nxt = tp.copied_seq;
    TcpRcvRttMeasureTs(tp, Linux618(), 65483, 0); // 2 ms, queue empty: smoothed
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == (1600u - 200u + 2000u));
}

BOOST_AUTO_TEST_CASE(a_lower_timestamp_sample_is_smoothed_in_5x_but_taken_in_616)
{
    Tcb tp = Established(0);
    tp.ack.rcv_mss = 65483;
    tp.rcv_rtt_est.rtt_us = 3000u << 3;
    tp.tcp_clock_cache = 5000000; // 5 ms
    Tcb old = tp;
    TcpRcvRttMeasureTs(old, Linux515(), 65483, 4); // 1 ms: 3000 + (1000 - 3000) / 8
    BOOST_TEST(old.rcv_rtt_est.rtt_us == (24000u - 3000u + 1000u));
    TcpRcvRttMeasureTs(tp, Linux618(), 65483, 4);
    BOOST_TEST(tp.rcv_rtt_est.rtt_us == 1000u << 3);
}

BOOST_AUTO_TEST_SUITE_END()
