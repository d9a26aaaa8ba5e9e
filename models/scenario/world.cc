// SPDX-License-Identifier: GPL-2.0-only
#include "models/scenario/world.h"

#include "models/link/linux-loopback-net-device.h"
#include "models/tcp/linux-tcp-l4-protocol.h"

#include <ns3/core-module.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/mac48-address.h>
#include <ns3/node-list.h>
#include <ns3/node.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>

#include <algorithm>
#include <array>

namespace sim
{

using namespace ns3;

namespace
{

// Frames as Wireshark records them, built from the IP packets the capture host sends
// and receives
class CaptureTap
{
  public:
    CaptureTap(Capture& capture, LinkType lt)
        : m_capture(capture),
          m_lt(lt)
    {
    }

    // The 16-byte Linux cooked (SLL v1) header of an inbound IPv4 frame on lo:
    // PACKET_HOST (libpcap keeps only the receive-side copy on lo), ARPHRD_LOOPBACK,
    // a 6-byte all-zero address, ETH_P_IP
    void Loopback(Ptr<const Packet> ip)
    {
        static const std::array<uint8_t, 16> sll = {0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0,
                                                    0,    0,    0,    0,    0,    0,    0x08, 0x00};
        Add(std::vector<uint8_t>(sll.begin(), sll.end()), ip, false);
    }

    // The Ethernet interface to capture: Ipv4L3Protocol's Tx and Rx trace sources give
    // the IP packets of every interface; the capture keeps this one's
    void WatchEthernet(uint32_t interface, Mac48Address self, Mac48Address peer)
    {
        m_interface = interface;
        m_self = self;
        m_peer = peer;
    }

    void OnIpTx(Ptr<const Packet> ip, Ptr<Ipv4>, uint32_t interface)
    {
        if (interface == m_interface)
        {
            Ethernet(ip, true, m_self, m_peer);
        }
    }

    void OnIpRx(Ptr<const Packet> ip, Ptr<Ipv4>, uint32_t interface)
    {
        if (interface == m_interface)
        {
            Ethernet(ip, false, m_self, m_peer);
        }
    }

  private:
    // A frame on an Ethernet interface. Outbound frames are seen before the driver pads
    // them (dev_queue_xmit_nit()); inbound ones arrive padded to the 60-byte minimum.
    void Ethernet(Ptr<const Packet> ip, bool outbound, const Mac48Address& self, const Mac48Address& peer)
    {
        std::vector<uint8_t> hdr;
        uint8_t own[6];
        uint8_t other[6];
        self.CopyTo(own);
        peer.CopyTo(other);
        if (m_lt == LinkType::Ethernet)
        {
            const uint8_t* dst = outbound ? other : own;
            const uint8_t* src = outbound ? own : other;
            hdr.insert(hdr.end(), dst, dst + 6);
            hdr.insert(hdr.end(), src, src + 6);
            hdr.insert(hdr.end(), {0x08, 0x00});
        }
        else
        {
            // SLL v1: PACKET_OUTGOING or PACKET_HOST, ARPHRD_ETHER, the sender's address
            const uint8_t* src = outbound ? own : other;
            hdr = {0x00, static_cast<uint8_t>(outbound ? 4 : 0), 0x00, 0x01, 0x00, 0x06};
            hdr.insert(hdr.end(), src, src + 6);
            hdr.insert(hdr.end(), {0, 0, 0x08, 0x00});
        }
        Add(hdr, ip, !outbound && m_lt == LinkType::Ethernet);
    }

    void Add(std::vector<uint8_t> bytes, Ptr<const Packet> ip, bool pad)
    {
        Frame f;
        f.time_ns = static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
        const size_t hdr = bytes.size();
        bytes.resize(hdr + ip->GetSize());
        ip->CopyData(bytes.data() + hdr, ip->GetSize());
        if (pad && bytes.size() < 60)
        {
            bytes.resize(60, 0); // ETH_ZLEN
        }
        f.orig_len = static_cast<uint32_t>(bytes.size());
        f.bytes = std::move(bytes);
        m_capture.frames.push_back(std::move(f));
    }

