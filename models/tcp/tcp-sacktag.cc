// SPDX-License-Identifier: GPL-2.0-only
// The sender's SACK scoreboard, after tcp_sacktag_write_queue() and its helpers in
// net/ipv4/tcp_input.c: which blocks are valid, which is a D-SACK, and the marks each
// sent skb gets (SACKED_ACKED, and LOST/SACKED_RETRANS cleared).
#include "models/tcp/linux-tcp-socket.h"

#include <algorithm>

namespace sim
{

// tcp_is_sackblock_valid()
static bool
SackBlockValid(const Tcb& tp, bool is_dsack, uint32_t start_seq, uint32_t end_seq)
{
    if (SeqAfter(end_seq, tp.snd_nxt) || !SeqBefore(start_seq, end_seq))
    {
        return false;
    }
    if (!SeqBefore(start_seq, tp.snd_nxt))
    {
        return false;
    }
    if (SeqAfter(start_seq, tp.snd_una))
    {
        return true;
    }
    if (!is_dsack || !tp.undo_marker)
    {
        return false;
    }
    if (SeqAfter(end_seq, tp.snd_una))
    {
        return false;
    }
    if (!SeqBefore(start_seq, tp.undo_marker))
    {
        return true;
    }
    if (!SeqAfter(end_seq, tp.undo_marker))
    {
        return false;
    }
    return !SeqBefore(start_seq, end_seq - tp.max_window);
}

// tcp_check_dsack() and tcp_dsack_seen(): the first block is a D-SACK when it lies
// below the ACK or inside the second block
bool
LinuxTcpSocket::CheckDsack(const Segment& seg, uint32_t prior_snd_una, uint32_t* flag)
{
    const ReceivedOptions& o = seg.opt;
    const uint32_t s0 = o.sacks[0].start_seq;
    const uint32_t e0 = o.sacks[0].end_seq;
    bool dup = SeqBefore(s0, seg.ack_seq);
    if (!dup && o.num_sacks > 1)
    {
        dup = !SeqAfter(e0, o.sacks[1].end_seq) && !SeqBefore(s0, o.sacks[1].start_seq);
    }
    if (!dup)
    {
        return false;
    }
    // tcp_dsack_seen(): a dubious block is no D-SACK at all
    if (!SeqBefore(s0, e0) || e0 - s0 > m_tp.max_window)
    {
        return false;
    }
    const uint32_t mss = std::max(m_tp.mss_cache, 1u);
    const uint32_t len = e0 - s0;
    uint32_t dup_segs = 1;
    if (len > mss)
    {
        dup_segs = (len + mss - 1) / mss;
    }
    else if (m_tp.tlp_high_seq && m_tp.tlp_high_seq == e0)
    {
        *flag |= FLAG_DSACK_TLP; // the loss probe's own D-SACK
    }
    m_tp.dsack_dups += dup_segs;
    if (m_tp.dsack_dups > m_tp.total_retrans)
    {
        return false; // more duplicates than we ever sent twice: ignore
    }
    if (m_tp.reord_seen && !(*flag & FLAG_DSACK_TLP))
    {
        m_tp.rack.dsack_seen = true;
    }
    *flag |= FLAG_DSACKING_ACK;
    m_tp.delivered += dup_segs;
    // data the receiver had before snd_una moved: a retransmission proven spurious
    if (m_tp.undo_marker && m_tp.undo_retrans > 0 && !SeqAfter(e0, prior_snd_una) && SeqAfter(e0, m_tp.undo_marker))
    {
        m_tp.undo_retrans = std::max(0, m_tp.undo_retrans - static_cast<int>(dup_segs));
    }
    return true;
}

// tcp_sacktag_one()
uint8_t
LinuxTcpSocket::SacktagOne(Skb& skb,
                           uint32_t* flag,
                           uint32_t* reord,
                           bool dup_sack,
                           uint32_t highest_sack,
                           uint64_t* first_sackt,
                           uint64_t* last_sackt)
{
    uint8_t sacked = skb.sacked;
    const uint32_t pcount = std::max(skb.pcount, 1u);
    if (dup_sack && (sacked & TCPCB_RETRANS))
    {
        if (m_tp.undo_marker && m_tp.undo_retrans > 0 && SeqAfter(skb.end_seq, m_tp.undo_marker))
        {
            m_tp.undo_retrans = std::max(0, m_tp.undo_retrans - static_cast<int>(pcount));
        }
        if ((sacked & TCPCB_SACKED_ACKED) && SeqBefore(skb.seq, *reord))
        {
            *reord = skb.seq;
        }
    }
    if (!SeqAfter(skb.end_seq, m_tp.snd_una))
    {
        return sacked;
    }
    if (!(sacked & TCPCB_SACKED_ACKED))
    {
        RackAdvance(sacked, skb.end_seq, skb.sent_ns / 1000);
        if (sacked & TCPCB_SACKED_RETRANS)
        {
            if (sacked & TCPCB_LOST)
            {
                sacked &= static_cast<uint8_t>(~(TCPCB_LOST | TCPCB_SACKED_RETRANS));
                m_tp.lost_out -= pcount;
                m_tp.retrans_out -= pcount;
            }
        }
        else
        {
            if (!(sacked & TCPCB_RETRANS))
            {
                // a hole filled out of order: reordering
                if (SeqBefore(skb.seq, highest_sack) && SeqBefore(skb.seq, *reord))
                {
                    *reord = skb.seq;
                }
                if (!SeqAfter(skb.end_seq, m_tp.high_seq))
                {
                    *flag |= FLAG_ORIG_SACK_ACKED;
                }
                if (!*first_sackt)
                {
                    *first_sackt = skb.sent_ns / 1000;
                }
                *last_sackt = skb.sent_ns / 1000;
            }
            if (sacked & TCPCB_LOST)
            {
                sacked &= static_cast<uint8_t>(~TCPCB_LOST);
                m_tp.lost_out -= pcount;
            }
        }
        sacked |= TCPCB_SACKED_ACKED;
        *flag |= FLAG_DATA_SACKED;
        m_tp.sacked_out += pcount;
        m_tp.delivered += pcount;
    }
    if (dup_sack && (sacked & TCPCB_SACKED_RETRANS))
    {
        sacked &= static_cast<uint8_t>(~TCPCB_SACKED_RETRANS);
        m_tp.retrans_out -= pcount;
    }
    return sacked;
}

// tcp_highest_sack_seq(): the end of the highest SACKed skb (snd_una with none)
uint32_t
LinuxTcpSocket::HighestSackSeq() const
{
    uint32_t fack = m_tp.snd_una;
    if (!m_tp.sacked_out)
    {
        return fack;
    }
    for (const Skb& skb : m_writeQueue)
    {
        if (!skb.sent)
        {
            break;
        }
        if (skb.sacked & TCPCB_SACKED_ACKED)
        {
            fack = skb.end_seq;
        }
    }
    return fack;
}

// tcp_check_sack_reordering(): data below the highest SACKed arrived late
void
LinuxTcpSocket::CheckSackReordering(uint32_t low_seq)
{
    const uint32_t fack = HighestSackSeq();
    if (!SeqBefore(low_seq, fack))
    {
        return;
    }
    const uint32_t mss = std::max(m_tp.mss_cache, 1u);
    const uint32_t metric = fack - low_seq;
    if (metric > m_tp.reordering * mss)
    {
        m_tp.reordering = std::min((metric + mss - 1) / mss, TCP_MAX_REORDERING);
    }
    m_tp.reord_seen++;
}

// tcp_sacktag_write_queue(): valid blocks in sequence order, each sent skb inside one
// marked. A partly covered skb is split at an mss boundary when it holds several
// (tcp_match_skb_to_sack()); one of a single mss is left unmarked. first_sackt and
// last_sackt (sack_state, if given): when the first and last never-retransmitted skb
// newly SACKed were sent (us; 0: none), for tcp_clean_rtx_queue()'s RTT sample.
uint32_t
LinuxTcpSocket::SacktagWriteQueue(const Segment& seg, uint32_t prior_snd_una, uint64_t* first_sackt_out,
                                  uint64_t* last_sackt_out)
{
    uint32_t flag = 0;
    uint32_t reord = m_tp.snd_nxt;
    const bool found_dup_sack = CheckDsack(seg, prior_snd_una, &flag);
    if (SeqBefore(seg.ack_seq, prior_snd_una - m_tp.max_window) || !m_tp.packets_out)
    {
        return flag;
    }
    SackBlock blocks[4];
    bool dup[4] = {};
    int n = 0;
    for (int i = 0; i < seg.opt.num_sacks; ++i)
    {
        const bool dup_sack = i == 0 && found_dup_sack;
        const SackBlock b = seg.opt.sacks[i];
        if (!SackBlockValid(m_tp, dup_sack, b.start_seq, b.end_seq))
        {
            continue;
        }
        if (!SeqAfter(b.end_seq, prior_snd_una))
        {
            continue; // very old
        }
        blocks[n] = b;
        dup[n] = dup_sack;
        n++;
    }
    // ascending order of start
    for (int i = 0; i < n; ++i)
    {
        for (int j = n - 1; j > i; --j)
        {
            if (SeqAfter(blocks[j - 1].start_seq, blocks[j].start_seq))
            {
                std::swap(blocks[j - 1], blocks[j]);
                std::swap(dup[j - 1], dup[j]);
            }
        }
    }
    uint64_t first_sackt = 0;
    uint64_t last_sackt = 0;
    const uint32_t mss = std::max(CurrentMss(), 1u);
    for (int b = 0; b < n; ++b)
    {
        for (size_t i = 0; i < m_writeQueue.size() && m_writeQueue[i].sent; ++i)
        {
            Skb* skb = &m_writeQueue[i];
            if (!SeqBefore(skb->seq, blocks[b].end_seq))
            {
                break;
            }
            if (!SeqAfter(skb->end_seq, blocks[b].start_seq))
            {
                continue;
            }
            const bool starts_inside = SeqAfter(blocks[b].start_seq, skb->seq);
            const bool ends_inside = SeqBefore(blocks[b].end_seq, skb->end_seq);
            if (starts_inside || ends_inside)
            {
                if (skb->pcount <= 1)
                {
                    continue;
                }
                if (starts_inside)
                {
                    uint32_t len = std::max(mss, blocks[b].start_seq - skb->seq);
                    len = (len + mss - 1) / mss * mss;
                    if (len >= skb->data.size())
                    {
                        continue;
                    }
                    SplitSkb(i, len);
                    continue; // the tail is looked at next
                }
                uint32_t len = blocks[b].end_seq - skb->seq;
                if (len < mss)
                {
                    break;
                }
                len = len / mss * mss;
                SplitSkb(i, len);
                skb = &m_writeQueue[i];
            }
            skb->sacked = SacktagOne(*skb, &flag, &reord, dup[b], HighestSackSeq(), &first_sackt, &last_sackt);
            TcpRateSkbDelivered(m_tp, skb->tx, skb->sent_ns / 1000, skb->end_seq,
                                (skb->sacked & TCPCB_SACKED_ACKED) != 0, (skb->sacked & TCPCB_RETRANS) != 0, m_rs);
        }
    }
    if (m_tp.ca_state != CaState::Loss || m_tp.undo_marker)
    {
        CheckSackReordering(reord);
    }
    if (first_sackt_out)
    {
        *first_sackt_out = first_sackt;
        *last_sackt_out = last_sackt;
    }
    return flag;
}

} // namespace sim
