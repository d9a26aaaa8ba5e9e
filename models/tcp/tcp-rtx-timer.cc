// SPDX-License-Identifier: GPL-2.0-only
// The one retransmit timer of a socket and what it does when it fires, after
// net/ipv4/tcp_timer.c (tcp_write_timer_handler(), tcp_retransmit_timer()),
// tcp_output.c (tcp_schedule_loss_probe(), tcp_send_loss_probe()), tcp_input.c
// (tcp_rearm_rto(), tcp_set_xmit_timer()) and tcp_recovery.c (tcp_rack_reo_timeout()).
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/rto.h"
#include "models/tcp/send-policy.h"
#include "models/tcp/ts-clock.h"

#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

using namespace ns3;

// inet_csk_reset_xmit_timer(): one slot for RTO, loss probe, reordering and window
// probe; arming one replaces the others
void
LinuxTcpSocket::ResetXmitTimer(XmitTimer what, uint32_t when, uint32_t max_when)
{
    when = std::min(when, max_when);
    const uint32_t now = NowJiffies();
    m_xmitPending = what;
    m_xmitTimeout = now + when;
    m_xmitFireNs = m_j.ToNs(TimerWheelExpiry(now, m_xmitTimeout));
    // One event at a time per socket: one due no later than the new time stays, and
    // moves itself on when it comes (OnXmitEvent()); re-arming on every send and ACK
    // then costs no event
    if (m_xmitTimer.IsRunning() && m_xmitEventNs <= m_xmitFireNs)
    {
        return;
    }
    m_xmitTimer.Cancel();
    const uint64_t now_ns = NowNs();
    m_xmitEventNs = std::max(m_xmitFireNs, now_ns);
    m_xmitTimer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(m_xmitEventNs - now_ns)),
                                      &LinuxTcpSocket::OnXmitEvent,
                                      this);
}

void
LinuxTcpSocket::OnXmitEvent()
{
    if (m_xmitPending == XmitTimer::None)
    {
        return;
    }
    const uint64_t now_ns = NowNs();
    if (now_ns < m_xmitFireNs)
    {
        m_xmitEventNs = m_xmitFireNs;
        m_xmitTimer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(m_xmitFireNs - now_ns)),
                                          &LinuxTcpSocket::OnXmitEvent,
                                          this);
        return;
    }
    XmitTimerFired();
}

// tcp_rto_delta_us(): what is left of the RTO counted from the head's last send
int64_t
LinuxTcpSocket::RtoDeltaUs() const
{
    const uint64_t rto_us = JiffiesToUsecs(m_tp.icsk_rto, m_prof->hz);
    if (m_writeQueue.empty() || !m_writeQueue.front().sent)
    {
        return static_cast<int64_t>(rto_us);
    }
    return static_cast<int64_t>(m_writeQueue.front().sent_ns / 1000 + rto_us) - static_cast<int64_t>(NowUs());
}

// tcp_rearm_rto(): after a loss probe or reordering wait the RTO keeps its deadline
// from the head's send; otherwise it runs from now
void
LinuxTcpSocket::RearmRto()
{
    if (!m_tp.packets_out)
    {
        if (m_xmitPending == XmitTimer::Retrans || m_xmitPending == XmitTimer::LossProbe ||
            m_xmitPending == XmitTimer::ReoTimeout)
        {
            ClearXmitTimer();
        }
        return;
    }
    uint32_t rto = m_tp.icsk_rto;
    if (m_xmitPending == XmitTimer::ReoTimeout || m_xmitPending == XmitTimer::LossProbe)
    {
        const int64_t delta_us = std::max<int64_t>(RtoDeltaUs(), 1);
        rto = UsecsToJiffies(static_cast<uint64_t>(delta_us), m_prof->hz);
    }
    ResetXmitTimer(XmitTimer::Retrans, rto, TcpRtoMax(m_prof->hz));
}

