// SPDX-License-Identifier: GPL-2.0-only
// A recorded run as scenario inputs. `sim record` knows when each real program made
// each call (call-timeline.h) and what the kernel sent (the capture); from the two it
// takes what a scenario may say — when the processes ran, the ISNs, the ports and the
// TS clocks — and nothing the kernel computed. Simulating the result replays that very
// run, so a comparison with its capture measures the kernel model alone.
//
// How the simulation counts process time (echo-programs.cc), and so how it is taken:
//  - think: from the program's previous call's return to this call's start (the
//    server's nominal sleep_before_recv taken out: that is an input of its own); after
//    a send, from the send's start: the program goes on at the later of the send's
//    return and that start + think, so a send the host preempted keeps its length;
//  - wake: for a call that had to wait, from the moment the packet that made it ready
//    reached the socket (its capture time + its way on from the capture to the
//    receiver's tcp_v4_rcv(), capture-path.h: on loopback the rest of the profile's
//    latency, on ethernet the link when the capture is the sender's) to the call's
//    return, less the model's copy time of what it read; 0 for a read that found its
//    data already there. A packet the link dropped never made anything ready: on
//    ethernet the capture host's packets in its [link] drop list are passed over (its
//    capture saw them leave). accept() and connect() always wait in the model (from
//    time 0), so theirs is taken from the ready packet whenever the real call began;
//  - hold (sends): from the send's start to the capture of its first segment, less
//    the model's copy of it and the segment's way to the capture (on ethernet the
//    link, for a segment captured at its receiver): the host keeping the process from
//    its work (preempted in the call), as the model's own send leaves at once.
// Both are relative, so a small error of the model's (a segment a few microseconds
// early) moves every later call; the run is replayed by its absolute times instead:
//  - at: when each call began; returned: when each blocking call returned (a read:
//    less the model's copy time of what it read, so that its copy, with the socket
//    held, ends when the real one returned)
//    (process-timing.h: a call is made at its `at`, and returns at its `returned` or
//    when the model's data comes, whichever is later).
#pragma once

#include "models/capture/packet-record.h"
#include "models/programs/call-timeline.h"
#include "models/scenario/scenario.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct RecordedRun
{
    std::vector<CallRecord> client_calls;
    std::vector<CallRecord> server_calls;
    std::vector<PacketRecord> packets; // the capture, realtime stamps
    int64_t realtime_minus_monotonic_ns = 0;
    int64_t last_tick_monotonic_ns = -1; // a jiffies tick (-1: not measured)
    SendTurns client_turns, server_turns; // traced writes' copy loops
};

// Per step, one value per call, in ms
using StepTimes = std::map<std::string, std::vector<double>>;
using StepRates = std::map<std::string, std::vector<int64_t>>; // ns per KiB, per call
using StepTurns = std::map<std::string, std::vector<std::string>>; // "ms:bytes ..." per call

struct RecordedInputs
{
    uint16_t server_port = 0;
    uint16_t client_port = 0;
    uint32_t client_isn = 0;
    uint32_t server_isn = 0;
    uint32_t client_ts_base = 0; // TSval of each side's clock at time 0 (the SYN)
    uint32_t server_ts_base = 0;
    bool timestamps = false;
    bool http = false; // the HTTP server and a browser (one connection), not the echo programs
    double ts_phase_us = 0; // how far into a tick of tcp_clock_ms() the SYN falls
    std::optional<double> tick_phase_us; // and into a jiffy, when the run measured the grid
    StepTimes client_think, client_wake, server_think, server_wake;
    StepTimes client_hold, server_hold; // sends: from the call to its work (see SendHold)
    StepTimes client_at, server_at;     // when each call began, since the SYN
    StepTimes client_returned, server_returned; // when each blocking call returned
    StepTimes client_copy, server_copy;         // when a read copied (found its data, or traced)
    StepTimes client_released, server_released; // a traced read: when its kernel part ended
    StepRates client_copy_rate, server_copy_rate; // a send's copy time per KiB (see SendCopyRate)
    StepTurns client_turns, server_turns; // a traced send's copy loop
};

// Throws InputError when the capture has no handshake of the echo connection
RecordedInputs DeriveRecordedInputs(const Scenario& sc, const RecordedRun& run);

// The raw call times, one line a call (program,call,index,start_ns,return_ns,result;
// realtime ns), for a user who wants to look at them
std::string CallsCsv(const RecordedRun& run);

// Whether a traced write's turns say nothing of where its copies were (files written
// before the recorder counted from the first turn gave a write cut short by a reset 0
// bytes at every turn): the derivation leaves them out
bool WriteTurnsSayNothing(const CallRecord& c, const std::vector<std::pair<int64_t, int64_t>>& turns);

// CallsCsv() read back (its packets are not in it); throws InputError naming the line
RecordedRun ReadCallsCsv(const std::string& path);

// The longest time a traced send() of fewer than `max_bytes` spent in the kernel, from
// the first turn of its copy loop (tcp_sendmsg_locked()) to the end of its kernel part
// (sock_send_length, after release_sock()); 0 when none was traced. Such a send's own
// work, with the loopback softirq it runs, takes microseconds; hundreds mean its task
// lost the CPU inside the call (a vCPU the host stopped, say), or waited for send-buffer
// space (sk_stream_wait_memory()). Either is host or peer timing that the recording
// does not place within the call.
int64_t LongestShortSendNs(const RecordedRun& run, int64_t max_bytes = 64 * 1024);

// Longer than this, a short send marks a run the host disturbed inside a call: in seed
// 30's recordings the "flags of data" runs (a quick ACK stuck behind a stopped vCPU, or
// behind ksoftirqd on a busy host) had one in 23-26 of 26-30
constexpr int64_t kShortSendStallNs = 200 * 1000;

// The scenario file at `scenario_path` with those inputs in place of its own (as TOML
// text, with a header naming where it came from)
std::string RecordedScenarioToml(const std::string& scenario_path, const RecordedInputs& in);

} // namespace sim
