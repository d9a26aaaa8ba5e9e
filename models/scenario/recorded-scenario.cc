// SPDX-License-Identifier: GPL-2.0-only
#include "models/scenario/recorded-scenario.h"

#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"
#include "models/record/capture-path.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <fstream>
#include <sstream>
#include <tuple>

namespace sim
{

namespace
{

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kAck = 0x10;

double
Ms(int64_t ns)
{
    return static_cast<double>(std::max<int64_t>(ns, 0)) / 1e6;
}

// Put `v` at `index` of the step's list (times in ms, or rates); calls never made stay
// 0, or empty (never read)
template <class T>
void
Put(std::map<std::string, std::vector<T>>& t, const std::string& step, uint64_t index, T v)
{
    std::vector<T>& list = t[step];
    if (list.size() <= index)
    {
        list.resize(index + 1, T{});
    }
    list[index] = v;
}

struct Side
{
    const std::vector<TraceRow>& rows;    // the capture: what this side sent is among them
    const std::vector<TraceRow>& arrived; // of those, what reached its receiver
    const CapturePath& path;
    bool from_client; // whose packets make this side's reads ready
    int64_t recv_copy_ns_per_kib;
    int64_t send_copy_ns_per_kib;

    // When the segment holding stream byte `offset` (from 0), or the FIN/RST that ends
    // the stream, reached the reader's socket (a copy the link lost never did)
    std::optional<int64_t> ReadyAt(uint64_t offset, bool eof) const
    {
        for (const TraceRow& r : arrived)
        {
            if (r.stream != 0 || r.from_client != from_client)
            {
                continue;
            }
            const bool ends = (r.rec.flags & (kFin | kRst)) != 0;
            // the segment that brings byte `offset` itself: the bytes before it were
            // read already, and one that starts after it (out of order, behind a
            // lost one) makes nothing readable
            const bool holds = r.rec.len > 0 && uint64_t{r.rel_seq} - 1 <= offset &&
                               uint64_t{r.rel_seq} - 1 + r.rec.len > offset;
            if ((eof && ends) || (!eof && holds) || (r.rec.flags & kRst))
            {
                return static_cast<int64_t>(r.rec.time_ns) + path.FromTap(r);
            }
        }
        return std::nullopt;
    }

    // The model's copy time of what a read returned (recvmsg_ns_per_kib): the read
    // holds the socket that long before it returns
    int64_t CopyNs(const CallRecord& c) const
    {
        return c.result > 0 ? c.result * recv_copy_ns_per_kib / 1024 : 0;
    }

    // When a read that found its data at its start copied it: once the last byte it
    // returned had reached the socket (a read takes what is queued when it copies, and
    // the call may begin a few microseconds before its last segment arrives); 0 for a
    // read that waited for its data, or found only the end of the stream
    double CopyAt(const CallRecord& c, uint64_t consumed) const
    {
        const std::optional<int64_t> first = ReadyAt(consumed, c.result <= 0);
        if (c.result <= 0 || !first || *first > c.start_ns)
        {
            return 0;
        }
        const std::optional<int64_t> last = ReadyAt(consumed + static_cast<uint64_t>(c.result) - 1, false);
        return Ms(std::max(c.start_ns, last.value_or(c.start_ns)));
    }

