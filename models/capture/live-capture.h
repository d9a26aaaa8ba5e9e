// SPDX-License-Identifier: GPL-2.0-only
// Capturing this host's real traffic with libpcap the way Wireshark's "any" device
// does: Linux cooked v1 headers (DLT 113), nanosecond stamps, a BPF filter. Or one
// Ethernet interface's frames (DLT 1), as Wireshark on that interface.
#pragma once

#include "models/capture/pcap-file.h"

#include <cstdint>
#include <string>

struct pcap;

namespace sim
{

class LiveCapture
{
  public:
    // Throws CaptureError when the device cannot be opened (no root, no libpcap access)
    explicit LiveCapture(const std::string& filter);
    // A device of the network namespace the calling thread is in (the packet socket
    // stays in it): an interface with LinkType::Ethernet, "any" with LinuxSll
    LiveCapture(const std::string& filter, const std::string& device, LinkType link);
    ~LiveCapture();
    LiveCapture(const LiveCapture&) = delete;
    LiveCapture& operator=(const LiveCapture&) = delete;

    // Takes what the ring has handed over so far (a block when full, or at most 1 ms
    // after it opened); never blocks
    void Poll();
    const Capture& Result() const { return m_capture; }
    // Packets the kernel could not put in the capture's ring since it opened (it was
    // full: the polls came too late), pcap_stats()'s ps_drop
    uint64_t Dropped() const;

  private:
    pcap* m_pcap = nullptr;
    Capture m_capture;
};

} // namespace sim
