// SPDX-License-Identifier: GPL-2.0-only
// The TCP control block: Linux's struct tcp_sock reduced to what the model uses, with
// the kernel's field names. Plain data: the code that changes it lives in the helpers
// (window.h, delack.h, ts-clock.h) and in LinuxTcpSocket (input.cc, output.cc).
#pragma once

#include <cstdint>

namespace sim
{

enum class TcpState
{
    Closed,
    Listen,
    SynSent,
    SynRecv,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
};

const char* ToString(TcpState s);

// include/net/tcp.h and include/net/inet_connection_sock.h
inline constexpr uint32_t TCP_MSS_DEFAULT = 536;
inline constexpr uint32_t TCP_MIN_MSS = 88;
inline constexpr uint32_t TCP_MAX_QUICKACKS = 16;
inline constexpr uint32_t TCP_MAX_WSCALE = 14;
inline constexpr uint32_t MAX_TCP_WINDOW = 32767;
inline constexpr uint32_t TCPOLEN_TSTAMP_ALIGNED = 12;
inline constexpr uint32_t TCP_BASE_HEADER_LEN = 20;
inline constexpr uint32_t IPV4_MAX_PMTU = 65535;
inline constexpr uint32_t IPV4_TCP_HEADERS = 40;
inline constexpr uint32_t TCP_INIT_CWND = 10;
// SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF (include/net/sock.h): TCP_SKB_MIN_TRUESIZE
// (2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff))) twice, and once
inline constexpr int SOCK_MIN_RCVBUF = 2048 + 256;
inline constexpr int SOCK_MIN_SNDBUF = 2 * SOCK_MIN_RCVBUF;
// SKB_TRUESIZE(X) - X on x86_64: SKB_DATA_ALIGN(sizeof(struct sk_buff)) +
// SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
inline constexpr int SKB_TRUESIZE_FIXED = 256 + 320;
// MAX_SKB_FRAGS (CONFIG_MAX_SKB_FRAGS, 17 by default)
inline constexpr int MAX_SKB_FRAGS = 17;

// icsk_ack.pending bits (enum inet_csk_ack_state_t)
inline constexpr uint8_t ICSK_ACK_SCHED = 1;
inline constexpr uint8_t ICSK_ACK_TIMER = 2;
inline constexpr uint8_t ICSK_ACK_PUSHED = 4;
inline constexpr uint8_t ICSK_ACK_PUSHED2 = 8;
inline constexpr uint8_t ICSK_ACK_NOW = 16;

// sk_shutdown bits
inline constexpr uint8_t RCV_SHUTDOWN = 1;
inline constexpr uint8_t SEND_SHUTDOWN = 2;

// sk_userlocks bits: a buffer size the application set (SO_SNDBUF, SO_RCVBUF)
inline constexpr uint8_t SOCK_SNDBUF_LOCK = 1;
inline constexpr uint8_t SOCK_RCVBUF_LOCK = 2;

// tcp_skb_cb->sacked bits of a sent skb (enum tcp_skb_cb_sacked_flags)
inline constexpr uint8_t TCPCB_SACKED_ACKED = 0x01;
inline constexpr uint8_t TCPCB_SACKED_RETRANS = 0x02;
inline constexpr uint8_t TCPCB_LOST = 0x04;
inline constexpr uint8_t TCPCB_TAGBITS = 0x07;
inline constexpr uint8_t TCPCB_EVER_RETRANS = 0x80;
inline constexpr uint8_t TCPCB_RETRANS = TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS;

inline constexpr uint32_t TCP_INFINITE_SSTHRESH = 0x7fffffff;
inline constexpr uint32_t TCP_FASTRETRANS_THRESH = 3; // net.ipv4.tcp_reordering
inline constexpr uint32_t TCP_MAX_REORDERING = 300;   // net.ipv4.tcp_max_reordering
inline constexpr uint32_t TCP_TIMEOUT_MIN_US = 2000;
inline constexpr int TCP_NUM_SACKS = 4;

// enum tcp_ca_state
enum class CaState : uint8_t
{
    Open = 0,
    Disorder = 1,
    CWR = 2,
    Recovery = 3,
    Loss = 4,
};

// struct tcp_sack_block
struct SackBlock
{
    uint32_t start_seq = 0;
    uint32_t end_seq = 0;
};

// struct tcp_rack (include/linux/tcp.h); times in us of tcp_mstamp
struct RackState
{
    uint64_t mstamp = 0;  // send time of the newest (S)ACKed skb
    uint32_t rtt_us = 0;  // its RTT
    uint32_t end_seq = 0; // its end
    uint32_t last_delivered = 0;
    uint8_t reo_wnd_steps = 1;
    uint8_t reo_wnd_persist = 0;
    bool dsack_seen = false;
    bool advanced = false;
};

// Delayed-ACK engine state: struct inet_connection_sock::icsk_ack. Times in jiffies.
struct AckState
{
    uint8_t pending = 0;
    uint32_t quick = 0;
    uint32_t pingpong = 0;
    uint32_t ato = 0;
    uint32_t timeout = 0;
    uint32_t lrcvtime = 0;
    uint32_t rcv_mss = 0;
    uint32_t last_seg_size = 0;
};

struct Tcb
{
    TcpState state = TcpState::Closed;

