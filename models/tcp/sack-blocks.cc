// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/sack-blocks.h"

#include "models/tcp/segment.h"

#include <algorithm>

namespace sim
{

// MAX_TCP_OPTION_SPACE, TCPOLEN_SACK_BASE_ALIGNED, TCPOLEN_SACK_PERBLOCK
inline constexpr uint32_t MAX_TCP_OPTION_SPACE = 40;
inline constexpr uint32_t TCPOLEN_SACK_BASE_ALIGNED = 4;
inline constexpr uint32_t TCPOLEN_SACK_PERBLOCK = 8;

bool
TcpSackExtend(SackBlock& sp, uint32_t seq, uint32_t end)
{
    if (!SeqAfter(seq, sp.end_seq) && !SeqAfter(sp.start_seq, end))
    {
        if (SeqBefore(seq, sp.start_seq))
        {
            sp.start_seq = seq;
        }
        if (SeqAfter(end, sp.end_seq))
        {
            sp.end_seq = end;
        }
        return true;
    }
    return false;
}

// tcp_sack_maybe_coalesce(): blocks that now touch the first join it
static void
SackMaybeCoalesce(Tcb& tp)
{
    SackBlock& sp = tp.selective_acks[0];
    int this_sack = 1;
    while (this_sack < tp.num_sacks)
    {
        SackBlock& swalk = tp.selective_acks[this_sack];
        if (TcpSackExtend(sp, swalk.start_seq, swalk.end_seq))
        {
            tp.num_sacks--;
            for (int i = this_sack; i < tp.num_sacks; ++i)
            {
                tp.selective_acks[i] = tp.selective_acks[i + 1];
            }
            continue;
        }
        this_sack++;
    }
}

bool
TcpSackNewOfoSkb(Tcb& tp, uint32_t seq, uint32_t end)
{
    bool flush = false;
    if (tp.num_sacks > 0)
    {
        for (int i = 0; i < tp.num_sacks; ++i)
        {
            if (TcpSackExtend(tp.selective_acks[i], seq, end))
            {
                flush = i >= 2;
                // rotate it to the front, the others keeping their order
                for (; i > 0; --i)
                {
                    std::swap(tp.selective_acks[i], tp.selective_acks[i - 1]);
                }
                if (tp.num_sacks > 1)
                {
                    SackMaybeCoalesce(tp);
                }
                return flush;
            }
        }
        flush = tp.num_sacks >= 2;
        if (tp.num_sacks >= TCP_NUM_SACKS)
        {
            tp.num_sacks--; // the least recently touched block is forgotten
        }
        for (int i = tp.num_sacks; i > 0; --i)
        {
            tp.selective_acks[i] = tp.selective_acks[i - 1];
        }
    }
    tp.selective_acks[0] = {seq, end};
    tp.num_sacks++;
    return flush;
}

void
TcpSackRemove(Tcb& tp, bool ofo_empty)
{
    if (ofo_empty)
    {
        tp.num_sacks = 0;
        return;
    }
    int num = 0;
    for (int i = 0; i < tp.num_sacks; ++i)
    {
        if (!SeqBefore(tp.rcv_nxt, tp.selective_acks[i].start_seq))
        {
            continue; // rcv_nxt has passed it
        }
        tp.selective_acks[num++] = tp.selective_acks[i];
    }
    tp.num_sacks = static_cast<uint8_t>(num);
}

void
TcpDsackSet(Tcb& tp, bool dsack_sysctl, uint32_t seq, uint32_t end)
{
    if (tp.sack_ok && dsack_sysctl)
    {
        tp.dsack = true;
        tp.duplicate_sack = {seq, end};
    }
}

void
TcpDsackExtend(Tcb& tp, bool dsack_sysctl, uint32_t seq, uint32_t end)
{
    if (!tp.dsack)
    {
        TcpDsackSet(tp, dsack_sysctl, seq, end);
    }
    else
    {
        TcpSackExtend(tp.duplicate_sack, seq, end);
    }
}

int
TcpSackBlocksToSend(const Tcb& tp, uint32_t other_options_len)
{
    const int eff_sacks = tp.num_sacks + (tp.dsack ? 1 : 0);
    if (eff_sacks == 0)
    {
        return 0;
    }
    const uint32_t remaining = MAX_TCP_OPTION_SPACE - other_options_len;
    if (remaining < TCPOLEN_SACK_BASE_ALIGNED + TCPOLEN_SACK_PERBLOCK)
    {
        return 0;
    }
    return std::min<int>(eff_sacks, static_cast<int>((remaining - TCPOLEN_SACK_BASE_ALIGNED) / TCPOLEN_SACK_PERBLOCK));
}

void
TcpSackBlocksWritten(Tcb& tp, SackBlock* out, int n)
{
    // struct tcp_sock keeps duplicate_sack[1] just before selective_acks[]: read as
    // one array, the D-SACK comes first
    int k = 0;
    if (tp.dsack && k < n)
    {
        out[k++] = tp.duplicate_sack;
    }
    for (int i = 0; k < n && i < tp.num_sacks; ++i)
    {
        out[k++] = tp.selective_acks[i];
    }
    tp.dsack = false;
}

} // namespace sim
