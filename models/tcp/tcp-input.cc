// SPDX-License-Identifier: GPL-2.0-only
// Segment arrival, after net/ipv4/tcp_input.c (tcp_rcv_state_process(),
// tcp_rcv_synsent_state_process(), tcp_ack(), tcp_data_queue(), tcp_fin()) and
// tcp_minisocks.c (tcp_check_req(), tcp_create_openreq_child()). Runs in the receive
// path ("softirq"): whatever it sends may wait for the CPU (LinuxTcpL4Protocol).
#include "models/capture/kernel-state.h"
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/rcvbuf-autotune.h"
#include "models/tcp/rto.h"
#include "models/tcp/sack-blocks.h"
#include "models/tcp/tcp-cong.h"
#include "models/tcp/ts-clock.h"
#include "models/tcp/window.h"

#include <ns3/ipv4-route.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/loopback-net-device.h>
#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

NS_LOG_COMPONENT_DEFINE("LinuxTcpInput");

using namespace ns3;

void
LinuxTcpSocket::Receive(const Segment& seg)
{
    // tcp_rcv_established() / tcp_rcv_state_process(): tcp_mstamp_refresh()
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    switch (m_tp.state)
    {
    case TcpState::Listen:
        ListenRx(seg);
        return;
    case TcpState::SynSent:
        SynSentRx(seg);
        break;
    case TcpState::Closed:
        return;
    case TcpState::TimeWait:
        // tcp_timewait_state_process(): a retransmitted FIN is ACKed again
        if (seg.Has(TCPHDR_RST))
        {
            Done();
        }
        else if (seg.Has(TCPHDR_FIN))
        {
            WhyScope why(*this, {SendWhy::TimeWaitAck});
            SendAck();
        }
        return;
    default:
        StateProcess(seg);
        break;
    }
    TraceCwnd();
}

// --- listener --------------------------------------------------------------------------

void
LinuxTcpSocket::ListenRx(const Segment& seg)
{
    if (seg.Has(TCPHDR_RST))
    {
        return;
    }
    if (seg.Has(TCPHDR_ACK))
    {
        // tcp_check_req(): the ACK that completes a request
        auto it = std::find_if(m_requests.begin(), m_requests.end(), [&](const RequestSock& r) {
            return r.raddr == seg.src && r.rport == seg.sport && r.laddr == seg.dst;
        });
        if (it != m_requests.end() && seg.ack_seq == it->snt_isn + 1 &&
            !seg.Has(TCPHDR_SYN))
        {
            const RequestSock req = *it;
            m_requests.erase(it);
            CompleteHandshake(req, seg);
            return;
        }
        m_tcp->SendResetFor(seg, SendWhy::ResetNoSocket);
        return;
    }
    if (seg.Has(TCPHDR_SYN))
    {
        // tcp_check_req(): the SYN of a request already answered, sent again: the
        // SYN-ACK again (at most once per tcp_invalid_ratelimit), its timer from now
        if (RequestSock* req = FindRequest(seg.src, seg.sport))
        {
            if (seg.seq == req->rcv_isn)
            {
                const uint32_t now = NowJiffies();
                if (!req->last_oow_ack || static_cast<int32_t>(now - req->last_oow_ack) >= m_prof->hz / 2)
                {
                    req->last_oow_ack = now ? now : 1;
                    req->num_retrans++;
                    SendSynAck(*req);
                    SynAckSent(*req);
                    ArmRequestTimer(*req, std::min(req->timeout << req->num_timeout, TcpRtoMax(m_prof->hz)));
                }
            }
            return;
        }
        ConnRequest(seg);
    }
}

RequestSock*
LinuxTcpSocket::FindRequest(Ipv4Address raddr, uint16_t rport)
{
    for (RequestSock& r : m_requests)
    {
        if (r.raddr == raddr && r.rport == rport)
        {
            return &r;
        }
    }
    return nullptr;
}

void
LinuxTcpSocket::SynAckSent(RequestSock& req)
{
    req.snt_synack_ns = NowNs();
}

// The request's timer (reqsk_timer_handler()): with no ACK, the SYN-ACK again at
// TCP_TIMEOUT_INIT, doubling, tcp_synack_retries times; then the request is dropped
void
LinuxTcpSocket::ArmRequestTimer(RequestSock& req, uint32_t when)
{
    const uint32_t gen = ++req.timer_gen;
    const uint32_t now = NowJiffies();
    const uint64_t at = m_j.ToNs(TimerWheelExpiry(now, now + when));
    const uint64_t now_ns = NowNs();
    Simulator::Schedule(NanoSeconds(static_cast<int64_t>(at > now_ns ? at - now_ns : 0)),
                        &LinuxTcpSocket::RequestTimer, this, req.raddr, req.rport, gen);
}

void
LinuxTcpSocket::RequestTimer(Ipv4Address raddr, uint16_t rport, uint32_t gen)
{
    RequestSock* req = FindRequest(raddr, rport);
    if (!req || req->timer_gen != gen || m_tp.state != TcpState::Listen)
    {
        return;
    }
    if (req->num_timeout >= m_prof->tcp_synack_retries)
    {
        m_requests.erase(m_requests.begin() + (req - &m_requests.front()));
        return;
    }
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    req->num_retrans++;
    SendSynAck(*req);
    SynAckSent(*req);
    req->num_timeout++;
    ArmRequestTimer(*req, std::min(req->timeout << req->num_timeout, TcpRtoMax(m_prof->hz)));
}

// The device MTU towards `dst`, from the route (dst_mtu())
static uint32_t
PathMtu(Ptr<Node> node, Ipv4Address dst)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    Ipv4Header probe;
    probe.SetDestination(dst);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = ipv4->GetRoutingProtocol()->RouteOutput(nullptr, probe, nullptr, err);
    return route ? route->GetOutputDevice()->GetMtu() : 1500;
}

// sk_setup_caps() -> sk_dst_gso_max_size(): IPv4's GSO limit (the devices'
// gso_ipv4_max_size, GSO_LEGACY_MAX_SIZE) less MAX_TCP_HEADER and one byte. Only the
// loopback passes a GSO packet on whole, as the capture shows it; elsewhere the model
// sends one mss per packet (0).
static uint32_t
GsoMaxSize(Ptr<Node> node, Ipv4Address dst, const KernelProfile& prof)
{
    constexpr uint32_t GSO_LEGACY_MAX_SIZE = 65536;
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    Ipv4Header probe;
    probe.SetDestination(dst);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = ipv4->GetRoutingProtocol()->RouteOutput(nullptr, probe, nullptr, err);
    if (!route || !DynamicCast<LoopbackNetDevice>(route->GetOutputDevice()))
    {
        return 0;
    }
    return GSO_LEGACY_MAX_SIZE - static_cast<uint32_t>(prof.max_tcp_header + 1);
}

