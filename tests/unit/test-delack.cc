// SPDX-License-Identifier: GPL-2.0-only
// The delayed-ACK engine: quick-ACK counting, ATO, pingpong, and the ACK on read.
#include "models/tcp/delack.h"
#include "models/tcp/window.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(delack)

static KernelProfile
Prof(int pingpong_thresh = 3, bool every_ack = true)
{
    KernelProfile p;
    p.hz = 250;
    p.tcp_pingpong_thresh = pingpong_thresh;
    p.quickack_counts_every_ack = every_ack;
    return p;
}

static Tcb
Connected()
{
    Tcb tp;
    tp.advmss = 65483;
    tp.mss_cache = 65483;
    tp.rcv_wnd = 65536;
    tp.rcvbuf = 131072;
    tp.window_clamp = 65536;
    tp.rcv_ssthresh = 65495;
    tp.rcv_wscale = 7;
    tp.tcp_header_len = 32;
    TcpInitializeRcvMss(tp);
    return tp;
}

BOOST_AUTO_TEST_CASE(initial_rcv_mss_is_536)
{
    BOOST_TEST(Connected().ack.rcv_mss == 536u);
}

BOOST_AUTO_TEST_CASE(first_data_enters_quickack_mode_with_16_acks)
{
    const Jiffies j{250};
    Tcb tp = Connected();
    TcpMeasureRcvMss(tp, Prof(), 13, 1293, 32, true, true);
    TcpEventDataRecv(tp, j, 100, j.TimeoutInit());
    BOOST_TEST(tp.ack.quick == 16u); // min(65536 / (2 * 536), TCP_MAX_QUICKACKS)
    BOOST_TEST(tp.ack.ato == 10u);   // TCP_ATO_MIN: 40 ms at HZ 250
    BOOST_TEST((tp.ack.pending & ICSK_ACK_PUSHED) != 0); // a small pushed segment
    BOOST_TEST(TcpInQuickackMode(tp, Prof()));
    BOOST_TEST((TcpAckSndCheck(tp, Prof()) == AckDecision::Now));
}

// tcp_measure_rcv_mss(): a GSO skb (on loopback the sender's, whole) counts by its
// gso_size, so rcv_mss stays below what came, and tcp_cleanup_rbuf()'s "more than one
// rcv_mss unacknowledged" sends the ACK (a recorded HTTP body's zero-window ACK)
BOOST_AUTO_TEST_CASE(a_gso_skb_sets_rcv_mss_to_its_gso_size)
{
    Tcb tp = Connected();
    TcpMeasureRcvMss(tp, Prof(), 32768, 33536, 32, false, false);
    BOOST_TEST(tp.ack.rcv_mss == 32768u);
    TcpMeasureRcvMss(tp, Prof(), 62464, 63232, 32, true, true, 47616);
    BOOST_TEST(tp.ack.rcv_mss == 47616u);
    Tcb whole = Connected();
    TcpMeasureRcvMss(whole, Prof(), 32768, 33536, 32, false, false);
    TcpMeasureRcvMss(whole, Prof(), 62464, 63232, 32, true, true);
    BOOST_TEST(whole.ack.rcv_mss == 62464u);
}

