// SPDX-License-Identifier: GPL-2.0-only
// ns-3's point-to-point channel with the link's faults ([link] drop, loss, duplicate,
// reorder): each frame, once on the wire, is lost, delivered, delivered twice, or held
// back, as the FaultInjector draws it. Device 0 is the client's.
#pragma once

#include "models/link/link-faults.h"

#include <ns3/point-to-point-channel.h>

#include <memory>

namespace sim
{

class FaultyP2pChannel : public ns3::PointToPointChannel
{
  public:
    static ns3::TypeId GetTypeId();
    void SetFaults(std::shared_ptr<FaultInjector> faults) { m_faults = std::move(faults); }

    bool TransmitStart(ns3::Ptr<const ns3::Packet> p,
                       ns3::Ptr<ns3::PointToPointNetDevice> src,
                       ns3::Time txTime) override;

  private:
    std::shared_ptr<FaultInjector> m_faults;
};

} // namespace sim
