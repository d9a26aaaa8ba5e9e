// SPDX-License-Identifier: GPL-2.0-only
// What a segment in flight carries beside its packet. A segment travels through ns-3
// (IPv4, devices, channels) as a packet whose payload is ns-3's virtual zero-filled
// area, so its bytes are never copied on the way; its content, and why it was sent,
// ride beside it here, keyed by the packet's uid (kept by every copy of the packet).
// The sender puts them, the capture looks at them (the bytes it writes, the packet's
// comment), the receiving TCP takes them. One simulation per process: the store is
// emptied when a run ends.
#pragma once

#include "models/tcp/payload.h"
#include "models/tcp/send-reason.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

namespace sim
{

class PayloadStore
{
  public:
    // Reasons are kept only when a run asks for them (`--why`): building the sender's
    // snapshot for every packet costs a tenth of a long run
    static void KeepNotes(bool on) { NotesOn() = on; }
    static bool KeepingNotes() { return NotesOn(); }

    // A segment without payload is kept only for its note. `dataref`: the sender's
    // skb on loopback, whose data the receiver's skb shares (a clone) until the sender
    // frees it. `gso_size`: the segments' size of a GSO packet (0: not one). `frags`:
    // the page frags its payload sits in (skb_shinfo()->nr_frags)
    static void Put(uint64_t uid,
                    Payload p,
                    const SendNote& note,
                    std::shared_ptr<const int> dataref = nullptr,
                    uint32_t gso_size = 0,
                    uint32_t frags = 1)
    {
        if (!p.empty() || NotesOn())
        {
            Map()[uid] = Entry{std::move(p), note, std::move(dataref), 0, gso_size, frags};
        }
    }
    static const Payload* PeekPayload(uint64_t uid)
    {
        auto it = Map().find(uid);
        return it == Map().end() || it->second.payload.empty() ? nullptr : &it->second.payload;
    }
    static const SendNote* PeekNote(uint64_t uid)
    {
        auto it = Map().find(uid);
        return it == Map().end() ? nullptr : &it->second.note;
    }
    // The content, for the receiving TCP (empty for a segment without payload); the
    // entry is gone after
    static std::optional<Payload> Take(uint64_t uid,
                                       std::shared_ptr<const int>* dataref = nullptr,
                                       uint32_t* gso_size = nullptr,
                                       uint32_t* frags = nullptr)
    {
        auto it = Map().find(uid);
        if (it == Map().end())
        {
            return std::nullopt;
        }
        if (gso_size)
        {
            *gso_size = it->second.gso_size;
        }
        if (frags)
        {
            *frags = it->second.frags;
        }
        if (it->second.copies > 0)
        {
            // another copy of the packet is still on its way (a duplicating link)
            it->second.copies--;
            if (dataref)
            {
                *dataref = it->second.dataref;
            }
            return it->second.payload;
        }
        Payload p = std::move(it->second.payload);
        if (dataref)
        {
            *dataref = std::move(it->second.dataref);
        }
        Map().erase(it);
        return p;
    }
    // A link duplicated the packet: one more copy will be taken
    static void AddCopy(uint64_t uid)
    {
        if (auto it = Map().find(uid); it != Map().end())
        {
            it->second.copies++;
        }
    }
    // A link lost the packet: no TCP will take it
    static void Lost(uint64_t uid) { Take(uid); }
    // Segments that never reached a TCP (dropped on the way)
    static void Clear() { Map().clear(); }

  private:
    struct Entry
    {
        Payload payload;
        SendNote note;
        std::shared_ptr<const int> dataref;
        int copies = 0;
        uint32_t gso_size = 0;
        uint32_t frags = 1;
    };
    static bool& NotesOn()
    {
        static bool on = false;
        return on;
    }
    static std::unordered_map<uint64_t, Entry>& Map()
    {
        static std::unordered_map<uint64_t, Entry> m;
        return m;
    }
};

} // namespace sim
