// How closely a simulated trace must match a seed capture, stated once.
#pragma once

namespace simtest
{

// Exact tables (v1, v3, parta): the time of each packet since the first one. Program
// think times are inputs given to a few microseconds; the kernel's own packets must
// land within this.
inline constexpr double kSeedTimeToleranceS = 0.0005;

} // namespace simtest
