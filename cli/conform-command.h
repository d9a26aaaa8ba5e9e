// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <CLI/CLI.hpp>

namespace sim
{

// `sim conform --seed S -n N [--runs R]`: random experiments recorded on this host and
// replayed from their own timelines; writes conformance.md and results.csv
void AddConformCommand(CLI::App& app, int& exit_code);

} // namespace sim
