// SPDX-License-Identifier: GPL-2.0-only
// The congestion-window steps every congestion control builds on, after
// net/ipv4/tcp_cong.c (tcp_slow_start(), tcp_cong_avoid_ai()) and include/net/tcp.h,
// and what tcp_output.c records of the window's use (tcp_cwnd_validate()). Pure
// functions of the TCB; Cubic's own rules are in cubic.h.
#pragma once

#include "models/tcp/tcb.h"

#include <algorithm>
#include <cstdint>

namespace sim
{

// tcp_in_slow_start()
inline bool
TcpInSlowStart(const Tcb& tp)
{
    return tp.snd_cwnd < tp.snd_ssthresh;
}

// tcp_slow_start(): one segment per segment ACKed, up to ssthresh; returns what is
// left of `acked` for congestion avoidance (snd_cwnd_clamp is never set here)
inline uint32_t
TcpSlowStart(Tcb& tp, uint32_t acked)
{
    const uint32_t cwnd = std::min(tp.snd_cwnd + acked, tp.snd_ssthresh);
    acked -= cwnd - tp.snd_cwnd;
    tp.snd_cwnd = cwnd;
    return acked;
}

// tcp_cong_avoid_ai(): one segment per `w` segments ACKed; credit gathered at a larger
// w is spent one segment at a time
inline void
TcpCongAvoidAi(Tcb& tp, uint32_t w, uint32_t acked)
{
    if (tp.snd_cwnd_cnt >= w)
    {
        tp.snd_cwnd_cnt = 0;
        tp.snd_cwnd++;
    }
    tp.snd_cwnd_cnt += acked;
    if (tp.snd_cwnd_cnt >= w)
    {
        const uint32_t delta = tp.snd_cwnd_cnt / w;
        tp.snd_cwnd_cnt -= delta * w;
        tp.snd_cwnd += delta;
    }
}

// tcp_is_cwnd_limited(): may the window grow? When it was full in this window of
// data; in slow start also while it is under twice the most in flight (RFC 2861's
// spirit: an application using half the window lets it double)
inline bool
TcpIsCwndLimited(const Tcb& tp)
{
    if (tp.is_cwnd_limited)
    {
        return true;
    }
    if (TcpInSlowStart(tp))
    {
        return tp.snd_cwnd < 2 * tp.max_packets_out;
    }
    return false;
}

// tcp_cwnd_validate(), after tcp_write_xmit() sent something or found the window
// full: a new window of data starts once the last one is ACKed; within one, the
// strongest signal is kept (full, else the most in flight). Its application-limited
// half (tcp_cwnd_application_limited() after an RTO of idle) is not modelled.
inline void
TcpCwndValidate(Tcb& tp, bool is_cwnd_limited)
{
    if (static_cast<int32_t>(tp.snd_una - tp.cwnd_usage_seq) >= 0 || is_cwnd_limited ||
        (!tp.is_cwnd_limited && tp.packets_out > tp.max_packets_out))
    {
        tp.is_cwnd_limited = is_cwnd_limited;
        tp.max_packets_out = tp.packets_out;
        tp.cwnd_usage_seq = tp.snd_nxt;
    }
}

} // namespace sim
