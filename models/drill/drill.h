// SPDX-License-Identifier: GPL-2.0-only
// One packetdrill script against the model: parse it, apply its options (packetdrill's
// --tolerance_usecs, --tcp_ts_tick_usecs, --strict_segments, --mtu, --local_ip, ...)
// and init command to the kernel profile, run it (executor.h), write the trace.
#pragma once

#include "models/drill/executor.h"
#include "models/tcp/kernel-profile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim::drill
{

struct DrillOptions
{
    KernelProfile profile;
    // the command line's --tolerance-usecs: over the script's own (packetdrill:
    // command-line options overwrite those in the script)
    std::optional<int64_t> tolerance_usecs;
    std::optional<int64_t> tick_phase_usecs; // --tick-phase-usecs (ExecConfig::tick_phase_ns)
    std::string out_dir; // DIR/trace.pcap and DIR/trace.txt; empty: no trace
    bool why = false;    // also DIR/trace.pcapng with each packet's reason (sim run --why)
};

struct DrillOutcome
{
    DrillStatus status = DrillStatus::Pass;
    // "SCRIPT:LINE: error: ..." (bad script), "SCRIPT:LINE: unsupported: ..." or
    // packetdrill's error (its first line; packet errors add the two packets)
    std::string message;
    std::vector<std::string> notes; // sysctls accepted as no-ops, options ignored
    std::string printed;            // print() output of the code snippets
    uint64_t packets = 0;           // in the trace
};

DrillOutcome RunDrillScript(const std::string& path, const DrillOptions& opt);

} // namespace sim::drill