// tcp_conn_request(): parse the SYN's options, choose the window
// (tcp_openreq_init_rwin()) and answer with a SYN-ACK
void
LinuxTcpSocket::ConnRequest(const Segment& seg)
{
    // ns-3's accept callback may refuse the connection: the SYN is dropped, as
    // TcpSocketBase drops it
    if (!NotifyConnectionRequest(InetSocketAddress(seg.src, seg.sport)))
    {
        return;
    }
    RequestSock req;
    req.laddr = seg.dst;
    req.raddr = seg.src;
    req.rport = seg.sport;
    req.rcv_isn = seg.seq;
    req.snt_isn = m_isn ? *m_isn : m_tcp->SecureTcpSeq(seg.dst, seg.src, seg.dport, seg.sport);
    // tcp_parse_options(): the peer's MSS, lowered to our TCP_MAXSEG
    req.mss_clamp = TcpMssClamp(m_tp, seg.opt.mss_present ? seg.opt.mss : TCP_MSS_DEFAULT);
    req.tstamp_ok = seg.opt.ts_present && m_prof->tcp_timestamps;
    req.ts_recent = seg.opt.tsval;
    req.sack_ok = seg.opt.sack_perm && m_prof->tcp_sack;
    req.wscale_ok = seg.opt.ws_present && m_prof->tcp_window_scaling;
    req.snd_wscale = req.wscale_ok ? std::min<uint8_t>(seg.opt.ws, TCP_MAX_WSCALE) : 0;
    req.ts_off = TsOffsetForBase(
        m_tsBase ? *m_tsBase : m_tcp->SecureTsBase(seg.dst, seg.src, seg.dport, seg.sport), m_tcp->Clock());

    const uint32_t advmss = TcpMssClamp(m_tp, Ipv4DefaultAdvmss(PathMtu(GetNode(), seg.src)));
    req.advmss = advmss;
    // tcp_openreq_init_rwin(): a listener's receive buffer set with SO_RCVBUF bounds the window
    uint32_t window_clamp = m_tp.window_clamp;
    if ((m_tp.userlocks & SOCK_RCVBUF_LOCK) &&
        (window_clamp == 0 || window_clamp > static_cast<uint32_t>(TcpFullSpace(m_tp, *m_prof))))
    {
        window_clamp = static_cast<uint32_t>(TcpFullSpace(m_tp, *m_prof));
    }
    const InitialWindow w =
        TcpSelectInitialWindow(*m_prof,
                               TcpFullSpace(m_tp, *m_prof),
                               advmss - (req.tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0),
                               window_clamp,
                               req.wscale_ok,
                               0);
    req.rcv_wnd = w.rcv_wnd;
    req.window_clamp = w.window_clamp;
    req.rcv_wscale = w.rcv_wscale;
    req.timeout = m_j.TimeoutInit();
    m_requests.push_back(req);
    if (m_synAckDelay.IsStrictlyPositive())
    {
        Simulator::Schedule(m_synAckDelay, [this, raddr = req.raddr, rport = req.rport]() {
            if (RequestSock* r = FindRequest(raddr, rport))
            {
                SendSynAck(*r);
                SynAckSent(*r);
                ArmRequestTimer(*r, r->timeout);
            }
        });
        return;
    }
    SendSynAck(m_requests.back());
    SynAckSent(m_requests.back());
    ArmRequestTimer(m_requests.back(), m_requests.back().timeout);
}

// tcp_v4_syn_recv_sock() + tcp_create_openreq_child(), then the child processes the
// ACK as in tcp_rcv_state_process(TCP_SYN_RECV)
void
LinuxTcpSocket::CompleteHandshake(const RequestSock& req, const Segment& seg)
{
    Ptr<LinuxTcpSocket> child = m_tcp->CreateChild(*this);
    child->m_local = req.laddr;
    child->m_localPort = m_localPort;
    child->m_peer = req.raddr;
    child->m_peerPort = req.rport;
    child->m_bound = true;
    // an ns-3 application hears of the connection's events once it has been handed it
    child->m_upcallsHeld = m_ns3Api;
    child->m_closeOnPeerFin = m_ns3Api && (m_tp.shutdown & SEND_SHUTDOWN);

    Tcb& tp = child->m_tp;
    child->SetState(TcpState::SynRecv);
    // sk_clone_lock() copies the listener: buffers the application sized, and TCP_NODELAY
    if (m_tp.userlocks & SOCK_SNDBUF_LOCK)
    {
        tp.sndbuf = m_tp.sndbuf;
    }
    if (m_tp.userlocks & SOCK_RCVBUF_LOCK)
    {
        tp.rcvbuf = m_tp.rcvbuf;
    }
    tp.userlocks = m_tp.userlocks;
    tp.nodelay = m_tp.nodelay;
    tp.iss = req.snt_isn;
    tp.snd_una = tp.snd_nxt = tp.write_seq = req.snt_isn + 1;
    tp.pushed_seq = tp.write_seq; // tcp_create_openreq_child()
    child->m_tp.snd_sml = tp.snd_nxt;
    tp.irs = req.rcv_isn;
    tp.rcv_nxt = tp.rcv_wup = tp.copied_seq = req.rcv_isn + 1;
    tp.rcv_wnd = req.rcv_wnd;
    tp.rcv_ssthresh = req.rcv_wnd;
    tp.window_clamp = req.window_clamp;
    tp.tstamp_ok = req.tstamp_ok;
    tp.sack_ok = req.sack_ok;
    tp.wscale_ok = req.wscale_ok;
    tp.snd_wscale = req.snd_wscale;
    tp.rcv_wscale = req.rcv_wscale;
    tp.ts_recent = req.ts_recent;
    tp.tsoffset = req.ts_off;
    tp.mss_clamp = req.mss_clamp;
    tp.tcp_header_len = TCP_BASE_HEADER_LEN + (tp.tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0);
    tp.tcp_clock_cache = m_tp.tcp_clock_cache;
    tp.snd_wnd = static_cast<uint32_t>(seg.window) << tp.snd_wscale;
    tp.snd_wl1 = req.rcv_isn;
    tp.max_window = tp.snd_wnd;
    tp.ack.lrcvtime = NowJiffies();
    tp.lsndtime = tp.ack.lrcvtime; // tcp_init_transfer()

    const uint32_t mtu = PathMtu(GetNode(), req.raddr);
    tp.user_mss = m_tp.user_mss; // inherited from the listener
    child->SyncMss(mtu);
    tp.gso_max_size = GsoMaxSize(GetNode(), req.raddr, *m_prof);
    tp.advmss = TcpMssClamp(tp, Ipv4DefaultAdvmss(mtu));
    TcpInitializeRcvMss(tp);
    m_tcp->Register(child);
    m_tcp->Hash(PeekPointer(child));

    // tcp_synack_rtt_meas(): the child's first RTT, from the SYN-ACK to this ACK, unless
    // the SYN-ACK was sent again (then the TS echo, if any, gives one)
    {
        TcpMstampRefresh(tp, m_tcp->Clock(), NowNs());
        const int64_t rtt = req.num_retrans ? -1 : static_cast<int64_t>((NowNs() - req.snt_synack_ns) / 1000);
        tp.rcv_tsecr = seg.opt.ts_present ? seg.opt.tsecr - tp.tsoffset : 0;
        child->UpdateRtt(rtt, -1, rtt, FLAG_SYN_ACKED);
    }
    tp.delivered++; // tcp_rcv_state_process(): tcp_ack() does not count the SYN-ACK
    child->CaInit(); // tcp_init_transfer()
    // tcp_rcv_state_process(), SYN_RECV -> ESTABLISHED: the first pacing rate, from
    // that RTT (a congestion control with its own cong_control, BBR, sets it instead)
    child->UpdatePacingRate();

    child->StateProcess(seg);

    if (child->m_tp.state != TcpState::Closed)
    {
        m_acceptQueue.push_back(child);
        if (m_ns3Api)
        {
            RaiseUpcall(UP_ACCEPT); // the accept queue, handed over by callback
        }
        else
        {
            NotifyNewConnectionCreated(child, InetSocketAddress(req.raddr, req.rport));
        }
        Wake(WaitFor::Acceptable);
    }
}

