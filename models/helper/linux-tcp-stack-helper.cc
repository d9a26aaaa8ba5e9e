// SPDX-License-Identifier: GPL-2.0-only
#include "models/helper/linux-tcp-stack-helper.h"

#include "models/config/kernel-profile-loader.h"
#include "models/tcp/linux-tcp-l4-protocol.h"

#include <ns3/node-list.h>

namespace sim
{

LinuxTcpStackHelper::LinuxTcpStackHelper()
{
    m_stack.SetTcp("ns3::LinuxTcpL4Protocol");
}

void
LinuxTcpStackHelper::SetProfile(const std::string& name_or_path)
{
    Profile(name_or_path); // fails here, not at Install()
    m_profile = name_or_path;
}

const KernelProfile&
LinuxTcpStackHelper::Profile(const std::string& name_or_path) const
{
    auto it = m_loaded.find(name_or_path);
    if (it == m_loaded.end())
    {
        it = m_loaded.emplace(name_or_path, LoadKernelProfile(name_or_path, ProfileRoot())).first;
    }
    return it->second;
}

void
LinuxTcpStackHelper::Install(ns3::Ptr<ns3::Node> node, const std::string& profile) const
{
    const KernelProfile& p = Profile(profile);
    m_stack.Install(node);
    node->GetObject<LinuxTcpL4Protocol>()->SetProfile(p);
}

void
LinuxTcpStackHelper::Install(const ns3::NodeContainer& nodes, const std::string& profile) const
{
    for (auto n = nodes.Begin(); n != nodes.End(); ++n)
    {
        Install(*n, profile);
    }
}

void
LinuxTcpStackHelper::Install(ns3::Ptr<ns3::Node> node) const
{
    Install(node, m_profile);
}

void
LinuxTcpStackHelper::Install(const ns3::NodeContainer& nodes) const
{
    Install(nodes, m_profile);
}

void
LinuxTcpStackHelper::InstallAll() const
{
    Install(ns3::NodeContainer::GetGlobal());
}

} // namespace sim
