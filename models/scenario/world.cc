// SPDX-License-Identifier: GPL-2.0-only
#include "models/scenario/world.h"

#include "models/capture/capture-tap.h"
#include "models/link/faulty-p2p-channel.h"
#include "models/link/linux-loopback-net-device.h"
#include "models/tcp/payload-store.h"
#include "models/tcp/linux-tcp-l4-protocol.h"

#include <ns3/core-module.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/icmpv4-l4-protocol.h>
#include <ns3/ipv4-list-routing.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/traffic-control-layer.h>
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

void
InstallStack(Ptr<Node> node, const KernelProfile& profile, const Scenario& sc)
{
    // What InternetStackHelper::Install() aggregates, in its order, less what no link
    // here uses: ARP (lo and point-to-point need none; its random request jitter sets
    // up ns-3's random-number tables, about 8 ms at every start), UDP, IPv6, packet
    // sockets; and static routes only (global routing also draws a random stream)
    node->AggregateObject(CreateObject<Ipv4L3Protocol>());
    node->AggregateObject(CreateObject<Icmpv4L4Protocol>());
    Ptr<Ipv4ListRouting> routing = CreateObject<Ipv4ListRouting>();
    routing->AddRoutingProtocol(CreateObject<Ipv4StaticRouting>(), 0);
    node->GetObject<Ipv4>()->SetRoutingProtocol(routing);
    node->AggregateObject(CreateObject<TrafficControlLayer>());
    node->AggregateObject(CreateObject<LinuxTcpL4Protocol>());
    Ptr<LinuxTcpL4Protocol> tcp = node->GetObject<LinuxTcpL4Protocol>();
    tcp->SetProfile(profile);
    tcp->SetClock(TsClock{sc.ts_phase_ns, sc.tick_phase_ns});
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
    lo->SetLatency(NanoSeconds(sc.profile.loopback_latency_ns), NanoSeconds(sc.profile.loopback_before_tap_ns));
    lo->SetTap([&tap](Ptr<const Packet> p, Time later) { tap.Loopback(p, later); });
    if (sc.link.faults.Any())
    {
        lo->SetFaults(std::make_shared<FaultInjector>(sc.link.faults, sc.seed), sc.server.port);
    }
    host->AddDevice(lo);
    InstallStack(host, sc.profile, sc);
    host->GetObject<LinuxTcpL4Protocol>()->UseLoopback(lo);
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
    if (sc.link.faults.Any())
    {
        // the same link with the scenario's faults on its wire
        Ptr<FaultyP2pChannel> channel = CreateObject<FaultyP2pChannel>();
        channel->SetAttribute("Delay", TimeValue(sc.link.delay));
        channel->SetFaults(std::make_shared<FaultInjector>(sc.link.faults, sc.seed));
        DynamicCast<PointToPointNetDevice>(devs.Get(0))->Attach(channel);
        DynamicCast<PointToPointNetDevice>(devs.Get(1))->Attach(channel);
    }
    if (sc.link.queue_bytes)
    {
        // a bottleneck's tail-drop queue: frames wait for the wire at rate_mbps and
        // those that do not fit its bytes are dropped
        for (uint32_t i = 0; i < 2; ++i)
        {
            DynamicCast<PointToPointNetDevice>(devs.Get(i))
                ->GetQueue()
                ->SetAttribute("MaxSize", QueueSizeValue(QueueSize(QueueSizeUnit::BYTES, sc.link.queue_bytes)));
        }
    }

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
RunScenario(const Scenario& sc, const FrameSink& sink, bool explain)
{
    // Checksums on, so that Wireshark sees valid IPv4 and TCP headers
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    PayloadStore::KeepNotes(explain);
    RunResult result;
    uint64_t last_ns = 0;
    CaptureTap tap(
        [&](Frame&& f) {
            if (result.frames++ == 0)
            {
                result.first_ns = f.time_ns;
            }
            last_ns = f.time_ns;
            sink(std::move(f));
        },
        sc.capture_link,
        sc.snaplen,
        explain);

    if (sc.link.kind == "loopback")
    {
        BuildLoopback(sc, tap);
    }
    else
    {
        BuildEthernet(sc, tap);
    }
    Simulator::Run();
    result.events = Simulator::GetEventCount(); // the count goes with Destroy()
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
    PayloadStore::Clear();
    result.simulated_s = static_cast<double>(last_ns - result.first_ns) / 1e9;
    return result;
}

RunResult
RunScenario(const Scenario& sc)
{
    Capture cap;
    cap.link_type = sc.capture_link;
    RunResult result = RunScenario(sc, [&cap](Frame&& f) { cap.frames.push_back(std::move(f)); });
    result.capture = std::move(cap);
    return result;
}

} // namespace sim
