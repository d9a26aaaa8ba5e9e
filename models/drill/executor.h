// SPDX-License-Identifier: GPL-2.0-only
// Runs a parsed script against our Linux TCP: one ns-3 node (192.168.0.1 by default,
// the stack under test, a LinuxTcpL4Protocol with the chosen kernel profile) whose only
// device is a TunDevice; the script is the peer (192.0.2.1). The events run in order
// as packetdrill's interpreter runs them (run.c run_script()):
//   - relative times count from when the previous event finished, or from the previous
//     inbound packet's time for back-to-back inbound packets
//     (adjust_relative_event_times());
//   - inbound packets are mapped to live sequence numbers and injected at their time;
//   - outbound packet lines take the stack's next packet (waiting for it), map it to
//     script numbers and check it (run_packet.c);
//   - system calls run at their time on the socket; a call written with "...T" runs in
//     a second task (packetdrill's system call thread) while the script goes on, and
//     must return at T; one without blocks the script until it returns;
//   - shell commands set sysctls (sysctls.h); code snippets record tcp_info and run at
//     the end (code-snippet.h).
// The first error ends the run. Split over executor.cc (events, packets),
// executor-syscalls.cc (system calls: sockets), executor-sockopt.cc (options),
// executor-data.cc (reads and writes) and executor-info.cc (tcp_info).
#pragma once

#include "models/capture/capture-tap.h"
#include "models/drill/code-snippet.h"
#include "models/drill/conn.h"
#include "models/drill/packet-check.h"
#include "models/drill/script.h"
#include "models/drill/tun-device.h"
#include "models/drill/wire-packet.h"
#include "models/tcp/kernel-profile.h"

#include <ns3/event-id.h>
#include <ns3/node.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sim
{
class LinuxTcpL4Protocol;
}

namespace sim::drill
{

// How a run ended: 0 pass, 1 fail, 2 bad script or unsupported feature
enum class DrillStatus
{
    Pass = 0,
    Fail = 1,
    Bad = 2,
};

struct ExecConfig
{
    KernelProfile profile;    // after the script's init command
    std::string script_dir;   // for the shell commands' relative paths
    Tolerance tolerance;
    int ts_tick_usecs = 0;    // --tcp_ts_tick_usecs: 0 leaves TS values unchecked
    bool ts_ecr_scaled = false; // --tcp_ts_ecr_scaled
    bool strict_segments = false;
    uint16_t mtu = 1500;
    bool tso = true; // packetdrill's tun has TSO on; off: GSO packets are segmented (tun-device.h)
    uint32_t local_ip = 0xc0a80001;  // 192.168.0.1
    uint32_t remote_ip = 0xc0000201; // 192.0.2.1
    FrameSink capture;               // frames for DIR/trace.pcap, or null
    bool why = false;                // each frame says why it was sent (`sim explain`)
    // How far into a jiffy the script's time 0 falls. On a real kernel that is wherever
    // packetdrill happened to start, so timers armed in jiffies (RACK, delayed ACK, RTO)
    // fire up to one jiffy apart from run to run; unset: the middle of a jiffy, the mean.
    std::optional<uint64_t> tick_phase_ns;
};

struct ExecResult
{
    DrillStatus status = DrillStatus::Pass;
    std::string message;          // "SCRIPT:LINE: ..." (more lines for packet dumps)
    std::vector<std::string> notes;
    std::string printed;          // the snippets' print() output
};

class Executor
{
  public:
    Executor(const Script& script, ExecConfig cfg);
    ~Executor();
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;

    // Builds the world, runs the simulation, tears it down
    ExecResult Run();

  private:
    // A system call's outcome: its return value and errno
    struct CallResult
    {
        int64_t ret = 0;
        int err = 0;
    };
    using CallDone = std::function<void(CallResult)>;

    // An fd of the script
    struct Fd
    {
        ns3::Ptr<LinuxTcpSocket> sock;
        Conn* conn = nullptr;
        bool nonblock = false;
        bool listening = false;
        bool bound = false;
        int sk_err = 0; // a reset or timeout, reported once (sock_error())
        bool inq = false; // TCP_INQ: recvmsg() reports what is left to read

        // sock_error(): the pending error, cleared as it is read
        int TakeSkErr()
        {
            return std::exchange(sk_err, 0);
        }
    };

    // Where the main task is within the current event
    enum class Phase
    {
        Start,       // times not yet adjusted
        AwaitIdle,   // a system call waits for the system call task (await_idle_thread())
        WaitTime,    // waiting for the event's time
        Sniff,       // waiting for the stack's next packet
        InCall,      // blocked in a system call
        Finishing,   // after the last event: waiting for the system call task
        Done,
    };

    struct Sniffed
    {
        WirePacket packet;
        int64_t time_us = 0; // live time, since the start
    };

    struct CodeRecord
    {
        int line = 0;
        std::string text;
        PyVars vars; // the tcp_info snapshot
    };

