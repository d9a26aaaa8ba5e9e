// SPDX-License-Identifier: GPL-2.0-only
// A time axis that stays readable across long idle gaps (V4's 5 s sleeps): gaps longer
// than a threshold are drawn as a short fixed stretch, marked, and the ticks keep
// showing real times.
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

    // "ms" for short traces, "s" otherwise
    const std::string& Unit() const { return m_unit; }

    struct Tick
    {
        double x;
        std::string label;
    };
    std::vector<Tick> Ticks() const;

    struct Gap
    {
        double x;       // where it is drawn (its middle)
        double seconds; // how long it really was
    };
    const std::vector<Gap>& Gaps() const { return m_gaps; }

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
