// SPDX-License-Identifier: GPL-2.0-only
// A Linux TCP socket as an ns-3 Socket. The state is the TCB (tcb.h); this class holds
// the queues, the timers and the ns-3 plumbing, and runs the kernel's paths:
//   linux-tcp-socket.cc  the system calls (connect, listen, accept, send, recv, close)
//   tcp-input.cc         segment arrival (tcp_rcv_state_process() and friends)
//   tcp-output.cc        what goes on the wire (tcp_write_xmit(), ACKs, FIN, RST)
//   tcp-cong-control.cc  the congestion control's hooks (Cubic: cubic.h)
//   tcp-timers.cc        delayed ACK and TIME_WAIT
// Programs may block on it the way a process does: Wait() runs a continuation when
// the socket becomes readable, connected or acceptable, after the scheduler latency.
// ns-3 applications use it through ns3::Socket and ns3::TcpSocket (a socket made by the
// node's TcpSocketFactory): non-blocking calls, callbacks for what a blocked task
// would have been woken for, and ns-3's attributes and trace sources
// (linux-tcp-socket-ns3.cc).
#pragma once

#include "models/tcp/backlog.h"
#include "models/tcp/bbr.h"
#include "models/tcp/cubic.h"
#include "models/tcp/delack.h"
#include "models/tcp/segment.h"
#include "models/tcp/send-reason.h"
#include "models/tcp/tcb.h"
#include "models/tcp/tcp-rate.h"

#include <ns3/event-id.h>
#include <ns3/inet-socket-address.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-socket.h>
#include <ns3/traced-callback.h>

#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{
class TcpSocketBase;
}

namespace sim
{

class LinuxTcpL4Protocol;
class WireTcpHeader;
struct LoopbackSoftirq;

// A queued buffer: one skb of the write or receive queue
struct Skb
{
    uint32_t seq = 0;
    uint32_t end_seq = 0;
    uint8_t flags = 0; // TCPHDR_SYN / FIN / PSH carried with it
    Payload data;
    int truesize = 0;
    bool sent = false;
    uint64_t sent_ns = 0;
    uint32_t pcount = 0; // tcp_skb_pcount(): segments of it when sent (GSO)
    uint8_t sacked = 0;  // TCPCB_* scoreboard bits
    bool eor = false;    // MSG_EOR ended a write here: nothing is added to it (tcp_skb_can_collapse_to())
    SkbTxInfo tx;        // the delivery snapshot of its last send (tcp_rate_skb_sent())
    // Its data, shared between the sender's skb and the clone the receiver queues on
    // loopback: skb_cloned() while both hold it
    std::shared_ptr<const int> dataref;
};

// What the one retransmit timer of a socket is armed for (icsk_pending)
enum class XmitTimer : uint8_t
{
    None = 0,
    Retrans = 1,    // ICSK_TIME_RETRANS
    Probe0 = 3,     // ICSK_TIME_PROBE0
    LossProbe = 5,  // ICSK_TIME_LOSS_PROBE
    ReoTimeout = 6, // ICSK_TIME_REO_TIMEOUT
};

// tcp_ack()'s flags that the recovery code passes around (FLAG_*)
inline constexpr uint32_t FLAG_DATA = 0x01;
inline constexpr uint32_t FLAG_WIN_UPDATE = 0x02;
inline constexpr uint32_t FLAG_DATA_ACKED = 0x04;
inline constexpr uint32_t FLAG_RETRANS_DATA_ACKED = 0x08;
inline constexpr uint32_t FLAG_SYN_ACKED = 0x10;
inline constexpr uint32_t FLAG_DATA_SACKED = 0x20;
inline constexpr uint32_t FLAG_ECE = 0x40;
inline constexpr uint32_t FLAG_LOST_RETRANS = 0x80;
inline constexpr uint32_t FLAG_SLOWPATH = 0x100;
inline constexpr uint32_t FLAG_ORIG_SACK_ACKED = 0x200;
inline constexpr uint32_t FLAG_SND_UNA_ADVANCED = 0x400;
inline constexpr uint32_t FLAG_DSACKING_ACK = 0x800;
inline constexpr uint32_t FLAG_SET_XMIT_TIMER = 0x1000;
inline constexpr uint32_t FLAG_SACK_RENEGING = 0x2000;
inline constexpr uint32_t FLAG_UPDATE_TS_RECENT = 0x4000;
inline constexpr uint32_t FLAG_DSACK_TLP = 0x20000;
inline constexpr uint32_t FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED;
inline constexpr uint32_t FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED;

// What tcp_fastretrans_alert() asks tcp_xmit_recovery() to send
enum class Rexmit
{
    None,
    Lost,
    New,
};

// What a process blocked on the socket waits for
enum class WaitFor
{
    Readable,
    Connected,
    Acceptable,
    WriteDone, // write() returns: all of it copied into skbs (it may block for space)
};

// A connection request of a listener (struct request_sock / tcp_request_sock)
struct RequestSock
{
    ns3::Ipv4Address laddr;
    ns3::Ipv4Address raddr;
    uint16_t rport = 0;
    uint32_t rcv_isn = 0;
    uint32_t snt_isn = 0;
    uint32_t ts_recent = 0;
    uint32_t ts_off = 0;
    uint32_t mss_clamp = 0;
    uint32_t advmss = 0;
    bool tstamp_ok = false;
    bool sack_ok = false;
    bool wscale_ok = false;
    uint8_t snd_wscale = 0;
    uint8_t rcv_wscale = 0;
    uint32_t rcv_wnd = 0;
    uint32_t window_clamp = 0;
    uint64_t snt_synack_ns = 0; // when the SYN-ACK last left (tcp_synack_rtt_meas())
    uint8_t num_retrans = 0;    // SYN-ACKs sent again
    uint8_t num_timeout = 0;    // times the request's timer ran out
    uint32_t timeout = 0;       // req->timeout, jiffies (TCP_TIMEOUT_INIT)
    uint32_t timer_gen = 0;     // which arming of its timer is current
    uint32_t last_oow_ack = 0;  // jiffy of the last SYN-ACK for a repeated SYN
};

// ns-3's name for a state (the State trace source)
ns3::TcpSocket::TcpStates_t Ns3State(TcpState s);

class LinuxTcpSocket : public ns3::TcpSocket
{
  public:
    // A traced call's copies: when each began, and the bytes of the call copied before
    using CopyTurns = std::vector<std::pair<ns3::Time, uint64_t>>;

