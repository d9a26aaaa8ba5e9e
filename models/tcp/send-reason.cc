// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/send-reason.h"

#include <fmt/format.h>

namespace sim
{

std::string
DescribeReason(const SendReason& r)
{
    switch (r.why)
    {
    case SendWhy::Connect:
        return "SYN: connect() (tcp_connect())";
    case SendWhy::SynAck:
        return "SYN-ACK: a SYN reached a listener (tcp_conn_request() -> tcp_make_synack())";
    case SendWhy::HandshakeAck:
        return "ACK of the SYN-ACK, at once: no write is pending (tcp_rcv_synsent_state_process())";
    case SendWhy::WriteEnd:
        return fmt::format("data: the end of a {}-byte write() is pushed (tcp_push())", r.n1);
    case SendWhy::WriteFullSkb:
        return fmt::format("data: inside write(), an skb reached the size goal of {} bytes (tcp_push_one())",
                           r.n1);
    case SendWhy::WriteNoMemory:
        return "data: the send buffer is full; what write() queued is pushed before it sleeps "
               "(sk_stream_wait_memory())";
    case SendWhy::AckArrived:
        return fmt::format("data: the ACK of byte {} let held data go (Nagle or the window; "
                           "tcp_data_snd_check())",
                           r.n1);
    case SendWhy::AckQuick:
        return fmt::format("quick ACK: the socket is in quick-ACK mode, {} left (__tcp_ack_snd_check(), "
                           "tcp_in_quickack_mode())",
                           r.n1);
    case SendWhy::AckFullFrames:
        return fmt::format("ACK now: {} bytes unacknowledged, more than one segment of {} "
                           "(__tcp_ack_snd_check())",
                           r.n1, r.n2);
    case SendWhy::AckNowFlag:
        return "ACK now: ICSK_ACK_NOW was set by the segment (out of order, out of window or a FIN) "
               "(__tcp_ack_snd_check())";
    case SendWhy::AckNoDelay:
        return "ACK at once: this TCP does not delay ACKs (profile: delayed_ack = false)";
    case SendWhy::DelayedAckTimer:
        return fmt::format("delayed ACK: the timer fired after ato {} ms (tcp_delack_timer_handler()){}", r.n1,
                           r.n2 ? "; no reply came in pingpong (interactive) mode, which the socket now leaves"
                                : "");
    case SendWhy::DelayedAckNow:
        return "delayed ACK sent at once: the timer would already have been due (tcp_send_delayed_ack())";
    case SendWhy::AckDeferred:
        return "ACK deferred while the socket's owner processed its backlog, one for all of it "
               "(__tcp_ack_snd_check(), tcp_release_cb(); net.ipv4.tcp_backlog_ack_defer)";
    case SendWhy::ReadAck:
        return fmt::format("window update: read() copied {} bytes and made the ACK worth sending "
                           "(tcp_cleanup_rbuf())",
                           r.n1);
    case SendWhy::DupAck:
        return "duplicate ACK: old or out-of-window data (tcp_send_dupack())";
    case SendWhy::ChallengeAck:
        return "challenge ACK: a SYN inside the window (RFC 5961, tcp_send_challenge_ack())";
    case SendWhy::AckBeyondSndNxt:
        return "ACK: the peer acknowledged data never sent (tcp_ack())";
    case SendWhy::FinAck:
        return "ACK of the peer's FIN, at once (tcp_fin() in FIN_WAIT)";
    case SendWhy::TimeWaitAck:
        return "ACK from TIME_WAIT (tcp_timewait_state_process())";
    case SendWhy::Fin:
        return "FIN: the program closed or shut down its side (tcp_send_fin())";
    case SendWhy::ResetUnread:
        return fmt::format("RST: close() with {} unread bytes (tcp_close() counts {} in the queued skbs; "
                           "RFC 2525)",
                           r.n1, r.n2);
    case SendWhy::ResetNoSocket:
        return "RST: no socket for this segment (tcp_v4_send_reset())";
    case SendWhy::ResetDataAfterClose:
        return "RST: data arrived after the program closed (tcp_rcv_state_process(), RFC 1122)";
    case SendWhy::ResetBadAck:
        return "RST: an ACK of nothing sent during the handshake (tcp_v4_send_reset())";
    case SendWhy::Retransmit:
        return "retransmission of data marked lost (tcp_xmit_retransmit_queue())";
    case SendWhy::RtoRetransmit:
        return fmt::format("retransmission timeout, backoff {} (tcp_retransmit_timer())", r.n1);
    case SendWhy::LossProbe:
        return "tail loss probe: no ACK within 2 RTT (tcp_send_loss_probe())";
    case SendWhy::WindowProbe:
        return fmt::format("zero-window probe, {} unanswered before it (tcp_send_probe0())", r.n1);
    case SendWhy::PacingTimer:
        return "the pacing timer: the next departure time came (tcp_pace_kick())";
    case SendWhy::Unknown:
        break;
    }
    return "(no reason recorded)";
}

std::string
DescribeState(const SocketSnapshot& s)
{
    if (!s.valid)
    {
        return "no socket state (a listener's connection request, or a reset for a segment no socket took)";
    }
    return fmt::format("snd_una={} snd_nxt={} rcv_nxt={} rcv_wnd={} (rcvbuf={} rmem={} tcp_space={} "
                       "rcv_ssthresh={} window_clamp={} wscale={}) cwnd={} ato={}ms pingpong={} quick={}",
                       s.snd_una, s.snd_nxt, s.rcv_nxt, s.rcv_wnd, s.rcvbuf, s.rmem_alloc, s.space,
                       s.rcv_ssthresh, s.window_clamp, s.rcv_wscale, s.snd_cwnd, s.ato_ms,
                       s.pingpong ? "yes" : "no", s.quick);
}

std::string
DescribeNote(const SendNote& n)
{
    return DescribeReason(n.reason) + " | " + DescribeState(n.state);
}

} // namespace sim
