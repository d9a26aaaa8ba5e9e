// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/link-types.h"

namespace sim
{

uint32_t
LinkHeaderLen(LinkType lt)
{
    switch (lt)
    {
    case LinkType::Null:
        return 4;
    case LinkType::Ethernet:
        return 14;
    case LinkType::Raw:
    case LinkType::Ipv4:
        return 0;
    case LinkType::LinuxSll:
        return 16;
    case LinkType::LinuxSll2:
        return 20;
    }
    return 0;
}

static const struct
{
    LinkType lt;
    const char* name;
} kNames[] = {
    {LinkType::LinuxSll, "linux-sll"},
    {LinkType::LinuxSll2, "linux-sll2"},
    {LinkType::Ethernet, "ethernet"},
    {LinkType::Raw, "raw"},
    {LinkType::Ipv4, "ipv4"},
    {LinkType::Null, "null"},
};

bool
IsSupportedLinkType(uint32_t lt)
{
    for (const auto& n : kNames)
    {
        if (static_cast<uint32_t>(n.lt) == lt)
        {
            return true;
        }
    }
    return false;
}

std::string
SupportedLinkTypes()
{
    std::string out;
    for (const auto& n : kNames)
    {
        out += (out.empty() ? "" : ", ") + std::string(n.name) + " (" +
               std::to_string(static_cast<uint32_t>(n.lt)) + ")";
    }
    return out;
}

std::string
LinkTypeName(LinkType lt)
{
    for (const auto& n : kNames)
    {
        if (n.lt == lt)
        {
            return n.name;
        }
    }
    return "linktype-" + std::to_string(static_cast<uint32_t>(lt));
}

bool
LinkTypeFromName(const std::string& name, LinkType& out)
{
    for (const auto& n : kNames)
    {
        if (name == n.name)
        {
            out = n.lt;
            return true;
        }
    }
    return false;
}

} // namespace sim
