// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/sndbuf.h"

#include <algorithm>

namespace sim
{

namespace
{

uint32_t
RoundupPowOfTwo(uint32_t v)
{
    uint32_t p = 1;
    while (p < v)
    {
        p <<= 1;
    }
    return p;
}

} // namespace

void
TcpSndbufExpand(Tcb& tp, const KernelProfile& prof)
{
    // SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) = 320, of struct sk_buff = 256
    const uint32_t per_mss =
        RoundupPowOfTwo(std::max(tp.mss_clamp, tp.mss_cache) + static_cast<uint32_t>(prof.max_tcp_header) + 320) + 256;
    const uint32_t nr_segs = std::max(TCP_INIT_CWND, tp.snd_cwnd);
    // ca_ops->sndbuf_expand: Cubic has none, so 2 (room for fast recovery and a slow
    // writer); bbr_sndbuf_expand() 3 (BBR can still be in slow start while recovering)
    const int64_t provision = prof.congestion_control == CongestionControl::Bbr ? 3 : 2;
    const int64_t sndmem = provision * static_cast<int64_t>(nr_segs) * per_mss;
    if (tp.sndbuf < sndmem)
    {
        tp.sndbuf = static_cast<int>(std::min<int64_t>(sndmem, prof.tcp_wmem[2]));
    }
}

} // namespace sim
