// SPDX-License-Identifier: GPL-2.0-only
// Out-of-order data at the receiver, after net/ipv4/tcp_input.c: tcp_data_queue_ofo()
// (the ofo queue, D-SACKs of what it already holds, the SACK blocks), and the ACKs it
// asks for: __tcp_ack_snd_check()'s dupacks and SACK compression.
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/sack-blocks.h"
#include "models/tcp/ts-clock.h"
#include "models/tcp/window.h"

#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

using namespace ns3;

// tcp_data_queue_ofo(): the queue keeps every byte as it came (an overlap on the left
// is kept twice); a segment it already holds is D-SACKed and dropped, one that covers
// queued skbs replaces them, one that continues the last skb joins it
void
LinuxTcpSocket::DataQueueOfo(const Segment& seg)
{
    m_tp.ack.pending |= ICSK_ACK_SCHED; // inet_csk_schedule_ack()
    const uint32_t seq = seg.seq;
    const uint32_t end_seq = seg.end_seq;
    Skb skb;
    skb.seq = seq;
    skb.end_seq = end_seq;
    skb.flags = seg.flags & (TCPHDR_PSH | TCPHDR_FIN);
    skb.data = seg.payload;
    skb.dataref = seg.dataref;
    skb.truesize = seg.truesize;
    const bool sack = m_tp.sack_ok;
    auto charge = [this](const Skb& s) {
        m_tp.rmem_alloc += s.truesize; // skb_set_owner_r()
        if (m_tp.sack_ok)
        {
            TcpGrowWindow(m_tp, *m_prof, static_cast<uint32_t>(s.data.size()),
                          s.truesize - m_prof->skb_truesize_overhead);
        }
    };
    if (m_ofoQueue.empty())
    {
        if (sack)
        {
            m_tp.num_sacks = 1;
            m_tp.selective_acks[0] = {seq, end_seq};
        }
        charge(skb);
        m_ofoQueue.push_back(std::move(skb));
        return;
    }
    // tcp_ooo_try_coalesce(): the segment continues `to` exactly; only its frags'
    // truesize is charged (coalesce_done: the window may grow with SACK)
    auto coalesce = [&](Skb& to) {
        if (to.end_seq != seq || (to.flags & TCPHDR_FIN))
        {
            return false;
        }
        const int delta = skb.truesize - m_prof->skb_truesize_overhead;
        to.data.append(skb.data);
        to.end_seq = end_seq;
        to.flags |= skb.flags;
        to.truesize += delta;
        m_tp.rmem_alloc += delta;
        if (sack)
        {
            TcpGrowWindow(m_tp, *m_prof, seg.Len(), delta);
        }
        return true;
    };
    Skb& last = m_ofoQueue.back();
    const bool joined_last = coalesce(last);
    if (joined_last)
    {
        // the fast path: it continued the last skb
    }
    else if (!SeqBefore(seq, last.end_seq))
    {
        charge(skb);
        m_ofoQueue.push_back(std::move(skb));
    }
    else
    {
        // the rb-tree descent, over the queue in order
        size_t pos = 0;
        bool done = false;
        for (; pos < m_ofoQueue.size(); ++pos)
        {
            Skb& skb1 = m_ofoQueue[pos];
            if (SeqBefore(seq, skb1.seq))
            {
                break;
            }
            if (SeqBefore(seq, skb1.end_seq))
            {
                if (!SeqAfter(end_seq, skb1.end_seq))
                {
                    // all of it is queued already (TCPOFOMERGE)
                    TcpDsackSet(m_tp, m_prof->tcp_dsack, seq, end_seq);
                    done = true;
                    break;
                }
                if (SeqAfter(seq, skb1.seq))
                {
                    TcpDsackSet(m_tp, m_prof->tcp_dsack, seq, skb1.end_seq);
                    continue;
                }
                // the same start and more: it replaces skb1
                TcpDsackExtend(m_tp, m_prof->tcp_dsack, skb1.seq, skb1.end_seq);
                m_tp.rmem_alloc -= skb1.truesize;
                m_ofoQueue.erase(m_ofoQueue.begin() + static_cast<long>(pos));
                break;
            }
            if (coalesce(skb1))
            {
                done = true;
                break;
            }
        }
        if (!done)
        {
            charge(skb);
            m_ofoQueue.insert(m_ofoQueue.begin() + static_cast<long>(pos), std::move(skb));
            // merge_right: successors it covers go, a partial overlap is D-SACKed
            while (pos + 1 < m_ofoQueue.size())
            {
                Skb& next = m_ofoQueue[pos + 1];
                if (!SeqAfter(end_seq, next.seq))
                {
                    break;
                }
                if (SeqBefore(end_seq, next.end_seq))
                {
                    TcpDsackExtend(m_tp, m_prof->tcp_dsack, next.seq, end_seq);
                    break;
                }
                TcpDsackExtend(m_tp, m_prof->tcp_dsack, next.seq, next.end_seq);
                m_tp.rmem_alloc -= next.truesize;
                m_ofoQueue.erase(m_ofoQueue.begin() + static_cast<long>(pos) + 1);
            }
        }
    }
    if (sack && TcpSackNewOfoSkb(m_tp, seq, end_seq))
    {
        SackCompressSendAck();
    }
}