// tcp_schedule_loss_probe(): with SACK, in Open or CWR, a probe 2 RTTs after the last
// send (plus the RTO floor with one segment out, else 2 ms), never after the RTO
bool
LinuxTcpSocket::ScheduleLossProbe(bool advancing_rto)
{
    if (m_prof->tcp_early_retrans != 3 && m_prof->tcp_early_retrans != 4)
    {
        return false;
    }
    if (!m_tp.packets_out || !m_tp.sack_ok ||
        (m_tp.ca_state != CaState::Open && m_tp.ca_state != CaState::CWR))
    {
        return false;
    }
    uint32_t timeout;
    if (m_tp.srtt_us)
    {
        uint64_t t_us = m_tp.srtt_us >> 2;
        t_us += m_tp.packets_out == 1 ? static_cast<uint64_t>(m_prof->tcp_rto_min_us) : TCP_TIMEOUT_MIN_US;
        timeout = UsecsToJiffies(t_us, m_prof->hz);
    }
    else
    {
        timeout = m_j.TimeoutInit();
    }
    // the kernel holds the delta in a u32: a negative one wraps and caps nothing
    const int64_t delta = advancing_rto ? static_cast<int64_t>(JiffiesToUsecs(m_tp.icsk_rto, m_prof->hz)) : RtoDeltaUs();
    const uint32_t rto_delta_us = static_cast<uint32_t>(delta);
    if (static_cast<int32_t>(rto_delta_us) > 0)
    {
        timeout = std::min(timeout, UsecsToJiffies(rto_delta_us, m_prof->hz));
    }
    ResetXmitTimer(XmitTimer::LossProbe, timeout, TcpRtoMax(m_prof->hz));
    return true;
}

// tcp_set_xmit_timer()
void
LinuxTcpSocket::SetXmitTimer()
{
    if (!ScheduleLossProbe(true))
    {
        RearmRto();
    }
}

// tcp_write_timer_handler()
void
LinuxTcpSocket::XmitTimerFired()
{
    if (m_tp.state == TcpState::Closed || m_tp.state == TcpState::Listen || m_xmitPending == XmitTimer::None)
    {
        return;
    }
    if (OwnedByUser())
    {
        m_xmitDeferred = true; // tcp_write_timer(): run at release_sock()
        return;
    }
    // re-armed for later since it was set (a deferred run): not due yet
    if (static_cast<int32_t>(m_xmitTimeout - NowJiffies()) > 0)
    {
        const uint64_t now_ns = NowNs();
        if (!m_xmitTimer.IsRunning() && m_xmitFireNs > now_ns)
        {
            m_xmitEventNs = m_xmitFireNs;
            m_xmitTimer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(m_xmitFireNs - now_ns)),
                                              &LinuxTcpSocket::OnXmitEvent,
                                              this);
        }
        return;
    }
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    switch (m_xmitPending)
    {
    case XmitTimer::ReoTimeout:
        RackReoTimeout();
        break;
    case XmitTimer::LossProbe:
        SendLossProbe();
        break;
    case XmitTimer::Retrans:
        ClearXmitTimer();
        RetransmitTimer();
        break;
    case XmitTimer::Probe0:
        ClearXmitTimer();
        ProbeTimer();
        break;
    case XmitTimer::None:
        break;
    }
    TraceCwnd();
}

// tcp_model_timeout(): how long `boundary` backed-off RTOs from rto_base take, in ms
static uint64_t
ModelTimeoutMs(uint32_t boundary, uint64_t rto_base_ms, uint64_t rto_max_ms)
{
    uint32_t linear_backoff_thresh = 0;
    while ((rto_base_ms << (linear_backoff_thresh + 1)) <= rto_max_ms)
    {
        linear_backoff_thresh++; // ilog2(TCP_RTO_MAX / rto_base)
    }
    if (boundary <= linear_backoff_thresh)
    {
        return ((2ULL << boundary) - 1) * rto_base_ms;
    }
    return ((2ULL << linear_backoff_thresh) - 1) * rto_base_ms + (boundary - linear_backoff_thresh) * rto_max_ms;
}