    static ns3::TypeId GetTypeId();
    LinuxTcpSocket();
    // A connection a listener accepts (sk_clone_lock()): ns-3's Socket part (the close
    // and accept callbacks, IP options) and the ns-3 API, nothing else; CompleteHandshake()
    // copies the socket options. For CopyObject().
    LinuxTcpSocket(const LinuxTcpSocket& listener);
    LinuxTcpSocket& operator=(const LinuxTcpSocket&) = delete;
    ~LinuxTcpSocket() override;

    void SetTcp(ns3::Ptr<LinuxTcpL4Protocol> tcp);

    // ns-3's application interface: Send() and Recv() never block, and what a blocked
    // task would have been woken for reaches the application through ns3::Socket's
    // callbacks, a wake-up latency later. The node's TcpSocketFactory sets it; the
    // connections of such a listener inherit it. ns3::TcpSocket attributes whose
    // defaults the user changed (Config::SetDefault) apply to such a socket.
    void UseNs3Api();
    // The Rx trace source, for LinuxTcpL4Protocol: a segment demultiplexed to us
    bool RxTraced() const { return m_traces && !m_traces->rx.IsEmpty(); }
    void TraceRx(ns3::Ptr<const ns3::Packet> p, const WireTcpHeader& th);

    // The trace sources (GetTypeId() names them as ns3::TcpSocketBase does), made when
    // something first connects to one: a socket nobody traces carries one pointer
    struct Ns3Traces
    {
        using TxRx = ns3::TracedCallback<ns3::Ptr<const ns3::Packet>,
                                         const ns3::TcpHeader&,
                                         ns3::Ptr<const ns3::TcpSocketBase>>;
        ns3::TracedCallback<uint32_t, uint32_t> cwnd;
        ns3::TracedCallback<uint32_t, uint32_t> ssthresh;
        ns3::TracedCallback<ns3::Time, ns3::Time> rtt;
        // a TracedValue's callbacks: (old, new) on each change
        ns3::TracedCallback<ns3::TcpSocket::TcpStates_t, ns3::TcpSocket::TcpStates_t> state;
        TxRx tx;
        TxRx rx;
        uint32_t cwnd_traced = 0;
        uint32_t ssthresh_traced = 0;
        ns3::Time rtt_traced;
    };
    Ns3Traces& Traces();

