// SPDX-License-Identifier: GPL-2.0-only
// The receiver's SACK blocks (RFC 2018 as tcp_sack_new_ofo_skb() keeps them): the
// block of the newest data first, merged when they touch, four at most, three on the
// wire beside timestamps, the D-SACK first and sent once.
#include "models/tcp/sack-blocks.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

namespace
{

std::string
Blocks(const Tcb& tp)
{
    std::string s;
    for (int i = 0; i < tp.num_sacks; ++i)
    {
        s += "[" + std::to_string(tp.selective_acks[i].start_seq) + "," +
             std::to_string(tp.selective_acks[i].end_seq) + ")";
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sack_blocks)

BOOST_AUTO_TEST_CASE(the_newest_data_makes_or_moves_its_block_to_the_front)
{
    Tcb tp;
    tp.sack_ok = true;
    TcpSackNewOfoSkb(tp, 200, 300);
    TcpSackNewOfoSkb(tp, 400, 500);
    TcpSackNewOfoSkb(tp, 600, 700);
    BOOST_TEST(Blocks(tp) == "[600,700)[400,500)[200,300)");
    // data continuing the oldest block moves it to the front, the others keep order
    TcpSackNewOfoSkb(tp, 300, 350);
    BOOST_TEST(Blocks(tp) == "[200,350)[600,700)[400,500)");
}

BOOST_AUTO_TEST_CASE(blocks_that_touch_merge_and_the_oldest_of_four_is_forgotten)
{
    Tcb tp;
    tp.sack_ok = true;
    TcpSackNewOfoSkb(tp, 200, 300);
    TcpSackNewOfoSkb(tp, 400, 500);
    TcpSackNewOfoSkb(tp, 300, 400); // fills between: one block
    BOOST_TEST(Blocks(tp) == "[200,500)");
    TcpSackNewOfoSkb(tp, 600, 700);
    TcpSackNewOfoSkb(tp, 800, 900);
    TcpSackNewOfoSkb(tp, 1000, 1100);
    TcpSackNewOfoSkb(tp, 1200, 1300);
    BOOST_TEST(Blocks(tp) == "[1200,1300)[1000,1100)[800,900)[600,700)");
}

BOOST_AUTO_TEST_CASE(blocks_below_rcv_nxt_are_removed_and_all_with_an_empty_queue)
{
    Tcb tp;
    tp.sack_ok = true;
    TcpSackNewOfoSkb(tp, 200, 300);
    TcpSackNewOfoSkb(tp, 400, 500);
    tp.rcv_nxt = 300;
    TcpSackRemove(tp, false);
    BOOST_TEST(Blocks(tp) == "[400,500)");
    TcpSackRemove(tp, true);
    BOOST_TEST(tp.num_sacks == 0);
}

BOOST_AUTO_TEST_CASE(three_blocks_fit_beside_timestamps_with_the_dsack_first_and_sent_once)
{
    Tcb tp;
    tp.sack_ok = true;
    for (uint32_t s = 200; s < 1000; s += 200)
    {
        TcpSackNewOfoSkb(tp, s, s + 100);
    }
    BOOST_TEST(TcpSackBlocksToSend(tp, 12) == 3);
    BOOST_TEST(TcpSackBlocksToSend(tp, 0) == 4);
    TcpDsackSet(tp, true, 50, 100);
    SackBlock out[5];
    const int n = TcpSackBlocksToSend(tp, 12);
    BOOST_TEST(n == 3);
    TcpSackBlocksWritten(tp, out, n);
    BOOST_TEST(out[0].start_seq == 50u); // D-SACK
    BOOST_TEST(out[1].start_seq == 800u); // then the newest
    BOOST_TEST(out[2].start_seq == 600u);
    BOOST_TEST(!tp.dsack);
    BOOST_TEST(TcpSackBlocksToSend(tp, 12) == 3); // the SACK blocks stay
}

BOOST_AUTO_TEST_CASE(no_dsack_without_sack_or_with_the_sysctl_off)
{
    Tcb tp;
    TcpDsackSet(tp, true, 1, 2);
    BOOST_TEST(!tp.dsack);
    tp.sack_ok = true;
    TcpDsackSet(tp, false, 1, 2);
    BOOST_TEST(!tp.dsack);
    TcpDsackSet(tp, true, 10, 20);
    TcpDsackExtend(tp, true, 20, 30); // touches: grows
    BOOST_TEST(tp.duplicate_sack.end_seq == 30u);
    TcpDsackExtend(tp, true, 50, 60); // apart: the first stays
    BOOST_TEST(tp.duplicate_sack.start_seq == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
