// SPDX-License-Identifier: GPL-2.0-only
// tcp_add_backlog(): what joins the backlog's last segment while a task holds the socket
#include "models/tcp/backlog.h"

#include <boost/test/unit_test.hpp>

#include <memory>

using namespace sim;

BOOST_AUTO_TEST_SUITE(backlog)

static KernelProfile
Prof(bool coalesce = true)
{
    KernelProfile p;
    p.tcp_backlog_coalesce = coalesce;
    p.skb_truesize_overhead = 832;
    return p;
}

// A pure ACK with timestamps (TSval 100, TSecr 200)
static Segment
Ack(uint32_t seq, uint32_t ack_seq, uint16_t window)
{
    Segment s;
    s.seq = seq;
    s.end_seq = seq;
    s.ack_seq = ack_seq;
    s.window = window;
    s.flags = TCPHDR_ACK;
    s.hdr_len = 32;
    s.opt.ts_present = true;
    s.opt.tsval = 100;
    s.opt.tsecr = 200;
    return s;
}

static Segment
Data(uint32_t seq, uint32_t len, uint32_t gso_size = 0)
{
    Segment s = Ack(seq, 1, 64);
    s.payload = Payload::Zeros(len);
    s.end_seq = seq + len;
    s.truesize = static_cast<int>(len) + 832;
    s.gso_size = gso_size;
    return s;
}

BOOST_AUTO_TEST_CASE(two_acks_become_one_with_the_later_window)
{
    // the browser's ACKs of two body skbs: 95232 (93 << 10), then 62464 (61 << 10)
    Segment tail = Ack(1, 32837, 93);
    int delta = -1;
    BOOST_TEST(TcpBacklogCoalesce(tail, Ack(1, 65605, 61), Prof(), delta));
    BOOST_TEST(tail.ack_seq == 65605u);
    BOOST_TEST(tail.window == 61);
    BOOST_TEST(delta == 0);
    // an older ACK joins but leaves the newer ack and window
    BOOST_TEST(TcpBacklogCoalesce(tail, Ack(1, 32837, 93), Prof(), delta));
    BOOST_TEST(tail.ack_seq == 65605u);
    BOOST_TEST(tail.window == 61);
}

BOOST_AUTO_TEST_CASE(different_options_flags_or_a_gap_keep_them_apart)
{
    int delta = 0;
    Segment tail = Ack(1, 100, 10);
    Segment later_ms = Ack(1, 200, 10);
    later_ms.opt.tsval = 101; // the memcmp() of the options differs
    BOOST_TEST(!TcpBacklogCoalesce(tail, later_ms, Prof(), delta));
    Segment sack = Ack(1, 200, 10);
    sack.opt.num_sacks = 1;
    sack.hdr_len = 44;
    BOOST_TEST(!TcpBacklogCoalesce(tail, sack, Prof(), delta));
    Segment fin_rst = Ack(1, 200, 10);
    fin_rst.flags |= TCPHDR_RST;
    BOOST_TEST(!TcpBacklogCoalesce(tail, fin_rst, Prof(), delta));
    BOOST_TEST(!TcpBacklogCoalesce(tail, Ack(5, 200, 10), Prof(), delta)); // not contiguous
    BOOST_TEST(!TcpBacklogCoalesce(tail, Ack(1, 200, 10), Prof(false), delta));
    BOOST_TEST(tail.ack_seq == 100u);
}

BOOST_AUTO_TEST_CASE(a_gso_packets_pieces_join_and_carry_the_larger_size)
{
    // two pieces of one GSO packet: new skbs, not clones of the sender's
    Segment tail = Data(1, 47616);
    int delta = 0;
    BOOST_TEST(TcpBacklogCoalesce(tail, Data(47617, 22016), Prof(), delta));
    BOOST_TEST(tail.Len() == 69632u);
    BOOST_TEST(tail.end_seq == 69633u);
    BOOST_TEST(tail.gso_size == 47616u);
    BOOST_TEST(tail.frags == 2u);
    BOOST_TEST(delta == 22016); // the joined frags' truesize, not its head
    BOOST_TEST(tail.truesize == 47616 + 832 + 22016);
}

BOOST_AUTO_TEST_CASE(nothing_joins_a_clone_of_the_senders_skb)
{
    // skb_try_coalesce() refuses a cloned tail: on loopback an unsplit skb still shares
    // its data with the sender's retransmit queue
    Segment tail = Data(1, 32768);
    auto senders_copy = std::make_shared<const int>(0);
    tail.dataref = senders_copy;
    int delta = 0;
    BOOST_TEST(!TcpBacklogCoalesce(tail, Data(32769, 32768), Prof(), delta));
    BOOST_TEST(tail.Len() == 32768u);
}

BOOST_AUTO_TEST_SUITE_END()
