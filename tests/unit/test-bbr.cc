// SPDX-License-Identifier: GPL-2.0-only
// BBR worked by hand, in tcp_bbr.c's integer arithmetic: the pacing rate STARTUP sets
// from cwnd / srtt, the max bandwidth filter, full-pipe detection, DRAIN into
// PROBE_BW, the window target, PROBE_RTT, the gain cycle, recovery, the policer
// (lt_bw) and the hooks around losses. An mss of 1448 and HZ 250 (4 ms jiffies)
// throughout. Rates in BBR's unit are packets per us << 24: 10 packets per ms is
// 10 x 2^24 / 1000 = 167772.
#include "models/config/splitmix64.h"
#include "models/tcp/bbr.h"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace sim;

BOOST_AUTO_TEST_SUITE(bbr)

namespace
{

constexpr uint32_t kMss = 1448;
constexpr uint32_t kBw = 167772; // 10 packets per ms
constexpr uint64_t kStartUs = 1000000;
constexpr uint32_t kStartJiffies = 1000;

BbrEnv
At(uint32_t jiffies)
{
    BbrEnv env;
    env.now_us = kStartUs;
    env.now_jiffies = jiffies;
    env.hz = 250;
    return env;
}

// A connection just established: cwnd 10, srtt and min_rtt 10 ms, nothing in flight
Tcb
Conn()
{
    Tcb tp;
    tp.mss_cache = kMss;
    tp.snd_cwnd = TCP_INIT_CWND;
    tp.srtt_us = 10000 << 3;
    tp.rtt_min_us = 10000;
    tp.delivered_mstamp = kStartUs;
    tp.tcp_clock_cache = kStartUs * 1000;
    tp.tcp_wstamp_ns = 0; // departure time in the past: nothing scheduled ahead
    tp.app_limited = 0;   // past the initial bubble (tcp_init_sock()'s ~0U)
    return tp;
}

// One ACK: tp.delivered, tp.lost and delivered_mstamp move on first (tcp_ack() does
// before tcp_cong_control()), then bbr_main() gets the sample
struct AckSpec
{
    uint32_t delivered = 1;        // segments delivered (rs.acked_sacked as well)
    uint32_t lost = 0;             // newly lost (rs.losses)
    uint64_t elapsed_us = 1000;    // delivered_mstamp moves on by this
    int64_t interval_us = -1;      // the sample's interval; -1: no rate sample
    bool round_start = false;      // the newest packet ACKed was sent after the round began
    int64_t rtt_us = -1;           // RTT sample (-1: none)
    bool app_limited = false;
    int64_t prior_in_flight = -1;  // -1: what is in flight now
};

void
Ack(BbrState& bbr, Tcb& tp, const BbrEnv& env, const AckSpec& a)
{
    RateSample rs;
    rs.prior_delivered = a.round_start ? bbr.next_rtt_delivered : bbr.next_rtt_delivered - 1;
    tp.delivered += a.delivered;
    tp.lost += a.lost;
    tp.delivered_mstamp += a.elapsed_us;
    rs.delivered = a.interval_us < 0 ? -1 : static_cast<int32_t>(a.delivered);
    rs.interval_us = a.interval_us;
    rs.acked_sacked = a.delivered;
    rs.losses = static_cast<int>(a.lost);
    rs.rtt_us = a.rtt_us;
    rs.is_app_limited = a.app_limited;
    rs.prior_in_flight =
        a.prior_in_flight < 0 ? TcpPacketsInFlight(tp) : static_cast<uint32_t>(a.prior_in_flight);
    BbrMain(bbr, tp, rs, env);
}

// A round of `pkts` delivered over 10 ms with a 10 ms RTT sample
void
Round(BbrState& bbr, Tcb& tp, const BbrEnv& env, uint32_t pkts, bool app_limited = false)
{
    AckSpec a;
    a.delivered = pkts;
    a.elapsed_us = 10000;
    a.interval_us = 10000;
    a.round_start = true;
    a.rtt_us = 10000;
    a.app_limited = app_limited;
    Ack(bbr, tp, env, a);
}

// PROBE_BW at 10 packets per ms and a 10 ms min_rtt (BDP 100), at phase `cycle_idx`
// of the gain cycle and paced at that phase's gain; cwnd 100, 50 in flight, 1000
// delivered
void
SteadyState(BbrState& bbr, Tcb& tp, uint32_t cycle_idx, uint64_t seed = 1)
{
    tp = Conn();
    tp.delivered = 1000;
    BbrInit(bbr, tp, At(kStartJiffies), seed);
    bbr.mode = BbrMode::PROBE_BW;
    bbr.full_bw_reached = true;
    MinmaxReset(bbr.bw, 0, kBw);
    bbr.min_rtt_us = 10000;
    bbr.cycle_idx = cycle_idx;
    bbr.pacing_gain = static_cast<uint32_t>(bbr_pacing_gain[cycle_idx]);
    bbr.cwnd_gain = bbr_cwnd_gain;
    bbr.cycle_mstamp = tp.delivered_mstamp;
    tp.sk_pacing_rate = BbrRateBytesPerSec(tp, kBw, bbr_pacing_gain[cycle_idx]);
    tp.snd_cwnd = 100;
    tp.packets_out = 50;
}

// A first loss, 1 ms after the last ACK: it starts long-term sampling (no round start)
void
FirstLoss(BbrState& bbr, Tcb& tp, const BbrEnv& env)
{
    AckSpec first;
    first.lost = 1;
    first.interval_us = 1000;
    Ack(bbr, tp, env, first);
}

// `n` rounds of 10 ms, each delivering `pkts` segments and losing `lost`
void
LossyRounds(BbrState& bbr, Tcb& tp, const BbrEnv& env, int n, uint32_t pkts, uint32_t lost, bool app_limited = false)
{
    AckSpec a;
    a.delivered = pkts;
    a.lost = lost;
    a.elapsed_us = 10000;
    a.interval_us = 10000;
    a.round_start = true;
    a.app_limited = app_limited;
    for (int i = 0; i < n; ++i)
    {
        Ack(bbr, tp, env, a);
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(the_gains_are_the_kernels)
{
    BOOST_TEST(bbr_high_gain == 739);  // 256 x 2.885 + 1
    BOOST_TEST(bbr_drain_gain == 88);  // 256 / 2.885
    BOOST_TEST(bbr_cwnd_gain == 512);
    const int cycle[] = {320, 192, 256, 256, 256, 256, 256, 256};
    for (uint32_t i = 0; i < CYCLE_LEN; ++i)
    {
        BOOST_TEST(bbr_pacing_gain[i] == cycle[i], "cycle phase " << i);
    }
}

BOOST_AUTO_TEST_CASE(init_paces_at_high_gain_times_cwnd_over_srtt)
{
    Tcb tp = Conn();
    BbrState bbr;
    BbrInit(bbr, tp, At(kStartJiffies), 7);
    // bw = 10 x 2^24 / 10000 = 16777; x 1448 x 739 >> 8 = 70127335; x 990000 >> 24
    BOOST_TEST(tp.sk_pacing_rate == 4138115u); // 2.885 x 14480 B / 10 ms, less 1%
    BOOST_TEST(bbr.has_seen_rtt);
    BOOST_TEST(bbr.min_rtt_us == 10000u);
    BOOST_TEST(bbr.min_rtt_stamp == kStartJiffies);
    BOOST_TEST(tp.snd_ssthresh == TCP_INFINITE_SSTHRESH);
    BOOST_TEST(tp.pacing_needed);
    BOOST_TEST((bbr.mode == BbrMode::STARTUP));
    BOOST_TEST(BbrMaxBw(bbr) == 0u);
    BOOST_TEST(bbr.ack_epoch_mstamp == kStartUs);
    BOOST_TEST(bbr.rng == 7u);
}

BOOST_AUTO_TEST_CASE(without_an_rtt_sample_init_assumes_1_ms_until_the_first_srtt)
{
    Tcb tp = Conn();
    tp.srtt_us = 0;
    tp.rtt_min_us = 0; // tcp_min_rtt() ~0U
    BbrState bbr;
    BbrInit(bbr, tp, At(kStartJiffies), 1);
    // bw = 10 x 2^24 / 1000 = 167772: ten times the rate of a 10 ms RTT
    BOOST_TEST(tp.sk_pacing_rate == 41381651u);
    BOOST_TEST(!bbr.has_seen_rtt);
    BOOST_TEST(bbr.min_rtt_us == ~0u);
    BOOST_TEST(BbrBdp(bbr, kBw, BBR_UNIT) == TCP_INIT_CWND); // no RTT: the initial window

    // the first ACK after srtt is known re-derives the rate from it, though lower (a
    // pacing rate from the bw estimate, still 0 here, could only raise it)
    tp.srtt_us = 10000 << 3;
    AckSpec a;
    a.delivered = 0;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(bbr.has_seen_rtt);
    BOOST_TEST(tp.sk_pacing_rate == 4138115u);
}

BOOST_AUTO_TEST_CASE(startup_slow_starts_toward_high_gain_bdp_and_never_lowers_the_rate)
{
    Tcb tp = Conn();
    BbrState bbr;
    const BbrEnv env = At(kStartJiffies);
    BbrInit(bbr, tp, env, 1);
    // the initial window ACKed over 10 ms: bw 16777 (as init assumed). Target: bdp at
    // 739/256 = ceil(16777 x 10000 x 739 / 256 / 2^24) = 29, plus 3 x tso goal 2 (4041
    // bytes per ms < 2 mss), 35, even: 36. cwnd 10 + 10 ACKed.
    Round(bbr, tp, env, 10);
    BOOST_TEST(BbrMaxBw(bbr) == 16777u);
    BOOST_TEST(bbr.pacing_gain == static_cast<uint32_t>(bbr_high_gain));
    BOOST_TEST(bbr.cwnd_gain == static_cast<uint32_t>(bbr_high_gain));
    BOOST_TEST(tp.snd_cwnd == 20u);
    BOOST_TEST(tp.sk_pacing_rate == 4138115u);

    // above the target (36) the window holds: STARTUP does not cut
    tp.snd_cwnd = 40;
    AckSpec a;
    a.delivered = 5;
    Ack(bbr, tp, env, a);
    BOOST_TEST(tp.snd_cwnd == 40u);

    // a lower rate sample: the filter keeps 16777 and the rate does not fall
    a.interval_us = 20000;
    a.delivered = 10;
    Ack(bbr, tp, env, a);
    BOOST_TEST(BbrMaxBw(bbr) == 16777u);
    BOOST_TEST(tp.sk_pacing_rate == 4138115u);

    // fewer than TCP_INIT_CWND delivered: the window grows even above the target
    Tcb fresh = Conn();
    BbrState b2;
    BbrInit(b2, fresh, env, 1);
    fresh.snd_cwnd = 40;
    AckSpec one;
    one.delivered = 3;
    one.interval_us = 10000;
    Ack(b2, fresh, env, one); // 3 packets per 10 ms: target 9 + 6, even, 16; but 3 < 10 delivered
    BOOST_TEST(fresh.snd_cwnd == 43u);
}

BOOST_AUTO_TEST_CASE(the_windowed_max_filter_keeps_the_best_for_its_window)
{
    Minmax m;
    MinmaxReset(m, 0, 100);
    BOOST_TEST(MinmaxRunningMax(m, 10, 1, 50) == 100u);
    BOOST_TEST(MinmaxRunningMax(m, 10, 4, 50) == 100u); // a quarter in: 50 becomes 2nd best
    BOOST_TEST(m.s[1].v == 50u);
    BOOST_TEST(m.s[1].t == 4u);
    BOOST_TEST(MinmaxRunningMax(m, 10, 10, 40) == 100u); // 10 - 0 is not past the window
    // 11 rounds after the best: it ages out and the 2nd best (t 4) takes over
    BOOST_TEST(MinmaxRunningMax(m, 10, 11, 40) == 50u);
    // a new max replaces everything
    BOOST_TEST(MinmaxRunningMax(m, 10, 12, 60) == 60u);
    BOOST_TEST(m.s[2].v == 60u);
    // nothing left in the window (all older than 10): restart at the sample
    BOOST_TEST(MinmaxRunningMax(m, 10, 30, 5) == 5u);
}

BOOST_AUTO_TEST_CASE(app_limited_samples_enter_the_filter_only_when_they_raise_it)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    // an application-limited sample, 30 packets in 1 ms, above 10 per ms: counts
    AckSpec a;
    a.delivered = 30;
    a.interval_us = 1000;
    a.app_limited = true;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(BbrMaxBw(bbr) == 30u * BW_UNIT / 1000);
    // below the max, it is left out: with the best 3 rounds old (over a quarter of the
    // 10-round window) a sample would become the second best
    MinmaxReset(bbr.bw, bbr.rtt_cnt - 3, 200000);
    a.delivered = 1;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(bbr.bw.s[1].v == 200000u);
    // not application-limited, it does
    a.app_limited = false;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(bbr.bw.s[1].v == 1u * BW_UNIT / 1000);
    BOOST_TEST(BbrMaxBw(bbr) == 200000u);
}

// 100, 200, 240, 240, 240 packets per 10 ms round: 200 is more than 1.25 x 100, but
// 240 is less than 1.25 x 200 (thresh 335544 x 320 >> 8 = 419430)
BOOST_AUTO_TEST_CASE(three_rounds_without_25_percent_growth_fill_the_pipe_then_drain)
{
    Tcb tp = Conn();
    BbrState bbr;
    const BbrEnv env = At(kStartJiffies);
    BbrInit(bbr, tp, env, 1);
    tp.packets_out = 500; // more than DRAIN will allow
    Round(bbr, tp, env, 100);
    BOOST_TEST(bbr.full_bw == 167772u);
    BOOST_TEST(bbr.full_bw_cnt == 0u);
    Round(bbr, tp, env, 200);
    BOOST_TEST(bbr.full_bw == 335544u);
    BOOST_TEST(bbr.full_bw_cnt == 0u);
    Round(bbr, tp, env, 240);
    BOOST_TEST(BbrMaxBw(bbr) == 402653u);
    BOOST_TEST(bbr.full_bw == 335544u);
    BOOST_TEST(bbr.full_bw_cnt == 1u);
    // an application-limited round is not counted
    Round(bbr, tp, env, 240, true);
    BOOST_TEST(bbr.full_bw_cnt == 1u);
    Round(bbr, tp, env, 240);
    BOOST_TEST(bbr.full_bw_cnt == 2u);
    BOOST_TEST(!BbrFullBwReached(bbr));
    BOOST_TEST((bbr.mode == BbrMode::STARTUP));
    // a round within an RTT (no round start) is not counted either
    AckSpec mid;
    mid.delivered = 5;
    mid.interval_us = 1000;
    Ack(bbr, tp, env, mid);
    BOOST_TEST(bbr.full_bw_cnt == 2u);

    Round(bbr, tp, env, 240);
    BOOST_TEST(BbrFullBwReached(bbr));
    BOOST_TEST((bbr.mode == BbrMode::DRAIN));
    // ssthresh: bbr_inflight(max bw, 1.0): bdp ceil(402653 x 10000 / 2^24) = 240, plus
    // 3 x 45 (the STARTUP rate, 99316012 B/s, fills a 64 KB GSO packet per ms): 376
    BOOST_TEST(tp.snd_ssthresh == 376u);
    BOOST_TEST(bbr.pacing_gain == static_cast<uint32_t>(bbr_drain_gain));
    BOOST_TEST(bbr.cwnd_gain == static_cast<uint32_t>(bbr_high_gain));
    // the pipe full, the rate follows the estimate down: 402653 at 88/256
    BOOST_TEST(tp.sk_pacing_rate == 11826534u);

    // DRAIN ends when what is in the network at the next departure is down to the
    // BDP plus budget at the drain rate's tso goal (11549 B per ms: 7): 240 + 21, even
    AckSpec a;
    a.delivered = 1;
    tp.packets_out = 263;
    Ack(bbr, tp, env, a);
    BOOST_TEST((bbr.mode == BbrMode::DRAIN));
    // the next packet leaves 1 ms from now: 402653 x 1000 >> 24 = 23 delivered by then
    tp.tcp_wstamp_ns = tp.tcp_clock_cache + 1000000;
    Ack(bbr, tp, env, a);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
    BOOST_TEST(bbr.cycle_idx != 1u); // never starts at the 0.75 phase
    BOOST_TEST(bbr.pacing_gain == static_cast<uint32_t>(bbr_pacing_gain[bbr.cycle_idx]));
    BOOST_TEST(bbr.cwnd_gain == static_cast<uint32_t>(bbr_cwnd_gain));
}

BOOST_AUTO_TEST_CASE(growth_of_25_percent_restarts_the_count)
{
    Tcb tp = Conn();
    BbrState bbr;
    const BbrEnv env = At(kStartJiffies);
    BbrInit(bbr, tp, env, 1);
    Round(bbr, tp, env, 200);
    Round(bbr, tp, env, 240);
    Round(bbr, tp, env, 240);
    BOOST_TEST(bbr.full_bw_cnt == 2u);
    Round(bbr, tp, env, 250); // 419430 >= 419430
    BOOST_TEST(bbr.full_bw_cnt == 0u);
    BOOST_TEST(bbr.full_bw == 250u * BW_UNIT / 10000);
}

// Steady state at 10 packets per ms, 10 ms: bdp at cwnd_gain 2 is 200. At gain 1.0
// the rate is 14335186 B/s, a tso goal of 13999 / 1448 = 9: 200 + 27, even, 228.
BOOST_AUTO_TEST_CASE(the_window_target_is_bdp_times_gain_plus_the_quantization_budget)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    AckSpec a;
    a.delivered = 300;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.sk_pacing_rate == 14335186u);
    BOOST_TEST(BbrTsoSegsGoal(tp, At(kStartJiffies)) == 9u);
    BOOST_TEST(tp.snd_cwnd == 228u);
    BOOST_TEST(BbrInflight(bbr, tp, kBw, bbr_cwnd_gain, At(kStartJiffies)) == 228u);
    // with the pipe full, never above the target
    tp.snd_cwnd = 300;
    a.delivered = 1;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 228u);
    // below it, one segment per segment ACKed
    tp.snd_cwnd = 100;
    a.delivered = 3;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 103u);
    // nothing ACKed: the window stays
    a.delivered = 0;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 103u);

    // in the probing phase (1.25: 17918982 B/s, goal 12): 200 + 36, and 2 more
    BbrState probe;
    SteadyState(probe, tp, 0);
    a.delivered = 300;
    Ack(probe, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.sk_pacing_rate == 17918982u);
    BOOST_TEST(tp.snd_cwnd == 238u);
}

