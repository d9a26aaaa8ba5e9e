// SPDX-License-Identifier: GPL-2.0-only
// Two rules of loss recovery as pure functions, so that they can be worked by hand:
// proportional rate reduction (tcp_cwnd_reduction(), RFC 6937) and RACK's reordering
// window and deadline (tcp_rack_reo_wnd(), tcp_rack_skb_timeout(), RFC 8985).
#pragma once

#include "models/tcp/tcb.h"

#include <algorithm>
#include <cstdint>

namespace sim
{

// tcp_cwnd_reduction(): how many segments may go on this ACK. prr_delivered already
// counts this ACK's. Above ssthresh, sending follows delivery in the ratio
// ssthresh / prior_cwnd; at or below it, the window grows back toward ssthresh by what
// was delivered (plus one when snd_una moved and nothing new was lost); the first
// retransmission always goes.
inline int64_t
TcpPrrSndcnt(uint32_t ssthresh,
             uint32_t prior_cwnd,
             uint32_t prr_delivered,
             uint32_t prr_out,
             uint32_t in_flight,
             uint32_t newly_acked_sacked,
             bool una_advanced_without_loss)
{
    const int64_t delta = static_cast<int64_t>(ssthresh) - in_flight;
    int64_t sndcnt;
    if (delta < 0)
    {
        const uint64_t dividend = uint64_t{ssthresh} * prr_delivered + prior_cwnd - 1;
        sndcnt = static_cast<int64_t>(dividend / std::max(prior_cwnd, 1u)) - prr_out;
    }
    else
    {
        sndcnt = std::max<int64_t>(static_cast<int64_t>(prr_delivered) - prr_out, newly_acked_sacked);
        if (una_advanced_without_loss)
        {
            sndcnt++;
        }
        sndcnt = std::min(delta, sndcnt);
    }
    return std::max<int64_t>(sndcnt, prr_out ? 0 : 1);
}

// tcp_rack_reo_wnd(): no reordering seen, none is allowed in recovery or once
// `reordering` segments are SACKed (the dupthresh); else a quarter of the minimum RTT
// per step, at most srtt (all in us)
inline uint32_t
TcpRackReoWnd(bool reord_seen,
              CaState state,
              uint32_t sacked_out,
              uint32_t reordering,
              uint32_t min_rtt_us,
              uint32_t reo_wnd_steps,
              uint32_t srtt_us_x8)
{
    if (!reord_seen && (state >= CaState::Recovery || sacked_out >= reordering))
    {
        return 0;
    }
    return std::min((min_rtt_us >> 2) * reo_wnd_steps, srtt_us_x8 >> 3);
}

// tcp_rack_skb_timeout(): what is left before an skb sent at `xmit_us` counts lost;
// <= 0: it is lost now
inline int64_t
TcpRackSkbTimeout(uint32_t rack_rtt_us, uint32_t reo_wnd_us, uint64_t now_us, uint64_t xmit_us)
{
    return static_cast<int64_t>(rack_rtt_us) + reo_wnd_us - static_cast<int64_t>(now_us - xmit_us);
}

} // namespace sim
