// SPDX-License-Identifier: GPL-2.0-only
// LinuxTcpSocket as ns-3's applications use it: the ns3::Socket calls that do not block
// (Send(), Recv()), the callbacks that stand for a task's wake-ups, ns3::TcpSocket's
// attributes as socket options, and the trace sources ns-3 users connect to, named
// and typed as ns3::TcpSocketBase's.
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/wire-header.h"

#include <ns3/buffer.h>
#include <ns3/log.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/trace-source-accessor.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace sim
{

NS_LOG_COMPONENT_DEFINE("LinuxTcpSocketNs3");
NS_OBJECT_ENSURE_REGISTERED(LinuxTcpSocket);

using namespace ns3;

namespace
{

// TCP_DELACK_MAX (HZ/5), TCP_TIMEOUT_INIT (1 s): the delayed-ACK timer's longest
// wait and the first SYN's timeout
constexpr int64_t TCP_DELACK_MAX_MS = 200;
constexpr int64_t TCP_TIMEOUT_INIT_MS = 1000;

// An application's packet as stream bytes. ns-3's applications mostly send
// Create<Packet>(size), whose bytes are a virtual zero-filled area: those stay virtual
// (Payload::Zeros()) instead of taking memory until they are acknowledged.
Payload
PayloadOf(const Packet& p)
{
    static std::vector<uint8_t> scratch;
    const uint32_t n = p.GetSize();
    scratch.resize(n);
    p.CopyData(scratch.data(), n);
    if (n > 0 && scratch[0] == 0 && std::memcmp(scratch.data(), scratch.data() + 1, n - 1) == 0)
    {
        return Payload::Zeros(n);
    }
    return Payload(std::string(scratch.begin(), scratch.end()));
}

// ns-3's TcpHeader of one of our headers, for the Tx and Rx trace sources
TcpHeader
Ns3Header(const WireTcpHeader& th)
{
    Buffer b;
    b.AddAtStart(th.GetSerializedSize());
    th.Serialize(b.Begin());
    TcpHeader h;
    h.Deserialize(b.Begin());
    return h;
}

// A trace source of LinuxTcpSocket::Ns3Traces, which the first connection makes
template <typename Source>
class LazyTraceAccessor : public TraceSourceAccessor
{
  public:
    explicit LazyTraceAccessor(Source LinuxTcpSocket::Ns3Traces::*member)
        : m_member(member)
    {
    }
    bool ConnectWithoutContext(ObjectBase* obj, const CallbackBase& cb) const override
    {
        Source* src = Of(obj);
        return src && (src->ConnectWithoutContext(cb), true);
    }
    bool Connect(ObjectBase* obj, std::string context, const CallbackBase& cb) const override
    {
        Source* src = Of(obj);
        return src && (src->Connect(cb, context), true);
    }
    bool DisconnectWithoutContext(ObjectBase* obj, const CallbackBase& cb) const override
    {
        Source* src = Of(obj);
        return src && (src->DisconnectWithoutContext(cb), true);
    }
    bool Disconnect(ObjectBase* obj, std::string context, const CallbackBase& cb) const override
    {
        Source* src = Of(obj);
        return src && (src->Disconnect(cb, context), true);
    }

  private:
    Source* Of(ObjectBase* obj) const
    {
        auto* s = dynamic_cast<LinuxTcpSocket*>(obj);
        return s ? &(s->Traces().*m_member) : nullptr;
    }
    Source LinuxTcpSocket::Ns3Traces::*m_member;
};

template <typename Source>
Ptr<const TraceSourceAccessor>
MakeLazyTraceAccessor(Source LinuxTcpSocket::Ns3Traces::*member)
{
    return Ptr<const TraceSourceAccessor>(new LazyTraceAccessor<Source>(member), false);
}

} // namespace

TcpSocket::TcpStates_t
Ns3State(TcpState s)
{
    switch (s)
    {
    case TcpState::Closed:
        return TcpSocket::CLOSED;
    case TcpState::Listen:
        return TcpSocket::LISTEN;
    case TcpState::SynSent:
        return TcpSocket::SYN_SENT;
    case TcpState::SynRecv:
        return TcpSocket::SYN_RCVD;
    case TcpState::Established:
        return TcpSocket::ESTABLISHED;
    case TcpState::FinWait1:
        return TcpSocket::FIN_WAIT_1;
    case TcpState::FinWait2:
        return TcpSocket::FIN_WAIT_2;
    case TcpState::CloseWait:
        return TcpSocket::CLOSE_WAIT;
    case TcpState::Closing:
        return TcpSocket::CLOSING;
    case TcpState::LastAck:
        return TcpSocket::LAST_ACK;
    case TcpState::TimeWait:
        return TcpSocket::TIME_WAIT;
    }
    return TcpSocket::CLOSED;
}

TypeId
LinuxTcpSocket::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LinuxTcpSocket")
            .SetParent<TcpSocket>()
            .SetGroupName("Internet")
            .AddConstructor<LinuxTcpSocket>()
            .AddTraceSource("CongestionWindow",
                            "The congestion window in bytes: snd_cwnd segments of mss_cache",
                            MakeLazyTraceAccessor(&Ns3Traces::cwnd),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("SlowStartThreshold",
                            "snd_ssthresh in bytes (UINT32_MAX while it is infinite)",
                            MakeLazyTraceAccessor(&Ns3Traces::ssthresh),
                            "ns3::TracedValueCallback::Uint32")
            .AddTraceSource("RTT",
                            "Last RTT sample (tcp_ack_update_rtt())",
                            MakeLazyTraceAccessor(&Ns3Traces::rtt),
                            "ns3::TracedValueCallback::Time")
            .AddTraceSource("State",
                            "TCP state",
                            MakeLazyTraceAccessor(&Ns3Traces::state),
                            "ns3::TcpStatesTracedValueCallback")
            .AddTraceSource("Tx",
                            "A segment handed to IPv4: its payload and header; the socket argument is null "
                            "(this socket is not a TcpSocketBase)",
                            MakeLazyTraceAccessor(&Ns3Traces::tx),
                            "ns3::TcpSocketBase::TcpTxRxTracedCallback")
            .AddTraceSource("Rx",
                            "A segment for this socket from IPv4: its payload and header; the socket argument "
                            "is null",
                            MakeLazyTraceAccessor(&Ns3Traces::rx),
                            "ns3::TcpSocketBase::TcpTxRxTracedCallback");
    return tid;
}

// sk_clone_lock() copies the listener; tcp_create_openreq_child() then starts the
// connection afresh (CompleteHandshake())
LinuxTcpSocket::LinuxTcpSocket(const LinuxTcpSocket& listener)
    : TcpSocket(listener),
      m_ns3Api(listener.m_ns3Api),
      m_constructed(true)
{
    // as TcpSocketBase's fork: the close and accept callbacks stay, these are the
    // application's to set on the new connection
    SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(), MakeNullCallback<void, Ptr<Socket>>());
    SetDataSentCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
}