BOOST_AUTO_TEST_CASE(ack_aggregation_adds_extra_acked_up_to_100_ms_of_bw)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    bbr.extra_acked[1] = 30;
    AckSpec a;
    a.delivered = 2000;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 258u); // 200 + 30 + 27, even
    // at most bw x 100 ms = 167772 x 100000 / 2^24 = 999
    bbr.extra_acked[0] = 5000;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 1226u); // 200 + 999 + 27, even
    // before the pipe is full there is no allowance: the STARTUP target is 200 + 27
    bbr.full_bw_reached = false;
    tp.snd_cwnd = 300;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 300u); // above 228: held, not cut
}

BOOST_AUTO_TEST_CASE(an_ack_train_faster_than_bw_is_measured_as_extra_acked)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    // bbr_init() started the epoch at tcp_mstamp (kStartUs); 2 ms on, bw expects 19
    // packets (167772 x 2000 / 2^24 = 19.99); 30 ACKed at once (a sample below bw): the
    // epoch restarts (0 <= 19) with 30 in it
    AckSpec a;
    a.delivered = 30;
    a.elapsed_us = 2000;
    a.interval_us = 10000;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(bbr.ack_epoch_mstamp == kStartUs + 2000);
    BOOST_TEST(bbr.ack_epoch_acked == 30u);
    BOOST_TEST(bbr.extra_acked[0] == 30u);
    // 1 ms later 15 more: 45 ACKed, 9 expected (9.99): 36 extra
    a.delivered = 15;
    a.elapsed_us = 1000;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(bbr.ack_epoch_acked == 45u);
    BOOST_TEST(bbr.extra_acked[0] == 36u);
}

