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

// One uniform draw per (host, index, kind of fault): a packet has the same fate in
// every run, whatever the other host sends
double
FaultInjector::Draw(uint32_t index, Sender from, uint64_t what) const
{
    const uint64_t key = (uint64_t{index} << 1 | static_cast<uint64_t>(Index(from))) ^ (what * 0x9e3779b97f4a7c15ULL);
    const uint64_t draw = SplitMix64(m_seed ^ SplitMix64(key));
    return static_cast<double>(draw >> 11) * 0x1.0p-53;
}

Fate
FaultInjector::Next(Sender from)
{
    const uint32_t index = ++m_sent[Index(from)];
    Fate f;
    const std::vector<uint32_t>& listed = from == Sender::Client ? m_faults.drop_client : m_faults.drop_server;
    f.lost = std::binary_search(listed.begin(), listed.end(), index) ||
             (m_faults.loss > 0 && Draw(index, from, 0x6c6f7373ULL /* loss */) < m_faults.loss);
    if (f.lost)
    {
        return f;
    }
    f.duplicated = m_faults.duplicate > 0 && Draw(index, from, 0x64757065ULL /* dupe */) < m_faults.duplicate;
    if (m_faults.reorder > 0 && Draw(index, from, 0x72656f72ULL /* reor */) < m_faults.reorder)
    {
        f.extra_delay_ns = m_faults.reorder_delay_ns;
    }
    return f;
}

} // namespace sim