void
LinuxTcpSocket::NotifyConstructionCompleted()
{
    m_constructed = true;
    TcpSocket::NotifyConstructionCompleted();
}

// ns3::TcpSocket's defaults are those of ns-3's own TCP (SegmentSize 536, TcpNoDelay
// on, 128 KiB buffers): here the kernel profile's values stand in for them, and only a
// default the user changed (Config::SetDefault(), --ns3::TcpSocket::...) is applied,
// as the application's setsockopt()
void
LinuxTcpSocket::UseNs3Api()
{
    m_ns3Api = true;
    const TypeId tid = TcpSocket::GetTypeId();
    for (std::size_t i = 0; i < tid.GetAttributeN(); ++i)
    {
        const TypeId::AttributeInformation info = tid.GetAttribute(i);
        if (info.initialValue != info.originalInitialValue)
        {
            SetAttribute(info.name, *info.initialValue);
        }
    }
}

// --- ns3::TcpSocket attributes -----------------------------------------------------------

// sock_setsockopt(SO_SNDBUF): capped at net.core.wmem_max, doubled for the skb
// overhead, at least SOCK_MIN_SNDBUF; SOCK_SNDBUF_LOCK keeps tcp_sndbuf_expand() off
// it; sk_write_space() tells a writer waiting for room
void
LinuxTcpSocket::ApplySndBuf(uint32_t size)
{
    const int64_t v = std::min<int64_t>(size, m_prof->wmem_max);
    m_tp.sndbuf = static_cast<int>(std::max<int64_t>(v * 2, SOCK_MIN_SNDBUF));
    m_tp.userlocks |= SOCK_SNDBUF_LOCK;
    CheckSpace();
}

