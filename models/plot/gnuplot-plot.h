// SPDX-License-Identifier: GPL-2.0-only
// Drawing sequence/time graphs with gnuplot from the templates in plots/. Next to the
// picture go the data (NAME.dat) and the filled-in script (NAME.gp), so that it can be
// drawn again or changed by hand.
#pragma once

#include "models/capture/trace-table.h"

#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct PlotInput
{
    std::string label; // legend and title: usually the file name
    std::vector<TraceRow> rows;
};

// A packet circled and named on the chart (compare --plot: the first difference)
struct PlotHighlight
{
    size_t input = 0; // which of the inputs
    size_t row = 0;   // index into that input's rows
    std::string text; // written beside the circle
};

struct PlotRequest
{
    std::vector<PlotInput> inputs;
    std::string kind = "tcptrace"; // or "stevens"
    int stream = 0;
    std::optional<bool> from_client; // tcptrace: the direction (default: the bulk one)
    bool both_directions = false;    // tcptrace: one panel per direction
    std::string output;              // .png or .svg
    int width = 1200;
    int height = 700;
    std::string templates_dir; // plots/
    // Zoom: only the packets sent in [from_s, to_s] (seconds since the first packet of
    // the trace, as trace.txt shows them); the y axis then starts at the lowest
    // sequence number drawn instead of 0
    std::optional<double> from_s;
    std::optional<double> to_s;
    std::optional<PlotHighlight> highlight;
};

// The data file's content (what NAME.dat gets), for tests and for DrawSeqGraph()
std::string SeqGraphData(const PlotRequest& request);

// The gnuplot script DrawSeqGraph() would run (after @OUTPUT@ and the other fields
// of the template are filled in), for tests
std::string SeqGraphScript(const PlotRequest& request, const std::string& template_text);

// Writes output, NAME.dat and NAME.gp. Throws InputError for bad requests or a missing
// gnuplot, std::runtime_error when gnuplot fails.
void DrawSeqGraph(const PlotRequest& request);

} // namespace sim
