// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/kernel-state.h"

#include <fmt/format.h>

#include <cstdio>
#include <iterator>
#include <sstream>
#include <vector>

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

namespace
{

using Row = std::vector<std::string>; // time_ns, event, then kColumns

std::vector<Row>
ParseRows(const std::string& csv)
{
    std::vector<Row> rows;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line); // the header
    while (std::getline(in, line))
    {
        Row r;
        std::istringstream cells(line);
        std::string cell;
        while (std::getline(cells, cell, ','))
        {
            r.push_back(cell);
        }
        r.resize(2 + std::size(kColumns));
        rows.push_back(std::move(r));
    }
    return rows;
}

size_t
Column(const char* name)
{
    for (size_t i = 0; i < std::size(kColumns); ++i)
    {
        if (std::string(kColumns[i]) == name)
        {
            return 2 + i;
        }
    }
    return 0;
}

} // namespace

std::string
FirstKernelStateDifference(const std::string& real_csv, const std::string& sim_csv)
{
    static const char* const kProbe[] = {"data_len", "snd_una", "snd_nxt", "snd_cwnd", "ssthresh", "snd_wnd", "rcv_wnd"};
    static const char* const kGrow[] = {"copied", "inq", "space", "rcvbuf", "rcv_ssthresh", "window_clamp", "rcv_wnd"};
    // by event and port, the model's rows in order
    std::map<std::pair<std::string, std::string>, std::vector<Row>> sim;
    for (Row& r : ParseRows(sim_csv))
    {
        sim[{r[1], r[2]}].push_back(std::move(r));
    }
    std::map<std::pair<std::string, std::string>, size_t> seen;
    for (const Row& r : ParseRows(real_csv))
    {
        const std::pair<std::string, std::string> key{r[1], r[2]};
        const size_t n = seen[key]++;
        const std::string where = fmt::format("{} {} of port {}", r[1], n + 1, r[2]);
        const auto it = sim.find(key);
        if (it == sim.end() || n >= it->second.size())
        {
            return where + ": none in SIM";
        }
        const Row& m = it->second[n];
        const bool probe = r[1] == "tcp_probe";
        const char* const* from = probe ? std::begin(kProbe) : std::begin(kGrow);
        const char* const* to = probe ? std::end(kProbe) : std::end(kGrow);
        for (const char* const* f = from; f != to; ++f)
        {
            const size_t c = Column(*f);
            if (r[c] != m[c])
            {
                return fmt::format("{}: {} REAL {} SIM {}", where, *f, r[c], m[c]);
            }
        }
    }
    for (const auto& [key, rows] : sim)
    {
        if (rows.size() > seen[key])
        {
            return fmt::format("{} {} of port {}: none in REAL", key.first, seen[key] + 1, key.second);
        }
    }
    return {};
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