// tcp_set_window_clamp() from tcp_measure_rcv_mss() (6.18): a larger clamp lets
// rcv_ssthresh rise to the current window, a smaller one lowers it
BOOST_AUTO_TEST_CASE(a_new_scaling_ratio_moves_rcv_ssthresh_with_the_clamp)
{
    KernelProfile p = Prof();
    p.win_from_space = WinFromSpace::ScalingRatio;
    Tcb tp = Connected();
    tp.scaling_ratio = 128;
    tp.rcv_ssthresh = 60000;
    tp.rcv_wnd = 64000;
    tp.rcvq_space.space = 100000;
    // 32768 of 33536: ratio 250, clamp 131072 * 250 / 256 = 128000
    TcpMeasureRcvMss(tp, p, 32768, 33536, 32, false, false);
    BOOST_TEST(tp.scaling_ratio == 250);
    BOOST_TEST(tp.window_clamp == 128000u);
    BOOST_TEST(tp.rcv_ssthresh == 64000u); // min(rcv_wnd, clamp)
    BOOST_TEST(tp.rcvq_space.space == 100000u);
    // a segment with much overhead: ratio 1, the clamp at its floor SOCK_MIN_RCVBUF / 2
    TcpMeasureRcvMss(tp, p, 40000, 10000000, 32, false, false);
    BOOST_TEST(tp.window_clamp == 1152u);
    BOOST_TEST(tp.rcv_ssthresh == 1152u);
    BOOST_TEST(tp.rcvq_space.space == 1152u);
}

BOOST_AUTO_TEST_CASE(pingpong_delays_the_ack)
{
    const Jiffies j{250};
    Tcb tp = Connected();
    TcpEventDataRecv(tp, j, 100, j.TimeoutInit());
    EnterPingpongMode(tp, Prof());
    BOOST_TEST(!TcpInQuickackMode(tp, Prof()));
    BOOST_TEST((TcpAckSndCheck(tp, Prof()) == AckDecision::Delayed));
    const DelayedAck d = TcpSendDelayedAck(tp, Prof(), j, 100, 0);
    BOOST_TEST(!d.send_now);
    BOOST_TEST(d.timeout == 110u); // 40 ms later
    BOOST_TEST((tp.ack.pending & ICSK_ACK_TIMER) != 0);
}

BOOST_AUTO_TEST_CASE(reply_within_ato_counts_towards_pingpong)
{
    const Jiffies j{250};
    Tcb tp = Connected();
    TcpEventDataRecv(tp, j, 100, j.TimeoutInit());
    TcpEventDataSent(tp, Prof(3), 101);
    BOOST_TEST(tp.ack.pingpong == 1u);
    BOOST_TEST(!InPingpongMode(tp, Prof(3)));
    Tcb tp1 = Connected();
    TcpEventDataRecv(tp1, j, 100, j.TimeoutInit());
    TcpEventDataSent(tp1, Prof(1), 101);
    BOOST_TEST(InPingpongMode(tp1, Prof(1)));
    Tcb late = Connected();
    TcpEventDataRecv(late, j, 100, j.TimeoutInit());
    TcpEventDataSent(late, Prof(3), 111); // 44 ms later: not a reply
    BOOST_TEST(late.ack.pingpong == 0u);
}

BOOST_AUTO_TEST_CASE(threshold_3_counts_only_a_first_reply_in_a_later_jiffy)
{
    // 5.1-5.15.0: before(lsndtime, lrcvtime) — data sent, data received, reply sent,
    // all in jiffy 100: the reply does not count; once data arrives in a later jiffy
    // than our last send, the next reply does, and the one after it does not
    const Jiffies j{250};
    Tcb tp = Connected();
    TcpEventDataSent(tp, Prof(3), 100);
    TcpEventDataRecv(tp, j, 100, j.TimeoutInit());
    TcpEventDataSent(tp, Prof(3), 100);
    BOOST_TEST(tp.ack.pingpong == 0u);
    TcpEventDataRecv(tp, j, 101, j.TimeoutInit());
    TcpEventDataSent(tp, Prof(3), 101);
    BOOST_TEST(tp.ack.pingpong == 1u);
    TcpEventDataSent(tp, Prof(3), 102);
    BOOST_TEST(tp.ack.pingpong == 1u);
    BOOST_TEST(tp.lsndtime == 102u);
    // 6.x's net.ipv4.tcp_pingpong_thresh = 3 counts every reply within ato
    KernelProfile sysctl = Prof(3);
    sysctl.pingpong_first_reply_only = false;
    Tcb six = Connected();
    TcpEventDataSent(six, sysctl, 100);
    TcpEventDataRecv(six, j, 100, j.TimeoutInit());
    TcpEventDataSent(six, sysctl, 100);
    TcpEventDataSent(six, sysctl, 101);
    BOOST_TEST(six.ack.pingpong == 2u);
}

