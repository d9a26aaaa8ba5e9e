// SPDX-License-Identifier: GPL-2.0-only
// Placing text labels on a chart so that none overlaps another or leaves the frame:
// each label is tried to the right of its point, then to the left; one that fits
// neither is dropped (Part B's window sizes come every few hundred microseconds).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sim
{

// A rectangle in pixels of the plot area, origin at its lower left
struct Box
{
    double x, y, w, h;
    bool Overlaps(const Box& o, double pad) const
    {
        return x < o.x + o.w + pad && o.x < x + w + pad && y < o.y + o.h + pad && o.y < y + h + pad;
    }
};

struct LabelRequest
{
    double px, py; // the point labelled
    double w, h;   // the text's size
};

struct PlacedLabel
{
    size_t index; // into the requests
    Box box;
};

// In request order; `obstacles` (the legend) are kept clear as well. `pad`: the least
// distance between two boxes.
std::vector<PlacedLabel> PlaceLabels(const std::vector<LabelRequest>& requests, double frame_w, double frame_h,
                                     const std::vector<Box>& obstacles, double pad = 3);

// Estimated size of a label in the charts' small font (',8' in pngcairo/svg: about
// 6 px a character, 11 px high; rather too big than too small)
inline double
LabelWidth(const std::string& text)
{
    return 6.5 * static_cast<double>(text.size());
}
constexpr double kLabelHeight = 12;

} // namespace sim