    // Scenario inputs: the ISN this socket uses (secure_tcp_seq() otherwise) and the
    // TS value its clock shows at time 0 (the base of secure_tcp_ts_off()).
    void SetIsn(uint32_t isn) { m_isn = isn; }
    void SetTsBase(uint32_t base) { m_tsBase = base; }
    // __tcp_sock_set_nodelay(), __tcp_sock_set_cork(): TCP_CORK is the stronger; setting
    // TCP_NODELAY, or clearing TCP_CORK, sends what is queued
    void SetNoDelay(bool on);
    void SetCork(bool on);
    // TCP_MAXSEG: the MSS this socket announces and accepts at most (0: the route's)
    void SetUserMss(uint32_t mss) { m_tp.user_mss = mss; }
    // TCP_USER_TIMEOUT: how long data may stay unacknowledged, or the window shut
    // under probes, before the connection is given up (ms; 0: the sysctls decide)
    void SetUserTimeout(uint32_t ms) { m_userTimeoutMs = ms; }
    // setsockopt(SO_SNDBUF) as sock_setsockopt() computes it (doubled, capped):
    // SOCK_SNDBUF_LOCK keeps tcp_sndbuf_expand() off it
    void SetSndBuf(int bytes)
    {
        m_tp.sndbuf = bytes;
        m_tp.userlocks |= SOCK_SNDBUF_LOCK;
    }
    // A listener that answers a SYN only after `delay` (slirp's tcp_input() first
    // connects to the real server, tcp_fconnect(), and sends the SYN-ACK once that
    // connect completes): the time that connect takes is a scenario input.
    void SetSynAckDelay(ns3::Time delay) { m_synAckDelay = delay; }

    // Blocking-call emulation: run `then` once the condition holds. If it holds now the
    // call does not block; otherwise the task sleeps and, when woken by the kernel, gets
    // the CPU `wake_latency` later; in either case not before `not_before` (a recorded
    // run: when the real call returned). A recorded read that found its data (`copy_at`,
    // when it copied) runs then and holds the socket until `not_before`; a traced one
    // (`release_at`: its kernel part's end) copies at `copy_at`, or when its data comes
    // if later, and holds the socket until `release_at`; its loop reaches each byte
    // offset no earlier than the kernel's copy from there began (`copies`).
    void Wait(WaitFor what,
              ns3::Time wake_latency,
              std::function<void()> then,
              ns3::Time not_before = ns3::Time(0),
              ns3::Time copy_at = ns3::Time(0),
              ns3::Time release_at = ns3::Time(0),
              CopyTurns copies = {});
    // The task stops waiting (a timeout of its own ran out)
    void CancelWait() { m_waiter.reset(); }
    // The blocking call a task sleeps in on this socket ("recv()", "send()", ...) and
    // since when, if one does: what a program still waits for when the events run out
    struct SleepingCall
    {
        const char* call;
        ns3::Time since;
    };
    std::optional<SleepingCall> Sleeping() const;

    // lock_sock()/release_sock(): while a process is inside a socket call holding the
    // socket (even preempted there), arriving segments wait in the backlog
    // (tcp_add_backlog()); release_sock() processes them (__release_sock()).
    void LockSock() { ++m_ownedByUser; }
    void ReleaseSock();
    // __release_sock(): what arrived meanwhile, in order, in process context
    void ProcessBacklog();
    // tcp_release_cb()'s deferred ACK, after a processed backlog
    void SendDeferredAck();
    // __sk_flush_backlog(): ProcessBacklog(), then the deferred ACK
    void FlushBacklog();
    // The same inside a write, with the loopback softirq its processing raised
    bool SendmsgFlushBacklog();
    static ns3::Time TurnAt(const CopyTurns& turns, uint64_t off, bool last);
    static ns3::Time NextTurn(const CopyTurns& turns, uint64_t off);
    ns3::Time HeldFlushAt() const;
    bool OwnedByUser() const { return m_ownedByUser > 0; }
    // tcp_add_backlog(): joined to the backlog's last skb where it may be (backlog.h),
    // else queued (sk_add_backlog())
    void AddBacklog(const Segment& seg)
    {
        int delta = 0;
        if (!m_backlog.empty() && TcpBacklogCoalesce(m_backlog.back(), seg, *m_prof, delta))
        {
            m_tp.backlog_len += delta;
            return;
        }
        m_tp.backlog_len += seg.truesize;
        m_backlog.push_back(seg);
        if (m_backlogWaiter)
        {
            ns3::Simulator::ScheduleNow(std::exchange(m_backlogWaiter, nullptr));
        }
    }

    // Byte-level system calls for programs: write() and read() on the socket.
    // `more`: MSG_MORE, the end of the write is not pushed (tcp_push() corks it);
    // `eor`: MSG_EOR, its last skb takes no later data
    // copy_ns_per_kib: this call's copy time on the host it replays (a recording's
    // copy_rate), else 0 for the profile's sendmsg_ns_per_kib
    // `turns`: a traced write's copy loop (when each turn began, the bytes copied
    // before it): each copy begins no earlier than the kernel's turn at its offset
    int Write(Payload data, bool more = false, bool eor = false, int64_t copy_ns_per_kib = 0, CopyTurns turns = {});
    int Write(std::string data) { return Write(Payload(std::move(data))); }
    // The program's step after the write() it just made: when that call returns. On a
    // profile whose loopback sends run the receive path inside the call
    // (loopback_send_runs_softirq), that is after the copy and the softirq the call ran
    // (SendmsgReturn()); on the others the program goes on at once, as their fitted
    // think times assume.
    void AfterWrite(std::function<void()> then);
    // read() of up to `len` bytes (tcp_recvmsg()): `done` gets what was read, empty at
    // the end of the stream, when the call returns. Each skb's copy to user space takes
    // the profile's recvmsg time with the socket held; with none, the call returns at
    // once.
    using ReadDone = std::function<void(const Payload& data)>;
    void Read(uint32_t len, ReadDone done);
    ns3::Ptr<LinuxTcpSocket> Accept();

