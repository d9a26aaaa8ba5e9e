// SPDX-License-Identifier: GPL-2.0-only
// Receive-window arithmetic, after net/ipv4/tcp_output.c and include/net/tcp.h.
// Pure functions of the TCB and the profile; no ns-3 here.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// tcp_win_from_space(): the part of a buffer that may be advertised
int TcpWinFromSpace(const Tcb& tp, const KernelProfile& prof, int space);

// tcp_space(): free receive space, skb truesize included, the backlog counted too
int TcpSpace(const Tcb& tp, const KernelProfile& prof);

// tcp_full_space()
int TcpFullSpace(const Tcb& tp, const KernelProfile& prof);

// tcp_receive_window(): what is left of the window last advertised
uint32_t TcpReceiveWindow(const Tcb& tp);

struct InitialWindow
{
    uint32_t rcv_wnd;
    uint32_t window_clamp;
    uint8_t rcv_wscale;
};

// tcp_select_initial_window()
InitialWindow TcpSelectInitialWindow(const KernelProfile& prof,
                                     int space,
                                     uint32_t mss,
                                     uint32_t window_clamp,
                                     bool wscale_ok,
                                     uint32_t init_rcv_wnd);

// __tcp_select_window(): the window the free space allows now. May clear
// icsk_ack.quick, as Linux does when space runs short.
uint32_t TcpSelectWindowRaw(Tcb& tp, const KernelProfile& prof);

// tcp_select_window(): never shrink; remembers rcv_wnd/rcv_wup; returns the 16-bit
// header field (already shifted by rcv_wscale).
uint16_t TcpSelectWindow(Tcb& tp, const KernelProfile& prof);

// tcp_grow_window(): raise rcv_ssthresh for a well-sized in-order skb
void TcpGrowWindow(Tcb& tp, const KernelProfile& prof, uint32_t skb_len, int skb_truesize);

// tcp_init_buffer_space(), at establishment: the send buffer for TCP_INIT_CWND
// (tcp_sndbuf_expand()); the window clamp from the receive buffer, less
// tcp_app_win's share and one segment's reservation; rcv_ssthresh within it
void TcpInitBufferSpace(Tcb& tp, const KernelProfile& prof);

// ipv4_default_advmss(): MTU minus headers, at most IPV4_MAX_PMTU minus headers
uint32_t Ipv4DefaultAdvmss(uint32_t mtu);

} // namespace sim
