// SPDX-License-Identifier: GPL-2.0-only
// The Linux 5.15 figures the unit tests work their expected values from by hand.
#pragma once

#include "models/tcp/kernel-profile.h"

namespace simtest
{

inline sim::KernelProfile
Linux515()
{
    sim::KernelProfile p;
    p.tcp_rmem = {4096, 131072, 6291456};
    p.tcp_adv_win_scale = 1;
    p.max_tcp_header = 320;
    return p;
}

} // namespace simtest
