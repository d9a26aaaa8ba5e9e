// SPDX-License-Identifier: GPL-2.0-only
// When a real program made each system call: its start and its return on the wall
// clock the capture stamps packets with (CLOCK_REALTIME, as the kernel's
// __net_timestamp() of a packet socket), and what it returned. `sim record` keeps one
// per program; the program is a forked child, so the log lives in memory the parent
// and the child share (an anonymous shared mapping made before the fork).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace sim
{

enum class CallKind : uint8_t
{
    Connect,
    Accept,
    Send,
    Recv,
    Close,
};

const char* CallKindName(CallKind k);

struct CallRecord
{
    CallKind kind = CallKind::Send;
    uint64_t index = 0;    // which send / recv of the program this is (from 0)
    int64_t start_ns = 0;  // CLOCK_REALTIME just before the call
    int64_t return_ns = 0; // and just after it returned
    int64_t result = 0;    // its return value (bytes, or -1)
    // From the kernel's tracepoints, when recorded (0: not): its first copy (a read's
    // first skb copied, a write's first turn of its copy loop) and the end of its
    // kernel part (after release_sock()), CLOCK_REALTIME as above
    int64_t copy_ns = 0;
    int64_t kernel_return_ns = 0;
};

// A traced write's copy loop (tcp_sendmsg_locked()), by the call's start_ns (a
// program's calls share an index across steps: the HTTP server's header and body
// are both send `i` of request i): each turn's time since the call's start (ns) and
// the bytes of the write copied before it
using SendTurns = std::map<int64_t, std::vector<std::pair<int64_t, int64_t>>>;

// Realtime now, in ns
int64_t RealtimeNs();

// The shared log. Calls past `capacity` are counted but not kept.
class CallTimeline
{
  public:
    explicit CallTimeline(size_t capacity = 1 << 16);
    ~CallTimeline();
    CallTimeline(const CallTimeline&) = delete;
    CallTimeline& operator=(const CallTimeline&) = delete;

    // In the child: the call starts; returns its slot (or nullptr when full)
    CallRecord* Begin(CallKind kind, uint64_t index);
    // In the child: the call returned `result`
    static void End(CallRecord* r, int64_t result);

    // In the parent, after the child exited
    std::vector<CallRecord> Calls() const;
    size_t Dropped() const;

  private:
    struct Shared;
    Shared* m_shared = nullptr;
    size_t m_bytes = 0;
};

// CLOCK_REALTIME - CLOCK_MONOTONIC, in ns, read back to back (the tighter of a few
// tries): it maps a packet's capture time onto the clock tcp_clock_ns() reads
int64_t RealtimeMinusMonotonicNs();

// CLOCK_MONOTONIC at a timer tick of the kernel, as it ran: the jiffies grid is this
// value plus whole ticks. It waits for the next tick (at most one), spinning.
int64_t LastTickMonotonicNs();

} // namespace sim
