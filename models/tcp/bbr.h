// SPDX-License-Identifier: GPL-2.0-only
// BBR (v1) congestion control, after net/ipv4/tcp_bbr.c of Linux 6.18: the per-socket
// state (struct bbr) and the hooks tcp_input.c and tcp_output.c call through
// tcp_congestion_ops, as pure functions of that state and the TCB, in the kernel's
// integer arithmetic. BBR keeps a model of the path, the largest delivery rate of the
// last 10 rounds (bw, packets per us << 24) and the smallest RTT of the last 10 s
// (min_rtt_us), and sends at pacing_gain x bw with a window of cwnd_gain x bw x
// min_rtt. The gains follow a state machine: STARTUP doubles the rate each round
// until three rounds bring less than 25% more bandwidth, DRAIN empties the queue that
// made, PROBE_BW cycles the gain through 1.25, 0.75 and six times 1.0 (a phase about
// min_rtt long), and PROBE_RTT holds 4 packets in flight for 200 ms and a round once
// min_rtt has not been refreshed for 10 s. A
// policer (steady delivery at a high loss rate over two intervals) is modelled by the
// long-term rate lt_bw. Times: rate samples and delivered_mstamp in us (tcp_mstamp),
// the min_rtt filter and PROBE_RTT in jiffies (tcp_jiffies32, CONFIG_HZ), the EDT
// clocks in ns.
#pragma once

#include "models/tcp/send-policy.h"
#include "models/tcp/tcb.h"
#include "models/tcp/tcp-rate.h"

#include <cstdint>

