// SPDX-License-Identifier: GPL-2.0-only
// Faults a link puts on the packets it carries, as scenario inputs ([link] drop, loss):
// which of a host's packets the network loses. Decided per packet from the host, the
// packet's index and --seed alone, so a run repeats whatever else changes.
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
    double loss = 0; // probability that any packet is lost, drawn per packet

    bool Any() const { return !drop_client.empty() || !drop_server.empty() || loss > 0; }
};

enum class Sender
{
    Client,
    Server,
};

// Counts each host's packets and says which the link loses. A lost packet has still
// left its host: a capture there shows it; the peer's does not.
class FaultInjector
{
  public:
    FaultInjector(LinkFaults faults, uint64_t seed);
    // The next packet `from` sends: true if the link loses it
    bool Lose(Sender from);
    uint32_t Sent(Sender from) const { return m_sent[Index(from)]; }

  private:
    static int Index(Sender s) { return s == Sender::Client ? 0 : 1; }
    LinkFaults m_faults;
    uint64_t m_seed;
    uint32_t m_sent[2] = {0, 0};
};

} // namespace sim
