// SPDX-License-Identifier: GPL-2.0-only
// tcp_add_backlog(): a segment that arrives while a task holds the socket waits in the
// backlog; where it continues the backlog's last skb with the same header options, it
// joins that skb instead (since 5.0), so the two are processed as one segment, carrying
// the later ACK and its window.
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/segment.h"

namespace sim
{

// Joins `seg` to `tail` when tcp_add_backlog() would; returns false when it would not.
// `delta`: what the backlog's length grows by (the joined payload's truesize).
bool TcpBacklogCoalesce(Segment& tail, const Segment& seg, const KernelProfile& prof, int& delta);

} // namespace sim
