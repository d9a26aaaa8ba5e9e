// SPDX-License-Identifier: GPL-2.0-only
#include "models/link/link-faults.h"

#include "models/config/splitmix64.h"

#include <algorithm>

namespace sim
{

FaultInjector::FaultInjector(LinkFaults faults, uint64_t seed)
    : m_faults(std::move(faults)),
      m_seed(seed)
{
    std::sort(m_faults.drop_client.begin(), m_faults.drop_client.end());
    std::sort(m_faults.drop_server.begin(), m_faults.drop_server.end());
}

bool
FaultInjector::Lose(Sender from)
{
    const uint32_t index = ++m_sent[Index(from)];
    const std::vector<uint32_t>& listed = from == Sender::Client ? m_faults.drop_client : m_faults.drop_server;
    if (std::binary_search(listed.begin(), listed.end(), index))
    {
        return true;
    }
    if (m_faults.loss <= 0)
    {
        return false;
    }
    // one draw per (host, index): the same packet has the same fate in every run
    const uint64_t draw = SplitMix64(m_seed ^ SplitMix64((uint64_t{index} << 1 | static_cast<uint64_t>(Index(from))) ^
                                                         0x6c6f7373ULL)); // "loss"
    const double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
    return u < m_faults.loss;
}

} // namespace sim
