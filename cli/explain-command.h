// SPDX-License-Identifier: GPL-2.0-only
// `sim explain TRACE.pcapng N`: packet N of a trace written with --why, the reason it
// was sent and the state of the socket that sent it.
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

void AddExplainCommand(CLI::App& app, int& exit_code);

} // namespace sim
