// SPDX-License-Identifier: GPL-2.0-only
// The checks bind() and connect() make before a program can use an address and port,
// done on the scenario before anything runs, so an impossible experiment is refused
// with the error the real program would have got.
#pragma once

#include <ns3/ipv4-address.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct BindRequest
{
    std::string who; // "the server", "connection 34662", ...
    ns3::Ipv4Address address;
    uint16_t port = 0;
    bool reuseaddr = false; // SO_REUSEADDR
    bool listening = false; // bound for listen(), not for connect()
};

// "127.0.0.1"
std::string AddressText(ns3::Ipv4Address a);

// inet_addr_type() == RTN_LOCAL on a host whose only interface is lo: 127.0.0.0/8
bool LoopbackOwns(ns3::Ipv4Address a);

// inet_csk_bind_conflict() for bind(): the earlier socket on the same host that
// `next` collides with, if any. Same port, and addresses that overlap (equal, or
// either one INADDR_ANY); SO_REUSEADDR on both lets them share only when the earlier
// one is not listening (inet_bind_conflict(), no SO_REUSEPORT here).
std::optional<size_t> BindConflict(const std::vector<BindRequest>& earlier, const BindRequest& next);

// The errno words of a refused bind, for an error line
std::string BindConflictText(const BindRequest& earlier, const BindRequest& next);

} // namespace sim
