// SPDX-License-Identifier: GPL-2.0-only
#include "models/record/drop-rules.h"

#include "models/scenario/bind-check.h"

#include <fmt/format.h>

#include <set>

namespace sim
{

namespace
{

// One host's rule. nft_ng_inc_eval() (numgen inc) hands out 0, 1, 2, ... to the
// packets that reach it, and a rule's expressions stop at the first that does not
// match, so after `ip saddr` it numbers that host's IPv4 packets alone, from 0. One
// numgen and one verdict map per host, not a rule per index: a second rule's counter
// would not count the packets the first had dropped. The modulus only bounds the
// counter (nft_ng_inc_init() needs one); no run sends a billion packets.
std::string
HostRule(ns3::Ipv4Address from, const std::vector<uint32_t>& indices)
{
    std::string map;
    // an index listed twice is one element (a verdict map refuses duplicate keys)
    for (uint32_t k : std::set<uint32_t>(indices.begin(), indices.end()))
    {
        map += fmt::format("{}{} : drop", map.empty() ? "" : ", ", k - 1);
    }
    return fmt::format("        ip saddr {} numgen inc mod 1000000000 vmap {{ {} }}\n", AddressText(from), map);
}

} // namespace

std::string
DropRuleset(const LinkFaults& faults, ns3::Ipv4Address client, ns3::Ipv4Address server)
{
    if (faults.drop_client.empty() && faults.drop_server.empty())
    {
        return "";
    }
    // The bridge family's forward hook (nf_tables_bridge, br_forward() -> NF_BR_FORWARD)
    // sees every frame the bridge passes between its two ports, without br_netfilter
    std::string rules = fmt::format("table bridge {} {{\n    chain forward {{\n"
                                    "        type filter hook forward priority 0; policy accept;\n",
                                    kDropTable);
    if (!faults.drop_client.empty())
    {
        rules += HostRule(client, faults.drop_client);
    }
    if (!faults.drop_server.empty())
    {
        rules += HostRule(server, faults.drop_server);
    }
    return rules + "    }\n}\n";
}

} // namespace sim