    // --- executor.cc: the world, the event loop, packets
    void Build();
    void Kick();
    void Step();
    bool StepEvent(Event& ev);
    void AdjustTimes(Event& ev);
    bool WaitTill(int64_t us);
    bool CheckEventTime(const Event& ev);
    int64_t NowUs() const;
    void Xmit(ns3::Ptr<ns3::Packet> segment,
              ns3::Ipv4Address src,
              ns3::Ipv4Address dst,
              uint8_t protocol,
              ns3::Ptr<ns3::Ipv4Route> route);
    void Emit(ns3::Ptr<ns3::Packet> ip);
    void OnOutbound(ns3::Ptr<ns3::Packet> ip);
    Conn* FindOrCreateConnForScriptPacket(const PacketSpec& p);
    Conn* ConnForLivePacket(const WirePacket& p);
    bool Inbound(Event& ev);
    bool Outbound(Event& ev);
    std::string VerifyOutbound(Conn& c, const Event& ev, WirePacket& actual, int64_t live_us);
    void FailPacket(const Event& ev, const std::string& err, const WirePacket* script, const WirePacket* actual,
                    int64_t actual_us);
    void Fail(DrillStatus status, const std::string& message);
    void FailAt(int line, const std::string& what);
    void Unsupported(int line, const std::string& what);
    void Finish();
    void Stalled();

    // --- executor-syscalls.cc, executor-sockopt.cc, executor-data.cc
    bool SyscallEvent(Event& ev);
    void StartCall(const Event& ev, CallDone done);
    bool CheckCallResult(const Event& ev, const CallResult& r);
    int64_t IntArg(const Event& ev, const Expr& e);
    Fd* FdArg(const Event& ev, const Expr& e);
    void CallSocket(const Event& ev, CallDone done);
    void CallBind(const Event& ev, CallDone done);
    void CallListen(const Event& ev, CallDone done);
    void CallAccept(const Event& ev, CallDone done);
    void CallConnect(const Event& ev, CallDone done);
    void CallWrite(const Event& ev, uint64_t len, bool null_buf, int64_t flags, CallDone done);
    void CallRead(const Event& ev, uint64_t len, bool null_buf, int64_t flags, CallDone done);
    bool m_inStart = false;      // inside StartCall(): a synchronous return needs no kick
    void CallClose(const Event& ev, CallDone done);
    void CallShutdown(const Event& ev, CallDone done);
    void CallFcntl(const Event& ev, CallDone done);
    void CallSetsockopt(const Event& ev, CallDone done);
    void CallGetsockopt(const Event& ev, CallDone done);
    void CallIoctl(const Event& ev, CallDone done);
    void DoAccept(const Event& ev, int lfd, int newfd, CallDone done);
    void DoWrite(const Event& ev,
                 int fd,
                 uint64_t len,
                 bool nonblock,
                 bool null_buf,
                 bool more,
                 bool eor,
                 CallDone done);
    void DoRead(const Event& ev, int fd, uint64_t len, bool nonblock, bool null_buf, CallDone done);
    void WatchErrors(int fd);
    void OnErrorClose(ns3::Ptr<ns3::Socket> s);
    uint64_t IovLen(const Event& ev, const Expr& iov);
    uint64_t MsghdrLen(const Event& ev, const Expr& msg, int64_t* msg_flags, std::optional<int64_t>* inq = nullptr);
    ns3::Time WakeLatency() const;

    // --- executor-info.cc
    PyVars TcpInfo(const LinuxTcpSocket& s) const;
    void RunCode();

    const Script& m_script;
    std::vector<Event> m_events; // their times adjusted as they run
    ExecConfig m_cfg;
    ExecResult m_result;
    bool m_failed = false;

    ns3::Ptr<ns3::Node> m_node;
    ns3::Ptr<TunDevice> m_dev;
    ns3::Ptr<LinuxTcpL4Protocol> m_tcp;
    std::unique_ptr<CaptureTap> m_tap;
    uint32_t m_ifIndex = 0;
    uint16_t m_ipId = 0;
    std::set<const LinuxTcpSocket*> m_pmtudiscDont; // IP_MTU_DISCOVER IP_PMTUDISC_DONT: no DF

    std::map<int, Fd> m_fds;
    std::vector<std::unique_ptr<Conn>> m_conns;
    Conn* m_underTest = nullptr; // state->socket_under_test
    uint16_t m_nextEphemeral = 40000;

    std::deque<Sniffed> m_sniffed;

    // the main task
    size_t m_index = 0;
    Phase m_phase = Phase::Start;
    int64_t m_waitUntilUs = 0;   // WaitTime / AwaitIdle / Sniff deadline; -1: none
    ns3::EventId m_timer;
    bool m_kickPending = false;
    int m_numEvents = 0;         // state->num_events
    const Event* m_lastEvent = nullptr;
    int64_t m_scriptLastUs = 0;  // state->script_last_time_usecs
    bool m_callDone = false;     // InCall: the call returned
    CallResult m_callResult;
    // an outbound line in progress: the fragments sniffed so far
    std::vector<Sniffed> m_fragments;
    Conn* m_pktConn = nullptr;   // the connection of the current packet line
    int64_t m_offsetUs = 0;      // what the current event's relative time counts from

    // the system call task (a call written with "...")
    struct Background
    {
        const Event* ev = nullptr;
        int fd = -1;
    };
    std::optional<Background> m_bg;

    std::vector<CodeRecord> m_code;
};

} // namespace sim::drill
