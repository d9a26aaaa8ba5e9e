// SPDX-License-Identifier: GPL-2.0-only
// The system calls of a Linux TCP socket: tcp_v4_connect(), inet_listen(),
// inet_accept(), tcp_sendmsg(), tcp_recvmsg(), tcp_close().
#include "models/tcp/linux-tcp-socket.h"

#include "models/capture/kernel-state.h"
#include "models/link/linux-loopback-net-device.h"
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/rcvbuf-autotune.h"
#include "models/tcp/ts-clock.h"
#include "models/tcp/send-policy.h"
#include "models/tcp/sndbuf.h"
#include "models/tcp/window.h"

#include <ns3/abort.h>
#include <ns3/inet6-socket-address.h>
#include <ns3/ipv4-route.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

// What a write() or read() of `bytes` costs the host (the profile's [scheduler] times)
static ns3::Time
SyscallTime(int64_t ns_per_kib, uint32_t bytes)
{
    return ns3::NanoSeconds(ns_per_kib * static_cast<int64_t>(bytes) / 1024);
}

NS_LOG_COMPONENT_DEFINE("LinuxTcpSocket");

using namespace ns3;

const char*
ToString(TcpState s)
{
    switch (s)
    {
    case TcpState::Closed:
        return "CLOSED";
    case TcpState::Listen:
        return "LISTEN";
    case TcpState::SynSent:
        return "SYN_SENT";
    case TcpState::SynRecv:
        return "SYN_RECV";
    case TcpState::Established:
        return "ESTABLISHED";
    case TcpState::FinWait1:
        return "FIN_WAIT1";
    case TcpState::FinWait2:
        return "FIN_WAIT2";
    case TcpState::CloseWait:
        return "CLOSE_WAIT";
    case TcpState::Closing:
        return "CLOSING";
    case TcpState::LastAck:
        return "LAST_ACK";
    case TcpState::TimeWait:
        return "TIME_WAIT";
    }
    return "?";
}

LinuxTcpSocket::LinuxTcpSocket() = default;
LinuxTcpSocket::~LinuxTcpSocket() = default;

void
LinuxTcpSocket::SetTcp(Ptr<LinuxTcpL4Protocol> tcp)
{
    m_tcp = tcp;
    m_prof = &tcp->Profile();
    m_j = Jiffies{m_prof->hz, tcp->Clock().tick_phase_ns};
    InitSock();
}

// tcp_init_sock(): buffers from tcp_rmem[1]/tcp_wmem[1], MSS 536 until told better
void
LinuxTcpSocket::InitSock()
{
    m_tp = Tcb{};
    m_tp.rcvbuf = m_prof->tcp_rmem[1];
    m_tp.sndbuf = m_prof->tcp_wmem[1];
    m_tp.mss_cache = TCP_MSS_DEFAULT;
    m_tp.mss_clamp = TCP_MSS_DEFAULT;
    m_tp.icsk_rto = m_j.TimeoutInit();
}

Ptr<Node>
LinuxTcpSocket::GetNode() const
{
    return m_tcp->GetNode();
}

uint64_t
LinuxTcpSocket::NowNs() const
{
    return static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
}

uint32_t
LinuxTcpSocket::NowJiffies() const
{
    return m_j.FromNs(NowNs());
}

bool
LinuxTcpSocket::Matches(const Segment& seg, bool listener) const
{
    if (seg.dport != m_localPort || !m_bound)
    {
        return false;
    }
    if (listener)
    {
        return m_tp.state == TcpState::Listen &&
               (m_local == Ipv4Address::GetAny() || m_local == seg.dst);
    }
    return m_tp.state != TcpState::Listen && m_tp.state != TcpState::Closed &&
           seg.src == m_peer && seg.sport == m_peerPort && seg.dst == m_local;
}

void
LinuxTcpSocket::SetState(TcpState s)
{
    NS_LOG_LOGIC(this << " " << ToString(m_tp.state) << " -> " << ToString(s));
    if (m_traces && Ns3State(s) != Ns3State(m_tp.state))
    {
        m_traces->state(Ns3State(m_tp.state), Ns3State(s)); // the State trace source
    }
    m_tp.state = s;
}

// --- blocking calls ------------------------------------------------------------------

bool
LinuxTcpSocket::Ready(WaitFor what) const
{
    switch (what)
    {
    case WaitFor::Readable:
        return !m_rcvQueue.empty() || (m_tp.shutdown & RCV_SHUTDOWN) ||
               m_tp.state == TcpState::Closed;
    case WaitFor::Connected:
        return m_tp.state != TcpState::SynSent && m_tp.state != TcpState::SynRecv;
    case WaitFor::Acceptable:
        return !m_acceptQueue.empty();
    case WaitFor::WriteDone:
        return !InSendmsg();
    }
    return false;
}

// A recorded read whose call lasted longer than its copy: tcp_recvmsg() took the socket
// (lock_sock()) and copied once its data was there, then the task went on holding it
// until the call returned (preempted, or in a softirq the host ran on its way out), so
// what came meanwhile waited in the backlog. The recording does not say why; the ACKs it
// shows leaving only at the return say that it held. Returns false when the read is not
// pinned so, or its copy would come at its return anyway. A traced read (`release_at`)
// copied at `copy_at` itself (the kernel's first skb_copy_datagram_iter()), and let the
// socket go at `release_at` (sock_recv_length, after release_sock()): the return can
// come long after that, the task preempted on its way out. Its loop (tcp_recvmsg_locked():
// more copies, and a backlog flush while len is left) went on as its traced copies say
// (`copies`); what comes after the last waits for release_sock().
bool
LinuxTcpSocket::CopyThenHold(Time copy_at,
                             Time not_before,
                             Time release_at,
                             CopyTurns copies,
                             std::function<void()>& then)
{
    const bool traced = release_at.IsStrictlyPositive();
    const Time copy =
        std::max(copy_at + (traced ? Time(0) : NanoSeconds(m_prof->recvmsg_entry_ns)), Simulator::Now());
    if (!copy_at.IsStrictlyPositive() || copy >= not_before)
    {
        return false;
    }
    const Time release = traced ? std::min(std::max(release_at, copy), not_before) : not_before;
    Ptr<LinuxTcpSocket> self = this;
    Simulator::Schedule(copy - Simulator::Now(), [self, release, copies = std::move(copies),
                                                  then = std::move(then)]() mutable {
        self->LockSock();
        // the read's loop follows its traced copies: Read() takes them
        self->m_recvmsgCopies = std::move(copies);
        then();
        self->m_recvmsgCopies.clear();
        Simulator::Schedule(release - Simulator::Now(), [self]() { self->ReleaseSock(); });
    });
    return true;
}

