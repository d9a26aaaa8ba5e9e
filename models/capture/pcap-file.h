// SPDX-License-Identifier: GPL-2.0-only
// Reading and writing capture files. Writing: classic pcap with nanosecond stamps, to a
// temporary file that is renamed into place only when complete. Reading: libpcap, so
// pcap (µs and ns) and pcapng of any link type come in the same way.
#pragma once

#include "models/capture/link-types.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim
{

struct Frame
{
    uint64_t time_ns = 0;  // since the epoch of the file
    uint32_t orig_len = 0; // on the wire
    std::vector<uint8_t> bytes;
    std::string comment; // why it was sent (a frame the simulation made, when asked)
};

struct Capture
{
    LinkType link_type = LinkType::LinuxSll;
    std::vector<Frame> frames;
    // Set when the file ends inside a packet (tcpdump killed, a file still being
    // written): where it was cut, in words. `frames` holds the complete packets.
    std::string cut_short;
};

// An unreadable, truncated or unsupported capture file
class CaptureError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// What a reader does with a file that ends inside a packet: refuse it, or keep the
// complete packets before the cut (as tshark does) and say where it was cut.
enum class OnCutShort
{
    Refuse,
    KeepCompletePackets,
};

// Throws CaptureError; the message names the file.
Capture ReadCapture(const std::string& path, OnCutShort on_cut = OnCutShort::Refuse);

// Writes `path` atomically (temp file + rename). Throws std::runtime_error.
void WritePcap(const std::string& path, const Capture& cap);

// tcpdump's default snapshot length: whole packets
inline constexpr uint32_t kDefaultSnaplen = 262144;

// The classic pcap file header (nanosecond variant), and one record appended to `out`
std::string PcapFileHeader(LinkType lt, uint32_t snaplen = kDefaultSnaplen);
void AppendPcapRecord(std::string& out, const Frame& f);

// pcapng: a section header and one interface (nanosecond stamps), then an enhanced
// packet block per frame with its comment (opt_comment), which Wireshark shows
std::string PcapngFileHeader(LinkType lt, uint32_t snaplen);
void AppendPcapngPacket(std::string& out, const Frame& f);

// The comment of each packet of a pcapng file, in order (libpcap does not read them):
// an empty string for a packet without one. Throws CaptureError.
std::vector<std::string> ReadPcapngComments(const std::string& path);

// Writes a text file atomically (temp file + rename). Throws std::runtime_error.
void WriteFileAtomic(const std::string& path, const std::string& content);

} // namespace sim
