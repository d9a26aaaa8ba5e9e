// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

// `sim bench`: simulated time against wall time, per scenario
void AddBenchCommand(CLI::App& app, int& exit_code);

} // namespace sim
