// SPDX-License-Identifier: GPL-2.0-only
#include "models/plot/gnuplot-plot.h"

#include "models/capture/pcap-file.h"
#include "models/config/toml-input.h"
#include "models/plot/label-layout.h"
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

// Pixel geometry of the picture. The margins are fixed (gnuplot's `at screen`), not
// left to gnuplot, so that the labels can be placed knowing where each lands.
constexpr double kLeftPx = 95;       // y tick labels and the y axis title
constexpr double kRightPx = 25;      // the legend is inside, so little is needed
constexpr double kPageTitlePx = 36;  // the title of the picture
constexpr double kPanelTitlePx = 32; // "client → server" above each panel of several
constexpr double kBottomPx = 56;     // x tick labels and the x axis title
constexpr double kGapRowPx = 18;     // a row under the tick labels for "5.00 s idle"

struct Geometry
{
    int width = 1200;
    int height = 700;
    size_t panels = 1;
    bool gaps = false;
    double xlo = 0; // the x range, in the axis unit
    double xhi = 1;

    double PlotW() const { return width - kLeftPx - kRightPx; }
    double SlotH() const { return (height - kPageTitlePx) / static_cast<double>(panels); }
    // pixels from the top of the picture
    double Top(size_t i) const { return kPageTitlePx + i * SlotH() + (panels > 1 ? kPanelTitlePx : 0); }
    double Bottom(size_t i) const
    {
        return kPageTitlePx + (i + 1) * SlotH() - kBottomPx - (gaps ? kGapRowPx : 0);
    }
    double PlotH() const { return Bottom(0) - Top(0); }
    double Px(double x) const { return (x - xlo) / (xhi - xlo) * PlotW(); }
    double X(double px) const { return xlo + px / PlotW() * (xhi - xlo); }
    std::string Margins(size_t i) const
    {
        return fmt::format("set lmargin at screen {:.5f}\nset rmargin at screen {:.5f}\n"
                           "set tmargin at screen {:.5f}\nset bmargin at screen {:.5f}\n",
                           kLeftPx / width, 1 - kRightPx / width, 1 - Top(i) / height, 1 - Bottom(i) / height);
    }
};

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
        // two blank lines end a block for gnuplot's `index`: the rows' own newline and two
        const std::string ended = rows.back() == '\n' ? rows : rows + "\n";
        m_data += fmt::format("# {} (index {})\n{}\n\n", name, m_index, ended);
        m_panels.back().clauses.push_back(fmt::format("'{}' index {} {}", m_datafile, m_index, style));
        ++m_index;
    }

    const std::string& Data() const { return m_data; }

    std::string Commands(const std::string& title) const
    {
        std::string out;
        if (m_panels.size() > 1)
        {
            out += fmt::format("set multiplot title \"{}\" noenhanced\nunset title\n", title);
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

bool
Zoomed(const PlotRequest& r)
{
    return r.from_s.has_value() || r.to_s.has_value();
}

// Inside the --from/--to window
bool
InZoom(const PlotRequest& r, double t)
{
    return (!r.from_s || t >= *r.from_s) && (!r.to_s || t <= *r.to_s);
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
            const double t = static_cast<double>(row.rel_time_ns) / 1e9;
            if (row.stream == r.stream && InZoom(r, t))
            {
                times.push_back(t);
            }
        }
    }
    return TimeAxis(times);
}

Geometry
GeometryFor(const PlotRequest& r, const TimeAxis& axis)
{
    Geometry g;
    g.width = r.width;
    g.height = r.height;
    g.panels = Directions(r).size();
    g.gaps = !axis.Gaps().empty();
    // a little room either side, so that the SYN at 0 and the last FIN are not drawn
    // on the frame
    const double end = std::max(axis.End(), 1e-9);
    g.xlo = -0.01 * end;
    g.xhi = end * 1.03;
    return g;
}

