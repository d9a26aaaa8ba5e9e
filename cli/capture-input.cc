// SPDX-License-Identifier: GPL-2.0-only
#include "cli/capture-input.h"

#include <fmt/format.h>

#include <iostream>

namespace sim
{

Capture
ReadUserCapture(const std::string& path)
{
    Capture cap = ReadCapture(path, OnCutShort::KeepCompletePackets);
    if (!cap.cut_short.empty())
    {
        std::cerr << fmt::format("sim: warning: {}: {}; using the packets before the cut\n", path,
                                 cap.cut_short);
    }
    return cap;
}

} // namespace sim
