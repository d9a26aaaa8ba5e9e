// SPDX-License-Identifier: GPL-2.0-only
// Send-buffer accounting, after net/ipv4/tcp_input.c (tcp_sndbuf_expand(),
// tcp_should_expand_sndbuf()) and include/net/sock.h (sk_stream_memory_free(),
// sk_stream_wspace(), sk_stream_min_wspace()). `wmem_queued` is sk_wmem_queued: the
// truesize of every skb in the write and retransmit queues.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/tcb.h"

namespace sim
{

// tcp_sndbuf_expand(): room for twice (Cubic) or three times (BBR) the congestion
// window (at least TCP_INIT_CWND) of worst-case skbs, each a power-of-two kmalloc of
// mss + headers; up to tcp_wmem[2]
void TcpSndbufExpand(Tcb& tp, const KernelProfile& prof);

// sk_stream_memory_free(): may tcp_sendmsg() queue one more skb?
inline bool SkStreamMemoryFree(const Tcb& tp, int wmem_queued)
{
    return wmem_queued < tp.sndbuf;
}

// sk_stream_write_space() -> __sk_stream_is_writeable(): a writer blocked in
// sk_stream_wait_memory() is woken once the free space is half what is queued
inline bool SkStreamIsWriteable(const Tcb& tp, int wmem_queued)
{
    return tp.sndbuf - wmem_queued >= (wmem_queued >> 1) && SkStreamMemoryFree(tp, wmem_queued);
}

} // namespace sim