void
LinuxTcpSocket::Wait(WaitFor what,
                     Time wake_latency,
                     std::function<void()> then,
                     Time not_before,
                     Time copy_at,
                     Time release_at,
                     CopyTurns copies)
{
    if (Ready(what))
    {
        if (what == WaitFor::Readable && CopyThenHold(copy_at, not_before, release_at, copies, then))
        {
            return;
        }
        if (not_before > Simulator::Now())
        {
            Simulator::Schedule(not_before - Simulator::Now(), std::move(then));
            return;
        }
        Simulator::ScheduleNow(std::move(then));
        return;
    }
    if (not_before.IsStrictlyPositive())
    {
        // woken at t, it runs at the later of t + wake_latency and not_before (or copies
        // at its recorded copy and holds the socket until then)
        Ptr<LinuxTcpSocket> self = this;
        auto pinned = [self, what, not_before, copy_at, release_at, copies = std::move(copies),
                       then = std::move(then)]() mutable {
            if (what == WaitFor::Readable && self->CopyThenHold(copy_at, not_before, release_at, copies, then))
            {
                return;
            }
            if (not_before > Simulator::Now())
            {
                Simulator::Schedule(not_before - Simulator::Now(), std::move(then));
                return;
            }
            then();
        };
        // a traced read runs at its measured copy, however long the rest of its wake took
        const bool traced = what == WaitFor::Readable && release_at.IsStrictlyPositive() && copy_at.IsStrictlyPositive();
        m_waiter = Waiter{what, traced ? Time(0) : wake_latency, std::move(pinned), Simulator::Now()};
        return;
    }
    m_waiter = Waiter{what, wake_latency, std::move(then), Simulator::Now()};
}

std::optional<LinuxTcpSocket::SleepingCall>
LinuxTcpSocket::Sleeping() const
{
    if (m_sendmsgWaiting)
    {
        return SleepingCall{"send()", m_sendmsgWaitingSince}; // a full send buffer
    }
    if (!m_waiter)
    {
        return std::nullopt;
    }
    switch (m_waiter->what)
    {
    case WaitFor::Readable:
        return SleepingCall{"recv()", m_waiter->since};
    case WaitFor::Connected:
        return SleepingCall{"connect()", m_waiter->since};
    case WaitFor::Acceptable:
        return SleepingCall{"accept()", m_waiter->since};
    case WaitFor::WriteDone:
        return SleepingCall{"send()", m_waiter->since};
    }
    return std::nullopt;
}

// sk_data_ready()/sk_state_change(): wake the task if it sleeps on this condition
void
LinuxTcpSocket::Wake(WaitFor what)
{
    if (!m_waiter || m_waiter->what != what || !Ready(what))
    {
        return;
    }
    Waiter w = std::move(*m_waiter);
    m_waiter.reset();
    if (LoopbackSoftirq* softirq = LinuxLoopbackNetDevice::Current())
    {
        ++softirq->wakes; // try_to_wake_up() inside a sender's softirq
    }
    m_tcp->WakeTask(w.latency, std::move(w.then));
}

// release_sock()
void
LinuxTcpSocket::ReleaseSock()
{
    if (--m_ownedByUser > 0)
    {
        return;
    }
    ProcessBacklog();
    // tcp_release_cb(): a pacing timer that fired while the socket was held sends now
    // (TCP_TSQ_DEFERRED), then a retransmit timer likewise runs, after the backlog
    // (TCP_WRITE_TIMER_DEFERRED), then the deferred ACK
    if (m_tsqDeferred)
    {
        m_tsqDeferred = false;
        TsqWrite();
    }
    if (m_xmitDeferred)
    {
        m_xmitDeferred = false;
        XmitTimerFired();
    }
    SendDeferredAck();
}

// __release_sock(): the owner still holds the socket while it processes the backlog,
// so an immediate ACK is deferred (__tcp_ack_snd_check(), tcp_backlog_ack_defer)
void
LinuxTcpSocket::ProcessBacklog()
{
    m_inBacklog = true;
    while (!m_backlog.empty())
    {
        const Segment seg = std::move(m_backlog.front());
        m_backlog.pop_front();
        Receive(seg);
    }
    m_inBacklog = false;
    m_tp.backlog_len = 0;
}

// __sk_flush_backlog(): inside a read or a write, the backlog and then tcp_release_cb()'s
// deferred ACK, the socket still held
void
LinuxTcpSocket::FlushBacklog()
{
    ProcessBacklog();
    SendDeferredAck();
}

// tcp_release_cb(): one ACK for the processed backlog, if one is still due (data sent
// meanwhile carried it)
void
LinuxTcpSocket::SendDeferredAck()
{
    if (!m_ackDeferred)
    {
        return;
    }
    m_ackDeferred = false;
    if ((m_tp.ack.pending & ICSK_ACK_SCHED) && m_tp.state != TcpState::Closed)
    {
        WhyScope why(*this, {SendWhy::AckDeferred});
        SendAck();
    }
}

// --- bind, listen, connect -------------------------------------------------------------

// inet_bind() -> __inet_bind(): an IPv4 address of this host (EADDRNOTAVAIL), once
// (EINVAL), a port nobody holds (EADDRINUSE), port 0 for one of the ephemeral range
// (inet_csk_get_port())
int
LinuxTcpSocket::Bind(const Address& address)
{
    if (Inet6SocketAddress::IsMatchingType(address))
    {
        m_errno = ERROR_AFNOSUPPORT; // an IPv4 socket (AF_INET)
        return -1;
    }
    if (!InetSocketAddress::IsMatchingType(address))
    {
        m_errno = ERROR_INVAL;
        return -1;
    }
    if (m_bound || m_tp.state != TcpState::Closed)
    {
        m_errno = ERROR_INVAL;
        return -1;
    }
    const InetSocketAddress a = InetSocketAddress::ConvertFrom(address);
    if (!m_tcp->IsLocalAddress(a.GetIpv4()))
    {
        m_errno = ERROR_ADDRNOTAVAIL;
        return -1;
    }
    uint16_t port = a.GetPort();
    if (port == 0)
    {
        port = m_tcp->EphemeralPort(false, a.GetIpv4(), Ipv4Address::GetAny(), 0);
    }
    if (port == 0 || m_tcp->PortInUse(this, a.GetIpv4(), port))
    {
        m_errno = ERROR_ADDRINUSE;
        return -1;
    }
    m_local = a.GetIpv4();
    m_localPort = port;
    m_bound = true;
    m_tcp->Register(this);
    return 0;
}

int
LinuxTcpSocket::Bind()
{
    return Bind(InetSocketAddress(Ipv4Address::GetAny(), 0));
}

int
LinuxTcpSocket::Bind6()
{
    m_errno = ERROR_AFNOSUPPORT; // no IPv6 in the model
    return -1;
}

// inet_listen(): from CLOSE only (EINVAL), bound to a port first if not yet
// (inet_autobind())
int
LinuxTcpSocket::Listen()
{
    if (m_tp.state != TcpState::Closed && m_tp.state != TcpState::Listen)
    {
        m_errno = ERROR_INVAL;
        return -1;
    }
    if (!m_bound && Bind() < 0)
    {
        return -1;
    }
    SetState(TcpState::Listen);
    return 0;
}

