// SPDX-License-Identifier: GPL-2.0-only
// Cubic and HyStart worked by hand, in tcp_cubic.c's integer arithmetic: the cube
// root, the curve after a loss, fast convergence, the tcp-friendly region, and the
// two ways HyStart ends slow start. HZ 250 throughout (4 ms jiffies).
#include "models/tcp/cubic.h"
#include "models/tcp/tcp-cong.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(cubic)

namespace
{

constexpr int kHz = 250;

CubicClock
At(uint32_t jiffies, uint32_t us = 0)
{
    return CubicClock{jiffies, kHz, us};
}

// A connection in slow start at `cwnd`, snd_una = snd_nxt = 1000
Tcb
SlowStart(uint32_t cwnd)
{
    Tcb tp;
    tp.snd_cwnd = cwnd;
    tp.snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tp.snd_una = tp.snd_nxt = 1000;
    return tp;
}

} // namespace

BOOST_AUTO_TEST_CASE(cubic_root_is_exact_on_cubes_and_close_elsewhere)
{
    // a < 64: the table alone, (v[a] + 35) >> 6
    BOOST_TEST(CubicRoot(0) == 0u);
    BOOST_TEST(CubicRoot(1) == 1u);  // (54 + 35) >> 6
    BOOST_TEST(CubicRoot(8) == 2u);  // (123 + 35) >> 6
    BOOST_TEST(CubicRoot(27) == 3u); // (190 + 35) >> 6
    // 64: fls 7, b = 1, v[64 >> 3] = 123 -> x = 266 >> 6 = 4; Newton: (8 + 64/12) * 341 >> 10 = 4
    BOOST_TEST(CubicRoot(64) == 4u);
    // 1000: fls 10, b = 2, v[15] = 156 -> x = 664 >> 6 = 10; (20 + 1000/90) * 341 >> 10 = 10
    BOOST_TEST(CubicRoot(1000) == 10u);
    BOOST_TEST(CubicRoot(1000000000000ULL) == 9999u); // 10^4, 0.01% short
}

// W_max 100 at a loss, the window then 70 (ssthresh 717/1024 of 100). The curve
// starts back at 70 and reaches 100 after K = cbrt(30 / 0.4) s = 4.21 s.
BOOST_AUTO_TEST_CASE(after_a_loss_the_window_follows_the_cubic_curve_back_to_w_max)
{
    const TcpCubicParams p;
    CubicState ca;
    BOOST_TEST(CubicRecalcSsthresh(ca, 100, p) == 70u); // 100 * 717 / 1024 = 70.02
    BOOST_TEST(ca.last_max_cwnd == 100u);
    BOOST_TEST(ca.epoch_start == 0u);

    // the first ACK in congestion avoidance starts the epoch at jiffy 1000
    BictcpUpdate(ca, 70, 1, At(1000), p);
    BOOST_TEST(ca.epoch_start == 1000u);
    BOOST_TEST(ca.bic_origin_point == 100u);
    // K = cubic_root(2^40 / 410 x 30) = 4316 (1/1024 s): 4.215 s
    BOOST_TEST(ca.bic_K == 4316u);
    // t = 0: target 100 - (410 x 4316^3 >> 40) = 100 - 29 = 71, one more segment
    // this RTT: cnt = 70 / (71 - 70)
    BOOST_TEST(ca.cnt == 70u);

    // one second on (250 jiffies, t = 1024): 100 - (410 x 3292^3 >> 40) = 87
    BictcpUpdate(ca, 70, 1, At(1250), p);
    BOOST_TEST(ca.cnt == 4u); // 70 / (87 - 70)
    // two seconds: 96, so 70 / 26
    BictcpUpdate(ca, 70, 1, At(1500), p);
    BOOST_TEST(ca.cnt == 2u);
    // past K (t = 6144 after 6 s): above W_max the curve grows again, 102 here;
    // but a window at the target would grow by 1/100 per ACK (100 x cwnd)
    BictcpUpdate(ca, 102, 1, At(2500), p);
    BOOST_TEST(ca.cnt == 100u * 102u);
    // 20 s in, the curve is at 1674: 70 / 1604 = 0, but at most one segment per two
    // ACKed (1.5 x per RTT)
    BictcpUpdate(ca, 70, 1, At(6000), p);
    BOOST_TEST(ca.cnt == 2u);
}

