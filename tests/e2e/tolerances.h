// SPDX-License-Identifier: GPL-2.0-only
// How closely a simulated trace must match a seed capture, stated once.
#pragma once

namespace simtest
{

// Seed tables (v1, v3, parta; partb's rows): the time of each packet. Program
// think times are inputs given to a few microseconds; the kernel's own packets must
// land within this.
inline constexpr double kSeedTimeToleranceS = 0.0005;

} // namespace simtest
