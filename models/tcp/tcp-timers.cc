// SPDX-License-Identifier: GPL-2.0-only
// Timers, after net/ipv4/tcp_timer.c (tcp_delack_timer_handler()) and
// tcp_minisocks.c (tcp_time_wait()).
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/rto.h"
#include "models/tcp/ts-clock.h"

#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

using namespace ns3;

// TCP_TIMEWAIT_LEN: 60 s in TIME_WAIT
inline constexpr int64_t TCP_TIMEWAIT_LEN_S = 60;

// sk_reset_timer() -> mod_timer(): the timer wheel (calc_wheel_index()) runs a timer on
// the first tick of its level's granularity after `expires`, so never early and a
// level-0 one a tick late
void
LinuxTcpSocket::ArmDelackTimer(uint32_t timeout_jiffies)
{
    m_delackTimer.Cancel();
    const uint64_t at = m_j.ToNs(TimerWheelExpiry(NowJiffies(), timeout_jiffies));
    const uint64_t now = NowNs();
    m_delackTimer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(at > now ? at - now : 0)),
                                        &LinuxTcpSocket::DelackTimer,
                                        this);
}

// tcp_delack_timer_handler(): a delayed ACK that was still owed
void
LinuxTcpSocket::DelackTimer()
{
    if (m_tp.state == TcpState::Closed || m_tp.state == TcpState::Listen ||
        !(m_tp.ack.pending & ICSK_ACK_TIMER))
    {
        return;
    }
    m_tp.ack.pending &= static_cast<uint8_t>(~ICSK_ACK_TIMER);
    if (m_tp.ack.pending & ICSK_ACK_SCHED)
    {
        // the ato this timer ran for, before the rules below change it
        const uint64_t ato_ms = uint64_t{m_tp.ack.ato} * 1000 / static_cast<uint64_t>(m_prof->hz);
        const bool pingpong = InPingpongMode(m_tp, *m_prof);
        if (!InPingpongMode(m_tp, *m_prof))
        {
            // no reply carried the ACK in time: double ato (at most the RTO)
            m_tp.ack.ato = std::min(m_tp.ack.ato << 1, m_tp.icsk_rto);
        }
        else
        {
            // no reply came in interactive mode: leave pingpong, ato back to its minimum
            ExitPingpongMode(m_tp);
            m_tp.ack.ato = m_j.AtoMin();
        }
        TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
        WhyScope why(*this, {SendWhy::DelayedAckTimer, ato_ms, pingpong});
        SendAck();
    }
}

// tcp_time_wait(): linger 60 s, then forget the connection
void
LinuxTcpSocket::EnterTimeWait()
{
    SetState(TcpState::TimeWait);
    m_delackTimer.Cancel();
    m_timewaitTimer.Cancel();
    m_timewaitTimer =
        Simulator::Schedule(Seconds(TCP_TIMEWAIT_LEN_S), &LinuxTcpSocket::TimeWaitDone, this);
    if (!m_dead)
    {
        Wake(WaitFor::Readable);
    }
    NormalCloseOnce(); // ns-3's applications hear of the close here at the latest
}

void
LinuxTcpSocket::TimeWaitDone()
{
    Done();
}

} // namespace sim
