// SPDX-License-Identifier: GPL-2.0-only
#include "models/link/fault-error-model.h"

namespace sim
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(FaultErrorModel);

TypeId
FaultErrorModel::GetTypeId()
{
    static TypeId tid =
        TypeId("sim::FaultErrorModel").SetParent<ErrorModel>().SetGroupName("Sim").AddConstructor<FaultErrorModel>();
    return tid;
}

bool
FaultErrorModel::DoCorrupt(Ptr<Packet>)
{
    return m_faults && m_faults->Lose(m_from);
}

} // namespace sim
