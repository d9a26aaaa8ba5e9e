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
    m_unit = active < 2.0 ? "ms" : "s";
    m_scale = m_unit == "ms" ? 1e3 : 1.0;
    double x = 0;
    for (size_t i = 0; i < spans.size(); ++i)
    {
        m_spans.push_back({spans[i].first, spans[i].second, x});
        x += spans[i].second - spans[i].first;
        if (i < gaps.size())
        {
            m_gaps.push_back({(x + gap_width / 2) * m_scale, gaps[i]});
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

static std::string
Label(double t_s, const std::string& unit)
{
    if (unit == "ms")
    {
        const double ms = t_s * 1e3;
        if (t_s >= 1.0)
        {
            return fmt::format("{:.6g} s", t_s);
        }
        return fmt::format("{:.3g}", ms);
    }
    return fmt::format("{:.4g}", t_s);
}

std::vector<TimeAxis::Tick>
TimeAxis::Ticks() const
{
    // About five ticks over each span at round steps; no tick closer than 6% of the
    // drawn width to the one before, so that labels do not run into each other
    std::vector<Tick> ticks;
    const double width = std::max(End(), 1e-12);
    auto add = [&](double t) {
        const double x = Map(t);
        if (ticks.empty() || x - ticks.back().x >= 0.06 * width)
        {
            ticks.push_back({x, Label(t, m_unit)});
        }
    };
    for (const Span& s : m_spans)
    {
        const double len = s.t1 - s.t0;
        add(s.t0);
        if (len <= 0)
        {
            continue;
        }
        const double raw = len / 5;
        const double mag = std::pow(10.0, std::floor(std::log10(raw)));
        const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
        for (double t = std::ceil(s.t0 / step) * step; t <= s.t1 + 1e-12; t += step)
        {
            if (t - s.t0 > step * 0.4)
            {
                add(t);
            }
        }
    }
    return ticks;
}

} // namespace sim
