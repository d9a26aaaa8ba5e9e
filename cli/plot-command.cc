// SPDX-License-Identifier: GPL-2.0-only
#include "cli/plot-command.h"

#include "cli/app-paths.h"
#include "cli/capture-input.h"
#include "cli/compare-plot.h"
#include "models/capture/compare.h"
#include "models/capture/pcap-file.h"
#include "models/config/toml-input.h"
#include "models/plot/gnuplot-plot.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <optional>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct PlotArgs
{
    std::vector<std::string> pcaps;
    std::string output;
    int stream = 0;
    std::string kind = "tcptrace";
    std::string direction;
    std::string size = "1200x700";
    std::optional<double> from_s;
    std::optional<double> to_s;
    bool diff = false;
};

void
Plot(const PlotArgs& a)
{
    if (a.diff)
    {
        if (a.pcaps.size() != 2)
        {
            throw InputError("plot --diff: two captures, SIM and REAL");
        }
        const fs::path out = a.output.empty() ? fs::path(a.pcaps.front()).parent_path() / "compare.png" : fs::path(a.output);
        const CompareResult result = CompareTraces(DecodeCapture(ReadUserCapture(a.pcaps[0])),
                                                   DecodeCapture(ReadUserCapture(a.pcaps[1])), CompareOptions{});
        DrawComparison(a.pcaps[0], a.pcaps[1], result, out.string());
        std::cout << fmt::format("wrote {} ({})\n", out.string(),
                                 result.diffs.empty() ? "no difference"
                                                      : fmt::format("first difference: no.{}", result.diffs[0].number));
        return;
    }
    PlotRequest r;
    r.kind = a.kind;
    r.stream = a.stream;
    r.templates_dir = (fs::path(RootDir()) / "plots").string();
    r.from_s = a.from_s;
    r.to_s = a.to_s;
    if (a.direction == "both")
    {
        r.both_directions = true;
    }
    else if (!a.direction.empty())
    {
        r.from_client = a.direction == "client";
    }
    if (std::sscanf(a.size.c_str(), "%dx%d", &r.width, &r.height) != 2 || r.width < 100 ||
        r.height < 100 || r.width > 10000 || r.height > 10000)
    {
        throw InputError(fmt::format("--size: '{}': expected WIDTHxHEIGHT in pixels, e.g. 1200x700", a.size));
    }
    for (const std::string& p : a.pcaps)
    {
        r.inputs.push_back({fs::path(p).filename().string(), AnalyzeTrace(DecodeCapture(ReadUserCapture(p)))});
    }
    r.output = a.output.empty()
                   ? (fs::path(a.pcaps.front()).parent_path() / (fs::path(a.pcaps.front()).stem().string() + ".png"))
                         .string()
                   : a.output;
    DrawSeqGraph(r);
    const fs::path out(r.output);
    std::cout << fmt::format("wrote {} (data {}, script {})\n", r.output,
                             (out.parent_path() / (out.stem().string() + ".dat")).string(),
                             (out.parent_path() / (out.stem().string() + ".gp")).string());
}

} // namespace

void
PlotRun(const std::string& label, const std::vector<TraceRow>& rows, const std::string& png)
{
    PlotRequest r;
    r.inputs.push_back({label, rows});
    r.both_directions = true;
    r.height = 900;
    r.output = png;
    r.templates_dir = (fs::path(RootDir()) / "plots").string();
    DrawSeqGraph(r);
}

void
AddPlotCommand(CLI::App& app, int& exit_code)
{
    auto a = std::make_shared<PlotArgs>();
    CLI::App* cmd = app.add_subcommand(
        "plot", "Sequence/time graph of one or more traces (tcptrace or Stevens kind), with gnuplot");
    cmd->add_option("pcaps", a->pcaps, "captures (pcap or pcapng); several are overlaid")->required();
    cmd->add_option("-o,--output", a->output, "picture: FILE.png or FILE.svg (default: next to the first capture)");
    cmd->add_option("--stream", a->stream, "TCP connection, in order of appearance (default 0)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--kind", a->kind, "tcptrace (default) or stevens")
        ->check(CLI::IsMember({"tcptrace", "stevens"}));
    cmd->add_option("--direction", a->direction,
                    "tcptrace: client, server or both (default: the direction with more data)")
        ->check(CLI::IsMember({"client", "server", "both"}));
    cmd->add_option("--from", a->from_s, "zoom: from this time (seconds since the first packet, as trace.txt)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--to", a->to_s, "zoom: up to this time (seconds since the first packet)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--diff", a->diff,
                  "SIM REAL: both overlaid, the first packet that differs (as sim compare) circled and named");
    cmd->add_option("--size", a->size, "picture size in pixels, WIDTHxHEIGHT (default 1200x700)");
    cmd->footer("Beside the picture: NAME.dat (the series) and NAME.gp (gnuplot NAME.gp draws it again).");
    cmd->callback([a, &exit_code]() {
        Plot(*a);
        exit_code = 0;
    });
}

} // namespace sim