// --- active open -----------------------------------------------------------------------

void
LinuxTcpSocket::SynSentRx(const Segment& seg)
{
    if (seg.Has(TCPHDR_ACK))
    {
        if (!SeqAfter(seg.ack_seq, m_tp.snd_una) || SeqAfter(seg.ack_seq, m_tp.snd_nxt))
        {
            if (!seg.Has(TCPHDR_RST))
            {
                m_tcp->SendResetFor(seg, SendWhy::ResetBadAck);
            }
            return;
        }
        if (seg.Has(TCPHDR_RST))
        {
            m_errno = ERROR_NOTCONN; // ECONNREFUSED
            ConnectFailed();
            return;
        }
        if (!seg.Has(TCPHDR_SYN))
        {
            return;
        }
        // The SYN-ACK. tcp_ack() takes the SYN off the queue, counted as delivered with
        // SACK on (tcp_parse_options() read the SYN-ACK's options before it)
        m_tp.snd_wl1 = seg.seq;
        m_tp.sack_ok = seg.opt.sack_perm && m_prof->tcp_sack;
        TcpAck(seg);
        m_tp.rcv_nxt = seg.seq + 1;
        m_tp.rcv_wup = m_tp.rcv_nxt;
        m_tp.copied_seq = m_tp.rcv_nxt;
        m_tp.irs = seg.seq;
        // RFC 7323: a SYN-ACK's window field is taken as is, without the scale
        m_tp.snd_wnd = seg.window;
        m_tp.wscale_ok = seg.opt.ws_present && m_prof->tcp_window_scaling;
        if (m_tp.wscale_ok)
        {
            m_tp.snd_wscale = std::min<uint8_t>(seg.opt.ws, TCP_MAX_WSCALE);
        }
        else
        {
            m_tp.snd_wscale = m_tp.rcv_wscale = 0;
            m_tp.window_clamp = std::min(m_tp.window_clamp, 65535u);
        }
        m_tp.sack_ok = seg.opt.sack_perm && m_prof->tcp_sack;
        m_tp.mss_clamp = TcpMssClamp(m_tp, seg.opt.mss_present ? seg.opt.mss : TCP_MSS_DEFAULT);
        if (seg.opt.ts_present && m_prof->tcp_timestamps)
        {
            m_tp.tstamp_ok = true;
            m_tp.tcp_header_len = TCP_BASE_HEADER_LEN + TCPOLEN_TSTAMP_ALIGNED;
            m_tp.advmss -= TCPOLEN_TSTAMP_ALIGNED;
            m_tp.ts_recent = seg.opt.tsval;
        }
        else
        {
            m_tp.tstamp_ok = false;
            m_tp.tcp_header_len = TCP_BASE_HEADER_LEN;
        }
        SyncMss(PathMtu(GetNode(), m_peer));
        m_tp.gso_max_size = GsoMaxSize(GetNode(), m_peer, *m_prof);
        TcpInitializeRcvMss(m_tp);

        // tcp_finish_connect()
        SetState(TcpState::Established);
        m_tp.ack.lrcvtime = NowJiffies();
        m_tp.lsndtime = m_tp.ack.lrcvtime; // tcp_init_transfer()
        CaInit();
        TcpInitBufferSpace(m_tp, *m_prof);
        RaiseUpcall(UP_CONNECTED);
        Wake(WaitFor::Connected);
        // No write is pending (the process blocks in connect()): ACK at once
        {
            WhyScope why(*this, {SendWhy::HandshakeAck});
            SendAck();
        }
        if (!m_sendmsg.empty())
        {
            // what an ns-3 application sent while connecting: its write() woke
            // from sk_stream_wait_connect() and copies now
            Ptr<LinuxTcpSocket> self = this;
            m_tcp->WakeTask(NanoSeconds(m_prof->wakeup_latency_ns), [self]() {
                if (!self->m_sendmsg.empty() && !self->m_sendmsgWaiting && !self->m_sendmsgReturning &&
                    !self->m_sendmsgStep.IsRunning() &&
                    (self->m_tp.state == TcpState::Established || self->m_tp.state == TcpState::CloseWait))
                {
                    self->StartSendmsg();
                }
            });
        }
        return;
    }
    // A SYN without ACK (simultaneous open) or a stray RST: not modelled, dropped.
}

// --- synchronized states ---------------------------------------------------------------