// sock_setsockopt(SO_RCVBUF) -> __sock_set_rcvbuf(): capped at net.core.rmem_max,
// doubled, at least SOCK_MIN_RCVBUF; SOCK_RCVBUF_LOCK stops autotuning
// (tcp_rcv_space_adjust()) and bounds the window to it at connect()
void
LinuxTcpSocket::ApplyRcvBuf(uint32_t size)
{
    const int64_t v = std::min<int64_t>(size, m_prof->rmem_max);
    m_tp.rcvbuf = static_cast<int>(std::max<int64_t>(v * 2, SOCK_MIN_RCVBUF));
    m_tp.userlocks |= SOCK_RCVBUF_LOCK;
}

void
LinuxTcpSocket::SetSndBufSize(uint32_t size)
{
    if (!m_constructed)
    {
        return; // ns-3's default, not the application's
    }
    NS_ABORT_MSG_IF(!m_tcp, "LinuxTcpSocket: SndBufSize set on a socket not made by LinuxTcpL4Protocol");
    ApplySndBuf(size);
}

uint32_t
LinuxTcpSocket::GetSndBufSize() const
{
    return static_cast<uint32_t>(m_tp.sndbuf); // getsockopt(SO_SNDBUF): sk_sndbuf
}

void
LinuxTcpSocket::SetRcvBufSize(uint32_t size)
{
    if (!m_constructed)
    {
        return;
    }
    NS_ABORT_MSG_IF(!m_tcp, "LinuxTcpSocket: RcvBufSize set on a socket not made by LinuxTcpL4Protocol");
    ApplyRcvBuf(size);
}

uint32_t
LinuxTcpSocket::GetRcvBufSize() const
{
    return static_cast<uint32_t>(m_tp.rcvbuf);
}

// do_tcp_setsockopt(TCP_MAXSEG): 0 or TCP_MIN_MSS..MAX_TCP_WINDOW, else EINVAL
void
LinuxTcpSocket::SetSegSize(uint32_t size)
{
    if (!m_constructed)
    {
        return;
    }
    NS_ABORT_MSG_IF(size != 0 && (size < TCP_MIN_MSS || size > MAX_TCP_WINDOW),
                    "LinuxTcpSocket: SegmentSize " << size << " is TCP_MAXSEG, which takes 0 or " << TCP_MIN_MSS
                                                   << ".." << MAX_TCP_WINDOW << " (EINVAL)");
    m_tp.user_mss = size;
}

// do_tcp_getsockopt(TCP_MAXSEG): the MSS in use, or TCP_MAXSEG before a connection
uint32_t
LinuxTcpSocket::GetSegSize() const
{
    if (m_tp.user_mss && (m_tp.state == TcpState::Closed || m_tp.state == TcpState::Listen))
    {
        return m_tp.user_mss;
    }
    return m_tp.mss_cache;
}

void
LinuxTcpSocket::SetTcpNoDelay(bool noDelay)
{
    if (!m_constructed)
    {
        return;
    }
    SetNoDelay(noDelay);
}

bool
LinuxTcpSocket::GetTcpNoDelay() const
{
    return m_tp.nodelay;
}

// What Linux does not let a socket choose: a value the application sets is left, with
// a warning; the getters say what the kernel does
#define SIM_FIXED_BY_KERNEL(attr, what)                                                                      \
    do                                                                                                         \
    {                                                                                                          \
        if (m_constructed)                                                                                     \
        {                                                                                                      \
            NS_LOG_WARN("LinuxTcpSocket: " attr " is not a socket option in Linux (" what "); ignored");     \
        }                                                                                                      \
    } while (false)

void
LinuxTcpSocket::SetInitialSSThresh(uint32_t)
{
    SIM_FIXED_BY_KERNEL("InitialSlowStartThreshold", "ssthresh starts infinite");
}

uint32_t
LinuxTcpSocket::GetInitialSSThresh() const
{
    return UINT32_MAX; // TCP_INFINITE_SSTHRESH
}

