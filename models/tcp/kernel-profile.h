// SPDX-License-Identifier: GPL-2.0-only
// A Linux kernel's TCP behaviour as data: sysctls by name plus the few facts that are
// not sysctls (CONFIG_HZ, TS offset policy, constants that changed between versions).
// Loaded from models/profiles/NAME.toml by config/kernel-profile-loader.cc.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace sim
{

// secure_tcp_ts_off(): 5.x hashes (saddr, daddr) only, so both directions of a
// loopback connection share one offset; 6.x hashes the whole flow.
enum class TsOffsetPolicy
{
    PerAddressPair,
    PerFlow,
};

// tcp_win_from_space(): up to 6.4 a fixed share of the buffer (tcp_adv_win_scale);
// from 6.5 the measured payload/truesize ratio of received skbs (tp->scaling_ratio)
enum class WinFromSpace
{
    AdvWinScale,
    ScalingRatio,
};

// Receive-buffer autotuning (dynamic right-sizing, DRS), tcp_rcv_space_adjust():
// up to 6.15 the buffer grows for twice what was read in an RTT plus 16 segments and
// the sender's growth, in whole advmss skbs; from 6.16 (tcp_rcvbuf_grow()) for twice
// what was read minus what is still queued, plus the growth; RTT samples above the
// minimum count only from timestamps and with the receive queue empty.
enum class Drs
{
    Linux5,
    Linux616,
};

// net.ipv4.tcp_congestion_control. Both are modelled whole: Cubic (cubic.h: its curve,
// HyStart, its ssthresh) and BBR v1 (bbr.h: its model of the path from rate samples,
// its window and pacing rate; with no fq qdisc TCP paces for it, tcp_pacing_check()).
enum class CongestionControl
{
    Cubic,
    Bbr,
};

// The tcp_cubic module's parameters (/sys/module/tcp_cubic/parameters/NAME, the
// module_param()s of net/ipv4/tcp_cubic.c), with their defaults. beta and bic_scale
// also give the factors cubictcp_register() computes once at load.
struct TcpCubicParams
{
    int fast_convergence = 1;
    int beta = 717; // of BICTCP_BETA_SCALE (1024)
    int initial_ssthresh = 0;
    int bic_scale = 41;
    int tcp_friendliness = 1;
    int hystart = 1;
    int hystart_detect = 3; // HYSTART_ACK_TRAIN | HYSTART_DELAY
    int hystart_low_window = 16;
    int hystart_ack_delta_us = 2000;
};

struct KernelProfile
{
    std::string name;

    // sysctls (names as in /proc/sys)
    std::array<int, 3> tcp_rmem{4096, 131072, 6291456}; // net.ipv4.tcp_rmem
    std::array<int, 3> tcp_wmem{4096, 16384, 4194304};  // net.ipv4.tcp_wmem
    int tcp_adv_win_scale = 1;                          // net.ipv4.tcp_adv_win_scale
    int tcp_app_win = 31;                               // net.ipv4.tcp_app_win
    bool tcp_timestamps = true;                         // net.ipv4.tcp_timestamps
    bool tcp_sack = true;                               // net.ipv4.tcp_sack
    bool tcp_window_scaling = true;                     // net.ipv4.tcp_window_scaling
    bool tcp_workaround_signed_windows = false; // net.ipv4.tcp_workaround_signed_windows
    bool tcp_autocorking = true;                // net.ipv4.tcp_autocorking
    // net.ipv4.tcp_backlog_ack_defer (6.8+): an immediate ACK while the owner processes
    // the backlog waits for tcp_release_cb(), one for the whole backlog
    bool tcp_backlog_ack_defer = false;
    bool tcp_moderate_rcvbuf = true;            // net.ipv4.tcp_moderate_rcvbuf
    int tcp_fin_timeout = 60;                   // net.ipv4.tcp_fin_timeout (s)
    int rmem_max = 212992;                      // net.core.rmem_max
    int wmem_max = 212992;                      // net.core.wmem_max
    CongestionControl congestion_control = CongestionControl::Cubic; // net.ipv4.tcp_congestion_control
    // loss recovery
    bool tcp_dsack = true;         // net.ipv4.tcp_dsack
    int tcp_early_retrans = 3;     // net.ipv4.tcp_early_retrans: 3 or 4 arm the tail loss probe
    int tcp_frto = 2;              // net.ipv4.tcp_frto
    int tcp_retries2 = 15;         // net.ipv4.tcp_retries2
    int tcp_syn_retries = 6;       // net.ipv4.tcp_syn_retries
    int tcp_syn_linear_timeouts = 0; // net.ipv4.tcp_syn_linear_timeouts (6.5+; 4 by default)
    int tcp_synack_retries = 5;    // net.ipv4.tcp_synack_retries
    int tcp_rto_min_us = 200000;   // net.ipv4.tcp_rto_min_us (TCP_RTO_MIN before 6.11)
    int tcp_comp_sack_nr = 44;     // net.ipv4.tcp_comp_sack_nr
    int tcp_tso_win_divisor = 3;   // net.ipv4.tcp_tso_win_divisor
    int tcp_min_tso_segs = 2;      // net.ipv4.tcp_min_tso_segs
    int tcp_tso_rtt_log = 9;       // net.ipv4.tcp_tso_rtt_log
    int tcp_pacing_ss_ratio = 200; // net.ipv4.tcp_pacing_ss_ratio (%)
    int tcp_pacing_ca_ratio = 120; // net.ipv4.tcp_pacing_ca_ratio (%)
    bool tcp_slow_start_after_idle = true; // net.ipv4.tcp_slow_start_after_idle
    int64_t tcp_comp_sack_delay_ns = 1000000; // net.ipv4.tcp_comp_sack_delay_ns
    TcpCubicParams tcp_cubic;      // the tcp_cubic module's parameters

    // kernel facts
    int hz = 250;                 // CONFIG_HZ: jiffies for ATO and delayed-ACK timers
    TsOffsetPolicy ts_offset = TsOffsetPolicy::PerAddressPair;
    int tcp_pingpong_thresh = 3;  // TCP_PINGPONG_THRESH (3 from 5.1, 1 again from 2023), a sysctl in 6.x
    // 5.1-6.4's tcp_event_data_sent(): with the constant above 1, only the first reply
    // after data that arrived in a later jiffy than our last send counts. The 6.x
    // sysctl counts every reply. Set by the loader from which of the two is given.
    bool pingpong_first_reply_only = true;
    WinFromSpace win_from_space = WinFromSpace::AdvWinScale;
    Drs drs = Drs::Linux5;
    // tcp_dec_quickack_mode(): before 6.6 every segment carrying an ACK used up a
    // quick ACK (tcp_event_ack_sent(sk, pcount)); since, only ACKs of new data do.
    bool quickack_counts_every_ack = true;
    // SKB_TRUESIZE() overhead of an skb whose payload sits in page frags:
    // SKB_DATA_ALIGN(sizeof(struct sk_buff)) + SKB_DATA_ALIGN(sizeof(skb_shared_info))
    // plus the kmalloc'ed head of tcp_stream_alloc_skb(); depends on the build.
    // x86_64: 256 + 320 + the 704-byte head of alloc_skb_fclone(MAX_TCP_HEADER) = 1280.
    int skb_truesize_overhead = 1280;
    // MAX_TCP_HEADER: L1_CACHE_ALIGN(128 + MAX_HEADER), 320 on x86_64 distribution
    // builds; tcp_rcv_space_adjust() charges it to every skb of advmss (5.x)
    int max_tcp_header = 320;
    // tcp_grow_skb() in tcp_write_xmit() (6.10+): the send head is topped up from the
    // skbs queued behind it to what the congestion window lets one packet carry
    bool tcp_grow_skb = false;
    // tcp_add_backlog() (5.0+): a segment continuing the backlog's last skb with the same
    // options joins it (two ACKs become one, with the later window)
    bool tcp_backlog_coalesce = false;

    // A stack that is not Linux (VirtualBox's NAT engine, slirp, a BSD-derived TCP):
    // a fixed advertised window instead of Linux's free-space arithmetic, and every
    // segment ACKed at once (no delayed ACKs). 0 / true: Linux.
    uint32_t fixed_window = 0;
    bool delayed_ack = true;

    // loopback device and scheduler
    int loopback_mtu = 65536;           // loopback_setup(): dev->mtu = 64 * 1024
    int64_t loopback_latency_ns = 5000; // a segment handed to the device to tcp_v4_rcv() on the same host
    int64_t loopback_before_tap_ns = 0; // of that, what passes before the capture's copy
    // A send on loopback runs the receive path inside the sender's call: loopback_xmit()
    // -> __netif_rx() queues the skb on this CPU's backlog with bottom halves off, and
    // __dev_queue_xmit()'s rcu_read_unlock_bh() -> local_bh_enable() -> do_softirq()
    // -> net_rx_action() -> process_backlog() runs the peer's tcp_v4_rcv() at once, and
    // whatever that sends back (a quick ACK) in the same loop, into the sender's
    // backlog (its socket is held), processed at release_sock() before the call
    // returns. true: write() returns after those deliveries, plus
    // loopback_softirq_wake_ns for each task the deliveries wake (try_to_wake_up() of
    // a reader asleep on the other CPU). false: the program goes on when it makes the
    // call, as the profiles fitted with instant sends assume.
    bool loopback_send_runs_softirq = false;
    int64_t loopback_softirq_wake_ns = 0;
    // What a task woken by a full skb sent mid-write costs the writer before its next
    // copy; -1: loopback_softirq_wake_ns. A host property measured from recordings,
    // not a kernel rule.
    int64_t loopback_midwrite_wake_ns = -1;
    int64_t wakeup_latency_ns = 4000;   // a task woken by a socket event gets the CPU
    // A soft hrtimer (TCP's pacing timer, HRTIMER_MODE_ABS_PINNED_SOFT) runs this long
    // after it is due or armed, whichever is later: the timer interrupt's delay and the
    // HRTIMER_SOFTIRQ after it. A host property, measured with tracefs.
    int64_t hrtimer_latency_ns = 0;
    // A traced write whose copy loop restarted at the same byte (a backlog flush, "goto
    // restart") more than flush_held_gap_ns but less than flush_held_gap_max_ns after
    // the turn before: the task was held there, and its flush came
    // flush_before_restart_ns before the restart. A host property read from
    // recordings; 0: the flush at the first turn.
    int64_t flush_held_gap_ns = 0;
    int64_t flush_held_gap_max_ns = 0;
    int64_t flush_before_restart_ns = 0;
    // Time a system call spends per KiB, the host's speed. sendmsg: the copy into skbs
    // (skb_copy_to_page_nocache()) and, on loopback, the receiving softirq that each
    // skb's transmit runs on the same CPU. recvmsg: skb_copy_datagram_msg() alone.
    // 0: instantaneous.
    int64_t sendmsg_ns_per_kib = 0;
    int64_t recvmsg_ns_per_kib = 0;
    // From a read() call's start to its copy: the system call's entry and lock_sock()
    int64_t recvmsg_entry_ns = 0;
    // Whether what the receive path sends waits until the task it woke gets the CPU
    // (the softirq backlog left to ksoftirqd). Not a kernel rule: a property of the
    // host and its load, inferred for the seed's machine from V1's no.7 and refuted on
    // this project's 6.18 machine (tests/data/real/late-wake).
    bool softirq_waits_for_woken_task = false;
};

} // namespace sim
