// SPDX-License-Identifier: GPL-2.0-only
// The RTT estimator and the retransmission timeout, after net/ipv4/tcp_input.c
// (tcp_rtt_estimator(), tcp_set_rto(), tcp_update_rtt_min()) and include/net/tcp.h.
// Pure functions of the TCB; RTTs in microseconds, the RTO in jiffies.
#pragma once

#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// usecs_to_jiffies(): rounds up to a whole jiffy
inline uint32_t
UsecsToJiffies(uint64_t us, int hz)
{
    return static_cast<uint32_t>((us * static_cast<uint64_t>(hz) + 999999ULL) / 1000000ULL);
}

// jiffies_to_usecs()
inline uint64_t
JiffiesToUsecs(uint32_t j, int hz)
{
    return uint64_t{j} * 1000000ULL / static_cast<uint64_t>(hz);
}

// TCP_RTO_MAX: 120 s
inline uint32_t
TcpRtoMax(int hz)
{
    return static_cast<uint32_t>(120 * hz);
}

// When the timer wheel runs a timer due at jiffy `expires` (kernel/time/timer.c,
// calc_wheel_index(), calc_index()): never early, so at the first tick of its level's
// granularity after it: the next tick within 63 jiffies, then multiples of 8, 64,
// 512... jiffies. (The delayed-ACK timer keeps the model's earlier rule, fitted on
// recordings: at the tick it is due.) The model's jiffies count from time 0, so where
// an outer level's buckets fall against the host's jiffies is a guess.
inline uint32_t
TimerWheelExpiry(uint32_t now, uint32_t expires)
{
    const uint32_t delta = expires - now;
    if (static_cast<int32_t>(delta) < 0)
    {
        return now + 1;
    }
    uint32_t shift = 0;
    for (uint32_t limit = 63; delta >= limit && shift < 24; limit <<= 3)
    {
        shift += 3;
    }
    return ((expires >> shift) + 1) << shift;
}

// tcp_rtt_estimator(): srtt gains 1/8 of the error, mdev 1/4 (1/32 when the RTT falls
// below srtt - mdev); rttvar follows the largest mdev of each round trip and never
// goes below rto_min, so the RTO stays at least srtt + rto_min
void TcpRttEstimator(Tcb& tp, long mrtt_us, uint32_t rto_min_us);

// __tcp_set_rto() and tcp_bound_rto(): srtt + rttvar, rounded up to jiffies, at most
// TCP_RTO_MAX
uint32_t TcpRtoFromEstimate(const Tcb& tp, int hz);

// tcp_update_rtt_min(): the smallest RTT seen (the kernel's 300 s window is longer
// than any experiment here); 0 counts as one jiffy
void TcpUpdateRttMin(Tcb& tp, uint32_t rtt_us, int hz);

} // namespace sim