BOOST_AUTO_TEST_CASE(an_expired_min_rtt_enters_probe_rtt_at_4_packets_for_200_ms_and_a_round)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    AckSpec a;
    a.delivered = 1;
    a.interval_us = 1000;
    a.round_start = true;
    a.rtt_us = 12000;
    // 10 s (2500 jiffies) after min_rtt_stamp: not yet expired
    Ack(bbr, tp, At(kStartJiffies + 2500), a);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
    BOOST_TEST(bbr.min_rtt_us == 10000u);
    // one jiffy later it is: a larger sample replaces min_rtt, PROBE_RTT starts and
    // saves the window (grown to 101 by the last ACK; 100 again here)
    const uint32_t t0 = kStartJiffies + 2501;
    tp.snd_cwnd = 100;
    Ack(bbr, tp, At(t0), a);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_RTT));
    BOOST_TEST(bbr.min_rtt_us == 12000u);
    BOOST_TEST(bbr.min_rtt_stamp == t0);
    BOOST_TEST(bbr.prior_cwnd == 100u);
    BOOST_TEST(tp.snd_cwnd == 4u);
    BOOST_TEST(bbr.pacing_gain == static_cast<uint32_t>(BBR_UNIT));
    BOOST_TEST(bbr.cwnd_gain == static_cast<uint32_t>(BBR_UNIT));
    BOOST_TEST(bbr.probe_rtt_done_stamp == 0u); // 50 still in flight
    BOOST_TEST(tp.app_limited == tp.delivered + 50); // samples now are app-limited

    // in flight down to 4: 200 ms (50 jiffies) from now, and one round
    tp.packets_out = 4;
    a.round_start = false;
    Ack(bbr, tp, At(t0), a);
    BOOST_TEST(bbr.probe_rtt_done_stamp == t0 + 50);
    BOOST_TEST(bbr.next_rtt_delivered == tp.delivered);
    BOOST_TEST(tp.snd_cwnd == 4u);
    // the round ends at t0 + 50: not after the stamp yet
    a.round_start = true;
    Ack(bbr, tp, At(t0 + 50), a);
    BOOST_TEST(bbr.probe_rtt_round_done);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_RTT));
    BOOST_TEST(tp.snd_cwnd == 4u);
    // one jiffy later: back to PROBE_BW with the saved window, min_rtt fresh
    a.round_start = false;
    Ack(bbr, tp, At(t0 + 51), a);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
    BOOST_TEST(bbr.min_rtt_stamp == t0 + 51);
    BOOST_TEST(tp.snd_cwnd == 101u); // max(4, 100), then + 1 ACKed (target 240 + budget)
}

