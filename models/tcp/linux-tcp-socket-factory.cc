// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/linux-tcp-socket-factory.h"

#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"

#include <ns3/abort.h>

namespace sim
{

void
LinuxTcpSocketFactory::SetTcp(ns3::Ptr<LinuxTcpL4Protocol> tcp)
{
    m_tcp = tcp;
}

ns3::Ptr<ns3::Socket>
LinuxTcpSocketFactory::CreateSocket()
{
    NS_ABORT_MSG_IF(!m_tcp, "LinuxTcpSocketFactory: no LinuxTcpL4Protocol on this node (disposed?)");
    return m_tcp->CreateNs3Socket();
}

void
LinuxTcpSocketFactory::DoDispose()
{
    m_tcp = nullptr;
    ns3::TcpSocketFactory::DoDispose();
}

} // namespace sim