    // The wake of a read that returned `got` bytes after `consumed` before it
    double Wake(const CallRecord& c, uint64_t consumed) const
    {
        const std::optional<int64_t> ready = ReadyAt(consumed, c.result <= 0);
        if (!ready || *ready <= c.start_ns)
        {
            return 0; // it found its data there: it returns as soon as the model's is readable
        }
        return Ms(c.return_ns - *ready - CopyNs(c));
    }
};

// Where the next call's think is counted from: the return of a call that waited, the
// start of a send. A send's own length is the kernel's work (on loopback the receive
// path it runs: the model's) plus whatever kept the process from running (preemption
// on a busy host: the run's), and the model goes on at the later of its return and
// start + think
int64_t
From(const CallRecord& c)
{
    return c.kind == CallKind::Send ? c.start_ns : c.return_ns;
}

// The first packet this side sent during call `c` that `is_it` picks
template <class Pred>
const TraceRow*
SentDuring(const std::vector<TraceRow>& rows, bool from_client, const CallRecord& c, Pred is_it)
{
    for (const TraceRow& r : rows)
    {
        const int64_t t = static_cast<int64_t>(r.rec.time_ns);
        if (r.stream != 0 || r.from_client != from_client || t < c.start_ns)
        {
            continue;
        }
        if (t > c.return_ns)
        {
            return nullptr;
        }
        if (is_it(r))
        {
            return &r;
        }
    }
    return nullptr;
}

// The first data segment this side sent during call `c`: the one holding stream byte
// `offset`
const TraceRow*
FirstSegment(const Side& side, bool from_client, uint64_t offset, const CallRecord& c)
{
    return SentDuring(side.rows, from_client, c, [offset](const TraceRow& p) {
        return p.rec.len > 0 && uint64_t{p.rel_seq} - 1 <= offset && uint64_t{p.rel_seq} - 1 + p.rec.len > offset;
    });
}

// The model's own time in a send between `from` and `until` besides its copy: the
// softirq that each of this side's packets captured then ran (on loopback the writer's
// call runs it: ToTap + FromTap, the loopback latency), and that of the peer's quick
// ACK such a segment drew there (the next packet, a bare ACK of all of it); not what
// the peer sent from its own task
int64_t
SoftirqNs(const Side& side, bool from_client, int64_t from, int64_t until)
{
    int64_t ns = 0;
    const TraceRow* prev = nullptr;
    for (const TraceRow& r : side.rows)
    {
        const int64_t t = static_cast<int64_t>(r.rec.time_ns);
        if (t >= until)
        {
            break;
        }
        if (r.stream != 0)
        {
            continue;
        }
        const bool ours = r.from_client == from_client;
        const bool drawn = !ours && prev && prev->from_client == from_client && prev->rec.len > 0 &&
                           r.rec.len == 0 && r.rel_ack == prev->rel_seq + prev->rec.len;
        if (t > from && (ours || drawn))
        {
            ns += side.path.ToTap(r) + side.path.FromTap(r);
        }
        prev = &r;
    }
    return ns;
}

// The right edge of the peer's window (relative sequence) as its last ACK to reach
// this side before `before` left it
std::optional<int64_t>
PeerWindowEdge(const Side& side, bool from_client, int64_t before)
{
    std::optional<int64_t> edge;
    for (const TraceRow& r : side.rows)
    {
        if (static_cast<int64_t>(r.rec.time_ns) + side.path.FromTap(r) >= before)
        {
            break;
        }
        if (r.stream == 0 && r.from_client != from_client && (r.rec.flags & kAck))
        {
            edge = int64_t{r.rel_ack} + r.win;
        }
    }
    return edge;
}

// A send's copy time per KiB on the recording host (0: none measured, the profile's
// sendmsg_ns_per_kib). tcp_sendmsg_locked() copies into skbs whose pages
// sk_page_frag_refill() takes from the page allocator, and on a virtual machine a page
// the host has not backed yet costs far more than the copy: here up to 2-6 us per KiB
// for a process's first large send (two skbs, then 0.7-1.9 ms of silence until the
// backlog flush after 16 new skbs takes the peer's ACK and the third skb leaves),
// under 0.1 us once its pages are warm. That is how fast the process ran, an input
// like a think time, and it decides which segments leave before the peer's ACKs are
// processed. Measured from the send's first segment (its start if none left during
// it) over the bytes copied since, less SoftirqNs(), up to the call's return and up to
// each later segment of the call, and the least of those: a segment cannot leave
// before its bytes were copied, and a call can last longer than its copy (preempted
// after its last segment). A segment past the peer's window as the call began waited
// for an ACK that came to the held socket's backlog, processed at release_sock() with
// everything copied, or at a backlog flush, which comes when 16 new skbs are full
// (sk_flush_backlog() in tcp_sendmsg_locked(); skbs of at least 32 KiB on loopback).
// Only for a send of kMinBytes or more (a shorter one is mostly call overhead) and
// spans of kMinSpan or more; the return bounds only a send of at most kMaxBytes: a
// larger one may have slept in sk_stream_wait_memory(), the peer's time.
int64_t
SendCopyRate(const Side& side, bool from_client, uint64_t offset, const CallRecord& c)
{
    constexpr int64_t kMinBytes = 64 * 1024;
    constexpr int64_t kMinSpan = 16 * 1024;
    constexpr int64_t kMaxBytes = 2 * 1024 * 1024;
    constexpr int64_t kFlushBytes = 16 * 32 * 1024; // at least this much before a flush
    if (c.result < kMinBytes)
    {
        return 0;
    }
    const TraceRow* first = FirstSegment(side, from_client, offset, c);
    const int64_t first_len = first ? int64_t{first->rec.len} : 0;
    const int64_t from = first ? static_cast<int64_t>(first->rec.time_ns) - side.path.ToTap(*first) : c.start_ns;
    const int64_t bytes = c.result - first_len;
    if (bytes < kMinBytes)
    {
        return 0;
    }
    auto rate = [&](int64_t until, int64_t copied) {
        return std::max<int64_t>(until - from - SoftirqNs(side, from_client, from, until), 0) * 1024 / copied;
    };
    int64_t best = c.result <= kMaxBytes ? rate(c.return_ns + 1, bytes) : INT64_MAX;
    const std::optional<int64_t> edge = PeerWindowEdge(side, from_client, c.start_ns);
    for (const TraceRow& r : side.rows)
    {
        const int64_t t = static_cast<int64_t>(r.rec.time_ns);
        if (t > c.return_ns)
        {
            break;
        }
        if (r.stream != 0 || r.from_client != from_client || r.rec.len == 0 || t < from || &r == first ||
            uint64_t{r.rel_seq} - 1 < offset)
        {
            continue;
        }
        const int64_t end = int64_t{r.rel_seq} - 1 + r.rec.len - static_cast<int64_t>(offset);
        // past the window it began with: it left at release_sock() or at a backlog flush
        const bool past_edge = edge && int64_t{r.rel_seq} + r.rec.len > *edge;
        int64_t copied = std::min(end, c.result) - first_len;
        if (past_edge)
        {
            copied = c.result <= kFlushBytes ? bytes : std::max(copied, kFlushBytes - first_len);
        }
        if (copied >= kMinSpan)
        {
            best = std::min(best, rate(t - side.path.ToTap(r), copied));
        }
    }
    return best == INT64_MAX ? 0 : best;
}

// A send's hold: from its start to its first segment's capture, less the model's copy
// of that segment (at `ns_per_kib`, else sendmsg_ns_per_kib) and its own way to the
// capture (ToTap: on loopback before_tap; on ethernet nothing from the capture host,
// the link from its peer): what the host, not the kernel's work, took before the
// segment left (the process preempted in the call on a busy host). 0 when its data did
// not leave during the call (Nagle, a full window), or was lost on the way to the
// capture.
double
SendHold(const Side& side, bool from_client, uint64_t offset, const CallRecord& c, int64_t ns_per_kib)
{
    const TraceRow* r = FirstSegment(side, from_client, offset, c);
    const int64_t rate = ns_per_kib > 0 ? ns_per_kib : side.send_copy_ns_per_kib;
    return r ? Ms(static_cast<int64_t>(r->rec.time_ns) - c.start_ns - side.path.ToTap(*r) -
                  int64_t{r->rec.len} * rate / 1024)
             : 0;
}

// A close's hold: from its start to the FIN or RST it sent, when that left during the
// call (the model's close acts at once)
double
CloseHold(const Side& side, bool from_client, const CallRecord& c)
{
    const TraceRow* r =
        SentDuring(side.rows, from_client, c, [](const TraceRow& p) { return (p.rec.flags & (kFin | kRst)) != 0; });
    return r ? Ms(static_cast<int64_t>(r->rec.time_ns) - c.start_ns - side.path.ToTap(*r)) : 0;
}

const TraceRow*
Find(const std::vector<TraceRow>& rows, uint8_t flags, uint8_t mask, bool from_client)
{
    for (const TraceRow& r : rows)
    {
        if (r.stream == 0 && r.from_client == from_client && (r.rec.flags & mask) == flags)
        {
            return &r;
        }
    }
    return nullptr;
}

std::vector<CallRecord>
InOrder(std::vector<CallRecord> calls)
{
    std::stable_sort(calls.begin(), calls.end(),
                     [](const CallRecord& a, const CallRecord& b) { return a.start_ns < b.start_ns; });
    return calls;
}

// The echo client's calls, or the browser's (whose reads are the step `read`)
// A traced write's copy loop as "ms:bytes" per turn (ms since time 0, like `at`)
void
PutTurns(StepTurns& t, const std::string& step, const CallRecord& c, const SendTurns& turns)
{
    auto it = turns.find(c.start_ns);
    if (it == turns.end() || it->second.empty() || WriteTurnsSayNothing(c, it->second))
    {
        return;
    }
    std::string text;
    for (const auto& [dt, bytes] : it->second)
    {
        text += fmt::format("{}{:.6f}:{}", text.empty() ? "" : " ", Ms(c.start_ns + dt), bytes);
    }
    Put(t, step, c.index, text);
}

// A read's copy: traced (its first copy, and `released`, the end of its kernel part),
// or inferred for one that found its data (Side::CopyAt())
void
PutReadCopy(StepTimes& copy,
            StepTimes& released,
            const std::string& step,
            const CallRecord& c,
            const Side& side,
            uint64_t consumed)
{
    if (!c.copy_ns)
    {
        Put(copy, step, c.index, side.CopyAt(c, consumed));
        return;
    }
    Put(copy, step, c.index, Ms(c.copy_ns));
    Put(released, step, c.index, Ms(c.kernel_return_ns ? c.kernel_return_ns : c.return_ns));
}

void
ClientTimes(const Side& side,
            const std::vector<CallRecord>& calls,
            const SendTurns& turns,
            const TraceRow& synack,
            const std::string& recv_step,
            RecordedInputs& in)
{
    int64_t prev_return = 0;
    uint64_t consumed = 0;
    uint64_t sent = 0;
    for (const CallRecord& c : InOrder(calls))
    {
        switch (c.kind)
        {
        case CallKind::Connect:
            // ready when the SYN-ACK reached the socket
            Put(in.client_wake, "connect", 0,
                Ms(c.return_ns - (static_cast<int64_t>(synack.rec.time_ns) + side.path.FromTap(synack))));
            Put(in.client_returned, "connect", 0, Ms(c.return_ns));
            break;
        case CallKind::Send: {
            Put(in.client_think, "send", c.index, Ms(c.start_ns - prev_return));
            Put(in.client_at, "send", c.index, Ms(c.start_ns));
            const int64_t rate = SendCopyRate(side, true, sent, c);
            Put(in.client_hold, "send", c.index, SendHold(side, true, sent, c, rate));
            PutTurns(in.client_turns, "send", c, turns);
            Put(in.client_copy_rate, "send", c.index, rate);
            sent += static_cast<uint64_t>(std::max<int64_t>(c.result, 0));
            break;
        }
        case CallKind::Recv:
            Put(in.client_think, recv_step, c.index, Ms(c.start_ns - prev_return));
            Put(in.client_wake, recv_step, c.index, side.Wake(c, consumed));
            Put(in.client_at, recv_step, c.index, Ms(c.start_ns));
            Put(in.client_returned, recv_step, c.index, Ms(c.return_ns - side.CopyNs(c)));
            PutReadCopy(in.client_copy, in.client_released, recv_step, c, side, consumed);
            PutTurns(in.client_turns, recv_step, c, turns);
            consumed += static_cast<uint64_t>(std::max<int64_t>(c.result, 0));
            break;
        case CallKind::Close:
            Put(in.client_think, "close", 0, Ms(c.start_ns - prev_return));
            Put(in.client_at, "close", 0, Ms(c.start_ns));
            Put(in.client_hold, "close", 0, CloseHold(side, true, c));
            break;
        case CallKind::Accept:
            break;
        }
        prev_return = From(c);
    }
}

// accept() is ready when the handshake's last ACK queued the child socket. The model's
// server is in accept() from time 0, so a real one that came to it late (the child was
// not scheduled yet) is one whose wake lasted until then.
void
AcceptTimes(const Side& side, const CallRecord& c, const TraceRow* handshake_ack, RecordedInputs& in)
{
    const int64_t ready =
        handshake_ack ? static_cast<int64_t>(handshake_ack->rec.time_ns) + side.path.FromTap(*handshake_ack)
                      : c.start_ns;
    Put(in.server_wake, "accept", 0, Ms(c.return_ns - ready));
    Put(in.server_returned, "accept", 0, Ms(c.return_ns));
}

// The echo server's calls (accept, then recv() and a reply send() each, then close),
// or the HTTP server's (`http`): recv() under the idle timeout (-1: it ran out), each
// request answered by a header send ("reply") and a body send ("body", whose call has
// the same index), then close
void
ServerTimes(const Side& side,
            const std::vector<CallRecord>& calls,
            const SendTurns& turns,
            const TraceRow* handshake_ack,
            int64_t sleep_ns,
            bool http,
            RecordedInputs& in)
{
    int64_t prev_return = 0;
    std::optional<CallKind> prev;
    uint64_t last_recv = 0;
    bool after_header = false; // HTTP: the last send was a header, the next is its body
    uint64_t consumed = 0;
    uint64_t sent = 0;
    for (const CallRecord& c : InOrder(calls))
    {
        switch (c.kind)
        {
        case CallKind::Accept:
            AcceptTimes(side, c, handshake_ack, in);
            break;
        case CallKind::Recv:
            // after accept: think "accept"; after an echo's reply: think "recv" of that
            // reply (the HTTP server goes straight back to recv())
            if (prev == CallKind::Accept)
            {
                Put(in.server_think, "accept", 0, Ms(c.start_ns - prev_return - sleep_ns));
            }
            else if (prev == CallKind::Send && !http)
            {
                Put(in.server_think, "recv", last_recv, Ms(c.start_ns - prev_return - sleep_ns));
            }
            Put(in.server_at, "recv", c.index, Ms(c.start_ns));
            if (!http || c.result >= 0) // else the idle timeout ran out: the model's own timer ends it
            {
                Put(in.server_wake, "recv", c.index, side.Wake(c, consumed));
                Put(in.server_returned, "recv", c.index, Ms(c.return_ns - side.CopyNs(c)));
                PutReadCopy(in.server_copy, in.server_released, "recv", c, side, consumed);
                PutTurns(in.server_turns, "recv", c, turns);
            }
            consumed += static_cast<uint64_t>(std::max<int64_t>(c.result, 0));
            last_recv = c.index;
            after_header = false;
            break;
        case CallKind::Send: {
            const char* step = after_header ? "body" : "reply";
            Put(in.server_think, step, c.index, Ms(c.start_ns - prev_return));
            Put(in.server_at, step, c.index, Ms(c.start_ns));
            const int64_t rate = SendCopyRate(side, false, sent, c);
            Put(in.server_hold, step, c.index, SendHold(side, false, sent, c, rate));
            PutTurns(in.server_turns, step, c, turns);
            Put(in.server_copy_rate, step, c.index, rate);
            sent += static_cast<uint64_t>(std::max<int64_t>(c.result, 0));
            after_header = http && !after_header;
            break;
        }
        case CallKind::Close:
            Put(in.server_think, "close", http ? 0 : last_recv, Ms(c.start_ns - prev_return));
            Put(in.server_at, "close", 0, Ms(c.start_ns));
            Put(in.server_hold, "close", 0, CloseHold(side, false, c));
            break;
        case CallKind::Connect:
            break;
        }
        prev = c.kind;
        prev_return = From(c);
    }
}

// tcp_clock_ms() counts CLOCK_MONOTONIC milliseconds (tcp_clock_ns() is ktime_get_ns())
int64_t
TickOf(uint64_t realtime_ns, int64_t realtime_minus_monotonic_ns)
{
    return (static_cast<int64_t>(realtime_ns) - realtime_minus_monotonic_ns) / 1000000;
}

} // namespace

RecordedInputs
DeriveRecordedInputs(const Scenario& sc, const RecordedRun& run)
{
    const CapturePath path = CapturePathOf(sc);
    const std::vector<TraceRow> rows = AnalyzeTrace(run.packets);
    const TraceRow* syn = Find(rows, kSyn, kSyn | kAck, true);
    const TraceRow* synack = Find(rows, kSyn | kAck, kSyn | kAck, false);
    if (!syn || !synack)
    {
        throw InputError("record: the capture has no SYN and SYN-ACK of the echo connection");
    }

    RecordedInputs in;
    in.client_port = syn->rec.sport;
    in.server_port = syn->rec.dport;
    in.client_isn = syn->rec.seq;
    in.server_isn = synack->rec.seq;
    // Every time is taken on the simulation's clock: its connect() starts at 0 and the
    // SYN reaches the capture ToTap later (on loopback a segment is stamped that long
    // before its capture; on ethernet captured at the server, it crossed the link).
    // Each side's TS clock base is its TSval at time 0.
    const int64_t t0 = static_cast<int64_t>(syn->rec.time_ns) - path.ToTap(*syn);
    const int64_t off = run.realtime_minus_monotonic_ns;
    const int64_t mono0 = t0 - off;
    in.ts_phase_us = static_cast<double>(((mono0 % 1000000) + 1000000) % 1000000) / 1e3;
    if (run.last_tick_monotonic_ns >= 0)
    {
        // jiffies advance on a grid of 1/CONFIG_HZ through the last measured tick
        const int64_t tick = 1000000000LL / sc.profile.hz;
        in.tick_phase_us = static_cast<double>((((mono0 - run.last_tick_monotonic_ns) % tick) + tick) % tick) / 1e3;
    }
    if (syn->rec.tsval && synack->rec.tsval)
    {
        in.timestamps = true;
        in.client_ts_base = *syn->rec.tsval;
        const uint64_t synack_stamped = synack->rec.time_ns - static_cast<uint64_t>(path.ToTap(*synack));
        in.server_ts_base = *synack->rec.tsval -
                            static_cast<uint32_t>(TickOf(synack_stamped, off) - TickOf(static_cast<uint64_t>(t0), off));
    }

    auto shifted = [&](std::vector<CallRecord> calls) {
        for (CallRecord& c : calls)
        {
            c.start_ns -= t0;
            c.return_ns -= t0;
            c.copy_ns = c.copy_ns ? c.copy_ns - t0 : 0;
            c.kernel_return_ns = c.kernel_return_ns ? c.kernel_return_ns - t0 : 0;
        }
        return calls;
    };
    auto shifted_turns = [&](const SendTurns& turns) {
        SendTurns out; // keyed by the call's start_ns, as shifted above
        for (const auto& [start_ns, list] : turns)
        {
            out.emplace(start_ns - t0, list);
        }
        return out;
    };
    std::vector<TraceRow> rel = rows;
    for (TraceRow& r : rel)
    {
        r.rec.time_ns = static_cast<uint64_t>(static_cast<int64_t>(r.rec.time_ns) - t0);
    }
    // A reader's data, and the server's accept(), come with packets that arrived: on
    // ethernet the capture host's packets that the link dropped are not among them
    const std::vector<TraceRow> arrived = Arrived(rel, sc);
    const TraceRow* rel_synack = &rel[static_cast<size_t>(synack - rows.data())];
    const TraceRow* rel_ack = nullptr;
    for (const TraceRow& r : arrived)
    {
        if (r.stream == 0 && r.from_client && !(r.rec.flags & kSyn) && (r.rec.flags & kAck))
        {
            rel_ack = &r; // the handshake's last ACK (or what carried it), as it reached the server
            break;
        }
    }

    const Side client{rel, arrived, path, false, sc.profile.recvmsg_ns_per_kib, sc.profile.sendmsg_ns_per_kib};
    const Side server{rel, arrived, path, true, sc.server_profile.recvmsg_ns_per_kib,
                      sc.server_profile.sendmsg_ns_per_kib};
    in.http = sc.http_server.has_value();
    ClientTimes(client, shifted(run.client_calls), shifted_turns(run.client_turns), *rel_synack, in.http ? "read" : "recv", in);
    ServerTimes(server, shifted(run.server_calls), shifted_turns(run.server_turns), rel_ack,
                in.http ? 0 : sc.server.sleep_before_recv.GetNanoSeconds(), in.http, in);
    return in;
}

namespace
{

// ms to the whole ns, without trailing zeros
std::string
MsText(double ms)
{
    std::string t = fmt::format("{:.6f}", ms);
    while (t.back() == '0')
    {
        t.pop_back();
    }
    if (t.back() == '.')
    {
        t.push_back('0');
    }
    return t;
}

// A [role.kind] table of per-call lists, written by hand so that times read as ms
void
AppendTimes(std::ostringstream& os, const char* role, const char* kind, const StepTimes& times)
{
    os << "\n[" << role << "." << kind << "]\n";
    for (const auto& [step, v] : times)
    {
        os << step << " = [";
        for (size_t i = 0; i < v.size(); ++i)
        {
            os << (i ? ", " : "") << MsText(v[i]);
        }
        os << "]\n";
    }
}

// A [role.copy_rate] table (ns per KiB), with the steps that measured one
void
AppendRates(std::ostringstream& os, const char* role, const StepRates& rates)
{
    bool any = false;
    for (const auto& [step, v] : rates)
    {
        if (std::any_of(v.begin(), v.end(), [](int64_t r) { return r > 0; }))
        {
            os << (any ? "" : fmt::format("\n[{}.copy_rate]\n", role)) << step << " = [" << fmt::format("{}", fmt::join(v, ", "))
               << "]\n";
            any = true;
        }
    }
}

toml::table&
Sub(toml::table& doc, const char* key)
{
    toml::node* n = doc.get(key);
    if (!n || !n->is_table())
    {
        doc.insert_or_assign(key, toml::table{});
        n = doc.get(key);
    }
    return *n->as_table();
}

} // namespace

std::string
CallsCsv(const RecordedRun& run)
{
    std::string out = fmt::format("# CLOCK_REALTIME - CLOCK_MONOTONIC = {} ns\n", run.realtime_minus_monotonic_ns);
    if (run.last_tick_monotonic_ns >= 0)
    {
        out += fmt::format("# a timer tick at CLOCK_MONOTONIC = {} ns\n", run.last_tick_monotonic_ns);
    }
    // the kernel's columns only when it was traced: older readers take 6 columns
    bool traced = false;
    for (const auto* calls : {&run.client_calls, &run.server_calls})
    {
        for (const CallRecord& c : *calls)
        {
            traced = traced || c.copy_ns != 0 || c.kernel_return_ns != 0;
        }
    }
    // turns: a traced write's copy loop, or a traced read's copies, "ns since the
    // start:bytes copied before" per turn
    out += traced ? "program,call,index,start_ns,return_ns,result,copy_ns,kernel_return_ns,turns\n"
                  : "program,call,index,start_ns,return_ns,result\n";
    for (const auto& [program, calls, turns] :
         {std::tuple{"client", &run.client_calls, &run.client_turns}, std::tuple{"server", &run.server_calls, &run.server_turns}})
    {
        for (const CallRecord& c : *calls)
        {
            out += fmt::format("{},{},{},{},{},{}", program, CallKindName(c.kind), c.index, c.start_ns, c.return_ns,
                               c.result);
            if (!traced)
            {
                out += "\n";
                continue;
            }
            out += fmt::format(",{},{},", c.copy_ns, c.kernel_return_ns);
            if (auto it = turns->find(c.start_ns); it != turns->end())
            {
                for (size_t i = 0; i < it->second.size(); ++i)
                {
                    out += fmt::format("{}{}:{}", i ? ";" : "", it->second[i].first, it->second[i].second);
                }
            }
            out += "\n";
        }
    }
    return out;
}

bool
WriteTurnsSayNothing(const CallRecord& c, const std::vector<std::pair<int64_t, int64_t>>& turns)
{
    // calls.csv written before the recorder counted a write's bytes from its first
    // turn give a write cut short by a reset 0 bytes at every turn, though no turn
    // copies more than a page frag (32 KiB, SKB_FRAG_PAGE_ORDER)
    return c.kind == CallKind::Send && turns.size() > 1 && c.result > 32768 &&
           std::all_of(turns.begin(), turns.end(), [](const auto& t) { return t.second == 0; });
}

RecordedRun
ReadCallsCsv(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw InputError(fmt::format("{}: cannot read it", path));
    }
    RecordedRun run;
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n)
    {
        const std::string offset = "# CLOCK_REALTIME - CLOCK_MONOTONIC = ";
        const std::string tick = "# a timer tick at CLOCK_MONOTONIC = ";
        if (line.rfind(offset, 0) == 0 || line.rfind(tick, 0) == 0)
        {
            const bool is_offset = line.rfind(offset, 0) == 0;
            try
            {
                (is_offset ? run.realtime_minus_monotonic_ns : run.last_tick_monotonic_ns) =
                    std::stoll(line.substr((is_offset ? offset : tick).size()));
            }
            catch (const std::exception&)
            {
                throw InputError(fmt::format("{}:{}: the clock line's value is not an integer", path, n));
            }
            continue;
        }
        if (line.empty() || line[0] == '#' || line.rfind("program,", 0) == 0)
        {
            continue;
        }
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string x; std::getline(ss, x, ',');)
        {
            f.push_back(x);
        }
        CallRecord c;
        bool known = false;
        for (CallKind k : {CallKind::Connect, CallKind::Accept, CallKind::Send, CallKind::Recv, CallKind::Close})
        {
            if ((f.size() == 6 || f.size() == 8 || f.size() == 9) && f[1] == CallKindName(k))
            {
                c.kind = k;
                known = true;
            }
        }
        if (!known || (f[0] != "client" && f[0] != "server"))
        {
            throw InputError(fmt::format("{}:{}: not a call line (program,call,index,start_ns,return_ns,result)", path, n));
        }
        try
        {
            c.index = std::stoull(f[2]);
            c.start_ns = std::stoll(f[3]);
            c.return_ns = std::stoll(f[4]);
            c.result = std::stoll(f[5]);
            if (f.size() >= 8)
            {
                c.copy_ns = std::stoll(f[6]);
                c.kernel_return_ns = std::stoll(f[7]);
            }
            if (f.size() == 9 && (c.kind == CallKind::Send || c.kind == CallKind::Recv) && !f[8].empty())
            {
                auto& list = (f[0] == "client" ? run.client_turns : run.server_turns)[c.start_ns];
                std::stringstream turns(f[8]);
                for (std::string t; std::getline(turns, t, ';');)
                {
                    const size_t colon = t.find(':');
                    if (colon == std::string::npos)
                    {
                        throw std::invalid_argument("turn");
                    }
                    const int64_t dt = std::stoll(t.substr(0, colon));
                    const int64_t bytes = std::stoll(t.substr(colon + 1));
                    // a turn is the call's only inside it: files written before turns
                    // were keyed by start_ns give the HTTP server's header and body,
                    // both send i, the turns of both
                    if (dt >= 0 && dt <= c.return_ns - c.start_ns && bytes <= c.result)
                    {
                        list.emplace_back(dt, bytes);
                    }
                }
            }
        }
        catch (const std::exception&)
        {
            throw InputError(
                fmt::format("{}:{}: index, start_ns, return_ns, result (and copy_ns, kernel_return_ns) must be integers",
                            path, n));
        }
        (f[0] == "client" ? run.client_calls : run.server_calls).push_back(c);
    }
    return run;
}