// A series cut to the zoom window (the series are taken from the whole trace, so that
// a retransmission is still one when its original is outside the window)
TcptraceSeries
Visible(const PlotRequest& r, const std::vector<TraceRow>& rows, bool from_client)
{
    TcptraceSeries s = ExtractTcptrace(rows, r.stream, from_client);
    if (!Zoomed(r))
    {
        return s;
    }
    TcptraceSeries v;
    v.from_client = s.from_client;
    for (const SegmentBar& b : s.segments)
    {
        if (InZoom(r, b.t))
        {
            v.segments.push_back(b);
        }
    }
    for (size_t k = 0; k < s.acks.size(); ++k)
    {
        if (InZoom(r, s.acks[k].t))
        {
            v.acks.push_back(s.acks[k]);
            v.window.push_back(s.window[k]);
        }
    }
    for (const Mark& m : s.marks)
    {
        if (InZoom(r, m.t))
        {
            v.marks.push_back(m);
        }
    }
    return v;
}

// The y range of a tcptrace panel, from 0 (relative sequence numbers start there; a
// zoom starts at the lowest number drawn): the data and the ACKs, and the window's
// edge when it is near enough to matter (within 6 times their extent); otherwise the
// edge runs above the chart and its legend entry says so
struct YRange
{
    double lo = 0;
    double hi = 1;
    uint64_t window_max = 0;
    bool window_above = false;
};

YRange
TcptraceYRange(const PlotRequest& r, bool from_client)
{
    uint64_t top = 0;
    uint64_t low = UINT64_MAX;
    uint64_t window = 0;
    for (const PlotInput& in : r.inputs)
    {
        const TcptraceSeries s = Visible(r, in.rows, from_client);
        for (const SegmentBar& b : s.segments)
        {
            top = std::max<uint64_t>(top, b.end);
            low = std::min<uint64_t>(low, b.seq);
        }
        for (const StepPoint& a : s.acks)
        {
            top = std::max(top, a.value);
            low = std::min(low, a.value);
        }
        for (const Mark& m : s.marks)
        {
            top = std::max<uint64_t>(top, m.seq);
            low = std::min<uint64_t>(low, m.seq);
        }
        for (const StepPoint& w : s.window)
        {
            window = std::max(window, w.value);
        }
    }
    YRange y;
    const uint64_t lo = Zoomed(r) && low != UINT64_MAX ? low - std::min<uint64_t>(low, (top - low) / 20) : 0;
    y.lo = static_cast<double>(lo);
    const uint64_t ext = top > lo ? top - lo : 0;
    const uint64_t near = top + ext / 4 + 50;
    y.window_max = window;
    if (window <= lo || window - lo <= 6 * (near - lo))
    {
        y.hi = static_cast<double>(std::max(near, window + (window > lo ? window - lo : 0) / 20 + 50));
    }
    else
    {
        y.hi = static_cast<double>(near);
        y.window_above = true;
    }
    return y;
}

// The highlighted packet, in the one panel that draws it: a circle round it and its
// name beside it
void
HighlightBlock(Layout& layout, const PlotRequest& r, const TimeAxis& axis, bool from_client)
{
    if (!r.highlight || r.highlight->input >= r.inputs.size() ||
        r.highlight->row >= r.inputs[r.highlight->input].rows.size())
    {
        return;
    }
    const TraceRow& row = r.inputs[r.highlight->input].rows[r.highlight->row];
    const double t = static_cast<double>(row.rel_time_ns) / 1e9;
    if (row.stream != r.stream || !InZoom(r, t))
    {
        return;
    }
    // a segment with data or SYN/FIN/RST is drawn in its own direction's panel at its
    // first byte; a bare ACK in the other one, on the ACK line
    const bool carries = row.rec.len > 0 || (row.rec.flags & 0x07);
    if ((row.from_client == from_client) != carries)
    {
        return;
    }
    const uint64_t y = carries ? row.rel_seq : row.rel_ack;
    const double x = axis.Map(t);
    const std::string at = fmt::format("{:.9g} {}", x, y);
    // named in the legend as well, in case the label beside it meets other ink
    layout.Block("highlight", at,
                 fmt::format("using 1:2 with points pt 6 ps 4 lw 2.5 lc rgb '#e00000' title '{}'", r.highlight->text));
    // the label goes on the side of the circle with more room
    const bool right = x < axis.End() / 2;
    layout.Block("highlight label", fmt::format("{} \"{}\"", at, r.highlight->text),
                 fmt::format("using 1:2:3 with labels {} offset char {},1.6 font ',10' tc rgb '#e00000' notitle",
                             right ? "left" : "right", right ? "2.5" : "-2.5"));
}

