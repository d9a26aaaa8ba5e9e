// SPDX-License-Identifier: GPL-2.0-only
// The backquoted shell lines of packetdrill scripts, as far as they set sysctls:
// `sysctl -q net.ipv4.X=V ...`, `set_sysctls.py /proc/sys/net/ipv4/X=V ...`, the
// suite's defaults script (read from the script's folder, interpreted line by line),
// and the housekeeping lines around them (the restore script, `ip tcp_metrics flush`,
// `tc qdisc`). Each sysctl becomes a kernel-profile key where the profile has one,
// is accepted with a note where the model already behaves as the value says, and is
// refused (ScriptError, unsupported) where the script's outcome would depend on a
// behaviour the model lacks.
#pragma once

#include "models/tcp/kernel-profile.h"

#include <string>
#include <vector>

namespace sim::drill
{

// The tun device's settings shell lines change. `tso`: its TSO, which `ethtool -K
// tun0 tso off gso off` turns off; null once the run has started (the device is
// built). `drops_all`: a qdisc of no room (`tc qdisc add dev tun0 root pfifo limit 0`)
// drops every packet; null before the run starts.
struct TunSettings
{
    bool* tso = nullptr;
    bool* drops_all = nullptr;
};

// Runs the sysctl settings of `command` (the text between the backquotes) on
// `profile`. `script_dir`: where the script's relative paths start.
// Notes on accepted no-op settings go to `notes`. Throws ScriptError at `line`.
void RunShellCommand(const std::string& command,
                     const std::string& script_dir,
                     int line,
                     KernelProfile& profile,
                     std::vector<std::string>& notes,
                     const TunSettings& tun);

// One sysctl, by its dotted name ("net.ipv4.tcp_rmem") and value as written
// ("4096 540000 15728640"). Throws ScriptError at `line`.
void ApplySysctl(const std::string& name,
                 const std::string& value,
                 int line,
                 KernelProfile& profile,
                 std::vector<std::string>& notes);

} // namespace sim::drill