BOOST_AUTO_TEST_CASE(quick_acks_run_out)
{
    const Jiffies j{250};
    Tcb tp = Connected();
    tp.rcv_wnd = 2144; // two quick ACKs: 2144 / (2 * 536)
    TcpEventDataRecv(tp, j, 100, j.TimeoutInit());
    BOOST_TEST(tp.ack.quick == 2u);
    TcpDecQuickackMode(tp, Prof(), j, true);
    BOOST_TEST(tp.ack.quick == 1u);
    TcpDecQuickackMode(tp, Prof(), j, true);
    BOOST_TEST(tp.ack.quick == 0u);
    // after 6.6 an ACK that acknowledges no new data does not count
    Tcb tp6 = Connected();
    tp6.rcv_wnd = 2144;
    TcpEventDataRecv(tp6, j, 100, j.TimeoutInit());
    TcpDecQuickackMode(tp6, Prof(1, false), j, false);
    BOOST_TEST(tp6.ack.quick == 2u);
}

BOOST_AUTO_TEST_CASE(read_that_empties_the_queue_acks_a_pushed_segment)
{
    const Jiffies j{250};
    Tcb tp = Connected();
    TcpMeasureRcvMss(tp, Prof(), 13, 1293, 32, true, true);
    TcpEventDataRecv(tp, j, 100, j.TimeoutInit());
    tp.rmem_alloc = 0; // the read took it all
    BOOST_TEST(TcpCleanupRbufWantsAck(tp, Prof(), 13));
    EnterPingpongMode(tp, Prof());
    BOOST_TEST(!TcpCleanupRbufWantsAck(tp, Prof(), 13)); // interactive: wait for a reply
    tp.rmem_alloc = 1293;
    ExitPingpongMode(tp);
    BOOST_TEST(!TcpCleanupRbufWantsAck(tp, Prof(), 13)); // data still queued
}

BOOST_AUTO_TEST_CASE(delack_timer_not_pushed_back)
{
    const Jiffies j{250};
    Tcb tp = Connected();
    tp.ack.ato = 10;
    const DelayedAck first = TcpSendDelayedAck(tp, Prof(), j, 100, 0);
    const DelayedAck second = TcpSendDelayedAck(tp, Prof(), j, 105, 0);
    BOOST_TEST(first.timeout == 110u);
    BOOST_TEST(second.timeout == 110u); // the earlier deadline stands
    const DelayedAck due = TcpSendDelayedAck(tp, Prof(), j, 109, 0);
    BOOST_TEST(due.send_now); // about to expire: send now
}

BOOST_AUTO_TEST_CASE(jiffies_round_trip)
{
    const Jiffies j{250};
    BOOST_TEST(j.FromNs(39999999) == 9u);
    BOOST_TEST(j.FromNs(40000000) == 10u);
    BOOST_TEST(j.ToNs(10) == 40000000u);
}

BOOST_AUTO_TEST_CASE(jiffies_tick_on_the_hosts_grid_when_time_0_falls_inside_a_tick)
{
    // HZ 250, time 0 is 1.2 ms into a tick: the next tick is at 2.8 ms
    const Jiffies j{250, 1200000};
    BOOST_TEST(j.FromNs(0) == 0u);
    BOOST_TEST(j.FromNs(2799999) == 0u);
    BOOST_TEST(j.FromNs(2800000) == 1u);
    BOOST_TEST(j.ToNs(1) == 2800000u);
    BOOST_TEST(j.ToNs(11) == 42800000u); // a 10-jiffy timer armed in jiffy 1
    BOOST_TEST(j.ToNs(0) == 0u);         // the tick before time 0
}

BOOST_AUTO_TEST_SUITE_END()