    const Tcb& GetTcb() const { return m_tp; }
    uint8_t ProbesOut() const { return m_probesOut; } // icsk_probes_out (tcpi_probes)
    ns3::Ipv4Address LocalAddress() const { return m_local; }
    uint16_t LocalPort() const { return m_localPort; }
    ns3::Ipv4Address PeerAddress() const { return m_peer; }
    uint16_t PeerPort() const { return m_peerPort; }
    bool Matches(const Segment& seg, bool listener) const;

    // Called by LinuxTcpL4Protocol for a segment demultiplexed to this socket.
    void Receive(const Segment& seg);

    // ns3::Socket (linux-tcp-socket.cc, linux-tcp-socket-ns3.cc)
    SocketErrno GetErrno() const override { return m_errno; }
    SocketType GetSocketType() const override { return NS3_SOCK_STREAM; }
    ns3::Ptr<ns3::Node> GetNode() const override;
    int Bind(const ns3::Address& address) override;
    int Bind() override;
    int Bind6() override;
    int Close() override;
    int ShutdownSend() override;
    int ShutdownRecv() override;
    int Connect(const ns3::Address& address) override;
    int Listen() override;
    uint32_t GetTxAvailable() const override;
    int Send(ns3::Ptr<ns3::Packet> p, uint32_t flags) override;
    int SendTo(ns3::Ptr<ns3::Packet> p, uint32_t flags, const ns3::Address& to) override;
    uint32_t GetRxAvailable() const override;
    ns3::Ptr<ns3::Packet> Recv(uint32_t maxSize, uint32_t flags) override;
    ns3::Ptr<ns3::Packet> RecvFrom(uint32_t maxSize, uint32_t flags, ns3::Address& from) override;
    int GetSockName(ns3::Address& address) const override;
    int GetPeerName(ns3::Address& address) const override;
    bool SetAllowBroadcast(bool) override { return false; }
    bool GetAllowBroadcast() const override { return false; }

  protected:
    void DoDispose() override;
    void NotifyConstructionCompleted() override;

    // ns3::TcpSocket's attributes (linux-tcp-socket-ns3.cc): SndBufSize is SO_SNDBUF,
    // RcvBufSize SO_RCVBUF, SegmentSize TCP_MAXSEG, TcpNoDelay TCP_NODELAY; the others
    // are the kernel's or the profile's and read only
    void SetSndBufSize(uint32_t size) override;
    uint32_t GetSndBufSize() const override;
    void SetRcvBufSize(uint32_t size) override;
    uint32_t GetRcvBufSize() const override;
    void SetSegSize(uint32_t size) override;
    uint32_t GetSegSize() const override;
    void SetInitialSSThresh(uint32_t threshold) override;
    uint32_t GetInitialSSThresh() const override;
    void SetInitialCwnd(uint32_t cwnd) override;
    uint32_t GetInitialCwnd() const override;
    void SetConnTimeout(ns3::Time timeout) override;
    ns3::Time GetConnTimeout() const override;
    void SetSynRetries(uint32_t count) override;
    uint32_t GetSynRetries() const override;
    void SetDataRetries(uint32_t retries) override;
    uint32_t GetDataRetries() const override;
    void SetDelAckTimeout(ns3::Time timeout) override;
    ns3::Time GetDelAckTimeout() const override;
    void SetDelAckMaxCount(uint32_t count) override;
    uint32_t GetDelAckMaxCount() const override;
    void SetTcpNoDelay(bool noDelay) override;
    bool GetTcpNoDelay() const override;
    void SetPersistTimeout(ns3::Time timeout) override;
    ns3::Time GetPersistTimeout() const override;

  private:
    // A recorded read that found its data: copy at `copy_at`, hold the socket until
    // `not_before` (false: not pinned so)
    bool CopyThenHold(ns3::Time copy_at,
                      ns3::Time not_before,
                      ns3::Time release_at,
                      CopyTurns copies,
                      std::function<void()>& then);

