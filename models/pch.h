// SPDX-License-Identifier: GPL-2.0-only
// Precompiled header: the heavy ns-3 and library headers the model includes.
#pragma once
#include <ns3/core-module.h>
#include <ns3/network-module.h>
#include <ns3/internet-module.h>
#include <fmt/format.h>
#include <toml++/toml.h>