// tcp_sync_mss(): MSS from the path MTU, clamped by the peer's MSS, less the options
// every segment carries (tcp_mtu_to_mss()), and no more than half the largest window
// the peer has offered (tcp_bound_to_half_wnd())
void
LinuxTcpSocket::SyncMss(uint32_t pmtu)
{
    uint32_t mss = pmtu - IPV4_TCP_HEADERS;
    mss = std::min(mss, m_tp.mss_clamp);
    mss -= m_tp.tcp_header_len - TCP_BASE_HEADER_LEN;
    mss = TcpBoundToHalfWnd(m_tp, std::max(mss, 48u));
    m_tp.mss_cache = mss;
}

// __inet_stream_connect(): an unconnected IPv4 socket (EAFNOSUPPORT, EISCONN). A
// socket whose connection failed is not connected again here (Linux allows it): the
// model keeps what the first attempt left, so it says EISCONN rather than reuse it.
int
LinuxTcpSocket::Connect(const Address& address)
{
    if (Inet6SocketAddress::IsMatchingType(address))
    {
        m_errno = ERROR_AFNOSUPPORT;
        return -1;
    }
    if (!InetSocketAddress::IsMatchingType(address))
    {
        m_errno = ERROR_INVAL;
        return -1;
    }
    if (m_tp.state != TcpState::Closed || m_dead || m_peerPort != 0)
    {
        m_errno = m_dead ? ERROR_BADF : ERROR_ISCONN;
        return -1;
    }
    const InetSocketAddress a = InetSocketAddress::ConvertFrom(address);
    m_peer = a.GetIpv4();
    m_peerPort = a.GetPort();

    // ip_route_connect(): the route gives the source address and the device MTU
    Ptr<Ipv4> ipv4 = GetNode()->GetObject<Ipv4>();
    Ipv4Header probe;
    probe.SetDestination(m_peer);
    probe.SetProtocol(LinuxTcpL4Protocol::PROT_NUMBER);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = ipv4->GetRoutingProtocol()->RouteOutput(nullptr, probe, nullptr, err);
    if (!route)
    {
        m_errno = ERROR_NOROUTETOHOST;
        return -1;
    }
    if (!m_bound || m_local == Ipv4Address::GetAny())
    {
        m_local = route->GetSource();
    }
    if (!m_bound)
    {
        // inet_hash_connect(): a port for this destination
        if (m_localPort == 0)
        {
            m_localPort = m_tcp->EphemeralPort(true, m_local, m_peer, m_peerPort);
        }
        m_bound = true;
        m_tcp->Register(this);
    }
    m_tcp->Hash(this);
    const uint32_t mtu = route->GetOutputDevice()->GetMtu();

    // tcp_v4_connect(): ISN and TS offset (scenario inputs here)
    m_tp.iss = m_isn ? *m_isn : m_tcp->SecureTcpSeq(m_local, m_peer, m_localPort, m_peerPort);
    m_tp.write_seq = m_tp.iss;
    const uint32_t ts_base =
        m_tsBase ? *m_tsBase : m_tcp->SecureTsBase(m_local, m_peer, m_localPort, m_peerPort);
    m_tp.tsoffset = TsOffsetForBase(ts_base, m_tcp->Clock());

    // tcp_connect_init()
    m_tp.tcp_header_len =
        TCP_BASE_HEADER_LEN + (m_prof->tcp_timestamps ? TCPOLEN_TSTAMP_ALIGNED : 0);
    if (m_tp.user_mss)
    {
        m_tp.mss_clamp = m_tp.user_mss;
    }
    SyncMss(mtu);
    m_tp.advmss = TcpMssClamp(m_tp, Ipv4DefaultAdvmss(mtu));
    TcpInitializeRcvMss(m_tp);
    // a receive buffer set with SO_RCVBUF bounds the window
    if ((m_tp.userlocks & SOCK_RCVBUF_LOCK) &&
        (m_tp.window_clamp == 0 || m_tp.window_clamp > static_cast<uint32_t>(TcpFullSpace(m_tp, *m_prof))))
    {
        m_tp.window_clamp = static_cast<uint32_t>(TcpFullSpace(m_tp, *m_prof));
    }
    const InitialWindow w = TcpSelectInitialWindow(*m_prof,
                                                   TcpFullSpace(m_tp, *m_prof),
                                                   m_tp.advmss,
                                                   m_tp.window_clamp,
                                                   m_prof->tcp_window_scaling,
                                                   0);
    m_tp.rcv_wnd = w.rcv_wnd;
    m_tp.window_clamp = w.window_clamp;
    m_tp.rcv_wscale = w.rcv_wscale;
    m_tp.rcv_ssthresh = m_tp.rcv_wnd;
    m_tp.snd_una = m_tp.write_seq;
    m_tp.snd_nxt = m_tp.write_seq;
    m_tp.snd_sml = m_tp.write_seq;
    m_tp.rcv_nxt = 0;
    m_tp.rcv_wup = 0;
    m_tp.copied_seq = 0;

    // tcp_connect()
    SetState(TcpState::SynSent);
    SendSyn();
    return 0;
}

// --- send and receive ------------------------------------------------------------------

// tcp_sendmsg_locked(): fill the tail skb up to the size goal, then new skbs; push
int
LinuxTcpSocket::Write(Payload data, bool more, bool eor, int64_t copy_ns_per_kib, CopyTurns turns)
{
    if (m_tp.state != TcpState::Established && m_tp.state != TcpState::CloseWait)
    {
        m_errno = ERROR_NOTCONN;
        return -1;
    }
    if (m_tp.shutdown & SEND_SHUTDOWN)
    {
        m_errno = ERROR_SHUTDOWN;
        return -1;
    }
    // tcp_sendmsg_locked() runs with the socket held; with a copy time the skbs fill and
    // leave one by one, and what arrives meanwhile waits in the backlog
    const int len = static_cast<int>(data.size());
    m_sendmsg.push_back({std::move(data), more, eor, copy_ns_per_kib, std::move(turns)});
    if (m_sendmsg.size() == 1 && !m_sendmsgWaiting && !m_sendmsgReturning)
    {
        StartSendmsg();
    }
    return len;
}

void
LinuxTcpSocket::AfterWrite(std::function<void()> then)
{
    if (!m_prof->loopback_send_runs_softirq || !InSendmsg())
    {
        then();
        return;
    }
    // the task is in this write() (one task per socket here): it goes on at the return
    m_afterWrite = std::move(then);
}

int
LinuxTcpSocket::WmemQueued() const
{
    int queued = 0;
    for (const Skb& s : m_writeQueue)
    {
        queued += s.truesize;
    }
    return queued;
}

bool
LinuxTcpSocket::TailGrows(uint32_t size_goal) const
{
    const Skb* tail = m_writeQueue.empty() ? nullptr : &m_writeQueue.back();
    return tail && !tail->sent && !(tail->flags & TCPHDR_FIN) && !tail->eor && tail->data.size() < size_goal;
}