// tcp_retransmit_timer(): everything out is lost (tcp_enter_loss()), the head goes
// again, and the RTO doubles; past tcp_retries2 (tcp_syn_retries for a SYN) the
// connection is given up with ETIMEDOUT (tcp_write_timeout())
void
LinuxTcpSocket::RetransmitTimer()
{
    if (!m_tp.packets_out || m_writeQueue.empty())
    {
        return;
    }
    const bool syn = m_tp.state == TcpState::SynSent || m_tp.state == TcpState::SynRecv;
    const bool zero_window = m_tp.snd_wnd == 0 && !m_dead && !syn;
    if (!zero_window)
    {
        bool expired;
        if (syn)
        {
            const int linear = m_tp.state == TcpState::SynSent ? m_prof->tcp_syn_linear_timeouts : 0;
            expired = m_tp.icsk_retransmits >= static_cast<uint32_t>(m_prof->tcp_syn_retries + linear);
        }
        else
        {
            const uint64_t rto_max_ms = TcpRtoMax(m_prof->hz) * 1000ULL / static_cast<uint64_t>(m_prof->hz);
            // retransmits_timed_out(): TCP_USER_TIMEOUT, else tcp_retries2 backed-off RTOs
            const uint64_t timeout =
                m_userTimeoutMs ? m_userTimeoutMs
                                : ModelTimeoutMs(static_cast<uint32_t>(m_prof->tcp_retries2),
                                                 m_prof->tcp_rto_min_us / 1000, rto_max_ms);
            expired = m_tp.icsk_retransmits && TsNow() - m_tp.retrans_stamp >= timeout;
        }
        if (expired)
        {
            m_errno = ERROR_NOTERROR; // ETIMEDOUT (tcp_write_err()); ns-3 has no code for it
            if (m_tp.state == TcpState::SynSent)
            {
                ConnectFailed(); // connect() fails
                return;
            }
            Done();
            if (!m_dead)
            {
                m_closeNotified = true;
                RaiseUpcall(UP_ERROR_CLOSE);
            }
            return;
        }
    }
    EnterLoss();
    if (!zero_window)
    {
        m_tp.icsk_retransmits++;
        m_tp.total_rto++;
    }
    {
        WhyScope why(*this, {SendWhy::RtoRetransmit, m_tp.icsk_backoff});
        if (RetransmitSkb(0, 1, true) > 0)
        {
            // the head never left (a local qdisc dropped it): no backoff, try again
            // at TCP_RESOURCE_PROBE_INTERVAL
            ResetXmitTimer(XmitTimer::Retrans, static_cast<uint32_t>(m_prof->hz / 2), TcpRtoMax(m_prof->hz));
            return;
        }
    }
    // the first tcp_syn_linear_timeouts SYN timeouts do not back off (6.5+)
    if (m_tp.state != TcpState::SynSent || m_tp.total_rto > static_cast<uint32_t>(m_prof->tcp_syn_linear_timeouts))
    {
        m_tp.icsk_backoff++;
        m_tp.icsk_rto = std::min(m_tp.icsk_rto << 1, TcpRtoMax(m_prof->hz));
    }
    ResetXmitTimer(XmitTimer::Retrans, ClampRtoToUserTimeout(), TcpRtoMax(m_prof->hz));
}

// tcp_clamp_rto_to_user_timeout(): the next RTO no later than TCP_USER_TIMEOUT after
// the first retransmission, one jiffy if that has passed
uint32_t
LinuxTcpSocket::ClampRtoToUserTimeout() const
{
    if (!m_userTimeoutMs || !m_tp.retrans_stamp)
    {
        return m_tp.icsk_rto;
    }
    const int64_t elapsed = static_cast<int32_t>(TsNow() - m_tp.retrans_stamp);
    const int64_t remaining = static_cast<int64_t>(m_userTimeoutMs) - elapsed;
    if (remaining <= 0)
    {
        return 1;
    }
    const uint32_t remaining_j = static_cast<uint32_t>((remaining * m_prof->hz + 999) / 1000);
    return std::min(m_tp.icsk_rto, remaining_j);
}

