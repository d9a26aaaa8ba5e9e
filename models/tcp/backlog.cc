// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/backlog.h"

#include <algorithm>

namespace sim
{

namespace
{

constexpr uint8_t TCPHDR_ECE = 0x40;
constexpr uint8_t TCPHDR_CWR = 0x80;

// memcmp() of the two headers' options: the same TCP header length and the same
// timestamps and SACK blocks (a pair of ACKs in one millisecond, with no new SACK)
bool
SameOptions(const Segment& a, const Segment& b)
{
    if (a.hdr_len != b.hdr_len || a.opt.ts_present != b.opt.ts_present || a.opt.num_sacks != b.opt.num_sacks)
    {
        return false;
    }
    if (a.opt.ts_present && (a.opt.tsval != b.opt.tsval || a.opt.tsecr != b.opt.tsecr))
    {
        return false;
    }
    for (uint8_t i = 0; i < a.opt.num_sacks; ++i)
    {
        if (a.opt.sacks[i].start_seq != b.opt.sacks[i].start_seq || a.opt.sacks[i].end_seq != b.opt.sacks[i].end_seq)
        {
            return false;
        }
    }
    return true;
}

} // namespace

bool
TcpBacklogCoalesce(Segment& tail, const Segment& seg, const KernelProfile& prof, int& delta)
{
    if (!prof.tcp_backlog_coalesce || tail.end_seq != seg.seq ||
        ((tail.flags | seg.flags) & (TCPHDR_SYN | TCPHDR_RST | TCPHDR_URG)) ||
        !(tail.flags & seg.flags & TCPHDR_ACK) || ((tail.flags ^ seg.flags) & (TCPHDR_ECE | TCPHDR_CWR)) ||
        !SameOptions(tail, seg))
    {
        return false;
    }
    // skb_try_coalesce(): never into a cloned skb (on loopback a data skb is the
    // sender's clone until the sender frees its copy; a GSO piece is a new skb), and
    // not past MAX_SKB_FRAGS
    const uint32_t frags = (tail.Len() > 0 ? tail.frags : 0) + (seg.Len() > 0 ? seg.frags : 0);
    if (tail.Cloned() || frags > static_cast<uint32_t>(MAX_SKB_FRAGS))
    {
        return false;
    }
    // "only need to carry mss max value"
    const uint32_t seg_gso = seg.gso_size ? seg.gso_size : seg.Len();
    const uint32_t tail_gso = tail.gso_size ? tail.gso_size : tail.Len();
    delta = seg.Len() > 0 ? seg.truesize - prof.skb_truesize_overhead : 0;
    if (seg.Len() > 0)
    {
        tail.payload.append(seg.payload);
        tail.truesize += delta;
        tail.frags = frags;
        // the frags are the sender's pages, referenced: the joined skb is no clone
        tail.dataref = nullptr;
    }
    tail.end_seq = seg.end_seq;
    if (!SeqBefore(seg.ack_seq, tail.ack_seq))
    {
        tail.ack_seq = seg.ack_seq;
        tail.window = seg.window;
    }
    tail.flags |= seg.flags;
    tail.gso_size = std::max(seg_gso, tail_gso);
    return true;
}

} // namespace sim