BOOST_AUTO_TEST_CASE(a_restart_from_idle_does_not_enter_probe_rtt)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    tp.app_limited = 1000;
    BbrCwndEventTxStart(bbr, tp, At(kStartJiffies + 3000));
    BOOST_TEST(bbr.idle_restart);
    AckSpec a;
    a.delivered = 1;
    a.interval_us = 1000;
    a.rtt_us = 12000;
    Ack(bbr, tp, At(kStartJiffies + 3000), a);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
    BOOST_TEST(bbr.min_rtt_us == 12000u); // the expired filter still takes the sample
    BOOST_TEST(bbr.min_rtt_stamp == kStartJiffies + 3000);
    BOOST_TEST(!bbr.idle_restart); // data was delivered
}

// The probing phase (1.25) lasts min_rtt and until inflight at the next departure
// (plus that skb, tso goal 12) reaches bbr_inflight(bw, 1.25) = 125 + 36 + 2 = 164;
// the draining phase (0.75) ends early once it is down to bbr_inflight(bw, 1.0) =
// 100 + 3 x 7 (the 0.75 rate: 10751389 B/s), even: 122
BOOST_AUTO_TEST_CASE(the_gain_cycle_probes_drains_and_cruises)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 0);
    const BbrEnv env = At(kStartJiffies);
    AckSpec a;
    a.elapsed_us = 10001; // past min_rtt
    a.prior_in_flight = 151;
    Ack(bbr, tp, env, a);
    BOOST_TEST(bbr.cycle_idx == 0u); // 151 + 12 < 164
    a.elapsed_us = 0;
    a.prior_in_flight = 152;
    Ack(bbr, tp, env, a);
    BOOST_TEST(bbr.cycle_idx == 1u);
    BOOST_TEST(bbr.cycle_mstamp == tp.delivered_mstamp);
    BOOST_TEST(bbr.pacing_gain == 192u);
    BOOST_TEST(tp.sk_pacing_rate == 10751389u);

    a.prior_in_flight = 123;
    Ack(bbr, tp, env, a);
    BOOST_TEST(bbr.cycle_idx == 1u);
    a.prior_in_flight = 122;
    Ack(bbr, tp, env, a);
    BOOST_TEST(bbr.cycle_idx == 2u);
    BOOST_TEST(bbr.pacing_gain == 256u);

    // at 1.0, only time: min_rtt (10000 us) must be exceeded
    a.prior_in_flight = 0;
    a.elapsed_us = 10000;
    Ack(bbr, tp, env, a);
    BOOST_TEST(bbr.cycle_idx == 2u);
    a.elapsed_us = 1;
    Ack(bbr, tp, env, a);
    BOOST_TEST(bbr.cycle_idx == 3u);

    // a loss ends the probing phase once min_rtt has passed, however little is in flight
    BbrState lossy;
    SteadyState(lossy, tp, 0);
    AckSpec l;
    l.elapsed_us = 10001;
    l.lost = 1;
    l.prior_in_flight = 10;
    Ack(lossy, tp, env, l);
    BOOST_TEST(lossy.cycle_idx == 1u);
}