BOOST_AUTO_TEST_CASE(the_curve_is_read_one_delay_min_ahead)
{
    // as above, with a 100 ms minimum RTT: t starts at usecs_to_jiffies(100000) = 25
    // jiffies = 102/1024 s, where the target is 73: cnt = 70 / 3
    const TcpCubicParams p;
    CubicState ca;
    CubicRecalcSsthresh(ca, 100, p);
    ca.delay_min = 100000;
    BictcpUpdate(ca, 70, 1, At(1000), p);
    BOOST_TEST(ca.cnt == 23u);
}

BOOST_AUTO_TEST_CASE(the_cnt_is_recomputed_at_most_once_per_jiffy_and_for_a_new_window)
{
    const TcpCubicParams p;
    CubicState ca;
    CubicRecalcSsthresh(ca, 100, p);
    BictcpUpdate(ca, 70, 1, At(1000), p);
    BOOST_TEST(ca.cnt == 70u);
    // the same window within HZ/32 (7 jiffies): nothing recomputed, only counted
    BictcpUpdate(ca, 70, 3, At(1007), p);
    BOOST_TEST(ca.cnt == 70u);
    BOOST_TEST(ca.last_time == 1000u);
    BOOST_TEST(ca.ack_cnt == 4u);
    // a new window after 8 jiffies: recomputed (t = 32: target 71 still, 71 / 0 -> 100 x 71)
    BictcpUpdate(ca, 71, 1, At(1008), p);
    BOOST_TEST(ca.last_time == 1008u);
    BOOST_TEST(ca.cnt == 100u * 71u);
}

BOOST_AUTO_TEST_CASE(fast_convergence_lowers_w_max_when_the_window_falls_short_of_it)
{
    TcpCubicParams p;
    CubicState ca;
    ca.last_max_cwnd = 100;
    // a loss at 80, below the last W_max: W_max = 80 x (1024 + 717) / 2048 = 68
    BOOST_TEST(CubicRecalcSsthresh(ca, 80, p) == 56u); // 80 x 717 / 1024
    BOOST_TEST(ca.last_max_cwnd == 68u);
    // without fast convergence W_max is the window
    p.fast_convergence = 0;
    ca.last_max_cwnd = 100;
    CubicRecalcSsthresh(ca, 80, p);
    BOOST_TEST(ca.last_max_cwnd == 80u);
    // above the last W_max, the window either way
    p.fast_convergence = 1;
    CubicRecalcSsthresh(ca, 120, p);
    BOOST_TEST(ca.last_max_cwnd == 120u);
    // never below 2: 2 x 717 / 1024 = 1
    BOOST_TEST(CubicRecalcSsthresh(ca, 2, p) == 2u);
}

// At W_max the curve is flat; Reno (with Cubic's beta: one segment per
// cwnd x beta_scale / 8 ACKed, beta_scale = 8 x 1741 / 3 / 307 = 15) is faster
BOOST_AUTO_TEST_CASE(in_the_tcp_friendly_region_the_window_grows_at_least_as_renos)
{
    TcpCubicParams p;
    CubicState ca;
    ca.last_max_cwnd = 10;
    BictcpUpdate(ca, 10, 1, At(1000), p); // K = 0, origin 10
    BOOST_TEST(ca.bic_K == 0u);
    BOOST_TEST(ca.cnt == 1000u); // at the target: 100 x cwnd
    BOOST_TEST(ca.tcp_cwnd == 10u);
    // 20 more ACKed 8 jiffies on (t = 32, the curve still at 10): 21 ACKed is more
    // than Reno's 10 x 15 >> 3 = 18 per segment, so Reno would be at 11, ahead by one:
    // cnt is capped at 10 / 1
    BictcpUpdate(ca, 10, 20, At(1008), p);
    BOOST_TEST(ca.tcp_cwnd == 11u);
    BOOST_TEST(ca.ack_cnt == 3u);
    BOOST_TEST(ca.cnt == 10u);

    // the same without tcp_friendliness: the curve's 1000
    p.tcp_friendliness = 0;
    CubicState plain;
    plain.last_max_cwnd = 10;
    BictcpUpdate(plain, 10, 1, At(1000), p);
    BictcpUpdate(plain, 10, 20, At(1008), p);
    BOOST_TEST(plain.cnt == 1000u);
}

