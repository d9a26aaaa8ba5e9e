// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/send-policy.h"

#include "models/tcp/segment.h"

#include <algorithm>

namespace sim
{

// tcp_minshall_check(): a small segment is still unacknowledged
static bool
MinshallCheck(const Tcb& tp)
{
    return SeqAfter(tp.snd_sml, tp.snd_una) && !SeqAfter(tp.snd_sml, tp.snd_nxt);
}

uint32_t
TcpBoundToHalfWnd(const Tcb& tp, uint32_t pktsize)
{
    // halve only windows above TCP_MSS_DEFAULT: cutting tiny ones would only add headers
    const uint32_t cutoff = tp.max_window > TCP_MSS_DEFAULT ? tp.max_window >> 1 : tp.max_window;
    if (cutoff && pktsize > cutoff)
    {
        return std::max<uint32_t>(cutoff, 68u - tp.tcp_header_len);
    }
    return pktsize;
}

bool
TcpNagleTest(const Tcb& tp, uint32_t len, bool fin, uint32_t mss_now, int nonagle)
{
    if (nonagle & TCP_NAGLE_PUSH)
    {
        return true;
    }
    // a FIN (or urgent data) goes at once: Nagle does not hold it
    if (fin)
    {
        return true;
    }
    // tcp_nagle_check(): hold a partial segment when corked, or under Nagle while a
    // small segment is in flight
    const bool partial = len < mss_now;
    const bool hold =
        partial && ((nonagle & TCP_NAGLE_CORK) || (!nonagle && tp.packets_out && MinshallCheck(tp)));
    return !hold;
}

bool
TcpShouldAutocork(const Tcb&,
                  const KernelProfile& prof,
                  uint32_t len,
                  int truesize,
                  uint32_t size_goal,
                  bool rtx_queue_empty,
                  int wmem_alloc)
{
    return len < size_goal && prof.tcp_autocorking && !rtx_queue_empty && wmem_alloc > truesize;
}

} // namespace sim
