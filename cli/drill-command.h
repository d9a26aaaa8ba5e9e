// SPDX-License-Identifier: GPL-2.0-only
// `sim drill SCRIPT.pkt` and `sim drill DIR`: packetdrill scripts against the model
// (models/drill/).
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

void AddDrillCommand(CLI::App& app, int& exit_code);

} // namespace sim