    Capture& m_capture;
    LinkType m_lt;
    uint32_t m_interface = 0;
    Mac48Address m_self;
    Mac48Address m_peer;
};

void
InstallStack(Ptr<Node> node, const KernelProfile& profile, const Scenario& sc)
{
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetTcp("ns3::LinuxTcpL4Protocol");
    stack.Install(node);
    Ptr<LinuxTcpL4Protocol> tcp = node->GetObject<LinuxTcpL4Protocol>();
    tcp->SetProfile(profile);
    tcp->SetClock(TsClock{sc.ts_phase_ns});
    tcp->SetSecret(sc.seed);
}

void
InstallPrograms(Ptr<Node> server_node, Ptr<Node> client_node, const Scenario& sc)
{
    if (sc.http_server)
    {
        HttpServerConfig server_cfg = *sc.http_server;
        server_cfg.timing.default_wake = NanoSeconds(sc.server_profile.wakeup_latency_ns);
        Ptr<HttpServer> server = CreateObject<HttpServer>();
        server->Configure(server_cfg);
        server_node->AddApplication(server);
        server->SetStartTime(Seconds(0));
        Ptr<Browser> browser = CreateObject<Browser>();
        browser->Configure(*sc.browser);
        client_node->AddApplication(browser);
        browser->SetStartTime(Seconds(0));
        return;
    }
    EchoServerConfig server_cfg = sc.server;
    server_cfg.timing.default_wake = NanoSeconds(sc.server_profile.wakeup_latency_ns);
    Ptr<EchoServer> server = CreateObject<EchoServer>();
    server->Configure(server_cfg);
    server_node->AddApplication(server);
    server->SetStartTime(Seconds(0));

    Ptr<EchoClient> client = CreateObject<EchoClient>();
    client->Configure(sc.client);
    client_node->AddApplication(client);
    client->SetStartTime(Seconds(0));
}

void
BuildLoopback(const Scenario& sc, CaptureTap& tap)
{
    Ptr<Node> host = CreateObject<Node>();
    Ptr<LinuxLoopbackNetDevice> lo = CreateObject<LinuxLoopbackNetDevice>();
    // ns-3 device MTUs are 16-bit: 65535 stands for Linux's 65536, which gives the same
    // MSS because ipv4_default_advmss() caps at IPV4_MAX_PMTU - 40.
    lo->SetMtu(static_cast<uint16_t>(std::min(sc.profile.loopback_mtu, 65535)));
    lo->SetLatency(NanoSeconds(sc.profile.loopback_latency_ns));
    lo->SetTap([&tap](Ptr<const Packet> p) { tap.Loopback(p); });
    host->AddDevice(lo);
    InstallStack(host, sc.profile, sc);
    InstallPrograms(host, host, sc);
}

// Two hosts on a full-duplex link: ns-3's point-to-point device and channel, carrying
// Ethernet-sized frames (MTU, rate, one-way delay from the scenario). The capture is
// taken where a packet socket sees it on the capture host: IP packets as they leave
// for the device and as they come up from it.
void
BuildEthernet(const Scenario& sc, CaptureTap& tap)
{
    Ptr<Node> client = CreateObject<Node>();
    Ptr<Node> server = CreateObject<Node>();
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", DataRateValue(DataRate(sc.link.rate_bps)));
    link.SetDeviceAttribute("Mtu", UintegerValue(sc.link.mtu));
    link.SetChannelAttribute("Delay", TimeValue(sc.link.delay));
    NetDeviceContainer devs = link.Install(client, server);
    const Mac48Address client_mac(sc.client_mac.c_str());
    const Mac48Address server_mac(sc.server_mac.c_str());
    devs.Get(0)->SetAddress(client_mac);
    devs.Get(1)->SetAddress(server_mac);

    InstallStack(client, sc.profile, sc);
    InstallStack(server, sc.server_profile, sc);

    // Addresses: the client on its /24; the server answers for its own address and,
    // when that is off the client's subnet, for the gateway the client routes through
    const Ipv4Mask slash24("255.255.255.0");
    Ptr<Ipv4> cip = client->GetObject<Ipv4>();
    Ptr<Ipv4> sip = server->GetObject<Ipv4>();
    const uint32_t cif = cip->AddInterface(devs.Get(0));
    const uint32_t sif = sip->AddInterface(devs.Get(1));
    cip->AddAddress(cif, Ipv4InterfaceAddress(sc.client.address, slash24));
    const bool routed = !(sc.client.server.CombineMask(slash24) == sc.client.address.CombineMask(slash24));
    if (routed)
    {
        sip->AddAddress(sif, Ipv4InterfaceAddress(sc.link.gateway, slash24));
        sip->AddAddress(sif, Ipv4InterfaceAddress(sc.client.server, Ipv4Mask("255.255.255.255")));
    }
    else
    {
        sip->AddAddress(sif, Ipv4InterfaceAddress(sc.client.server, slash24));
    }
    cip->SetUp(cif);
    sip->SetUp(sif);
    Ipv4StaticRoutingHelper routing;
    if (routed)
    {
        routing.GetStaticRouting(cip)->SetDefaultRoute(sc.link.gateway, cif);
    }

    Ptr<Ipv4L3Protocol> l3 = (sc.capture_on_server ? server : client)->GetObject<Ipv4L3Protocol>();
    const uint32_t watched = sc.capture_on_server ? sif : cif;
    const Mac48Address self = sc.capture_on_server ? server_mac : client_mac;
    const Mac48Address peer = sc.capture_on_server ? client_mac : server_mac;
    tap.WatchEthernet(watched, self, peer);
    l3->TraceConnectWithoutContext("Tx", MakeCallback(&CaptureTap::OnIpTx, &tap));
    l3->TraceConnectWithoutContext("Rx", MakeCallback(&CaptureTap::OnIpRx, &tap));
    InstallPrograms(server, client, sc);
}

} // namespace

RunResult
RunScenario(const Scenario& sc)
{
    RunResult result;
    result.capture.link_type = sc.capture_link;
    CaptureTap tap(result.capture, sc.capture_link);

    // Checksums on, so that Wireshark sees valid IPv4 and TCP headers
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    if (sc.link.kind == "loopback")
    {
        BuildLoopback(sc, tap);
    }
    else
    {
        BuildEthernet(sc, tap);
    }
    Simulator::Run();
    for (auto n = NodeList::Begin(); n != NodeList::End(); ++n)
    {
        for (uint32_t i = 0; i < (*n)->GetNApplications(); ++i)
        {
            if (auto* p = dynamic_cast<const ReportsBlockedCalls*>(PeekPointer((*n)->GetApplication(i))))
            {
                for (BlockedCall& b : p->StillBlocked())
                {
                    result.blocked.push_back(std::move(b));
                }
            }
        }
    }
    Simulator::Destroy();

    if (!result.capture.frames.empty())
    {
        result.simulated_s = static_cast<double>(result.capture.frames.back().time_ns -
                                                 result.capture.frames.front().time_ns) /
                             1e9;
    }
    return result;
}

} // namespace sim
