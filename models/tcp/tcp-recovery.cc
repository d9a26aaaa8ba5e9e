// SPDX-License-Identifier: GPL-2.0-only
// Loss detection and recovery at the sender, after Linux 6.x: the SACK scoreboard
// (tcp_sacktag_write_queue()), RACK (net/ipv4/tcp_recovery.c), the recovery state
// machine (tcp_fastretrans_alert()), PRR (tcp_cwnd_reduction()), undo, and what is
// retransmitted (tcp_xmit_retransmit_queue(), tcp_retransmit_skb()). The timers that
// start some of it are in tcp-rtx-timer.cc.
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/prr-rack.h"
#include "models/tcp/rto.h"
#include "models/tcp/send-policy.h"
#include "models/tcp/ts-clock.h"

#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

using namespace ns3;

// tcp_packets_in_flight(): sent, less what the peer holds or we count lost, plus
// retransmissions out
uint32_t
LinuxTcpSocket::PacketsInFlight() const
{
    return TcpPacketsInFlight(m_tp);
}

// tcp_any_retrans_done()
bool
LinuxTcpSocket::AnyRetransDone() const
{
    if (m_tp.retrans_out)
    {
        return true;
    }
    return !m_writeQueue.empty() && m_writeQueue.front().sent && (m_writeQueue.front().sacked & TCPCB_EVER_RETRANS);
}

// Without SACK a dupack stands for one segment that left the network: sacked_out
// counts them (tcp_add_reno_sack()), each counts as delivered, and sacked_out never
// exceeds what is in flight less one hole; when it would, that was reordering
// (tcp_limit_reno_sacked(), tcp_check_reno_reordering()).
void
LinuxTcpSocket::AddRenoSack(int num_dupack)
{
    if (!num_dupack)
    {
        return;
    }
    const uint32_t prior_sacked = m_tp.sacked_out;
    m_tp.sacked_out += static_cast<uint32_t>(num_dupack);
    CheckRenoReordering(0);
    if (m_tp.sacked_out > prior_sacked)
    {
        m_tp.delivered += m_tp.sacked_out - prior_sacked; // tcp_count_delivered()
    }
}

// tcp_remove_reno_sacks(): a cumulative ACK of `acked` segments filled one hole; the
// rest of them were the dupacks' segments, already counted as delivered
void
LinuxTcpSocket::RemoveRenoSacks(uint32_t acked)
{
    if (acked > 0)
    {
        m_tp.delivered += acked > m_tp.sacked_out ? acked - m_tp.sacked_out : 1;
        m_tp.sacked_out = acked - 1 >= m_tp.sacked_out ? 0 : m_tp.sacked_out - (acked - 1);
    }
    CheckRenoReordering(acked);
}

// tcp_limit_reno_sacked()
bool
LinuxTcpSocket::LimitRenoSacked()
{
    const uint32_t holes = std::min(std::max(m_tp.lost_out, 1u), m_tp.packets_out);
    if (m_tp.sacked_out + holes > m_tp.packets_out)
    {
        m_tp.sacked_out = m_tp.packets_out - holes;
        return true;
    }
    return false;
}

// tcp_check_reno_reordering()
void
LinuxTcpSocket::CheckRenoReordering(uint32_t addend)
{
    if (!LimitRenoSacked())
    {
        return;
    }
    m_tp.reordering = std::min(m_tp.packets_out + addend, TCP_MAX_REORDERING);
    m_tp.reord_seen++;
}

// tcp_current_ssthresh()
uint32_t
LinuxTcpSocket::CurrentSsthresh() const
{
    if (m_tp.ca_state == CaState::CWR || m_tp.ca_state == CaState::Recovery)
    {
        return m_tp.snd_ssthresh;
    }
    return std::max(m_tp.snd_ssthresh, (m_tp.snd_cwnd >> 1) + (m_tp.snd_cwnd >> 2));
}

uint64_t
LinuxTcpSocket::NowUs() const
{
    return (m_tp.tcp_clock_cache - m_tcp->Clock().phase_ns) / 1000;
}

// The TS clock's value now (tcp_time_stamp_ts()), for retrans_stamp
uint32_t
LinuxTcpSocket::TsNow() const
{
    return TcpTsval(m_tp) - m_tp.tsoffset;
}

