// SPDX-License-Identifier: GPL-2.0-only
// GSO packet sizing in tcp_write_xmit(), without a simulation: how many mss a packet
// may carry (tcp_tso_segs(), tcp_cwnd_test()), where an skb is cut
// (tcp_mss_split_point()) and when a multi-segment skb waits (tcp_tso_should_defer()).
// The numbers are those of tests/data/real/window-growth: a 130000-byte reply over
// loopback whose peer's window grows from 65536 to 95232 during the write.
#include "models/tcp/send-policy.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(gso_send)

// The server of window-growth.toml once the ACK of its first 32768 bytes is in: the
// peer offers 95232 from byte 32769 (right edge 128001), so mss_cache is 47616
static Tcb
AfterTheFirstAck()
{
    Tcb tp;
    tp.snd_una = 32769;
    tp.snd_nxt = 65537;
    tp.snd_sml = 1;
    tp.snd_wnd = 95232;
    tp.max_window = 95232;
    tp.mss_cache = 47616;
    tp.snd_cwnd = 10;
    tp.packets_out = 1;
    tp.srtt_us = 8 * 20;
    tp.tcp_clock_cache = 1000000;
    tp.tcp_wstamp_ns = 990000;
    return tp;
}

// sk_gso_max_size of a 6.18 loopback socket: 65536 - (MAX_TCP_HEADER 256 + 1)
constexpr uint32_t kGsoMaxSize = 65279;

BOOST_AUTO_TEST_CASE(a_loopback_packet_may_carry_two_mss_however_large)
{
    TsoSizing lo;
    lo.gso_max_size = kGsoMaxSize;
    lo.min_rtt_us = 30; // under 512 us: the RTT allowance is the whole gso_max_size
    lo.pacing_rate = 1000000; // and then the rate does not matter
    BOOST_TEST(TcpTsoSegs(1448, lo) == 45u);
    BOOST_TEST(TcpTsoSegs(32768, lo) == 2u); // 65279 / 32768 = 1, but min_tso_segs
    BOOST_TEST(TcpTsoSegs(47616, lo) == 2u);
    BOOST_TEST(TcpTsoSegs(65483, lo) == 2u);
}

BOOST_AUTO_TEST_CASE(over_a_long_rtt_a_packet_carries_a_millisecond_of_the_pacing_rate)
{
    TsoSizing in;
    in.gso_max_size = kGsoMaxSize;
    in.min_rtt_us = 100000; // 100000 >> 9 = 195: no RTT allowance
    // before any RTT sample the rate is unlimited: gso_max_size
    BOOST_TEST(TcpTsoSegs(1000, in) == 65u);
    in.pacing_rate = 200000; // >> 10: 195 bytes, below min_tso_segs
    BOOST_TEST(TcpTsoSegs(1000, in) == 2u);
    in.pacing_rate = 10 * 1024 * 1000; // 10000 bytes a ms
    BOOST_TEST(TcpTsoSegs(1000, in) == 10u);
    in.min_rtt_us = 4000; // 4000 >> 9 = 7: 65279 >> 7 = 509 bytes more
    BOOST_TEST(TcpTsoSegs(1000, in) == 10u);
    in.min_rtt_us = 1024; // >> 9 = 2: 16319 more
    BOOST_TEST(TcpTsoSegs(1000, in) == 26u);
}

BOOST_AUTO_TEST_CASE(the_pacing_rate_is_twice_the_rate_in_slow_start_then_1_2_times)
{
    Tcb tp;
    tp.mss_cache = 1000;
    tp.snd_cwnd = 10;
    tp.srtt_us = 100000 << 3; // 100 ms
    // 10 x 1000 bytes a 100 ms = 100 kB/s; in slow start (cwnd < ssthresh / 2) x 2
    BOOST_TEST(TcpPacingRate(tp, 200, 120) == 200000u);
    tp.snd_ssthresh = 20; // cwnd no longer below half of ssthresh
    BOOST_TEST(TcpPacingRate(tp, 200, 120) == 120000u);
    tp.packets_out = 15; // what is out counts when above cwnd
    BOOST_TEST(TcpPacingRate(tp, 200, 120) == 180000u);
}

BOOST_AUTO_TEST_CASE(the_congestion_window_lets_half_of_itself_go_at_once)
{
    Tcb tp = AfterTheFirstAck();
    BOOST_TEST(TcpCwndTest(tp, tp.packets_out) == 5u); // half of 10, while 9 are free
    tp.packets_out = 8;
    BOOST_TEST(TcpCwndTest(tp, tp.packets_out) == 2u);
    tp.packets_out = 10;
    BOOST_TEST(TcpCwndTest(tp, tp.packets_out) == 0u);
    tp.snd_cwnd = 1;
    tp.packets_out = 0;
    BOOST_TEST(TcpCwndTest(tp, tp.packets_out) == 1u);
}

