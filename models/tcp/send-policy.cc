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
TcpNagleCheck(bool partial, const Tcb& tp, int nonagle)
{
    return partial && ((nonagle & TCP_NAGLE_CORK) || (!nonagle && tp.packets_out && MinshallCheck(tp)));
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
    return !TcpNagleCheck(len < mss_now, tp, nonagle);
}

uint32_t
TcpTsoSegs(uint32_t mss_now, const TsoSizing& in)
{
    uint64_t bytes = in.pacing_rate >> 10;
    const uint32_t r = (in.min_rtt_us ? in.min_rtt_us : ~0u) >> in.tso_rtt_log;
    if (r < 32)
    {
        bytes += in.gso_max_size >> r;
    }
    bytes = std::min<uint64_t>(bytes, in.gso_max_size);
    return std::max(static_cast<uint32_t>(bytes / mss_now), in.min_tso_segs);
}

uint64_t
TcpPacingRate(const Tcb& tp, uint32_t ss_ratio, uint32_t ca_ratio)
{
    uint64_t rate = uint64_t{tp.mss_cache} * ((1000000 / 100) << 3);
    rate *= tp.snd_cwnd < tp.snd_ssthresh / 2 ? ss_ratio : ca_ratio;
    rate *= std::max(tp.snd_cwnd, tp.packets_out);
    if (tp.srtt_us)
    {
        rate /= tp.srtt_us;
    }
    return rate;
}

uint32_t
TcpCwndTest(const Tcb& tp, uint32_t in_flight)
{
    if (in_flight >= tp.snd_cwnd)
    {
        return 0;
    }
    const uint32_t halfcwnd = std::max(tp.snd_cwnd >> 1, 1u);
    return std::min(halfcwnd, tp.snd_cwnd - in_flight);
}

uint32_t
TcpSkbPcount(uint32_t len, uint32_t mss_now)
{
    return len <= mss_now ? 1 : (len + mss_now - 1) / mss_now;
}

uint32_t
TcpMssSplitPoint(const Tcb& tp,
                 uint32_t seq,
                 uint32_t len,
                 bool is_tail,
                 uint32_t mss_now,
                 uint32_t max_segs,
                 int nonagle)
{
    const uint32_t window = tp.snd_una + tp.snd_wnd - seq; // tcp_wnd_end() - seq
    const uint32_t max_len = mss_now * max_segs;
    // more follows this skb: as many whole mss as allowed
    if (max_len <= window && !is_tail)
    {
        return max_len;
    }
    const uint32_t needed = std::min(len, window);
    if (max_len <= needed)
    {
        return max_len;
    }
    // the part up to the window's edge (or the skb's end) ends in a partial segment:
    // it goes too unless Nagle would hold it, then cut at the last whole mss
    const uint32_t partial = needed % mss_now;
    return TcpNagleCheck(partial != 0, tp, nonagle) ? needed - partial : needed;
}

bool
TcpTsoShouldDefer(const Tcb& tp, const TsoDeferInput& in, bool* is_cwnd_limited)
{
    constexpr uint64_t NSEC_PER_MSEC = 1000000;
    // defer only right after a transmit: the last one less than 1 ms ago
    if (static_cast<int64_t>(tp.tcp_clock_cache - tp.tcp_wstamp_ns - NSEC_PER_MSEC) > 0)
    {
        return false;
    }
    const uint32_t in_flight = TcpPacketsInFlight(tp);
    const uint32_t send_win = tp.snd_una + tp.snd_wnd - in.seq;
    const uint32_t cong_win = (tp.snd_cwnd - in_flight) * tp.mss_cache;
    const uint32_t limit = std::min(send_win, cong_win);
    // a full-sized GSO packet can go
    if (limit >= in.max_segs * tp.mss_cache)
    {
        return false;
    }
    // an skb in the middle of the queue gets no more data: all of it can go
    if (!in.is_tail && limit >= in.len)
    {
        return false;
    }
    // a fraction (1 / tcp_tso_win_divisor) of the window is open: use it; with the
    // divisor 0, three mss (tcp_max_tso_deferred_mss())
    if (in.win_divisor)
    {
        const uint32_t chunk = std::min(tp.snd_wnd, tp.snd_cwnd * tp.mss_cache) / in.win_divisor;
        if (limit >= chunk)
        {
            return false;
        }
    }
    else if (limit > 3 * tp.mss_cache)
    {
        return false;
    }
    if (!in.have_sent)
    {
        return false;
    }
    // the next ACK is expected an srtt after the oldest unacknowledged skb left; if
    // that is more than min(srtt / 2, 1 ms) away, waiting for it costs too much
    const uint64_t srtt_ns = uint64_t{tp.srtt_us} * 125; // srtt_us is << 3
    const uint64_t how_far = in.head_sent_ns + srtt_ns - tp.tcp_clock_cache;
    const uint64_t threshold = std::min<uint64_t>(srtt_ns >> 1, NSEC_PER_MSEC);
    if (static_cast<int64_t>(how_far - threshold) > 0)
    {
        return false;
    }
    // cwnd- or rwnd-limited: wait for the ACK that opens more
    if (cong_win < send_win ? cong_win <= in.len : send_win <= in.len)
    {
        if (is_cwnd_limited && cong_win < send_win)
        {
            *is_cwnd_limited = true;
        }
        return true;
    }
    // application-limited: wait for more data, unless this skb gets none (FIN)
    return !in.fin;
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
