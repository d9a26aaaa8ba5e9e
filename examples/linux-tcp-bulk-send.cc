// SPDX-License-Identifier: GPL-2.0-only
// ns-3's BulkSendApplication sending to a PacketSink over one point-to-point link, as
// ns-3's own examples/tcp/tcp-bulk-send.cc does, with our Linux TCP in place of ns-3's
// (LinuxTcpStackHelper instead of InternetStackHelper; nothing else changes).
//
//   build/examples/linux-tcp-bulk-send [--maxBytes=N] [--time=S] [--profile=NAME|FILE] [--out=DIR]
//
// Writes ns-3's own traces: DIR/linux-tcp-bulk-send-N-0.pcap for both nodes
// (PointToPointHelper::EnablePcapAll()) and DIR/cwnd.txt, time and congestion window of
// the sender's socket from its CongestionWindow trace source, connected by Config path
// as ns-3's examples do. Prints the bytes the sink received.
#include "models/helper/linux-tcp-stack-helper.h"

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include <fstream>
#include <iostream>
#include <memory>

using namespace ns3;

namespace
{

void
CwndChange(std::shared_ptr<std::ofstream> out, uint32_t oldCwnd, uint32_t newCwnd)
{
    *out << Simulator::Now().GetSeconds() << "\t" << oldCwnd << "\t" << newCwnd << "\n";
}

void
TraceCwnd(std::shared_ptr<std::ofstream> out)
{
    Config::ConnectWithoutContext("/NodeList/0/$ns3::LinuxTcpL4Protocol/SocketList/0/CongestionWindow",
                                  MakeBoundCallback(&CwndChange, out));
}

int
Run(int argc, char* argv[])
{
    uint64_t maxBytes = 0;
    std::string profile = "linux-6.18";
    std::string out = ".";
    double stopTime = 10.0;

    CommandLine cmd(__FILE__);
    cmd.AddValue("maxBytes", "bytes the sender sends (0: as many as it can until the stop time)", maxBytes);
    cmd.AddValue("profile", "kernel profile of both nodes: a name (linux-6.18, linux-5.15, ...) or a .toml file",
                 profile);
    cmd.AddValue("out", "folder for the pcap files and cwnd.txt", out);
    cmd.AddValue("time", "simulated seconds", stopTime);
    cmd.Parse(argc, argv);

    NodeContainer nodes;
    nodes.Create(2);

    PointToPointHelper pointToPoint;
    pointToPoint.SetDeviceAttribute("DataRate", StringValue("500Kbps"));
    pointToPoint.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer devices = pointToPoint.Install(nodes);

    sim::LinuxTcpStackHelper stack; // in place of InternetStackHelper
    stack.SetProfile(profile);
    stack.Install(nodes);

    Ipv4AddressHelper ipv4;
    ipv4.SetBase("10.1.1.0", "255.255.255.0");
    Ipv4InterfaceContainer i = ipv4.Assign(devices);

    const uint16_t port = 9;
    BulkSendHelper source("ns3::TcpSocketFactory", InetSocketAddress(i.GetAddress(1), port));
    source.SetAttribute("MaxBytes", UintegerValue(maxBytes));
    ApplicationContainer sourceApps = source.Install(nodes.Get(0));
    sourceApps.Start(Seconds(0.0));
    sourceApps.Stop(Seconds(stopTime));

    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinkApps = sink.Install(nodes.Get(1));
    sinkApps.Start(Seconds(0.0));
    sinkApps.Stop(Seconds(stopTime));

    pointToPoint.EnablePcapAll(out + "/linux-tcp-bulk-send", false);
    auto cwnd = std::make_shared<std::ofstream>(out + "/cwnd.txt");
    Simulator::Schedule(Seconds(0.001), &TraceCwnd, cwnd);

    Simulator::Stop(Seconds(stopTime + 1));
    Simulator::Run();

    Ptr<PacketSink> sink1 = DynamicCast<PacketSink>(sinkApps.Get(0));
    std::cout << "profile " << profile << ": total bytes received: " << sink1->GetTotalRx() << "\n";
    Simulator::Destroy();
    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    try
    {
        return Run(argc, argv);
    }
    catch (const std::exception& e)
    {
        std::cerr << "linux-tcp-bulk-send: " << e.what() << "\n";
        return 2;
    }
}
