// SPDX-License-Identifier: GPL-2.0-only
// A time axis that stays readable across long idle gaps (V4's 5 s sleeps): gaps longer
// than a threshold are drawn as a short fixed stretch with an axis break, and the ticks
// keep showing real times, all in one unit chosen from the span of the trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sim
{

class TimeAxis
{
  public:
    // `times_s`: every instant that will be drawn (seconds since the first packet)
    TimeAxis(std::vector<double> times_s, double gap_threshold_s = 0.5);

    // Where a real time is drawn (in the axis unit, see Unit())
    double Map(double t_s) const;

    // Where the last instant is drawn
    double End() const { return Map(m_last); }

    // From the real span (last - first): "µs" under 1 ms, "ms" under 1 s, else "s";
    // coarser while the last time would need more than four digits before the point.
    // Every tick label is a plain number in this unit, so the axis title can name it.
    const std::string& Unit() const { return m_unit; }

    struct Tick
    {
        double x;
        std::string label; // a number in Unit(), the same number of decimals on every tick
    };
    std::vector<Tick> Ticks() const;

    struct Gap
    {
        double x0, x1;  // the drawn stretch that stands for it (axis unit)
        double seconds; // how long it really was
        double X() const { return (x0 + x1) / 2; }
    };
    const std::vector<Gap>& Gaps() const { return m_gaps; }

    // "5.00 s idle", "786 ms idle": the gap's length, written once at its axis break
    static std::string GapLabel(double seconds);

  private:
    struct Span
    {
        double t0, t1; // real seconds
        double x0;     // drawn position of t0, in seconds of drawn time
    };
    std::vector<Span> m_spans;
    std::vector<Gap> m_gaps;
    double m_scale = 1; // seconds -> unit
    double m_last = 0;
    std::string m_unit;
};

} // namespace sim