void
LinuxTcpSocket::SetInitialCwnd(uint32_t)
{
    SIM_FIXED_BY_KERNEL("InitialCwnd", "TCP_INIT_CWND, or the route's initcwnd");
}

uint32_t
LinuxTcpSocket::GetInitialCwnd() const
{
    return TCP_INIT_CWND;
}

void
LinuxTcpSocket::SetConnTimeout(Time)
{
    SIM_FIXED_BY_KERNEL("ConnTimeout", "TCP_TIMEOUT_INIT, 1 s");
}

Time
LinuxTcpSocket::GetConnTimeout() const
{
    return MilliSeconds(TCP_TIMEOUT_INIT_MS);
}

void
LinuxTcpSocket::SetSynRetries(uint32_t)
{
    SIM_FIXED_BY_KERNEL("SynRetries", "the profile's net.ipv4.tcp_syn_retries");
}

uint32_t
LinuxTcpSocket::GetSynRetries() const
{
    return m_prof ? static_cast<uint32_t>(m_prof->tcp_syn_retries) : 0;
}

void
LinuxTcpSocket::SetDataRetries(uint32_t)
{
    SIM_FIXED_BY_KERNEL("DataRetries", "the profile's net.ipv4.tcp_retries2");
}

uint32_t
LinuxTcpSocket::GetDataRetries() const
{
    return m_prof ? static_cast<uint32_t>(m_prof->tcp_retries2) : 0;
}

void
LinuxTcpSocket::SetDelAckTimeout(Time)
{
    SIM_FIXED_BY_KERNEL("DelAckTimeout", "the delayed-ACK timer follows ato, 40 to 200 ms");
}

Time
LinuxTcpSocket::GetDelAckTimeout() const
{
    return MilliSeconds(TCP_DELACK_MAX_MS);
}

void
LinuxTcpSocket::SetDelAckMaxCount(uint32_t)
{
    SIM_FIXED_BY_KERNEL("DelAckCount", "__tcp_ack_snd_check() ACKs more than one full segment at once");
}

uint32_t
LinuxTcpSocket::GetDelAckMaxCount() const
{
    return 2;
}

void
LinuxTcpSocket::SetPersistTimeout(Time)
{
    SIM_FIXED_BY_KERNEL("PersistTimeout", "window probes back off from the RTO");
}

Time
LinuxTcpSocket::GetPersistTimeout() const
{
    return m_prof ? MilliSeconds(int64_t{m_tp.icsk_rto} * 1000 / m_prof->hz) : Time(0);
}

#undef SIM_FIXED_BY_KERNEL

// --- callbacks -------------------------------------------------------------------------

// Where the kernel would wake a task (sk_data_ready(), sk_state_change(),
// sk_write_space()), an ns-3 application gets its callback, as a woken task gets the
// CPU: a wake-up latency later, never inside the receive path. A socket of our own
// programs (no ns-3 API) calls them at once, as it always did.
void
LinuxTcpSocket::RaiseUpcall(uint16_t what)
{
    if (!m_ns3Api)
    {
        NotifyUpcall(what);
        return;
    }
    m_upcalls |= what;
    if (m_upcallScheduled || m_upcallsHeld || !m_tcp)
    {
        return;
    }
    m_upcallScheduled = true;
    Ptr<LinuxTcpSocket> self = this;
    m_tcp->WakeTask(NanoSeconds(m_prof->wakeup_latency_ns), [self]() { self->DeliverUpcalls(); });
}

void
LinuxTcpSocket::DeliverUpcalls()
{
    m_upcallScheduled = false;
    if (!m_tcp)
    {
        return; // disposed meanwhile
    }
    const uint16_t what = m_upcalls;
    m_upcalls = 0;
    NotifyUpcall(what);
}