// tcp_sendmsg(): the task takes the socket (lock_sock()) and copies the write at the
// queue's head; on loopback its transmits run their softirq within the call
void
LinuxTcpSocket::StartSendmsg()
{
    m_sendmsgOff = 0;
    m_processBacklog = 0;
    m_sendmsgSizeGoal = 0;
    if (m_prof->loopback_send_runs_softirq)
    {
        m_sendmsgSoftirq = std::make_shared<LoopbackSoftirq>();
    }
    // a traced write takes the socket when the kernel's loop began (tcp_sendmsg() takes
    // lock_sock() just before tcp_sendmsg_locked()): until then, from the call's start
    // (the system call's entry, or the process preempted before it), what arrives is
    // processed at once, not left to the backlog
    if (!m_sendmsg.empty() && !m_sendmsg.front().turns.empty())
    {
        const Time first = m_sendmsg.front().turns.front().first;
        if (first > Simulator::Now())
        {
            m_sendmsgStep = Simulator::Schedule(first - Simulator::Now(), &LinuxTcpSocket::SendmsgEnter, this);
            return;
        }
    }
    SendmsgEnter();
}

// tcp_sendmsg(): lock_sock(), then tcp_sendmsg_locked(), which first asks whether the
// sender is application-limited
void
LinuxTcpSocket::SendmsgEnter()
{
    LockSock();
    TcpRateCheckAppLimited(m_tp);
    SendmsgRun();
}

// tcp_sendmsg_locked()'s loop over the pending writes, one copy at a time
void
LinuxTcpSocket::SendmsgRun()
{
    std::optional<LinuxLoopbackNetDevice::Scope> softirq;
    softirq.emplace(m_sendmsgSoftirq); // what this call transmits is its softirq's
    while (!m_sendmsg.empty())
    {
        const Payload& data = m_sendmsg.front().data;
        if (m_sendmsgOff == data.size())
        {
            WhyScope why(*this, {SendWhy::WriteEnd, data.size()});
            if (m_sendmsg.front().eor && HasSendHead())
            {
                m_writeQueue.back().eor = true; // tcp_sendmsg_locked(): MSG_EOR
            }
            SendMss();
            // the end of the write: tcp_push()
            Push(Nonagle(), m_sendmsg.front().more, m_sendmsgMss, m_sendmsgSizeGoal);
            m_sendmsg.pop_front();
            m_sendmsgOff = 0;
            m_processBacklog = 0;
            m_sendmsgSizeGoal = 0; // the next write is a call of its own
            continue;
        }
        // a traced write: the loop's turn at this offset begins when the kernel's did
        // (the first of two when a backlog flush restarted it: the flush is made there,
        // or just before the restart when the task was held in between: HeldFlushAt())
        if (const Time at = TurnAt(m_sendmsg.front().turns, m_sendmsgOff, false); at > Simulator::Now())
        {
            m_sendmsgStep = Simulator::Schedule(at - Simulator::Now(), &LinuxTcpSocket::SendmsgRun, this);
            return;
        }
        SendMss();
        uint32_t size_goal = m_sendmsgSizeGoal;
        if (!TailGrows(size_goal))
        {
            // a new skb needs room in the send buffer
            if (!SkStreamMemoryFree(m_tp, WmemQueued()))
            {
                WaitForSpace();
                return;
            }
            // every 16 new skbs the backlog is processed (sk_flush_backlog()), and what
            // it changed (the peer's window) resets the size goal ("goto restart")
            if (m_processBacklog >= 16)
            {
                // (come back then: HeldFlushAt() is now, and the flush is made)
                if (const Time at = HeldFlushAt(); at > Simulator::Now())
                {
                    m_sendmsgStep = Simulator::Schedule(at - Simulator::Now(), &LinuxTcpSocket::SendmsgRun, this);
                    return;
                }
                m_processBacklog = 0;
                if (!m_backlog.empty())
                {
                    // sk_flush_backlog() true: "goto restart"
                    m_sendmsgSizeGoal = 0;
                    if (SendmsgFlushBacklog())
                    {
                        return;
                    }
                    SendMss();
                    size_goal = m_sendmsgSizeGoal;
                }
            }
            // a traced write: the new skb's copy at the last turn at this offset (the
            // restart's, after a flush)
            if (const Time at = TurnAt(m_sendmsg.front().turns, m_sendmsgOff, true); at > Simulator::Now())
            {
                m_sendmsgStep = Simulator::Schedule(at - Simulator::Now(), &LinuxTcpSocket::SendmsgRun, this);
                return;
            }
            ++m_processBacklog;
        }
        const size_t copy = NextCopy(data.size() - m_sendmsgOff, size_goal);
        const int64_t ns_per_kib =
            m_sendmsg.front().ns_per_kib > 0 ? m_sendmsg.front().ns_per_kib : m_prof->sendmsg_ns_per_kib;
        // it takes the copy rate: what the kernel did between the end of a copy and its
        // next turn (the softirq of an skb it pushed, the peer's ACK) is the model's own.
        // A traced copy ends by the kernel's next turn, which began after it (the rate
        // is the call's, measured from its segments: its first copies, faulting in the
        // user's pages, take longer than the rest).
        Time t = SyscallTime(ns_per_kib, static_cast<uint32_t>(copy));
        if (const Time next = NextTurn(m_sendmsg.front().turns, m_sendmsgOff + copy); next > Simulator::Now())
        {
            t = std::min(t, next - Simulator::Now());
        }
        if (!t.IsStrictlyPositive())
        {
            SendmsgCopy(data, m_sendmsgOff, copy, size_goal);
            continue;
        }
        m_sendmsgStep = Simulator::Schedule(t, [this, copy, size_goal]() {
            {
                LinuxLoopbackNetDevice::Scope in(m_sendmsgSoftirq);
                SendmsgCopy(m_sendmsg.front().data, m_sendmsgOff, copy, size_goal);
            }
            // a full skb sent mid-write runs its softirq at once too (the peer's
            // receive path and its ACK, before the next copy; a reader it wakes costs
            // an untraced writer loopback_midwrite_wake_ns): the write goes on after.
            // A traced write goes on at the kernel's next turn, which came after that
            // softirq: the model's own delivery does not hold it back.
            if (m_sendmsgSoftirq && m_sendmsgSoftirq->in_flight > 0 && (m_sendmsg.empty() || m_sendmsg.front().turns.empty()))
            {
                Ptr<LinuxTcpSocket> self = this;
                m_sendmsgSoftirq->drained = [self]() {
                    const Time wakes = self->UnpaidWakes(true);
                    if (!wakes.IsStrictlyPositive())
                    {
                        self->SendmsgRun();
                        return;
                    }
                    self->m_sendmsgStep = Simulator::Schedule(wakes, &LinuxTcpSocket::SendmsgRun, self);
                };
                return;
            }
            SendmsgRun();
        });
        return;
    }
    softirq.reset();
    if (!m_sendmsgSoftirq)
    {
        SendmsgReturn();
        return;
    }
    // Everything is copied and pushed; the call goes on with the softirq its transmits
    // raised (do_softirq() at local_bh_enable() in __dev_queue_xmit()): it returns once
    // process_backlog() has delivered its packets and what they caused in turn (the
    // peer's quick ACK, into our backlog: the socket is still held), plus the time its
    // wake-ups of sleeping tasks took
    m_sendmsgReturning = true;
    Ptr<LinuxTcpSocket> self = this;
    auto drained = [self]() {
        const Time wakes = self->UnpaidWakes(false);
        if (!wakes.IsStrictlyPositive())
        {
            self->SendmsgReturn();
            return;
        }
        self->m_sendmsgReturn = Simulator::Schedule(wakes, &LinuxTcpSocket::SendmsgReturn, self);
    };
    if (m_sendmsgSoftirq->in_flight > 0)
    {
        m_sendmsgSoftirq->drained = drained;
        return;
    }
    drained();
}

