// SPDX-License-Identifier: GPL-2.0-only
// The payload of a segment in flight. A segment travels through ns-3 (IPv4, devices,
// channels) as a packet whose payload is ns-3's virtual zero-filled area, so its bytes
// are never copied on the way; its content rides beside it here, keyed by the packet's
// uid (kept by every copy of the packet). The sender puts it, the capture looks at it
// (the bytes it writes), the receiving TCP takes it. One simulation per process: the
// store is emptied when a run ends.
#pragma once

#include "models/tcp/payload.h"

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace sim
{

class PayloadStore
{
  public:
    static void Put(uint64_t uid, Payload p) { Map()[uid] = std::move(p); }
    static const Payload* Peek(uint64_t uid)
    {
        auto it = Map().find(uid);
        return it == Map().end() ? nullptr : &it->second;
    }
    static std::optional<Payload> Take(uint64_t uid)
    {
        auto it = Map().find(uid);
        if (it == Map().end())
        {
            return std::nullopt;
        }
        Payload p = std::move(it->second);
        Map().erase(it);
        return p;
    }
    // Segments that never reached a TCP (dropped on the way)
    static void Clear() { Map().clear(); }
    static size_t InFlight() { return Map().size(); }

  private:
    static std::unordered_map<uint64_t, Payload>& Map()
    {
        static std::unordered_map<uint64_t, Payload> m;
        return m;
    }
};

} // namespace sim
