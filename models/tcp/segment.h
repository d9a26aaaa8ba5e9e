// SPDX-License-Identifier: GPL-2.0-only
// A received TCP segment, parsed once from the ns-3 headers (the kernel's
// TCP_SKB_CB(skb) plus the options of tcp_parse_options()).
#pragma once

#include "models/tcp/payload.h"
#include "models/tcp/tcb.h"

#include <ns3/ipv4-address.h>

#include <cstdint>
#include <memory>
#include <string>

namespace sim
{

// TCP header flag bits (TCPHDR_*)
inline constexpr uint8_t TCPHDR_FIN = 0x01;
inline constexpr uint8_t TCPHDR_SYN = 0x02;
inline constexpr uint8_t TCPHDR_RST = 0x04;
inline constexpr uint8_t TCPHDR_PSH = 0x08;
inline constexpr uint8_t TCPHDR_ACK = 0x10;
inline constexpr uint8_t TCPHDR_URG = 0x20;

struct ReceivedOptions
{
    bool mss_present = false;
    uint16_t mss = 0;
    bool sack_perm = false;
    bool ts_present = false;
    uint32_t tsval = 0;
    uint32_t tsecr = 0;
    bool ws_present = false;
    uint8_t ws = 0;
    uint8_t num_sacks = 0;
    SackBlock sacks[4];
};

// skb_cloned() for an skb whose data `dataref` may share with the sender's retransmit
// queue (on loopback, until the sender frees its copy)
inline bool SkbCloned(const std::shared_ptr<const int>& dataref)
{
    return dataref && dataref.use_count() > 1;
}

struct Segment
{
    ns3::Ipv4Address src;
    ns3::Ipv4Address dst;
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint32_t seq = 0;
    uint32_t end_seq = 0; // seq + len + SYN + FIN
    uint32_t ack_seq = 0;
    uint8_t flags = 0;
    uint16_t window = 0; // raw header field, not scaled
    uint32_t hdr_len = 0;
    Payload payload;
    ReceivedOptions opt;
    int truesize = 0; // of the skb the receiver charges to its buffer
    // on loopback the skb arrives as a clone of the sender's (tcp_transmit_skb()
    // clones it for the retransmit queue): this is shared with that copy
    std::shared_ptr<const int> dataref;
    // skb_shinfo(skb)->gso_size: on loopback a GSO skb arrives whole, standing for
    // segments of this size (0: it is one segment)
    uint32_t gso_size = 0;
    // page frags of its payload: the sender's pages it spans (sk_page_frag()), more
    // once segments joined in the backlog (tcp_add_backlog())
    uint32_t frags = 1;

    bool Has(uint8_t f) const { return (flags & f) != 0; }
    // skb_cloned(): the data is still shared with the sender's copy
    bool Cloned() const { return SkbCloned(dataref); }
    uint32_t Len() const { return static_cast<uint32_t>(payload.size()); }
};

// before()/after() of include/net/tcp.h: sequence-space comparisons
inline bool SeqBefore(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(a - b) < 0;
}

inline bool SeqAfter(uint32_t a, uint32_t b)
{
    return SeqBefore(b, a);
}

} // namespace sim
