// SPDX-License-Identifier: GPL-2.0-only
// The TCP timestamp clock. Linux stamps segments with tcp_clock_cache, a nanosecond
// clock that is refreshed only at certain points (tcp_mstamp_refresh(): on receive in
// tcp_rcv_established()/tcp_rcv_state_process(), before sending in tcp_write_xmit(),
// in the delayed-ACK and retransmit timers). A pure ACK sent in between carries the
// cached value. TSval = tcp_clock_cache / 1 ms + tsoffset (tcp_skb_timestamp()).
#pragma once

#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// The host's clock: sim time 0 is `phase_ns` past a millisecond tick of the boot clock.
struct TsClock
{
    uint64_t phase_ns = 0;
    // and this far into a tick of jiffies (the timer clock, CONFIG_HZ)
    uint64_t tick_phase_ns = 0;

    uint64_t Now(uint64_t sim_ns) const
    {
        return sim_ns + phase_ns;
    }
};

// tcp_mstamp_refresh()
inline void TcpMstampRefresh(Tcb& tp, const TsClock& clock, uint64_t sim_ns)
{
    tp.tcp_clock_cache = clock.Now(sim_ns);
}

// tcp_skb_timestamp() + tp->tsoffset, for a segment stamped with the cached clock
inline uint32_t TcpTsval(const Tcb& tp)
{
    return static_cast<uint32_t>(tp.tcp_clock_cache / 1000000ULL) + tp.tsoffset;
}

// The offset that makes the first TSval of the host's clock at sim time 0 equal `base`.
inline uint32_t TsOffsetForBase(uint32_t base, const TsClock& clock)
{
    return base - static_cast<uint32_t>(clock.Now(0) / 1000000ULL);
}

} // namespace sim