// In ns-3's order: the connection, new connections, data sent, room to send, data to
// read, the close
void
LinuxTcpSocket::NotifyUpcall(uint16_t what)
{
    if (what & UP_CONNECTED)
    {
        NotifyConnectionSucceeded();
        if (GetTxAvailable() > 0)
        {
            NotifySend(GetTxAvailable()); // as TcpSocketBase::ConnectionSucceeded()
        }
    }
    if (what & UP_CONNECT_FAILED)
    {
        NotifyConnectionFailed();
    }
    if (what & UP_ACCEPT)
    {
        // ns-3 has no accept(): the application is handed each new connection
        while (!m_acceptQueue.empty())
        {
            Ptr<LinuxTcpSocket> child = m_acceptQueue.front();
            m_acceptQueue.pop_front();
            NotifyNewConnectionCreated(child, InetSocketAddress(child->m_peer, child->m_peerPort));
            child->m_upcallsHeld = false;
            if (child->m_upcalls)
            {
                child->DeliverUpcalls(); // what came before the application had it
            }
        }
    }
    if (what & UP_DATA_SENT)
    {
        const uint32_t bytes = m_dataSentBytes;
        m_dataSentBytes = 0;
        NotifyDataSent(bytes);
    }
    if (what & UP_SEND)
    {
        NotifySend(GetTxAvailable());
    }
    if (what & UP_RECV)
    {
        NotifyDataRecv();
    }
    if (what & UP_NORMAL_CLOSE)
    {
        NotifyNormalClose();
        if (m_closeOnPeerFin && m_tp.state == TcpState::CloseWait && !m_dead)
        {
            Close(); // the application's close(), as ns-3's TCP makes it for PacketSink
        }
    }
    if (what & UP_ERROR_CLOSE)
    {
        NotifyErrorClose();
    }
}

void
LinuxTcpSocket::NormalCloseOnce()
{
    if (!m_closeNotified)
    {
        m_closeNotified = true;
        RaiseUpcall(UP_NORMAL_CLOSE);
    }
}

// New data left (TcpSocketBase notifies each first transmission, not retransmissions)
void
LinuxTcpSocket::NewDataSent(uint32_t bytes)
{
    m_dataSentBytes += bytes;
    RaiseUpcall(UP_DATA_SENT);
}

// --- trace sources ----------------------------------------------------------------------

LinuxTcpSocket::Ns3Traces&
LinuxTcpSocket::Traces()
{
    if (!m_traces)
    {
        m_traces = std::make_unique<Ns3Traces>();
    }
    return *m_traces;
}

void
LinuxTcpSocket::SyncCwndTrace()
{
    const uint32_t mss = std::max(m_tp.mss_cache, 1u);
    const uint32_t cwnd = static_cast<uint32_t>(std::min<uint64_t>(uint64_t{m_tp.snd_cwnd} * mss, UINT32_MAX));
    const uint32_t ssthresh = m_tp.snd_ssthresh >= TCP_INFINITE_SSTHRESH
                                  ? UINT32_MAX
                                  : static_cast<uint32_t>(std::min<uint64_t>(uint64_t{m_tp.snd_ssthresh} * mss,
                                                                             UINT32_MAX));
    Ns3Traces& t = *m_traces;
    if (cwnd != t.cwnd_traced)
    {
        const uint32_t old = t.cwnd_traced;
        t.cwnd_traced = cwnd;
        t.cwnd(old, cwnd);
    }
    if (ssthresh != t.ssthresh_traced)
    {
        const uint32_t old = t.ssthresh_traced;
        t.ssthresh_traced = ssthresh;
        t.ssthresh(old, ssthresh);
    }
}

void
LinuxTcpSocket::TraceTx(Ptr<const Packet> p, const WireTcpHeader& th)
{
    m_traces->tx(p, Ns3Header(th), nullptr);
}

void
LinuxTcpSocket::TraceRx(Ptr<const Packet> p, const WireTcpHeader& th)
{
    m_traces->rx(p, Ns3Header(th), nullptr);
}

void
LinuxTcpSocket::TraceRtt(int64_t rtt_us)
{
    const Time rtt = MicroSeconds(rtt_us);
    const Time old = m_traces->rtt_traced;
    m_traces->rtt_traced = rtt;
    m_traces->rtt(old, rtt);
}

// --- send and receive ------------------------------------------------------------------

// What the application may still give: the send buffer less what is queued in it and
// what writes still hold that are not copied in yet
uint32_t
LinuxTcpSocket::GetTxAvailable() const
{
    const int64_t free = int64_t{m_tp.sndbuf} - WmemQueued() - static_cast<int64_t>(PendingWriteBytes());
    return static_cast<uint32_t>(std::max<int64_t>(0, free));
}

