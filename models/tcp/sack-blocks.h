// SPDX-License-Identifier: GPL-2.0-only
// The SACK and D-SACK blocks a receiver reports, after net/ipv4/tcp_input.c
// (tcp_sack_extend(), tcp_sack_new_ofo_skb(), tcp_sack_maybe_coalesce(),
// tcp_sack_remove(), tcp_dsack_set(), tcp_dsack_extend()). Pure functions of the TCB.
#pragma once

#include "models/tcp/tcb.h"

namespace sim
{

// tcp_sack_extend(): grow `sp` over [seq, end) if they overlap or touch
bool TcpSackExtend(SackBlock& sp, uint32_t seq, uint32_t end);

// tcp_sack_new_ofo_skb(): out-of-order data [seq, end) arrived. The block holding it
// becomes the first (RFC 2018: the most recent first); a new block pushes the others
// down and the oldest of four is forgotten. Returns true where the kernel flushes a
// compressed ACK first (tcp_sack_compress_send_ack()): the data touched the third or a
// later block, or made a new one with two or more already listed.
bool TcpSackNewOfoSkb(Tcb& tp, uint32_t seq, uint32_t end);

// tcp_sack_remove(): blocks at or below rcv_nxt go; all go when the queue is empty
void TcpSackRemove(Tcb& tp, bool ofo_empty);

// tcp_sack_reset()
inline void TcpSackReset(Tcb& tp)
{
    tp.dsack = false;
    tp.num_sacks = 0;
}

// tcp_dsack_set(), tcp_dsack_extend(): only with SACK negotiated and net.ipv4.tcp_dsack
void TcpDsackSet(Tcb& tp, bool dsack_sysctl, uint32_t seq, uint32_t end);
void TcpDsackExtend(Tcb& tp, bool dsack_sysctl, uint32_t seq, uint32_t end);

// tcp_established_options() and tcp_options_write(): the blocks an outgoing segment
// carries, D-SACK first, as many as fit beside `other_options_len` bytes of options.
// Writing them uses up the D-SACK (it is sent once).
int TcpSackBlocksToSend(const Tcb& tp, uint32_t other_options_len);
void TcpSackBlocksWritten(Tcb& tp, SackBlock* out, int n);

} // namespace sim