    // --- linux-tcp-socket-ns3.cc: ns-3's callbacks and trace sources
    // What a task blocked on the socket would be woken for, as ns3::Socket's callbacks
    enum Upcall : uint16_t
    {
        UP_CONNECTED = 1,       // NotifyConnectionSucceeded(), then NotifySend()
        UP_CONNECT_FAILED = 2,  // NotifyConnectionFailed()
        UP_ACCEPT = 4,          // NotifyNewConnectionCreated() for the accept queue
        UP_DATA_SENT = 8,       // NotifyDataSent() of m_dataSentBytes
        UP_SEND = 16,           // NotifySend(): room in the send buffer again
        UP_RECV = 32,           // NotifyDataRecv()
        UP_NORMAL_CLOSE = 64,   // NotifyNormalClose()
        UP_ERROR_CLOSE = 128,   // NotifyErrorClose()
    };
    void RaiseUpcall(uint16_t what);
    void DeliverUpcalls();
    void NotifyUpcall(uint16_t what);
    // NotifyNormalClose() once: the peer's FIN, TIME_WAIT, or the end of LAST_ACK
    void NormalCloseOnce();
    void NewDataSent(uint32_t bytes);
    // The congestion window and ssthresh trace sources, when someone listens: after
    // each segment processed and each timer
    void TraceCwnd()
    {
        if (m_traces)
        {
            SyncCwndTrace();
        }
    }
    void SyncCwndTrace();
    void TraceTx(ns3::Ptr<const ns3::Packet> p, const WireTcpHeader& th);
    void TraceRtt(int64_t rtt_us);
    uint32_t PendingWriteBytes() const;
    void ApplySndBuf(uint32_t size);
    void ApplyRcvBuf(uint32_t size);

    // --- tcp-input.cc
    void ListenRx(const Segment& seg);
    void ConnRequest(const Segment& seg);
    void CompleteHandshake(const RequestSock& req, const Segment& seg);
    void SynSentRx(const Segment& seg);
    void StateProcess(const Segment& seg);
    bool SequenceAcceptable(const Segment& seg) const;
    bool PawsReject(const Segment& seg) const;
    void TcpAck(const Segment& seg);
    void DataQueue(const Segment& seg);
    void TcpFin();
    void TcpReset();
    void ConnectFailed();
    void AckSndCheck();
    void StoreTimestamps(const Segment& seg);
    int64_t UpdateRtt(int64_t seq_rtt_us, int64_t sack_rtt_us, int64_t ca_rtt_us, uint32_t flag);

    // --- tcp-output.cc
    ns3::Ptr<ns3::Packet> BuildSegment(uint32_t seq,
                                       uint8_t flags,
                                       const Payload& data,
                                       std::shared_ptr<const int> dataref = nullptr);
    WireTcpHeader SegmentHeader(uint32_t seq, uint8_t flags);
    ns3::Ptr<ns3::Packet> FinishSegment(WireTcpHeader& th,
                                        const Payload& data,
                                        std::shared_ptr<const int> dataref,
                                        uint32_t gso_size = 0);
    // A GSO skb of `pcount` segments as the device gets it: one packet, or (GSO on and
    // too long for the device) its segments of `gso_size` bytes
    std::vector<ns3::Ptr<ns3::Packet>> BuildGsoPackets(uint32_t seq,
                                                       uint8_t flags,
                                                       const Payload& data,
                                                       uint32_t pcount,
                                                       uint32_t gso_size,
                                                       std::shared_ptr<const int> dataref);
    bool TransmitSkb(Skb& skb, uint32_t mss_now = 0);
    ns3::Time UnpaidWakes(bool midwrite);
    void TransmitPackets(const std::vector<ns3::Ptr<ns3::Packet>>& packets);
    void WriteXmit(int nonagle, bool push_one = false, bool probe = false, uint32_t mss_now = 0);
    void PushFullSkb();
    void Push(int nonagle, bool more, uint32_t mss_now = 0, uint32_t size_goal = 0);
    void SendMss();
    void PushPendingFrames();
    bool ForcedPush() const;
    void SendAck();
    void SendDelayedAck();
    void SendFin();
    void SendActiveReset();
    void SendSyn();
    void SendSynAck(const RequestSock& req);
    void SynAckSent(RequestSock& req);
    void ArmRequestTimer(RequestSock& req, uint32_t when);
    void RequestTimer(ns3::Ipv4Address raddr, uint16_t rport, uint32_t gen);
    RequestSock* FindRequest(ns3::Ipv4Address raddr, uint16_t rport);
    void EventAckSent();
    uint32_t CurrentMss() const;
    int Nonagle() const; // tp->nonagle: TCP_NAGLE_OFF with TCP_NODELAY
    uint32_t SizeGoal() const;

