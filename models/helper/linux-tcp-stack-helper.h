// SPDX-License-Identifier: GPL-2.0-only
// Our Linux TCP in any ns-3 simulation: ns-3's InternetStackHelper with
// LinuxTcpL4Protocol in place of ns-3's TcpL4Protocol, and a kernel profile per node.
//
//   LinuxTcpStackHelper stack;               // linux-6.18 unless told
//   stack.Install(clients);
//   stack.SetProfile("linux-5.15");          // the nodes installed from now on
//   stack.Install(server);
//   stack.Install(router, "my-kernel.toml"); // one node, a profile file
//
// Everything else (Ipv4AddressHelper, routing, ns-3's applications given
// "ns3::TcpSocketFactory") is as with ns-3's own TCP. The same without the helper:
// InternetStackHelper::SetTcp("ns3::LinuxTcpL4Protocol"), and the profile by the
// attribute ns3::LinuxTcpL4Protocol::Profile (Config::SetDefault, or
// Config::Set("/NodeList/N/$ns3::LinuxTcpL4Protocol/Profile", ...)).
#pragma once

#include "models/tcp/kernel-profile.h"

#include <ns3/internet-stack-helper.h>
#include <ns3/node-container.h>

#include <map>
#include <string>

namespace sim
{

class LinuxTcpStackHelper
{
  public:
    LinuxTcpStackHelper();

    // The kernel profile of the nodes installed from now on: a name in models/profiles
    // (linux-6.18, linux-5.15, ...) or the path of a profile .toml file. Throws
    // sim::InputError, one line naming the profile (and file, line and key), when there
    // is no such profile or it does not load.
    void SetProfile(const std::string& name_or_path);

    void Install(ns3::Ptr<ns3::Node> node) const;
    void Install(const ns3::NodeContainer& nodes) const;
    void Install(ns3::Ptr<ns3::Node> node, const std::string& profile) const;
    void Install(const ns3::NodeContainer& nodes, const std::string& profile) const;
    void InstallAll() const;

    // The InternetStackHelper underneath, for what else it sets (routing, IPv6, ...)
    ns3::InternetStackHelper& Internet() { return m_stack; }

  private:
    const KernelProfile& Profile(const std::string& name_or_path) const;

    ns3::InternetStackHelper m_stack;
    std::string m_profile = "linux-6.18";
    mutable std::map<std::string, KernelProfile> m_loaded;
};

} // namespace sim
