// SPDX-License-Identifier: GPL-2.0-only
// Two bulk flows through one bottleneck, each sender on its own kernel: a dumbbell
// (PointToPointDumbbellHelper) of two senders and two receivers, 100 Mbit/s access
// links and a 10 Mbit/s, 10 ms bottleneck whose routers queue at most --queue packets
// (a FIFO queue disc; what does not fit is dropped). Flow 1 leaves a linux-6.18
// host, flow 2 a linux-5.15 host (--profile1, --profile2), both ns-3's
// BulkSendApplication to a PacketSink over our Linux TCP.
//
//   build/examples/linux-tcp-dumbbell [--time=S] [--queue=P] [--out=DIR]
//
// Writes ns-3's own traces: DIR/linux-tcp-dumbbell-N-0.pcap of the bottleneck's two
// devices (PointToPointHelper::EnablePcapAll()), DIR/cwnd-1.txt and cwnd-2.txt from each
// sender socket's CongestionWindow trace source, and prints each flow's goodput and
// the bottleneck queue's drops.
#include "models/helper/linux-tcp-stack-helper.h"

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-layout-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>

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

// The sender's socket is the first of its node's TCP: connected once it exists
void
TraceCwnd(uint32_t nodeId, std::shared_ptr<std::ofstream> out)
{
    Config::ConnectWithoutContext("/NodeList/" + std::to_string(nodeId) +
                                      "/$ns3::LinuxTcpL4Protocol/SocketList/0/CongestionWindow",
                                  MakeBoundCallback(&CwndChange, out));
}

void
CountDrop(uint64_t* drops, Ptr<const QueueDiscItem>)
{
    ++*drops;
}

int
Run(int argc, char* argv[])
{
    double stopTime = 10.0;
    uint32_t queuePackets = 50;
    std::string profile1 = "linux-6.18";
    std::string profile2 = "linux-5.15";
    std::string out = ".";

    CommandLine cmd(__FILE__);
    cmd.AddValue("time", "simulated seconds", stopTime);
    cmd.AddValue("queue", "packets the bottleneck queue holds", queuePackets);
    cmd.AddValue("profile1", "kernel profile of flow 1's sender", profile1);
    cmd.AddValue("profile2", "kernel profile of flow 2's sender", profile2);
    cmd.AddValue("out", "folder for the pcap and cwnd files", out);
    cmd.Parse(argc, argv);

    PointToPointHelper leaf;
    leaf.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
    leaf.SetChannelAttribute("Delay", StringValue("1ms"));
    PointToPointHelper bottleneck;
    bottleneck.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    bottleneck.SetChannelAttribute("Delay", StringValue("10ms"));
    PointToPointDumbbellHelper d(2, leaf, 2, leaf, bottleneck);
    // the routers' first device is the bottleneck link
    NetDeviceContainer bottleneckDevices(d.GetLeft()->GetDevice(0), d.GetRight()->GetDevice(0));

    // each sender its kernel; the routers and receivers the helper's default
    sim::LinuxTcpStackHelper stack;
    stack.Install(d.GetLeft(0), profile1);
    stack.Install(d.GetLeft(1), profile2);
    stack.Install(d.GetLeft());
    stack.Install(d.GetRight());
    stack.Install(d.GetRight(0));
    stack.Install(d.GetRight(1));

    // the bottleneck queue, installed before the addresses (which would put ns-3's
    // default queue disc there)
    TrafficControlHelper tch;
    tch.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", StringValue(std::to_string(queuePackets) + "p"));
    QueueDiscContainer queues = tch.Install(bottleneckDevices);
    uint64_t drops = 0;
    queues.Get(0)->TraceConnectWithoutContext("Drop", MakeBoundCallback(&CountDrop, &drops));

    d.AssignIpv4Addresses(Ipv4AddressHelper("10.1.1.0", "255.255.255.0"),
                          Ipv4AddressHelper("10.2.1.0", "255.255.255.0"),
                          Ipv4AddressHelper("10.3.1.0", "255.255.255.0"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    const uint16_t port = 5001;
    ApplicationContainer sinks;
    for (uint32_t i = 0; i < 2; ++i)
    {
        BulkSendHelper source("ns3::TcpSocketFactory", InetSocketAddress(d.GetRightIpv4Address(i), port));
        ApplicationContainer app = source.Install(d.GetLeft(i));
        app.Start(Seconds(0.1 * i)); // flow 2 a little later
        app.Stop(Seconds(stopTime));
        PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
        sinks.Add(sink.Install(d.GetRight(i)));
    }
    sinks.Start(Seconds(0));
    sinks.Stop(Seconds(stopTime));

    bottleneck.EnablePcap(out + "/linux-tcp-dumbbell", bottleneckDevices, false);
    auto cwnd1 = std::make_shared<std::ofstream>(out + "/cwnd-1.txt");
    auto cwnd2 = std::make_shared<std::ofstream>(out + "/cwnd-2.txt");
    Simulator::Schedule(Seconds(0.01), &TraceCwnd, d.GetLeft(0)->GetId(), cwnd1);
    Simulator::Schedule(Seconds(0.11), &TraceCwnd, d.GetLeft(1)->GetId(), cwnd2);

    Simulator::Stop(Seconds(stopTime + 1));
    Simulator::Run();

    const std::string profiles[2] = {profile1, profile2};
    for (uint32_t i = 0; i < 2; ++i)
    {
        const uint64_t rx = DynamicCast<PacketSink>(sinks.Get(i))->GetTotalRx();
        std::cout << "flow " << i + 1 << " (" << profiles[i] << "): received " << rx << " bytes, "
                  << rx * 8 / stopTime / 1e6 << " Mbit/s\n";
    }
    std::cout << "bottleneck queue: " << drops << " packets dropped\n";
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
        std::cerr << "linux-tcp-dumbbell: " << e.what() << "\n";
        return 2;
    }
}
