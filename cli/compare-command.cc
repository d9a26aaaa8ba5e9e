// SPDX-License-Identifier: GPL-2.0-only
#include "cli/compare-command.h"

#include "cli/capture-input.h"
#include "cli/compare-plot.h"

#include "models/capture/compare.h"
#include "models/capture/pcap-file.h"
#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"

#include <fmt/format.h>

#include <iostream>
#include <sstream>

namespace sim
{

namespace
{

struct CompareArgs
{
    std::string sim;
    std::string real;
    bool absolute = false;
    double time_tolerance = -1;
    std::string fields;
    std::string plot;
};

std::vector<PacketRecord>
Load(const std::string& path, const char* role)
{
    size_t skipped = 0;
    Capture cap = ReadUserCapture(path);
    // a simulated trace written with --why says why each packet was sent: keep it for
    // the blocks (a pcapng from elsewhere may not be readable this way: then without)
    if (std::string(role) == "SIM" && path.size() > 7 && path.compare(path.size() - 7, 7, ".pcapng") == 0)
    {
        try
        {
            const std::vector<std::string> comments = ReadPcapngComments(path);
            for (size_t i = 0; i < cap.frames.size() && i < comments.size(); ++i)
            {
                cap.frames[i].comment = comments[i];
            }
        }
        catch (const CaptureError&)
        {
        }
    }
    std::vector<PacketRecord> packets = DecodeCapture(cap, &skipped);
    if (skipped)
    {
        std::cerr << fmt::format("{} ({}): skipped {} packet{} that are not TCP over IPv4\n",
                                 path, role, skipped, skipped == 1 ? "" : "s");
    }
    return packets;
}

void
Compare(const CompareArgs& a, int& exit_code)
{
    CompareOptions o;
    o.absolute = a.absolute;
    if (a.time_tolerance >= 0)
    {
        o.time_tolerance = a.time_tolerance;
    }
    std::stringstream ss(a.fields);
    std::string f;
    while (std::getline(ss, f, ','))
    {
        const auto& names = CompareFieldNames();
        if (std::find(names.begin(), names.end(), f) == names.end())
        {
            throw InputError(fmt::format("--fields: unknown field '{}' (fields: {})", f,
                                         fmt::join(names, ",")));
        }
        if (f == "time" && !o.time_tolerance)
        {
            o.time_tolerance = 0;
        }
        o.fields.insert(f);
    }
    const auto sim = Load(a.sim, "SIM");
    const auto real = Load(a.real, "REAL");
    const CompareResult r = CompareTraces(sim, real, o);
    std::cout << FormatComparison(r);
    if (!a.plot.empty())
    {
        DrawComparison(a.sim, a.real, r, a.plot);
    }
    exit_code = r.matched == r.slots ? 0 : 1;
}

} // namespace

void
AddCompareCommand(CLI::App& app, int& exit_code)
{
    auto show_path = std::make_shared<std::string>();
    auto show_absolute = std::make_shared<bool>(false);
    CLI::App* show = app.add_subcommand(
        "show", "Print any capture (pcap or pcapng) as a table like trace.txt");
    show->add_option("pcap", *show_path, "capture file")->required();
    show->add_flag("--absolute", *show_absolute, "raw sequence numbers");
    show->callback([show_path, show_absolute, &exit_code]() {
        std::cout << FormatTrace(AnalyzeTrace(Load(*show_path, "capture")), *show_absolute);
        exit_code = 0;
    });

    auto a = std::make_shared<CompareArgs>();
    CLI::App* cmd = app.add_subcommand(
        "compare",
        "Compare a simulated trace with a real capture, packet by packet (pcap or pcapng)");
    cmd->add_option("sim", a->sim, "the simulated trace (e.g. out/v3/trace.pcap)")->required();
    cmd->add_option("real", a->real, "the real capture")->required();
    cmd->add_flag("--absolute", a->absolute, "also compare raw seq/ack and TSval/TSecr");
    cmd->add_option("--time-tolerance", a->time_tolerance,
                    "also compare the time since the first packet, within S seconds")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--fields", a->fields,
                    "compare only these, comma-separated: dir,flags,seq,ack,len,win,mss,sack_perm,"
                    "ws,ts,sack,frame_len,raw_seq,raw_ack,tsval,tsecr,time");
    cmd->add_option("--plot", a->plot,
                    "also draw SIM over REAL, the first difference circled and named: FILE.png or .svg");
    cmd->footer("Exit status: 0 all packets match, 1 a difference, 2 bad input.");
    cmd->callback([a, &exit_code]() { Compare(*a, exit_code); });
}

} // namespace sim