// tcp_rack_advance(): the (S)ACKed skb's RTT, and it as the reference if it was sent
// after the current one; an RTT below the minimum of a retransmitted skb is ambiguous
void
LinuxTcpSocket::RackAdvance(uint8_t sacked, uint32_t end_seq, uint64_t xmit_us)
{
    const uint64_t now = NowUs();
    const uint32_t rtt_us = static_cast<uint32_t>(now > xmit_us ? now - xmit_us : 0);
    if ((sacked & TCPCB_RETRANS) && m_tp.rtt_min_us && rtt_us < m_tp.rtt_min_us)
    {
        return;
    }
    m_tp.rack.advanced = true;
    m_tp.rack.rtt_us = rtt_us;
    // tcp_skb_sent_after()
    if (xmit_us > m_tp.rack.mstamp || (xmit_us == m_tp.rack.mstamp && SeqAfter(end_seq, m_tp.rack.end_seq)))
    {
        m_tp.rack.mstamp = xmit_us;
        m_tp.rack.end_seq = end_seq;
    }
}

// tcp_rack_reo_wnd(): no reordering seen, the window is 0 in recovery or once
// tcp_reordering segments are SACKed (the dupthresh); else min_rtt/4 per step, at
// most srtt
uint32_t
LinuxTcpSocket::RackReoWnd() const
{
    return TcpRackReoWnd(m_tp.reord_seen != 0, m_tp.ca_state, m_tp.sacked_out, m_tp.reordering, m_tp.rtt_min_us,
                         m_tp.rack.reo_wnd_steps, m_tp.srtt_us);
}

// tcp_mark_skb_lost()
void
LinuxTcpSocket::MarkSkbLost(Skb& skb)
{
    if (skb.sacked & TCPCB_SACKED_ACKED)
    {
        return;
    }
    const uint32_t pcount = std::max(skb.pcount, 1u);
    if (skb.sacked & TCPCB_LOST)
    {
        if (skb.sacked & TCPCB_SACKED_RETRANS)
        {
            // the retransmission was lost too
            skb.sacked &= static_cast<uint8_t>(~TCPCB_SACKED_RETRANS);
            m_tp.retrans_out -= pcount;
            m_tp.lost += pcount;
        }
        return;
    }
    skb.sacked |= TCPCB_LOST;
    m_tp.lost_out += pcount;
    m_tp.lost += pcount;
}

// tcp_rack_detect_loss(): an skb sent before the reference is lost once it has been
// out longer than the reference's RTT plus the reordering window; otherwise the time
// left to that is returned (the longest of them)
uint32_t
LinuxTcpSocket::RackDetectLoss()
{
    const uint32_t reo_wnd = RackReoWnd();
    const uint64_t now = NowUs();
    int64_t reo_timeout = 0;
    for (Skb& skb : m_writeQueue)
    {
        if (!skb.sent)
        {
            break;
        }
        if (skb.sacked & TCPCB_SACKED_ACKED)
        {
            continue;
        }
        if ((skb.sacked & TCPCB_LOST) && !(skb.sacked & TCPCB_SACKED_RETRANS))
        {
            continue; // lost and not yet retransmitted
        }
        const uint64_t xmit = skb.sent_ns / 1000;
        const bool before_ref = xmit < m_tp.rack.mstamp ||
                                (xmit == m_tp.rack.mstamp && SeqBefore(skb.end_seq, m_tp.rack.end_seq));
        if (!before_ref)
        {
            continue;
        }
        const int64_t remaining = TcpRackSkbTimeout(m_tp.rack.rtt_us, reo_wnd, now, xmit);
        if (remaining <= 0)
        {
            MarkSkbLost(skb);
        }
        else
        {
            reo_timeout = std::max(reo_timeout, remaining);
        }
    }
    return static_cast<uint32_t>(reo_timeout);
}

// tcp_rack_mark_lost(): a wait still to run arms the reordering timer (at most the RTO)
bool
LinuxTcpSocket::RackMarkLost()
{
    if (!m_tp.rack.advanced)
    {
        return false;
    }
    m_tp.rack.advanced = false;
    const uint32_t reo_timeout = RackDetectLoss();
    if (reo_timeout)
    {
        const uint32_t timeout = UsecsToJiffies(uint64_t{reo_timeout} + TCP_TIMEOUT_MIN_US, m_prof->hz);
        ResetXmitTimer(XmitTimer::ReoTimeout, timeout, m_tp.icsk_rto);
        return true;
    }
    return false;
}

