// SPDX-License-Identifier: GPL-2.0-only
// Why the kernel sent a segment: the path it took and the rule that decided, with the
// numbers that decided it, and the socket's state at that moment. Made where the
// decision is taken (the send path is given it), carried beside the segment to the
// capture, and written as the packet's comment in trace.pcapng (`sim explain`,
// `--why`). Nothing is inferred after the fact.
#pragma once

#include <cstdint>
#include <string>

namespace sim
{

enum class SendWhy : uint8_t
{
    Unknown,
    Connect,         // SYN: connect() -> tcp_connect()
    SynAck,          // a SYN arrived: tcp_conn_request() -> tcp_make_synack()
    HandshakeAck,    // the SYN-ACK arrived: tcp_rcv_synsent_state_process()
    WriteEnd,        // write() returned: tcp_push() of what it queued
    WriteFullSkb,    // inside write(): an skb reached its size goal (tcp_push_one())
    WriteNoMemory,   // inside write(): the send buffer is full (sk_stream_wait_memory())
    AckArrived,      // an ACK let held data go (tcp_data_snd_check(): Nagle, window); n1: snd_una, relative
    AckQuick,        // __tcp_ack_snd_check(): quick-ACK mode
    AckFullFrames,   // __tcp_ack_snd_check(): more than one segment unacknowledged
    AckNowFlag,      // __tcp_ack_snd_check(): ICSK_ACK_NOW (out of window, FIN, ...)
    AckNoDelay,      // __tcp_ack_snd_check(): the profile has no delayed ACKs
    DelayedAckTimer, // tcp_delack_timer_handler()
    DelayedAckNow,   // tcp_send_delayed_ack(): the timer would already be due
    ReadAck,         // read() made the ACK worth sending: tcp_cleanup_rbuf()
    AckDeferred,     // an immediate ACK deferred while the owner processed its backlog: tcp_release_cb()
    DupAck,          // old or out-of-window data: tcp_send_dupack()
    ChallengeAck,    // a SYN in the window (RFC 5961)
    AckBeyondSndNxt, // an ACK of data never sent: tcp_ack() answers with an ACK
    FinAck,          // FIN in FIN_WAIT: tcp_fin() ACKs it at once (and enters TIME_WAIT)
    TimeWaitAck,     // a segment in TIME_WAIT: tcp_timewait_state_process()
    Fin,             // close() or shutdown(): tcp_send_fin()
    ResetUnread,     // close() with unread data: tcp_close() (RFC 2525); n1 unread, n2 whole skbs
    ResetNoSocket,   // no socket for the segment: tcp_v4_send_reset()
    ResetDataAfterClose, // data after close(): tcp_rcv_state_process() (RFC 1122)
    ResetBadAck,     // an ACK of nothing sent in SYN_SENT / SYN_RECV: tcp_v4_send_reset()
    Retransmit,      // recovery, or the retransmission timer: tcp_retransmit_skb()
    RtoRetransmit,   // the retransmission timer fired: tcp_retransmit_timer(); n1: backoff
    LossProbe,       // the tail loss probe timer: tcp_send_loss_probe()
    WindowProbe,     // the zero-window probe timer: tcp_send_probe0(); n1: probes before
    PacingTimer,     // the pacing timer let held data go: tcp_pace_kick() -> tcp_tsq_write()
};

struct SendReason
{
    SendWhy why = SendWhy::Unknown;
    uint64_t n1 = 0; // the numbers that decided it (meaning per kind)
    uint64_t n2 = 0;
};

// Every kind, in order (the tests go through them)
inline constexpr SendWhy kLastSendWhy = SendWhy::PacingTimer;

// The socket's state when the segment was built (what `sim explain` prints)
struct SocketSnapshot
{
    uint32_t snd_una = 0;
    uint32_t snd_nxt = 0;
    uint32_t rcv_nxt = 0;
    uint32_t rcv_wnd = 0; // the window this segment offers, unscaled
    // what the offer was made from (__tcp_select_window()): the buffer, what is charged
    // to it, the free space as a window (tcp_space()), the growth and scale limits
    int rcvbuf = 0;
    int rmem_alloc = 0;
    int space = 0;
    uint32_t rcv_ssthresh = 0;
    uint32_t window_clamp = 0;
    uint8_t rcv_wscale = 0;
    uint32_t snd_cwnd = 0;
    uint32_t ato_ms = 0;
    bool pingpong = false;
    uint32_t quick = 0; // quick ACKs left
    bool valid = false; // false for a reset sent without a socket
};

struct SendNote
{
    SendReason reason;
    SocketSnapshot state;
};

// "quick ACK: ..." in words, with its numbers and the kernel function
std::string DescribeReason(const SendReason& r);
// "snd_una=... snd_nxt=... rcv_nxt=... rcv_wnd=... rmem=... cwnd=... ato=...ms pingpong=... quick=..."
std::string DescribeState(const SocketSnapshot& s);
// The packet comment: reason, then " | " and the state
std::string DescribeNote(const SendNote& n);

} // namespace sim
