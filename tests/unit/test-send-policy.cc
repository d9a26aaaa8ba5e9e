// SPDX-License-Identifier: GPL-2.0-only
// Nagle (with Minshall's variant) and autocorking decisions, without a simulation.
#include "models/tcp/send-policy.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(send_policy)

static Tcb
Sending()
{
    Tcb tp;
    tp.snd_una = 1000;
    tp.snd_nxt = 1000;
    tp.snd_sml = 1000;
    return tp;
}

BOOST_AUTO_TEST_CASE(small_segment_goes_when_nothing_is_in_flight)
{
    const Tcb tp = Sending();
    BOOST_TEST(TcpNagleTest(tp, 5, false, 32768, 0));
}

BOOST_AUTO_TEST_CASE(small_segment_waits_behind_an_unacked_small_one)
{
    // V2: 5 bytes sent and not yet ACKed; the next 5 wait
    Tcb tp = Sending();
    tp.snd_nxt = 1005;
    tp.snd_sml = 1005;
    tp.packets_out = 1;
    BOOST_TEST(!TcpNagleTest(tp, 5, false, 32768, 0));
    BOOST_TEST(TcpNagleTest(tp, 5, false, 32768, TCP_NAGLE_OFF)); // TCP_NODELAY
    BOOST_TEST(TcpNagleTest(tp, 5, true, 32768, 0));              // a FIN is never held
    BOOST_TEST(TcpNagleTest(tp, 32768, false, 32768, 0));         // a full segment goes
}

BOOST_AUTO_TEST_CASE(minshall_lets_it_go_once_the_small_one_is_acked)
{
    // a full-sized segment is in flight, but the last small one is ACKed
    Tcb tp = Sending();
    tp.snd_sml = 1005;
    tp.snd_una = 1005;
    tp.snd_nxt = 1005 + 32768;
    tp.packets_out = 1;
    BOOST_TEST(TcpNagleTest(tp, 5, false, 32768, 0));
}

BOOST_AUTO_TEST_CASE(cork_holds_partial_segments)
{
    const Tcb tp = Sending();
    BOOST_TEST(!TcpNagleTest(tp, 5, false, 32768, TCP_NAGLE_CORK));
    BOOST_TEST(TcpNagleTest(tp, 5, false, 32768, TCP_NAGLE_PUSH));
}

BOOST_AUTO_TEST_CASE(segments_are_bounded_by_half_the_largest_window)
{
    Tcb tp = Sending();
    tp.tcp_header_len = 32;
    tp.max_window = 65536; // a fresh loopback peer: 32768-byte segments (Part B)
    BOOST_TEST(TcpBoundToHalfWnd(tp, 65483) == 32768u);
    tp.max_window = 3141120; // an autotuned peer: full 65483-byte segments
    BOOST_TEST(TcpBoundToHalfWnd(tp, 65483) == 65483u);
    tp.max_window = 0; // nothing offered yet
    BOOST_TEST(TcpBoundToHalfWnd(tp, 65483) == 65483u);
}

BOOST_AUTO_TEST_CASE(autocork_needs_unfreed_transmits)
{
    const Tcb tp = Sending();
    KernelProfile p;
    // earlier skbs still in the device: hold the small write
    BOOST_TEST(TcpShouldAutocork(tp, p, 100, 1380, 65483, false, 2800));
    // loopback frees them at once: no autocorking
    BOOST_TEST(!TcpShouldAutocork(tp, p, 100, 1380, 65483, false, 0));
    // nothing in flight, a full-sized write, or the sysctl off: no autocorking
    BOOST_TEST(!TcpShouldAutocork(tp, p, 100, 1380, 65483, true, 2800));
    BOOST_TEST(!TcpShouldAutocork(tp, p, 65483, 66763, 65483, false, 70000));
    p.tcp_autocorking = false;
    BOOST_TEST(!TcpShouldAutocork(tp, p, 100, 1380, 65483, false, 2800));
}

BOOST_AUTO_TEST_SUITE_END()
