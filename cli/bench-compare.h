// SPDX-License-Identifier: GPL-2.0-only
// `sim bench`'s side-by-side: the same bulk transfer through ns-3's TCP and through
// ours, each in processes of its own, in segments per wall second.
#pragma once

#include "cli/bench-ns3tcp.h"

#include <filesystem>
#include <ostream>
#include <string>

namespace sim
{

// The scenario our side runs: an HTTP server sending `link.bytes` in one response to a
// browser reading as fast as it can, on an ethernet link like the ns-3 side's
std::string BulkScenarioToml(const BulkLink& link);

// Runs each side `runs` times (temporary files under `tmp`) and prints a line for each
// and the ratio of their segments per wall second
void CompareWithNs3Tcp(const BulkLink& link, int runs, const std::filesystem::path& tmp, std::ostream& out);

} // namespace sim
