// SPDX-License-Identifier: GPL-2.0-only
// `sim bench`'s side-by-side: the same ns-3 program (BulkSendApplication to a
// PacketSink) over ns-3's TCP and over ours, each in processes of its own, in segments
// per wall second.
#pragma once

#include "cli/bench-ns3tcp.h"

#include <filesystem>
#include <ostream>

namespace sim
{

// Runs each side `runs` times (temporary files under `tmp`) and prints a line for each
// and the ratio of their segments per wall second
void CompareWithNs3Tcp(const BulkLink& link, int runs, const std::filesystem::path& tmp, std::ostream& out);

} // namespace sim