// tcp_identify_packet_loss()
void
LinuxTcpSocket::IdentifyPacketLoss(uint32_t* flag)
{
    if (m_writeQueue.empty() || !m_writeQueue.front().sent)
    {
        return;
    }
    if (!m_tp.sack_ok)
    {
        // tcp_newreno_mark_lost(): three dupacks, or a partial ACK in recovery, lose
        // the head
        const bool una_adv = *flag & FLAG_SND_UNA_ADVANCED;
        if ((m_tp.ca_state < CaState::Recovery && m_tp.sacked_out >= m_tp.reordering) ||
            (m_tp.ca_state == CaState::Recovery && una_adv))
        {
            Skb& head = m_writeQueue.front();
            if (!(head.sacked & TCPCB_LOST))
            {
                if (head.pcount > 1 && head.data.size() > CurrentMss())
                {
                    SplitSkb(0, CurrentMss());
                }
                MarkSkbLost(m_writeQueue.front());
            }
        }
        return;
    }
    const uint32_t prior_retrans = m_tp.retrans_out;
    if (RackMarkLost())
    {
        *flag &= ~FLAG_SET_XMIT_TIMER;
    }
    if (prior_retrans > m_tp.retrans_out)
    {
        *flag |= FLAG_LOST_RETRANS;
    }
}

// tcp_init_undo()
void
LinuxTcpSocket::InitUndo()
{
    m_tp.undo_marker = m_tp.snd_una;
    m_tp.undo_retrans = static_cast<int>(m_tp.retrans_out);
    if (m_tp.tlp_high_seq && m_tp.tlp_retrans)
    {
        m_tp.undo_retrans++;
    }
    if (!m_tp.undo_retrans)
    {
        m_tp.undo_retrans = -1;
    }
}

// tcp_init_cwnd_reduction()
void
LinuxTcpSocket::InitCwndReduction()
{
    m_tp.high_seq = m_tp.snd_nxt;
    m_tp.tlp_high_seq = 0;
    m_tp.snd_cwnd_cnt = 0;
    m_tp.prior_cwnd = m_tp.snd_cwnd;
    m_tp.prr_delivered = 0;
    m_tp.prr_out = 0;
    m_tp.snd_ssthresh = Ssthresh();
}

// tcp_enter_cwr(): a congestion signal without loss (ECN, a local drop): the window is
// reduced once, by PRR, with nothing to undo
void
LinuxTcpSocket::EnterCwr()
{
    m_tp.prior_ssthresh = 0;
    if (m_tp.ca_state < CaState::CWR)
    {
        m_tp.undo_marker = 0;
        InitCwndReduction();
        SetCaState(CaState::CWR);
    }
}

// tcp_end_cwnd_reduction(): cwnd drops to ssthresh, unless an undo restored it
void
LinuxTcpSocket::EndCwndReduction()
{
    if (CaHasCongControl())
    {
        return; // it sets the window itself
    }
    if (m_tp.snd_ssthresh < TCP_INFINITE_SSTHRESH &&
        (m_tp.ca_state == CaState::CWR || m_tp.undo_marker))
    {
        m_tp.snd_cwnd = m_tp.snd_ssthresh;
    }
}

// tcp_cwnd_reduction(): proportional rate reduction (RFC 6937)
void
LinuxTcpSocket::CwndReduction(uint32_t newly_acked_sacked, uint32_t newly_lost, uint32_t flag)
{
    if (newly_acked_sacked == 0)
    {
        return;
    }
    m_tp.prr_delivered += newly_acked_sacked;
    const uint32_t in_flight = PacketsInFlight();
    const int64_t sndcnt =
        TcpPrrSndcnt(m_tp.snd_ssthresh, m_tp.prior_cwnd, m_tp.prr_delivered, m_tp.prr_out, in_flight,
                     newly_acked_sacked, (flag & FLAG_SND_UNA_ADVANCED) && !newly_lost);
    m_tp.snd_cwnd = static_cast<uint32_t>(std::max<int64_t>(in_flight + sndcnt, 1));
}

