// SPDX-License-Identifier: GPL-2.0-only
// When a process runs. A real program spends time between its system calls (the
// interpreter's own work, prints: "think") and, once the kernel wakes it from a
// blocking call, waits for the scheduler to give it the CPU ("wake"). Both are
// scenario inputs, per named step; a list gives one value per call of that step and its
// last value repeats. "hold" is the time a process keeps the socket locked inside a
// call before it looks for data (preempted in the kernel with lock_sock() held).
#pragma once

#include <ns3/nstime.h>

#include <map>
#include <string>
#include <vector>

namespace sim
{

struct ProcessTiming
{
    std::map<std::string, std::vector<ns3::Time>> think;
    std::map<std::string, std::vector<ns3::Time>> wake;
    std::map<std::string, std::vector<ns3::Time>> hold;
    ns3::Time default_wake; // the profile's scheduler latency

    ns3::Time Think(const std::string& step, size_t call) const
    {
        return Pick(think, step, call, ns3::Time(0));
    }

    ns3::Time Wake(const std::string& step, size_t call) const
    {
        return Pick(wake, step, call, default_wake);
    }

    ns3::Time Hold(const std::string& step, size_t call) const
    {
        return Pick(hold, step, call, ns3::Time(0));
    }

  private:
    static ns3::Time Pick(const std::map<std::string, std::vector<ns3::Time>>& m,
                          const std::string& step,
                          size_t call,
                          ns3::Time fallback)
    {
        auto it = m.find(step);
        if (it == m.end() || it->second.empty())
        {
            return fallback;
        }
        return it->second[std::min(call, it->second.size() - 1)];
    }
};

} // namespace sim
