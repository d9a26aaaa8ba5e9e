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
    uint32_t max_packets_out = 0;
    uint32_t srtt_us = 0;     // smoothed RTT in us, << 3 like the kernel's
    uint32_t icsk_rto = 0;    // retransmission timeout, jiffies

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

    uint32_t advmss = 0;    // our MSS option
    uint32_t mss_cache = 0; // payload per segment, options excluded
    uint32_t tcp_header_len = TCP_BASE_HEADER_LEN;

    // TS clock: tcp_clock_cache in ns (the cached tcp_mstamp) and the offset added to
    // its millisecond ticks (tp->tsoffset)
    uint64_t tcp_clock_cache = 0;
    uint32_t tsoffset = 0;
    // departure time of the last segment sent, on the same clock (tp->tcp_wstamp_ns;
    // no pacing is modelled, so the clock when __tcp_transmit_skb() ran)
    uint64_t tcp_wstamp_ns = 0;

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
    bool nodelay = false; // TCP_NODELAY
};

} // namespace sim
