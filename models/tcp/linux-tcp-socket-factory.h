// SPDX-License-Identifier: GPL-2.0-only
// The node's ns3::TcpSocketFactory when our TCP is installed (TcpSocketFactoryImpl's
// part for ns-3's own TCP): Socket::CreateSocket(node, TcpSocketFactory::GetTypeId()),
// and so every ns-3 application given "ns3::TcpSocketFactory", gets a LinuxTcpSocket
// of the ns-3 API (LinuxTcpSocket::UseNs3Api()).
#pragma once

#include <ns3/tcp-socket-factory.h>

namespace sim
{

class LinuxTcpL4Protocol;

class LinuxTcpSocketFactory : public ns3::TcpSocketFactory
{
  public:
    void SetTcp(ns3::Ptr<LinuxTcpL4Protocol> tcp);
    ns3::Ptr<ns3::Socket> CreateSocket() override;

  protected:
    void DoDispose() override;

  private:
    ns3::Ptr<LinuxTcpL4Protocol> m_tcp;
};

} // namespace sim