BOOST_AUTO_TEST_CASE(segments_of_a_gso_packet)
{
    BOOST_TEST(TcpSkbPcount(32768, 32768) == 1u);
    BOOST_TEST(TcpSkbPcount(62464, 47616) == 2u);
    BOOST_TEST(TcpSkbPcount(34518, 47616) == 1u);
    BOOST_TEST(TcpSkbPcount(95233, 47616) == 3u);
}

BOOST_AUTO_TEST_CASE(the_grown_skb_is_cut_at_the_window_edge)
{
    // the third and fourth skbs of the write joined (64464 bytes from 65537): 62464 of
    // them fit the window; its last segment is partial, but no small one is in flight
    const Tcb tp = AfterTheFirstAck();
    BOOST_TEST(TcpMssSplitPoint(tp, 65537, 64464, true, 47616, 2, 0) == 62464u);
}

BOOST_AUTO_TEST_CASE(nagle_cuts_the_partial_last_segment_while_a_small_one_is_out)
{
    Tcb tp = AfterTheFirstAck();
    tp.snd_sml = 40000; // a small segment ending at 40000 is unacknowledged
    BOOST_TEST(TcpMssSplitPoint(tp, 65537, 64464, true, 47616, 2, 0) == 47616u);
    // TCP_NODELAY (or a push) sends it all
    BOOST_TEST(TcpMssSplitPoint(tp, 65537, 64464, true, 47616, 2, TCP_NAGLE_OFF) == 62464u);
}

BOOST_AUTO_TEST_CASE(whole_mss_up_to_max_segs_when_more_follows)
{
    Tcb tp = AfterTheFirstAck();
    tp.snd_wnd = 1000000;
    BOOST_TEST(TcpMssSplitPoint(tp, 65537, 200000, false, 47616, 2, 0) == 95232u);
    // the tail of the queue: whole mss up to max_segs too
    BOOST_TEST(TcpMssSplitPoint(tp, 65537, 200000, true, 47616, 2, 0) == 95232u);
    // the tail, shorter than max_segs: all of it
    BOOST_TEST(TcpMssSplitPoint(tp, 65537, 60000, true, 47616, 2, 0) == 60000u);
}

BOOST_AUTO_TEST_CASE(a_third_of_the_window_open_is_enough_to_send)
{
    const Tcb tp = AfterTheFirstAck();
    TsoDeferInput in;
    in.seq = 65537;
    in.len = 64464;
    in.is_tail = true;
    in.max_segs = 2;
    in.have_sent = true;
    in.head_sent_ns = 999000;
    // 62464 open of 95232: over tcp_tso_win_divisor's third
    BOOST_TEST(!TcpTsoShouldDefer(tp, in));
}

BOOST_AUTO_TEST_CASE(a_sliver_of_window_waits_for_the_ack_due_soon)
{
    Tcb tp = AfterTheFirstAck();
    TsoDeferInput in;
    in.seq = 108001; // 20000 below the window's right edge: under a third of 95232
    in.len = 64464;
    in.is_tail = true;
    in.max_segs = 2;
    in.have_sent = true;
    in.head_sent_ns = 985000; // the oldest unacked left 15 us ago; srtt 20 us
    BOOST_TEST(TcpTsoShouldDefer(tp, in));
    // the ACK is far off (srtt 200 us, due in 185 us: over half an srtt): do not wait
    tp.srtt_us = 8 * 200;
    BOOST_TEST(!TcpTsoShouldDefer(tp, in));
    // the last transmit is over 1 ms old: no deferral
    tp = AfterTheFirstAck();
    tp.tcp_wstamp_ns = 0;
    tp.tcp_clock_cache = 2000000;
    BOOST_TEST(!TcpTsoShouldDefer(tp, in));
    // nothing unacknowledged: no ACK to wait for
    tp = AfterTheFirstAck();
    in.have_sent = false;
    BOOST_TEST(!TcpTsoShouldDefer(tp, in));
    // a FIN: the skb gets no more data, but it is window-limited, so it still waits
    in.have_sent = true;
    in.fin = true;
    BOOST_TEST(TcpTsoShouldDefer(tp, in));
}

BOOST_AUTO_TEST_SUITE_END()
