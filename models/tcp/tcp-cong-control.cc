// SPDX-License-Identifier: GPL-2.0-only
// The congestion control's hooks, where tcp_input.c and tcp_output.c call through
// icsk_ca_ops: the window's growth on ACKs (tcp_cong_control()), ssthresh at a
// reduction, the state changes (tcp_set_ca_state()), the start of a transfer
// (tcp_init_transfer()), ACKed packets with their RTT (pkts_acked) and the first send
// after idle (CA_EVENT_TX_START). Cubic's rules are in cubic.h, BBR's in bbr.h.
#include "models/tcp/cubic.h"
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/send-policy.h"
#include "models/tcp/tcp-cong.h"

#include <algorithm>

namespace sim
{

namespace
{

// net.ipv4.tcp_reordering, which tcp_may_raise_cwnd() compares tp->reordering with
constexpr uint32_t SYSCTL_TCP_REORDERING = TCP_FASTRETRANS_THRESH;

// FLAG_FORWARD_PROGRESS: something was ACKed or newly SACKed
constexpr uint32_t FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED;

// GSO_LEGACY_MAX_SIZE: the devices' IPv4 GSO limit
constexpr uint32_t GSO_LEGACY_MAX_SIZE = 65536;

} // namespace

bool
LinuxTcpSocket::IsCwndLimited() const
{
    return TcpIsCwndLimited(m_tp);
}

CubicClock
LinuxTcpSocket::CaClock() const
{
    return CubicClock{NowJiffies(), m_prof->hz, static_cast<uint32_t>(NowUs())}; // bictcp_clock_us(): u32
}

// icsk_ca_ops->cong_control: the congestion control sets the window and the pacing rate
// itself from each rate sample (BBR's bbr_main()); tcp_input.c and tcp_output.c then
// leave both alone
bool
LinuxTcpSocket::CaHasCongControl() const
{
    return m_prof->congestion_control == CongestionControl::Bbr;
}

// What BBR reads besides the TCB: the clocks, and the bound of bbr_tso_segs_goal()
BbrEnv
LinuxTcpSocket::CaEnv() const
{
    BbrEnv env;
    env.now_us = NowUs();
    env.now_jiffies = NowJiffies();
    env.hz = m_prof->hz;
    env.tso = BbrTsoSizing(m_prof->max_tcp_header);
    return env;
}

// ca_ops->ssthresh(): Cubic's cubictcp_recalc_ssthresh() (never below 2); BBR's
// bbr_ssthresh() keeps the window to restore and leaves ssthresh infinite
uint32_t
LinuxTcpSocket::Ssthresh()
{
    if (m_prof->congestion_control == CongestionControl::Cubic)
    {
        return CubicRecalcSsthresh(m_ca, m_tp.snd_cwnd, m_prof->tcp_cubic);
    }
    return BbrSsthresh(m_bbr, m_tp);
}

// ca_ops->undo_cwnd(): Cubic's is tcp_reno_undo_cwnd(), BBR's bbr_undo_cwnd()
uint32_t
LinuxTcpSocket::CaUndoCwnd()
{
    if (m_prof->congestion_control == CongestionControl::Cubic)
    {
        return std::max(m_tp.snd_cwnd, m_tp.prior_cwnd);
    }
    return BbrUndoCwnd(m_bbr, m_tp);
}

// tcp_set_ca_state(): ca_ops->set_state() first (cubictcp_state())
void
LinuxTcpSocket::SetCaState(CaState state)
{
    if (m_prof->congestion_control == CongestionControl::Cubic)
    {
        CubicSetState(m_ca, m_tp, state, CaClock().us);
    }
    else
    {
        BbrSetState(m_bbr, m_tp, state, CaEnv());
    }
    m_tp.ca_state = state;
}

// tcp_init_transfer(): the window starts at TCP_INIT_CWND whatever the handshake's
// tcp_ack() did to it (bbr_main() runs there, before bbr_init()), or at 1 after more
// than one retransmission of the SYN (RFC 6298's 1 s initial RTO); then
// tcp_init_congestion_control(): cubictcp_init() or bbr_init()
void
LinuxTcpSocket::CaInit()
{
    m_tp.snd_cwnd = m_tp.total_retrans > 1 && m_tp.undo_marker ? 1 : TCP_INIT_CWND;
    m_tp.prior_ssthresh = 0;
    if (m_prof->congestion_control == CongestionControl::Cubic)
    {
        CubicInit(m_ca, m_tp, m_prof->tcp_cubic, CaClock().us);
    }
    else
    {
        // the kernel's random draws are not in a capture: seeded by the connection
        BbrInit(m_bbr, m_tp, CaEnv(), (uint64_t{m_tp.iss} << 32) | m_tp.irs);
    }
}

// tcp_event_data_sent() -> tcp_ca_event(CA_EVENT_TX_START): cubictcp_cwnd_event()
void
LinuxTcpSocket::CaTxStart()
{
    if (m_prof->congestion_control == CongestionControl::Cubic)
    {
        CubicTxStart(m_ca, m_tp, NowJiffies());
    }
    else
    {
        BbrCwndEventTxStart(m_bbr, m_tp, CaEnv());
    }
}

// tcp_clean_rtx_queue() -> ca_ops->pkts_acked(): cubictcp_acked(), with the RTT sample
// of the newest skb ACKed (-1: none). sk_gso_max_size for HyStart's cushion: TCP
// always has GSO (sk_setup_caps() with NETIF_F_GSO forced), so it is the devices'
// IPv4 limit less MAX_TCP_HEADER + 1 even where the model sends one mss per packet.
void
LinuxTcpSocket::CaPktsAcked(int64_t rtt_us)
{
    if (m_prof->congestion_control == CongestionControl::Cubic)
    {
        const uint32_t gso_max_size = GSO_LEGACY_MAX_SIZE - static_cast<uint32_t>(m_prof->max_tcp_header + 1);
        CubicAcked(m_ca, m_tp, rtt_us, gso_max_size, CaClock(), m_prof->tcp_cubic);
    }
}

// tcp_cong_control(): a congestion control with its own cong_control (BBR's bbr_main())
// does everything from the rate sample; otherwise PRR while the window is being
// reduced (tcp_cwnd_reduction()), else the window grows on ACKs of new data
// (tcp_may_raise_cwnd()) by ca_ops->cong_avoid() (cubictcp_cong_avoid()), then the
// pacing rate follows (tcp_update_pacing_rate()).
void
LinuxTcpSocket::CongControl(uint32_t acked_sacked, uint32_t newly_lost, uint32_t flag, const RateSample& rs)
{
    if (CaHasCongControl())
    {
        BbrMain(m_bbr, m_tp, rs, CaEnv());
        return;
    }
    if (m_tp.ca_state == CaState::CWR || m_tp.ca_state == CaState::Recovery)
    {
        CwndReduction(acked_sacked, newly_lost, flag);
    }
    else
    {
        // tcp_may_raise_cwnd(): in order only, unless reordering is high
        const bool may_raise = m_tp.reordering > SYSCTL_TCP_REORDERING ? (flag & FLAG_FORWARD_PROGRESS) != 0
                                                                       : (flag & FLAG_DATA_ACKED) != 0;
        if (may_raise)
        {
            CubicCongAvoid(m_ca, m_tp, acked_sacked, IsCwndLimited(), CaClock(), m_prof->tcp_cubic);
        }
    }
    UpdatePacingRate();
}

// tcp_update_pacing_rate() (not for BBR, which sets its own in bbr_main())
void
LinuxTcpSocket::UpdatePacingRate()
{
    if (CaHasCongControl())
    {
        return;
    }
    m_tp.sk_pacing_rate = TcpPacingRate(m_tp, static_cast<uint32_t>(m_prof->tcp_pacing_ss_ratio),
                                        static_cast<uint32_t>(m_prof->tcp_pacing_ca_ratio));
}

} // namespace sim