uint32_t
LinuxTcpSocket::PendingWriteBytes() const
{
    uint64_t n = 0;
    for (const PendingWrite& w : m_sendmsg)
    {
        n += w.data.size();
    }
    return static_cast<uint32_t>(n - (m_sendmsg.empty() ? 0 : m_sendmsgOff));
}

// ns3::Socket::Send(): all of the packet or nothing (-1, ERROR_MSGSIZE, when the send
// buffer has not the room; NotifySend() once it has, as a non-blocking write()'s
// EAGAIN sets SOCK_NOSPACE and sk_stream_write_space() wakes the writer). Before the
// handshake completes the bytes wait, as a blocking write() waits in
// sk_stream_wait_connect(), and go once it does.
int
LinuxTcpSocket::Send(Ptr<Packet> p, uint32_t flags)
{
    if (flags)
    {
        m_errno = ERROR_OPNOTSUPP; // ns-3 defines no send flags for TCP
        return -1;
    }
    if (m_tp.shutdown & SEND_SHUTDOWN)
    {
        m_errno = ERROR_SHUTDOWN; // EPIPE
        return -1;
    }
    const TcpState s = m_tp.state;
    const bool connecting = s == TcpState::SynSent || s == TcpState::SynRecv;
    if (s != TcpState::Established && s != TcpState::CloseWait && !connecting)
    {
        m_errno = ERROR_NOTCONN;
        return -1;
    }
    const uint32_t size = p->GetSize();
    if (size == 0)
    {
        return 0;
    }
    if (size > GetTxAvailable())
    {
        m_nospace = true;
        m_errno = ERROR_MSGSIZE;
        return -1;
    }
    Payload data = PayloadOf(*p);
    if (connecting)
    {
        m_sendmsg.push_back({std::move(data), false, false, 0, {}});
        return static_cast<int>(size);
    }
    return Write(std::move(data));
}

int
LinuxTcpSocket::SendTo(Ptr<Packet> p, uint32_t flags, const Address&)
{
    return Send(p, flags); // connected: the address is ignored (tcp_sendmsg())
}

// ns3::Socket::Recv(): what is queued, up to maxSize, at once (tcp_recvmsg() with
// MSG_DONTWAIT, without the copy's time); null and ERROR_AGAIN when nothing is, an
// empty packet at the end of the stream (read() returning 0), as TcpSocketBase
Ptr<Packet>
LinuxTcpSocket::Recv(uint32_t maxSize, uint32_t flags)
{
    if (flags)
    {
        m_errno = ERROR_OPNOTSUPP; // MSG_PEEK and friends are not modelled
        return nullptr;
    }
    if (m_tp.state == TcpState::Listen || (m_tp.state == TcpState::Closed && !m_bound))
    {
        m_errno = ERROR_NOTCONN;
        return nullptr;
    }
    if (m_recvmsg)
    {
        m_errno = ERROR_AGAIN; // a read() of our own programs is under way
        return nullptr;
    }
    Payload out;
    LockSock();
    m_recvmsg = RecvmsgCall{maxSize, {}, [&out](const Payload& data) { out = data; }, false, {}};
    RecvmsgLoop();
    if (out.empty())
    {
        if ((m_tp.shutdown & RCV_SHUTDOWN) || m_tp.state == TcpState::Closed)
        {
            return Create<Packet>(); // EOF
        }
        m_errno = ERROR_AGAIN;
        return nullptr;
    }
    if (out.IsZeros())
    {
        return Create<Packet>(static_cast<uint32_t>(out.size())); // ns-3's virtual zeros again
    }
    const std::string bytes = out.ToString();
    return Create<Packet>(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<uint32_t>(bytes.size()));
}

Ptr<Packet>
LinuxTcpSocket::RecvFrom(uint32_t maxSize, uint32_t flags, Address& from)
{
    Ptr<Packet> p = Recv(maxSize, flags);
    if (p && p->GetSize() > 0)
    {
        from = InetSocketAddress(m_peer, m_peerPort);
    }
    return p;
}

int
LinuxTcpSocket::GetPeerName(Address& address) const
{
    if (m_peerPort == 0 || m_tp.state == TcpState::Listen)
    {
        m_errno = ERROR_NOTCONN; // inet_getname(): ENOTCONN
        return -1;
    }
    address = InetSocketAddress(m_peer, m_peerPort);
    return 0;
}

} // namespace sim