BOOST_AUTO_TEST_CASE(without_a_w_max_the_window_grows_at_least_5_percent_per_rtt)
{
    // after an RTO (cubictcp_state(Loss)) W_max is forgotten: cnt at most 20
    const TcpCubicParams p;
    CubicState ca;
    ca.last_max_cwnd = 50;
    ca.delay_min = 100000;
    Tcb tp = SlowStart(7);
    CubicSetState(ca, tp, CaState::Loss, 5000);
    BOOST_TEST(ca.last_max_cwnd == 0u);
    BOOST_TEST(ca.delay_min == 0u);
    BictcpUpdate(ca, 7, 1, At(1000), p);
    BOOST_TEST(ca.cnt == 20u); // the curve alone would say 100 x 7
}

BOOST_AUTO_TEST_CASE(cong_avoid_slow_starts_to_ssthresh_then_follows_cnt)
{
    const TcpCubicParams p;
    CubicState ca;
    Tcb tp = SlowStart(9);
    tp.snd_ssthresh = 10;
    // 3 ACKed: 1 takes cwnd to ssthresh, 2 go to congestion avoidance at cnt 20
    CubicCongAvoid(ca, tp, 3, true, At(1000), p);
    BOOST_TEST(tp.snd_cwnd == 10u);
    BOOST_TEST(ca.cnt == 20u);
    BOOST_TEST(tp.snd_cwnd_cnt == 2u);
    // 18 more: 20 counted, one segment more
    CubicCongAvoid(ca, tp, 18, true, At(1001), p);
    BOOST_TEST(tp.snd_cwnd == 11u);
    BOOST_TEST(tp.snd_cwnd_cnt == 0u);
    // not limited by the window: no growth
    CubicCongAvoid(ca, tp, 30, false, At(1002), p);
    BOOST_TEST(tp.snd_cwnd == 11u);
}

BOOST_AUTO_TEST_CASE(an_idle_start_shifts_the_epoch_by_the_idle_time_but_not_past_now)
{
    CubicState ca;
    Tcb tp = SlowStart(10);
    ca.epoch_start = 1000;
    tp.lsndtime = 1100;
    CubicTxStart(ca, tp, 1150); // idle 50 jiffies
    BOOST_TEST(ca.epoch_start == 1050u);
    ca.epoch_start = 1140;
    CubicTxStart(ca, tp, 1150);
    BOOST_TEST(ca.epoch_start == 1150u); // 1190 would be after now
    ca.epoch_start = 0;                  // no epoch: nothing to shift
    CubicTxStart(ca, tp, 1150);
    BOOST_TEST(ca.epoch_start == 0u);
}

// HyStart's delay test: in a round of more than 8 samples, the smallest above
// delay_min + delay_min/8 (clamped to 4-16 ms) ends slow start
BOOST_AUTO_TEST_CASE(hystart_ends_slow_start_when_a_round_of_rtt_samples_rises_above_delay_min)
{
    TcpCubicParams p;
    p.hystart_detect = 2; // delay only
    CubicState ca;
    Tcb tp = SlowStart(20);
    CubicInit(ca, tp, p, 0);
    // round 1: 100 ms sets delay_min
    CubicAcked(ca, tp, 100000, 65279, At(100, 400000), p);
    BOOST_TEST(ca.delay_min == 100000u);
    // round 2 starts with the first ACK past end_seq (snd_nxt then); its samples
    // are 113 ms: above 100 + 12.5 ms
    tp.snd_nxt = 30000;
    tp.snd_una = 1001;
    uint32_t us = 500000;
    for (int i = 0; i < 8; ++i)
    {
        CubicAcked(ca, tp, 113000, 65279, At(125, us += 1000), p);
        BOOST_TEST(!ca.found); // the first 8 samples only count
        BOOST_TEST(tp.snd_ssthresh == TCP_INFINITE_SSTHRESH);
    }
    BOOST_TEST(ca.end_seq == 30000u);
    BOOST_TEST(ca.sample_cnt == 8u);
    CubicAcked(ca, tp, 113000, 65279, At(125, us += 1000), p);
    BOOST_TEST(ca.found);
    BOOST_TEST(tp.snd_ssthresh == 20u); // the window now
    BOOST_TEST(!TcpInSlowStart(tp));
}