// tcp_try_keep_open(): Disorder while anything is SACKed, lost or retransmitted
void
LinuxTcpSocket::TryKeepOpen()
{
    CaState target = CaState::Open;
    if (m_tp.sacked_out + m_tp.lost_out || AnyRetransDone())
    {
        target = CaState::Disorder;
    }
    if (m_tp.ca_state != target)
    {
        SetCaState(target);
        m_tp.high_seq = m_tp.snd_nxt;
    }
}

// tcp_try_to_open()
void
LinuxTcpSocket::TryToOpen()
{
    if (!AnyRetransDone())
    {
        m_tp.retrans_stamp = 0;
    }
    if (m_tp.ca_state != CaState::CWR)
    {
        TryKeepOpen();
    }
}

// tcp_packet_delayed(): the ACK echoes a TSval older than the first retransmission,
// so the original arrived
bool
LinuxTcpSocket::PacketDelayed() const
{
    if (m_tp.retrans_stamp)
    {
        return m_tp.tstamp_ok && m_tp.rcv_tsecr && SeqBefore(m_tp.rcv_tsecr, m_tp.retrans_stamp);
    }
    if (!m_tp.sack_ok && !SeqBefore(m_tp.snd_una, m_tp.high_seq))
    {
        return false;
    }
    return m_tp.state != TcpState::SynSent;
}

// tcp_may_undo()
bool
LinuxTcpSocket::MayUndo() const
{
    return m_tp.undo_marker && (m_tp.undo_retrans == 0 || PacketDelayed());
}

// tcp_undo_cwnd_reduction(): back to the window before the false alarm
void
LinuxTcpSocket::UndoCwndReduction(bool unmark_loss)
{
    if (unmark_loss)
    {
        for (Skb& skb : m_writeQueue)
        {
            if (!skb.sent)
            {
                break;
            }
            skb.sacked &= static_cast<uint8_t>(~TCPCB_LOST);
        }
        m_tp.lost_out = 0;
    }
    if (m_tp.prior_ssthresh)
    {
        m_tp.snd_cwnd = CaUndoCwnd(); // ca_ops->undo_cwnd()
        if (m_tp.prior_ssthresh > m_tp.snd_ssthresh)
        {
            m_tp.snd_ssthresh = m_tp.prior_ssthresh;
        }
    }
    m_tp.undo_marker = 0;
    m_tp.rack.advanced = true;
}

// tcp_try_undo_recovery(): at the end of recovery or loss
bool
LinuxTcpSocket::TryUndoRecovery()
{
    if (MayUndo())
    {
        UndoCwndReduction(false);
    }
    else if (m_tp.rack.reo_wnd_persist)
    {
        m_tp.rack.reo_wnd_persist--;
    }
    if (!m_tp.sack_ok && m_tp.snd_una == m_tp.high_seq)
    {
        // a non-SACK sender holds the state until something past high_seq is ACKed
        if (!AnyRetransDone())
        {
            m_tp.retrans_stamp = 0;
        }
        return true;
    }
    SetCaState(CaState::Open);
    m_tp.is_sack_reneg = false;
    return false;
}

// tcp_try_undo_dsack(): every retransmission was D-SACKed
bool
LinuxTcpSocket::TryUndoDsack()
{
    if (m_tp.undo_marker && m_tp.undo_retrans == 0)
    {
        m_tp.rack.reo_wnd_persist = static_cast<uint8_t>(std::min(16, m_tp.rack.reo_wnd_persist + 1));
        UndoCwndReduction(false);
        return true;
    }
    return false;
}

// tcp_try_undo_partial()
bool
LinuxTcpSocket::TryUndoPartial(uint32_t prior_snd_una)
{
    if (m_tp.undo_marker && PacketDelayed())
    {
        CheckSackReordering(prior_snd_una);
        if (m_tp.retrans_out)
        {
            return true;
        }
        if (!AnyRetransDone())
        {
            m_tp.retrans_stamp = 0;
        }
        UndoCwndReduction(true);
        TryKeepOpen();
    }
    return false;
}

// tcp_try_undo_loss()
bool
LinuxTcpSocket::TryUndoLoss(bool frto_undo)
{
    if (frto_undo || MayUndo())
    {
        UndoCwndReduction(true);
        m_tp.icsk_retransmits = 0;
        if (!m_tp.sack_ok && m_tp.snd_una == m_tp.high_seq)
        {
            return true;
        }
        if (frto_undo || m_tp.sack_ok)
        {
            SetCaState(CaState::Open);
            m_tp.is_sack_reneg = false;
        }
        return true;
    }
    return false;
}