// tcp_sequence(): the segment overlaps the receive window
bool
LinuxTcpSocket::SequenceAcceptable(const Segment& seg) const
{
    return !SeqBefore(seg.end_seq, m_tp.rcv_wup) &&
           !SeqAfter(seg.seq, m_tp.rcv_nxt + TcpReceiveWindow(m_tp));
}

// tcp_paws_discard(): an older timestamp than ts_recent means an old duplicate
bool
LinuxTcpSocket::PawsReject(const Segment& seg) const
{
    return m_tp.tstamp_ok && seg.opt.ts_present && !seg.Has(TCPHDR_RST) &&
           static_cast<int32_t>(seg.opt.tsval - m_tp.ts_recent) < 0;
}

// tcp_replace_ts_recent(): remember the peer's TSval for TSecr, if the segment starts
// at or before the last window edge we advertised
void
LinuxTcpSocket::StoreTimestamps(const Segment& seg)
{
    if (m_tp.tstamp_ok && seg.opt.ts_present && !SeqAfter(seg.seq, m_tp.rcv_wup))
    {
        m_tp.ts_recent = seg.opt.tsval;
    }
}

// tcp_ack_update_rtt(): a sample from the oldest never-retransmitted skb this ACK
// covers (Karn), else from the first one it newly SACKs; else from the TS echo when new
// data is ACKed; a valid sample resets the backoff (RFC 6298). Returns the congestion
// control's sample (rs->rtt_us: the newest such skb's RTT, -1 for none), which is
// not negative exactly when the estimator took a sample.
int64_t
LinuxTcpSocket::UpdateRtt(int64_t seq_rtt_us, int64_t sack_rtt_us, int64_t ca_rtt_us, uint32_t flag)
{
    if (seq_rtt_us < 0)
    {
        seq_rtt_us = sack_rtt_us;
    }
    if (seq_rtt_us < 0 && m_tp.tstamp_ok && m_tp.rcv_tsecr && (flag & FLAG_ACKED))
    {
        // tcp_rtt_tsopt_us(): in ms ticks, at least one
        const uint32_t delta = TsNow() - m_tp.rcv_tsecr;
        if (static_cast<int32_t>(delta) >= 0 && delta < 0x7fffffff / 1000)
        {
            seq_rtt_us = ca_rtt_us = int64_t{std::max(delta, 1u)} * 1000;
        }
    }
    if (seq_rtt_us < 0)
    {
        return ca_rtt_us;
    }
    if (m_traces)
    {
        TraceRtt(seq_rtt_us);
    }
    TcpUpdateRttMin(m_tp, static_cast<uint32_t>(ca_rtt_us), m_prof->hz);
    TcpRttEstimator(m_tp, std::max<long>(static_cast<long>(seq_rtt_us), 1), static_cast<uint32_t>(m_prof->tcp_rto_min_us));
    m_tp.icsk_rto = TcpRtoFromEstimate(m_tp, m_prof->hz);
    m_tp.icsk_backoff = 0;
    return ca_rtt_us;
}

