// SPDX-License-Identifier: GPL-2.0-only
// A call the host held up: the process lost the CPU inside it, before its work (a
// recorded run's `hold`, process-timing.h). Shared by the programs.
#pragma once

#include "models/programs/process-timing.h"
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
// release_sock(), after its own segments have gone. A traced write says when that
// was (`lock_at`, the first turn of its copy loop: lock_sock() comes just before
// tcp_sendmsg_locked()); before it, what arrives is processed at once.
template <class F>
inline void
AfterHeldLock(const ns3::Ptr<LinuxTcpSocket>& sock, ns3::Time hold, F&& work, ns3::Time lock_at = ns3::Time(0))
{
    if (hold.IsStrictlyPositive())
    {
        const ns3::Time now = ns3::Simulator::Now();
        if (lock_at >= now + hold)
        {
            // the loop began after the hold: the write takes the socket itself (StartSendmsg())
            ns3::Simulator::Schedule(hold, std::forward<F>(work));
            return;
        }
        if (lock_at > now)
        {
            ns3::Simulator::Schedule(lock_at - now, [sock]() { sock->LockSock(); });
        }
        else
        {
            sock->LockSock();
        }
        ns3::Simulator::Schedule(hold, [sock, work = std::forward<F>(work)]() mutable {
            work();
            sock->ReleaseSock();
        });
        return;
    }
    work();
}

// Call `call` of `step`: made after `think` from now, or at its recorded start, then
// held up by its recorded hold: with `sock` locked for a send() (AfterHeldLock()), or
// without (AfterHold(), a close()) when `sock` is null. `timing` outlives the call.
template <class F>
inline void
ScheduleCall(const ProcessTiming& timing,
             const std::string& step,
             size_t call,
             ns3::Time think,
             ns3::Ptr<LinuxTcpSocket> sock,
             F&& work)
{
    ns3::Simulator::Schedule(timing.Delay(step, call, think, ns3::Simulator::Now()),
                             [&timing, step, call, sock, work = std::forward<F>(work)]() mutable {
                                 const ns3::Time hold = timing.Hold(step, call);
                                 if (sock)
                                 {
                                     AfterHeldLock(sock, hold, std::move(work), timing.FirstSendTurn(step, call));
                                 }
                                 else
                                 {
                                     AfterHold(hold, std::move(work));
                                 }
                             });
}

} // namespace sim
