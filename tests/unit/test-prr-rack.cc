// SPDX-License-Identifier: GPL-2.0-only
// Proportional rate reduction and RACK's deadlines, step by step as RFC 6937 and
// tcp_cwnd_reduction() / tcp_rack_reo_wnd() give them.
#include "models/tcp/prr-rack.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(prr_rack)

// cwnd 20 at the loss, ssthresh 14 (Cubic's 717/1024 of 20), one segment lost: 19 in
// flight, above ssthresh, so sending follows delivery at 14/20
BOOST_AUTO_TEST_CASE(prr_above_ssthresh_sends_in_proportion_to_what_is_delivered)
{
    // the first dupack delivered one: ceil(14 * 1 / 20) = 1, the fast retransmit
    BOOST_TEST(TcpPrrSndcnt(14, 20, 1, 0, 18, 1, false) == 1);
    // the next: ceil(14 * 2 / 20) - 1 sent = 1
    BOOST_TEST(TcpPrrSndcnt(14, 20, 2, 1, 18, 1, false) == 1);
    // the next: ceil(14 * 3 / 20) - 2 = 1; then ceil(14 * 4 / 20) - 3 = 0: hold one
    BOOST_TEST(TcpPrrSndcnt(14, 20, 3, 2, 18, 1, false) == 1);
    BOOST_TEST(TcpPrrSndcnt(14, 20, 4, 3, 18, 1, false) == 0);
    // over the whole episode: 20 delivered -> 14 sent
    BOOST_TEST(TcpPrrSndcnt(14, 20, 20, 13, 15, 1, false) == 1);
}

BOOST_AUTO_TEST_CASE(prr_at_or_below_ssthresh_grows_back_by_what_is_delivered)
{
    // 10 in flight, ssthresh 14: delivered 6, sent 3 -> 3 more, +1 for snd_una moving
    BOOST_TEST(TcpPrrSndcnt(14, 20, 6, 3, 10, 2, true) == 4);
    // but never past ssthresh: delta 14 - 12 = 2
    BOOST_TEST(TcpPrrSndcnt(14, 20, 6, 3, 12, 2, true) == 2);
    // a new loss on this ACK: no extra one
    BOOST_TEST(TcpPrrSndcnt(14, 20, 6, 3, 10, 2, false) == 3);
}

BOOST_AUTO_TEST_CASE(prr_always_lets_the_first_retransmission_go)
{
    // far above ssthresh, nothing due yet, nothing sent: one anyway
    BOOST_TEST(TcpPrrSndcnt(2, 100, 1, 0, 99, 1, false) == 1);
    // once something went, the floor is 0
    BOOST_TEST(TcpPrrSndcnt(2, 100, 1, 1, 99, 1, false) == 0);
}

BOOST_AUTO_TEST_CASE(rack_reordering_window_collapses_at_the_dupthresh_or_in_recovery)
{
    // min RTT 20 ms, srtt 25 ms: a quarter of the minimum
    BOOST_TEST(TcpRackReoWnd(false, CaState::Open, 1, 3, 20000, 1, 25000 * 8) == 5000u);
    // three SACKed with no reordering seen: none
    BOOST_TEST(TcpRackReoWnd(false, CaState::Disorder, 3, 3, 20000, 1, 25000 * 8) == 0u);
    BOOST_TEST(TcpRackReoWnd(false, CaState::Recovery, 1, 3, 20000, 1, 25000 * 8) == 0u);
    // reordering seen: the window stays, grows by steps, and srtt caps it
    BOOST_TEST(TcpRackReoWnd(true, CaState::Recovery, 5, 3, 20000, 2, 25000 * 8) == 10000u);
    BOOST_TEST(TcpRackReoWnd(true, CaState::Open, 0, 3, 20000, 8, 25000 * 8) == 25000u);
}

BOOST_AUTO_TEST_CASE(rack_counts_an_skb_lost_once_it_is_out_longer_than_the_rtt_and_window)
{
    // the reference was ACKed 20 ms after its send; an skb sent at t=100 ms
    BOOST_TEST(TcpRackSkbTimeout(20000, 5000, 120000, 100000) == 5000);   // 5 ms to go
    BOOST_TEST(TcpRackSkbTimeout(20000, 5000, 125000, 100000) == 0);      // lost now
    BOOST_TEST(TcpRackSkbTimeout(20000, 0, 121000, 100000) == -1000);     // lost
}

BOOST_AUTO_TEST_SUITE_END()
