// SPDX-License-Identifier: GPL-2.0-only
// A simulation and a real capture on one tcptrace chart, the first packet that differs
// circled and named: `sim compare SIM REAL --plot FILE` and `sim plot SIM REAL --diff`.
#pragma once

#include "models/capture/compare.h"

#include <string>

namespace sim
{

// Draws `output` (.png or .svg; NAME.dat and NAME.gp beside it): both directions of the
// connection of the first difference in `result` (stream 0 when there is none), SIM in
// blue, REAL in red. Throws as DrawSeqGraph() does.
void DrawComparison(const std::string& sim_path, const std::string& real_path, const CompareResult& result,
                    const std::string& output);

} // namespace sim
