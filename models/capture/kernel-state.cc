// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/kernel-state.h"

#include <fmt/format.h>

#include <cstdio>

namespace sim
{

namespace
{

constexpr const char* kColumns[] = {"port",         "data_len",     "snd_una", "snd_nxt", "snd_cwnd", "ssthresh",
                                    "snd_wnd",      "srtt",         "rcv_wnd", "rcvbuf",  "rcv_ssthresh",
                                    "window_clamp", "space",        "copied",  "inq",     "rtt_us",
                                    "scaling_ratio", "time"};

} // namespace

std::string
KernelStateHeader()
{
    std::string out = "time_ns,event";
    for (const char* c : kColumns)
    {
        out += fmt::format(",{}", c);
    }
    return out + '\n';
}

std::string
KernelStateRow(uint64_t time_ns, const std::string& event, const std::map<std::string, std::string>& f)
{
    std::string out = fmt::format("{},{}", time_ns, event);
    for (const char* c : kColumns)
    {
        const auto it = f.find(c);
        out += fmt::format(",{}", it == f.end() ? "" : it->second);
    }
    return out + '\n';
}

std::ofstream&
KernelStateLog::Out()
{
    static std::ofstream out;
    return out;
}

std::string&
KernelStateLog::Path()
{
    static std::string path;
    return path;
}

void
KernelStateLog::Start(const std::string& path)
{
    Path() = path;
    Out().open(path + ".tmp", std::ios::trunc);
    Out() << KernelStateHeader();
}

bool
KernelStateLog::Finish()
{
    if (!On())
    {
        return true;
    }
    Out().close();
    const bool ok = !Out().fail() && std::rename((Path() + ".tmp").c_str(), Path().c_str()) == 0;
    if (!ok)
    {
        std::remove((Path() + ".tmp").c_str());
    }
    Out().clear();
    return ok;
}

} // namespace sim
