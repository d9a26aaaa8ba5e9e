// SPDX-License-Identifier: GPL-2.0-only
// The loopback device of one Linux host: ns-3's LoopbackNetDevice with the per-packet
// latency of the real path (netif_rx() to the receiving softirq) and a capture tap.
// Added to the node before InternetStackHelper::Install(), it is the device that
// Ipv4L3Protocol::SetupLoopback() finds and gives 127.0.0.1.
#pragma once

#include <ns3/loopback-net-device.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>

#include <functional>

namespace sim
{

class LinuxLoopbackNetDevice : public ns3::LoopbackNetDevice
{
  public:
    // Called with each IP packet as it leaves the sender: on lo, libpcap keeps only the
    // receive-side copy (linux_check_direction()), stamped at netif_rx().
    using Tap = std::function<void(ns3::Ptr<const ns3::Packet>)>;

    static ns3::TypeId GetTypeId();

    void SetLatency(ns3::Time latency) { m_latency = latency; }
    void SetTap(Tap tap) { m_tap = std::move(tap); }

    bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest, uint16_t protocol) override;
    bool SendFrom(ns3::Ptr<ns3::Packet> packet,
                  const ns3::Address& source,
                  const ns3::Address& dest,
                  uint16_t protocol) override;
    void SetReceiveCallback(ReceiveCallback cb) override;
    // ns-3's parses "ff:ff:ff:ff:ff:ff" on every call, and IPv4 asks once per packet
    ns3::Address GetBroadcast() const override;
    void SetPromiscReceiveCallback(PromiscReceiveCallback cb) override;

  protected:
    void DoDispose() override;

  private:
    void Deliver(ns3::Ptr<ns3::Packet> packet, uint16_t protocol);

    ns3::Time m_latency;
    Tap m_tap;
    ReceiveCallback m_rx;
    PromiscReceiveCallback m_promisc;
};

} // namespace sim