// tcp_ack(), in the kernel's order: the window, SACK blocks (tcp_sacktag_write_queue()),
// the retransmit queue (tcp_clean_rtx_queue(): RTT, RACK), the loss probe's ACK,
// the recovery state machine when the ACK is not plain (tcp_fastretrans_alert()), the
// timer, the congestion window, and retransmissions (tcp_xmit_recovery())
void
LinuxTcpSocket::TcpAck(const Segment& seg)
{
    const uint32_t ack = seg.ack_seq;
    const uint32_t prior_snd_una = m_tp.snd_una;
    const uint32_t prior_packets = m_tp.packets_out;
    const uint32_t prior_fack = m_tp.sack_ok ? HighestSackSeq() : m_tp.snd_una;
    const uint32_t delivered_before = m_tp.delivered;
    const uint32_t lost_before = m_tp.lost;
    const bool is_sack_reneg = m_tp.is_sack_reneg;
    uint32_t flag = 0;
    Rexmit rexmit = Rexmit::None;
    m_rs = RateSample{};
    m_tp.rcv_tsecr = seg.opt.ts_present ? seg.opt.tsecr - m_tp.tsoffset : 0;
    if (SeqBefore(ack, m_tp.snd_una))
    {
        // an old ACK: its SACK blocks still count
        if (seg.opt.num_sacks && m_tp.sack_ok)
        {
            flag |= SacktagWriteQueue(seg, prior_snd_una);
            FastretransAlert(prior_snd_una, 0, &flag, &rexmit);
            XmitRecovery(rexmit);
        }
        return;
    }
    if (SeqAfter(ack, m_tp.snd_una))
    {
        flag |= FLAG_SND_UNA_ADVANCED;
        m_tp.icsk_retransmits = 0;
    }
    if (seg.Len() > 0)
    {
        flag |= FLAG_DATA;
    }
    // tcp_ack_update_window()
    uint32_t nwin = seg.window;
    if (!seg.Has(TCPHDR_SYN))
    {
        nwin <<= m_tp.snd_wscale;
    }
    if (SeqAfter(ack, m_tp.snd_una) || SeqAfter(seg.seq, m_tp.snd_wl1) ||
        (seg.seq == m_tp.snd_wl1 && nwin > m_tp.snd_wnd))
    {
        flag |= FLAG_WIN_UPDATE;
        m_tp.snd_wl1 = seg.seq;
        if (m_tp.snd_wnd != nwin)
        {
            m_tp.snd_wnd = nwin;
            // a window that opens on data waiting: idle time counts (tcp_ack_update_window())
            if (HasSendHead())
            {
                SlowStartAfterIdleCheck();
            }
            if (nwin > m_tp.max_window)
            {
                m_tp.max_window = nwin;
                SyncMss(PathMtu(GetNode(), m_peer));
            }
        }
    }
    m_rs.prior_in_flight = PacketsInFlight();
    m_tp.snd_una = ack;
    uint64_t first_sackt = 0;
    uint64_t last_sackt = 0;
    if (seg.opt.num_sacks && m_tp.sack_ok)
    {
        flag |= SacktagWriteQueue(seg, prior_snd_una, &first_sackt, &last_sackt);
    }
    m_probesOut = 0;
    if (!prior_packets)
    {
        AckProbe();
        if (m_tp.tlp_high_seq)
        {
            ProcessTlpAck(ack, flag);
        }
        return;
    }
    // tcp_clean_rtx_queue(): drop what is acknowledged
    bool rtt_sample = false;
    uint64_t first_ackt = 0;
    uint64_t last_ackt = 0;
    uint32_t reord = m_tp.snd_nxt; // the lowest ACKed seq sent once and never SACKed
    uint32_t pkts_acked = 0;
    while (!m_writeQueue.empty() && m_writeQueue.front().sent)
    {
        Skb& skb = m_writeQueue.front();
        // a GSO packet counts as the segments it holds (tcp_skb_pcount())
        uint32_t pcount = std::max(skb.pcount, 1u);
        const bool fully_acked = !SeqAfter(skb.end_seq, ack);
        if (!fully_acked)
        {
            // tcp_tso_acked(): the ACK ends inside a GSO packet; its head is trimmed
            // (tcp_trim_head()) and the segments before the ACK count as acknowledged
            if (pcount == 1 || !SeqAfter(ack, skb.seq) || (skb.flags & TCPHDR_SYN))
            {
                break;
            }
            const uint32_t trim = ack - skb.seq;
            const uint32_t mss = std::max(CurrentMss(), 1u);
            skb.data = skb.data.substr(trim);
            skb.seq = ack;
            skb.truesize -= static_cast<int>(trim);
            const uint32_t left = std::max<uint32_t>((static_cast<uint32_t>(skb.data.size()) + mss - 1) / mss, 1);
            if (left >= pcount)
            {
                break;
            }
            skb.pcount = left;
            pcount -= left;
        }
        const uint8_t sacked = skb.sacked;
        if (sacked & TCPCB_RETRANS)
        {
            if (sacked & TCPCB_SACKED_RETRANS)
            {
                m_tp.retrans_out -= pcount;
            }
            flag |= FLAG_RETRANS_DATA_ACKED;
        }
        else if (!(sacked & TCPCB_SACKED_ACKED))
        {
            last_ackt = skb.sent_ns / 1000;
            if (!rtt_sample)
            {
                first_ackt = last_ackt;
                rtt_sample = true;
            }
            if (SeqBefore(skb.seq, reord))
            {
                reord = skb.seq;
            }
        }
        if (sacked & TCPCB_SACKED_ACKED)
        {
            m_tp.sacked_out -= pcount;
        }
        else if (m_tp.sack_ok)
        {
            m_tp.delivered += pcount;
            {
                // RACK from cumulatively ACKed skbs, not from a spurious retransmission
                const bool spurious = (sacked & TCPCB_RETRANS) && m_tp.rcv_tsecr &&
                                      SeqBefore(m_tp.rcv_tsecr, static_cast<uint32_t>(m_tcp->Clock().Now(skb.sent_ns) / 1000000ULL));
                if (!spurious)
                {
                    RackAdvance(sacked, skb.end_seq, skb.sent_ns / 1000);
                }
            }
        }
        if (sacked & TCPCB_LOST)
        {
            m_tp.lost_out -= pcount;
        }
        if (!skb.data.empty())
        {
            flag |= FLAG_DATA_ACKED;
        }
        else if (skb.flags & TCPHDR_SYN)
        {
            flag |= FLAG_SYN_ACKED;
        }
        else
        {
            flag |= FLAG_DATA_ACKED; // a FIN
        }
        m_tp.packets_out -= pcount;
        pkts_acked += pcount;
        TcpRateSkbDelivered(m_tp, skb.tx, skb.sent_ns / 1000, skb.end_seq, false, (sacked & TCPCB_RETRANS) != 0,
                            m_rs);
        if (!fully_acked)
        {
            break;
        }
        m_writeQueue.pop_front();
    }
    if (flag & FLAG_ACKED)
    {
        flag |= FLAG_SET_XMIT_TIMER;
        if (!m_tp.sack_ok)
        {
            RemoveRenoSacks(pkts_acked);
        }
        // a hole below the highest SACK filled by data sent once (reord: the lowest
        // such skb this ACK covers, snd_nxt if none) is reordering
        else if (SeqBefore(reord, prior_fack))
        {
            CheckSackReordering(reord);
        }
    }
    if (!m_writeQueue.empty() && m_writeQueue.front().sent && (m_writeQueue.front().sacked & TCPCB_SACKED_ACKED))
    {
        flag |= FLAG_SACK_RENEGING;
    }
    const uint64_t now_us = NowUs();
    int64_t seq_rtt_us = -1;
    int64_t sack_rtt_us = -1;
    int64_t ca_rtt_us = -1;
    if (rtt_sample && !(flag & FLAG_RETRANS_DATA_ACKED))
    {
        seq_rtt_us = static_cast<int64_t>(now_us - first_ackt);
        ca_rtt_us = static_cast<int64_t>(now_us - last_ackt);
    }
    if (first_sackt)
    {
        sack_rtt_us = static_cast<int64_t>(now_us - first_sackt);
        ca_rtt_us = static_cast<int64_t>(now_us - last_sackt);
    }
    const int64_t rs_rtt_us = UpdateRtt(seq_rtt_us, sack_rtt_us, ca_rtt_us, flag);
    m_rs.rtt_us = rs_rtt_us;
    // nothing cumulatively ACKed: the timer is rearmed for a SACK of data sent before
    // the head's last (re)transmission (a SACK RTT longer than the head has been out),
    // not for data sent after it, or the RTO could keep moving in recovery
    if (!(flag & FLAG_ACKED) && rs_rtt_us >= 0 && sack_rtt_us >= 0 && !m_writeQueue.empty() &&
        m_writeQueue.front().sent && sack_rtt_us > static_cast<int64_t>(now_us - m_writeQueue.front().sent_ns / 1000))
    {
        flag |= FLAG_SET_XMIT_TIMER;
    }
    CaPktsAcked(rs_rtt_us); // ca_ops->pkts_acked()
    if (m_tp.tlp_high_seq)
    {
        ProcessTlpAck(ack, flag);
    }
    // tcp_ack_is_dubious()
    const bool dubious = !(flag & FLAG_NOT_DUP) || (flag & (FLAG_DATA_SACKED | FLAG_ECE | FLAG_DSACKING_ACK)) ||
                         m_tp.ca_state != CaState::Open;
    if (dubious)
    {
        const int num_dupack = (flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DSACKING_ACK)) ? 0 : 1;
        FastretransAlert(prior_snd_una, num_dupack, &flag, &rexmit);
    }
    if (flag & FLAG_SET_XMIT_TIMER)
    {
        SetXmitTimer();
    }
    else if (!m_tp.packets_out)
    {
        RearmRto();
    }
    const uint32_t delivered = m_tp.delivered - delivered_before; // tcp_newly_delivered()
    TcpRateGen(m_tp, delivered, m_tp.lost - lost_before, is_sack_reneg, now_us, m_rs);
    CongControl(delivered, m_tp.lost - lost_before, flag, m_rs);
    XmitRecovery(rexmit);
}