    // --- tcp-ofo.cc: out-of-order data and the ACKs it asks for
    void QueueInOrder(const Segment& seg);
    void QueueRcv(const Segment& seg);
    void DataQueueOfo(const Segment& seg);
    void OfoQueue();
    void OfoPurge();
    void SackCompressSendAck();
    void CompressedAckTimer();
    bool AckOfoNow();

    // --- tcp-recovery.cc: retransmission, loss detection and recovery
    uint32_t SacktagWriteQueue(const Segment& seg, uint32_t prior_snd_una, uint64_t* first_sackt = nullptr,
                               uint64_t* last_sackt = nullptr);
    bool CheckDsack(const Segment& seg, uint32_t prior_snd_una, uint32_t* flag);
    uint8_t SacktagOne(Skb& skb,
                       uint32_t* flag,
                       uint32_t* reord,
                       bool dup_sack,
                       uint32_t highest_sack,
                       uint64_t* first_sackt,
                       uint64_t* last_sackt);
    uint32_t HighestSackSeq() const;
    void CheckSackReordering(uint32_t low_seq);
    void RackAdvance(uint8_t sacked, uint32_t end_seq, uint64_t xmit_us);
    uint32_t RackReoWnd() const;
    uint32_t RackDetectLoss();
    bool RackMarkLost();
    void IdentifyPacketLoss(uint32_t* flag);
    void MarkSkbLost(Skb& skb);
    void FastretransAlert(uint32_t prior_snd_una, int num_dupack, uint32_t* flag, Rexmit* rexmit);
    void ProcessLoss(uint32_t flag, int num_dupack, Rexmit* rexmit);
    void ProcessTlpAck(uint32_t ack, uint32_t flag);
    void EnterRecovery();
    void EnterLoss();
    void InitCwndReduction();
    void EnterCwr();
    void EndCwndReduction();
    void CwndReduction(uint32_t newly_acked_sacked, uint32_t newly_lost, uint32_t flag);
    void TryKeepOpen();
    void TryToOpen();
    void InitUndo();
    bool PacketDelayed() const;
    bool MayUndo() const;
    void UndoCwndReduction(bool unmark_loss);
    bool TryUndoRecovery();
    bool TryUndoDsack();
    bool TryUndoPartial(uint32_t prior_snd_una);
    bool TryUndoLoss(bool frto_undo);
    void CongControl(uint32_t acked_sacked, uint32_t newly_lost, uint32_t flag, const RateSample& rs);
    void SetCaState(CaState state);
    void CaInit();
    void CaTxStart();
    void CaPktsAcked(int64_t rtt_us);
    CubicClock CaClock() const;
    bool IsCwndLimited() const;
    void UpdatePacingRate();
    bool CaHasCongControl() const;
    BbrEnv CaEnv() const;
    uint32_t CaUndoCwnd();
    bool PacingCheck();
    void PaceKick();
    void TsqWrite();
    void SkbSent(Skb& skb, uint64_t prior_wstamp);
    uint32_t TsoSegs(uint32_t mss_now) const;
    void AddRenoSack(int num_dupack);
    void RemoveRenoSacks(uint32_t acked);
    bool LimitRenoSacked();
    void CheckRenoReordering(uint32_t addend);
    void XmitRecovery(Rexmit rexmit);
    void XmitRetransmitQueue();
    int RetransmitSkb(size_t i, uint32_t segs, bool count);
    void SplitSkb(size_t i, uint32_t len);
    uint32_t PacketsInFlight() const;
    bool AnyRetransDone() const;
    uint32_t Ssthresh();
    uint32_t CurrentSsthresh() const;
    void ResetXmitTimer(XmitTimer what, uint32_t when, uint32_t max_when);
    void ClearXmitTimer() { m_xmitPending = XmitTimer::None; }
    void RearmRto();
    int64_t RtoDeltaUs() const;
    bool ScheduleLossProbe(bool advancing_rto);
    void SetXmitTimer();
    void XmitTimerFired();
    void OnXmitEvent();
    void RetransmitTimer();
    void SendLossProbe();
    void RackReoTimeout();
    void ProbeTimer();
    uint32_t ClampRtoToUserTimeout() const;
    void SendProbe0();
    void CheckProbeTimer();
    void AckProbe();
    uint64_t NowUs() const; // tcp_mstamp: the cached clock, on the sim's time line
    uint32_t TsNow() const;

    // --- tcp-timers.cc
    void DelackTimer();
    void ArmDelackTimer(uint32_t timeout_jiffies);
    void EnterTimeWait();
    void TimeWaitDone();