BOOST_AUTO_TEST_CASE(the_cycle_starts_at_a_seeded_draw_never_at_the_drain_phase)
{
    std::set<uint32_t> seen;
    for (uint64_t seed = 0; seed < 64; ++seed)
    {
        BbrState bbr;
        Tcb tp;
        SteadyState(bbr, tp, 2, seed);
        bbr.mode = BbrMode::DRAIN;
        tp.packets_out = 0;
        AckSpec a;
        Ack(bbr, tp, At(kStartJiffies), a);
        BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
        // CYCLE_LEN - 1 - draw, advanced by one; draw = top 32 bits of SplitMix64 x 7 >> 32
        const uint32_t draw = static_cast<uint32_t>(((SplitMix64(seed) >> 32) * 7) >> 32);
        BOOST_TEST(bbr.cycle_idx == ((CYCLE_LEN - 1 - draw + 1) & (CYCLE_LEN - 1)), "seed " << seed);
        BOOST_TEST(bbr.rng == SplitMix64(seed));
        seen.insert(bbr.cycle_idx);
    }
    BOOST_TEST(seen.size() == 7u);
    BOOST_TEST(seen.count(1) == 0u);
}

BOOST_AUTO_TEST_CASE(recovery_conserves_packets_for_a_round_then_restores_the_window)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    tp.snd_ssthresh = 150;
    // tcp_enter_recovery(): ssthresh keeps its value, the window is saved
    BOOST_TEST(BbrSsthresh(bbr, tp) == 150u);
    BOOST_TEST(bbr.prior_cwnd == 100u);
    BbrSetState(bbr, tp, CaState::Recovery, At(kStartJiffies));
    tp.ca_state = CaState::Recovery;

    // 3 delivered, 2 marked lost: in flight 77 - 2 = 75; the window is 75 + 3
    tp.packets_out = 77;
    tp.lost_out = 2;
    AckSpec a;
    a.delivered = 3;
    a.lost = 2;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(bbr.packet_conservation);
    BOOST_TEST(bbr.next_rtt_delivered == tp.delivered);
    BOOST_TEST((bbr.prev_ca_state == CaState::Recovery));
    BOOST_TEST(tp.snd_cwnd == 78u);
    // the same round: as many may go as were ACKed, the window no less than before
    tp.packets_out = 76;
    a.delivered = 1;
    a.lost = 0;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 78u);
    // the next round: slow start toward the target
    a.delivered = 2;
    a.interval_us = 1000;
    a.round_start = true;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(!bbr.packet_conservation);
    BOOST_TEST(tp.snd_cwnd == 80u);
    // recovery over: the saved window comes back (then + 1 ACKed)
    tp.ca_state = CaState::Open;
    AckSpec b;
    Ack(bbr, tp, At(kStartJiffies), b);
    BOOST_TEST(tp.snd_cwnd == 101u);
    BOOST_TEST((bbr.prev_ca_state == CaState::Open));
}

