// SPDX-License-Identifier: GPL-2.0-only
// Window arithmetic against values worked out from the Linux source by hand.
#include "models/tcp/window.h"

#include "tests/unit/linux-515-profile.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(window)

using simtest::Linux515;

BOOST_AUTO_TEST_CASE(win_from_space_halves_with_adv_win_scale_1)
{
    const KernelProfile p = Linux515();
    BOOST_TEST(TcpWinFromSpace(Tcb{}, p, 131072) == 65536);
    KernelProfile q = p;
    q.tcp_adv_win_scale = -2;
    BOOST_TEST(TcpWinFromSpace(Tcb{}, q, 131072) == 32768);
}

BOOST_AUTO_TEST_CASE(loopback_syn_window_and_scale)
{
    // The client's SYN on loopback: 65536 of space quantized to the MSS 65495, scale 7
    // from tcp_rmem[2] = 6291456 (ilog2 = 22)
    const InitialWindow w = TcpSelectInitialWindow(Linux515(), 65536, 65495, 0, true, 0);
    BOOST_TEST(w.rcv_wnd == 65495u);
    BOOST_TEST(w.rcv_wscale == 7);
    BOOST_TEST(w.window_clamp == (65535u << 7));
}

BOOST_AUTO_TEST_CASE(synack_window_uses_mss_without_timestamps)
{
    // tcp_openreq_init_rwin(): mss - TCPOLEN_TSTAMP_ALIGNED = 65483
    const InitialWindow w = TcpSelectInitialWindow(Linux515(), 65536, 65483, 0, true, 0);
    BOOST_TEST(w.rcv_wnd == 65483u);
}

BOOST_AUTO_TEST_CASE(scale_10_with_6x_rmem)
{
    KernelProfile p = Linux515();
    p.tcp_rmem = {4096, 131072, 33554432};
    BOOST_TEST(TcpSelectInitialWindow(p, 65536, 65495, 0, true, 0).rcv_wscale == 10);
}

BOOST_AUTO_TEST_CASE(no_scaling_caps_window_at_16_bits)
{
    const InitialWindow w = TcpSelectInitialWindow(Linux515(), 200000, 1460, 0, false, 0);
    BOOST_TEST(w.rcv_wscale == 0);
    BOOST_TEST(w.rcv_wnd == 65535u);
    BOOST_TEST(w.window_clamp == 65535u);
}

static Tcb
Established(uint32_t rcv_ssthresh, uint8_t wscale)
{
    Tcb tp;
    tp.rcvbuf = 131072;
    tp.window_clamp = 65536;
    tp.rcv_ssthresh = rcv_ssthresh;
    tp.rcv_wscale = wscale;
    tp.ack.rcv_mss = 536;
    tp.rcv_nxt = tp.rcv_wup = 1000;
    tp.rcv_wnd = rcv_ssthresh;
    return tp;
}

BOOST_AUTO_TEST_CASE(first_ack_rounds_up_to_the_scale)
{
    // V1 no.3: rcv_ssthresh 65495 aligned up to 128 gives 65536, field 512
    Tcb tp = Established(65495, 7);
    BOOST_TEST(TcpSelectWindow(tp, Linux515()) == 512);
    BOOST_TEST(tp.rcv_wnd == 65536u);
}

BOOST_AUTO_TEST_CASE(unread_data_shrinks_the_offer_by_truesize)
{
    // 13000 bytes unread in an skb of truesize 14280: free space (131072 - 14280) / 2
    // = 58396, aligned up to 128 = 58496 (V3 no.7)
    Tcb tp = Established(65495, 7);
    tp.rcv_wnd = 65536;
    tp.rcv_wup = 1000;
    tp.rcv_nxt = 14000;
    tp.rmem_alloc = 14280;
    BOOST_TEST(TcpSelectWindowRaw(tp, Linux515()) == 58496u);
    BOOST_TEST(TcpSelectWindow(tp, Linux515()) == 58496u / 128);
}

