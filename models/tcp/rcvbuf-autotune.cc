// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/rcvbuf-autotune.h"

#include "models/tcp/segment.h"
#include "models/tcp/ts-clock.h"
#include "models/tcp/window.h"

#include <algorithm>

namespace sim
{

namespace
{

// tcp_mstamp in microseconds
uint64_t
MstampUs(const Tcb& tp)
{
    return tp.tcp_clock_cache / 1000;
}

// tcp_rcv_rtt_update(): rtt_us is kept << 3. 5.x: a window-bounded sample (win_dep)
// can only lower the estimate, a timestamp sample moves it 1/8 of the way. 6.16: any
// lower sample is taken at once; a higher one only from timestamps, and only while
// the application has read everything (else it measures the reader, not the path).
void
TcpRcvRttUpdate(Tcb& tp, const KernelProfile& prof, uint32_t sample, bool win_dep)
{
    const uint32_t old_sample = tp.rcv_rtt_est.rtt_us;
    const int64_t m = static_cast<int64_t>(sample) << 3;
    if (old_sample == 0 || (m < old_sample && (win_dep || prof.drs == Drs::Linux616)))
    {
        tp.rcv_rtt_est.rtt_us = static_cast<uint32_t>(m);
        return;
    }
    if (win_dep)
    {
        return;
    }
    if (prof.drs == Drs::Linux616 && tp.rcv_nxt != tp.copied_seq)
    {
        return;
    }
    tp.rcv_rtt_est.rtt_us = old_sample - (old_sample >> 3) + sample;
}

// tcp_space_from_win(): the buffer whose window share is `win`
uint64_t
TcpSpaceFromWin(const Tcb& tp, const KernelProfile& prof, uint64_t win)
{
    if (prof.win_from_space == WinFromSpace::ScalingRatio)
    {
        return (win << 8) / tp.scaling_ratio;
    }
    const int scale = prof.tcp_adv_win_scale;
    return scale <= 0 ? win << -scale : (win << scale) / ((1u << scale) - 1);
}

// The receive buffer for a reader that went from `oldval` to `newval` bytes per RTT
uint64_t
TcpRcvbufFor(const Tcb& tp, const KernelProfile& prof, uint64_t oldval, uint64_t newval)
{
    // Twice what was read, a measure one RTT old (6.16's tcp_rcvbuf_grow()); 5.x adds 16
    // segments of cushion for losses. Then room for a sender that still doubles its
    // rate each RTT (slow start).
    uint64_t rcvwin = newval << 1;
    if (prof.drs == Drs::Linux5)
    {
        rcvwin += 16 * static_cast<uint64_t>(tp.advmss);
    }
    rcvwin += (rcvwin * (newval - oldval) / std::max<uint64_t>(oldval, 1)) << 1;
    if (prof.drs == Drs::Linux616 || prof.win_from_space == WinFromSpace::ScalingRatio)
    {
        return TcpSpaceFromWin(tp, prof, rcvwin);
    }
    // 5.x with tcp_adv_win_scale: whole skbs of advmss, each costing
    // SKB_TRUESIZE(advmss + MAX_TCP_HEADER), grown until its window share holds advmss
    int rcvmem = static_cast<int>(tp.advmss) + prof.max_tcp_header + SKB_TRUESIZE_FIXED;
    while (TcpWinFromSpace(tp, prof, rcvmem) < static_cast<int>(tp.advmss))
    {
        rcvmem += 128;
    }
    return rcvwin / tp.advmss * static_cast<uint64_t>(rcvmem);
}

} // namespace

void
TcpRcvSpaceInit(Tcb& tp)
{
    tp.rcvq_space.time = MstampUs(tp);
    tp.rcvq_space.seq = tp.copied_seq;
    tp.rcvq_space.space = std::min({tp.rcv_ssthresh, tp.rcv_wnd, TCP_INIT_CWND * tp.advmss});
}

void
TcpRcvRttMeasure(Tcb& tp, const KernelProfile& prof)
{
    if (tp.rcv_rtt_est.time != 0)
    {
        if (SeqBefore(tp.rcv_nxt, tp.rcv_rtt_est.seq))
        {
            return;
        }
        const uint64_t delta_us = MstampUs(tp) - tp.rcv_rtt_est.time;
        TcpRcvRttUpdate(tp, prof, delta_us ? static_cast<uint32_t>(delta_us) : 1, true);
    }
    tp.rcv_rtt_est.seq = tp.rcv_nxt + tp.rcv_wnd;
    tp.rcv_rtt_est.time = MstampUs(tp);
}

void
TcpRcvRttMeasureTs(Tcb& tp, const KernelProfile& prof, uint32_t seg_len, uint32_t tsecr)
{
    if (tsecr == tp.rcv_rtt_last_tsecr)
    {
        return;
    }
    tp.rcv_rtt_last_tsecr = tsecr;
    if (seg_len < tp.ack.rcv_mss)
    {
        return;
    }
    // tcp_time_stamp(tp) - (rcv_tsecr - tsoffset): both on our TS clock, in ms. A
    // 0 ms echo counts as 1 ms in 5.x; 6.x (tcp_rtt_tsopt_us(tp, 0)) drops it.
    uint32_t delta = TcpTsval(tp) - tsecr;
    if (delta >= INT32_MAX / 1000)
    {
        return;
    }
    if (delta == 0)
    {
        if (prof.drs == Drs::Linux616)
        {
            return;
        }
        delta = 1;
    }
    TcpRcvRttUpdate(tp, prof, delta * 1000, false);
}

bool
TcpRcvSpaceAdjust(Tcb& tp, const KernelProfile& prof, const std::function<void(uint64_t)>& grows)
{
    const uint64_t now = MstampUs(tp);
    const uint64_t time = now - tp.rcvq_space.time;
    if (time < (tp.rcv_rtt_est.rtt_us >> 3) || tp.rcv_rtt_est.rtt_us == 0)
    {
        return false;
    }
    bool grew = false;
    // bytes copied to the application in the last RTT; 6.16 takes off what is still
    // queued (the reader, not the sender, was slow)
    int64_t copied = static_cast<int32_t>(tp.copied_seq - tp.rcvq_space.seq);
    if (prof.drs == Drs::Linux616)
    {
        copied -= static_cast<int32_t>(tp.rcv_nxt - tp.copied_seq);
    }
    if (copied > static_cast<int64_t>(tp.rcvq_space.space))
    {
        if (grows)
        {
            grows(time);
        }
        const uint64_t oldval = tp.rcvq_space.space;
        const uint64_t newval = static_cast<uint64_t>(copied);
        tp.rcvq_space.space = static_cast<uint32_t>(newval);
        // a buffer set with SO_RCVBUF is not tuned (SOCK_RCVBUF_LOCK)
        if (prof.tcp_moderate_rcvbuf && !(tp.userlocks & SOCK_RCVBUF_LOCK))
        {
            uint64_t rcvbuf = TcpRcvbufFor(tp, prof, oldval, newval);
            rcvbuf = std::min<uint64_t>(rcvbuf, static_cast<uint64_t>(prof.tcp_rmem[2]));
            if (rcvbuf > static_cast<uint64_t>(tp.rcvbuf))
            {
                tp.rcvbuf = static_cast<int>(rcvbuf);
                // window_clamp grows with the buffer
                tp.window_clamp = static_cast<uint32_t>(TcpWinFromSpace(tp, prof, tp.rcvbuf));
                grew = true;
            }
        }
    }
    tp.rcvq_space.seq = tp.copied_seq;
    tp.rcvq_space.time = now;
    return grew;
}

} // namespace sim