// kstate.csv's tcp_probe row: the kernel's trace_tcp_probe() at the top of
// tcp_rcv_established(), the state before the segment (ssthresh as tcp_current_ssthresh())
void
LinuxTcpSocket::LogProbe(const Segment& seg) const
{
    KernelStateLog::Write(KernelStateRow(
        static_cast<uint64_t>(Simulator::Now().GetNanoSeconds()), "tcp_probe",
        {{"port", std::to_string(m_localPort)},
         // the tracepoint's data_len is a __u16: a coalesced skb of more shows modulo 2^16
         {"data_len", std::to_string(seg.payload.size() & 0xffff)},
         {"snd_una", std::to_string(m_tp.snd_una)},
         {"snd_nxt", std::to_string(m_tp.snd_nxt)},
         {"snd_cwnd", std::to_string(m_tp.snd_cwnd)},
         {"ssthresh", std::to_string(CurrentSsthresh())},
         {"snd_wnd", std::to_string(m_tp.snd_wnd)},
         {"srtt", std::to_string(m_tp.srtt_us >> 3)},
         {"rcv_wnd", std::to_string(m_tp.rcv_wnd)}}));
}

void
LinuxTcpSocket::StateProcess(const Segment& seg)
{
    if (KernelStateLog::On() && m_tp.state == TcpState::Established)
    {
        LogProbe(seg);
    }
    // Step 1: sequence number and PAWS (tcp_validate_incoming())
    if (PawsReject(seg) || !SequenceAcceptable(seg))
    {
        if (!seg.Has(TCPHDR_RST))
        {
            // tcp_oow_rate_limited(): a bare ACK or SYN out of the window is answered at
            // most once per net.ipv4.tcp_invalid_ratelimit (HZ/2); data always
            if (seg.end_seq == seg.seq || seg.Has(TCPHDR_SYN))
            {
                const uint32_t now = NowJiffies();
                if (m_lastOowAck && static_cast<int32_t>(now - m_lastOowAck) >= 0 &&
                    static_cast<int32_t>(now - m_lastOowAck) < m_prof->hz / 2)
                {
                    return;
                }
                m_lastOowAck = now ? now : 1;
            }
            // tcp_send_dupack(): a duplicate of data already received, D-SACKed
            if (seg.end_seq != seg.seq && SeqBefore(seg.seq, m_tp.rcv_nxt))
            {
                TcpEnterQuickackMode(m_tp, m_j, TCP_MAX_QUICKACKS);
                TcpDsackSet(m_tp, m_prof->tcp_dsack, seg.seq,
                            SeqAfter(seg.end_seq, m_tp.rcv_nxt) ? m_tp.rcv_nxt : seg.end_seq);
            }
            WhyScope why(*this, {SendWhy::DupAck});
            SendAck();
        }
        return;
    }
    // Step 2: RST. In-window but not exact: challenge ACK (RFC 5961)
    if (seg.Has(TCPHDR_RST))
    {
        if (seg.seq == m_tp.rcv_nxt)
        {
            m_errno = ERROR_SHUTDOWN; // ECONNRESET
            TcpReset();
        }
        else
        {
            WhyScope why(*this, {SendWhy::ChallengeAck});
            SendAck();
        }
        return;
    }
    // Step 4: a SYN in the window is answered with a challenge ACK
    if (seg.Has(TCPHDR_SYN))
    {
        WhyScope why(*this, {SendWhy::ChallengeAck});
        SendAck();
        return;
    }
    // Step 5: ACK
    if (!seg.Has(TCPHDR_ACK))
    {
        return;
    }
    if (m_tp.state == TcpState::SynRecv)
    {
        if (SeqBefore(seg.ack_seq, m_tp.snd_una) || SeqAfter(seg.ack_seq, m_tp.snd_nxt))
        {
            m_tcp->SendResetFor(seg, SendWhy::ResetBadAck);
            return;
        }
        SetState(TcpState::Established);
        m_tp.snd_una = seg.ack_seq;
        m_tp.snd_wnd = static_cast<uint32_t>(seg.window) << m_tp.snd_wscale;
        m_tp.snd_wl1 = seg.seq;
        if (m_tp.tstamp_ok)
        {
            m_tp.advmss -= TCPOLEN_TSTAMP_ALIGNED;
        }
        TcpInitBufferSpace(m_tp, *m_prof);
        TcpInitializeRcvMss(m_tp);
    }
    if (SeqAfter(seg.ack_seq, m_tp.snd_nxt))
    {
        // tcp_ack() refuses an ACK of data never sent (TCP_ACK_UNSENT_DATA) and the
        // segment is dropped with an ACK. The 6.18.2 source read drops it silently in
        // ESTABLISHED (tcp_rcv_established()); this machine's 6.18.44 answers it with
        // an ACK (packetdrill's ts_recent/invalid_ack.pkt, run on it), as the model does.
        WhyScope why(*this, {SendWhy::AckBeyondSndNxt});
        SendAck();
        return;
    }
    TcpAck(seg);
    StoreTimestamps(seg);

    const bool all_acked = m_tp.snd_una == m_tp.write_seq;
    switch (m_tp.state)
    {
    case TcpState::FinWait1:
        if (all_acked)
        {
            SetState(TcpState::FinWait2);
            m_tp.shutdown |= SEND_SHUTDOWN;
            if (m_dead && !seg.Has(TCPHDR_FIN))
            {
                // an orphan waits tcp_fin_timeout for the peer's FIN
                m_timewaitTimer = Simulator::Schedule(Seconds(m_prof->tcp_fin_timeout),
                                                      &LinuxTcpSocket::TimeWaitDone,
                                                      this);
            }
        }
        break;
    case TcpState::Closing:
        if (all_acked)
        {
            EnterTimeWait();
            return;
        }
        break;
    case TcpState::LastAck:
        if (all_acked)
        {
            Done();
            NormalCloseOnce();
            return;
        }
        break;
    default:
        break;
    }

    // Step 7: the segment text
    switch (m_tp.state)
    {
    case TcpState::CloseWait:
    case TcpState::Closing:
    case TcpState::LastAck:
        if (!SeqBefore(seg.seq, m_tp.rcv_nxt))
        {
            break; // the peer already closed: nothing more can come
        }
        [[fallthrough]];
    case TcpState::FinWait1:
    case TcpState::FinWait2:
        // RFC 1122: data after our close gets a reset (BSD does the same)
        if ((m_tp.shutdown & RCV_SHUTDOWN) && m_dead && seg.end_seq != seg.seq &&
            SeqAfter(seg.end_seq - (seg.Has(TCPHDR_FIN) ? 1 : 0), m_tp.rcv_nxt))
        {
            m_tcp->SendResetFor(seg, SendWhy::ResetDataAfterClose);
            TcpReset();
            return;
        }
        [[fallthrough]];
    case TcpState::Established:
        if (m_tp.tstamp_ok && seg.opt.ts_present)
        {
            TcpRcvRttMeasureTs(m_tp, *m_prof, seg.Len(), seg.opt.tsecr);
        }
        DataQueue(seg);
        break;
    default:
        break;
    }
    if (m_tp.state != TcpState::Closed && m_tp.state != TcpState::TimeWait)
    {
        // tcp_data_snd_check() (tcp_push_pending_frames(), tcp_check_space()),
        // tcp_ack_snd_check()
        WhyScope why(*this, {SendWhy::AckArrived, m_tp.snd_una - m_tp.iss});
        PushPendingFrames();
        CheckSpace();
        AckSndCheck();
    }
}

