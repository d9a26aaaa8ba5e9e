// SPDX-License-Identifier: GPL-2.0-only
// The RTT estimator and the RTO, worked by hand from tcp_rtt_estimator() and
// tcp_set_rto(): srtt and mdev in the kernel's scaled units, rttvar held at rto_min.
#include "models/tcp/rto.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(rto)

BOOST_AUTO_TEST_CASE(the_first_sample_sets_srtt_mdev_and_an_rto_of_srtt_plus_rto_min)
{
    Tcb tp;
    tp.snd_nxt = 1000;
    TcpRttEstimator(tp, 20000, 200000); // 20 ms
    BOOST_TEST(tp.srtt_us == 160000u);  // 8 x 20 ms
    BOOST_TEST(tp.mdev_us == 40000u);   // 4 x 10 ms (m/2)
    BOOST_TEST(tp.rttvar_us == 200000u); // max(mdev, rto_min)
    BOOST_TEST(tp.rtt_seq == 1000u);
    BOOST_TEST(TcpRtoFromEstimate(tp, 1000) == 220u); // 20 ms + 200 ms
    BOOST_TEST(TcpRtoFromEstimate(tp, 250) == 55u);   // 220 ms in 4 ms jiffies
}

BOOST_AUTO_TEST_CASE(later_samples_move_srtt_by_an_eighth_and_mdev_by_a_quarter)
{
    Tcb tp;
    TcpRttEstimator(tp, 20000, 200000);
    // 28 ms: error 8 ms; srtt 20 + 1 = 21 ms; mdev 10 + (8 - 10)/4 = 9.5 ms
    TcpRttEstimator(tp, 28000, 200000);
    BOOST_TEST(tp.srtt_us == 168000u);
    BOOST_TEST(tp.mdev_us == 38000u);
    // a falling RTT: 4 ms, error -17 ms; srtt 21 - 17/8; mdev gains only 1/32 of the
    // part of |error| above mdev/4 (17 ms - 9.5 ms = 7.5 ms -> 0.9375 ms, scaled x4... )
    TcpRttEstimator(tp, 4000, 200000);
    BOOST_TEST(tp.srtt_us == 151000u); // 168000 - 17000
    BOOST_TEST(tp.mdev_us == 38000u + (17000u - 9500u) / 8u);
    BOOST_TEST(tp.rttvar_us == 200000u); // never below rto_min
}

BOOST_AUTO_TEST_CASE(rttvar_follows_a_large_deviation_then_decays_once_per_round_trip)
{
    Tcb tp;
    tp.snd_una = 0;
    tp.snd_nxt = 100;
    TcpRttEstimator(tp, 100000, 200000); // 100 ms: mdev 200 ms, rttvar 200 ms
    tp.snd_una = 50;                      // same flight
    TcpRttEstimator(tp, 500000, 200000);  // error 400 ms: mdev 200 + (400 - 50)
    BOOST_TEST(tp.mdev_us == 550000u);
    BOOST_TEST(tp.rttvar_us == 550000u);
    BOOST_TEST(TcpRtoFromEstimate(tp, 1000) == 150u + 550u); // srtt 150 ms + rttvar
    tp.snd_una = 101; // the next flight: rttvar decays toward that flight's largest mdev
    tp.snd_nxt = 200;
    TcpRttEstimator(tp, 150000, 200000);
    BOOST_TEST(tp.mdev_max_us == 200000u); // reset to rto_min for the next round
    BOOST_TEST(tp.rtt_seq == 200u);
}

BOOST_AUTO_TEST_CASE(the_rto_is_capped_at_120_seconds_and_rounds_up_to_a_jiffy)
{
    Tcb tp;
    TcpRttEstimator(tp, 100000000, 200000); // 100 s
    BOOST_TEST(TcpRtoFromEstimate(tp, 1000) == 120000u);
    Tcb small;
    TcpRttEstimator(small, 1, 200000); // 1 us: 200.001 ms
    BOOST_TEST(TcpRtoFromEstimate(small, 1000) == 201u);
    BOOST_TEST(UsecsToJiffies(4001, 250) == 2u);
    BOOST_TEST(UsecsToJiffies(4000, 250) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
