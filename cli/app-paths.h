// SPDX-License-Identifier: GPL-2.0-only
// Where the checkout is: SIM_ROOT (set by ./sim), else the source folder it was built from.
#pragma once

#include <cstdlib>
#include <string>

namespace sim
{

inline std::string
RootDir()
{
    if (const char* r = std::getenv("SIM_ROOT"); r && *r)
    {
        return r;
    }
    return SIM_SOURCE_DIR;
}

} // namespace sim
