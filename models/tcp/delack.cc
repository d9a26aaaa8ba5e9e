// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/delack.h"

#include "models/tcp/window.h"

#include <algorithm>

namespace sim
{

void
EnterPingpongMode(Tcb& tp, const KernelProfile& prof)
{
    tp.ack.pingpong = static_cast<uint32_t>(prof.tcp_pingpong_thresh);
}

void
ExitPingpongMode(Tcb& tp)
{
    tp.ack.pingpong = 0;
}

bool
InPingpongMode(const Tcb& tp, const KernelProfile& prof)
{
    return tp.ack.pingpong >= static_cast<uint32_t>(prof.tcp_pingpong_thresh);
}

void
IncPingpongCnt(Tcb& tp)
{
    if (tp.ack.pingpong < 0xff)
    {
        tp.ack.pingpong++;
    }
}

void
TcpInitializeRcvMss(Tcb& tp)
{
    uint32_t hint = std::min(tp.advmss, tp.mss_cache);
    hint = std::min(hint, tp.rcv_wnd / 2);
    hint = std::min(hint, TCP_MSS_DEFAULT);
    hint = std::max(hint, TCP_MIN_MSS);
    tp.ack.rcv_mss = hint;
}

// tcp_set_window_clamp(): a smaller clamp also lowers rcv_ssthresh
// (__tcp_adjust_rcv_ssthresh(), no SO_RESERVE_MEM); a larger one lets rcv_ssthresh
// rise to the current window
static void
TcpSetWindowClamp(Tcb& tp, int val)
{
    const uint32_t old_clamp = tp.window_clamp;
    const uint32_t new_clamp = static_cast<uint32_t>(std::max(SOCK_MIN_RCVBUF / 2, val));
    if (new_clamp == old_clamp)
    {
        return;
    }
    tp.window_clamp = new_clamp;
    if (new_clamp < old_clamp)
    {
        tp.rcv_ssthresh = std::min(tp.rcv_ssthresh, new_clamp);
    }
    else
    {
        tp.rcv_ssthresh = std::max(std::min(tp.rcv_wnd, new_clamp), tp.rcv_ssthresh);
    }
}

void
TcpMeasureRcvMss(Tcb& tp, const KernelProfile& prof, uint32_t skb_len, int truesize,
                 uint32_t hdr_len, bool psh, bool remnant, uint32_t gso_size)
{
    const uint32_t lss = tp.ack.last_seg_size;
    tp.ack.last_seg_size = 0;
    // a GSO skb (loopback passes the sender's on) counts by its segments' size
    uint32_t len = gso_size ? gso_size : skb_len;
    if (len >= tp.ack.rcv_mss)
    {
        if (prof.win_from_space == WinFromSpace::ScalingRatio && len != tp.ack.rcv_mss && truesize > 0)
        {
            const uint64_t ratio = (static_cast<uint64_t>(skb_len) << 8) / static_cast<uint64_t>(truesize);
            const uint8_t old_ratio = tp.scaling_ratio;
            tp.scaling_ratio = static_cast<uint8_t>(std::min<uint64_t>(ratio ? ratio : 1, 255));
            if (old_ratio != tp.scaling_ratio)
            {
                TcpSetWindowClamp(tp, TcpWinFromSpace(tp, prof, tp.rcvbuf));
                tp.rcvq_space.space = std::min(tp.rcvq_space.space, tp.window_clamp);
            }
        }
        tp.ack.rcv_mss = std::min(len, tp.advmss);
        // a full MSS with PSH probably closes a write: ACK as soon as it is read
        if (psh)
        {
            tp.ack.pending |= ICSK_ACK_PUSHED;
        }
        return;
    }
    // otherwise judge by the whole segment, TCP header and options counted
    uint32_t seg = len + hdr_len;
    if (seg >= TCP_MSS_DEFAULT + TCP_BASE_HEADER_LEN ||
        (seg >= TCP_MIN_MSS + TCP_BASE_HEADER_LEN && !remnant))
    {
        seg -= tp.tcp_header_len;
        tp.ack.last_seg_size = seg;
        if (seg == lss)
        {
            tp.ack.rcv_mss = seg;
            return;
        }
    }
    if (tp.ack.pending & ICSK_ACK_PUSHED)
    {
        tp.ack.pending |= ICSK_ACK_PUSHED2;
    }
    tp.ack.pending |= ICSK_ACK_PUSHED;
}

void
TcpIncrQuickack(Tcb& tp, uint32_t max_quickacks)
{
    uint32_t quickacks = tp.rcv_wnd / (2 * tp.ack.rcv_mss);
    if (quickacks == 0)
    {
        quickacks = 2;
    }
    quickacks = std::min(quickacks, max_quickacks);
    if (quickacks > tp.ack.quick)
    {
        tp.ack.quick = quickacks;
    }
}

void
TcpEnterQuickackMode(Tcb& tp, const Jiffies& j, uint32_t max_quickacks)
{
    TcpIncrQuickack(tp, max_quickacks);
    ExitPingpongMode(tp);
    tp.ack.ato = j.AtoMin();
}

bool
TcpInQuickackMode(const Tcb& tp, const KernelProfile& prof)
{
    return tp.ack.quick && !InPingpongMode(tp, prof);
}

void
TcpEventDataRecv(Tcb& tp, const Jiffies& j, uint32_t now, uint32_t rto)
{
    tp.ack.pending |= ICSK_ACK_SCHED; // inet_csk_schedule_ack()
    if (!tp.ack.ato)
    {
        // first data on this connection: quick-ACK mode, ATO at its minimum
        TcpIncrQuickack(tp, TCP_MAX_QUICKACKS);
        tp.ack.ato = j.AtoMin();
    }
    else
    {
        const int m = static_cast<int>(now - tp.ack.lrcvtime);
        const int ato_min = static_cast<int>(j.AtoMin());
        if (m <= ato_min / 2)
        {
            // data within half the minimum ATO: pull ato down towards the minimum
            tp.ack.ato = (tp.ack.ato >> 1) + static_cast<uint32_t>(ato_min / 2);
        }
        else if (m < static_cast<int>(tp.ack.ato))
        {
            tp.ack.ato = std::min((tp.ack.ato >> 1) + static_cast<uint32_t>(m), rto);
        }
        else if (m > static_cast<int>(rto))
        {
            // gap longer than the RTO: quick ACKs help a sender restarting after idle
            TcpIncrQuickack(tp, TCP_MAX_QUICKACKS);
        }
    }
    tp.ack.lrcvtime = now;
}

void
TcpDecQuickackMode(Tcb& tp, const KernelProfile& prof, const Jiffies& j, bool acks_new_data)
{
    if (!tp.ack.quick)
    {
        return;
    }
    const uint32_t pkts = prof.quickack_counts_every_ack ? 1 : (acks_new_data ? 1 : 0);
    if (pkts >= tp.ack.quick)
    {
        tp.ack.quick = 0;
        // quick ACKs used up: ATO back to its minimum
        tp.ack.ato = j.AtoMin();
    }
    else
    {
        tp.ack.quick -= pkts;
    }
}

void
TcpEventDataSent(Tcb& tp, const KernelProfile& prof, uint32_t now)
{
    // A reply within ato of the last received data: inet_csk_inc_pingpong_cnt(), which
    // with a threshold of 1 enters pingpong mode at once. 5.1-6.4 (TCP_PINGPONG_THRESH
    // 3) counts only the first reply after data that arrived in a later jiffy than our
    // last send (before(lsndtime, lrcvtime)); 6.x's sysctl counts every reply.
    const bool reply = now - tp.ack.lrcvtime < tp.ack.ato;
    const bool first_since_data = static_cast<int32_t>(tp.lsndtime - tp.ack.lrcvtime) < 0;
    tp.lsndtime = now;
    if (!reply)
    {
        return;
    }
    if (prof.tcp_pingpong_thresh == 1)
    {
        EnterPingpongMode(tp, prof);
    }
    else if (first_since_data || !prof.pingpong_first_reply_only)
    {
        IncPingpongCnt(tp);
    }
}

AckDecision
TcpAckSndCheck(Tcb& tp, const KernelProfile& prof, AckNowWhy* why)
{
    if (!(tp.ack.pending & ICSK_ACK_SCHED))
    {
        return AckDecision::None;
    }
    // over rcv_mss since the last ACK, and the reader caught up or the window holds
    const bool full_frames = (tp.rcv_nxt - tp.rcv_wup) > tp.ack.rcv_mss &&
                             (tp.rcv_nxt - tp.copied_seq < 1 /* sk_rcvlowat */ ||
                              TcpSelectWindowRaw(tp, prof) >= tp.rcv_wnd);
    const bool quick = TcpInQuickackMode(tp, prof);
    if (!prof.delayed_ack || full_frames || quick || (tp.ack.pending & ICSK_ACK_NOW))
    {
        if (why)
        {
            *why = !prof.delayed_ack ? AckNowWhy::NoDelayedAcks
                   : full_frames     ? AckNowWhy::FullFrames
                   : quick           ? AckNowWhy::QuickAck
                                     : AckNowWhy::AckNowFlag;
        }
        return AckDecision::Now;
    }
    return AckDecision::Delayed;
}

DelayedAck
TcpSendDelayedAck(Tcb& tp, const KernelProfile& prof, const Jiffies& j, uint32_t now,
                  uint32_t srtt_us)
{
    uint32_t ato = tp.ack.ato;
    if (ato > j.DelackMin())
    {
        uint32_t max_ato = static_cast<uint32_t>(prof.hz / 2);
        if (InPingpongMode(tp, prof) || (tp.ack.pending & ICSK_ACK_PUSHED))
        {
            max_ato = j.DelackMax();
        }
        // with an RTT sample, never delay longer than one smoothed RTT
        if (srtt_us)
        {
            const uint32_t rtt_j = j.FromNs(static_cast<uint64_t>(srtt_us >> 3) * 1000ULL);
            const uint32_t rtt = std::max(rtt_j, j.DelackMin());
            max_ato = std::min(max_ato, rtt);
        }
        ato = std::min(ato, max_ato);
    }
    ato = std::min(ato, j.DelackMax()); // icsk_delack_max
    uint32_t timeout = now + ato;
    // a timer already running keeps its deadline if that comes first
    if (tp.ack.pending & ICSK_ACK_TIMER)
    {
        // the running timer is due within ato/4: ACK now instead of rearming
        if (static_cast<int32_t>(tp.ack.timeout - (now + (ato >> 2))) <= 0)
        {
            return {true, 0};
        }
        if (static_cast<int32_t>(timeout - tp.ack.timeout) >= 0)
        {
            timeout = tp.ack.timeout;
        }
    }
    tp.ack.pending |= ICSK_ACK_SCHED | ICSK_ACK_TIMER;
    tp.ack.timeout = timeout;
    return {false, timeout};
}

bool
TcpCleanupRbufWantsAck(Tcb& tp, const KernelProfile& prof, int copied)
{
    bool time_to_ack = false;
    if (tp.ack.pending & ICSK_ACK_SCHED)
    {
        // more than rcv_mss is still unacknowledged, or the read drained the queue
        // after a pushed segment on a connection that is not interactive
        if (tp.rcv_nxt - tp.rcv_wup > tp.ack.rcv_mss ||
            (copied > 0 &&
             ((tp.ack.pending & ICSK_ACK_PUSHED2) ||
              ((tp.ack.pending & ICSK_ACK_PUSHED) && !InPingpongMode(tp, prof))) &&
             tp.rmem_alloc == 0))
        {
            time_to_ack = true;
        }
    }
    // Send a window update if the read raised the window "significantly": at least
    // twice the window left, and not once the peer has closed its side
    if (copied > 0 && !time_to_ack && !(tp.shutdown & RCV_SHUTDOWN))
    {
        const uint32_t rcv_window_now = TcpReceiveWindow(tp);
        if (2 * rcv_window_now <= tp.window_clamp)
        {
            const uint32_t new_window = TcpSelectWindowRaw(tp, prof);
            if (new_window && new_window >= 2 * rcv_window_now)
            {
                time_to_ack = true;
            }
        }
    }
    return time_to_ack;
}

} // namespace sim
