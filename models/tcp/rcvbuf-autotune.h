// SPDX-License-Identifier: GPL-2.0-only
// Receive-buffer autotuning ("dynamic right-sizing"), after net/ipv4/tcp_input.c:
// the receiver estimates the RTT (tcp_rcv_rtt_measure(), tcp_rcv_rtt_measure_ts())
// and, each time the application has read more in one RTT than before, grows
// sk_rcvbuf and window_clamp (tcp_rcv_space_adjust()). Gated by
// net.ipv4.tcp_moderate_rcvbuf.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

#include <functional>

namespace sim
{

// tcp_init_buffer_space(): the first measure starts when the connection is established
void TcpRcvSpaceInit(Tcb& tp);

// tcp_rcv_rtt_measure(): the time one advertised window takes to arrive (a bound)
void TcpRcvRttMeasure(Tcb& tp, const KernelProfile& prof);

// tcp_rcv_rtt_measure_ts(): a full-sized segment's TSecr against our TS clock
void TcpRcvRttMeasureTs(Tcb& tp, const KernelProfile& prof, uint32_t seg_len, uint32_t tsecr);

// tcp_rcv_space_adjust(): after a read; true when sk_rcvbuf grew
// `grows`, when given, is called where the kernel's trace_tcp_rcvbuf_grow() is: the
// buffer is to grow, nothing changed yet; with the time since the last measure (us)
bool TcpRcvSpaceAdjust(Tcb& tp, const KernelProfile& prof, const std::function<void(uint64_t)>& grows = {});

} // namespace sim
