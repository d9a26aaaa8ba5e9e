// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

// `sim record SCENARIO`: the scenario's programs on this host's kernel, captured
void AddRecordCommand(CLI::App& app, int& exit_code);

} // namespace sim
