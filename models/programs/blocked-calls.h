// SPDX-License-Identifier: GPL-2.0-only
// A program still inside a blocking call when the simulation has no events left: the
// real experiment would hang there (a recv() no reply will satisfy, a connect() no one
// answers, a send() into a buffer no reader drains). Each program names such calls.
#pragma once

#include "models/tcp/linux-tcp-socket.h"

#include <ns3/nstime.h>

#include <string>
#include <vector>

namespace sim
{

struct BlockedCall
{
    std::string program; // "the client", "the browser (connection 34662)"
    std::string call;    // "recv()"
    ns3::Time since;
};

class ReportsBlockedCalls
{
  public:
    virtual ~ReportsBlockedCalls() = default;
    virtual std::vector<BlockedCall> StillBlocked() const = 0;
};

// Appends the call `program` sleeps in on `sock`, if any
inline void
AddIfSleeping(std::vector<BlockedCall>& out, const std::string& program, const ns3::Ptr<LinuxTcpSocket>& sock)
{
    if (!sock)
    {
        return;
    }
    if (auto s = sock->Sleeping())
    {
        out.push_back({program, s->call, s->since});
    }
}

} // namespace sim
