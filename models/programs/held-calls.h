// SPDX-License-Identifier: GPL-2.0-only
// A call the host held up: the process lost the CPU inside it, before its work (a
// recorded run's `hold`, process-timing.h). Shared by the programs.
#pragma once

#include "models/tcp/linux-tcp-socket.h"

#include <ns3/simulator.h>

#include <utility>

namespace sim
{

// A call held up before its work (the process lost the CPU inside it): the work runs
// `hold` later, or at once (no event of its own) when there is none
template <class F>
inline void
AfterHold(ns3::Time hold, F&& work)
{
    if (hold.IsStrictlyPositive())
    {
        ns3::Simulator::Schedule(hold, std::forward<F>(work));
        return;
    }
    work();
}

// A send() held up the same way: tcp_sendmsg() takes the socket (lock_sock()) before it
// copies, so what arrives during the hold waits in the backlog until the call's
// release_sock(), after its own segments have gone
template <class F>
inline void
AfterHeldLock(const ns3::Ptr<LinuxTcpSocket>& sock, ns3::Time hold, F&& work)
{
    if (hold.IsStrictlyPositive())
    {
        sock->LockSock();
        ns3::Simulator::Schedule(hold, [sock, work = std::forward<F>(work)]() mutable {
            work();
            sock->ReleaseSock();
        });
        return;
    }
    work();
}

} // namespace sim
