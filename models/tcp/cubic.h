// SPDX-License-Identifier: GPL-2.0-only
// CUBIC congestion control with HyStart, after net/ipv4/tcp_cubic.c of Linux 6.18:
// the per-socket state (struct bictcp) and the hooks tcp_input.c and tcp_output.c call
// through tcp_congestion_ops, as pure functions of that state and the TCB, in the
// kernel's integer arithmetic. The window grows toward a cubic function of the time
// since the last reduction, centred on the window it had then (W_max); time is in
// jiffies (tcp_jiffies32, CONFIG_HZ), RTT samples and HyStart's clock in us.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// struct bictcp. bictcp_reset() clears the fields before `sample_cnt`; HyStart's own
// (from sample_cnt on) are reset per round by bictcp_hystart_reset().
struct CubicState
{
    uint32_t cnt = 0;              // the window grows by one per cnt segments ACKed
    uint32_t last_max_cwnd = 0;    // W_max: the window at the last reduction
    uint32_t last_cwnd = 0;        // the window bictcp_update() last ran for
    uint32_t last_time = 0;        // and when (jiffies)
    uint32_t bic_origin_point = 0; // the plateau of the curve
    uint32_t bic_K = 0;            // time from epoch_start to it, in 1/1024 s
    uint32_t delay_min = 0;        // the smallest RTT sample (us)
    uint32_t epoch_start = 0;      // the start of this growth epoch (jiffies); 0: none
    uint32_t ack_cnt = 0;          // segments ACKed in the epoch, for tcp_cwnd
    uint32_t tcp_cwnd = 0;         // what Reno's window would be (tcp-friendliness)
    uint8_t sample_cnt = 0;        // RTT samples this round
    bool found = false;            // HyStart has ended slow start
    uint32_t round_start = 0;      // the start of this round (us)
    uint32_t end_seq = 0;          // snd_nxt then: the round ends when it is ACKed
    uint32_t last_ack = 0;         // the last ACK of the current ACK train (us)
    uint32_t curr_rtt = 0;         // the smallest RTT sample of this round (us)
};

// The clocks a hook reads: tcp_jiffies32 and CONFIG_HZ, and tcp_mstamp in us as the
// u32 bictcp_clock_us() makes of it
struct CubicClock
{
    uint32_t jiffies = 0;
    int hz = 250;
    uint32_t us = 0;
};

// cubic_root(): the cube root of `a`, from a 64-entry table of the leading bits and one
// Newton-Raphson step
uint32_t CubicRoot(uint64_t a);

// bictcp_reset()
void BictcpReset(CubicState& ca);

// bictcp_hystart_reset(): a new round starts now and ends when snd_nxt is ACKed
void BictcpHystartReset(CubicState& ca, const Tcb& tp, uint32_t now_us);

// cubictcp_init(): at tcp_init_transfer(); initial_ssthresh applies only without HyStart
void CubicInit(CubicState& ca, Tcb& tp, const TcpCubicParams& p, uint32_t now_us);

// cubictcp_cwnd_event(CA_EVENT_TX_START): the first send with nothing in flight; an
// epoch in progress moves on by the idle time (since tp.lsndtime), not past now
void CubicTxStart(CubicState& ca, const Tcb& tp, uint32_t now_jiffies);

// bictcp_update(): ca.cnt for a window of `cwnd` that `acked` more segments were ACKed
// at
void BictcpUpdate(CubicState& ca, uint32_t cwnd, uint32_t acked, const CubicClock& now, const TcpCubicParams& p);

// cubictcp_cong_avoid(): slow start, then one segment per ca.cnt ACKed;
// `cwnd_limited` is tcp_is_cwnd_limited()
void CubicCongAvoid(CubicState& ca, Tcb& tp, uint32_t acked, bool cwnd_limited, const CubicClock& now,
                    const TcpCubicParams& p);

// cubictcp_recalc_ssthresh() (ca_ops->ssthresh): the epoch ends; W_max is the window
// now, or less when the window is falling short of the last W_max (fast convergence);
// the new ssthresh is beta/1024 of the window, at least 2
uint32_t CubicRecalcSsthresh(CubicState& ca, uint32_t cwnd, const TcpCubicParams& p);

// cubictcp_state() (ca_ops->set_state, from tcp_set_ca_state()): entering Loss (an
// RTO) forgets everything, W_max and delay_min included
void CubicSetState(CubicState& ca, const Tcb& tp, CaState new_state, uint32_t now_us);

// hystart_ack_delay(): the TSO/GRO cushion added to delay_min for the ACK train, at
// most 1 ms; 0 until a pacing rate is known
uint32_t HystartAckDelay(uint64_t sk_pacing_rate, uint32_t sk_gso_max_size);

// hystart_update(): one RTT sample (us) in slow start; may end slow start by setting
// ssthresh to the window
void HystartUpdate(CubicState& ca, Tcb& tp, uint32_t delay, uint32_t ack_delay_us, const CubicClock& now,
                   const TcpCubicParams& p);

// cubictcp_acked() (ca_ops->pkts_acked, from tcp_clean_rtx_queue()): `rtt_us` is the
// ACK's RTT sample (rs->rtt_us; negative: none); `sk_gso_max_size` for
// hystart_ack_delay()
void CubicAcked(CubicState& ca, Tcb& tp, int64_t rtt_us, uint32_t sk_gso_max_size, const CubicClock& now,
                const TcpCubicParams& p);

} // namespace sim
