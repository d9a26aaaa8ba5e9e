// SPDX-License-Identifier: GPL-2.0-only
// SplitMix64 (Steele, Lea, Flood 2014): the finalizer that turns `--seed` and a name or
// a flow into well-spread 64-bit values, the same on every machine.
#pragma once

#include <cstdint>

namespace sim
{

inline uint64_t
SplitMix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace sim
