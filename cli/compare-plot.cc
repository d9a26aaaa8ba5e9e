// SPDX-License-Identifier: GPL-2.0-only
#include "cli/compare-plot.h"

#include "cli/app-paths.h"
#include "cli/capture-input.h"
#include "models/capture/pcap-file.h"
#include "models/plot/gnuplot-plot.h"

#include <fmt/format.h>

#include <filesystem>

namespace sim
{

namespace
{

// "no.7 win: REAL 1024, SIM 2048"; "no.9 missing in SIM"
std::string
Describe(const PacketDiff& d)
{
    if (d.where == "missing in SIM" || d.where == "extra in SIM")
    {
        return fmt::format("no.{} {}", d.number, d.where);
    }
    if (d.fields.empty())
    {
        return fmt::format("no.{}", d.number);
    }
    const FieldDiff& f = d.fields.front();
    return fmt::format("no.{} {}: REAL {}, SIM {}{}", d.number, f.field, f.real, f.sim,
                       d.fields.size() > 1 ? fmt::format(" (+{} more)", d.fields.size() - 1) : "");
}

} // namespace

void
DrawComparison(const std::string& sim_path, const std::string& real_path, const CompareResult& result,
               const std::string& output)
{
    PlotRequest r;
    r.templates_dir = (std::filesystem::path(RootDir()) / "plots").string();
    r.output = output;
    r.both_directions = true;
    r.height = 900;
    // SIM first (blue), REAL second (red): the palettes of gnuplot-plot.cc
    r.inputs.push_back({"SIM", AnalyzeTrace(DecodeCapture(ReadUserCapture(sim_path)))});
    r.inputs.push_back({"REAL", AnalyzeTrace(DecodeCapture(ReadUserCapture(real_path)))});
    if (!result.diffs.empty())
    {
        const PacketDiff& d = result.diffs.front();
        r.stream = d.stream;
        // the packet numbers of a difference are REAL's, but an extra packet's is SIM's
        const size_t input = d.where == "extra in SIM" ? 0 : 1;
        r.highlight = PlotHighlight{input, d.number - 1, "first difference: " + Describe(d)};
    }
    DrawSeqGraph(r);
}

} // namespace sim