// tcp_send_loss_probe(): new data if the window takes it, else the last mss again;
// one probe per episode (tlp_high_seq)
void
LinuxTcpSocket::SendLossProbe()
{
    if (!m_tp.tlp_high_seq)
    {
        m_tp.tlp_retrans = false;
        size_t head = 0;
        while (head < m_writeQueue.size() && m_writeQueue[head].sent)
        {
            ++head;
        }
        const uint32_t mss = CurrentMss();
        bool sent = false;
        if (head < m_writeQueue.size() &&
            !SeqAfter(m_writeQueue[head].seq + std::min<uint32_t>(static_cast<uint32_t>(m_writeQueue[head].data.size()), mss),
                      m_tp.snd_una + m_tp.snd_wnd))
        {
            const uint32_t before = m_tp.packets_out;
            WhyScope why(*this, {SendWhy::LossProbe});
            WriteXmit(TCP_NAGLE_OFF, true, true);
            sent = m_tp.packets_out > before;
        }
        else if (head > 0)
        {
            size_t last = head - 1;
            Skb& skb = m_writeQueue[last];
            if (skb.pcount > 1 && skb.data.size() > uint64_t{skb.pcount - 1} * mss)
            {
                SplitSkb(last, (skb.pcount - 1) * mss);
                last++;
            }
            WhyScope why(*this, {SendWhy::LossProbe});
            if (RetransmitSkb(last, 1, false) == 0)
            {
                m_tp.tlp_retrans = true;
                sent = true;
            }
        }
        if (sent)
        {
            m_tp.tlp_high_seq = m_tp.snd_nxt;
            ClearXmitTimer();
        }
    }
    RearmRto();
}

// tcp_rack_reo_timeout(): the reordering wait ran out; what is now lost is repaired
void
LinuxTcpSocket::RackReoTimeout()
{
    const uint32_t prior_inflight = PacketsInFlight();
    const uint32_t lost = m_tp.lost;
    RackDetectLoss();
    if (prior_inflight != PacketsInFlight())
    {
        if (m_tp.ca_state != CaState::Recovery)
        {
            EnterRecovery();
            CwndReduction(1, m_tp.lost - lost, 0);
        }
        XmitRetransmitQueue();
    }
    if (m_xmitPending != XmitTimer::Retrans)
    {
        RearmRto();
    }
}

// tcp_probe0_base(), tcp_probe0_when(): the RTO (at least TCP_RTO_MIN), doubled per
// unanswered probe up to 2^10 times, at most TCP_RTO_MAX
static uint32_t
Probe0When(uint32_t rto, uint32_t rto_min, uint8_t backoff, uint32_t rto_max)
{
    const uint32_t base = std::max(rto, rto_min);
    const uint64_t when = uint64_t{base} << std::min<uint8_t>(backoff, 10);
    return static_cast<uint32_t>(std::min<uint64_t>(when, rto_max));
}

// tcp_check_probe_timer(): nothing in flight, data waiting for the peer's window
void
LinuxTcpSocket::CheckProbeTimer()
{
    if (!m_tp.packets_out && m_xmitPending == XmitTimer::None)
    {
        ResetXmitTimer(XmitTimer::Probe0, std::max(m_tp.icsk_rto, m_j.RtoMin()), TcpRtoMax(m_prof->hz));
    }
}

// tcp_probe_timer(): the window is still shut; past tcp_retries2 unanswered probes the
// connection is given up
void
LinuxTcpSocket::ProbeTimer()
{
    const bool unsent = HasSendHead();
    if (m_tp.packets_out || !unsent)
    {
        m_probesOut = 0;
        m_probesTstamp = 0;
        return;
    }
    // with TCP_USER_TIMEOUT, the time since the first probe decides
    bool give_up = m_probesOut >= m_prof->tcp_retries2;
    if (m_userTimeoutMs)
    {
        const uint32_t now = NowJiffies();
        if (!m_probesTstamp)
        {
            m_probesTstamp = now ? now : 1;
        }
        else
        {
            give_up = uint64_t{now - m_probesTstamp} * 1000 / static_cast<uint64_t>(m_prof->hz) >= m_userTimeoutMs;
        }
    }
    if (give_up)
    {
        Done(); // tcp_write_err(): ETIMEDOUT
        if (!m_dead)
        {
            m_closeNotified = true;
            RaiseUpcall(UP_ERROR_CLOSE);
        }
        return;
    }
    SendProbe0();
}

