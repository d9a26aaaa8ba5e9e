// SPDX-License-Identifier: GPL-2.0-only
// When the kernel worked inside the programs' socket calls, from its own tracepoints
// (tracefs): a read's copies (skb:skb_copy_datagram_iovec, in skb_copy_datagram_iter(),
// which tcp_recvmsg() calls with the socket held), a write's copy loop
// (tcp:tcp_sendmsg_locked, once per turn of tcp_sendmsg_locked()'s loop) and the end of
// each (sock:sock_recv_length / sock:sock_send_length, in sock_recvmsg() /
// sock_sendmsg() once the protocol returned: after release_sock()). That is process
// timing, an input like the call times: the host decides when a woken task runs and how
// long its copy takes. `sim record` keeps these beside the call times when tracefs is
// there (root); without it the derivation infers them as before.
#pragma once

#include "models/programs/call-timeline.h"

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace sim
{

struct KernelEvent
{
    enum class Kind : uint8_t
    {
        RecvCopy,   // skb_copy_datagram_iovec
        RecvEnd,    // sock_recv_length
        SendLoop,   // tcp_sendmsg_locked
        SendEnd,    // sock_send_length
        // the kernel's TCP state, asked for with --kernel-state (not process timing: what
        // the model computes, kept to compare with it)
        TcpProbe,   // tcp:tcp_probe, each segment a socket receives (tcp_rcv_established())
        RcvbufGrow, // tcp:tcp_rcvbuf_grow, before tcp_rcv_space_adjust() grows the buffer
    };
    int pid = 0;
    int64_t mono_ns = 0; // trace_clock "mono" (CLOCK_MONOTONIC), microsecond resolution
    Kind kind = Kind::RecvCopy;
    int64_t msg_left = -1; // SendLoop: what of the write was still to copy
    int64_t len = -1;      // RecvCopy: the bytes of this copy
    std::string fields;    // TcpProbe, RcvbufGrow: the event's "key=value ..." text
};

// The events of a tracefs `trace` file (the default text format); lines of other
// events and comments are skipped
std::vector<KernelEvent> ParseKernelTrace(std::istream& in);

// Puts the events of process `pid` onto its calls (CLOCK_REALTIME, as the call times;
// `realtime_minus_monotonic_ns` maps the trace's clock onto it): a call's first copy
// (a read's first copy, or a write's first turn of its copy loop) and its kernel end.
// An event belongs to the last call that began before it (a microsecond of slack for
// the trace's resolution) and had not returned.
// A write's turns of its copy loop, and a read's copies, go to `turns` (by the call's
// start_ns): since its start, how many of its bytes were copied as each began.
void AttachKernelEvents(const std::vector<KernelEvent>& events,
                        int pid,
                        int64_t realtime_minus_monotonic_ns,
                        std::vector<CallRecord>& calls,
                        SendTurns* turns = nullptr);

// The TcpProbe and RcvbufGrow events as kstate.csv: one row each, on CLOCK_REALTIME
// (the capture's clock), the socket's local port and its state then; sequence numbers
// absolute, as in the capture. Fields an event does not have are empty.
// Only the sockets of `ports` (the state events are traced for every task: empty, all).
std::string KernelStateCsv(const std::vector<KernelEvent>& events,
                           int64_t realtime_minus_monotonic_ns,
                           const std::vector<uint16_t>& ports = {});

// A tracefs instance of our own that follows one process and the children it forks
// from then on. Ok() false (and Why() says why) when tracefs or the events are not
// there: recording goes on without them.
class KernelTrace
{
  public:
    // `kernel_state`: tcp_probe and tcp_rcvbuf_grow too
    explicit KernelTrace(int pid, bool kernel_state = false);
    ~KernelTrace(); // removes the instance
    KernelTrace(const KernelTrace&) = delete;
    KernelTrace& operator=(const KernelTrace&) = delete;

    bool Ok() const { return !m_dir.empty(); }
    // the TCP state's instance, when asked for, is there too
    bool StateOk() const { return !m_stateDir.empty(); }
    const std::string& Why() const { return m_why; }
    // Stops tracing and reads what was traced
    std::vector<KernelEvent> Stop();

  private:
    std::string m_dir;      // the instance's folder
    std::string m_stateDir; // the TCP state's (--kernel-state), not filtered by task
    std::string m_why;
};

} // namespace sim