// A traced write's backlog flush at this offset, when the trace says the task was held
// before it (profile flush_held_gap_ns): flush_before_restart_ns before the loop's
// restart. Zero: none such (the flush is made now, at the first turn).
Time
LinuxTcpSocket::HeldFlushAt() const
{
    if (m_prof->flush_held_gap_ns <= 0 || m_sendmsg.empty())
    {
        return Time(0);
    }
    const CopyTurns& turns = m_sendmsg.front().turns;
    const Time first = TurnAt(turns, m_sendmsgOff, false);
    const Time restart = TurnAt(turns, m_sendmsgOff, true);
    if (restart - first <= NanoSeconds(m_prof->flush_held_gap_ns) ||
        restart - first >= NanoSeconds(m_prof->flush_held_gap_max_ns))
    {
        return Time(0);
    }
    return restart - NanoSeconds(m_prof->flush_before_restart_ns);
}

// When the kernel's copy loop began its first turn at exactly byte `off` of a traced
// write (zero: none there)
Time
LinuxTcpSocket::NextTurn(const CopyTurns& turns, uint64_t off)
{
    auto it = std::lower_bound(turns.begin(), turns.end(), off,
                               [](const auto& turn, uint64_t o) { return turn.second < o; });
    return it != turns.end() && it->second == off ? it->first : Time(0);
}

// When the kernel's copy loop began its turn at byte `off` of a traced write: of the
// turns there, the first (`last` false) or the last (a backlog flush's restart); else
// the last turn before `off` (the kernel's copy then under way covers it). Zero: none.
Time
LinuxTcpSocket::TurnAt(const CopyTurns& turns, uint64_t off, bool last)
{
    auto lo = std::lower_bound(turns.begin(), turns.end(), off,
                               [](const auto& turn, uint64_t o) { return turn.second < o; });
    auto hi = std::upper_bound(lo, turns.end(), off, [](uint64_t o, const auto& turn) { return o < turn.second; });
    if (lo != hi)
    {
        return last ? std::prev(hi)->first : lo->first;
    }
    return lo == turns.begin() ? Time(0) : std::prev(lo)->first;
}

// __sk_flush_backlog() inside a write: __release_sock() processes the backlog with
// the socket still owned. On loopback what that transmits runs its softirq at once
// (do_softirq() at local_bh_enable()), and the peer's ACK it brings back joins the
// backlog (the socket is owned), which __release_sock() loops over until it is empty;
// then tcp_release_cb(). True when the write waits for that softirq and goes on
// (SendmsgRun()) after it.
bool
LinuxTcpSocket::SendmsgFlushBacklog()
{
    ProcessBacklog();
    if (!m_sendmsgSoftirq || m_sendmsgSoftirq->in_flight == 0)
    {
        SendDeferredAck();
        return false;
    }
    Ptr<LinuxTcpSocket> self = this;
    m_sendmsgSoftirq->drained = [self]() {
        {
            LinuxLoopbackNetDevice::Scope in(self->m_sendmsgSoftirq);
            if (self->SendmsgFlushBacklog())
            {
                return;
            }
        }
        const Time wakes = self->UnpaidWakes(true);
        if (!wakes.IsStrictlyPositive())
        {
            self->SendmsgRun();
            return;
        }
        self->m_sendmsgStep = Simulator::Schedule(wakes, &LinuxTcpSocket::SendmsgRun, self);
    };
    return true;
}

// The time the call's softirq spent on wake-ups (try_to_wake_up()) not yet paid for:
// each woken task costs the sender loopback_softirq_wake_ns once, or, when the write
// goes on after it, loopback_midwrite_wake_ns (none for a traced write)
Time
LinuxTcpSocket::UnpaidWakes(bool midwrite)
{
    const uint32_t unpaid = m_sendmsgSoftirq->wakes - m_sendmsgSoftirq->paid;
    m_sendmsgSoftirq->paid = m_sendmsgSoftirq->wakes;
    if (midwrite && !m_sendmsg.empty() && !m_sendmsg.front().turns.empty())
    {
        return Time(0); // a traced write's next turn came after that time: its turns hold it
    }
    const int64_t each = midwrite && m_prof->loopback_midwrite_wake_ns >= 0 ? m_prof->loopback_midwrite_wake_ns
                                                                              : m_prof->loopback_softirq_wake_ns;
    return NanoSeconds(each * static_cast<int64_t>(unpaid));
}

// The end of tcp_sendmsg(): release_sock() processes what arrived meanwhile (the ACK
// the softirq brought back; what that processing sends is not waited for), and the
// call returns
void
LinuxTcpSocket::SendmsgReturn()
{
    m_sendmsgReturning = false;
    m_sendmsgSoftirq.reset();
    ReleaseSock();
    if (m_afterWrite)
    {
        std::function<void()> next = std::move(m_afterWrite);
        m_afterWrite = nullptr;
        next();
    }
    if (m_afterSendmsg)
    {
        std::function<void()> next = std::move(m_afterSendmsg);
        m_afterSendmsg = nullptr;
        next();
    }
    Wake(WaitFor::WriteDone);
    if (!m_sendmsg.empty() && !m_sendmsgWaiting && m_tp.state != TcpState::Closed)
    {
        // a write() another thread of the program made meanwhile
        StartSendmsg();
    }
}

// sk_stream_wait_memory(): push what this write queued, then sleep without the socket
// lock until ACKs free space (CheckSpace())
void
LinuxTcpSocket::WaitForSpace()
{
    if (m_sendmsgOff > 0)
    {
        WhyScope why(*this, {SendWhy::WriteNoMemory});
        SendMss();
        Push(TCP_NAGLE_PUSH, false, m_sendmsgMss, m_sendmsgSizeGoal);
    }
    m_sendmsgWaiting = true;
    m_sendmsgWaitingSince = Simulator::Now();
    ReleaseSock();
}

// tcp_check_space() -> tcp_new_space(), for a writer that ran out of space
// (SOCK_NOSPACE): the buffer follows the congestion window (tcp_should_expand_sndbuf()),
// and sk_stream_write_space() wakes the writer once enough is free
void
LinuxTcpSocket::CheckSpace()
{
    if (!m_sendmsgWaiting && !m_nospace)
    {
        return;
    }
    // tcp_should_expand_sndbuf(): not a buffer set with SO_SNDBUF
    if (m_tp.packets_out < m_tp.snd_cwnd && !(m_tp.userlocks & SOCK_SNDBUF_LOCK))
    {
        TcpSndbufExpand(m_tp, *m_prof);
    }
    if (!SkStreamIsWriteable(m_tp, WmemQueued()))
    {
        return;
    }
    if (!m_sendmsgWaiting)
    {
        // an ns-3 application's Send() found no room (SOCK_NOSPACE): NotifySend()
        if (GetTxAvailable() > 0)
        {
            m_nospace = false;
            RaiseUpcall(UP_SEND);
        }
        return;
    }
    m_sendmsgWaiting = false;
    Ptr<LinuxTcpSocket> self = this;
    m_tcp->WakeTask(NanoSeconds(m_prof->wakeup_latency_ns), [self]() {
        if (self->m_sendmsg.empty() || self->m_tp.state == TcpState::Closed)
        {
            return;
        }
        self->LockSock();
        self->m_sendmsgSizeGoal = 0; // after sk_stream_wait_memory(): tcp_send_mss() again
        self->SendmsgRun();
    });
}

