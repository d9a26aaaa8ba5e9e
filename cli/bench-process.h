// SPDX-License-Identifier: GPL-2.0-only
// One measured run of this binary as a child process, for `sim bench`: its wall time
// from fork to exit, its peak resident set (the kernel's own figure, from wait4()), and
// the key=value lines it wrote to the file SIM_STATS_FILE names.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sim
{

struct ChildRun
{
    double wall_s = 0;
    double peak_rss_mb = 0; // ru_maxrss of the child alone
    std::map<std::string, std::string> stats;

    // stats[key] as a number; throws naming the key when the child did not write it
    double Number(const std::string& key) const;
};

// Runs `self ARGS`, stdout to /dev/null (stderr passes through, so a failing child
// says why), with SIM_STATS_FILE set to `stats_file`; throws if it does not exit 0
ChildRun RunChild(const std::string& self, const std::vector<std::string>& args, const std::string& stats_file);

// The path of the running binary, to run it again as a child
std::string SelfPath();

double Median(std::vector<double> v);

} // namespace sim
