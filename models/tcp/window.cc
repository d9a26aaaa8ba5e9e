// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/window.h"

#include "models/tcp/rcvbuf-autotune.h"
#include "models/tcp/sndbuf.h"

#include <algorithm>

namespace sim
{

int
TcpWinFromSpace(const Tcb& tp, const KernelProfile& prof, int space)
{
    if (prof.win_from_space == WinFromSpace::ScalingRatio)
    {
        // __tcp_win_from_space(): space * scaling_ratio >> TCP_RMEM_TO_WIN_SCALE
        return static_cast<int>((static_cast<int64_t>(space) * tp.scaling_ratio) >> 8);
    }
    const int scale = prof.tcp_adv_win_scale;
    return scale <= 0 ? space >> -scale : space - (space >> scale);
}

int
TcpSpace(const Tcb& tp, const KernelProfile& prof)
{
    return TcpWinFromSpace(tp, prof, tp.rcvbuf - tp.backlog_len - tp.rmem_alloc);
}

int
TcpFullSpace(const Tcb& tp, const KernelProfile& prof)
{
    return TcpWinFromSpace(tp, prof, tp.rcvbuf);
}

uint32_t
TcpReceiveWindow(const Tcb& tp)
{
    const int32_t win = static_cast<int32_t>(tp.rcv_wup + tp.rcv_wnd - tp.rcv_nxt);
    return win < 0 ? 0 : static_cast<uint32_t>(win);
}

static uint32_t
Ilog2(uint32_t v)
{
    uint32_t r = 0;
    while (v >>= 1)
    {
        ++r;
    }
    return r;
}

InitialWindow
TcpSelectInitialWindow(const KernelProfile& prof,
                       int space_in,
                       uint32_t mss,
                       uint32_t window_clamp,
                       bool wscale_ok,
                       uint32_t init_rcv_wnd)
{
    InitialWindow w{};
    uint32_t space = space_in < 0 ? 0 : static_cast<uint32_t>(space_in);
    // tcp_select_initial_window(): a zero clamp stands for 65535 << 14, the scale's limit
    w.window_clamp = window_clamp == 0 ? (0xffffu << TCP_MAX_WSCALE) : window_clamp;
    space = std::min(w.window_clamp, space);
    // offer whole segments: round the space down to a multiple of mss
    if (space > mss)
    {
        space = space / mss * mss;
    }
    w.rcv_wnd = prof.tcp_workaround_signed_windows ? std::min(space, MAX_TCP_WINDOW)
                                                   : std::min<uint32_t>(space, 0xffff);
    if (init_rcv_wnd)
    {
        w.rcv_wnd = std::min(w.rcv_wnd, init_rcv_wnd * mss);
    }
    w.rcv_wscale = 0;
    if (wscale_ok)
    {
        // scale for the largest buffer this socket could grow to (tcp_rmem[2], rmem_max)
        space = std::max<uint32_t>(space, prof.tcp_rmem[2]);
        space = std::max<uint32_t>(space, prof.rmem_max);
        space = std::min(space, w.window_clamp);
        const int ws = static_cast<int>(Ilog2(space)) - 15;
        w.rcv_wscale = static_cast<uint8_t>(std::clamp<int>(ws, 0, TCP_MAX_WSCALE));
    }
    // the clamp cannot exceed what the 16-bit field can express at this scale
    w.window_clamp = std::min<uint32_t>(0xffffu << w.rcv_wscale, w.window_clamp);
    return w;
}

uint32_t
TcpSelectWindowRaw(Tcb& tp, const KernelProfile& prof)
{
    int mss = static_cast<int>(tp.ack.rcv_mss);
    int free_space = TcpSpace(tp, prof);
    const int allowed_space = TcpFullSpace(tp, prof);
    const int full_space = std::min<int>(static_cast<int>(tp.window_clamp), allowed_space);

    if (mss > full_space)
    {
        mss = full_space;
        if (mss <= 0)
        {
            return 0;
        }
    }
    if (free_space < (full_space >> 1))
    {
        tp.ack.quick = 0;
        // __tcp_select_window(): this may be what we offer, so round it down to the
        // scale unit (rounding up would offer more than there is)
        free_space &= ~((1 << tp.rcv_wscale) - 1);
        // below an MSS or 1/16 of the buffer: move to a zero window
        if (free_space < (allowed_space >> 4) || free_space < mss)
        {
            return 0;
        }
    }
    if (free_space > static_cast<int>(tp.rcv_ssthresh))
    {
        free_space = static_cast<int>(tp.rcv_ssthresh);
    }
    if (tp.rcv_wscale)
    {
        // round up to the scale unit, so that a small window does not shift to zero
        const int unit = 1 << tp.rcv_wscale;
        return static_cast<uint32_t>((free_space + unit - 1) / unit * unit);
    }
    // Without scaling: whole segments of free space; the current offer stays while it
    // lies less than one mss below the free space
    int window = static_cast<int>(tp.rcv_wnd);
    if (window <= free_space - mss || window > free_space)
    {
        window = free_space / mss * mss;
    }
    else if (mss == full_space && free_space > window + (full_space >> 1))
    {
        window = free_space;
    }
    return static_cast<uint32_t>(window);
}

uint16_t
TcpSelectWindow(Tcb& tp, const KernelProfile& prof)
{
    const uint32_t cur_win = TcpReceiveWindow(tp);
    uint32_t new_win = TcpSelectWindowRaw(tp, prof);
    if (new_win < cur_win)
    {
        // tcp_select_window(): no shrinking; what is left, rounded up to the scale unit
        const uint32_t unit = 1u << tp.rcv_wscale;
        new_win = (cur_win + unit - 1) / unit * unit;
    }
    tp.rcv_wnd = new_win;
    tp.rcv_wup = tp.rcv_nxt;
    // cap at the largest window the 16-bit field can carry at this scale
    if (!tp.rcv_wscale && prof.tcp_workaround_signed_windows)
    {
        new_win = std::min(new_win, MAX_TCP_WINDOW);
    }
    else
    {
        new_win = std::min(new_win, 0xffffu << tp.rcv_wscale);
    }
    return static_cast<uint16_t>(new_win >> tp.rcv_wscale);
}

void
TcpGrowWindow(Tcb& tp, const KernelProfile& prof, uint32_t skb_len, int skb_truesize)
{
    const int room = std::min<int>(static_cast<int>(tp.window_clamp), TcpSpace(tp, prof)) -
                     static_cast<int>(tp.rcv_ssthresh);
    if (room <= 0)
    {
        return;
    }
    int incr = 0;
    // tcp_grow_window(): skb overhead low enough (window of truesize <= len): grow
    if (TcpWinFromSpace(tp, prof, skb_truesize) <= static_cast<int>(skb_len))
    {
        incr = 2 * static_cast<int>(tp.advmss);
    }
    else
    {
        // __tcp_grow_window()
        int truesize = TcpWinFromSpace(tp, prof, skb_truesize) >> 1;
        int window = TcpWinFromSpace(tp, prof, prof.tcp_rmem[2]) >> 1;
        while (static_cast<int>(tp.rcv_ssthresh) <= window)
        {
            if (truesize <= static_cast<int>(skb_len))
            {
                incr = 2 * static_cast<int>(tp.ack.rcv_mss);
                break;
            }
            truesize >>= 1;
            window >>= 1;
        }
    }
    if (incr)
    {
        incr = std::max<int>(incr, 2 * static_cast<int>(skb_len));
        tp.rcv_ssthresh += static_cast<uint32_t>(std::min(room, incr));
        tp.ack.quick |= 1;
    }
}

// tcp_init_transfer() -> tcp_init_buffer_space(): clamp the window to the buffer,
// keeping tcp_app_win's share for the application
void
TcpInitBufferSpace(Tcb& tp, const KernelProfile& prof)
{
    if (!(tp.userlocks & SOCK_SNDBUF_LOCK)) // not a send buffer set with SO_SNDBUF
    {
        TcpSndbufExpand(tp, prof);
    }
    const uint32_t maxwin = static_cast<uint32_t>(TcpFullSpace(tp, prof));
    const int tcp_app_win = prof.tcp_app_win;
    if (tp.window_clamp >= maxwin)
    {
        tp.window_clamp = maxwin;
        if (tcp_app_win && maxwin > 4 * tp.advmss)
        {
            tp.window_clamp = std::max(maxwin - (maxwin >> tcp_app_win), 4 * tp.advmss);
        }
    }
    // keep at least one advmss of the buffer out of the window
    if (tcp_app_win && tp.window_clamp > 2 * tp.advmss && tp.window_clamp + tp.advmss > maxwin)
    {
        tp.window_clamp = std::max(2 * tp.advmss, maxwin - tp.advmss);
    }
    tp.rcv_ssthresh = std::min(tp.rcv_ssthresh, tp.window_clamp);
    TcpRcvSpaceInit(tp);
}

uint32_t
Ipv4DefaultAdvmss(uint32_t mtu)
{
    return std::min(mtu, IPV4_MAX_PMTU) - IPV4_TCP_HEADERS;
}

} // namespace sim