void
TcptracePanel(Layout& layout, const PlotRequest& r, const TimeAxis& axis, const Geometry& geom, size_t panel,
              bool from_client)
{
    const std::string dir = from_client ? "client → server" : "server → client";
    const YRange y = TcptraceYRange(r, from_client);
    layout.Panel(fmt::format("{}{}set yrange [{:.0f}:{:.0f}]\n", geom.Margins(panel),
                             geom.panels > 1 ? fmt::format("set title '{}'\n", dir) : "", y.lo, y.hi));
    const double plot_h = geom.PlotH();
    auto py = [&](double v) { return (v - y.lo) / (y.hi - y.lo) * plot_h; };
    auto yv = [&](double px) { return y.lo + px / plot_h * (y.hi - y.lo); };

    // The legend, top left inside the frame (where a sequence graph, rising to the
    // right, leaves room): its titles, and the box the window labels keep clear of
    std::vector<std::vector<std::string>> titles;
    size_t entries = 0;
    size_t longest = 0;
    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        const std::string who = r.inputs.size() > 1 ? r.inputs[i].label + " " : "";
        titles.push_back({who + "window (ACK + win)" +
                              (y.window_above ? fmt::format(": above the chart, up to {}", y.window_max) : ""),
                          who + "ACK", who + "data segments", who + "retransmissions", who + "SYN/FIN/RST"});
        for (const std::string& t : titles.back())
        {
            ++entries;
            longest = std::max(longest, t.size());
        }
    }
    if (r.highlight)
    {
        ++entries;
        longest = std::max(longest, r.highlight->text.size());
    }
    // font ',9' in the legend; the sample line and the box's padding besides the text
    const Box key{0, plot_h - (15.0 * entries + 14), 7.0 * longest + 70, 15.0 * entries + 14};

    std::vector<LabelRequest> requests;
    std::vector<std::string> texts;
    std::vector<size_t> owner; // the input of each request
    std::vector<TcptraceSeries> series;
    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        series.push_back(Visible(r, r.inputs[i].rows, from_client));
        const TcptraceSeries& s = series.back();
        uint64_t last_size = UINT64_MAX;
        for (size_t k = 0; k < s.window.size(); ++k)
        {
            // the advertised window itself, where it changes
            const uint64_t size = s.window[k].value - s.acks[k].value;
            if (size != last_size)
            {
                texts.push_back(fmt::format("win {}", size));
                requests.push_back({geom.Px(axis.Map(s.window[k].t)), py(static_cast<double>(s.window[k].value)),
                                    LabelWidth(texts.back()), kLabelHeight});
                owner.push_back(i);
                last_size = size;
            }
        }
    }
    // the SYN/FIN/RST labels, drawn just above and right of their points, are kept
    // clear too
    std::vector<Box> obstacles{key};
    for (const TcptraceSeries& s : series)
    {
        for (const Mark& m : s.marks)
        {
            obstacles.push_back({geom.Px(axis.Map(m.t)) + 3, py(m.seq) + 2, LabelWidth(m.label) + 6, kLabelHeight});
        }
    }
    std::vector<std::string> sizes(r.inputs.size());
    for (const PlacedLabel& p : PlaceLabels(requests, geom.PlotW(), plot_h, obstacles))
    {
        // gnuplot centres a label vertically on its y
        sizes[owner[p.index]] += fmt::format("{:.9g} {:.9g} \"{}\"\n", geom.X(p.box.x), yv(p.box.y + p.box.h / 2),
                                             texts[p.index]);
    }

    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        const Palette& p = PaletteFor(i);
        const TcptraceSeries& s = series[i];
        const std::vector<std::string>& title = titles[i];
        std::string data, retrans, acks, window, marks;
        for (const SegmentBar& b : s.segments)
        {
            (b.retransmission ? retrans : data) += fmt::format("{:.9g} {} {}\n", axis.Map(b.t), b.seq, b.end);
        }
        for (const StepPoint& a : s.acks)
        {
            acks += fmt::format("{:.9g} {}\n", axis.Map(a.t), a.value);
        }
        for (const StepPoint& w : s.window)
        {
            window += fmt::format("{:.9g} {}\n", axis.Map(w.t), w.value);
        }
        for (const Mark& m : s.marks)
        {
            marks += fmt::format("{:.9g} {} {}\n", axis.Map(m.t), m.seq, m.label);
        }
        const std::string name = dir + " " + (r.inputs.size() > 1 ? r.inputs[i].label + " " : "");
        // tcptrace's segment: a vertical line from the first byte to the last with a
        // short bar at each end, so that back-to-back segments show where one ends
        const std::string bars = "using 1:2:2:3 with yerrorbars pt 7 ps 0 lw 1.5";
        // drawn in this order: the lines first, the segments on top of them
        layout.Block(name + "window", window,
                     fmt::format("using 1:2 with steps dt 2 lw 1.5 lc rgb '{}' title '{}'", p.window, title[0]));
        layout.Block(name + "window sizes", sizes[i],
                     fmt::format("using 1:2:3 with labels left font ',8' tc rgb '{}' notitle", p.window));
        layout.Block(name + "ACK", acks,
                     fmt::format("using 1:2 with steps lw 1 lc rgb '{}' title '{}'", p.ack, title[1]));
        layout.Block(name + "data", data, fmt::format("{} lc rgb '{}' title '{}'", bars, p.data, title[2]));
        layout.Block(name + "retransmissions", retrans,
                     fmt::format("{} lc rgb '{}' title '{}'", bars, p.retrans, title[3]));
        layout.Block(name + "SYN/FIN/RST", marks,
                     fmt::format("using 1:2:3 with labels point pt 7 ps 0.8 lc rgb '{}' "
                                 "offset char 0.6,0.6 left font ',8' title '{}'",
                                 p.mark, title[4]));
    }
    HighlightBlock(layout, r, axis, from_client);
}