BOOST_AUTO_TEST_CASE(ssthresh_keeps_the_larger_window_while_one_is_cut)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    BbrSsthresh(bbr, tp);
    BOOST_TEST(bbr.prior_cwnd == 100u);
    // in recovery (or PROBE_RTT) the window is cut: the saved one is kept if larger
    bbr.prev_ca_state = CaState::Recovery;
    tp.snd_cwnd = 40;
    BbrSsthresh(bbr, tp);
    BOOST_TEST(bbr.prior_cwnd == 100u);
    tp.snd_cwnd = 140;
    BbrSsthresh(bbr, tp);
    BOOST_TEST(bbr.prior_cwnd == 140u);
    // out of recovery, the window now, even if smaller
    bbr.prev_ca_state = CaState::Open;
    tp.snd_cwnd = 40;
    BbrSsthresh(bbr, tp);
    BOOST_TEST(bbr.prior_cwnd == 40u);
}

BOOST_AUTO_TEST_CASE(undo_restarts_full_pipe_detection_and_lt_sampling)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    bbr.full_bw = 500;
    bbr.full_bw_cnt = 2;
    bbr.lt_bw = 5;
    bbr.lt_use_bw = true;
    bbr.lt_is_sampling = true;
    tp.delivered = 1234;
    BOOST_TEST(BbrUndoCwnd(bbr, tp) == 100u);
    BOOST_TEST(bbr.full_bw == 0u);
    BOOST_TEST(bbr.full_bw_cnt == 0u);
    BOOST_TEST(bbr.lt_bw == 0u);
    BOOST_TEST(!bbr.lt_use_bw);
    BOOST_TEST(!bbr.lt_is_sampling);
    BOOST_TEST(bbr.lt_last_delivered == 1234u);
    BOOST_TEST(BbrFullBwReached(bbr)); // a full pipe stays found
}