std::string
RecordedScenarioToml(const std::string& scenario_path, const RecordedInputs& in)
{
    toml::table doc;
    try
    {
        doc = toml::parse_file(scenario_path);
    }
    catch (const toml::parse_error& e)
    {
        throw InputError(fmt::format("{}: {}", scenario_path, e.description()));
    }
    // [clock] is written by hand below (its phase in whole ns); its ts_base gives way
    // to each side's own
    doc.erase("clock");

    toml::table& server = Sub(doc, "server");
    server.insert_or_assign("port", int64_t{in.server_port});
    server.insert_or_assign("isn", int64_t{in.server_isn});
    toml::table& client = Sub(doc, "client");
    client.insert_or_assign("server_port", int64_t{in.server_port});
    toml::array* connections = client.get_as<toml::array>("connections");
    if (in.http && connections && connections->size() == 1 && connections->get(0)->is_table())
    {
        // the browser's one connection
        toml::table& conn = *connections->get(0)->as_table();
        conn.insert_or_assign("port", int64_t{in.client_port});
        conn.insert_or_assign("isn", int64_t{in.client_isn});
    }
    else if (in.http)
    {
        throw InputError(fmt::format("{}: a recorded browser has exactly one entry in `connections`", scenario_path));
    }
    else
    {
        client.insert_or_assign("port", int64_t{in.client_port});
        client.insert_or_assign("isn", int64_t{in.client_isn});
    }
    if (in.timestamps)
    {
        server.insert_or_assign("ts_base", int64_t{in.server_ts_base});
        client.insert_or_assign("ts_base", int64_t{in.client_ts_base});
    }
    for (toml::table* role : {&server, &client})
    {
        for (const char* kind : {"think", "wake", "hold", "at", "returned", "copy", "released", "copy_rate", "turns"})
        {
            role->erase(kind);
        }
    }

    std::ostringstream os;
    os << "# A run of " << scenario_path << " recorded by `sim record` on this host: the\n"
       << "# ISNs, ports and TS clocks the kernel drew, and when the programs made their calls\n"
       << "# (ms; time 0 is the SYN). The model makes each call at its `at` and returns a\n"
       << "# blocking one at its `returned` (or when the model's data comes, if later); think\n"
       << "# (previous return -> call) and wake (packet at the socket -> return) say the same\n"
       << "# relatively, and are used where `at` and `returned` are taken out. hold: a send's\n"
       << "# start -> its first segment. copy: when a read that found its data copied it (its\n"
       << "# last byte had come), the socket held from then to its return; with `released`,\n"
       << "# both were traced in the kernel (its first copy, the end of its kernel part),\n"
       << "# the socket held from copy to released. turns: a traced send's copy loop, each\n"
       << "# turn's time (ms) and the bytes copied before it, or a traced read's copies\n"
       << "# (its loop ran until its last). copy_rate: a\n"
       << "# large send's copy time on this host, ns per KiB (0: the profile's). tick_phase_us:\n"
       << "# where time 0 falls on the host's jiffies grid. Every packet field is left to\n"
       << "# the model.\n"
       << toml::toml_formatter(doc) << "\n";
    os << "\n[clock]\nts_phase_us = " << fmt::format("{:.3f}", in.ts_phase_us) << "\n";
    if (in.tick_phase_us)
    {
        os << "tick_phase_us = " << fmt::format("{:.3f}", *in.tick_phase_us) << "\n";
    }
    AppendTimes(os, "server", "think", in.server_think);
    AppendTimes(os, "server", "wake", in.server_wake);
    AppendTimes(os, "client", "think", in.client_think);
    AppendTimes(os, "client", "wake", in.client_wake);
    AppendTimes(os, "server", "hold", in.server_hold);
    AppendTimes(os, "client", "hold", in.client_hold);
    AppendTimes(os, "server", "at", in.server_at);
    AppendTimes(os, "server", "returned", in.server_returned);
    AppendTimes(os, "client", "at", in.client_at);
    AppendTimes(os, "client", "returned", in.client_returned);
    AppendTimes(os, "server", "copy", in.server_copy);
    AppendTimes(os, "client", "copy", in.client_copy);
    for (const auto& [role, times] : {std::pair{"server", &in.server_released}, std::pair{"client", &in.client_released}})
    {
        if (!times->empty())
        {
            AppendTimes(os, role, "released", *times);
        }
    }
    AppendRates(os, "server", in.server_copy_rate);
    AppendRates(os, "client", in.client_copy_rate);
    for (const auto& [role, turns] : {std::pair{"server", &in.server_turns}, std::pair{"client", &in.client_turns}})
    {
        if (turns->empty())
        {
            continue;
        }
        os << "\n[" << role << ".turns]\n";
        for (const auto& [step, v] : *turns)
        {
            os << step << " = [";
            for (size_t i = 0; i < v.size(); ++i)
            {
                os << (i ? ", " : "") << "'" << v[i] << "'";
            }
            os << "]\n";
        }
    }
    return os.str();
}

int64_t
LongestShortSendNs(const RecordedRun& run, int64_t max_bytes)
{
    int64_t longest = 0;
    for (const auto* calls : {&run.client_calls, &run.server_calls})
    {
        for (const CallRecord& c : *calls)
        {
            if (c.kind == CallKind::Send && c.result >= 0 && c.result < max_bytes && c.copy_ns && c.kernel_return_ns)
            {
                longest = std::max(longest, c.kernel_return_ns - c.copy_ns);
            }
        }
    }
    return longest;
}

} // namespace sim
