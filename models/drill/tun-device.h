// SPDX-License-Identifier: GPL-2.0-only
// The device of the host under test, as packetdrill's tun device: no delay, no queue,
// no link header. Its MTU is the route's (the model's MSS comes from it); the packets
// the script injects go up to IPv4 when the script says. The TCP's segments reach the
// checker without it (Executor::Xmit()); what else IPv4 might send here (ICMP) is
// dropped. It needs no ARP and is point-to-point: the remote host is "behind" it.
//
// TCP always builds GSO packets (sk_setup_caps() adds NETIF_F_GSO for TCP), and
// packetdrill turns TSO on for its tun (netdev.c: TUNSETOFFLOAD with TUN_F_TSO4), so
// the kernel hands it GSO packets whole, each of more than one segment with PSH
// (__tcp_transmit_skb()). The model gives a socket a GSO size only when its route
// leaves through a loopback device (sk_setup_caps() in tcp-input.cc), so this device
// is one to ns-3. With TSO turned off (`ethtool -K tun0 tso off gso off`) the
// executor segments the GSO packets itself, as validate_xmit_skb() does.
#pragma once

#include <ns3/loopback-net-device.h>
#include <ns3/mac48-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>

namespace sim::drill
{

class TunDevice : public ns3::LoopbackNetDevice
{
  public:
    static ns3::TypeId GetTypeId();

    // An IPv4 packet from the script, up the stack now
    void Inject(ns3::Ptr<ns3::Packet> ip)
    {
        if (!m_rx.IsNull())
        {
            m_rx(this, ip, 0x0800, m_address);
        }
    }

    void SetIfIndex(uint32_t index) override { m_ifIndex = index; }
    uint32_t GetIfIndex() const override { return m_ifIndex; }
    ns3::Ptr<ns3::Channel> GetChannel() const override { return nullptr; }
    void SetAddress(ns3::Address address) override { m_address = ns3::Mac48Address::ConvertFrom(address); }
    ns3::Address GetAddress() const override { return m_address; }
    bool SetMtu(uint16_t mtu) override
    {
        m_mtu = mtu;
        return true;
    }
    uint16_t GetMtu() const override { return m_mtu; }
    bool IsLinkUp() const override { return true; }
    void AddLinkChangeCallback(ns3::Callback<void>) override {}
    bool IsBroadcast() const override { return false; }
    ns3::Address GetBroadcast() const override { return ns3::Mac48Address::GetBroadcast(); }
    bool IsMulticast() const override { return false; }
    ns3::Address GetMulticast(ns3::Ipv4Address a) const override { return ns3::Mac48Address::GetMulticast(a); }
    ns3::Address GetMulticast(ns3::Ipv6Address a) const override { return ns3::Mac48Address::GetMulticast(a); }
    bool IsBridge() const override { return false; }
    bool IsPointToPoint() const override { return true; }
    bool Send(ns3::Ptr<ns3::Packet>, const ns3::Address&, uint16_t) override { return true; }
    bool SendFrom(ns3::Ptr<ns3::Packet>, const ns3::Address&, const ns3::Address&, uint16_t) override
    {
        return true;
    }
    ns3::Ptr<ns3::Node> GetNode() const override { return m_node; }
    void SetNode(ns3::Ptr<ns3::Node> node) override { m_node = node; }
    bool NeedsArp() const override { return false; }
    void SetReceiveCallback(ReceiveCallback cb) override { m_rx = cb; }
    void SetPromiscReceiveCallback(PromiscReceiveCallback) override {}
    bool SupportsSendFrom() const override { return true; }

  protected:
    void DoDispose() override
    {
        m_node = nullptr;
        m_rx = ReceiveCallback();
        LoopbackNetDevice::DoDispose();
    }

  private:
    ns3::Ptr<ns3::Node> m_node;
    uint32_t m_ifIndex = 0;
    uint16_t m_mtu = 1500; // TUN_DRIVER_DEFAULT_MTU
    ns3::Mac48Address m_address;
    ReceiveCallback m_rx;
};

} // namespace sim::drill