BOOST_AUTO_TEST_CASE(half_window_segment_unread)
{
    // Part B no.192: a fresh connection holding one unread 32768-byte segment (truesize
    // 32768 + 1280): (131072 - 34048) / 2 = 48512, already a multiple of 128
    Tcb tp = Established(65483, 7);
    tp.rcv_wnd = 65536;
    tp.rcv_nxt = tp.rcv_wup + 32768;
    tp.rmem_alloc = 34048;
    BOOST_TEST(TcpSelectWindow(tp, Linux515()) == 48512 / 128);
}

BOOST_AUTO_TEST_CASE(backlog_counts_until_it_is_drained)
{
    // tcp_space() takes sk_backlog.len off too, and __release_sock() zeroes it only when
    // the backlog is empty: while it runs, a segment already moved to the receive
    // queue counts twice. 6291456 - 2 x 66763 = 6157930: half is 3078965, up to 3079040
    Tcb tp = Established(65483, 7);
    tp.rcvbuf = 6291456;
    tp.window_clamp = 3145728;
    tp.rcv_ssthresh = 3145728;
    tp.rcv_wnd = 0;
    tp.rmem_alloc = 66763;
    tp.backlog_len = 66763;
    BOOST_TEST(TcpSpace(tp, Linux515()) == 3078965);
    BOOST_TEST(TcpSelectWindowRaw(tp, Linux515()) == 3079040u);
    tp.backlog_len = 0; // drained: 3112346, up to 3112448 (Part B rows 176-182)
    BOOST_TEST(TcpSelectWindowRaw(tp, Linux515()) == 3112448u);
}

BOOST_AUTO_TEST_CASE(never_shrinks_the_right_edge)
{
    // 13 bytes unread: the raw offer drops below what is left of the last window, so
    // tcp_select_window() keeps the old right edge
    Tcb tp = Established(65483, 7);
    tp.rcv_wnd = 65536;
    tp.rcv_nxt = tp.rcv_wup + 13;
    tp.rmem_alloc = 1293;
    BOOST_TEST(TcpSelectWindowRaw(tp, Linux515()) < 65536u - 13);
    BOOST_TEST(TcpSelectWindow(tp, Linux515()) == 512);
}

// Part A's guest after the handshake: the NAT engine offered no window scaling, so the
// clamp is 65535; tcp_init_buffer_space() then reserves one segment: 65536 - 1460
static Tcb
UnscaledGuest()
{
    Tcb tp = Established(64240, 0);
    tp.window_clamp = 65535;
    tp.advmss = 1460;
    tp.rcv_wnd = 64240;
    TcpInitBufferSpace(tp, Linux515());
    return tp;
}

BOOST_AUTO_TEST_CASE(init_buffer_space_reserves_a_segment)
{
    const Tcb tp = UnscaledGuest();
    BOOST_TEST(tp.window_clamp == 64076u);
    BOOST_TEST(tp.rcv_ssthresh == 64076u);
}

BOOST_AUTO_TEST_CASE(unscaled_window_is_not_reopened_by_less_than_a_segment)
{
    // Nothing received: the offer stays 64240 (the free space, capped at 64076, would
    // round down to whole rcv_mss, below what is on offer, and the edge never moves back)
    Tcb idle = UnscaledGuest();
    BOOST_TEST(TcpSelectWindow(idle, Linux515()) == 64240);
    // 5 bytes received: the right edge stays where it was, 64240 - 5 (Part A no.7)
    Tcb tp = UnscaledGuest();
    tp.rcv_nxt = tp.rcv_wup + 5;
    tp.rmem_alloc = 1285;
    BOOST_TEST(TcpSelectWindowRaw(tp, Linux515()) < 64235u);
    BOOST_TEST(TcpSelectWindow(tp, Linux515()) == 64235);
    // and once read, the window is not re-opened by 5 bytes either
    tp.rmem_alloc = 0;
    tp.copied_seq = tp.rcv_nxt;
    BOOST_TEST(TcpSelectWindow(tp, Linux515()) == 64235);
}

BOOST_AUTO_TEST_CASE(advmss_caps_at_ipv4_max_pmtu)
{
    BOOST_TEST(Ipv4DefaultAdvmss(65536) == 65495u);
    BOOST_TEST(Ipv4DefaultAdvmss(1500) == 1460u);
}

BOOST_AUTO_TEST_SUITE_END()
