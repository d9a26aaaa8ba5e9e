// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "models/capture/pcap-file.h"
#include "models/scenario/recorded-scenario.h"
#include "models/scenario/scenario.h"

#include <CLI/CLI.hpp>

namespace sim
{

// `sim record SCENARIO`: the scenario's programs on this host's kernel, captured
void AddRecordCommand(CLI::App& app, int& exit_code);

// Throws InputError (one line) unless `sc` can be recorded here: echo programs, root;
// loopback without faults, or ethernet between two Linux hosts on one /24 with drop
// lists only (no random loss), with the ip command (and nft for drops)
void CheckRecordable(const Scenario& sc, const std::string& name);

struct RealRecording
{
    uint16_t port = 0; // the server's
    bool timed_out = false; // the programs were stopped (they had not finished)
    uint64_t dropped = 0;   // packets the capture's ring had no room for (LiveCapture::Dropped())
    Capture capture;
    RecordedRun run;
    std::string kernel_state; // kstate.csv (KernelStateCsv()), when asked for
};

// One run of the scenario's programs on this host's kernel, captured, with each
// program's call times; stops them after `timeout_s`. An ethernet scenario runs in
// network namespaces made for the run and deleted after it, whatever happens.
// `kernel_state`: also the kernel's TCP state (KernelTrace's tcp_probe and tcp_rcvbuf_grow)
RealRecording RecordRun(Scenario sc, double timeout_s, bool kernel_state = false);

} // namespace sim
