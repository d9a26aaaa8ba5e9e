// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "models/capture/trace-table.h"

#include <CLI/CLI.hpp>

#include <string>

namespace sim
{

// `sim plot PCAP... [-o FILE]`: sequence/time graphs with gnuplot
void AddPlotCommand(CLI::App& app, int& exit_code);

// The default picture of a run: DIR/seq.png, tcptrace kind, stream 0
void PlotRun(const std::string& label, const std::vector<TraceRow>& rows, const std::string& png);

} // namespace sim