// tcp_queue_rcv() -> tcp_try_coalesce(): in-order data joins the receive queue's last
// skb when it continues it; skb_try_coalesce() moves the page frags over and charges
// only their truesize (the arriving skb's head is not ours to keep). It refuses a tail
// that is still a clone (skb_cloned()): on loopback the receiver's skb shares its data
// with the sender's copy in the retransmit queue until the sender has taken our ACK
// of it and freed that copy. MAX_SKB_FRAGS bounds the frags (the sender's pages each
// segment spans).
static bool
TcpTryCoalesce(Tcb& tp, const KernelProfile& prof, std::deque<Skb>& queue, const Segment& seg)
{
    if (queue.empty())
    {
        return false;
    }
    Skb& tail = queue.back();
    if (tail.end_seq != seg.seq || SkbCloned(tail.dataref) || tp.rcv_tail_frags + seg.frags > MAX_SKB_FRAGS)
    {
        return false;
    }
    // skb_try_coalesce(): a segment without payload joins at no cost
    const int delta = seg.Len() > 0 ? seg.truesize - prof.skb_truesize_overhead : 0;
    tail.data.append(seg.payload);
    tail.end_seq = seg.seq + seg.Len();
    tail.flags |= seg.flags & (TCPHDR_PSH | TCPHDR_FIN);
    tail.truesize += delta;
    tp.rmem_alloc += delta;
    tp.rcv_tail_frags += seg.Len() > 0 ? seg.frags : 0;
    return true;
}

// tcp_queue_rcv(): in-order data joins the receive queue's last skb, or is appended
//
// A FIN without data is queued too (tcp_data_queue() keeps a segment whose seq and
// end_seq differ): it joins a tail that is no clone, or waits as an skb of its own,
// charged its truesize, until a read reaches it (tcp_recvmsg()'s found_fin_ok)
void
LinuxTcpSocket::QueueRcv(const Segment& seg)
{
    if ((seg.Len() == 0 && !seg.Has(TCPHDR_FIN)) || TcpTryCoalesce(m_tp, *m_prof, m_rcvQueue, seg))
    {
        return;
    }
    Skb skb;
    skb.seq = seg.seq;
    skb.end_seq = seg.seq + seg.Len();
    skb.flags = seg.flags & (TCPHDR_PSH | TCPHDR_FIN);
    skb.data = seg.payload;
    skb.dataref = seg.dataref;
    skb.truesize = seg.truesize;
    m_tp.rmem_alloc += skb.truesize;
    m_tp.rcv_tail_frags = seg.frags;
    m_rcvQueue.push_back(std::move(skb));
}

// The queue_and_out part of tcp_data_queue(): the segment joins the receive queue
// (tcp_queue_rcv()), then what the out-of-order queue holds from the new rcv_nxt on
// (tcp_ofo_queue()); an ACK goes at once when that empties it (RFC 5681 4.2)
void
LinuxTcpSocket::QueueInOrder(const Segment& seg)
{
    QueueRcv(seg);
    m_tp.rcv_nxt = seg.end_seq;
    if (seg.Len() > 0)
    {
        // tcp_event_data_recv()
        TcpMeasureRcvMss(m_tp,
                         *m_prof,
                         seg.Len(),
                         seg.truesize,
                         seg.hdr_len,
                         seg.Has(TCPHDR_PSH),
                         seg.flags & (TCPHDR_FIN | TCPHDR_URG | TCPHDR_SYN | TCPHDR_PSH),
                         seg.gso_size);
        TcpRcvRttMeasure(m_tp, *m_prof);
        TcpEventDataRecv(m_tp, m_j, NowJiffies(), m_tp.icsk_rto);
        if (seg.Len() >= 128)
        {
            // truesize_adjust(): payload in page frags counts without the head
            TcpGrowWindow(m_tp, *m_prof, seg.Len(), seg.truesize - m_prof->skb_truesize_overhead);
        }
    }
    if (seg.Has(TCPHDR_FIN))
    {
        TcpFin();
    }
    if (!m_ofoQueue.empty())
    {
        OfoQueue();
        if (m_ofoQueue.empty())
        {
            m_tp.ack.pending |= ICSK_ACK_NOW;
        }
    }
    if (m_tp.num_sacks)
    {
        TcpSackRemove(m_tp, m_ofoQueue.empty());
    }
    if (!m_dead)
    {
        RaiseUpcall(UP_RECV);
        Wake(WaitFor::Readable);
    }
}

