// SPDX-License-Identifier: GPL-2.0-only
// A scenario's [link] drop lists as nftables rules for the bridge between the recorded
// hosts: the k-th IPv4 packet a host sends (its SYN or SYN-ACK is 1) is dropped in the
// middle, after its sender's capture saw it and before the peer's could.
#pragma once

#include "models/link/link-faults.h"

#include <ns3/ipv4-address.h>

#include <string>

namespace sim
{

// The table's name in the middle namespace
constexpr const char* kDropTable = "sim_record";

// An `nft -f` ruleset: one rule per host with a drop list, on the bridge's forward
// hook. Empty when neither host drops anything.
std::string DropRuleset(const LinkFaults& faults, ns3::Ipv4Address client, ns3::Ipv4Address server);

} // namespace sim
