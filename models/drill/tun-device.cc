// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/tun-device.h"

namespace sim::drill
{

NS_OBJECT_ENSURE_REGISTERED(TunDevice);

using namespace ns3;

TypeId
TunDevice::GetTypeId()
{
    static TypeId tid = TypeId("sim::drill::TunDevice")
                            .SetParent<LoopbackNetDevice>()
                            .SetGroupName("Network")
                            .AddConstructor<TunDevice>();
    return tid;
}

} // namespace sim::drill