// tcp_send_mss(), once per call and at its restarts (m_sendmsgSizeGoal == 0)
void
LinuxTcpSocket::SendMss()
{
    if (m_sendmsgSizeGoal == 0)
    {
        m_sendmsgMss = CurrentMss();
        m_sendmsgSizeGoal = SizeGoal();
    }
}

// tcp_sendmsg_locked(): how much of the write the next copy takes: the room left in
// the tail skb if it can still grow, else a new skb of size_goal
size_t
LinuxTcpSocket::NextCopy(size_t remaining, uint32_t size_goal) const
{
    return std::min<size_t>(remaining, size_goal - (TailGrows(size_goal) ? m_writeQueue.back().data.size() : 0));
}

// One pass of tcp_sendmsg_locked()'s loop: copy into the tail skb (or a new one) and
// send a full skb when more is to come (tcp_push_one() / __tcp_push_pending_frames())
void
LinuxTcpSocket::SendmsgCopy(const Payload& data, size_t& off, size_t copy, uint32_t size_goal)
{
    if (!TailGrows(size_goal))
    {
        m_tp.nagle_push = false; // tcp_skb_entail(): new data ends the push override
        SlowStartAfterIdleCheck();
        Skb skb;
        skb.seq = m_tp.write_seq;
        skb.end_seq = m_tp.write_seq;
        skb.truesize = m_prof->skb_truesize_overhead;
        m_writeQueue.push_back(skb);
    }
    PageFragCopy(m_tp.write_seq, copy);
    Skb* tail = &m_writeQueue.back();
    tail->data.append(data, off, copy);
    tail->end_seq += static_cast<uint32_t>(copy);
    tail->truesize += static_cast<int>(copy);
    if (off == 0)
    {
        tail->flags &= static_cast<uint8_t>(~TCPHDR_PSH);
    }
    m_tp.write_seq += static_cast<uint32_t>(copy);
    off += copy;
    if (off < data.size() && tail->data.size() >= size_goal)
    {
        WhyScope why(*this, {SendWhy::WriteFullSkb, size_goal});
        PushFullSkb();
    }
}


// SKB_FRAG_PAGE_ORDER: the page frag is a 32 KiB compound page where one can be had
constexpr uint32_t SKB_FRAG_PAGE_SIZE = 32768;

// tcp_sendmsg_locked()'s copies into the page frag: before each, sk_page_frag_refill()
// -> skb_page_frag_refill(32): a page nobody else holds any more (page_ref_count() 1)
// is reused from its start, one with under 32 bytes left is replaced; each copy takes
// at most what is left of the page. Copies that continue the skb's last frag in the
// same page merge with it (skb_can_coalesce()), so an skb's frags break where the
// stream moves to another page or back to the start of one.
void
LinuxTcpSocket::PageFragCopy(uint32_t seq, size_t len)
{
    while (!m_pageBreaks.empty() && !SeqAfter(m_pageBreaks.front(), m_tp.snd_una))
    {
        m_pageBreaks.pop_front();
    }
    while (len > 0)
    {
        bool restart = false;
        if (m_pfrag.page && m_pfrag.offset != 0 && PageFragFree())
        {
            restart = true;
        }
        else if (!m_pfrag.page || m_pfrag.offset + 32 > SKB_FRAG_PAGE_SIZE)
        {
            m_pfrag.page = true;
            restart = true;
        }
        if (restart)
        {
            m_pfrag.offset = 0;
            m_pfrag.first_seq = seq;
            m_pageBreaks.push_back(seq);
        }
        const uint32_t chunk = static_cast<uint32_t>(std::min<size_t>(len, SKB_FRAG_PAGE_SIZE - m_pfrag.offset));
        m_pfrag.offset += chunk;
        seq += chunk;
        len -= chunk;
    }
}

// page_ref_count() == 1: no skb holds the page: none of ours has data written to it
// since it was taken, and on loopback the peer has read it all (its skbs, clones of
// ours or holding our frags after coalescing, are freed as it reads them)
bool
LinuxTcpSocket::PageFragFree() const
{
    for (auto it = m_writeQueue.rbegin(); it != m_writeQueue.rend(); ++it)
    {
        if (!it->data.empty())
        {
            if (SeqAfter(it->end_seq, m_pfrag.first_seq))
            {
                return false;
            }
            break;
        }
    }
    const LinuxTcpSocket* peer = m_tcp ? m_tcp->Peer(*this) : nullptr;
    return !peer || !SeqBefore(peer->m_tp.copied_seq, m_tp.write_seq);
}

// skb_shinfo()->nr_frags of the data [seq, seq + len): one, and one more for each
// break inside it
uint32_t
LinuxTcpSocket::PageFragsOf(uint32_t seq, uint32_t len) const
{
    const auto before = [](uint32_t a, uint32_t b) { return SeqBefore(a, b); };
    const auto from = std::upper_bound(m_pageBreaks.begin(), m_pageBreaks.end(), seq, before);
    const auto to = std::lower_bound(from, m_pageBreaks.end(), seq + len, before);
    return 1 + static_cast<uint32_t>(to - from);
}

// What a read could copy now: the queue from copied_seq (a 32 KiB read leaves part of a
// 64 KiB skb behind)
uint32_t
LinuxTcpSocket::GetRxAvailable() const
{
    uint32_t n = 0;
    for (const Skb& s : m_rcvQueue)
    {
        n += static_cast<uint32_t>(s.data.size());
    }
    return m_rcvQueue.empty() ? 0 : n - (m_tp.copied_seq - m_rcvQueue.front().seq);
}

// tcp_recvmsg(): the socket is held for the whole call
void
LinuxTcpSocket::Read(uint32_t len, ReadDone done)
{
    LockSock();
    // a traced read's copies (CopyThenHold()): the read keeps them, however long its
    // first copy takes
    m_recvmsg = RecvmsgCall{len, {}, std::move(done), true, std::exchange(m_recvmsgCopies, CopyTurns{})};
    RecvmsgLoop();
}