void
StevensPanel(Layout& layout, const PlotRequest& r, const TimeAxis& axis, const Geometry& geom)
{
    layout.Panel(geom.Margins(0) + (Zoomed(r) ? "set yrange [*:*]\n" : "set yrange [0:*]\n"));
    for (size_t i = 0; i < r.inputs.size(); ++i)
    {
        const Palette& p = PaletteFor(i);
        const std::string who = r.inputs.size() > 1 ? r.inputs[i].label + " " : "";
        const StevensSeries s = ExtractStevens(r.inputs[i].rows, r.stream);
        std::string client, server;
        for (const StepPoint& c : s.client)
        {
            if (InZoom(r, c.t))
            {
                client += fmt::format("{:.9g} {}\n", axis.Map(c.t), c.value);
            }
        }
        for (const StepPoint& c : s.server)
        {
            if (InZoom(r, c.t))
            {
                server += fmt::format("{:.9g} {}\n", axis.Map(c.t), c.value);
            }
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
BuildLayout(const PlotRequest& r, const TimeAxis& axis, const Geometry& geom, const std::string& datafile)
{
    Layout layout(datafile);
    if (!Tcptrace(r))
    {
        StevensPanel(layout, r, axis, geom);
        return layout;
    }
    const std::vector<bool> dirs = Directions(r);
    for (size_t i = 0; i < dirs.size(); ++i)
    {
        TcptracePanel(layout, r, axis, geom, i, dirs[i]);
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
    std::string zoom;
    if (Zoomed(r))
    {
        zoom = fmt::format(", {} s to {} s", r.from_s ? fmt::format("{:g}", *r.from_s) : "start",
                           r.to_s ? fmt::format("{:g}", *r.to_s) : "end");
    }
    if (!Tcptrace(r))
    {
        return fmt::format("{}: stream {}{}, both directions (Stevens)", files, r.stream, zoom);
    }
    const std::vector<bool> dirs = Directions(r);
    return fmt::format("{}: stream {}{}{} (tcptrace)", files, r.stream,
                       dirs.size() > 1 ? "" : dirs[0] ? ", client → server" : ", server → client", zoom);
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

// The ticks, the x range (the same for every panel, so that they line up) and each
// idle gap as an axis break: the frame cut by two slashes at the bottom and the top,
// and the gap's length written once, under the tick labels
std::string
XticsAndGaps(const TimeAxis& axis, const Geometry& geom)
{
    std::string out = "set xtics (";
    const auto ticks = axis.Ticks();
    for (size_t i = 0; i < ticks.size(); ++i)
    {
        out += fmt::format("{}\"{}\" {:.9g}", i ? ", " : "", ticks[i].label, ticks[i].x);
    }
    out += ")\n";
    out += fmt::format("set xrange [{:.9g}:{:.9g}]\n", geom.xlo, geom.xhi);
    if (axis.Gaps().empty())
    {
        return out;
    }
    out += "set xlabel offset 0,-1.3\n"; // below the row of gap lengths
    const double half = geom.X(4) - geom.X(0);  // the break is 8 px wide
    const double lean = geom.X(3) - geom.X(0);  // each slash leans 3 px either way
    const double rise = 6 / geom.PlotH();       // and is 12 px tall
    for (const auto& g : axis.Gaps())
    {
        const double x = g.X();
        for (double edge : {0.0, 1.0})
        {
            out += fmt::format("set object rect from first {:.9g}, graph {:.5f} to first {:.9g}, graph {:.5f} "
                               "fc rgb 'white' fs solid 1.0 noborder front\n",
                               x - half, edge - rise / 2, x + half, edge + rise / 2);
            for (double side : {-half, half})
            {
                out += fmt::format("set arrow from first {:.9g}, graph {:.5f} to first {:.9g}, graph {:.5f} "
                                   "nohead lw 1.2 lc rgb '#333333' front\n",
                                   x + side - lean, edge - rise, x + side + lean, edge + rise);
            }
        }
        out += fmt::format("set label '{}' at first {:.9g}, graph 0 center offset 0,-2.6 font ',9' "
                           "tc rgb '#333333'\n",
                           TimeAxis::GapLabel(g.seconds), x);
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
    auto found = [&](bool zoomed) {
        return std::any_of(r.inputs.begin(), r.inputs.end(), [&](const PlotInput& in) {
            return std::any_of(in.rows.begin(), in.rows.end(), [&](const TraceRow& row) {
                return row.stream == r.stream &&
                       (!zoomed || InZoom(r, static_cast<double>(row.rel_time_ns) / 1e9));
            });
        });
    };
    if (!found(false))
    {
        throw InputError(fmt::format("plot: no TCP stream {} in the input", r.stream));
    }
    if (r.from_s && r.to_s && *r.from_s >= *r.to_s)
    {
        throw InputError(fmt::format("plot: --from {:g} is not before --to {:g}", *r.from_s, *r.to_s));
    }
    if (!found(true))
    {
        throw InputError(fmt::format("plot: stream {} has no packets between {} s and {} s", r.stream,
                                     r.from_s ? fmt::format("{:g}", *r.from_s) : "the start",
                                     r.to_s ? fmt::format("{:g}", *r.to_s) : "the end"));
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
    const TimeAxis axis = AxisFor(r);
    return BuildLayout(r, axis, GeometryFor(r, axis), "data").Data();
}

std::string
SeqGraphScript(const PlotRequest& r, const std::string& template_text)
{
    const fs::path out(r.output);
    const TimeAxis axis = AxisFor(r);
    const Geometry geom = GeometryFor(r, axis);
    const Layout layout = BuildLayout(r, axis, geom, out.stem().string() + ".dat");
    std::string script = template_text;
    const std::string terminal =
        out.extension() == ".svg"
            ? fmt::format("svg size {},{} dynamic font 'sans,10'", r.width, r.height)
            : fmt::format("pngcairo size {},{} font 'sans,10'", r.width, r.height);
    Replace(script, "@TERMINAL@", terminal);
    Replace(script, "@OUTPUT@", out.filename().string());
    Replace(script, "@UNIT@", axis.Unit());
    Replace(script, "@AXIS@", XticsAndGaps(axis, geom));
    Replace(script, "@PLOTS@", layout.Commands(Title(r)));
    return script;
}

void
DrawSeqGraph(const PlotRequest& r)
{
    Validate(r);
    const fs::path out(r.output);
    const fs::path dir = fs::absolute(out).parent_path();
    const std::string stem = out.stem().string();
    const TimeAxis axis = AxisFor(r);
    const Layout layout = BuildLayout(r, axis, GeometryFor(r, axis), stem + ".dat");
    const std::string script = SeqGraphScript(r, ReadTemplate(r));

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
