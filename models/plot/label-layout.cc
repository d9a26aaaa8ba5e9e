// SPDX-License-Identifier: GPL-2.0-only
#include "models/plot/label-layout.h"

namespace sim
{

std::vector<PlacedLabel>
PlaceLabels(const std::vector<LabelRequest>& requests, double frame_w, double frame_h,
            const std::vector<Box>& obstacles, double pad)
{
    std::vector<PlacedLabel> placed;
    auto fits = [&](const Box& b) {
        if (b.x < 0 || b.y < 0 || b.x + b.w > frame_w || b.y + b.h > frame_h)
        {
            return false;
        }
        for (const Box& o : obstacles)
        {
            if (b.Overlaps(o, pad))
            {
                return false;
            }
        }
        for (const PlacedLabel& p : placed)
        {
            if (b.Overlaps(p.box, pad))
            {
                return false;
            }
        }
        return true;
    };
    for (size_t i = 0; i < requests.size(); ++i)
    {
        const LabelRequest& r = requests[i];
        // just above the point, to its right; else to its left (the last one, at the
        // right edge of the frame)
        const Box right{r.px + 3, r.py + 2, r.w, r.h};
        const Box left{r.px - 3 - r.w, r.py + 2, r.w, r.h};
        if (fits(right))
        {
            placed.push_back({i, right});
        }
        else if (fits(left))
        {
            placed.push_back({i, left});
        }
    }
    return placed;
}

} // namespace sim