// tcp_enter_recovery()
void
LinuxTcpSocket::EnterRecovery()
{
    if (!AnyRetransDone())
    {
        m_tp.retrans_stamp = 0;
    }
    m_tp.prior_ssthresh = 0;
    InitUndo();
    if (m_tp.ca_state != CaState::CWR && m_tp.ca_state != CaState::Recovery)
    {
        m_tp.prior_ssthresh = CurrentSsthresh();
        InitCwndReduction();
    }
    SetCaState(CaState::Recovery);
}

// tcp_enter_loss(): after an RTO everything out is lost but what was sent within the
// last RACK RTT; ssthresh falls once per episode; cwnd is what is still in flight + 1
void
LinuxTcpSocket::EnterLoss()
{
    const CaState old = m_tp.ca_state;
    // tcp_timeout_mark_lost()
    const bool reneged = !m_writeQueue.empty() && (m_writeQueue.front().sacked & TCPCB_SACKED_ACKED);
    if (reneged)
    {
        m_tp.sacked_out = 0;
        m_tp.is_sack_reneg = true;
    }
    else if (!m_tp.sack_ok)
    {
        m_tp.sacked_out = 0;
    }
    const uint64_t now = NowUs();
    for (size_t i = 0; i < m_writeQueue.size() && m_writeQueue[i].sent; ++i)
    {
        Skb& skb = m_writeQueue[i];
        if (reneged)
        {
            skb.sacked &= static_cast<uint8_t>(~TCPCB_SACKED_ACKED);
        }
        else if (i > 0)
        {
            if (TcpRackSkbTimeout(m_tp.rack.rtt_us, 0, now, skb.sent_ns / 1000) > 0)
            {
                continue; // sent too recently to be counted lost
            }
        }
        MarkSkbLost(skb);
    }
    if (old <= CaState::Disorder || !SeqBefore(m_tp.snd_una, m_tp.high_seq) ||
        (old == CaState::Loss && !m_tp.icsk_retransmits))
    {
        m_tp.prior_ssthresh = CurrentSsthresh();
        m_tp.prior_cwnd = m_tp.snd_cwnd;
        m_tp.snd_ssthresh = Ssthresh();
        InitUndo();
    }
    m_tp.snd_cwnd = PacketsInFlight() + 1;
    m_tp.snd_cwnd_cnt = 0;
    if (old <= CaState::Disorder && m_tp.sacked_out >= TCP_FASTRETRANS_THRESH)
    {
        m_tp.reordering = std::min(m_tp.reordering, TCP_FASTRETRANS_THRESH);
    }
    SetCaState(CaState::Loss);
    m_tp.high_seq = m_tp.snd_nxt;
    m_tp.tlp_high_seq = 0;
    m_tp.frto = m_prof->tcp_frto && (old < CaState::Recovery || m_tp.icsk_retransmits);
}

// tcp_process_loss(): the ACKs after an RTO; F-RTO (RFC 5682) sends new data first
// and undoes a timeout that never-retransmitted data shows spurious
void
LinuxTcpSocket::ProcessLoss(uint32_t flag, int num_dupack, Rexmit* rexmit)
{
    const bool recovered = !SeqBefore(m_tp.snd_una, m_tp.high_seq);
    if ((flag & FLAG_SND_UNA_ADVANCED) && TryUndoLoss(false))
    {
        return;
    }
    if (m_tp.frto)
    {
        if ((flag & FLAG_ORIG_SACK_ACKED) && TryUndoLoss(true))
        {
            return;
        }
        if (SeqAfter(m_tp.snd_nxt, m_tp.high_seq))
        {
            if ((flag & FLAG_DATA_SACKED) || num_dupack)
            {
                m_tp.frto = false;
            }
        }
        else if ((flag & FLAG_SND_UNA_ADVANCED) && !recovered)
        {
            m_tp.high_seq = m_tp.snd_nxt;
            const bool unsent = HasSendHead();
            if (unsent && SeqAfter(m_tp.snd_una + m_tp.snd_wnd, m_tp.snd_nxt))
            {
                *rexmit = Rexmit::New;
                return;
            }
            m_tp.frto = false;
        }
    }
    if (recovered)
    {
        TryUndoRecovery();
        return;
    }
    if (!m_tp.sack_ok)
    {
        if (SeqAfter(m_tp.snd_nxt, m_tp.high_seq) && num_dupack)
        {
            AddRenoSack(num_dupack);
        }
        else if (flag & FLAG_SND_UNA_ADVANCED)
        {
            m_tp.sacked_out = 0;
        }
    }
    *rexmit = Rexmit::Lost;
}

