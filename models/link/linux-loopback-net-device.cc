// SPDX-License-Identifier: GPL-2.0-only
#include "models/link/linux-loopback-net-device.h"

#include "models/tcp/payload-store.h"

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
    // The capture's copy is the receive side's (__netif_receive_skb_core() hands it to
    // the packet socket: the one libpcap keeps on lo), taken in the softirq on the way
    // from loopback_xmit() -> netif_rx() to ip_rcv() and tcp_v4_rcv(): before_tap into
    // the latency. It changes nothing in the simulation, so it is stamped ahead rather
    // than given an event of its own.
    if (m_tap)
    {
        m_tap(packet, m_beforeTap);
    }
    // sent by a call, or by the receive path of a packet of one: the same softirq
    std::shared_ptr<LoopbackSoftirq> softirq = s_current;
    if (softirq)
    {
        ++softirq->in_flight;
    }
    // A packet the link loses still runs the receive softirq it was queued for (an
    // iptables DROP in ip_rcv()'s netfilter hook: after the capture, before TCP)
    const Fate fate = m_faults ? m_faults->Next(SenderOf(packet)) : Fate{};
    const Time at = m_latency + NanoSeconds(fate.extra_delay_ns);
    if (fate.lost)
    {
        PayloadStore::Lost(packet->GetUid());
    }
    if (fate.duplicated)
    {
        // the copy: its own delivery in the same softirq
        PayloadStore::AddCopy(packet->GetUid());
        if (softirq)
        {
            ++softirq->in_flight;
        }
        Simulator::Schedule(at, &LinuxLoopbackNetDevice::Deliver, this, packet->Copy(), protocol, softirq, false);
    }
    Simulator::Schedule(at, &LinuxLoopbackNetDevice::Deliver, this, packet, protocol, std::move(softirq), fate.lost);
    return true;
}

void
LinuxLoopbackNetDevice::Deliver(Ptr<Packet> packet,
                                uint16_t protocol,
                                std::shared_ptr<LoopbackSoftirq> softirq,
                                bool lost)
{
    if (!lost)
    {
        Scope in(softirq);
        if (m_ipv4Input && protocol == 0x0800)
        {
            m_ipv4Input(packet);
        }
        else
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
    }
    // process_backlog(): the call's softirq ends when its backlog is empty
    if (softirq && --softirq->in_flight == 0 && softirq->drained)
    {
        std::function<void()> done = std::move(softirq->drained);
        softirq->drained = nullptr;
        done();
    }
}

// Both programs share lo: the TCP source port (after the IPv4 header) says whose it is
Sender
LinuxLoopbackNetDevice::SenderOf(Ptr<const Packet> packet) const
{
    uint8_t head[64] = {};
    const uint32_t n = packet->CopyData(head, sizeof head);
    const uint32_t ihl = (head[0] & 0x0f) * 4u;
    if (n < ihl + 2)
    {
        return Sender::Client;
    }
    const uint16_t sport = static_cast<uint16_t>(head[ihl] << 8 | head[ihl + 1]);
    return sport == m_serverPort ? Sender::Server : Sender::Client;
}

std::shared_ptr<LoopbackSoftirq> LinuxLoopbackNetDevice::s_current;

LoopbackSoftirq*
LinuxLoopbackNetDevice::Current()
{
    return s_current.get();
}

LinuxLoopbackNetDevice::Scope::Scope(std::shared_ptr<LoopbackSoftirq> s)
    : m_saved(std::move(s_current))
{
    s_current = std::move(s);
}

LinuxLoopbackNetDevice::Scope::~Scope()
{
    s_current = std::move(m_saved);
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
    m_ipv4Input = nullptr;
    m_faults = nullptr;
    LoopbackNetDevice::DoDispose();
}

} // namespace sim