BOOST_AUTO_TEST_CASE(hystart_delay_threshold_is_an_eighth_of_delay_min_within_4_to_16_ms)
{
    TcpCubicParams p;
    p.hystart_detect = 2;
    auto exits_at = [&](uint32_t delay_min, uint32_t sample) {
        CubicState ca;
        Tcb tp = SlowStart(20);
        CubicInit(ca, tp, p, 0);
        ca.delay_min = delay_min;
        for (int i = 0; i < 9; ++i)
        {
            CubicAcked(ca, tp, sample, 65279, At(125, 1000u * static_cast<uint32_t>(i)), p);
        }
        return ca.found;
    };
    BOOST_TEST(!exits_at(100000, 112500)); // 100 ms + 12.5: not above
    BOOST_TEST(exits_at(100000, 112501));
    BOOST_TEST(!exits_at(10000, 14000)); // 10 ms: 1.25 raised to 4 ms
    BOOST_TEST(exits_at(10000, 14001));
    BOOST_TEST(!exits_at(200000, 216000)); // 200 ms: 25 capped at 16 ms
    BOOST_TEST(exits_at(200000, 216001));
}

BOOST_AUTO_TEST_CASE(hystart_delay_takes_the_rounds_smallest_sample)
{
    // a lower sample in the round (the RTT went back down) keeps slow start going,
    // and below hystart_low_window HyStart does not look at all
    TcpCubicParams p;
    p.hystart_detect = 2;
    CubicState ca;
    Tcb tp = SlowStart(20);
    CubicInit(ca, tp, p, 0);
    ca.delay_min = 100000;
    CubicAcked(ca, tp, 101000, 65279, At(125, 1000), p);
    for (int i = 0; i < 8; ++i)
    {
        CubicAcked(ca, tp, 120000, 65279, At(125, 2000), p);
    }
    BOOST_TEST(ca.curr_rtt == 101000u);
    BOOST_TEST(!ca.found);

    CubicState small;
    Tcb low = SlowStart(15);
    CubicInit(small, low, p, 0);
    small.delay_min = 100000;
    for (int i = 0; i < 9; ++i)
    {
        CubicAcked(small, low, 150000, 65279, At(125, 1000), p);
    }
    BOOST_TEST(!small.found);
    BOOST_TEST(small.sample_cnt == 0u);
}

// The ACK train: ACKs no more than hystart_ack_delta_us apart for longer than half
// of delay_min (plus the TSO cushion) since the round began
BOOST_AUTO_TEST_CASE(hystart_ends_slow_start_when_an_ack_train_lasts_half_the_min_rtt)
{
    TcpCubicParams p;
    p.hystart_detect = 1; // ACK train only
    CubicState ca;
    Tcb tp = SlowStart(20);
    // no pacing rate yet (sk_pacing_rate ~0): no cushion, the threshold is 10 / 2 ms
    CubicInit(ca, tp, p, 100000); // the round starts at 100 ms
    ca.delay_min = 10000;
    for (uint32_t t = 101000; t <= 105000; t += 1000)
    {
        CubicAcked(ca, tp, 10000, 65279, At(125, t), p);
        BOOST_TEST(!ca.found); // 1..5 ms into the round: not past 5 ms
    }
    CubicAcked(ca, tp, 10000, 65279, At(125, 106000), p);
    BOOST_TEST(ca.found);
    BOOST_TEST(tp.snd_ssthresh == 20u);
}

