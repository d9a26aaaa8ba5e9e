// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "models/tcp/kernel-profile.h"

#include <string>

namespace sim
{

// A profile by name (models/profiles/NAME.toml under `root`) or by path.
// Throws InputError naming file, line and key.
KernelProfile LoadKernelProfile(const std::string& name_or_path, const std::string& root);

// Where models/profiles is: SIM_ROOT (set by ./sim), else the source folder the model
// was built from
std::string ProfileRoot();

} // namespace sim
