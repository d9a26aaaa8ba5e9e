// SPDX-License-Identifier: GPL-2.0-only
// Builds the ns-3 world of a scenario (a host with our Linux TCP, its loopback device
// and the capture tap, the programs), runs it, and returns the capture.
#pragma once

#include "models/capture/capture-tap.h"
#include "models/capture/pcap-file.h"
#include "models/scenario/scenario.h"

namespace sim
{

struct RunResult
{
    Capture capture;        // RunScenario(sc) only: every frame, kept
    uint64_t frames = 0;    // frames captured
    uint64_t first_ns = 0;  // time of the first
    double simulated_s = 0; // first to last packet
    uint64_t events = 0;    // ns-3 events executed (Simulator::GetEventCount()), for `sim bench`
    // programs still inside a blocking call when no event was left: the real
    // experiment would hang there
    std::vector<BlockedCall> blocked;
};

// Runs the scenario; each captured frame goes to `sink` as it passes the capture point
// `explain`: each frame carries why it was sent (Frame::comment)
RunResult RunScenario(const Scenario& scenario, const FrameSink& sink, bool explain = false);
// The same, keeping every frame in RunResult::capture (small traces, tests)
RunResult RunScenario(const Scenario& scenario);

} // namespace sim
