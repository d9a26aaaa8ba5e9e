// SPDX-License-Identifier: GPL-2.0-only
// kstate.csv: a TCP stack's state at the points the kernel's tracepoints report it
// (include/trace/events/tcp.h): tcp_probe, at each segment a socket receives in
// tcp_rcv_established() (before it is processed), and tcp_rcvbuf_grow, in
// tcp_rcv_space_adjust() before the receive buffer grows (the old space and rcvbuf).
// `sim record --kernel-state` writes the kernel's (models/record/kernel-trace.h), `sim
// run --kernel-state` the model's (KernelStateLog), in the same columns, so that the
// two can be set side by side.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>

namespace sim
{

// time_ns, event, then the tracepoints' own field names; `port` is the local one
std::string KernelStateHeader();

// One row: `f` by column name, a missing one empty
std::string KernelStateRow(uint64_t time_ns, const std::string& event, const std::map<std::string, std::string>& f);

// The first difference between a recording's kstate.csv and the model's of the same
// run, "tcp_probe 3 of port 41143: snd_cwnd REAL 17 SIM 10" (empty: none). Each
// socket's rows of each event are matched in order, the kernel's in time order; the
// fields compared are those the model computes exactly (not srtt or the receiver's RTT
// estimate, measured on clocks the model places differently).
std::string FirstKernelStateDifference(const std::string& real_csv, const std::string& sim_csv);

// The model's rows of one run, streamed to a file (written to a temporary, renamed by
// Finish()); off unless Start() was called
class KernelStateLog
{
  public:
    static void Start(const std::string& path);
    static bool On() { return Out().is_open(); }
    static void Write(const std::string& row) { Out() << row; }
    // Closes and renames the file into place; false when writing failed
    static bool Finish();

  private:
    static std::ofstream& Out();
    static std::string& Path();
};

} // namespace sim
