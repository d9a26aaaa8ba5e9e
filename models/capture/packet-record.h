// SPDX-License-Identifier: GPL-2.0-only
// One captured TCP/IPv4 packet, decoded: the fields a trace line, a comparison or a
// plot needs.
#pragma once

#include "models/capture/link-types.h"
#include "models/capture/pcap-file.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct PacketRecord
{
    uint64_t time_ns = 0;
    uint32_t frame_len = 0;
    std::string src;
    std::string dst;
    uint32_t src_ip = 0; // the same addresses as numbers (host order), for lookups
    uint32_t dst_ip = 0;
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint8_t flags = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint16_t win_raw = 0;
    uint32_t len = 0; // TCP payload bytes

    std::optional<uint16_t> mss;
    bool sack_perm = false;
    std::optional<uint32_t> tsval;
    std::optional<uint32_t> tsecr;
    std::optional<uint8_t> ws;
    // SACK blocks (left and right edges), in the order the segment carries them
    uint8_t num_sacks = 0;
    uint32_t sle[4] = {};
    uint32_t sre[4] = {};
    std::string why; // the frame's comment: why the simulation sent it (trace.pcapng)
};

// Decode a frame of the given link type. Returns nothing for what is not TCP over IPv4.
std::optional<PacketRecord> DecodeFrame(LinkType lt, const Frame& frame);

// "SYN,ACK"-style flag names in Wireshark's order
std::string FlagNames(uint8_t flags);

} // namespace sim
