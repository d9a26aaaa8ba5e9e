// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/cubic.h"

#include "models/tcp/rto.h"
#include "models/tcp/tcp-cong.h"

#include <algorithm>

namespace sim
{

namespace
{

constexpr uint32_t BICTCP_BETA_SCALE = 1024; // beta is in 1/1024ths
constexpr uint32_t BICTCP_HZ = 10;           // the curve's time unit: 2^-10 s
constexpr int HYSTART_ACK_TRAIN = 0x1;
constexpr int HYSTART_DELAY = 0x2;
constexpr uint8_t HYSTART_MIN_SAMPLES = 8; // RTT samples before a round's delay counts
constexpr uint32_t HYSTART_DELAY_MIN = 4000;  // us
constexpr uint32_t HYSTART_DELAY_MAX = 16000; // us

// The factors cubictcp_register() computes at load, the RTT taken as 100 ms.
// beta_scale: 8 x the Reno-equivalent increase per window for tcp-friendliness
uint32_t
BetaScale(const TcpCubicParams& p)
{
    return 8 * (BICTCP_BETA_SCALE + static_cast<uint32_t>(p.beta)) / 3 /
           (BICTCP_BETA_SCALE - static_cast<uint32_t>(p.beta));
}

// cube_rtt_scale: 1024 x C / RTT
uint32_t
CubeRttScale(const TcpCubicParams& p)
{
    return static_cast<uint32_t>(p.bic_scale) * 10;
}

// cube_factor: 2^40 / (C / RTT), for K = cbrt((W_max - cwnd) x cube_factor)
uint64_t
CubeFactor(const TcpCubicParams& p)
{
    return (uint64_t{1} << (10 + 3 * BICTCP_HZ)) / (static_cast<uint64_t>(p.bic_scale) * 10);
}

// after() of sequence numbers
bool
After(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(b - a) < 0;
}

// fls64(): the 1-based position of the highest bit set, 0 for 0
uint32_t
Fls64(uint64_t x)
{
    uint32_t n = 0;
    while (x)
    {
        ++n;
        x >>= 1;
    }
    return n;
}

} // namespace

// cubic_root(): the table holds cbrt(x << 18) - 1 for x in [0, 63]; a's leading bits
// (a multiple of 3 of them dropped) index it, and one Newton-Raphson step
// x = (2x + a / x^2) / 3 refines the guess (x * 341 >> 10 for the division by 3)
uint32_t
CubicRoot(uint64_t a)
{
    static const uint8_t v[] = {
        0,   54,  54,  54,  118, 118, 118, 118, 123, 129, 134, 138, 143, 147, 151, 156,
        157, 161, 164, 168, 170, 173, 176, 179, 181, 185, 187, 190, 192, 194, 197, 199,
        200, 202, 204, 206, 209, 211, 213, 215, 217, 219, 221, 222, 224, 225, 227, 229,
        231, 232, 234, 236, 237, 239, 240, 242, 244, 245, 246, 248, 250, 251, 252, 254,
    };
    uint32_t b = Fls64(a);
    if (b < 7)
    {
        return (static_cast<uint32_t>(v[static_cast<uint32_t>(a)]) + 35) >> 6; // a in [0, 63]
    }
    b = ((b * 84) >> 8) - 1;
    const uint32_t shift = static_cast<uint32_t>(a >> (b * 3));
    uint32_t x = static_cast<uint32_t>((static_cast<uint32_t>(v[shift]) + 10) << b) >> 6;
    x = 2 * x + static_cast<uint32_t>(a / (uint64_t{x} * uint64_t{x - 1}));
    x = (x * 341) >> 10;
    return x;
}

// bictcp_reset(): everything up to HyStart's round state
void
BictcpReset(CubicState& ca)
{
    const CubicState zero;
    ca.cnt = zero.cnt;
    ca.last_max_cwnd = zero.last_max_cwnd;
    ca.last_cwnd = zero.last_cwnd;
    ca.last_time = zero.last_time;
    ca.bic_origin_point = zero.bic_origin_point;
    ca.bic_K = zero.bic_K;
    ca.delay_min = zero.delay_min;
    ca.epoch_start = zero.epoch_start;
    ca.ack_cnt = zero.ack_cnt;
    ca.tcp_cwnd = zero.tcp_cwnd;
    ca.found = false;
}

// bictcp_hystart_reset()
void
BictcpHystartReset(CubicState& ca, const Tcb& tp, uint32_t now_us)
{
    ca.round_start = ca.last_ack = now_us;
    ca.end_seq = tp.snd_nxt;
    ca.curr_rtt = ~0u;
    ca.sample_cnt = 0;
}

// cubictcp_init()
void
CubicInit(CubicState& ca, Tcb& tp, const TcpCubicParams& p, uint32_t now_us)
{
    BictcpReset(ca);
    if (p.hystart)
    {
        BictcpHystartReset(ca, tp, now_us);
    }
    if (!p.hystart && p.initial_ssthresh)
    {
        tp.snd_ssthresh = static_cast<uint32_t>(p.initial_ssthresh);
    }
}

// cubictcp_cwnd_event(CA_EVENT_TX_START): application-limited for a while; shifting
// the epoch keeps the window on the curve it was on
void
CubicTxStart(CubicState& ca, const Tcb& tp, uint32_t now_jiffies)
{
    const int32_t delta = static_cast<int32_t>(now_jiffies - tp.lsndtime);
    if (ca.epoch_start && delta > 0)
    {
        ca.epoch_start += static_cast<uint32_t>(delta);
        if (After(ca.epoch_start, now_jiffies))
        {
            ca.epoch_start = now_jiffies;
        }
    }
}

// bictcp_update()
void
BictcpUpdate(CubicState& ca, uint32_t cwnd, uint32_t acked, const CubicClock& now, const TcpCubicParams& p)
{
    ca.ack_cnt += acked; // ACKed segments, for tcp_cwnd
    // the same window within HZ/32: nothing to recompute
    if (ca.last_cwnd == cwnd && static_cast<int32_t>(now.jiffies - ca.last_time) <= now.hz / 32)
    {
        return;
    }
    // cnt is recomputed at most once per jiffy (a reduction zeroes epoch_start, which
    // forces it)
    if (!(ca.epoch_start && now.jiffies == ca.last_time))
    {
        ca.last_cwnd = cwnd;
        ca.last_time = now.jiffies;
        if (ca.epoch_start == 0)
        {
            // a new epoch: the curve starts at this window and plateaus at W_max,
            // K (in 1/1024 s) from now; above W_max it starts at its plateau
            ca.epoch_start = now.jiffies;
            ca.ack_cnt = acked;
            ca.tcp_cwnd = cwnd;
            if (ca.last_max_cwnd <= cwnd)
            {
                ca.bic_K = 0;
                ca.bic_origin_point = cwnd;
            }
            else
            {
                ca.bic_K = CubicRoot(CubeFactor(p) * (ca.last_max_cwnd - cwnd));
                ca.bic_origin_point = ca.last_max_cwnd;
            }
        }
        // t: the time into the epoch plus delay_min (the window one RTT ahead), in
        // jiffies (tcp_jiffies32 in 6.18), then in 1/1024 s. A negative difference
        // becomes a huge u64, as the kernel's (s32) assigned to a u64.
        uint64_t t = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(now.jiffies - ca.epoch_start)));
        t += UsecsToJiffies(ca.delay_min, now.hz);
        t <<= BICTCP_HZ;
        t /= static_cast<uint64_t>(now.hz);
        // |t - K|, then C/RTT x (t - K)^3 in segments
        const uint64_t offs = t < ca.bic_K ? ca.bic_K - t : t - ca.bic_K;
        const uint32_t delta =
            static_cast<uint32_t>((uint64_t{CubeRttScale(p)} * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
        const uint32_t bic_target = t < ca.bic_K ? ca.bic_origin_point - delta : ca.bic_origin_point + delta;
        // one segment per cnt ACKed reaches the target in about an RTT; at or above
        // it, a very small increase
        if (bic_target > cwnd)
        {
            ca.cnt = cwnd / (bic_target - cwnd);
        }
        else
        {
            ca.cnt = 100 * cwnd;
        }
        // no W_max known yet: at least 5% per RTT
        if (ca.last_max_cwnd == 0 && ca.cnt > 20)
        {
            ca.cnt = 20;
        }
    }
    // tcp-friendliness: tcp_cwnd grows as Reno's would with beta (one segment per
    // cwnd x beta_scale / 8 ACKed); if that is ahead, grow at least as fast as Reno
    if (p.tcp_friendliness)
    {
        const uint32_t delta = (cwnd * BetaScale(p)) >> 3;
        while (delta && ca.ack_cnt > delta) // (delta 0 would loop forever in the kernel)
        {
            ca.ack_cnt -= delta;
            ca.tcp_cwnd++;
        }
        if (ca.tcp_cwnd > cwnd)
        {
            const uint32_t max_cnt = cwnd / (ca.tcp_cwnd - cwnd);
            if (ca.cnt > max_cnt)
            {
                ca.cnt = max_cnt;
            }
        }
    }
    // at most one segment per two ACKed: 1.5 x per RTT
    ca.cnt = std::max(ca.cnt, 2u);
}

// cubictcp_cong_avoid()
void
CubicCongAvoid(CubicState& ca, Tcb& tp, uint32_t acked, bool cwnd_limited, const CubicClock& now,
               const TcpCubicParams& p)
{
    if (!cwnd_limited)
    {
        return;
    }
    if (TcpInSlowStart(tp))
    {
        acked = TcpSlowStart(tp, acked);
        if (!acked)
        {
            return;
        }
    }
    BictcpUpdate(ca, tp.snd_cwnd, acked, now, p);
    TcpCongAvoidAi(tp, ca.cnt, acked);
}

// cubictcp_recalc_ssthresh()
uint32_t
CubicRecalcSsthresh(CubicState& ca, uint32_t cwnd, const TcpCubicParams& p)
{
    const uint32_t beta = static_cast<uint32_t>(p.beta);
    ca.epoch_start = 0; // the end of the epoch
    // fast convergence: a window below the last W_max gives way to newer flows
    if (cwnd < ca.last_max_cwnd && p.fast_convergence)
    {
        ca.last_max_cwnd = (cwnd * (BICTCP_BETA_SCALE + beta)) / (2 * BICTCP_BETA_SCALE);
    }
    else
    {
        ca.last_max_cwnd = cwnd;
    }
    return std::max((cwnd * beta) / BICTCP_BETA_SCALE, 2u);
}

// cubictcp_state()
void
CubicSetState(CubicState& ca, const Tcb& tp, CaState new_state, uint32_t now_us)
{
    if (new_state == CaState::Loss)
    {
        BictcpReset(ca);
        BictcpHystartReset(ca, tp, now_us);
    }
}

// hystart_ack_delay(): 4 GSO packets at the pacing rate, at most USEC_PER_MSEC
uint32_t
HystartAckDelay(uint64_t sk_pacing_rate, uint32_t sk_gso_max_size)
{
    if (!sk_pacing_rate)
    {
        return 0;
    }
    return static_cast<uint32_t>(std::min<uint64_t>(1000, uint64_t{sk_gso_max_size} * 4 * 1000000 / sk_pacing_rate));
}

// hystart_update()
void
HystartUpdate(CubicState& ca, Tcb& tp, uint32_t delay, uint32_t ack_delay_us, const CubicClock& now,
              const TcpCubicParams& p)
{
    if (After(tp.snd_una, ca.end_seq))
    {
        BictcpHystartReset(ca, tp, now.us); // a new round
    }
    // only once the window is past hystart_low_window
    if (tp.snd_cwnd < static_cast<uint32_t>(p.hystart_low_window))
    {
        return;
    }
    if (p.hystart_detect & HYSTART_ACK_TRAIN)
    {
        // ACK train: ACKs closer than hystart_ack_delta_us to each other, the train
        // lasting past half delay_min (plus the cushion) since the round began. Halved
        // because sk_pacing_status is SK_PACING_NONE: no fq qdisc, and Cubic does not
        // ask for pacing.
        if (static_cast<int32_t>(now.us - ca.last_ack) <= p.hystart_ack_delta_us)
        {
            ca.last_ack = now.us;
            const uint32_t threshold = (ca.delay_min + ack_delay_us) >> 1;
            if (static_cast<uint32_t>(now.us - ca.round_start) > threshold) // (s32) > u32: compared as u32
            {
                ca.found = true;
                tp.snd_ssthresh = tp.snd_cwnd;
            }
        }
    }
    if (p.hystart_detect & HYSTART_DELAY)
    {
        // delay increase: the round's smallest RTT of more than HYSTART_MIN_SAMPLES
        // samples above delay_min by an eighth of it (within 4-16 ms)
        if (ca.curr_rtt > delay)
        {
            ca.curr_rtt = delay;
        }
        if (ca.sample_cnt < HYSTART_MIN_SAMPLES)
        {
            ca.sample_cnt++;
        }
        else if (ca.curr_rtt > ca.delay_min + std::clamp(ca.delay_min >> 3, HYSTART_DELAY_MIN, HYSTART_DELAY_MAX))
        {
            ca.found = true;
            tp.snd_ssthresh = tp.snd_cwnd;
        }
    }
}

// cubictcp_acked()
void
CubicAcked(CubicState& ca, Tcb& tp, int64_t rtt_us, uint32_t sk_gso_max_size, const CubicClock& now,
           const TcpCubicParams& p)
{
    if (rtt_us < 0)
    {
        return; // no sample (a duplicate ACK without timestamps)
    }
    // samples in the first second of an epoch (just after recovery) are discarded
    if (ca.epoch_start && static_cast<int32_t>(now.jiffies - ca.epoch_start) < now.hz)
    {
        return;
    }
    uint32_t delay = static_cast<uint32_t>(rtt_us);
    if (delay == 0)
    {
        delay = 1;
    }
    if (ca.delay_min == 0 || ca.delay_min > delay)
    {
        ca.delay_min = delay;
    }
    if (!ca.found && TcpInSlowStart(tp) && p.hystart)
    {
        HystartUpdate(ca, tp, delay, HystartAckDelay(tp.sk_pacing_rate, sk_gso_max_size), now, p);
    }
}

} // namespace sim
