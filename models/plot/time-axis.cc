// SPDX-License-Identifier: GPL-2.0-only
#include "models/plot/time-axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sim
{

TimeAxis::TimeAxis(std::vector<double> times, double gap_threshold)
{
    std::sort(times.begin(), times.end());
    if (times.empty())
    {
        times.push_back(0);
    }
    m_last = times.back();
    // Active spans separated by gaps longer than the threshold
    std::vector<std::pair<double, double>> spans{{times.front(), times.front()}};
    std::vector<double> gaps;
    for (size_t i = 1; i < times.size(); ++i)
    {
        if (times[i] - spans.back().second > gap_threshold)
        {
            gaps.push_back(times[i] - spans.back().second);
            spans.push_back({times[i], times[i]});
        }
        else
        {
            spans.back().second = times[i];
        }
    }
    double active = 0;
    for (const auto& s : spans)
    {
        active += s.second - s.first;
    }
    // A compressed gap takes a tenth of the active time (something visible if all
    // activity is instantaneous)
    const double gap_width = std::max(active * 0.1, 1e-4);
    // The unit follows the real span, so that a 10 s trace reads in seconds even when
    // its gaps are drawn short, and a 6 ms one in milliseconds
    const double span = times.back() - times.front();
    m_unit = span < 1e-3 ? "µs" : span < 1.0 ? "ms" : "s";
    m_scale = m_unit == "µs" ? 1e6 : m_unit == "ms" ? 1e3 : 1.0;
    // but a zoom far into a trace (0.6 ms at 8.787 s) would read "8787000" µs: a
    // coarser unit while a label would have more than four digits before the point
    while (m_unit != "s" && m_last * m_scale >= 1e4)
    {
        m_unit = m_unit == "µs" ? "ms" : "s";
        m_scale /= 1e3;
    }
    double x = 0;
    for (size_t i = 0; i < spans.size(); ++i)
    {
        m_spans.push_back({spans[i].first, spans[i].second, x});
        x += spans[i].second - spans[i].first;
        if (i < gaps.size())
        {
            m_gaps.push_back({x * m_scale, (x + gap_width) * m_scale, gaps[i]});
            x += gap_width;
        }
    }
}

double
TimeAxis::Map(double t) const
{
    const Span* s = &m_spans.front();
    for (const Span& sp : m_spans)
    {
        if (t >= sp.t0)
        {
            s = &sp;
        }
    }
    return (s->x0 + std::min(t, s->t1) - s->t0 + std::max(0.0, t - s->t1)) * m_scale;
}

std::string
TimeAxis::GapLabel(double seconds)
{
    return seconds >= 1.0 ? fmt::format("{:.2f} s idle", seconds) : fmt::format("{:.0f} ms idle", seconds * 1e3);
}

namespace
{

// A round step giving about five ticks over `len` (1, 2 or 5 times a power of ten)
double
RoundStep(double len)
{
    const double raw = len / 5;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    return raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
}

} // namespace

std::vector<TimeAxis::Tick>
TimeAxis::Ticks() const
{
    // Round ticks inside each span at that span's step; a span too short to hold one
    // (a lone FIN after a gap) gets a tick at its instant. One number of decimals for
    // the whole axis, the finest step's, so that labels read alike.
    struct Candidate
    {
        double t;
        double x;
    };
    std::vector<Candidate> cands;
    // No step finer than about 8% of the drawn width: a span shorter than that (the
    // FIN and its ACK 20 µs later) holds one tick at most, and must not force six
    // decimals on every label
    const double drawn = End() / m_scale;
    // (RoundStep(x) rounds x / 5 up to 1, 2 or 5 times a power of ten: here 8% of the width)
    const double coarsest = drawn > 0 ? RoundStep(drawn * 0.4) : 0;
    double finest = 0;
    for (const Span& s : m_spans)
    {
        const double len = s.t1 - s.t0;
        size_t before = cands.size();
        if (len > 0)
        {
            const double step = std::max(RoundStep(len), coarsest);
            finest = finest == 0 ? step : std::min(finest, step);
            for (double k = std::ceil(s.t0 / step - 1e-9); k * step <= s.t1 + 1e-12; ++k)
            {
                // placed within this span even if rounding puts k * step a hair outside
                const double t = std::clamp(k * step, s.t0, s.t1);
                // (+ 0.0: ceil(-1e-9) is -0, which would print as "-0.000")
                cands.push_back({k * step + 0.0, (s.x0 + t - s.t0) * m_scale});
            }
        }
        if (cands.size() == before)
        {
            cands.push_back({s.t0, s.x0 * m_scale});
        }
    }
    if (finest == 0)
    {
        finest = 1.0 / m_scale; // all instantaneous: whole units
    }
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(finest * m_scale) + 1e-9)));
    // No tick closer than 6% of the drawn width to the one before, so that labels do
    // not run into each other
    std::vector<Tick> ticks;
    const double width = std::max(End(), 1e-12);
    for (const Candidate& c : cands)
    {
        if (ticks.empty() || c.x - ticks.back().x >= 0.06 * width)
        {
            ticks.push_back({c.x, fmt::format("{:.{}f}", c.t * m_scale, decimals)});
        }
    }
    return ticks;
}

} // namespace sim
