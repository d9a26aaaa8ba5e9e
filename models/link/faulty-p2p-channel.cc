// SPDX-License-Identifier: GPL-2.0-only
#include "models/link/faulty-p2p-channel.h"

#include "models/tcp/payload-store.h"

#include <ns3/node.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/simulator.h>

namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(FaultyP2pChannel);

TypeId
FaultyP2pChannel::GetTypeId()
{
    static TypeId tid = TypeId("sim::FaultyP2pChannel")
                            .SetParent<PointToPointChannel>()
                            .SetGroupName("Sim")
                            .AddConstructor<FaultyP2pChannel>();
    return tid;
}

// PointToPointChannel::TransmitStart(): the frame reaches the other end after its
// transmission time and the link's delay; here the link may lose it, copy it, or hold
// it back so that frames sent after it arrive first
bool
FaultyP2pChannel::TransmitStart(Ptr<const Packet> p, Ptr<PointToPointNetDevice> src, Time txTime)
{
    const uint32_t wire = src == GetSource(0) ? 0 : 1;
    Ptr<PointToPointNetDevice> dst = GetDestination(wire);
    const Fate fate = m_faults ? m_faults->Next(wire == 0 ? Sender::Client : Sender::Server) : Fate{};
    if (fate.lost)
    {
        PayloadStore::Lost(p->GetUid());
        return true;
    }
    if (fate.duplicated)
    {
        PayloadStore::AddCopy(p->GetUid());
    }
    const Time arrive = txTime + GetDelay() + NanoSeconds(fate.extra_delay_ns);
    for (int copies = fate.duplicated ? 2 : 1; copies > 0; --copies)
    {
        Simulator::ScheduleWithContext(dst->GetNode()->GetId(), arrive, &PointToPointNetDevice::Receive, dst, p->Copy());
    }
    return true;
}

} // namespace sim
