// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

// `sim sweep SCENARIO --set KEY=V1,V2,... [-j N]`: every combination of values as its
// own `sim run` process, and a summary.csv; or, with --jobs-file, the command lines for
// GNU parallel or a Slurm array
void AddSweepCommand(CLI::App& app, int& exit_code);

} // namespace sim