BOOST_AUTO_TEST_CASE(an_rto_ends_the_round_and_starts_lt_sampling_then_the_window_comes_back)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    bbr.full_bw = 500;
    tp.lost = 7;
    // other states change nothing
    BbrSetState(bbr, tp, CaState::Recovery, At(kStartJiffies));
    BbrSetState(bbr, tp, CaState::Disorder, At(kStartJiffies));
    BOOST_TEST(bbr.full_bw == 500u);
    BOOST_TEST(!bbr.lt_is_sampling);

    // tcp_enter_loss(): ssthresh (saves 100), then the state, then the window of 1
    BbrSsthresh(bbr, tp);
    BbrSetState(bbr, tp, CaState::Loss, At(kStartJiffies));
    tp.ca_state = CaState::Loss;
    tp.snd_cwnd = 1;
    BOOST_TEST((bbr.prev_ca_state == CaState::Loss));
    BOOST_TEST(bbr.full_bw == 0u);
    BOOST_TEST(bbr.round_start);
    BOOST_TEST(bbr.lt_is_sampling);
    BOOST_TEST(bbr.lt_last_delivered == 1000u);
    BOOST_TEST(bbr.lt_last_lost == 7u);
    BOOST_TEST(bbr.lt_last_stamp == kStartUs / 1000);
    BOOST_TEST(bbr.lt_rtt_cnt == 1u); // the RTO counts as a round of the interval

    // in Loss: slow start from 1 (target 228), at least bbr_cwnd_min_target
    AckSpec a;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 4u);
    // out of Loss: the saved window (then + 1)
    tp.ca_state = CaState::Open;
    Ack(bbr, tp, At(kStartJiffies), a);
    BOOST_TEST(tp.snd_cwnd == 101u);
}

// A policer: from the first loss, rounds of 50 packets per 10 ms with 15 lost
// (60/200 lost per interval of 4 rounds, over 50/256); the interval's rate is
// 200 x 2^24 / 40000 us = 83886. The second interval, 52 and 16 a round, is 87241:
// 3355 apart, within 1/8 (10485)
BOOST_AUTO_TEST_CASE(two_lossy_intervals_at_the_same_rate_are_a_policer)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    const BbrEnv env = At(kStartJiffies);
    FirstLoss(bbr, tp, env);
    BOOST_TEST(bbr.lt_is_sampling);
    BOOST_TEST(bbr.lt_last_delivered == tp.delivered);
    BOOST_TEST(bbr.lt_last_stamp == (kStartUs + 1000) / 1000);
    LossyRounds(bbr, tp, env, 3, 50, 15);
    BOOST_TEST(bbr.lt_rtt_cnt == 3u);
    BOOST_TEST(bbr.lt_bw == 0u);
    LossyRounds(bbr, tp, env, 1, 50, 15);
    BOOST_TEST(bbr.lt_bw == 83886u);
    BOOST_TEST(!bbr.lt_use_bw);
    BOOST_TEST(bbr.lt_rtt_cnt == 0u); // a new interval

    LossyRounds(bbr, tp, env, 4, 52, 16);
    BOOST_TEST(bbr.lt_use_bw);
    BOOST_TEST(bbr.lt_bw == 85563u); // the mean of the two
    BOOST_TEST(BbrBw(bbr) == 85563u);
    BOOST_TEST(bbr.pacing_gain == 256u); // no probing while policed
    BOOST_TEST(tp.sk_pacing_rate == 7310883u); // 85563 at 1.0: 7.3 MB/s

    // after bbr_lt_bw_max_rtts rounds of PROBE_BW, back to the max filter
    AckSpec r;
    r.interval_us = 1000;
    r.round_start = true;
    for (uint32_t i = 1; i < bbr_lt_bw_max_rtts; ++i)
    {
        Ack(bbr, tp, env, r);
    }
    BOOST_TEST(bbr.lt_use_bw);
    BOOST_TEST(bbr.lt_rtt_cnt == 47u);
    Ack(bbr, tp, env, r);
    BOOST_TEST(!bbr.lt_use_bw);
    BOOST_TEST(bbr.lt_bw == 0u);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
}

BOOST_AUTO_TEST_CASE(lossy_intervals_at_different_rates_are_not_a_policer)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    const BbrEnv env = At(kStartJiffies);
    FirstLoss(bbr, tp, env);
    LossyRounds(bbr, tp, env, 4, 50, 15);
    BOOST_TEST(bbr.lt_bw == 83886u);
    // twice the rate: 83886 apart, more than 1/8 (10485) and than 4 kbit/s
    LossyRounds(bbr, tp, env, 4, 100, 30);
    BOOST_TEST(!bbr.lt_use_bw);
    BOOST_TEST(bbr.lt_bw == 167772u);
    // an application-limited sample stops sampling
    LossyRounds(bbr, tp, env, 1, 1, 0, true);
    BOOST_TEST(!bbr.lt_is_sampling);
    BOOST_TEST(bbr.lt_bw == 0u);
}

BOOST_AUTO_TEST_CASE(an_interval_under_50_in_256_lost_waits_for_more_loss)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    const BbrEnv env = At(kStartJiffies);
    FirstLoss(bbr, tp, env);
    LossyRounds(bbr, tp, env, 4, 50, 9);
    // 36 lost of 200: 9216 < 50 x 200
    BOOST_TEST(bbr.lt_bw == 0u);
    BOOST_TEST(bbr.lt_rtt_cnt == 4u);
    // a fifth round with 15 more: 51 of 250 (13056 >= 12500) over 50 ms
    LossyRounds(bbr, tp, env, 1, 50, 15);
    BOOST_TEST(bbr.lt_bw == 83886u); // 250 x 2^24 / 50000
    BOOST_TEST(bbr.lt_rtt_cnt == 0u);
}

