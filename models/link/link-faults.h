// SPDX-License-Identifier: GPL-2.0-only
// Faults a link puts on the packets it carries, as scenario inputs ([link] drop, loss,
// duplicate, reorder): what the network does to each packet a host sends. Decided per
// packet from the host, the packet's index and --seed alone, so a run repeats
// whatever else changes.
#pragma once

#include <cstdint>
#include <vector>

namespace sim
{

struct LinkFaults
{
    // 1-based indices of the IPv4 packets each host sends (its SYN or SYN-ACK is 1)
    std::vector<uint32_t> drop_client;
    std::vector<uint32_t> drop_server;
    double loss = 0;      // probability that a packet is lost
    double duplicate = 0; // that it arrives twice
    double reorder = 0;   // that it is held back reorder_delay, so later ones pass it
    int64_t reorder_delay_ns = 1000000;

    bool Any() const
    {
        return !drop_client.empty() || !drop_server.empty() || loss > 0 || duplicate > 0 || reorder > 0;
    }
};

enum class Sender
{
    Client,
    Server,
};

// What the link does to one packet
struct Fate
{
    bool lost = false;
    bool duplicated = false;
    int64_t extra_delay_ns = 0; // held back (reordered)
};

// Counts each host's packets and draws their fates. A lost packet has still left its
// host: a capture there shows it; the peer's does not.
class FaultInjector
{
  public:
    FaultInjector(LinkFaults faults, uint64_t seed);
    // The fate of the next packet `from` sends
    Fate Next(Sender from);
    // The next packet `from` sends: true if the link loses it
    bool Lose(Sender from) { return Next(from).lost; }
    uint32_t Sent(Sender from) const { return m_sent[Index(from)]; }

  private:
    static int Index(Sender s) { return s == Sender::Client ? 0 : 1; }
    double Draw(uint32_t index, Sender from, uint64_t what) const;
    LinkFaults m_faults;
    uint64_t m_seed;
    uint32_t m_sent[2] = {0, 0};
};

} // namespace sim
