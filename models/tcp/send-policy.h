// SPDX-License-Identifier: GPL-2.0-only
// When data leaves: Nagle's test with Minshall's variant and autocorking, after
// tcp_nagle_test(), tcp_nagle_check(), tcp_minshall_check() and tcp_should_autocork()
// in net/ipv4/tcp_output.c and tcp.c. Pure functions of the TCB.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// tp->nonagle and the nonagle argument of tcp_write_xmit()
inline constexpr int TCP_NAGLE_OFF = 1;
inline constexpr int TCP_NAGLE_CORK = 2;
inline constexpr int TCP_NAGLE_PUSH = 4;

// tcp_bound_to_half_wnd(): no segment larger than half the peer's largest window
uint32_t TcpBoundToHalfWnd(const Tcb& tp, uint32_t pktsize);

// tcp_nagle_test(): may an skb of `len` bytes (with FIN or not) go now?
bool TcpNagleTest(const Tcb& tp, uint32_t len, bool fin, uint32_t mss_now, int nonagle);

// tcp_nagle_check(): must a partial segment (`partial`) wait? Yes when corked, or
// under Nagle while a small segment is still unacknowledged (Minshall)
bool TcpNagleCheck(bool partial, const Tcb& tp, int nonagle);

// Defaults of net.ipv4.tcp_min_tso_segs (BBR's bbr_min_tso_segs() says the same at any
// pacing rate above 150 kB/s) and net.ipv4.tcp_tso_win_divisor
inline constexpr uint32_t TCP_MIN_TSO_SEGS = 2;
inline constexpr uint32_t TCP_TSO_WIN_DIVISOR = 3;

// tcp_tso_autosize() via tcp_tso_segs(): how many mss one GSO packet may carry: about
// 1 ms of the pacing rate (sk_pacing_rate >> sk_pacing_shift 10), plus an RTT
// allowance, sk_gso_max_size >> (min_rtt >> tcp_tso_rtt_log), that fills the whole
// sk_gso_max_size while min_rtt is under 512 us (as on loopback, where the rate never
// matters); at most gso_max_size, at least tcp_min_tso_segs.
struct TsoSizing
{
    uint32_t gso_max_size = 0;
    uint64_t pacing_rate = ~0ULL; // sk_pacing_rate, bytes/s
    uint32_t min_rtt_us = 0;      // tcp_min_rtt(); 0: no sample yet (the kernel's ~0U)
    uint32_t tso_rtt_log = 9;     // net.ipv4.tcp_tso_rtt_log
    uint32_t min_tso_segs = TCP_MIN_TSO_SEGS;
};
uint32_t TcpTsoSegs(uint32_t mss_now, const TsoSizing& in);

// tcp_update_pacing_rate(): twice the current rate (cwnd * mss / srtt) in slow start
// below half of ssthresh (tcp_pacing_ss_ratio), 1.2 times after (tcp_pacing_ca_ratio)
uint64_t TcpPacingRate(const Tcb& tp, uint32_t ss_ratio, uint32_t ca_ratio);

// tcp_cwnd_test(): segments the congestion window lets go now, at most half of it so
// that two GSO packets are in flight (0: none)
uint32_t TcpCwndTest(const Tcb& tp, uint32_t in_flight);

// tcp_set_skb_tso_segs(): the segments an skb of `len` bytes makes at mss_now
uint32_t TcpSkbPcount(uint32_t len, uint32_t mss_now);

// tcp_mss_split_point(): how much of an unsent skb (from `seq`, `len` bytes; `is_tail`:
// the last of the write queue) to send now, in whole mss up to max_segs of them,
// within the peer's window; a partial last segment only if Nagle lets it go
uint32_t TcpMssSplitPoint(const Tcb& tp,
                          uint32_t seq,
                          uint32_t len,
                          bool is_tail,
                          uint32_t mss_now,
                          uint32_t max_segs,
                          int nonagle);

// What tcp_tso_should_defer() looks at besides the TCB. Times are the TCP clock
// (tcp_clock_cache's domain) in ns.
struct TsoDeferInput
{
    uint32_t seq = 0;          // the skb's first byte
    uint32_t len = 0;          // its payload
    bool is_tail = false;      // the last skb of the write queue
    bool fin = false;          // it carries FIN (or EOR): it will get no more data
    uint32_t max_segs = 1;     // TcpTsoSegs()
    bool have_sent = false;    // something is unacknowledged (the rtx queue's head)
    uint64_t head_sent_ns = 0; // when that head left
    uint32_t win_divisor = TCP_TSO_WIN_DIVISOR; // net.ipv4.tcp_tso_win_divisor
};

// tcp_tso_should_defer(): hold a multi-segment skb back, expecting an ACK soon to let
// a fuller GSO packet go ("TSO Nagle"), unless the last transmit is over 1 ms old, a
// full-size packet fits, the skb is all sendable and won't grow, a third of the
// window is open (tcp_tso_win_divisor), or the next ACK is far off.
// `is_cwnd_limited`, if given, is set when it defers for the congestion window.
bool TcpTsoShouldDefer(const Tcb& tp, const TsoDeferInput& in, bool* is_cwnd_limited = nullptr);

// tcp_should_autocork(): hold a small write while earlier ones are still in the qdisc
// or device (`wmem_alloc`: bytes of this socket's skbs not yet freed after transmit;
// the loopback frees them in loopback_xmit(), so there it is 0)
bool TcpShouldAutocork(const Tcb& tp,
                       const KernelProfile& prof,
                       uint32_t len,
                       int truesize,
                       uint32_t size_goal,
                       bool rtx_queue_empty,
                       int wmem_alloc);

} // namespace sim
