// SPDX-License-Identifier: GPL-2.0-only
#include "models/link/linux-loopback-net-device.h"

#include <ns3/mac48-address.h>
#include <ns3/simulator.h>

namespace sim
{

NS_OBJECT_ENSURE_REGISTERED(LinuxLoopbackNetDevice);

using namespace ns3;

TypeId
LinuxLoopbackNetDevice::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LinuxLoopbackNetDevice")
                            .SetParent<LoopbackNetDevice>()
                            .SetGroupName("Network")
                            .AddConstructor<LinuxLoopbackNetDevice>();
    return tid;
}

bool
LinuxLoopbackNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocol)
{
    return SendFrom(packet, GetAddress(), dest, protocol);
}

bool
LinuxLoopbackNetDevice::SendFrom(Ptr<Packet> packet,
                                 const Address& /* source */,
                                 const Address& /* dest */,
                                 uint16_t protocol)
{
    if (m_tap)
    {
        m_tap(packet);
    }
    Simulator::Schedule(m_latency, &LinuxLoopbackNetDevice::Deliver, this, packet, protocol);
    return true;
}

void
LinuxLoopbackNetDevice::Deliver(Ptr<Packet> packet, uint16_t protocol)
{
    const Address self = GetAddress();
    if (!m_promisc.IsNull())
    {
        m_promisc(this, packet, protocol, self, self, NetDevice::PACKET_HOST);
    }
    if (!m_rx.IsNull())
    {
        m_rx(this, packet, protocol, self);
    }
}

Address
LinuxLoopbackNetDevice::GetBroadcast() const
{
    static const Address broadcast = Mac48Address::GetBroadcast();
    return broadcast;
}

void
LinuxLoopbackNetDevice::SetReceiveCallback(ReceiveCallback cb)
{
    m_rx = cb;
}

void
LinuxLoopbackNetDevice::SetPromiscReceiveCallback(PromiscReceiveCallback cb)
{
    m_promisc = cb;
}

void
LinuxLoopbackNetDevice::DoDispose()
{
    m_rx = ReceiveCallback();
    m_promisc = PromiscReceiveCallback();
    m_tap = nullptr;
    LoopbackNetDevice::DoDispose();
}

} // namespace sim