// tcp_process_tlp_ack(): the ACK of a loss probe. A D-SACK of it, or an ACK up to it
// and no further, says nothing was lost; an ACK beyond it says the probe repaired a
// loss, and the window is reduced once (CWR, then Open)
void
LinuxTcpSocket::ProcessTlpAck(uint32_t ack, uint32_t flag)
{
    if (SeqBefore(ack, m_tp.tlp_high_seq))
    {
        return;
    }
    if (!m_tp.tlp_retrans)
    {
        m_tp.tlp_high_seq = 0;
    }
    else if (flag & FLAG_DSACK_TLP)
    {
        m_tp.tlp_high_seq = 0;
    }
    else if (SeqAfter(ack, m_tp.tlp_high_seq))
    {
        InitCwndReduction();
        SetCaState(CaState::CWR);
        EndCwndReduction();
        TryKeepOpen();
    }
    else if (!(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DATA_SACKED)))
    {
        m_tp.tlp_high_seq = 0;
    }
}

// tcp_fastretrans_alert(): the recovery state machine, on an ACK that is not plain
void
LinuxTcpSocket::FastretransAlert(uint32_t prior_snd_una, int num_dupack, uint32_t* flag, Rexmit* rexmit)
{
    if (!m_tp.packets_out && m_tp.sacked_out)
    {
        m_tp.sacked_out = 0;
    }
    // tcp_check_sack_reneging(): the new head was SACKed, the peer dropped it again
    if ((*flag & FLAG_SACK_RENEGING) && (*flag & FLAG_SND_UNA_ADVANCED))
    {
        const uint32_t delay = std::max(UsecsToJiffies(m_tp.srtt_us >> 4, m_prof->hz),
                                        static_cast<uint32_t>(m_prof->hz / 100));
        ResetXmitTimer(XmitTimer::Retrans, delay, TcpRtoMax(m_prof->hz));
        *flag &= ~FLAG_SET_XMIT_TIMER;
        return;
    }
    // the end of an episode
    if (m_tp.ca_state == CaState::Open)
    {
        m_tp.retrans_stamp = 0;
    }
    else if (!SeqBefore(m_tp.snd_una, m_tp.high_seq))
    {
        switch (m_tp.ca_state)
        {
        case CaState::CWR:
            if (m_tp.snd_una != m_tp.high_seq)
            {
                EndCwndReduction();
                SetCaState(CaState::Open);
            }
            break;
        case CaState::Recovery:
            if (!m_tp.sack_ok)
            {
                m_tp.sacked_out = 0;
            }
            if (TryUndoRecovery())
            {
                return;
            }
            EndCwndReduction();
            break;
        default:
            break;
        }
    }
    switch (m_tp.ca_state)
    {
    case CaState::Recovery:
        if (!(*flag & FLAG_SND_UNA_ADVANCED))
        {
            if (!m_tp.sack_ok)
            {
                AddRenoSack(num_dupack);
            }
        }
        else if (TryUndoPartial(prior_snd_una))
        {
            return;
        }
        if (TryUndoDsack())
        {
            TryToOpen();
        }
        IdentifyPacketLoss(flag);
        if (m_tp.ca_state != CaState::Recovery)
        {
            if (!m_tp.lost_out)
            {
                return;
            }
            EnterRecovery();
        }
        *rexmit = Rexmit::Lost;
        return;
    case CaState::Loss:
        ProcessLoss(*flag, num_dupack, rexmit);
        IdentifyPacketLoss(flag);
        if (!(m_tp.ca_state == CaState::Open || (*flag & FLAG_LOST_RETRANS)))
        {
            return;
        }
        [[fallthrough]];
    default:
        if (!m_tp.sack_ok)
        {
            if (*flag & FLAG_SND_UNA_ADVANCED)
            {
                m_tp.sacked_out = 0;
            }
            AddRenoSack(num_dupack);
        }
        if (m_tp.ca_state <= CaState::Disorder)
        {
            TryUndoDsack();
        }
        IdentifyPacketLoss(flag);
        if (!m_tp.lost_out) // tcp_time_to_recover()
        {
            TryToOpen();
            return;
        }
        EnterRecovery();
        *rexmit = Rexmit::Lost;
        return;
    }
}