// The loop of tcp_recvmsg_locked(): copy skb by skb; when the queue is empty, stop if
// the backlog is too, else process it (__sk_flush_backlog()) and go on copying.
// tcp_cleanup_rbuf() at the end may ACK; release_sock() then takes what arrived
// during the last copy.
void
LinuxTcpSocket::RecvmsgLoop()
{
    for (;;)
    {
        // the FIN of an skb whose data this read took ends it even when len is used
        // up; a FIN skb of its own is reached only while len is left
        if (RecvmsgAtFin(m_recvmsg->len > 0) || m_recvmsg->len == 0)
        {
            break;
        }
        // a traced read that has copied something and finds nothing more queued but a
        // backlog processes it at once (tcp_recvmsg_locked(): copied >= target, "do not
        // sleep, just process backlog"); its next copy began after that
        if (!m_recvmsg->copies.empty() && !m_recvmsg->out.empty() && RecvmsgNextCopy() == 0 && !m_backlog.empty())
        {
            FlushBacklog();
            continue;
        }
        // a traced read: the kernel's loop came to this offset (to copy, or to find the
        // queue empty and flush the backlog) when its copy from here began
        if (const Time at = RecvmsgCopyAt(); at > Simulator::Now())
        {
            m_copyDone = Simulator::Schedule(at - Simulator::Now(), [this]() { RecvmsgLoop(); });
            return;
        }
        const uint32_t used = RecvmsgNextCopy();
        if (used > 0)
        {
            Time copy = m_recvmsg->timed ? SyscallTime(m_prof->recvmsg_ns_per_kib, used) : Time(0);
            // a traced read whose kernel loop copied again later: RecvmsgCopyEnd()
            const CopyTurns& copies = m_recvmsg->copies;
            const uint64_t end = m_recvmsg->out.size() + used;
            const auto next = std::lower_bound(copies.begin(), copies.end(), end,
                                               [](const auto& c, uint64_t at) { return c.second < at; });
            if (next != copies.end() && next->first > Simulator::Now() + copy)
            {
                const Time next_at = next->first;
                m_copyDone = Simulator::Schedule(copy, [this, used, next_at]() { RecvmsgCopyEnd(used, next_at); });
                return;
            }
            if (copy.IsStrictlyPositive())
            {
                m_copyDone = Simulator::Schedule(copy, [this, used]() {
                    RecvmsgCopied(used);
                    RecvmsgLoop();
                });
                return;
            }
            RecvmsgCopied(used);
            continue;
        }
        if (m_backlog.empty())
        {
            break;
        }
        FlushBacklog();
    }
    CleanupRbuf(static_cast<int>(m_recvmsg->out.size()));
    RecvmsgCall call = std::move(*m_recvmsg);
    m_recvmsg.reset();
    ReleaseSock();
    call.done(call.out);
}

// A traced read's copy has taken its time, and the kernel's next copy began at
// `next_at`. With more of the queue to copy, the loop went straight on: this copy lasted
// until then (its skb still charged). With nothing more queued, the loop went on only
// because a backlog had come (else the read would have returned): it processed that
// first, at once; here the copy ends now and the loop goes on when the backlog comes
// (the model's segment may reach it later than the kernel's did), at the latest then.
void
LinuxTcpSocket::RecvmsgCopyEnd(uint32_t used, Time next_at)
{
    if (GetRxAvailable() > used)
    {
        m_copyDone = Simulator::Schedule(next_at - Simulator::Now(), [this, used]() {
            RecvmsgCopied(used);
            RecvmsgLoop();
        });
        return;
    }
    RecvmsgCopied(used);
    if (!m_backlog.empty())
    {
        RecvmsgLoop();
        return;
    }
    m_backlogWaiter = [this]() {
        m_copyDone.Cancel();
        RecvmsgLoop();
    };
    m_copyDone = Simulator::Schedule(next_at - Simulator::Now(), [this]() {
        m_backlogWaiter = nullptr;
        RecvmsgLoop();
    });
}

// When a traced read's kernel loop copied from the offset this read has reached: the
// last traced copy that began at or before it (0: none, or not traced)
Time
LinuxTcpSocket::RecvmsgCopyAt() const
{
    const CopyTurns& copies = m_recvmsg->copies;
    const uint64_t copied = m_recvmsg->out.size();
    const auto after = std::upper_bound(copies.begin(), copies.end(), copied,
                                        [](uint64_t at, const auto& c) { return at < c.second; });
    return after == copies.begin() ? Time(0) : std::prev(after)->first;
}

// What the next skb_copy_datagram_msg() takes: the rest of the first skb, up to len
uint32_t
LinuxTcpSocket::RecvmsgNextCopy() const
{
    if (m_rcvQueue.empty())
    {
        return 0;
    }
    const Skb& skb = m_rcvQueue.front();
    const uint32_t avail = static_cast<uint32_t>(skb.data.size()) - (m_tp.copied_seq - skb.seq);
    return std::min(avail, m_recvmsg->len);
}

// A copy is done: copied_seq moves, tcp_rcv_space_adjust() runs, and a fully read skb
// is freed (tcp_eat_recv_skb())
void
LinuxTcpSocket::RecvmsgCopied(uint32_t used)
{
    Skb& skb = m_rcvQueue.front();
    const uint32_t offset = m_tp.copied_seq - skb.seq;
    m_recvmsg->out.append(skb.data, offset, used);
    m_recvmsg->len -= used;
    m_tp.copied_seq += used;
    RcvSpaceAdjust();
    if (offset + used == skb.data.size() && !(skb.flags & TCPHDR_FIN))
    {
        m_tp.rmem_alloc -= skb.truesize;
        m_rcvQueue.pop_front();
    }
}

// found_fin_ok: a read that has taken all of the first skb's data and finds the FIN
// there passes it (copied_seq counts it), frees the skb and ends
bool
LinuxTcpSocket::RecvmsgAtFin(bool len_left)
{
    if (m_rcvQueue.empty())
    {
        return false;
    }
    const Skb& skb = m_rcvQueue.front();
    if (!(skb.flags & TCPHDR_FIN) || m_tp.copied_seq - skb.seq < skb.data.size() ||
        (skb.data.empty() && !len_left))
    {
        return false;
    }
    m_tp.copied_seq += 1;
    m_tp.rmem_alloc -= skb.truesize;
    m_rcvQueue.pop_front();
    return true;
}

// tcp_rcv_space_adjust(): refreshes the clock, then autotunes the receive buffer
void
LinuxTcpSocket::RcvSpaceAdjust()
{
    TcpMstampRefresh(m_tp, m_tcp->Clock(), NowNs());
    // (the log's callback is made only when the log is on: this runs at every copy)
    TcpRcvSpaceAdjust(m_tp, *m_prof,
                      KernelStateLog::On() ? [this](uint64_t time_us) { LogRcvbufGrow(time_us); }
                                           : std::function<void(uint64_t)>());
}

// kstate.csv's tcp_rcvbuf_grow row: the kernel's trace_tcp_rcvbuf_grow(), before the
// growth (the old space and rcvbuf)
void
LinuxTcpSocket::LogRcvbufGrow(uint64_t time_us) const
{
    KernelStateLog::Write(KernelStateRow(
        static_cast<uint64_t>(Simulator::Now().GetNanoSeconds()), "tcp_rcvbuf_grow",
        {{"port", std::to_string(m_localPort)},
         {"rcv_wnd", std::to_string(m_tp.rcv_wnd)},
         {"rcvbuf", std::to_string(m_tp.rcvbuf)},
         {"rcv_ssthresh", std::to_string(m_tp.rcv_ssthresh)},
         {"window_clamp", std::to_string(m_tp.window_clamp)},
         {"space", std::to_string(m_tp.rcvq_space.space)},
         {"copied", std::to_string(m_tp.copied_seq - m_tp.rcvq_space.seq)},
         {"inq", std::to_string(m_tp.rcv_nxt - m_tp.copied_seq)},
         {"rtt_us", std::to_string(m_tp.rcv_rtt_est.rtt_us >> 3)},
         {"scaling_ratio", std::to_string(unsigned{m_tp.scaling_ratio})},
         {"time", std::to_string(time_us)}}));
}

