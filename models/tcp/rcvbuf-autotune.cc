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

// tcp_rcv_rtt_update(): rtt_us is kept << 3. A window-bounded sample (win_dep) can
// only lower the estimate; a timestamp sample moves it 1/8 of the way.
void
TcpRcvRttUpdate(Tcb& tp, uint32_t sample, bool win_dep)
{
    uint32_t new_sample = tp.rcv_rtt_est.rtt_us;
    int64_t m = sample;
    if (new_sample != 0)
    {
        if (!win_dep)
        {
            m -= new_sample >> 3;
            new_sample = static_cast<uint32_t>(static_cast<int64_t>(new_sample) + m);
        }
        else
        {
            m <<= 3;
            if (m < new_sample)
            {
                new_sample = static_cast<uint32_t>(m);
            }
        }
    }
    else
    {
        new_sample = static_cast<uint32_t>(m << 3); // no previous measure
    }
    tp.rcv_rtt_est.rtt_us = new_sample;
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
TcpRcvRttMeasure(Tcb& tp)
{
    if (tp.rcv_rtt_est.time != 0)
    {
        if (SeqBefore(tp.rcv_nxt, tp.rcv_rtt_est.seq))
        {
            return;
        }
        const uint64_t delta_us = MstampUs(tp) - tp.rcv_rtt_est.time;
        TcpRcvRttUpdate(tp, delta_us ? static_cast<uint32_t>(delta_us) : 1, true);
    }
    tp.rcv_rtt_est.seq = tp.rcv_nxt + tp.rcv_wnd;
    tp.rcv_rtt_est.time = MstampUs(tp);
}

void
TcpRcvRttMeasureTs(Tcb& tp, uint32_t seg_len, uint32_t tsecr)
{
    if (tsecr == tp.rcv_rtt_last_tsecr)
    {
        return;
    }
    tp.rcv_rtt_last_tsecr = tsecr;
    if (seg_len >= tp.ack.rcv_mss)
    {
        // tcp_time_stamp(tp) - (rcv_tsecr - tsoffset): both on our TS clock, in ms
        uint32_t delta = TcpTsval(tp) - tsecr;
        if (delta < INT32_MAX / 1000)
        {
            TcpRcvRttUpdate(tp, (delta ? delta : 1) * 1000, false);
        }
    }
}

bool
TcpRcvSpaceAdjust(Tcb& tp, const KernelProfile& prof)
{
    const uint64_t now = MstampUs(tp);
    const uint64_t time = now - tp.rcvq_space.time;
    if (time < (tp.rcv_rtt_est.rtt_us >> 3) || tp.rcv_rtt_est.rtt_us == 0)
    {
        return false;
    }
    bool grew = false;
    // bytes copied to the application in the last RTT
    const uint32_t copied = tp.copied_seq - tp.rcvq_space.seq;
    if (copied > tp.rcvq_space.space)
    {
        if (prof.tcp_moderate_rcvbuf)
        {
            // Twice what was copied for losses, plus a cushion; then room for a
            // sender whose rate still doubles (slow start) each RTT
            uint64_t rcvwin = (static_cast<uint64_t>(copied) << 1) + 16 * tp.advmss;
            const uint64_t grow = rcvwin * (copied - tp.rcvq_space.space) / tp.rcvq_space.space;
            rcvwin += grow << 1;
            uint64_t rcvbuf = 0;
            if (prof.win_from_space == WinFromSpace::ScalingRatio)
            {
                // 6.x: tcp_space_from_win()
                rcvbuf = (rcvwin << 8) / tp.scaling_ratio;
            }
            else
            {
                // 5.x: whole skbs of advmss, each costing SKB_TRUESIZE(advmss +
                // MAX_TCP_HEADER), grown until its window share holds advmss
                int rcvmem = static_cast<int>(tp.advmss) + prof.max_tcp_header + SKB_TRUESIZE_FIXED;
                while (TcpWinFromSpace(tp, prof, rcvmem) < static_cast<int>(tp.advmss))
                {
                    rcvmem += 128;
                }
                rcvbuf = rcvwin / tp.advmss * static_cast<uint64_t>(rcvmem);
            }
            rcvbuf = std::min<uint64_t>(rcvbuf, static_cast<uint64_t>(prof.tcp_rmem[2]));
            if (rcvbuf > static_cast<uint64_t>(tp.rcvbuf))
            {
                tp.rcvbuf = static_cast<int>(rcvbuf);
                // the window clamp follows along
                tp.window_clamp = static_cast<uint32_t>(TcpWinFromSpace(tp, prof, tp.rcvbuf));
                grew = true;
            }
        }
        tp.rcvq_space.space = copied;
    }
    tp.rcvq_space.seq = tp.copied_seq;
    tp.rcvq_space.time = now;
    return grew;
}

} // namespace sim