// tcp_ofo_queue(): skbs the advanced rcv_nxt reaches move to the receive queue; what
// of them was already received is D-SACKed, an skb wholly below rcv_nxt dropped
void
LinuxTcpSocket::OfoQueue()
{
    uint32_t dsack_high = m_tp.rcv_nxt;
    while (!m_ofoQueue.empty())
    {
        Skb& skb = m_ofoQueue.front();
        if (SeqAfter(skb.seq, m_tp.rcv_nxt))
        {
            break; // the next hole
        }
        if (SeqBefore(skb.seq, dsack_high))
        {
            const uint32_t d_end = SeqBefore(skb.end_seq, dsack_high) ? skb.end_seq : dsack_high;
            TcpDsackExtend(m_tp, m_prof->tcp_dsack, skb.seq, d_end);
        }
        Skb moved = std::move(skb);
        m_ofoQueue.erase(m_ofoQueue.begin());
        if (!SeqAfter(moved.end_seq, m_tp.rcv_nxt))
        {
            m_tp.rmem_alloc -= moved.truesize; // TCPOFODROP: all of it was here already
            continue;
        }
        Segment seg;
        const uint32_t skip = m_tp.rcv_nxt - moved.seq;
        seg.seq = m_tp.rcv_nxt;
        seg.payload = moved.data.substr(skip);
        seg.flags = moved.flags;
        seg.end_seq = moved.end_seq;
        seg.dataref = moved.dataref;
        seg.truesize = moved.truesize;
        m_tp.rmem_alloc -= moved.truesize; // charged again as it joins the receive queue
        QueueRcv(seg);
        m_tp.rcv_nxt = moved.end_seq;
        if (moved.flags & TCPHDR_FIN)
        {
            TcpFin();
            break;
        }
    }
}

// tcp_data_queue(), its branches in the kernel's order: in order; entirely old (a
// duplicate: D-SACK); beyond the window; overlapping rcv_nxt (the old part D-SACKed);
// out of order (tcp_data_queue_ofo())
void
LinuxTcpSocket::DataQueue(const Segment& seg)
{
    if (seg.seq == seg.end_seq)
    {
        return;
    }
    m_tp.dsack = false; // a D-SACK not yet sent is dropped by the next data segment
    // out_of_window: tcp_enter_quickack_mode() and inet_csk_schedule_ack(), which marks
    // the ACK due but not ICSK_ACK_NOW. So __tcp_ack_snd_check() still decides: over
    // rcv_mss unacknowledged, its __tcp_select_window() call clears the quick ACKs when
    // less than half the buffer is free, and a duplicate then waits for the delayed-ACK
    // timer (seen here: a loss probe's D-SACK 36-40 ms after it, tests/data/real/overflow)
    auto out_of_window = [this]() {
        TcpEnterQuickackMode(m_tp, m_j, TCP_MAX_QUICKACKS);
        m_tp.ack.pending |= ICSK_ACK_SCHED;
    };
    if (seg.seq == m_tp.rcv_nxt)
    {
        if (TcpReceiveWindow(m_tp) == 0 && seg.Len() > 0)
        {
            out_of_window(); // TCPZEROWINDOWDROP: tell the peer our window again
            return;
        }
        QueueInOrder(seg);
        return;
    }
    if (!SeqAfter(seg.end_seq, m_tp.rcv_nxt))
    {
        TcpDsackSet(m_tp, m_prof->tcp_dsack, seg.seq, seg.end_seq);
        out_of_window();
        return;
    }
    if (!SeqBefore(seg.seq, m_tp.rcv_nxt + TcpReceiveWindow(m_tp)))
    {
        out_of_window();
        return;
    }
    if (SeqBefore(seg.seq, m_tp.rcv_nxt))
    {
        TcpDsackSet(m_tp, m_prof->tcp_dsack, seg.seq, m_tp.rcv_nxt);
        if (TcpReceiveWindow(m_tp) == 0)
        {
            out_of_window();
            return;
        }
        // queued whole by the kernel, read from copied_seq on: here the new part
        Segment tail = seg;
        tail.payload = seg.payload.substr(m_tp.rcv_nxt - seg.seq);
        tail.seq = m_tp.rcv_nxt;
        QueueInOrder(tail);
        return;
    }
    DataQueueOfo(seg);
}

// tcp_fin()
void
LinuxTcpSocket::TcpFin()
{
    m_tp.ack.pending |= ICSK_ACK_SCHED;
    OfoPurge();
    m_tp.shutdown |= RCV_SHUTDOWN;
    switch (m_tp.state)
    {
    case TcpState::SynRecv:
    case TcpState::Established:
        SetState(TcpState::CloseWait);
        EnterPingpongMode(m_tp, *m_prof);
        NormalCloseOnce(); // ns-3 tells the application of the peer's FIN so
        break;
    case TcpState::FinWait1:
        // simultaneous close
        {
            WhyScope why(*this, {SendWhy::FinAck});
            SendAck();
        }
        SetState(TcpState::Closing);
        break;
    case TcpState::FinWait2:
        {
            WhyScope why(*this, {SendWhy::FinAck});
            SendAck();
        }
        EnterTimeWait();
        break;
    default:
        break;
    }
}

// tcp_reset(): the peer reset the connection
void
LinuxTcpSocket::TcpReset()
{
    Done();
    if (!m_dead)
    {
        m_closeNotified = true;
        RaiseUpcall(UP_ERROR_CLOSE);
    }
}

// The connection attempt ended (a reset, or SYNs unanswered): what the application
// sent meanwhile is dropped, and it hears NotifyConnectionFailed()
void
LinuxTcpSocket::ConnectFailed()
{
    m_sendmsg.clear();
    m_sendmsgOff = 0;
    m_afterSendmsg = nullptr;
    Done();
    if (!m_dead)
    {
        m_closeNotified = true;
        RaiseUpcall(UP_CONNECT_FAILED);
    }
}

// tcp_ack_snd_check()
void
LinuxTcpSocket::AckSndCheck()
{
    AckNowWhy now = AckNowWhy::AckNowFlag;
    switch (TcpAckSndCheck(m_tp, *m_prof, &now))
    {
    case AckDecision::Now: {
        if (m_inBacklog && m_prof->tcp_backlog_ack_defer)
        {
            m_ackDeferred = true; // TCP_ACK_DEFERRED: tcp_release_cb() sends it
            break;
        }
        const SendWhy why = now == AckNowWhy::NoDelayedAcks ? SendWhy::AckNoDelay
                            : now == AckNowWhy::FullFrames  ? SendWhy::AckFullFrames
                            : now == AckNowWhy::QuickAck    ? SendWhy::AckQuick
                                                            : SendWhy::AckNowFlag;
        WhyScope scope(*this, {why, now == AckNowWhy::QuickAck ? m_tp.ack.quick : m_tp.rcv_nxt - m_tp.rcv_wup,
                               m_tp.ack.rcv_mss});
        SendAck();
        break;
    }
    case AckDecision::Delayed:
        if (m_ofoQueue.empty())
        {
            SendDelayedAck();
        }
        else if (AckOfoNow())
        {
            WhyScope scope(*this, {SendWhy::AckNowFlag});
            SendAck();
        }
        break;
    case AckDecision::None:
        break;
    }
}

} // namespace sim