namespace sim
{

// BW_SCALE, BW_UNIT: bandwidth in packets per us, scaled by 2^24 (about 715 bit/s per
// unit at a 1500-byte mss)
inline constexpr int BW_SCALE = 24;
inline constexpr uint32_t BW_UNIT = 1u << BW_SCALE;
// BBR_SCALE, BBR_UNIT: gains and other fractions in 1/256ths
inline constexpr int BBR_SCALE = 8;
inline constexpr int BBR_UNIT = 1 << BBR_SCALE;

// BBR's module parameters (the static consts of tcp_bbr.c), with the kernel's values
inline constexpr uint32_t CYCLE_LEN = 8;                    // phases of the PROBE_BW gain cycle
inline constexpr int bbr_bw_rtts = CYCLE_LEN + 2;           // bw filter window, rounds
inline constexpr uint32_t bbr_min_rtt_win_sec = 10;         // min_rtt filter window, s
inline constexpr uint32_t bbr_probe_rtt_mode_ms = 200;      // least time in PROBE_RTT
inline constexpr int bbr_min_tso_rate = 1200000;            // bit/s below which TSO is skipped
inline constexpr int bbr_pacing_margin_percent = 1;         // pace 1% below the estimate
inline constexpr int bbr_high_gain = BBR_UNIT * 2885 / 1000 + 1; // 2/ln(2): 739
inline constexpr int bbr_drain_gain = BBR_UNIT * 1000 / 2885;    // 1/high_gain: 88
inline constexpr int bbr_cwnd_gain = BBR_UNIT * 2;               // PROBE_BW's cwnd gain: 512
inline constexpr int bbr_pacing_gain[CYCLE_LEN] = {
    BBR_UNIT * 5 / 4, // probe for more
    BBR_UNIT * 3 / 4, // drain what probing queued
    BBR_UNIT,         BBR_UNIT, BBR_UNIT, BBR_UNIT, BBR_UNIT, BBR_UNIT, // cruise
};
inline constexpr uint32_t bbr_cycle_rand = 7;           // the cycle starts at a random phase of 7
inline constexpr uint32_t bbr_cwnd_min_target = 4;      // the smallest window, PROBE_RTT's
inline constexpr uint32_t bbr_full_bw_thresh = BBR_UNIT * 5 / 4; // growth that is "still growing"
inline constexpr uint32_t bbr_full_bw_cnt = 3;          // rounds without it: the pipe is full
inline constexpr uint32_t bbr_lt_intvl_min_rtts = 4;    // least rounds in an LT interval
inline constexpr uint32_t bbr_lt_loss_thresh = 50;      // lost/delivered >= 50/256: lossy
inline constexpr uint32_t bbr_lt_bw_ratio = BBR_UNIT / 8; // two rates within 1/8: consistent
inline constexpr uint32_t bbr_lt_bw_diff = 4000 / 8;    // or within 4 kbit/s (bytes/s)
inline constexpr uint32_t bbr_lt_bw_max_rtts = 48;      // rounds lt_bw is used for
inline constexpr int bbr_extra_acked_gain = BBR_UNIT;   // gain on extra_acked in the window
inline constexpr uint32_t bbr_extra_acked_win_rtts = 5; // extra_acked filter window, rounds
inline constexpr uint32_t bbr_ack_epoch_acked_reset_thresh = 1u << 20;
inline constexpr uint32_t bbr_extra_acked_max_us = 100 * 1000; // extra_acked at most 100 ms of bw

// GSO_LEGACY_MAX_SIZE (include/linux/netdevice.h): bbr_tso_segs_goal()'s bound, less
// MAX_TCP_HEADER and one byte
inline constexpr uint32_t BBR_GSO_LEGACY_MAX_SIZE = 65536;

// enum bbr_mode
enum class BbrMode : uint8_t
{
    STARTUP = 0,   // ramp up: high_gain
    DRAIN = 1,     // drain the queue STARTUP built
    PROBE_BW = 2,  // cycle the gain around the estimate
    PROBE_RTT = 3, // cut the window to 4 to measure min_rtt
};

// struct minmax_sample and struct minmax (include/linux/win_minmax.h): Kathleen
// Nichols' windowed max/min, the best, second and third best samples of the window
struct MinmaxSample
{
    uint32_t t = 0; // when (here: bbr.rtt_cnt, rounds)
    uint32_t v = 0; // the value
};

struct Minmax
{
    MinmaxSample s[3];
};

// minmax_get()
inline uint32_t
MinmaxGet(const Minmax& m)
{
    return m.s[0].v;
}

// minmax_reset(): all three samples become (t, meas)
uint32_t MinmaxReset(Minmax& m, uint32_t t, uint32_t meas);

// minmax_running_max() (lib/win_minmax.c): a sample at least the best, or a window
// with nothing left in it, restarts the filter; otherwise it may become the second or
// third best, and samples older than `win` age out
uint32_t MinmaxRunningMax(Minmax& m, uint32_t win, uint32_t t, uint32_t meas);

// struct bbr. The kernel's bit-fields are whole fields here; where one could wrap,
// the code masks it to the kernel's width. A BbrState as constructed is the zeroed
// icsk_ca_priv (tcp_assign_congestion_control()); BbrInit() sets what bbr_init() sets.
struct BbrState
{
    uint32_t min_rtt_us = 0;           // the smallest RTT of the min_rtt_win_sec window
    uint32_t min_rtt_stamp = 0;        // when it was taken (jiffies)
    uint32_t probe_rtt_done_stamp = 0; // when PROBE_RTT may end (jiffies); 0: not yet known
    Minmax bw;                         // the max delivery rate filter (pkts/us << 24)
    uint32_t rtt_cnt = 0;              // packet-timed rounds so far
    uint32_t next_rtt_delivered = 0;   // tp->delivered at the end of this round
    uint64_t cycle_mstamp = 0;         // start of this gain-cycle phase (us)
    BbrMode mode = BbrMode::STARTUP;   // mode:3
    CaState prev_ca_state = CaState::Open; // the CA state at the previous ACK (prev_ca_state:3)
    bool packet_conservation = false;  // first round of recovery: send what is ACKed
    bool round_start = false;          // this ACK starts a new round
    bool idle_restart = false;         // restarting after idle
    bool probe_rtt_round_done = false; // a round at 4 packets in PROBE_RTT has passed
    bool lt_is_sampling = false;       // taking long-term samples
    uint32_t lt_rtt_cnt = 0;           // rounds in this long-term interval (lt_rtt_cnt:7)
    bool lt_use_bw = false;            // use lt_bw as the estimate (policed)
    uint32_t lt_bw = 0;                // long-term delivery rate (pkts/us << 24)
    uint32_t lt_last_delivered = 0;    // tp->delivered at the interval's start
    uint32_t lt_last_stamp = 0;        // tp->delivered_mstamp then, in ms
    uint32_t lt_last_lost = 0;         // tp->lost then
    uint32_t pacing_gain = 0;          // pacing_gain:10, in BBR_UNIT
    uint32_t cwnd_gain = 0;            // cwnd_gain:10, in BBR_UNIT
    bool full_bw_reached = false;      // STARTUP found the pipe full
    uint32_t full_bw_cnt = 0;          // rounds without 25% growth (full_bw_cnt:2)
    uint32_t cycle_idx = 0;            // phase of the gain cycle (cycle_idx:3)
    bool has_seen_rtt = false;         // an RTT sample has set the pacing rate
    uint32_t prior_cwnd = 0;           // the window before recovery or PROBE_RTT cut it
    uint32_t full_bw = 0;              // the bw that later rounds must beat by 25%
    // ACK aggregation
    uint64_t ack_epoch_mstamp = 0;     // start of the ACK sampling epoch (us)
    uint16_t extra_acked[2] = {0, 0};  // the most ACKed beyond bw in each half-window
    uint32_t ack_epoch_acked = 0;      // packets (S)ACKed in the epoch (ack_epoch_acked:20)
    uint32_t extra_acked_win_rtts = 0; // age of extra_acked[idx], rounds (:5)
    uint32_t extra_acked_win_idx = 0;  // which extra_acked is current (:1)
    // Not the kernel's: the state of the draws get_random_u32_below() makes
    // (bbr_reset_probe_bw_mode()), seeded per connection by BbrInit()
    uint64_t rng = 0;
};

// The TsoSizing bbr_tso_segs_goal() works from: gso_max_size is the kernel's bound
// GSO_LEGACY_MAX_SIZE - 1 - MAX_TCP_HEADER (a profile's max_tcp_header), which BBR
// uses whatever the device's sk_gso_max_size
inline TsoSizing
BbrTsoSizing(int max_tcp_header)
{
    TsoSizing in;
    in.gso_max_size = BBR_GSO_LEGACY_MAX_SIZE - 1 - static_cast<uint32_t>(max_tcp_header);
    return in;
}

// What a hook reads besides the TCB: tcp_mstamp (us), tcp_jiffies32 and CONFIG_HZ, and
// the sizes bbr_tso_segs_goal() works from.
struct BbrEnv
{
    uint64_t now_us = 0;      // tp->tcp_mstamp (bbr_init(), CA_EVENT_TX_START)
    uint32_t now_jiffies = 0; // tcp_jiffies32 (min_rtt_stamp, probe_rtt_done_stamp)
    int hz = 250;             // CONFIG_HZ
    // For bbr_tso_segs_goal(), which goes through TcpTsoSegs() with a copy of this:
    // pacing_rate becomes tp.sk_pacing_rate and min_tso_segs BbrMinTsoSegs(tp), and the
    // RTT allowance is turned off (bbr_tso_segs_goal() has none). gso_max_size must be
    // BbrTsoSizing()'s, not tp.gso_max_size (0 where the model sends one mss per
    // packet). The default: 6.18's MAX_TCP_HEADER of 256 (linux-6.18.toml), 65279.
    TsoSizing tso = BbrTsoSizing(256);
};

// bbr_full_bw_reached()
inline bool
BbrFullBwReached(const BbrState& bbr)
{
    return bbr.full_bw_reached;
}

// bbr_max_bw(): the windowed max delivery rate, pkts/us << 24
inline uint32_t
BbrMaxBw(const BbrState& bbr)
{
    return MinmaxGet(bbr.bw);
}

// bbr_bw(): the estimate in use, lt_bw while policed
inline uint32_t
BbrBw(const BbrState& bbr)
{
    return bbr.lt_use_bw ? bbr.lt_bw : BbrMaxBw(bbr);
}

// bbr_rate_bytes_per_sec(): a rate in pkts/us << 24, times gain/256, in bytes per
// second at mss_cache, less bbr_pacing_margin_percent
uint64_t BbrRateBytesPerSec(const Tcb& tp, uint64_t rate, int gain);

// bbr_min_tso_segs() (ca_ops->min_tso_segs): 1 below bbr_min_tso_rate, else 2
uint32_t BbrMinTsoSegs(const Tcb& tp);

// bbr_tso_segs_goal(): about 1 ms of the pacing rate in mss, at least
// bbr_min_tso_segs(), at most 127
uint32_t BbrTsoSegsGoal(const Tcb& tp, const BbrEnv& env);

// bbr_bdp(): ceil(bw x min_rtt x gain) in packets; TCP_INIT_CWND without an RTT sample
uint32_t BbrBdp(const BbrState& bbr, uint32_t bw, int gain);

// bbr_inflight(): bbr_bdp() plus bbr_quantization_budget()
uint32_t BbrInflight(const BbrState& bbr, const Tcb& tp, uint32_t bw, int gain, const BbrEnv& env);

// bbr_init() (ca_ops->init, from tcp_init_transfer()); `seed` starts bbr.rng
void BbrInit(BbrState& bbr, Tcb& tp, const BbrEnv& env, uint64_t seed);

// bbr_main() (ca_ops->cong_control, from tcp_cong_control()): update the model from
// the rate sample, then set tp.sk_pacing_rate and tp.snd_cwnd
void BbrMain(BbrState& bbr, Tcb& tp, const RateSample& rs, const BbrEnv& env);

// bbr_ssthresh() (ca_ops->ssthresh): save the window for after recovery; ssthresh
// stays as it is
uint32_t BbrSsthresh(BbrState& bbr, const Tcb& tp);

// bbr_undo_cwnd() (ca_ops->undo_cwnd): the slow-down was spurious: full-pipe
// detection and long-term sampling start over; the window stays
uint32_t BbrUndoCwnd(BbrState& bbr, const Tcb& tp);

// bbr_set_state() (ca_ops->set_state, from tcp_set_ca_state() before tp.ca_state
// changes): an RTO (Loss) ends the round and counts as a loss for the long-term sampler
void BbrSetState(BbrState& bbr, Tcb& tp, CaState new_state, const BbrEnv& env);

// bbr_cwnd_event(CA_EVENT_TX_START): the first send with nothing in flight; after an
// application-limited idle, PROBE_BW paces at the estimate and PROBE_RTT may end
void BbrCwndEventTxStart(BbrState& bbr, Tcb& tp, const BbrEnv& env);

} // namespace sim
