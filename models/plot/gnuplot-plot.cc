// SPDX-License-Identifier: GPL-2.0-only
#include "models/plot/gnuplot-plot.h"

#include "models/capture/pcap-file.h"
#include "models/config/toml-input.h"
#include "models/plot/seq-graph.h"
#include "models/plot/time-axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

// Colours per input: the first file blue/green, the second red/olive, ...
struct Palette
{
    const char* data;
    const char* retrans;
    const char* ack;
    const char* window;
    const char* mark;
};

const Palette kPalettes[] = {
    {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#000000"},
    {"#d62728", "#8c564b", "#bcbd22", "#e377c2", "#7f7f7f"},
    {"#17becf", "#7f7f7f", "#98df8a", "#c5b0d5", "#444444"},
};

const Palette&
PaletteFor(size_t i)
{
    return kPalettes[i % (sizeof(kPalettes) / sizeof(kPalettes[0]))];
}

std::string
Quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
    {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

// The data file's blocks and the plot commands that use them, kept in step. Each panel
// is one gnuplot `plot` command.
class Layout
{
  public:
    explicit Layout(std::string datafile)
        : m_datafile(std::move(datafile))
    {
    }

    void Panel(std::string settings)
    {
        m_panels.push_back({std::move(settings), {}});
    }

    void Block(const std::string& name, const std::string& rows, const std::string& style)
    {
        if (rows.empty())
        {
            return;
        }
        m_data += fmt::format("# {} (index {})\n{}\n\n", name, m_index, rows);
        m_panels.back().clauses.push_back(fmt::format("'{}' index {} {}", m_datafile, m_index, style));
        ++m_index;
    }

    const std::string& Data() const { return m_data; }

    std::string Commands(const std::string& title) const
    {
        std::string out;
        if (m_panels.size() > 1)
        {
            out += fmt::format("set multiplot layout {},1 title \"{}\" noenhanced\nunset title\n",
                               m_panels.size(), title);
        }
        else
        {
            out += fmt::format("set title \"{}\" noenhanced\n", title);
        }
        for (const auto& p : m_panels)
        {
            out += p.settings;
            std::string plot;
            for (size_t i = 0; i < p.clauses.size(); ++i)
            {
                plot += (i ? ", \\\n     " : "plot ") + p.clauses[i];
            }
            out += (p.clauses.empty() ? "plot NaN notitle" : plot) + "\n";
        }
        if (m_panels.size() > 1)
        {
            out += "unset multiplot\n";
        }
        return out;
    }

  private:
    struct PanelData
    {
        std::string settings;
        std::vector<std::string> clauses;
    };
    std::string m_datafile;
    std::string m_data;
    std::vector<PanelData> m_panels;
    int m_index = 0;
};

bool
Tcptrace(const PlotRequest& r)
{
    return r.kind == "tcptrace";
}

// The directions drawn, one panel each (Stevens: one panel for both)
std::vector<bool>
Directions(const PlotRequest& r)
{
    if (!Tcptrace(r))
    {
        return {true};
    }
    if (r.both_directions)
    {
        return {true, false};
    }
    return {r.from_client.value_or(BulkDirectionIsClient(r.inputs.front().rows, r.stream))};
}

TimeAxis
AxisFor(const PlotRequest& r)
{
    std::vector<double> times;
    for (const PlotInput& in : r.inputs)
    {
        for (const TraceRow& row : in.rows)
        {
            if (row.stream == r.stream)
            {
                times.push_back(static_cast<double>(row.rel_time_ns) / 1e9);
            }
        }
    }
    return TimeAxis(times);
}

// The y range of a tcptrace panel: the data and the ACKs, and the window's edge when it
// is near enough to matter (within 6 times their extent); otherwise the edge runs above
// the chart and a label says so
std::string
TcptraceYRange(const PlotRequest& r, bool from_client)
{
    uint64_t data = 0;
    uint64_t window = 0;
    for (const PlotInput& in : r.inputs)
    {
        const TcptraceSeries s = ExtractTcptrace(in.rows, r.stream, from_client);
        for (const SegmentBar& b : s.segments)
        {
            data = std::max<uint64_t>(data, b.end);
        }
        for (const StepPoint& a : s.acks)
        {
            data = std::max(data, a.value);
        }
        for (const Mark& m : s.marks)
        {
            data = std::max<uint64_t>(data, m.seq);
        }
        for (const StepPoint& w : s.window)
        {
            window = std::max(window, w.value);
        }
    }
    const uint64_t near = data + data / 4 + 50;
    if (window <= 6 * near)
    {
        return fmt::format("set yrange [*:{}]\nunset label 99\n", std::max(near, window + window / 20 + 50));
    }
    return fmt::format("set yrange [*:{}]\nset label 99 'window edge above the chart (up to {})' "
                       "at graph 0.01, graph 0.96 left tc rgb '#9467bd'\n",
                       near, window);
}

void
TcptracePanel(Layout& layout, const PlotRequest& r, const TimeAxis& axis, bool from_client, bool named)
{
    const std::string dir = from_client ? "client → server" : "server → client";
    layout.Panel(fmt::format("{}{}", named ? fmt::format("set title '{}'\n", dir) : "",
                             TcptraceYRange(r, from_client)));
    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        const Palette& p = PaletteFor(i);
        const std::string who = r.inputs.size() > 1 ? r.inputs[i].label + " " : "";
        const TcptraceSeries s = ExtractTcptrace(r.inputs[i].rows, r.stream, from_client);
        std::string data, retrans, acks, window, sizes, marks;
        for (const SegmentBar& b : s.segments)
        {
            (b.retransmission ? retrans : data) += fmt::format("{:.9g} {} {}\n", axis.Map(b.t), b.seq, b.end);
        }
        for (const StepPoint& a : s.acks)
        {
            acks += fmt::format("{:.9g} {}\n", axis.Map(a.t), a.value);
        }
        uint64_t last_size = UINT64_MAX;
        for (size_t k = 0; k < s.window.size(); ++k)
        {
            const StepPoint& w = s.window[k];
            window += fmt::format("{:.9g} {}\n", axis.Map(w.t), w.value);
            // the advertised window itself, where it changes
            const uint64_t size = w.value - s.acks[k].value;
            if (size != last_size)
            {
                sizes += fmt::format("{:.9g} {} \"win {}\"\n", axis.Map(w.t), w.value, size);
                last_size = size;
            }
        }
        for (const Mark& m : s.marks)
        {
            marks += fmt::format("{:.9g} {} {}\n", axis.Map(m.t), m.seq, m.label);
        }
        const std::string name = dir + " " + who;
        const std::string bars = "using 1:2:(0):($3-$2) with vectors nohead lw 4";
        // drawn in this order: the lines first, the segments on top of them
        layout.Block(name + "window", window,
                     fmt::format("using 1:2 with steps dt 2 lw 1.5 lc rgb '{}' title '{}window (ACK + win)'",
                                 p.window, who));
        layout.Block(name + "window sizes", sizes,
                     fmt::format("using 1:2:3 with labels offset char 0.5,0.7 left font ',8' tc rgb '{}' notitle",
                                 p.window));
        layout.Block(name + "ACK", acks,
                     fmt::format("using 1:2 with steps lw 1 lc rgb '{}' title '{}ACK'", p.ack, who));
        layout.Block(name + "data", data, fmt::format("{} lc rgb '{}' title '{}data segments'", bars, p.data, who));
        layout.Block(name + "retransmissions", retrans,
                     fmt::format("{} lc rgb '{}' title '{}retransmissions'", bars, p.retrans, who));
        layout.Block(name + "SYN/FIN/RST", marks,
                     fmt::format("using 1:2:3 with labels point pt 7 ps 0.8 lc rgb '{}' "
                                 "offset char 0.6,0.6 left font ',8' title '{}SYN/FIN/RST'",
                                 p.mark, who));
    }
}

void
StevensPanel(Layout& layout, const PlotRequest& r, const TimeAxis& axis)
{
    layout.Panel("");
    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        const Palette& p = PaletteFor(i);
        const std::string who = r.inputs.size() > 1 ? r.inputs[i].label + " " : "";
        const StevensSeries s = ExtractStevens(r.inputs[i].rows, r.stream);
        std::string client, server;
        for (const StepPoint& c : s.client)
        {
            client += fmt::format("{:.9g} {}\n", axis.Map(c.t), c.value);
        }
        for (const StepPoint& c : s.server)
        {
            server += fmt::format("{:.9g} {}\n", axis.Map(c.t), c.value);
        }
        layout.Block(who + "client", client,
                     fmt::format("using 1:2 with points pt 7 ps 0.8 lc rgb '{}' title '{}client → server'",
                                 p.data, who));
        layout.Block(who + "server", server,
                     fmt::format("using 1:2 with points pt 5 ps 0.8 lc rgb '{}' title '{}server → client'",
                                 p.ack, who));
    }
}

