// SPDX-License-Identifier: GPL-2.0-only
#include "models/scenario/bind-check.h"

#include <fmt/format.h>

#include <sstream>

namespace sim
{

using ns3::Ipv4Address;

bool
LoopbackOwns(Ipv4Address a)
{
    return a.CombineMask(ns3::Ipv4Mask("255.0.0.0")) == Ipv4Address("127.0.0.0");
}

std::string
AddressText(Ipv4Address a)
{
    std::ostringstream s;
    a.Print(s);
    return s.str();
}

std::optional<size_t>
BindConflict(const std::vector<BindRequest>& earlier, const BindRequest& next)
{
    for (size_t i = 0; i < earlier.size(); ++i)
    {
        const BindRequest& sk2 = earlier[i];
        // inet_rcv_saddr_equal(..., match_wildcard = true)
        const bool overlap = sk2.address == next.address || sk2.address.IsAny() || next.address.IsAny();
        if (sk2.port != next.port || !overlap)
        {
            continue;
        }
        if (next.reuseaddr && sk2.reuseaddr && !sk2.listening)
        {
            continue;
        }
        return i;
    }
    return std::nullopt;
}

std::string
BindConflictText(const BindRequest& earlier, const BindRequest& next)
{
    return fmt::format("{}:{} is in use by {}{} on {}:{} (bind(): EADDRINUSE{})", AddressText(next.address),
                       next.port, earlier.who, earlier.listening ? " listening" : "", AddressText(earlier.address),
                       earlier.port,
                       earlier.listening && next.reuseaddr && earlier.reuseaddr
                           ? "; SO_REUSEADDR does not share a port with a listening socket"
                           : "");
}

} // namespace sim