    // send sequence space (RFC 9293 3.3.1)
    uint32_t iss = 0;
    uint32_t snd_una = 0;
    uint32_t snd_nxt = 0;
    uint32_t snd_wnd = 0;
    uint32_t snd_wl1 = 0;
    uint32_t max_window = 0;
    uint32_t write_seq = 0; // end of what the application has written
    uint32_t pushed_seq = 0;
    uint32_t snd_sml = 0;     // end of the last small segment sent (Minshall's Nagle)
    uint32_t lsndtime = 0;    // jiffy of the last data sent (tcp_event_data_sent())
    uint32_t packets_out = 0; // segments sent and not yet acknowledged
    uint32_t snd_cwnd = TCP_INIT_CWND;
    // tcp_cwnd_validate()'s record of how much of the window is used, per window of
    // data (from snd_nxt at cwnd_usage_seq until it is ACKed): the most in flight, or
    // that the window was full
    uint32_t max_packets_out = 0;
    bool is_cwnd_limited = false;
    uint32_t cwnd_usage_seq = 0;
    uint32_t srtt_us = 0;     // smoothed RTT in us, << 3 like the kernel's
    uint32_t mdev_us = 0;     // medium deviation, << 2
    uint32_t mdev_max_us = 0; // its largest in the last RTT
    uint32_t rttvar_us = 0;   // the deviation the RTO uses
    uint32_t rtt_seq = 0;     // snd_nxt when rttvar was last updated
    uint32_t rtt_min_us = 0;  // minimum RTT seen (tcp_min_rtt(); 0: none yet)
    // sk_pacing_rate, bytes per second: unlimited (~0UL, sock_init_data()) until the
    // first tcp_update_pacing_rate(); with no fq it paces nothing, but it sizes GSO
    // packets (tcp_tso_autosize())
    uint64_t sk_pacing_rate = ~0ULL;
    uint32_t icsk_rto = 0;    // retransmission timeout, jiffies
    uint8_t icsk_backoff = 0;
    uint8_t icsk_retransmits = 0; // RTOs since snd_una last moved
    uint32_t total_rto = 0;

    // loss recovery (struct tcp_sock)
    CaState ca_state = CaState::Open;
    uint32_t snd_ssthresh = TCP_INFINITE_SSTHRESH;
    uint32_t snd_cwnd_cnt = 0;
    uint32_t prior_ssthresh = 0;
    uint32_t prior_cwnd = 0;
    uint32_t high_seq = 0;    // snd_nxt when recovery or loss began
    uint32_t undo_marker = 0; // snd_una then; 0: no undo possible
    int undo_retrans = 0;     // retransmissions not yet shown spurious; -1: none
    uint32_t retrans_stamp = 0; // TS clock (ms) of the first retransmission of the episode
    uint32_t sacked_out = 0;
    uint32_t lost_out = 0;
    uint32_t retrans_out = 0;
    uint32_t total_retrans = 0;
    uint32_t prr_delivered = 0;
    uint32_t prr_out = 0;
    uint32_t delivered = 0;
    uint32_t lost = 0;
    // the delivery rate estimator (tcp_rate.c), times in us of tcp_mstamp
    uint64_t first_tx_mstamp = 0;  // send time of the newest skb (S)ACKed, or of the first sent
    uint64_t delivered_mstamp = 0; // when tp.delivered last grew
    // delivered + in flight when the sender ran dry (0: not limited); a bubble until the
    // first ACK (tcp_init_sock())
    uint32_t app_limited = ~0U;
    uint32_t rate_delivered = 0;   // the last sample kept (tcpi_delivery_rate)
    uint32_t rate_interval_us = 0;
    bool rate_app_limited = true;
    uint32_t data_segs_out = 0; // segments with data sent (__tcp_transmit_skb())
    uint32_t dsack_dups = 0;
    uint32_t reordering = TCP_FASTRETRANS_THRESH;
    uint32_t reord_seen = 0;
    uint32_t tlp_high_seq = 0; // snd_nxt when a loss probe went; 0: none out
    bool tlp_retrans = false;  // the probe was a retransmission
    bool frto = false;
    bool is_sack_reneg = false;
    RackState rack;