// skb_rbtree_purge() of the ofo queue, as tcp_fin() and a reset do
void
LinuxTcpSocket::OfoPurge()
{
    for (const Skb& s : m_ofoQueue)
    {
        m_tp.rmem_alloc -= s.truesize;
    }
    m_ofoQueue.clear();
    TcpSackReset(m_tp);
}

// tcp_sack_compress_send_ack(): a compressed ACK still owed goes now
void
LinuxTcpSocket::SackCompressSendAck()
{
    if (m_compressedAck == 0)
    {
        return;
    }
    m_compressedAckTimer.Cancel();
    m_compressedAck = 0;
    WhyScope why(*this, {SendWhy::AckNowFlag});
    SendAck();
}

// tcp_compressed_ack_kick()
void
LinuxTcpSocket::CompressedAckTimer()
{
    if (m_compressedAck == 0 || m_tp.state == TcpState::Closed)
    {
        return;
    }
    m_compressedAck--;
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    WhyScope why(*this, {SendWhy::DelayedAckTimer});
    SendAck();
}

// __tcp_ack_snd_check() with out-of-order data queued and no reason to ACK at once:
// without SACK every segment is ACKed (the dupacks fast retransmit counts); with it,
// the first three dupacks for one rcv_nxt go now and later ones are compressed, up to
// tcp_comp_sack_nr of them or a timer of 5% of the RTT (at most
// tcp_comp_sack_delay_ns). True: ACK now.
bool
LinuxTcpSocket::AckOfoNow()
{
    if (!m_tp.sack_ok || m_compressedAck >= static_cast<uint32_t>(m_prof->tcp_comp_sack_nr))
    {
        return true;
    }
    if (m_compressedAckRcvNxt != m_tp.rcv_nxt)
    {
        m_compressedAckRcvNxt = m_tp.rcv_nxt;
        m_dupAckCounter = 0;
    }
    if (m_dupAckCounter < TCP_FASTRETRANS_THRESH)
    {
        m_dupAckCounter++;
        return true;
    }
    m_compressedAck++;
    if (m_compressedAckTimer.IsRunning())
    {
        return false;
    }
    uint64_t rtt = m_tp.rcv_rtt_est.rtt_us; // us << 3
    if (m_tp.srtt_us && m_tp.srtt_us < rtt)
    {
        rtt = m_tp.srtt_us;
    }
    const uint64_t delay_ns = std::min<uint64_t>(static_cast<uint64_t>(m_prof->tcp_comp_sack_delay_ns), rtt * 125 / 20);
    m_compressedAckTimer = Simulator::Schedule(NanoSeconds(static_cast<int64_t>(delay_ns)),
                                               &LinuxTcpSocket::CompressedAckTimer, this);
    return false;
}

} // namespace sim