BOOST_AUTO_TEST_CASE(hystart_ack_train_breaks_at_a_gap_and_pays_for_the_tso_cushion)
{
    TcpCubicParams p;
    p.hystart_detect = 1;
    // a 2.5 ms gap: the train is over for this round
    CubicState ca;
    Tcb tp = SlowStart(20);
    CubicInit(ca, tp, p, 100000);
    ca.delay_min = 10000;
    CubicAcked(ca, tp, 10000, 65279, At(125, 101000), p);
    CubicAcked(ca, tp, 10000, 65279, At(125, 103500), p);
    CubicAcked(ca, tp, 10000, 65279, At(125, 104000), p);
    CubicAcked(ca, tp, 10000, 65279, At(125, 108000), p);
    BOOST_TEST(!ca.found);
    BOOST_TEST(ca.last_ack == 101000u);

    // hystart_ack_delay(): four GSO packets at the pacing rate, at most 1 ms
    BOOST_TEST(HystartAckDelay(0, 65279) == 0u);
    BOOST_TEST(HystartAckDelay(~uint64_t{0}, 65279) == 0u);
    BOOST_TEST(HystartAckDelay(1000000, 65279) == 1000u);           // 261 ms at 1 MB/s: capped
    BOOST_TEST(HystartAckDelay(2611160000ULL, 65279) == 100u);      // 2.6 GB/s: 100 us
    // with that cushion the threshold is (10000 + 100) / 2 = 5050 us
    CubicState paced;
    Tcb fast = SlowStart(20);
    fast.sk_pacing_rate = 2611160000ULL;
    CubicInit(paced, fast, p, 100000);
    paced.delay_min = 10000;
    for (uint32_t t = 101000; t <= 105000; t += 1000)
    {
        CubicAcked(paced, fast, 10000, 65279, At(125, t), p);
    }
    CubicAcked(paced, fast, 10000, 65279, At(125, 105050), p);
    BOOST_TEST(!paced.found);
    CubicAcked(paced, fast, 10000, 65279, At(125, 105051), p);
    BOOST_TEST(paced.found);
}

BOOST_AUTO_TEST_CASE(samples_in_the_first_second_of_an_epoch_are_ignored)
{
    const TcpCubicParams p;
    CubicState ca;
    Tcb tp = SlowStart(20);
    CubicInit(ca, tp, p, 0);
    ca.epoch_start = 1000;
    ca.delay_min = 50000;
    CubicAcked(ca, tp, 20000, 65279, At(1249), p); // 249 jiffies < HZ
    BOOST_TEST(ca.delay_min == 50000u);
    CubicAcked(ca, tp, 20000, 65279, At(1250), p);
    BOOST_TEST(ca.delay_min == 20000u);
    CubicAcked(ca, tp, -1, 65279, At(1300), p); // no sample
    BOOST_TEST(ca.delay_min == 20000u);
}

BOOST_AUTO_TEST_CASE(initial_ssthresh_applies_only_without_hystart)
{
    TcpCubicParams p;
    p.initial_ssthresh = 30;
    CubicState ca;
    Tcb tp = SlowStart(10);
    CubicInit(ca, tp, p, 0);
    BOOST_TEST(tp.snd_ssthresh == TCP_INFINITE_SSTHRESH);
    p.hystart = 0;
    CubicInit(ca, tp, p, 0);
    BOOST_TEST(tp.snd_ssthresh == 30u);
}

BOOST_AUTO_TEST_CASE(the_window_may_grow_when_full_or_in_slow_start_under_twice_the_most_in_flight)
{
    Tcb tp = SlowStart(10);
    tp.snd_nxt = 2000;
    tp.packets_out = 4;
    TcpCwndValidate(tp, false);
    BOOST_TEST(tp.max_packets_out == 4u);
    BOOST_TEST(tp.cwnd_usage_seq == 2000u);
    BOOST_TEST(!TcpIsCwndLimited(tp)); // 10 >= 2 x 4
    tp.packets_out = 6;
    TcpCwndValidate(tp, false);
    BOOST_TEST(TcpIsCwndLimited(tp)); // 10 < 12
    // in congestion avoidance only a full window counts
    tp.snd_ssthresh = 8;
    BOOST_TEST(!TcpIsCwndLimited(tp));
    TcpCwndValidate(tp, true);
    BOOST_TEST(TcpIsCwndLimited(tp));
    // within the same window of data, fewer in flight changes nothing; once it is
    // ACKed (snd_una reaches cwnd_usage_seq) a new one starts
    tp.packets_out = 1;
    TcpCwndValidate(tp, false);
    BOOST_TEST(tp.is_cwnd_limited);
    tp.snd_una = tp.cwnd_usage_seq;
    TcpCwndValidate(tp, false);
    BOOST_TEST(!tp.is_cwnd_limited);
    BOOST_TEST(tp.max_packets_out == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
