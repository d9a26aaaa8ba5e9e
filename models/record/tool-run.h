// SPDX-License-Identifier: GPL-2.0-only
// The system tools a recording drives (ip from iproute2, nft from nftables), found and
// run with their output kept out of the user's way: a failure is one line naming the
// command and the tool's own first line of complaint.
#pragma once

#include <string>
#include <vector>

namespace sim
{

// The tool's path on PATH, or in /usr/sbin and /sbin (root's tools when PATH lacks
// them); "" when there is none
std::string FindTool(const std::string& name);

// Runs argv (argv[0] a path from FindTool) inside network namespace `netns` ("" for
// the recorder's own), with `input` on its standard input. Throws InputError, one
// line, unless it exits 0.
void RunTool(const std::vector<std::string>& argv, const std::string& netns = "", const std::string& input = "");

} // namespace sim