    // receive sequence space
    uint32_t irs = 0;
    uint32_t rcv_nxt = 0;
    uint32_t rcv_wup = 0; // rcv_nxt when the window was last advertised
    uint32_t rcv_wnd = 0;
    uint32_t copied_seq = 0; // first byte the application has not read
    uint32_t rcv_ssthresh = 0;
    uint32_t window_clamp = 0;

    // negotiated options (struct tcp_options_received)
    bool tstamp_ok = false;
    bool sack_ok = false;
    bool wscale_ok = false;
    uint8_t snd_wscale = 0;
    uint8_t rcv_wscale = 0;
    uint32_t mss_clamp = 0; // the peer's MSS option
    uint32_t ts_recent = 0;
    uint32_t rcv_tsecr = 0; // TSecr of the segment being processed, less our tsoffset

    // SACK blocks this receiver reports (struct tcp_sock selective_acks[],
    // duplicate_sack[], rx_opt.num_sacks / dsack)
    SackBlock selective_acks[TCP_NUM_SACKS];
    SackBlock duplicate_sack;
    uint8_t num_sacks = 0;
    bool dsack = false;

    uint32_t advmss = 0;    // our MSS option
    uint32_t user_mss = 0;  // TCP_MAXSEG (tp->rx_opt.user_mss); 0: none
    uint32_t mss_cache = 0; // payload per segment, options excluded
    uint32_t tcp_header_len = TCP_BASE_HEADER_LEN;

    // TS clock: tcp_clock_cache in ns (the cached tcp_mstamp) and the offset added to
    // its millisecond ticks (tp->tsoffset)
    uint64_t tcp_clock_cache = 0;
    uint32_t tsoffset = 0;
    // departure time of the last segment sent, on the same clock (tp->tcp_wstamp_ns);
    // with internal pacing the earliest time the next may leave
    uint64_t tcp_wstamp_ns = 0;
    // sk_pacing_status == SK_PACING_NEEDED: the congestion control asked for pacing
    // (bbr_init()) and no fq qdisc does it, so tcp_write_xmit() paces (tcp_pacing_check())
    bool pacing_needed = false;

    AckState ack;

    // receive-buffer autotuning (rcvbuf-autotune.h); times are tcp_mstamp in us
    struct
    {
        uint32_t rtt_us = 0; // << 3
        uint32_t seq = 0;
        uint64_t time = 0;
    } rcv_rtt_est;
    struct
    {
        uint32_t space = 0;
        uint32_t seq = 0;
        uint64_t time = 0;
    } rcvq_space;
    uint32_t rcv_rtt_last_tsecr = 0;

    // struct sock memory accounting (bytes)
    int rcvbuf = 0;
    int sndbuf = 0;
    uint8_t userlocks = 0; // sk_userlocks: no autotuning of a buffer the application sized
    int rmem_alloc = 0;
    // sk_backlog.len: truesize of what waits in the backlog. __release_sock() zeroes it
    // only when the backlog is empty, so skbs it has moved to the receive queue count
    // twice in tcp_space() until then.
    int backlog_len = 0;
    // skb_shinfo()->nr_frags of the receive queue's last skb: tcp_try_coalesce()
    // appends an arriving skb's page frags to it up to MAX_SKB_FRAGS
    int rcv_tail_frags = 0;
    // sk_gso_max_size from the route's device (sk_setup_caps()): the largest GSO packet
    // tcp_write_xmit() builds. 0: the model puts one mss in each packet, as the capture
    // of a device that segments GSO packets before the tap shows them (not loopback).
    uint32_t gso_max_size = 0;
    uint8_t shutdown = 0;
    uint8_t scaling_ratio = 128; // TCP_DEFAULT_SCALING_RATIO: payload/truesize in 1/256ths
    bool nodelay = false; // TCP_NODELAY (tp->nonagle's TCP_NAGLE_OFF)
    bool cork = false;    // TCP_CORK (TCP_NAGLE_CORK)
    bool nagle_push = false; // TCP_NAGLE_PUSH: setting TCP_NODELAY pushes what is queued
};

// tcp_mss_clamp(): a TCP_MAXSEG below `mss` lowers it
inline uint32_t
TcpMssClamp(const Tcb& tp, uint32_t mss)
{
    return tp.user_mss && tp.user_mss < mss ? tp.user_mss : mss;
}

// tcp_packets_in_flight(): sent, less what the peer holds (SACKed) or is counted
// lost, plus retransmissions out
inline uint32_t
TcpPacketsInFlight(const Tcb& tp)
{
    return tp.packets_out - (tp.sacked_out + tp.lost_out) + tp.retrans_out;
}

} // namespace sim