// tcp_cleanup_rbuf(): ACK what the read made worth acknowledging
void
LinuxTcpSocket::CleanupRbuf(int copied)
{
    if (TcpCleanupRbufWantsAck(m_tp, *m_prof, copied))
    {
        WhyScope why(*this, {SendWhy::ReadAck, static_cast<uint64_t>(copied)});
        SendAck();
    }
}

int
LinuxTcpSocket::GetSockName(Address& address) const
{
    address = InetSocketAddress(m_local, m_localPort);
    return 0;
}

Ptr<LinuxTcpSocket>
LinuxTcpSocket::Accept()
{
    if (m_acceptQueue.empty())
    {
        m_errno = ERROR_AGAIN;
        return nullptr;
    }
    Ptr<LinuxTcpSocket> child = m_acceptQueue.front();
    m_acceptQueue.pop_front();
    return child;
}

// --- close -----------------------------------------------------------------------------

int
LinuxTcpSocket::ShutdownSend()
{
    if (InSendmsg())
    {
        m_afterSendmsg = [this]() { ShutdownSend(); }; // the task is still in write()
        return 0;
    }
    // tcp_shutdown(): tcp_close_state() and a FIN
    if (m_tp.state == TcpState::Established)
    {
        SetState(TcpState::FinWait1);
        SendFin();
    }
    else if (m_tp.state == TcpState::CloseWait)
    {
        SetState(TcpState::LastAck);
        SendFin();
    }
    m_tp.shutdown |= SEND_SHUTDOWN;
    return 0;
}

int
LinuxTcpSocket::ShutdownRecv()
{
    m_tp.shutdown |= RCV_SHUTDOWN;
    return 0;
}

// __tcp_close(): discard unread data; with data unread, reset instead of FIN
// (RFC 2525 2.17); otherwise tcp_close_state() and tcp_send_fin()
int
LinuxTcpSocket::Close()
{
    if (InSendmsg())
    {
        m_afterSendmsg = [this]() { Close(); }; // the task is still in write()
        return 0;
    }
    // a program's close() comes after its read() returned; the copy loop holds the queue
    NS_ABORT_MSG_IF(m_recvmsg, "close() while the same task is inside read()");
    if (m_dead)
    {
        m_errno = ERROR_BADF; // closed already
        return -1;
    }
    m_dead = true;
    m_waiter.reset();
    m_tp.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
    if (m_tp.state == TcpState::Listen)
    {
        SetState(TcpState::Closed);
        m_tcp->Unregister(this);
        NormalCloseOnce(); // as TcpSocketBase's CloseAndNotify()
        return 0;
    }
    uint32_t data_was_unread = 0;
    for (const Skb& s : m_rcvQueue)
    {
        data_was_unread += static_cast<uint32_t>(s.data.size());
    }
    m_rcvQueue.clear(); // whole skbs count, even when partly read
    m_tp.rmem_alloc = 0;
    switch (m_tp.state)
    {
    case TcpState::Closed:
        if (m_bound)
        {
            m_tcp->Unregister(this); // its port is free again (inet_release())
        }
        return 0;
    case TcpState::SynSent:
        Done();
        return 0;
    default:
        break;
    }
    if (data_was_unread)
    {
        SetState(TcpState::Closed);
        WhyScope why(*this, {SendWhy::ResetUnread, m_tp.rcv_nxt - m_tp.copied_seq, data_was_unread});
        SendActiveReset();
        Done();
        return 0;
    }
    if (m_tp.state == TcpState::Established || m_tp.state == TcpState::SynRecv)
    {
        SetState(TcpState::FinWait1);
        SendFin();
    }
    else if (m_tp.state == TcpState::CloseWait)
    {
        SetState(TcpState::LastAck);
        SendFin();
    }
    return 0;
}

// tcp_done(): the connection is gone; wake anybody still waiting
void
LinuxTcpSocket::Done()
{
    SetState(TcpState::Closed);
    m_delackTimer.Cancel();
    m_xmitTimer.Cancel();
    m_pacingTimer.Cancel(); // tcp_clear_xmit_timers()
    m_compressedAckTimer.Cancel();
    m_xmitPending = XmitTimer::None;
    if (m_sendmsgWaiting)
    {
        // sk_stream_wait_memory() wakes with the error (EPIPE / ECONNRESET): the
        // write() returns, what it did not copy dropped
        m_sendmsgWaiting = false;
        m_sendmsg.clear();
        m_sendmsgOff = 0;
        Ptr<LinuxTcpSocket> self = this;
        m_tcp->WakeTask(NanoSeconds(m_prof->wakeup_latency_ns), [self]() {
            self->LockSock();
            self->SendmsgReturn();
        });
    }
    m_tcp->Unregister(this);
    Wake(WaitFor::Readable);
    Wake(WaitFor::Connected);
}

void
LinuxTcpSocket::DoDispose()
{
    m_delackTimer.Cancel();
    m_xmitTimer.Cancel();
    m_pacingTimer.Cancel();
    m_compressedAckTimer.Cancel();
    m_timewaitTimer.Cancel();
    m_copyDone.Cancel();
    m_sendmsgStep.Cancel();
    m_sendmsgReturn.Cancel();
    if (m_sendmsgSoftirq)
    {
        m_sendmsgSoftirq->drained = nullptr;
    }
    m_waiter.reset();
    m_acceptQueue.clear();
    m_upcalls = 0;
    m_tcp = nullptr;
    TcpSocket::DoDispose();
}

// tcp_slow_start_after_idle_check() -> tcp_cwnd_restart(): new data after the
// connection sat idle over an RTO: ssthresh keeps what the window was, and the window
// halves once per RTO idle, not below the initial window. Not for a congestion control
// with its own (BBR's cong_control).
void
LinuxTcpSocket::SlowStartAfterIdleCheck()
{
    if (!m_prof->tcp_slow_start_after_idle || m_tp.packets_out || CaHasCongControl())
    {
        return;
    }
    int32_t delta = static_cast<int32_t>(NowJiffies() - m_tp.lsndtime);
    const int32_t rto = static_cast<int32_t>(m_tp.icsk_rto);
    if (delta <= rto)
    {
        return;
    }
    m_tp.snd_ssthresh = CurrentSsthresh();
    const uint32_t restart_cwnd = std::min(TCP_INIT_CWND, m_tp.snd_cwnd);
    uint32_t cwnd = m_tp.snd_cwnd;
    while ((delta -= rto) > 0 && cwnd > restart_cwnd)
    {
        cwnd >>= 1;
    }
    m_tp.snd_cwnd = std::max(cwnd, restart_cwnd);
}

} // namespace sim
