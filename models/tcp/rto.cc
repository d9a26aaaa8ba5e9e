// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/rto.h"

#include "models/tcp/segment.h"

#include <algorithm>

namespace sim
{

void
TcpRttEstimator(Tcb& tp, long mrtt_us, uint32_t rto_min_us)
{
    long m = mrtt_us;
    uint32_t srtt = tp.srtt_us;
    if (srtt != 0)
    {
        m -= static_cast<long>(srtt >> 3); // m is now the error
        srtt = static_cast<uint32_t>(static_cast<long>(srtt) + m);
        if (m < 0)
        {
            m = -m;
            m -= static_cast<long>(tp.mdev_us >> 2);
            // a falling RTT with a large error raises mdev only by 1/32 of it
            if (m > 0)
            {
                m >>= 3;
            }
        }
        else
        {
            m -= static_cast<long>(tp.mdev_us >> 2);
        }
        tp.mdev_us = static_cast<uint32_t>(static_cast<long>(tp.mdev_us) + m);
        if (tp.mdev_us > tp.mdev_max_us)
        {
            tp.mdev_max_us = tp.mdev_us;
            if (tp.mdev_max_us > tp.rttvar_us)
            {
                tp.rttvar_us = tp.mdev_max_us;
            }
        }
        // once per flight: rttvar decays toward this round's largest mdev
        if (SeqAfter(tp.snd_una, tp.rtt_seq))
        {
            if (tp.mdev_max_us < tp.rttvar_us)
            {
                tp.rttvar_us -= (tp.rttvar_us - tp.mdev_max_us) >> 2;
            }
            tp.rtt_seq = tp.snd_nxt;
            tp.mdev_max_us = rto_min_us;
        }
    }
    else
    {
        // the first sample: srtt = m, mdev = m/2 (scaled), rttvar at least rto_min
        srtt = static_cast<uint32_t>(m << 3);
        tp.mdev_us = static_cast<uint32_t>(m << 1);
        tp.rttvar_us = std::max(tp.mdev_us, rto_min_us);
        tp.mdev_max_us = tp.rttvar_us;
        tp.rtt_seq = tp.snd_nxt;
    }
    tp.srtt_us = std::max(1u, srtt);
}

uint32_t
TcpRtoFromEstimate(const Tcb& tp, int hz)
{
    const uint32_t rto = UsecsToJiffies((tp.srtt_us >> 3) + uint64_t{tp.rttvar_us}, hz);
    return std::min(rto, TcpRtoMax(hz));
}

void
TcpUpdateRttMin(Tcb& tp, uint32_t rtt_us, int hz)
{
    const uint32_t sample = rtt_us ? rtt_us : static_cast<uint32_t>(JiffiesToUsecs(1, hz));
    if (tp.rtt_min_us == 0 || sample <= tp.rtt_min_us)
    {
        tp.rtt_min_us = sample;
    }
}

} // namespace sim
