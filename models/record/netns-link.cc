// SPDX-License-Identifier: GPL-2.0-only
#include "models/record/netns-link.h"

#include "models/config/toml-input.h"
#include "models/record/drop-rules.h"
#include "models/record/netns.h"
#include "models/record/tool-run.h"
#include "models/scenario/bind-check.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>

namespace sim
{

namespace
{

constexpr const char* kPrefix = "sim-record-"; // sim-record-PID-ROLE

// Inside the namespace: no IPv6 (addrconf_notify() would give each interface a
// link-local address and send router and neighbour solicitations across the link:
// packets no scenario has), best effort: a kernel without IPv6 has no such sysctl
void
WithoutIpv6()
{
    for (const char* conf : {"all", "default"})
    {
        std::ofstream(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", conf)) << "1\n";
    }
}

// Inside the namespace: TCP segmentation offload off (ETHTOOL_STSO), generic
// segmentation on. The stack still builds GSO packets of several MSS
// (tcp_send_mss()), as the model does, and validate_xmit_skb() cuts them to MSS-sized
// frames before dev_queue_xmit_nit() hands them to the capture, as on a NIC without
// TSO; with TSO the capture would show the 64 KB packets a veth takes whole.
void
NoTso(const std::string& dev)
{
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ethtool_value v{ETHTOOL_STSO, 0};
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, dev.c_str(), IFNAMSIZ - 1);
    ifr.ifr_data = reinterpret_cast<char*>(&v);
    const bool ok = fd >= 0 && ioctl(fd, SIOCETHTOOL, &ifr) == 0;
    const std::string why = std::strerror(errno);
    if (fd >= 0)
    {
        close(fd);
    }
    if (!ok)
    {
        throw InputError(fmt::format("record: cannot turn TSO off on {}: {}", dev, why));
    }
}

} // namespace

void
RemoveStaleRecordNetns(const std::string& ip)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/netns", ec))
    {
        const std::string name = e.path().filename().string();
        if (name.rfind(kPrefix, 0) != 0)
        {
            continue;
        }
        const std::string pid = name.substr(std::strlen(kPrefix), name.find('-', std::strlen(kPrefix)) - std::strlen(kPrefix));
        if (!pid.empty() && !fs::exists("/proc/" + pid))
        {
            try
            {
                RunTool({ip, "netns", "del", name});
            }
            catch (const InputError&)
            {
                // another recorder's, being deleted by it as we look
            }
        }
    }
}

NetnsLink::NetnsLink(const Scenario& sc)
    : m_ip(FindTool("ip")),
      m_capture_on_server(sc.capture_on_server)
{
    const std::string stem = fmt::format("{}{}-", kPrefix, getpid());
    m_client = stem + "client";
    m_middle = stem + "link";
    m_server = stem + "server";
    try
    {
        Build(sc);
    }
    catch (...)
    {
        TakeDown();
        throw;
    }
}

NetnsLink::~NetnsLink()
{
    TakeDown();
}

void
NetnsLink::Build(const Scenario& sc)
{
    const std::string& ip = m_ip;
    const std::string mtu = std::to_string(sc.link.mtu);
    for (const std::string& ns : {m_client, m_middle, m_server})
    {
        RunTool({ip, "netns", "add", ns});
        m_made.push_back(ns);
        EnterNetns in(ns);
        WithoutIpv6();
    }
    // Each host's veth, its other end in the middle, joined there by a bridge (with
    // STP off, br_make_forwarding() puts a port that comes up in forwarding at once:
    // no forward_delay of listening and learning)
    RunTool({ip, "-n", m_client, "link", "add", kClientDev, "type", "veth", "peer", "name", "to-client", "netns", m_middle});
    RunTool({ip, "-n", m_server, "link", "add", kServerDev, "type", "veth", "peer", "name", "to-server", "netns", m_middle});
    RunTool({ip, "-n", m_middle, "link", "add", "br0", "mtu", mtu, "type", "bridge", "stp_state", "0"});
    for (const char* port : {"to-client", "to-server"})
    {
        RunTool({ip, "-n", m_middle, "link", "set", port, "mtu", mtu, "master", "br0", "up"});
    }
    RunTool({ip, "-n", m_middle, "link", "set", "br0", "up"});

    // The hosts: the server owns the address the client connects to, both on one /24
    const std::string client_ip = AddressText(sc.client.address);
    const std::string server_ip = AddressText(sc.client.server);
    for (const auto& [ns, dev, addr, mac, peer_addr, peer_mac] :
         {std::tuple{m_client, kClientDev, client_ip, sc.client_mac, server_ip, sc.server_mac},
          std::tuple{m_server, kServerDev, server_ip, sc.server_mac, client_ip, sc.client_mac}})
    {
        RunTool({ip, "-n", ns, "link", "set", dev, "address", mac, "mtu", mtu});
        RunTool({ip, "-n", ns, "addr", "add", addr + "/24", "dev", dev});
        {
            EnterNetns in(ns);
            NoTso(dev);
        }
        RunTool({ip, "-n", ns, "link", "set", dev, "up"});
        // The peer's MAC known from the start: no ARP exchange delays the SYN (the
        // simulation's point-to-point link has none)
        RunTool({ip, "-n", ns, "neigh", "replace", peer_addr, "lladdr", peer_mac, "dev", dev, "nud", "permanent"});
    }

    const std::string rules = DropRuleset(sc.link.faults, sc.client.address, sc.client.server);
    if (!rules.empty())
    {
        RunTool({FindTool("nft"), "-f", "-"}, m_middle, rules);
    }
}

void
NetnsLink::TakeDown() noexcept
{
    // Deleting a namespace's last reference (its /run/netns mount; the programs in it
    // are stopped by then) destroys its interfaces, and a veth's peer with it
    while (!m_made.empty())
    {
        try
        {
            RunTool({m_ip, "netns", "del", m_made.back()});
        }
        catch (const std::exception& e)
        {
            std::cerr << "sim: warning: " << e.what() << "\n";
        }
        m_made.pop_back();
    }
}

} // namespace sim