// tcp_send_probe0() -> tcp_write_wakeup(): data up to the window's edge if any fits,
// else a bare ACK one below snd_una (tcp_xmit_probe_skb()) that the peer must answer;
// the next probe backs off
void
LinuxTcpSocket::SendProbe0()
{
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    size_t head = 0;
    while (head < m_writeQueue.size() && m_writeQueue[head].sent)
    {
        ++head;
    }
    bool dropped = false; // tcp_write_wakeup() > 0: a local qdisc dropped the probe
    {
        WhyScope why(*this, {SendWhy::WindowProbe, m_probesOut});
        const uint32_t wnd_end = m_tp.snd_una + m_tp.snd_wnd;
        if (head < m_writeQueue.size() && SeqBefore(m_writeQueue[head].seq, wnd_end))
        {
            const uint32_t seg = std::min(wnd_end - m_writeQueue[head].seq, CurrentMss());
            if (m_writeQueue[head].data.size() > seg)
            {
                SplitSkb(head, seg);
            }
            m_writeQueue[head].flags |= TCPHDR_PSH;
            m_writeQueue[head].pcount = 1;
            dropped = !TransmitSkb(m_writeQueue[head]);
        }
        else
        {
            Ptr<Packet> p = BuildSegment(m_tp.snd_una - 1, TCPHDR_ACK, Payload());
            EventAckSent();
            dropped = !m_tcp->Transmit(p, m_local, m_peer);
        }
    }
    const bool unsent = HasSendHead();
    if (m_tp.packets_out || !unsent)
    {
        m_probesOut = 0;
        m_tp.icsk_backoff = 0;
        return;
    }
    m_probesOut++;
    uint32_t timeout = 0;
    if (!dropped)
    {
        if (m_tp.icsk_backoff < m_prof->tcp_retries2)
        {
            m_tp.icsk_backoff++;
        }
        timeout = Probe0When(m_tp.icsk_rto, m_j.RtoMin(), m_tp.icsk_backoff, TcpRtoMax(m_prof->hz));
    }
    else
    {
        // the probe never left: no backoff, try again at TCP_RESOURCE_PROBE_INTERVAL
        timeout = static_cast<uint32_t>(m_prof->hz / 2);
    }
    // tcp_clamp_probe0_to_user_timeout(): not past TCP_USER_TIMEOUT from the first probe
    if (m_userTimeoutMs && m_probesTstamp)
    {
        const int64_t elapsed = std::max<int64_t>(static_cast<int32_t>(NowJiffies() - m_probesTstamp), 0);
        const int64_t remaining = std::max<int64_t>(
            static_cast<int64_t>(UsecsToJiffies(uint64_t{m_userTimeoutMs} * 1000, m_prof->hz)) - elapsed,
            int64_t{2}); // TCP_TIMEOUT_MIN jiffies
        timeout = static_cast<uint32_t>(std::min<int64_t>(remaining, timeout));
    }
    ResetXmitTimer(XmitTimer::Probe0, timeout, TcpRtoMax(m_prof->hz));
}

// tcp_ack_probe(): an ACK with nothing in flight: if the window now takes the send
// head, the probing ends; else the next probe keeps its backoff
void
LinuxTcpSocket::AckProbe()
{
    size_t head = 0;
    while (head < m_writeQueue.size() && m_writeQueue[head].sent)
    {
        ++head;
    }
    if (head == m_writeQueue.size())
    {
        return;
    }
    if (!SeqAfter(m_writeQueue[head].end_seq, m_tp.snd_una + m_tp.snd_wnd))
    {
        m_tp.icsk_backoff = 0;
        m_probesTstamp = 0;
        if (m_xmitPending == XmitTimer::Probe0)
        {
            ClearXmitTimer();
        }
        return;
    }
    ResetXmitTimer(XmitTimer::Probe0,
                   Probe0When(m_tp.icsk_rto, m_j.RtoMin(), m_tp.icsk_backoff, TcpRtoMax(m_prof->hz)),
                   TcpRtoMax(m_prof->hz));
}

} // namespace sim
