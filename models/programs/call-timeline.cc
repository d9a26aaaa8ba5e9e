// SPDX-License-Identifier: GPL-2.0-only
#include "models/programs/call-timeline.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <limits>
#include <new>
#include <stdexcept>

namespace sim
{

struct CallTimeline::Shared
{
    std::atomic<uint64_t> count;
    uint64_t capacity;
    // the records follow the header in the same mapping
    CallRecord* Calls() { return reinterpret_cast<CallRecord*>(this + 1); }
};

const char*
CallKindName(CallKind k)
{
    switch (k)
    {
    case CallKind::Connect:
        return "connect";
    case CallKind::Accept:
        return "accept";
    case CallKind::Send:
        return "send";
    case CallKind::Recv:
        return "recv";
    case CallKind::Close:
        return "close";
    }
    return "?";
}

static int64_t
Read(clockid_t id)
{
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

int64_t
RealtimeNs()
{
    return Read(CLOCK_REALTIME);
}

int64_t
RealtimeMinusMonotonicNs()
{
    int64_t best_gap = std::numeric_limits<int64_t>::max();
    int64_t best = 0;
    for (int i = 0; i < 16; ++i)
    {
        const int64_t m0 = Read(CLOCK_MONOTONIC);
        const int64_t r = Read(CLOCK_REALTIME);
        const int64_t m1 = Read(CLOCK_MONOTONIC);
        if (m1 - m0 < best_gap)
        {
            best_gap = m1 - m0;
            best = r - (m0 + (m1 - m0) / 2);
        }
    }
    return best;
}

// CLOCK_MONOTONIC_COARSE changes when the tick handler's timekeeping update runs
// (update_wall_time()), the same tick whose jiffies increment fires the timer wheel's
// timers (a delayed ACK's tcp_delack_timer()). Its value is the tick's nominal time,
// but on the machine of 2026-12-02 it became visible about 3 ms after it (HZ 250:
// 2.97-3.10 ms over 500 ticks), and the delayed ACKs recorded there fire on the grid
// of that moment, not of the value. So the tick is when the value
// changes: the CLOCK_MONOTONIC read just before the first read that sees it changed.
// Without a change within 50 ms (no tick on this CPU), the value itself.
int64_t
LastTickMonotonicNs()
{
    const int64_t coarse = Read(CLOCK_MONOTONIC_COARSE);
    const int64_t give_up = Read(CLOCK_MONOTONIC) + 50000000;
    for (;;)
    {
        const int64_t now = Read(CLOCK_MONOTONIC);
        if (Read(CLOCK_MONOTONIC_COARSE) != coarse)
        {
            return now;
        }
        if (now > give_up)
        {
            return coarse;
        }
    }
}

CallTimeline::CallTimeline(size_t capacity)
{
    m_bytes = sizeof(Shared) + capacity * sizeof(CallRecord);
    void* p = mmap(nullptr, m_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
    {
        throw std::runtime_error("cannot map memory for the call timeline");
    }
    m_shared = new (p) Shared;
    m_shared->count.store(0);
    m_shared->capacity = capacity;
}

CallTimeline::~CallTimeline()
{
    munmap(m_shared, m_bytes);
}

CallRecord*
CallTimeline::Begin(CallKind kind, uint64_t index)
{
    const uint64_t i = m_shared->count.fetch_add(1);
    const int64_t now = RealtimeNs();
    if (i >= m_shared->capacity)
    {
        return nullptr;
    }
    CallRecord* r = &m_shared->Calls()[i];
    *r = CallRecord{kind, index, now, now, 0};
    return r;
}

void
CallTimeline::End(CallRecord* r, int64_t result)
{
    const int64_t now = RealtimeNs();
    if (r)
    {
        r->return_ns = now;
        r->result = result;
    }
}

std::vector<CallRecord>
CallTimeline::Calls() const
{
    const uint64_t n = std::min<uint64_t>(m_shared->count.load(), m_shared->capacity);
    return std::vector<CallRecord>(m_shared->Calls(), m_shared->Calls() + n);
}

size_t
CallTimeline::Dropped() const
{
    const uint64_t n = m_shared->count.load();
    return n > m_shared->capacity ? n - m_shared->capacity : 0;
}

} // namespace sim