// tcp_xmit_recovery()
void
LinuxTcpSocket::XmitRecovery(Rexmit rexmit)
{
    if (rexmit == Rexmit::None || m_tp.state == TcpState::Closed)
    {
        return;
    }
    if (rexmit == Rexmit::New)
    {
        WriteXmit(TCP_NAGLE_OFF);
        if (SeqAfter(m_tp.snd_nxt, m_tp.high_seq))
        {
            return;
        }
        m_tp.frto = false;
    }
    XmitRetransmitQueue();
}

// tcp_fragment() of an skb at `len` (tso_fragment() for one not yet sent): the tail
// keeps FIN, PSH and the record's end
void
LinuxTcpSocket::SplitSkb(size_t i, uint32_t len)
{
    Skb& skb = m_writeQueue[i];
    const uint32_t mss = std::max(CurrentMss(), 1u);
    Skb tail;
    tail.seq = skb.seq + len;
    tail.end_seq = skb.end_seq;
    tail.flags = skb.flags;
    tail.data = skb.data.substr(len);
    tail.truesize = static_cast<int>(tail.data.size());
    tail.sent = skb.sent;
    tail.sent_ns = skb.sent_ns;
    tail.sacked = skb.sacked;
    tail.tx = skb.tx; // tcp_fragment(): both pieces keep the send's snapshot
    tail.dataref = skb.dataref;
    tail.eor = skb.eor;
    skb.eor = false;
    skb.data.resize(len);
    skb.end_seq = tail.seq;
    skb.flags &= static_cast<uint8_t>(~(TCPHDR_FIN | TCPHDR_PSH));
    skb.truesize -= tail.truesize;
    const uint32_t old_pcount = std::max(skb.pcount, 1u);
    skb.pcount = std::max<uint32_t>((len + mss - 1) / mss, 1);
    tail.pcount = std::max<uint32_t>((static_cast<uint32_t>(tail.data.size()) + mss - 1) / mss, 1);
    // tcp_adjust_pcount(): the counters follow the pieces
    const int32_t diff = static_cast<int32_t>(old_pcount) - static_cast<int32_t>(skb.pcount + tail.pcount);
    if (skb.sent && diff)
    {
        m_tp.packets_out -= static_cast<uint32_t>(diff);
        if (skb.sacked & TCPCB_SACKED_ACKED)
        {
            m_tp.sacked_out -= static_cast<uint32_t>(diff);
        }
        if (skb.sacked & TCPCB_LOST)
        {
            m_tp.lost_out -= static_cast<uint32_t>(diff);
        }
        if (skb.sacked & TCPCB_SACKED_RETRANS)
        {
            m_tp.retrans_out -= static_cast<uint32_t>(diff);
        }
    }
    m_writeQueue.insert(m_writeQueue.begin() + static_cast<long>(i) + 1, std::move(tail));
}