BOOST_AUTO_TEST_CASE(probe_rtt_saves_the_larger_of_the_window_and_the_one_saved_before)
{
    // bbr_update_min_rtt() sets the mode before bbr_save_cwnd(), which then keeps the
    // larger: a window saved at an earlier recovery (150) outlives the current 100
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    bbr.prior_cwnd = 150;
    AckSpec a;
    a.rtt_us = 12000;
    Ack(bbr, tp, At(kStartJiffies + 2501), a);
    BOOST_TEST((bbr.mode == BbrMode::PROBE_RTT));
    BOOST_TEST(bbr.prior_cwnd == 150u);
}

BOOST_AUTO_TEST_CASE(tx_start_after_idle_paces_probe_bw_at_the_estimate)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 0); // probing at 1.25
    BOOST_TEST(tp.sk_pacing_rate == 17918982u);
    // not application-limited: nothing
    BbrCwndEventTxStart(bbr, tp, At(kStartJiffies));
    BOOST_TEST(!bbr.idle_restart);
    BOOST_TEST(tp.sk_pacing_rate == 17918982u);
    tp.app_limited = 1050;
    BbrEnv env = At(kStartJiffies);
    env.now_us = kStartUs + 500000;
    bbr.ack_epoch_acked = 77;
    BbrCwndEventTxStart(bbr, tp, env);
    BOOST_TEST(bbr.idle_restart);
    BOOST_TEST(bbr.ack_epoch_mstamp == kStartUs + 500000);
    BOOST_TEST(bbr.ack_epoch_acked == 0u);
    BOOST_TEST(tp.sk_pacing_rate == 14335186u); // at 1.0
}

BOOST_AUTO_TEST_CASE(tx_start_ends_a_probe_rtt_that_ran_its_time_while_idle)
{
    BbrState bbr;
    Tcb tp;
    SteadyState(bbr, tp, 2);
    bbr.mode = BbrMode::PROBE_RTT;
    bbr.prior_cwnd = 100;
    bbr.probe_rtt_done_stamp = kStartJiffies + 50;
    tp.snd_cwnd = 4;
    tp.app_limited = 1;
    BbrCwndEventTxStart(bbr, tp, At(kStartJiffies + 50));
    BOOST_TEST((bbr.mode == BbrMode::PROBE_RTT));
    BbrCwndEventTxStart(bbr, tp, At(kStartJiffies + 51));
    BOOST_TEST((bbr.mode == BbrMode::PROBE_BW));
    BOOST_TEST(tp.snd_cwnd == 100u);
    BOOST_TEST(bbr.min_rtt_stamp == kStartJiffies + 51);
}

BOOST_AUTO_TEST_CASE(the_tso_goal_is_a_millisecond_of_the_rate_whatever_the_rtt)
{
    Tcb tp = Conn();
    BbrEnv env = At(kStartJiffies);
    env.tso.min_rtt_us = 30; // tcp_tso_autosize() would allow the whole 64 KB here
    tp.sk_pacing_rate = 1000000;
    BOOST_TEST(BbrMinTsoSegs(tp) == 2u);
    BOOST_TEST(BbrTsoSegsGoal(tp, env) == 2u); // 976 B per ms: less than an mss
    tp.sk_pacing_rate = 149999; // below 1.2 Mbit/s
    BOOST_TEST(BbrMinTsoSegs(tp) == 1u);
    BOOST_TEST(BbrTsoSegsGoal(tp, env) == 1u);
    tp.sk_pacing_rate = 150000;
    BOOST_TEST(BbrMinTsoSegs(tp) == 2u);
    tp.sk_pacing_rate = ~0ULL;
    BOOST_TEST(BbrTsoSegsGoal(tp, env) == 45u); // 65279 / 1448
    env.tso = BbrTsoSizing(320);
    BOOST_TEST(env.tso.gso_max_size == 65215u);
    tp.mss_cache = 1000;
    BOOST_TEST(BbrTsoSegsGoal(tp, env) == 65u);
    tp.mss_cache = 100;
    BOOST_TEST(BbrTsoSegsGoal(tp, env) == 127u); // at most 0x7F
}

BOOST_AUTO_TEST_CASE(rates_convert_to_bytes_per_second_less_one_percent)
{
    Tcb tp = Conn();
    // 10 packets per ms of 1448 B is 14.48 MB/s; 99% of it, 14335200, less rounding
    BOOST_TEST(BbrRateBytesPerSec(tp, kBw, BBR_UNIT) == 14335186u);
    BOOST_TEST(BbrRateBytesPerSec(tp, BW_UNIT, BBR_UNIT) == 1448u * 990000u); // 1 packet per us
    BOOST_TEST(BbrRateBytesPerSec(tp, BW_UNIT, 2 * BBR_UNIT) == 2u * 1448u * 990000u);
    // the bdp rounds up: 1 packet per ms for 1.0001 ms is 2 packets
    BbrState bbr;
    bbr.min_rtt_us = 1001;
    BOOST_TEST(BbrBdp(bbr, BW_UNIT / 1000, BBR_UNIT) == 2u);
    bbr.min_rtt_us = 1000;
    BOOST_TEST(BbrBdp(bbr, BW_UNIT / 1000, BBR_UNIT) == 1u); // 16777 x 1000 < 2^24
}

BOOST_AUTO_TEST_SUITE_END()
