// SPDX-License-Identifier: GPL-2.0-only
// Send-buffer sizing and the writer's wake-up rule, worked from tcp_sndbuf_expand()
// and sk_stream_write_space() by hand.
#include "models/tcp/sndbuf.h"

#include "tests/unit/linux-515-profile.h"

#include <boost/test/unit_test.hpp>

using namespace sim;
using simtest::Linux515;

BOOST_AUTO_TEST_SUITE(sndbuf)

static Tcb
Connected(uint32_t mss)
{
    Tcb tp;
    tp.mss_clamp = mss;
    tp.mss_cache = mss - 12;
    tp.sndbuf = 16384; // tcp_wmem[1]
    return tp;
}

BOOST_AUTO_TEST_CASE(loopback_gets_twenty_worst_case_skbs)
{
    // per_mss = roundup_pow_of_two(65495 + 320 + 320) + 256 = 131328; 2 x 10 of them
    Tcb tp = Connected(65495);
    TcpSndbufExpand(tp, Linux515());
    BOOST_TEST(tp.sndbuf == 2626560);
}

BOOST_AUTO_TEST_CASE(bbr_provisions_three_times_the_window)
{
    // bbr_sndbuf_expand(): 3 x 10 x 131328, what SO_SNDBUF reads on this project's 6.18
    // machine right after accept (tests/data/real/sndbuf/result.txt; MAX_TCP_HEADER 256
    // there rounds up to the same power of two)
    KernelProfile bbr = Linux515();
    bbr.max_tcp_header = 256;
    bbr.congestion_control = CongestionControl::Bbr;
    Tcb tp = Connected(65495);
    TcpSndbufExpand(tp, bbr);
    BOOST_TEST(tp.sndbuf == 3939840);
}

BOOST_AUTO_TEST_CASE(ethernet_mss_and_a_grown_cwnd_stop_at_tcp_wmem_max)
{
    // per_mss = roundup_pow_of_two(1460 + 640) + 256 = 4352
    Tcb tp = Connected(1460);
    TcpSndbufExpand(tp, Linux515());
    BOOST_TEST(tp.sndbuf == 87040);
    tp.snd_cwnd = 100;
    TcpSndbufExpand(tp, Linux515());
    BOOST_TEST(tp.sndbuf == 870400);
    Tcb lo = Connected(65495);
    lo.snd_cwnd = 40;
    TcpSndbufExpand(lo, Linux515());
    BOOST_TEST(lo.sndbuf == 4194304);
}

BOOST_AUTO_TEST_CASE(the_buffer_never_shrinks)
{
    Tcb tp = Connected(1460);
    tp.sndbuf = 1000000;
    TcpSndbufExpand(tp, Linux515());
    BOOST_TEST(tp.sndbuf == 1000000);
}

BOOST_AUTO_TEST_CASE(a_blocked_writer_wakes_when_a_third_is_free)
{
    Tcb tp;
    tp.sndbuf = 90000;
    BOOST_TEST(!SkStreamMemoryFree(tp, 90000));
    BOOST_TEST(SkStreamMemoryFree(tp, 89999));
    // free >= queued / 2, i.e. queued <= 2/3 of the buffer
    BOOST_TEST(!SkStreamIsWriteable(tp, 60001));
    BOOST_TEST(SkStreamIsWriteable(tp, 60000));
}

BOOST_AUTO_TEST_SUITE_END()