// tcp_retransmit_skb(): at most `segs` mss of the skb again, with a fresh timestamp.
// `count` false is __tcp_retransmit_skb() alone (the loss probe): no scoreboard
// marks. Returns 0 when it went.
int
LinuxTcpSocket::RetransmitSkb(size_t i, uint32_t segs, bool count)
{
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    Skb* skb = &m_writeQueue[i];
    const uint32_t mss = CurrentMss();
    // the head may be partly acknowledged already (tcp_trim_head())
    if (SeqBefore(skb->seq, m_tp.snd_una) && !(skb->flags & TCPHDR_SYN))
    {
        const uint32_t acked = m_tp.snd_una - skb->seq;
        if (acked < skb->data.size())
        {
            skb->data = skb->data.substr(acked);
            skb->seq = m_tp.snd_una;
        }
    }
    // the peer's window: only the head may go beyond it (one mss, as a probe)
    if (i > 0 && !SeqBefore(skb->seq, m_tp.snd_una + m_tp.snd_wnd))
    {
        return -1;
    }
    const uint64_t limit = uint64_t{segs} * mss;
    if (skb->data.size() > limit && limit > 0)
    {
        SplitSkb(i, static_cast<uint32_t>(limit));
        skb = &m_writeQueue[i];
    }
    const uint32_t pcount = std::max(skb->pcount, 1u);
    uint8_t flags = skb->flags;
    if (!(flags & TCPHDR_SYN) || m_tp.state != TcpState::SynSent)
    {
        flags |= TCPHDR_ACK;
    }
    // __tcp_transmit_skb(): a retransmitted GSO packet carries PSH like any other
    if (!(flags & TCPHDR_SYN) && skb->pcount > 1)
    {
        flags |= TCPHDR_PSH;
    }
    WhyScope why(*this, {SendWhy::Retransmit});
    const uint64_t prior_wstamp = m_tp.tcp_wstamp_ns;
    const std::vector<Ptr<Packet>> packets =
        BuildGsoPackets(skb->seq, flags, skb->data, pcount, mss, nullptr);
    if (flags & TCPHDR_ACK)
    {
        EventAckSent();
    }
    if (!skb->data.empty())
    {
        // __tcp_transmit_skb() -> tcp_event_data_sent(), as for new data
        if (PacketsInFlight() == 0)
        {
            CaTxStart();
        }
        TcpEventDataSent(m_tp, *m_prof, NowJiffies());
    }
    m_tp.total_retrans += pcount;
    skb->sacked |= TCPCB_EVER_RETRANS;
    skb->sent_ns = NowNs(); // its place in the time-sorted list moves to the tail
    if (m_tcp->QdiscDropsAll())
    {
        // a local qdisc dropped it (NET_XMIT_DROP, > 0): not counted as retransmitted
        // (tcp_retransmit_skb()), a local congestion signal (tcp_enter_cwr()); the
        // first attempt still stamps retrans_stamp (__tcp_retransmit_skb())
        TransmitPackets(packets);
        EnterCwr();
        if (!m_tp.retrans_stamp)
        {
            m_tp.retrans_stamp = TsNow();
        }
        return 1;
    }
    SkbSent(*skb, prior_wstamp);
    if (count)
    {
        skb->sacked |= TCPCB_RETRANS;
        m_tp.retrans_out += pcount;
        if (!m_tp.retrans_stamp)
        {
            m_tp.retrans_stamp = TsNow();
        }
        if (m_tp.undo_retrans < 0)
        {
            m_tp.undo_retrans = 0;
        }
        m_tp.undo_retrans += static_cast<int>(pcount);
    }
    TransmitPackets(packets);
    return 0;
}

// tcp_xmit_retransmit_queue(): lost skbs not yet retransmitted, in sequence order,
// while the window has room; the RTO restarts when the head went
void
LinuxTcpSocket::XmitRetransmitQueue()
{
    if (!m_tp.packets_out)
    {
        return;
    }
    bool rearm = false;
    for (size_t i = 0; i < m_writeQueue.size() && m_writeQueue[i].sent; ++i)
    {
        const int64_t segs = static_cast<int64_t>(m_tp.snd_cwnd) - PacketsInFlight();
        if (segs <= 0 || m_tp.retrans_out >= m_tp.lost_out)
        {
            break;
        }
        const Skb& skb = m_writeQueue[i];
        if (!(skb.sacked & TCPCB_LOST) || (skb.sacked & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS)))
        {
            continue;
        }
        const uint32_t max_segs = m_tp.gso_max_size ? TsoSegs(CurrentMss()) : 1;
        if (RetransmitSkb(i, static_cast<uint32_t>(std::min<int64_t>(segs, max_segs)), true) != 0)
        {
            break;
        }
        if (m_tp.ca_state == CaState::CWR || m_tp.ca_state == CaState::Recovery)
        {
            m_tp.prr_out += std::max(m_writeQueue[i].pcount, 1u);
        }
        if (i == 0 && m_xmitPending != XmitTimer::ReoTimeout)
        {
            rearm = true;
        }
    }
    if (rearm)
    {
        ResetXmitTimer(XmitTimer::Retrans, m_tp.icsk_rto, TcpRtoMax(m_prof->hz));
    }
}

} // namespace sim