    // --- linux-tcp-socket.cc
    void SetState(TcpState s);
    void Wake(WaitFor what);
    bool Ready(WaitFor what) const;
    void InitSock();
    void SyncMss(uint32_t pmtu);
    uint32_t NowJiffies() const;
    uint64_t NowNs() const;
    void CleanupRbuf(int copied);
    void RcvSpaceAdjust();
    void RecvmsgLoop();
    void RecvmsgCopied(uint32_t used);
    void RecvmsgCopyEnd(uint32_t used, ns3::Time next_at);
    // kstate.csv rows (sim run --kernel-state): tcp_probe, tcp_rcvbuf_grow
    void LogProbe(const Segment& seg) const;
    void LogRcvbufGrow(uint64_t time_us) const;
    uint32_t RecvmsgNextCopy() const;
    ns3::Time RecvmsgCopyAt() const;
    bool RecvmsgAtFin(bool len_left);
    size_t NextCopy(size_t remaining, uint32_t size_goal) const;
    bool TailGrows(uint32_t size_goal) const;
    void SendmsgCopy(const Payload& data, size_t& off, size_t copy, uint32_t size_goal);
    void PageFragCopy(uint32_t seq, size_t len);
    bool PageFragFree() const;
    uint32_t PageFragsOf(uint32_t seq, uint32_t len) const;
    void StartSendmsg();
    void SendmsgEnter();
    void SendmsgRun();
    void SendmsgReturn();
    bool InSendmsg() const { return !m_sendmsg.empty() || m_sendmsgReturning; }
    // tcp_send_head(): something is queued and unsent (the sent skbs come first)
    bool HasSendHead() const { return !m_writeQueue.empty() && !m_writeQueue.back().sent; }
    void WaitForSpace();
    void SlowStartAfterIdleCheck();
    void CheckSpace();
    int WmemQueued() const; // sk_wmem_queued
    void Done();

    friend class LinuxTcpL4Protocol; // m_listed
    ns3::Ptr<LinuxTcpL4Protocol> m_tcp;
    const KernelProfile* m_prof = nullptr;
    // its place in the protocol's SocketList, while it is listed
    std::list<ns3::Ptr<LinuxTcpSocket>>::iterator m_listed;
    bool m_isListed = false;
    // its place in the protocol's list of its port's sockets, while it is in it
    std::list<ns3::Ptr<LinuxTcpSocket>>::iterator m_portPlace;
    bool m_inPortBucket = false;
    // The ns-3 application interface (UseNs3Api()) and its state
    bool m_ns3Api = false;
    bool m_constructed = false; // ns3::TcpSocket's defaults have been set (ConstructSelf())
    bool m_nospace = false;     // SOCK_NOSPACE: a Send() found no room; NotifySend() when there is
    bool m_closeNotified = false;
    bool m_upcallScheduled = false;
    bool m_upcallsHeld = false; // a connection not yet handed to the application
    // accepted by a listener the application shut down for sending (PacketSink's):
    // closed when the peer closes, as TcpSocketBase::DoPeerClose() closes it
    bool m_closeOnPeerFin = false;
    uint16_t m_upcalls = 0;
    uint32_t m_dataSentBytes = 0;
    std::unique_ptr<Ns3Traces> m_traces;
    Jiffies m_j{250};
    Tcb m_tp;
    CubicState m_ca; // icsk_ca_priv: the congestion control's own state (Cubic's struct bictcp)
    BbrState m_bbr;  // or BBR's struct bbr
    // the rate sample of the ACK being processed (tcp_ack()'s struct rate_sample)
    RateSample m_rs;
    // internal pacing (tcp_pacing_check()): the hrtimer that sends at tcp_wstamp_ns, and
    // TCP_TSQ_DEFERRED: it fired while the socket was held, release_sock() sends
    ns3::EventId m_pacingTimer;
    bool m_tsqDeferred = false;
    mutable SocketErrno m_errno = ERROR_NOTERROR; // GetPeerName() const sets it

    ns3::Ipv4Address m_local;
    uint16_t m_localPort = 0;
    ns3::Ipv4Address m_peer;
    uint16_t m_peerPort = 0;
    bool m_bound = false;
    std::optional<uint32_t> m_isn;
    std::optional<uint32_t> m_tsBase;
    ns3::Time m_synAckDelay;

