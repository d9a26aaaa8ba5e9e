// SPDX-License-Identifier: GPL-2.0-only
// An IPv4/TCP packet as packetdrill handles it (struct packet): the header fields it
// compares, the option bytes as they are on the wire, and the payload length (its
// content is zeros on both sides). Built from a script line or from the bytes the
// stack sent; printed the way packetdrill's packet_to_string() prints it.
#pragma once

#include "models/drill/script.h"

#include <ns3/packet.h>
#include <ns3/ptr.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sim::drill
{

// TCP option kinds (tcp.h TCPOPT_*)
inline constexpr uint8_t TCPOPT_EOL = 0;
inline constexpr uint8_t TCPOPT_NOP = 1;
inline constexpr uint8_t TCPOPT_MAXSEG = 2;
inline constexpr uint8_t TCPOPT_WINDOW = 3;
inline constexpr uint8_t TCPOPT_SACK_PERMITTED = 4;
inline constexpr uint8_t TCPOPT_SACK = 5;
inline constexpr uint8_t TCPOPT_TIMESTAMP = 8;
inline constexpr uint8_t TCPOPT_MD5SIG = 19;
inline constexpr uint8_t TCPOPT_FASTOPEN = 34;
inline constexpr uint8_t TCPOPT_EXP = 254;

// One option found by walking the option bytes (tcp_options_iterator.c)
struct RawOption
{
    uint8_t kind = 0;
    uint8_t length = 1; // 1 for EOL and NOP
    size_t offset = 0;  // of its kind byte in WirePacket::options
};

struct WirePacket
{
    // IPv4
    uint32_t src = 0; // host order
    uint32_t dst = 0;
    uint8_t ip_version = 4;
    uint8_t ip_protocol = 6;
    uint8_t ip_ihl = 5;
    uint16_t ip_tot_len = 0;
    uint8_t tos = 0;
    // TCP
    uint16_t sport = 0;
    uint16_t dport = 0;
    uint32_t seq = 0;
    uint32_t ack_seq = 0;
    bool fin = false, syn = false, rst = false, psh = false, ack = false, urg = false;
    bool ece = false, cwr = false, ae = false;
    uint8_t res1 = 0; // reserved bits of the TCP header
    uint16_t window = 0;
    uint16_t urg_ptr = 0;
    std::vector<uint8_t> options;
    uint32_t payload_len = 0;
    // what a script packet leaves unchecked (packet.h FLAG_WIN_NOCHECK, FLAG_OPTIONS_NOCHECK)
    bool win_nocheck = false;
    bool options_nocheck = false;

    uint8_t DataOffset() const { return static_cast<uint8_t>((20 + options.size()) / 4); }
    // the TCP header flags byte (FIN 0x01 ... URG 0x20, ECE 0x40, CWR 0x80)
    uint8_t FlagsByte() const;
};

// The packet a script line describes, in script space (its own sequence numbers)
WirePacket FromScript(const PacketSpec& spec);

// An IPv4 packet as it left the stack (IPv4 header first). Returns false if it is not
// IPv4/TCP.
bool FromIp(ns3::Ptr<const ns3::Packet> ip, WirePacket& out);

// The IPv4 packet to inject for `p` (header, TCP header with its options, zero payload)
ns3::Ptr<ns3::Packet> ToIp(const WirePacket& p);

// The options of `options`, or an error ("TCP option length byte extends too far")
bool WalkOptions(const std::vector<uint8_t>& options, std::vector<RawOption>& out, std::string* error);

// Offsets of the TS value and echo reply fields in `options`, if there is a TS option
bool FindTimestamp(const std::vector<uint8_t>& options, size_t* val_off, size_t* ecr_off);
uint32_t Get32(const std::vector<uint8_t>& b, size_t off);
void Put32(std::vector<uint8_t>& b, size_t off, uint32_t v);
// Adds `delta` to both edges of every SACK block (offset_sack_blocks())
void OffsetSackBlocks(std::vector<uint8_t>& options, uint32_t delta);

// packet_to_string(DUMP_SHORT): "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>"
std::string DumpShort(const WirePacket& p);
// tcp_option_info_to_string() of one option (index in the walk), or of all (-1)
std::string OptionsToString(const std::vector<uint8_t>& options, int index = -1);

} // namespace sim::drill
