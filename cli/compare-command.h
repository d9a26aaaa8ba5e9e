// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

// `sim compare SIM REAL`: exit 0 when every packet matches, 1 when not, 2 bad input;
// `sim show PCAP`: any capture as a table
void AddCompareCommand(CLI::App& app, int& exit_code);

} // namespace sim