Layout
BuildLayout(const PlotRequest& r, const TimeAxis& axis, const std::string& datafile)
{
    Layout layout(datafile);
    if (!Tcptrace(r))
    {
        StevensPanel(layout, r, axis);
        return layout;
    }
    const std::vector<bool> dirs = Directions(r);
    for (bool from_client : dirs)
    {
        TcptracePanel(layout, r, axis, from_client, dirs.size() > 1);
    }
    return layout;
}

std::string
Title(const PlotRequest& r)
{
    std::string files;
    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        files += (i ? " vs " : "") + r.inputs[i].label;
    }
    if (!Tcptrace(r))
    {
        return fmt::format("{}: stream {}, both directions (Stevens)", files, r.stream);
    }
    const std::vector<bool> dirs = Directions(r);
    return fmt::format("{}: stream {}{} (tcptrace)", files, r.stream,
                       dirs.size() > 1 ? "" : dirs[0] ? ", client → server" : ", server → client");
}

std::string
ReadTemplate(const PlotRequest& r)
{
    const fs::path path = fs::path(r.templates_dir) / (r.kind + ".gp");
    std::ifstream f(path);
    if (!f)
    {
        throw InputError(fmt::format("{}: plot template missing", path.string()));
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void
Replace(std::string& s, const std::string& key, const std::string& value)
{
    for (size_t at = 0; (at = s.find(key, at)) != std::string::npos; at += value.size())
    {
        s.replace(at, key.size(), value);
    }
}

std::string
XticsAndGaps(const TimeAxis& axis)
{
    std::string out = "set xtics (";
    const auto ticks = axis.Ticks();
    for (size_t i = 0; i < ticks.size(); ++i)
    {
        out += fmt::format("{}\"{}\" {:.9g}", i ? ", " : "", ticks[i].label, ticks[i].x);
    }
    out += ")\n";
    // every panel spans the same time, so that they line up
    out += fmt::format("set xrange [0:{:.9g}]\n", std::max(axis.End(), 1e-9));
    for (const auto& g : axis.Gaps())
    {
        out += fmt::format("set arrow from {0:.9g}, graph 0 to {0:.9g}, graph 1 nohead dt 3 lc rgb '#999999'\n"
                           "set label 'idle {1:.3g} s' at {0:.9g}, graph 0.5 center rotate by 90 "
                           "tc rgb '#777777' front\n",
                           g.x, g.seconds);
    }
    return out;
}

void
Validate(const PlotRequest& r)
{
    if (r.kind != "tcptrace" && r.kind != "stevens")
    {
        throw InputError(fmt::format("plot: unknown kind '{}' (tcptrace or stevens)", r.kind));
    }
    const fs::path out(r.output);
    const std::string ext = out.extension().string();
    if (ext != ".png" && ext != ".svg")
    {
        throw InputError(fmt::format("{}: the picture must be a .png or .svg file", r.output));
    }
    if (!fs::is_directory(fs::absolute(out).parent_path()))
    {
        throw InputError(fmt::format("{}: output folder {} does not exist", r.output,
                                     fs::absolute(out).parent_path().string()));
    }
    const bool found = std::any_of(r.inputs.begin(), r.inputs.end(), [&](const PlotInput& in) {
        return std::any_of(in.rows.begin(), in.rows.end(),
                           [&](const TraceRow& row) { return row.stream == r.stream; });
    });
    if (!found)
    {
        throw InputError(fmt::format("plot: no TCP stream {} in the input", r.stream));
    }
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    {
        throw InputError("plot: gnuplot is not installed (apt-get install gnuplot-nox)");
    }
}

} // namespace

std::string
SeqGraphData(const PlotRequest& r)
{
    return BuildLayout(r, AxisFor(r), "data").Data();
}

void
DrawSeqGraph(const PlotRequest& r)
{
    Validate(r);
    const fs::path out(r.output);
    const fs::path dir = fs::absolute(out).parent_path();
    const std::string stem = out.stem().string();
    const TimeAxis axis = AxisFor(r);
    const Layout layout = BuildLayout(r, axis, stem + ".dat");

    std::string script = ReadTemplate(r);
    const std::string terminal =
        out.extension() == ".png"
            ? fmt::format("pngcairo size {},{} font 'sans,10'", r.width, r.height)
            : fmt::format("svg size {},{} dynamic font 'sans,10'", r.width, r.height);
    Replace(script, "@TERMINAL@", terminal);
    Replace(script, "@OUTPUT@", out.filename().string());
    Replace(script, "@UNIT@", axis.Unit());
    Replace(script, "@AXIS@", XticsAndGaps(axis));
    Replace(script, "@PLOTS@", layout.Commands(Title(r)));

    WriteFileAtomic((dir / (stem + ".dat")).string(), layout.Data());
    WriteFileAtomic((dir / (stem + ".gp")).string(), script);
    const fs::path tmp = dir / (out.filename().string() + ".tmp");
    const fs::path err = dir / (stem + ".gnuplot-errors.tmp");
    const std::string cmd = fmt::format("cd {} && gnuplot -e {} {} 2>{}", Quote(dir.string()),
                                        Quote("outfile='" + tmp.filename().string() + "'"),
                                        Quote(stem + ".gp"), Quote(err.string()));
    const int rc = std::system(cmd.c_str());
    std::ifstream ef(err);
    std::string first_error;
    std::getline(ef, first_error);
    fs::remove(err);
    if (rc != 0 || !fs::exists(tmp))
    {
        fs::remove(tmp);
        throw std::runtime_error(
            fmt::format("plot: gnuplot failed on {}: {}", (dir / (stem + ".gp")).string(), first_error));
    }
    fs::rename(tmp, out);
}

} // namespace sim
