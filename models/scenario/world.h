// SPDX-License-Identifier: GPL-2.0-only
// Builds the ns-3 world of a scenario (a host with our Linux TCP, its loopback device
// and the capture tap, the programs), runs it, and returns the capture.
#pragma once

#include "models/capture/pcap-file.h"
#include "models/scenario/scenario.h"

namespace sim
{

struct RunResult
{
    Capture capture;
    double simulated_s = 0; // time of the last event that mattered (the last packet)
    // programs still inside a blocking call when no event was left: the real
    // experiment would hang there
    std::vector<BlockedCall> blocked;
};

RunResult RunScenario(const Scenario& scenario);

} // namespace sim
