// SPDX-License-Identifier: GPL-2.0-only
// Frames as Wireshark records them, built from the IP packets the capture host sends
// and receives, and handed on one by one as they pass the capture point (so a trace
// is written as packets leave, never held whole).
#pragma once

#include "models/capture/pcap-file.h"

#include <ns3/ipv4.h>
#include <ns3/mac48-address.h>
#include <ns3/packet.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace sim
{

using FrameSink = std::function<void(Frame&&)>;

class CaptureTap
{
  public:
    // `explain`: each frame the simulation made gets its reason as the comment
    CaptureTap(FrameSink sink, LinkType lt, uint32_t snaplen = kDefaultSnaplen, bool explain = false);

    // A packet on lo, as the "any" device shows it (Linux cooked v1), stamped `later`
    // than now (the device's way to its capture point: the simulation needs no event)
    void Loopback(ns3::Ptr<const ns3::Packet> ip, ns3::Time later = ns3::Time(0));

    // The Ethernet interface to capture: Ipv4L3Protocol's Tx and Rx trace sources give
    // the IP packets of every interface; the capture keeps this one's
    void WatchEthernet(uint32_t interface, ns3::Mac48Address self, ns3::Mac48Address peer);
    void OnIpTx(ns3::Ptr<const ns3::Packet> ip, ns3::Ptr<ns3::Ipv4>, uint32_t interface);
    void OnIpRx(ns3::Ptr<const ns3::Packet> ip, ns3::Ptr<ns3::Ipv4>, uint32_t interface);

  private:
    void Ethernet(ns3::Ptr<const ns3::Packet> ip, bool outbound);
    void Add(std::vector<uint8_t> link_header, ns3::Ptr<const ns3::Packet> ip, bool pad, ns3::Time later = ns3::Time(0));

    FrameSink m_sink;
    LinkType m_lt;
    uint32_t m_snaplen;
    bool m_checksums; // Node::ChecksumEnabled(), read once: it looks the value up by name
    bool m_explain;
    uint32_t m_interface = 0;
    ns3::Mac48Address m_self;
    ns3::Mac48Address m_peer;
};

// RFC 793/1071: the TCP checksum of a segment whose IPv4 and TCP headers are `ip`
// (checksum field ignored) and whose payload sums to `payload_sum`
uint16_t TcpChecksum(const uint8_t* ip, size_t headers_len, size_t tcp_len, uint16_t payload_sum);

} // namespace sim
