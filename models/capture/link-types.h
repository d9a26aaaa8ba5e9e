// SPDX-License-Identifier: GPL-2.0-only
// pcap link-layer types (DLT_* / LINKTYPE_* of libpcap) the simulator reads and writes.
#pragma once

#include <cstdint>
#include <string>

namespace sim
{

enum class LinkType : uint32_t
{
    Null = 0,        // BSD loopback: 4-byte host-order address family
    Ethernet = 1,    // 14-byte Ethernet II header
    Raw = 101,       // LINKTYPE_RAW: the IP header first
    LinuxSll = 113,  // Linux cooked v1, 16-byte header
    Ipv4 = 228,      // LINKTYPE_IPV4
    LinuxSll2 = 276, // Linux cooked v2, 20-byte header
};

// Bytes of the link header before IP for a link type we write
uint32_t LinkHeaderLen(LinkType lt);

// Whether captures of this link type can be read (DecodeFrame() knows its header)
bool IsSupportedLinkType(uint32_t lt);
std::string SupportedLinkTypes(); // for messages

// "linux-sll", "ethernet", ... as scenario files and messages spell them
std::string LinkTypeName(LinkType lt);
bool LinkTypeFromName(const std::string& name, LinkType& out);

} // namespace sim
