// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/bbr.h"

#include "models/config/splitmix64.h"
#include "models/tcp/segment.h"

#include <algorithm>

namespace sim
{

namespace
{

constexpr uint64_t USEC_PER_SEC = 1000000;
constexpr uint32_t USEC_PER_MSEC = 1000;
constexpr uint64_t NSEC_PER_USEC = 1000;
// sk->sk_max_pacing_rate: SO_MAX_PACING_RATE is never set, ~0UL (sock_init_data())
constexpr uint64_t SK_MAX_PACING_RATE = ~0ULL;
// sk->sk_pacing_shift: 10 (tcp_init_sock()), about 1 ms of the rate per GSO packet
constexpr int SK_PACING_SHIFT = 10;
// tp->snd_cwnd_clamp: never set in this model, the kernel's ~0
constexpr uint32_t SND_CWND_CLAMP = 0xFFFFFFFF;

// msecs_to_jiffies(): rounds up to a whole jiffy
uint32_t
MsecsToJiffies(uint32_t m, int hz)
{
    return static_cast<uint32_t>((uint64_t{m} * static_cast<uint64_t>(hz) + 999) / 1000);
}

// get_random_u32_below(ceil): a draw in [0, ceil). The kernel's is random and nothing
// in a capture shows it, so the model's is deterministic, from the connection's seed:
// SplitMix64 advances bbr.rng, and the top 32 bits scale to the range.
uint32_t
GetRandomU32Below(BbrState& bbr, uint32_t ceil)
{
    bbr.rng = SplitMix64(bbr.rng);
    return static_cast<uint32_t>(((bbr.rng >> 32) * ceil) >> 32);
}

// bbr_extra_acked(): the larger of the two half-windows, 5-10 rounds of it
uint16_t
BbrExtraAcked(const BbrState& bbr)
{
    return std::max(bbr.extra_acked[0], bbr.extra_acked[1]);
}

// bbr_bw_to_pacing_rate(): bytes per second, at most sk_max_pacing_rate
uint64_t
BbrBwToPacingRate(const Tcb& tp, uint32_t bw, int gain)
{
    uint64_t rate = bw;
    rate = BbrRateBytesPerSec(tp, rate, gain);
    return std::min(rate, SK_MAX_PACING_RATE);
}

// bbr_init_pacing_rate_from_rtt(): high_gain x cwnd / srtt, or / 1 ms without an RTT
// sample. The rate is passed to bbr_bw_to_pacing_rate() as a u32.
void
BbrInitPacingRateFromRtt(BbrState& bbr, Tcb& tp)
{
    uint32_t rtt_us;
    if (tp.srtt_us)
    {
        rtt_us = std::max(tp.srtt_us >> 3, 1u);
        bbr.has_seen_rtt = true;
    }
    else
    {
        rtt_us = USEC_PER_MSEC; // a nominal RTT
    }
    uint64_t bw = uint64_t{tp.snd_cwnd} * BW_UNIT;
    bw /= rtt_us; // do_div()
    tp.sk_pacing_rate = BbrBwToPacingRate(tp, static_cast<uint32_t>(bw), bbr_high_gain);
}

// bbr_set_pacing_rate(): the first RTT sample resets the rate from cwnd / srtt; before
// the pipe is full the rate only rises, after it follows bw x gain
void
BbrSetPacingRate(BbrState& bbr, Tcb& tp, uint32_t bw, int gain)
{
    const uint64_t rate = BbrBwToPacingRate(tp, bw, gain);
    if (!bbr.has_seen_rtt && tp.srtt_us)
    {
        BbrInitPacingRateFromRtt(bbr, tp);
    }
    if (BbrFullBwReached(bbr) || rate > tp.sk_pacing_rate)
    {
        tp.sk_pacing_rate = rate;
    }
}

// bbr_save_cwnd(): the window to come back to after recovery or PROBE_RTT; while one
// of those has cut it, the larger of the saved one and the current
void
BbrSaveCwnd(BbrState& bbr, const Tcb& tp)
{
    if (bbr.prev_ca_state < CaState::Recovery && bbr.mode != BbrMode::PROBE_RTT)
    {
        bbr.prior_cwnd = tp.snd_cwnd;
    }
    else
    {
        bbr.prior_cwnd = std::max(bbr.prior_cwnd, tp.snd_cwnd);
    }
}

// bbr_quantization_budget(): room for three full GSO packets (one each in the qdisc,
// the sender's GSO and the receiver's GRO), rounded up to even against delayed ACKs,
// and two more in the probing phase so that small BDPs still get above BDP
uint32_t
BbrQuantizationBudget(const BbrState& bbr, const Tcb& tp, uint32_t cwnd, const BbrEnv& env)
{
    cwnd += 3 * BbrTsoSegsGoal(tp, env);
    cwnd = (cwnd + 1) & ~1u;
    if (bbr.mode == BbrMode::PROBE_BW && bbr.cycle_idx == 0)
    {
        cwnd += 2;
    }
    return cwnd;
}

// bbr_packets_in_net_at_edt(): what is in flight, less what bw delivers before the
// next skb's departure time (tcp_wstamp_ns), plus that skb when raising inflight
uint32_t
BbrPacketsInNetAtEdt(const BbrState& bbr, const Tcb& tp, uint32_t inflight_now, const BbrEnv& env)
{
    const uint64_t now_ns = tp.tcp_clock_cache;
    const uint64_t edt_ns = std::max(tp.tcp_wstamp_ns, now_ns);
    const uint64_t interval_us = (edt_ns - now_ns) / NSEC_PER_USEC;
    const uint32_t interval_delivered = static_cast<uint32_t>((uint64_t{BbrBw(bbr)} * interval_us) >> BW_SCALE);
    uint32_t inflight_at_edt = inflight_now;
    if (bbr.pacing_gain > static_cast<uint32_t>(BBR_UNIT))
    {
        inflight_at_edt += BbrTsoSegsGoal(tp, env); // the skb leaving at EDT
    }
    if (interval_delivered >= inflight_at_edt)
    {
        return 0;
    }
    return inflight_at_edt - interval_delivered;
}

// bbr_ack_aggregation_cwnd(): once the pipe is full, extra_acked more packets, at most
// bbr_extra_acked_max_us of bw
uint32_t
BbrAckAggregationCwnd(const BbrState& bbr)
{
    uint32_t aggr_cwnd = 0;
    if (bbr_extra_acked_gain && BbrFullBwReached(bbr))
    {
        const uint32_t max_aggr_cwnd = static_cast<uint32_t>((uint64_t{BbrBw(bbr)} * bbr_extra_acked_max_us) / BW_UNIT);
        aggr_cwnd = (static_cast<uint32_t>(bbr_extra_acked_gain) * BbrExtraAcked(bbr)) >> BBR_SCALE;
        aggr_cwnd = std::min(aggr_cwnd, max_aggr_cwnd);
    }
    return aggr_cwnd;
}

// bbr_set_cwnd_to_recover_or_restore(): losses come off the window first. The first
// round of Recovery conserves packets (the window is what is in flight plus what
// this ACK delivered, and a new round starts now); leaving recovery brings back the
// window saved before it. Returns whether packet conservation sets the window.
bool
BbrSetCwndToRecoverOrRestore(BbrState& bbr, const Tcb& tp, const RateSample& rs, uint32_t acked,
                             uint32_t* new_cwnd)
{
    const CaState prev_state = bbr.prev_ca_state;
    const CaState state = tp.ca_state;
    uint32_t cwnd = tp.snd_cwnd;

    // max_t(s32, cwnd - losses, 1)
    if (rs.losses > 0)
    {
        cwnd = static_cast<uint32_t>(
            std::max<int32_t>(static_cast<int32_t>(cwnd - static_cast<uint32_t>(rs.losses)), 1));
    }

    if (state == CaState::Recovery && prev_state != CaState::Recovery)
    {
        bbr.packet_conservation = true;
        bbr.next_rtt_delivered = tp.delivered; // the round starts now
        cwnd = TcpPacketsInFlight(tp) + acked;  // drop what was not being used
    }
    else if (prev_state >= CaState::Recovery && state < CaState::Recovery)
    {
        cwnd = std::max(cwnd, bbr.prior_cwnd);
        bbr.packet_conservation = false;
    }
    bbr.prev_ca_state = state;

    if (bbr.packet_conservation)
    {
        *new_cwnd = std::max(cwnd, TcpPacketsInFlight(tp) + acked);
        return true;
    }
    *new_cwnd = cwnd;
    return false;
}

// bbr_set_cwnd(): toward the target, bdp x gain plus the aggregation allowance and the
// quantization budget: slow start up to it (before the pipe is full, also above it
// while fewer than TCP_INIT_CWND have been delivered), and once the pipe is full never
// above it; at least bbr_cwnd_min_target. Nothing ACKed: only the caps apply.
// PROBE_RTT caps the window at bbr_cwnd_min_target.
void
BbrSetCwnd(BbrState& bbr,
           Tcb& tp,
           const RateSample& rs,
           uint32_t acked,
           uint32_t bw,
           int gain,
           const BbrEnv& env)
{
    uint32_t cwnd = tp.snd_cwnd;
    if (acked && !BbrSetCwndToRecoverOrRestore(bbr, tp, rs, acked, &cwnd))
    {
        uint32_t target_cwnd = BbrBdp(bbr, bw, gain);
        target_cwnd += BbrAckAggregationCwnd(bbr);
        target_cwnd = BbrQuantizationBudget(bbr, tp, target_cwnd, env);

        if (BbrFullBwReached(bbr))
        {
            cwnd = std::min(cwnd + acked, target_cwnd);
        }
        else if (cwnd < target_cwnd || tp.delivered < TCP_INIT_CWND)
        {
            cwnd = cwnd + acked;
        }
        cwnd = std::max(cwnd, bbr_cwnd_min_target);
    }
    // done:
    tp.snd_cwnd = std::min(cwnd, SND_CWND_CLAMP);
    if (bbr.mode == BbrMode::PROBE_RTT)
    {
        tp.snd_cwnd = std::min(tp.snd_cwnd, bbr_cwnd_min_target);
    }
}

// bbr_is_next_cycle_phase(): a phase lasts min_rtt (of delivered_mstamp); 1.25 also
// until inflight reaches 1.25 x BDP or a loss says it will not fit; 0.75 ends early
// once inflight is down to BDP
bool
BbrIsNextCyclePhase(BbrState& bbr, const Tcb& tp, const RateSample& rs, const BbrEnv& env)
{
    const bool is_full_length = TcpStampUsDelta(tp.delivered_mstamp, bbr.cycle_mstamp) > bbr.min_rtt_us;
    if (bbr.pacing_gain == static_cast<uint32_t>(BBR_UNIT))
    {
        return is_full_length;
    }
    const uint32_t inflight = BbrPacketsInNetAtEdt(bbr, tp, rs.prior_in_flight, env);
    const uint32_t bw = BbrMaxBw(bbr);
    if (bbr.pacing_gain > static_cast<uint32_t>(BBR_UNIT))
    {
        return is_full_length &&
               (rs.losses || inflight >= BbrInflight(bbr, tp, bw, static_cast<int>(bbr.pacing_gain), env));
    }
    return is_full_length || inflight <= BbrInflight(bbr, tp, bw, BBR_UNIT, env);
}

// bbr_advance_cycle_phase()
void
BbrAdvanceCyclePhase(BbrState& bbr, const Tcb& tp)
{
    bbr.cycle_idx = (bbr.cycle_idx + 1) & (CYCLE_LEN - 1);
    bbr.cycle_mstamp = tp.delivered_mstamp;
}

// bbr_update_cycle_phase()
void
BbrUpdateCyclePhase(BbrState& bbr, const Tcb& tp, const RateSample& rs, const BbrEnv& env)
{
    if (bbr.mode == BbrMode::PROBE_BW && BbrIsNextCyclePhase(bbr, tp, rs, env))
    {
        BbrAdvanceCyclePhase(bbr, tp);
    }
}

// bbr_reset_startup_mode()
void
BbrResetStartupMode(BbrState& bbr)
{
    bbr.mode = BbrMode::STARTUP;
}

// bbr_reset_probe_bw_mode(): the cycle starts at a random phase other than the 0.75
// one: CYCLE_LEN - 1 - a draw below bbr_cycle_rand, then advanced by one
void
BbrResetProbeBwMode(BbrState& bbr, const Tcb& tp)
{
    bbr.mode = BbrMode::PROBE_BW;
    bbr.cycle_idx = CYCLE_LEN - 1 - GetRandomU32Below(bbr, bbr_cycle_rand);
    BbrAdvanceCyclePhase(bbr, tp);
}

// bbr_reset_mode(): back to STARTUP unless the pipe was found full
void
BbrResetMode(BbrState& bbr, const Tcb& tp)
{
    if (!BbrFullBwReached(bbr))
    {
        BbrResetStartupMode(bbr);
    }
    else
    {
        BbrResetProbeBwMode(bbr, tp);
    }
}

// bbr_reset_lt_bw_sampling_interval(): a long-term interval starts now (delivered_mstamp
// in ms)
void
BbrResetLtBwSamplingInterval(BbrState& bbr, const Tcb& tp)
{
    bbr.lt_last_stamp = static_cast<uint32_t>(tp.delivered_mstamp / USEC_PER_MSEC);
    bbr.lt_last_delivered = tp.delivered;
    bbr.lt_last_lost = tp.lost;
    bbr.lt_rtt_cnt = 0;
}

// bbr_reset_lt_bw_sampling()
void
BbrResetLtBwSampling(BbrState& bbr, const Tcb& tp)
{
    bbr.lt_bw = 0;
    bbr.lt_use_bw = false;
    bbr.lt_is_sampling = false;
    BbrResetLtBwSamplingInterval(bbr, tp);
}

// bbr_lt_bw_interval_done(): two lossy intervals in a row whose rates differ by at
// most 1/8 or 4 kbit/s mean a policer: use their mean, at gain 1. Otherwise this
// interval's rate is kept for the next to compare with.
void
BbrLtBwIntervalDone(BbrState& bbr, const Tcb& tp, uint32_t bw)
{
    if (bbr.lt_bw)
    {
        // abs() of the u32 difference: taken as an int
        const uint32_t d = bw - bbr.lt_bw;
        const uint32_t diff = static_cast<int32_t>(d) < 0 ? 0u - d : d;
        if ((diff * BBR_UNIT <= bbr_lt_bw_ratio * bbr.lt_bw) ||
            (BbrRateBytesPerSec(tp, diff, BBR_UNIT) <= bbr_lt_bw_diff))
        {
            bbr.lt_bw = (bw + bbr.lt_bw) >> 1; // the mean of the two intervals
            bbr.lt_use_bw = true;
            bbr.pacing_gain = BBR_UNIT;
            bbr.lt_rtt_cnt = 0;
            return;
        }
    }
    bbr.lt_bw = bw;
    BbrResetLtBwSamplingInterval(bbr, tp);
}

// bbr_lt_bw_sampling(): policer detection. While lt_bw is in use, it is dropped after
// bbr_lt_bw_max_rtts rounds of PROBE_BW and the gain cycle restarts. Otherwise
// sampling starts at the first loss (the policer's tokens spent); an interval of 4 to
// 16 rounds, not application-limited, ends at a loss, and counts if at least 50/256
// of what it delivered was lost: its rate goes to bbr_lt_bw_interval_done().
void
BbrLtBwSampling(BbrState& bbr, const Tcb& tp, const RateSample& rs)
{
    if (bbr.lt_use_bw)
    {
        if (bbr.mode == BbrMode::PROBE_BW && bbr.round_start)
        {
            bbr.lt_rtt_cnt = (bbr.lt_rtt_cnt + 1) & 0x7F; // lt_rtt_cnt:7
            if (bbr.lt_rtt_cnt >= bbr_lt_bw_max_rtts)
            {
                BbrResetLtBwSampling(bbr, tp);
                BbrResetProbeBwMode(bbr, tp);
            }
        }
        return;
    }

    if (!bbr.lt_is_sampling)
    {
        if (!rs.losses)
        {
            return;
        }
        BbrResetLtBwSamplingInterval(bbr, tp);
        bbr.lt_is_sampling = true;
    }

    // out of data: the rate would be too low
    if (rs.is_app_limited)
    {
        BbrResetLtBwSampling(bbr, tp);
        return;
    }

    if (bbr.round_start)
    {
        bbr.lt_rtt_cnt = (bbr.lt_rtt_cnt + 1) & 0x7F;
    }
    if (bbr.lt_rtt_cnt < bbr_lt_intvl_min_rtts)
    {
        return;
    }
    if (bbr.lt_rtt_cnt > 4 * bbr_lt_intvl_min_rtts)
    {
        BbrResetLtBwSampling(bbr, tp);
        return;
    }

    // the interval ends at a loss
    if (!rs.losses)
    {
        return;
    }

    const uint32_t lost = tp.lost - bbr.lt_last_lost;
    const uint32_t delivered = tp.delivered - bbr.lt_last_delivered;
    if (!delivered || (lost << BBR_SCALE) < bbr_lt_loss_thresh * delivered)
    {
        return;
    }

    // the mean rate over the interval, whose length is counted in ms
    uint32_t t = static_cast<uint32_t>(tp.delivered_mstamp / USEC_PER_MSEC) - bbr.lt_last_stamp;
    if (static_cast<int32_t>(t) < 1)
    {
        return; // under a ms: wait
    }
    if (t >= ~0u / USEC_PER_MSEC)
    {
        BbrResetLtBwSampling(bbr, tp); // too long to scale to us
        return;
    }
    t *= USEC_PER_MSEC;
    uint64_t bw = uint64_t{delivered} * BW_UNIT;
    bw /= t; // do_div()
    BbrLtBwIntervalDone(bbr, tp, static_cast<uint32_t>(bw));
}

// bbr_update_bw(): a round ends when a packet sent after the last round's end is
// delivered; a valid sample's delivered / interval goes into the max filter, unless
// it is application-limited and below the current max
void
BbrUpdateBw(BbrState& bbr, const Tcb& tp, const RateSample& rs)
{
    bbr.round_start = false;
    if (rs.delivered < 0 || rs.interval_us <= 0)
    {
        return;
    }

    if (!SeqBefore(rs.prior_delivered, bbr.next_rtt_delivered))
    {
        bbr.next_rtt_delivered = tp.delivered;
        bbr.rtt_cnt++;
        bbr.round_start = true;
        bbr.packet_conservation = false;
    }

    BbrLtBwSampling(bbr, tp, rs);

    // div64_long(): both positive here
    const uint64_t bw = (static_cast<uint64_t>(rs.delivered) * BW_UNIT) / static_cast<uint64_t>(rs.interval_us);

    if (!rs.is_app_limited || bw >= BbrMaxBw(bbr))
    {
        MinmaxRunningMax(bbr.bw, bbr_bw_rtts, bbr.rtt_cnt, static_cast<uint32_t>(bw));
    }
}

// bbr_update_ack_aggregation(): within an epoch, what was ACKed beyond bw x its
// length (at most cwnd) is the aggregation; the max of it is kept over two windows of
// bbr_extra_acked_win_rtts rounds. The epoch restarts when ACKs fall behind bw or
// after 2^20 packets.
void
BbrUpdateAckAggregation(BbrState& bbr, const Tcb& tp, const RateSample& rs)
{
    if (!bbr_extra_acked_gain || rs.acked_sacked <= 0 || rs.delivered < 0 || rs.interval_us <= 0)
    {
        return;
    }

    if (bbr.round_start)
    {
        bbr.extra_acked_win_rtts = std::min(0x1Fu, bbr.extra_acked_win_rtts + 1);
        if (bbr.extra_acked_win_rtts >= bbr_extra_acked_win_rtts)
        {
            bbr.extra_acked_win_rtts = 0;
            bbr.extra_acked_win_idx = bbr.extra_acked_win_idx ? 0 : 1;
            bbr.extra_acked[bbr.extra_acked_win_idx] = 0;
        }
    }

    const uint32_t epoch_us = TcpStampUsDelta(tp.delivered_mstamp, bbr.ack_epoch_mstamp);
    uint32_t expected_acked = static_cast<uint32_t>((uint64_t{BbrBw(bbr)} * epoch_us) / BW_UNIT);

    if (bbr.ack_epoch_acked <= expected_acked ||
        (bbr.ack_epoch_acked + rs.acked_sacked >= bbr_ack_epoch_acked_reset_thresh))
    {
        bbr.ack_epoch_acked = 0;
        bbr.ack_epoch_mstamp = tp.delivered_mstamp;
        expected_acked = 0;
    }

    bbr.ack_epoch_acked = std::min<uint32_t>(0xFFFFF, bbr.ack_epoch_acked + rs.acked_sacked);
    uint32_t extra_acked = bbr.ack_epoch_acked - expected_acked;
    extra_acked = std::min(extra_acked, tp.snd_cwnd);
    if (extra_acked > bbr.extra_acked[bbr.extra_acked_win_idx])
    {
        bbr.extra_acked[bbr.extra_acked_win_idx] = static_cast<uint16_t>(extra_acked); // u16
    }
}

// bbr_check_full_bw_reached(): at each round start not application-limited, a max bw
// at least 5/4 of full_bw restarts the count; bbr_full_bw_cnt rounds without that and
// the pipe is full
void
BbrCheckFullBwReached(BbrState& bbr, const RateSample& rs)
{
    if (BbrFullBwReached(bbr) || !bbr.round_start || rs.is_app_limited)
    {
        return;
    }
    const uint32_t bw_thresh = static_cast<uint32_t>((uint64_t{bbr.full_bw} * bbr_full_bw_thresh) >> BBR_SCALE);
    if (BbrMaxBw(bbr) >= bw_thresh)
    {
        bbr.full_bw = BbrMaxBw(bbr);
        bbr.full_bw_cnt = 0;
        return;
    }
    bbr.full_bw_cnt = (bbr.full_bw_cnt + 1) & 0x3; // full_bw_cnt:2
    bbr.full_bw_reached = bbr.full_bw_cnt >= bbr_full_bw_cnt;
}

// bbr_check_drain(): a full pipe ends STARTUP (ssthresh becomes the BDP plus budget);
// DRAIN ends, in the same call if so, once what will be in the network at the next
// departure is down to that
void
BbrCheckDrain(BbrState& bbr, Tcb& tp, const BbrEnv& env)
{
    if (bbr.mode == BbrMode::STARTUP && BbrFullBwReached(bbr))
    {
        bbr.mode = BbrMode::DRAIN;
        tp.snd_ssthresh = BbrInflight(bbr, tp, BbrMaxBw(bbr), BBR_UNIT, env);
    }
    if (bbr.mode == BbrMode::DRAIN &&
        BbrPacketsInNetAtEdt(bbr, tp, TcpPacketsInFlight(tp), env) <=
            BbrInflight(bbr, tp, BbrMaxBw(bbr), BBR_UNIT, env))
    {
        BbrResetProbeBwMode(bbr, tp);
    }
}

// bbr_check_probe_rtt_done(): past probe_rtt_done_stamp, min_rtt counts as fresh, the
// saved window comes back and the mode is STARTUP or PROBE_BW again
void
BbrCheckProbeRttDone(BbrState& bbr, Tcb& tp, const BbrEnv& env)
{
    if (!(bbr.probe_rtt_done_stamp && SeqAfter(env.now_jiffies, bbr.probe_rtt_done_stamp)))
    {
        return;
    }
    bbr.min_rtt_stamp = env.now_jiffies;
    tp.snd_cwnd = std::max(tp.snd_cwnd, bbr.prior_cwnd);
    BbrResetMode(bbr, tp);
}

// bbr_update_min_rtt(): a smaller RTT, or any not delayed-ACK sample once the
// min_rtt_win_sec window has expired, becomes min_rtt. An expired window (unless just
// restarting from idle) starts PROBE_RTT: the window saved, then held at
// bbr_cwnd_min_target (the samples meanwhile marked application-limited) for
// bbr_probe_rtt_mode_ms and one round from when inflight first gets down to it.
void
BbrUpdateMinRtt(BbrState& bbr, Tcb& tp, const RateSample& rs, const BbrEnv& env)
{
    const bool filter_expired =
        SeqAfter(env.now_jiffies, bbr.min_rtt_stamp + bbr_min_rtt_win_sec * static_cast<uint32_t>(env.hz));
    if (rs.rtt_us >= 0 &&
        (rs.rtt_us < static_cast<int64_t>(bbr.min_rtt_us) || (filter_expired && !rs.is_ack_delayed)))
    {
        bbr.min_rtt_us = static_cast<uint32_t>(rs.rtt_us);
        bbr.min_rtt_stamp = env.now_jiffies;
    }

    if (bbr_probe_rtt_mode_ms > 0 && filter_expired && !bbr.idle_restart && bbr.mode != BbrMode::PROBE_RTT)
    {
        bbr.mode = BbrMode::PROBE_RTT;
        BbrSaveCwnd(bbr, tp); // (after the mode changed: the larger of the two)
        bbr.probe_rtt_done_stamp = 0;
    }

    if (bbr.mode == BbrMode::PROBE_RTT)
    {
        const uint32_t app_limited = tp.delivered + TcpPacketsInFlight(tp);
        tp.app_limited = app_limited ? app_limited : 1;
        if (!bbr.probe_rtt_done_stamp && TcpPacketsInFlight(tp) <= bbr_cwnd_min_target)
        {
            bbr.probe_rtt_done_stamp = env.now_jiffies + MsecsToJiffies(bbr_probe_rtt_mode_ms, env.hz);
            bbr.probe_rtt_round_done = false;
            bbr.next_rtt_delivered = tp.delivered;
        }
        else if (bbr.probe_rtt_done_stamp)
        {
            if (bbr.round_start)
            {
                bbr.probe_rtt_round_done = true;
            }
            if (bbr.probe_rtt_round_done)
            {
                BbrCheckProbeRttDone(bbr, tp, env);
            }
        }
    }
    // the restart from idle ends with the first ACK that delivers data
    if (rs.delivered > 0)
    {
        bbr.idle_restart = false;
    }
}

// bbr_update_gains()
void
BbrUpdateGains(BbrState& bbr)
{
    switch (bbr.mode)
    {
    case BbrMode::STARTUP:
        bbr.pacing_gain = bbr_high_gain;
        bbr.cwnd_gain = bbr_high_gain;
        break;
    case BbrMode::DRAIN:
        bbr.pacing_gain = bbr_drain_gain;
        bbr.cwnd_gain = bbr_high_gain; // the window stays
        break;
    case BbrMode::PROBE_BW:
        bbr.pacing_gain = bbr.lt_use_bw ? BBR_UNIT : bbr_pacing_gain[bbr.cycle_idx];
        bbr.cwnd_gain = bbr_cwnd_gain;
        break;
    case BbrMode::PROBE_RTT:
        bbr.pacing_gain = BBR_UNIT;
        bbr.cwnd_gain = BBR_UNIT;
        break;
    }
}

// bbr_update_model()
void
BbrUpdateModel(BbrState& bbr, Tcb& tp, const RateSample& rs, const BbrEnv& env)
{
    BbrUpdateBw(bbr, tp, rs);
    BbrUpdateAckAggregation(bbr, tp, rs);
    BbrUpdateCyclePhase(bbr, tp, rs, env);
    BbrCheckFullBwReached(bbr, rs);
    BbrCheckDrain(bbr, tp, env);
    BbrUpdateMinRtt(bbr, tp, rs, env);
    BbrUpdateGains(bbr);
}

// minmax_subwin_update(): as time passes without a new best, the second and third
// best move up once the best is older than the window, and a new second (third) best
// is taken after a quarter (half) of it
uint32_t
MinmaxSubwinUpdate(Minmax& m, uint32_t win, const MinmaxSample& val)
{
    const uint32_t dt = val.t - m.s[0].t;
    if (dt > win)
    {
        m.s[0] = m.s[1];
        m.s[1] = m.s[2];
        m.s[2] = val;
        if (val.t - m.s[0].t > win)
        {
            m.s[0] = m.s[1];
            m.s[1] = m.s[2];
            m.s[2] = val;
        }
    }
    else if (m.s[1].t == m.s[0].t && dt > win / 4)
    {
        m.s[2] = m.s[1] = val;
    }
    else if (m.s[2].t == m.s[1].t && dt > win / 2)
    {
        m.s[2] = val;
    }
    return m.s[0].v;
}

} // namespace

// minmax_reset()
uint32_t
MinmaxReset(Minmax& m, uint32_t t, uint32_t meas)
{
    const MinmaxSample val{t, meas};
    m.s[2] = m.s[1] = m.s[0] = val;
    return m.s[0].v;
}

// minmax_running_max()
uint32_t
MinmaxRunningMax(Minmax& m, uint32_t win, uint32_t t, uint32_t meas)
{
    const MinmaxSample val{t, meas};
    if (val.v >= m.s[0].v || val.t - m.s[2].t > win)
    {
        return MinmaxReset(m, t, meas);
    }
    if (val.v >= m.s[1].v)
    {
        m.s[2] = m.s[1] = val;
    }
    else if (val.v >= m.s[2].v)
    {
        m.s[2] = val;
    }
    return MinmaxSubwinUpdate(m, win, val);
}

// bbr_rate_bytes_per_sec(): multiplied in this order so that the u64 holds rates up to
// 2.9 Tbit/s at 2.89x
uint64_t
BbrRateBytesPerSec(const Tcb& tp, uint64_t rate, int gain)
{
    const unsigned int mss = tp.mss_cache;
    rate *= mss;
    rate *= static_cast<uint64_t>(gain);
    rate >>= BBR_SCALE;
    rate *= USEC_PER_SEC / 100 * (100 - bbr_pacing_margin_percent);
    return rate >> BW_SCALE;
}

// bbr_min_tso_segs(): below bbr_min_tso_rate (bit/s, so >> 3 in bytes/s)
uint32_t
BbrMinTsoSegs(const Tcb& tp)
{
    return tp.sk_pacing_rate < static_cast<uint64_t>(bbr_min_tso_rate >> 3) ? 1 : 2;
}

// bbr_tso_segs_goal(): min(sk_pacing_rate >> sk_pacing_shift, GSO_LEGACY_MAX_SIZE - 1 -
// MAX_TCP_HEADER) / mss_cache, at least bbr_min_tso_segs(), at most 0x7F. That is
// tcp_tso_autosize() (TcpTsoSegs()) with the bound for sk_gso_max_size and no RTT
// allowance: min_rtt_us 0 is ~0U, and with tso_rtt_log 0 the allowance's shift stays
// above 31.
uint32_t
BbrTsoSegsGoal(const Tcb& tp, const BbrEnv& env)
{
    static_assert(SK_PACING_SHIFT == 10, "TcpTsoSegs() shifts the rate by sk_pacing_shift 10");
    TsoSizing in = env.tso;
    in.pacing_rate = tp.sk_pacing_rate;
    in.min_tso_segs = BbrMinTsoSegs(tp);
    in.min_rtt_us = 0;
    in.tso_rtt_log = 0;
    const uint32_t segs = TcpTsoSegs(tp.mss_cache, in);
    return std::min(segs, 0x7Fu);
}

// bbr_bdp(): bw x min_rtt x gain, rounded up (rounding down would feed back into ever
// smaller windows)
uint32_t
BbrBdp(const BbrState& bbr, uint32_t bw, int gain)
{
    if (bbr.min_rtt_us == ~0u)
    {
        return TCP_INIT_CWND; // no RTT sample yet: the initial window at most
    }
    const uint64_t w = uint64_t{bw} * bbr.min_rtt_us;
    return static_cast<uint32_t>((((w * static_cast<uint64_t>(gain)) >> BBR_SCALE) + BW_UNIT - 1) / BW_UNIT);
}

// bbr_inflight()
uint32_t
BbrInflight(const BbrState& bbr, const Tcb& tp, uint32_t bw, int gain, const BbrEnv& env)
{
    return BbrQuantizationBudget(bbr, tp, BbrBdp(bbr, bw, gain), env);
}

// bbr_init(). Not set here (zero from the state's construction): pacing_gain and
// cwnd_gain, which bbr_update_gains() sets on the first ACK.
void
BbrInit(BbrState& bbr, Tcb& tp, const BbrEnv& env, uint64_t seed)
{
    bbr.rng = seed;

    bbr.prior_cwnd = 0;
    tp.snd_ssthresh = TCP_INFINITE_SSTHRESH;
    bbr.rtt_cnt = 0;
    bbr.next_rtt_delivered = tp.delivered;
    bbr.prev_ca_state = CaState::Open;
    bbr.packet_conservation = false;

    bbr.probe_rtt_done_stamp = 0;
    bbr.probe_rtt_round_done = false;
    bbr.min_rtt_us = TcpMinRtt(tp);
    bbr.min_rtt_stamp = env.now_jiffies;

    MinmaxReset(bbr.bw, bbr.rtt_cnt, 0); // max bw 0

    bbr.has_seen_rtt = false;
    BbrInitPacingRateFromRtt(bbr, tp);

    bbr.round_start = false;
    bbr.idle_restart = false;
    bbr.full_bw_reached = false;
    bbr.full_bw = 0;
    bbr.full_bw_cnt = 0;
    bbr.cycle_mstamp = 0;
    bbr.cycle_idx = 0;
    BbrResetLtBwSampling(bbr, tp);
    BbrResetStartupMode(bbr);

    bbr.ack_epoch_mstamp = env.now_us;
    bbr.ack_epoch_acked = 0;
    bbr.extra_acked_win_rtts = 0;
    bbr.extra_acked_win_idx = 0;
    bbr.extra_acked[0] = 0;
    bbr.extra_acked[1] = 0;

    // cmpxchg(sk_pacing_status, SK_PACING_NONE, SK_PACING_NEEDED): with no fq, TCP paces
    tp.pacing_needed = true;
}

// bbr_main(): the rate sample updates the model; the pacing rate and the window follow
// from bw and the mode's gains
void
BbrMain(BbrState& bbr, Tcb& tp, const RateSample& rs, const BbrEnv& env)
{
    BbrUpdateModel(bbr, tp, rs, env);

    const uint32_t bw = BbrBw(bbr);
    BbrSetPacingRate(bbr, tp, bw, static_cast<int>(bbr.pacing_gain));
    BbrSetCwnd(bbr, tp, rs, rs.acked_sacked, bw, static_cast<int>(bbr.cwnd_gain), env);
}

// bbr_ssthresh()
uint32_t
BbrSsthresh(BbrState& bbr, const Tcb& tp)
{
    BbrSaveCwnd(bbr, tp);
    return tp.snd_ssthresh;
}

// bbr_undo_cwnd()
uint32_t
BbrUndoCwnd(BbrState& bbr, const Tcb& tp)
{
    bbr.full_bw = 0;
    bbr.full_bw_cnt = 0;
    BbrResetLtBwSampling(bbr, tp);
    return tp.snd_cwnd;
}

// bbr_set_state(): on Loss, a rate sample of one loss and nothing else (rtt_us 0 as
// the kernel's designated initializer leaves it) goes to the long-term sampler
void
BbrSetState(BbrState& bbr, Tcb& tp, CaState new_state, const BbrEnv& /*env: no clock read*/)
{
    if (new_state == CaState::Loss)
    {
        RateSample rs;
        rs.losses = 1;
        rs.rtt_us = 0;
        rs.delivered = 0;
        rs.interval_us = 0;

        bbr.prev_ca_state = CaState::Loss;
        bbr.full_bw = 0;
        bbr.round_start = true; // an RTO ends the round
        BbrLtBwSampling(bbr, tp, rs);
    }
}

// bbr_cwnd_event(CA_EVENT_TX_START), only after an application-limited stretch: the
// aggregation epoch restarts; PROBE_BW paces at bw (no need to go faster), PROBE_RTT
// may have run its time while idle
void
BbrCwndEventTxStart(BbrState& bbr, Tcb& tp, const BbrEnv& env)
{
    if (!tp.app_limited)
    {
        return;
    }
    bbr.idle_restart = true;
    bbr.ack_epoch_mstamp = env.now_us;
    bbr.ack_epoch_acked = 0;
    if (bbr.mode == BbrMode::PROBE_BW)
    {
        BbrSetPacingRate(bbr, tp, BbrBw(bbr), BBR_UNIT);
    }
    else if (bbr.mode == BbrMode::PROBE_RTT)
    {
        BbrCheckProbeRttDone(bbr, tp, env);
    }
}

} // namespace sim
