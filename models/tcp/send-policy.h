// SPDX-License-Identifier: GPL-2.0-only
// When data leaves: Nagle's test with Minshall's variant and autocorking, after
// tcp_nagle_test(), tcp_nagle_check(), tcp_minshall_check() and tcp_should_autocork()
// in net/ipv4/tcp_output.c and tcp.c. Pure functions of the TCB.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

#include <cstdint>

namespace sim
{

// tp->nonagle and the nonagle argument of tcp_write_xmit()
inline constexpr int TCP_NAGLE_OFF = 1;
inline constexpr int TCP_NAGLE_CORK = 2;
inline constexpr int TCP_NAGLE_PUSH = 4;

// tcp_bound_to_half_wnd(): no segment larger than half the peer's largest window
uint32_t TcpBoundToHalfWnd(const Tcb& tp, uint32_t pktsize);

// tcp_nagle_test(): may an skb of `len` bytes (with FIN or not) go now?
bool TcpNagleTest(const Tcb& tp, uint32_t len, bool fin, uint32_t mss_now, int nonagle);

// tcp_should_autocork(): hold a small write while earlier ones are still in the qdisc
// or device (`wmem_alloc`: bytes of this socket's skbs not yet freed after transmit;
// the loopback frees them in loopback_xmit(), so there it is 0)
bool TcpShouldAutocork(const Tcb& tp,
                       const KernelProfile& prof,
                       uint32_t len,
                       int truesize,
                       uint32_t size_goal,
                       bool rtx_queue_empty,
                       int wmem_alloc);

} // namespace sim