    std::deque<Skb> m_writeQueue; // sent-unacked then unsent, in sequence order
    // The page frag tcp_sendmsg() copies into (sk_page_frag(): the writing task's
    // current->task_frag; one per socket here): whether it has a page, how far it is
    // used, and the first byte written to it since it was taken or reset
    struct PageFrag
    {
        bool page = false;
        uint32_t offset = 0;
        uint32_t first_seq = 0;
    };
    PageFrag m_pfrag;
    // where the written stream moves to another page or back to the start of one: an
    // skb's data breaks into another frag there (pruned below snd_una)
    std::deque<uint32_t> m_pageBreaks;
    std::deque<Skb> m_rcvQueue;
    std::vector<Skb> m_ofoQueue; // out-of-order data, in sequence order (the ofo rb-tree)
    // SACK compression of the ACKs out-of-order data asks for (__tcp_ack_snd_check())
    uint32_t m_compressedAck = 0;
    uint32_t m_dupAckCounter = 0;
    uint32_t m_compressedAckRcvNxt = 0;
    ns3::EventId m_compressedAckTimer;
    // the retransmit timer: RTO, loss probe, RACK reordering or window probe
    XmitTimer m_xmitPending = XmitTimer::None;
    uint32_t m_xmitTimeout = 0; // icsk_timeout, jiffies
    uint64_t m_xmitFireNs = 0;  // when the timer wheel runs it
    uint64_t m_xmitEventNs = 0; // when the pending event comes
    ns3::EventId m_xmitTimer;
    uint8_t m_probesOut = 0; // icsk_probes_out
    uint32_t m_userTimeoutMs = 0; // icsk_user_timeout
    uint32_t m_probesTstamp = 0;  // icsk_probes_tstamp: jiffy of the first unanswered probe
    uint32_t m_lastOowAck = 0; // jiffy of the last out-of-window reply (tp->last_oow_ack_time)
    bool m_xmitDeferred = false; // fired while the socket was held
    bool m_inBacklog = false;    // the owner processes its backlog (__release_sock())
    bool m_ackDeferred = false;  // TCP_ACK_DEFERRED: an immediate ACK waits for ReleaseCb()
    bool m_dead = false;     // SOCK_DEAD: the process closed it

    // listener
    std::deque<RequestSock> m_requests;
    std::deque<ns3::Ptr<LinuxTcpSocket>> m_acceptQueue;

    struct Waiter
    {
        WaitFor what;
        ns3::Time latency;
        std::function<void()> then;
        ns3::Time since;
    };
    std::optional<Waiter> m_waiter;
    // Why the next segment is sent: set by the path that decided (send-reason.h)
    SendReason m_why;
    struct WhyScope
    {
        WhyScope(LinuxTcpSocket& s, SendReason r) : sock(s), saved(s.m_why) { sock.m_why = r; }
        ~WhyScope() { sock.m_why = saved; }
        LinuxTcpSocket& sock;
        SendReason saved;
    };
    SocketSnapshot Snapshot() const;
    int m_ownedByUser = 0; // tasks inside a socket call (lock_sock() depth)
    std::deque<Segment> m_backlog;

    ns3::EventId m_delackTimer;
    ns3::EventId m_copyDone;
    struct RecvmsgCall
    {
        uint32_t len = 0; // still wanted
        Payload out;
        ReadDone done;
        bool timed = true; // false for ns-3's Recv(), which cannot wait for the copy
        CopyTurns copies; // a traced read's copies in the kernel (empty: none)
    };
    std::optional<RecvmsgCall> m_recvmsg; // a read() in progress
    CopyTurns m_recvmsgCopies;            // for the read a traced wake-up is making
    // a traced read waiting for its backlog (RecvmsgCopyEnd()): run when a segment joins it
    std::function<void()> m_backlogWaiter;
    // write()s whose copy into skbs is under way (tcp_sendmsg_locked()), and how far
    struct PendingWrite
    {
        Payload data;
        bool more = false; // MSG_MORE
        bool eor = false;  // MSG_EOR
        int64_t ns_per_kib = 0; // its copy time, if not the profile's
        CopyTurns turns;        // its traced copy loop, if any
    };
    std::deque<PendingWrite> m_sendmsg;
    size_t m_sendmsgOff = 0;
    int m_processBacklog = 0; // skbs since the backlog was last processed
    // tcp_send_mss() as the call last computed it (at its start, "restart:" after a
    // backlog flush that processed something, and after sk_stream_wait_memory()):
    // the skbs it fills and the pushes it makes use these, not the mss of the moment.
    // 0: not computed yet
    uint32_t m_sendmsgMss = 0;
    uint32_t m_sendmsgSizeGoal = 0;
    bool m_sendmsgWaiting = false; // in sk_stream_wait_memory() (SOCK_NOSPACE)
    ns3::Time m_sendmsgWaitingSince;
    ns3::EventId m_sendmsgStep;
    // the loopback softirq the write() runs, and whether it has copied everything and
    // waits for that softirq before it returns (LoopbackSoftirq)
    std::shared_ptr<LoopbackSoftirq> m_sendmsgSoftirq;
    bool m_sendmsgReturning = false;
    ns3::EventId m_sendmsgReturn;
    std::function<void()> m_afterSendmsg; // a close() or shutdown() the task does next
    std::function<void()> m_afterWrite;   // the program's next step, at write()'s return
    ns3::EventId m_timewaitTimer;
};

} // namespace sim
