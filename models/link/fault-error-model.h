// SPDX-License-Identifier: GPL-2.0-only
// The link's faults on an ns-3 point-to-point link: the receiving device's error model
// asks the FaultInjector about each packet the other host sent.
#pragma once

#include "models/link/link-faults.h"

#include <ns3/error-model.h>

#include <memory>

namespace sim
{

class FaultErrorModel : public ns3::ErrorModel
{
  public:
    static ns3::TypeId GetTypeId();
    void Configure(std::shared_ptr<FaultInjector> faults, Sender from)
    {
        m_faults = std::move(faults);
        m_from = from;
    }

  private:
    bool DoCorrupt(ns3::Ptr<ns3::Packet> p) override;
    void DoReset() override {}

    std::shared_ptr<FaultInjector> m_faults;
    Sender m_from = Sender::Client;
};

} // namespace sim
