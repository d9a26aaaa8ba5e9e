// SPDX-License-Identifier: GPL-2.0-only
// A bulk transfer as an ns-3 user would set it up: two nodes on a point-to-point link,
// a BulkSendApplication with MaxBytes to a PacketSink, over ns-3's own TCP
// (InternetStackHelper's default TcpL4Protocol) or over ours (LinuxTcpStackHelper).
// Only what makes the link and the segments the same on both is changed from the
// defaults: ns-3's segment size (ours takes the MSS from the MTU, as Linux does), and
// the application's write size, whose default of 512 B would charge either TCP for 17
// Send() calls per segment. Everything else is each TCP's own: for ns-3's, Cubic in
// 3.37, PRR recovery, 128 KiB buffers, delayed ACKs every 2 segments, SACK and
// timestamps on; for ours, the kernel profile's. Checksums off on both (ns-3's default).
#include "cli/bench-ns3tcp.h"

#include "models/helper/linux-tcp-stack-helper.h"

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

namespace sim
{

using namespace ns3;

namespace
{

// Packets that leave a node's IPv4 layer, and the TCP data segments among them
struct TxCounter
{
    uint64_t packets = 0;
    uint64_t segments = 0;
    uint64_t payload_bytes = 0;

    // The Tx trace hands over the IPv4 datagram with its header: the payload length is
    // what is left after the IPv4 and TCP headers (read off their length fields rather
    // than by deserialising the headers, so that counting costs ns-3 next to nothing)
    void OnTx(Ptr<const Packet> ip, Ptr<Ipv4>, uint32_t)
    {
        ++packets;
        uint8_t head[33] = {};
        if (ip->CopyData(head, sizeof head) < sizeof head)
        {
            return;
        }
        const uint32_t ihl = (head[0] & 0x0f) * 4u;
        const uint32_t doff = (head[ihl + 12] >> 4) * 4u;
        const uint32_t size = ip->GetSize();
        if (size > ihl + doff)
        {
            ++segments;
            payload_bytes += size - ihl - doff;
        }
    }
};

struct BulkSide
{
    bool linux_tcp = false;             // ours, not ns-3's
    std::string profile = "linux-6.18"; // ours: the kernel profile of both nodes
};

void
RunNs3Bulk(const BulkLink& link, const BulkSide& side)
{
    const auto run_start = std::chrono::steady_clock::now(); // as `sim run` times its run
    if (!side.linux_tcp)
    {
        // ns-3's SegmentSize is the payload of a full segment; its options come on top
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(link.SegmentPayload()));
    }

    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(link.rate_mbps * 1000000)));
    p2p.SetDeviceAttribute("Mtu", UintegerValue(link.mtu));
    // the delay rounded to the nanosecond, as the scenario loader does for our side
    p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(std::llround(link.delay_ms * 1e6))));
    NetDeviceContainer devs = p2p.Install(nodes);

    if (side.linux_tcp)
    {
        LinuxTcpStackHelper stack;
        stack.SetProfile(side.profile);
        stack.Internet().SetIpv6StackInstall(false);
        stack.Install(nodes);
    }
    else
    {
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.Install(nodes);
    }
    Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.0");
    const Ipv4InterfaceContainer ifaces = addresses.Assign(devs);

    const uint16_t port = 5001;
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    sink.Install(nodes.Get(1)).Start(Seconds(0));
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(ifaces.GetAddress(1), port));
    bulk.SetAttribute("MaxBytes", UintegerValue(link.bytes));
    bulk.SetAttribute("SendSize", UintegerValue(link.SegmentPayload()));
    bulk.Install(nodes.Get(0)).Start(Seconds(0));

    TxCounter sender;
    TxCounter receiver;
    nodes.Get(0)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
        "Tx", MakeCallback(&TxCounter::OnTx, &sender));
    nodes.Get(1)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
        "Tx", MakeCallback(&TxCounter::OnTx, &receiver));
    // which TCP: ns-3's congestion control, or our kernel profile
    std::string which;
    if (side.linux_tcp)
    {
        which = "profile=" + side.profile;
    }
    else
    {
        TypeIdValue congestion;
        nodes.Get(0)->GetObject<TcpL4Protocol>()->GetAttribute("SocketType", congestion);
        which = "congestion=" + congestion.Get().GetName();
    }

    Simulator::Run();
    const uint64_t events = Simulator::GetEventCount();
    Simulator::Destroy();
    const std::chrono::duration<double> run_wall = std::chrono::steady_clock::now() - run_start;

    // to the file `sim bench` names, else (a person trying it) to stdout
    const char* env = std::getenv("SIM_STATS_FILE");
    const std::string stats = env ? env : "";
    std::ofstream file;
    if (!stats.empty())
    {
        file.open(stats);
    }
    std::ostream& out = stats.empty() ? std::cout : file;
    out << fmt::format("segments={}\npayload_bytes={}\npackets={}\nevents={}\nsegment_payload={}\n"
                       "{}\nrun_wall_s={:.9f}\n",
                       sender.segments,
                       sender.payload_bytes,
                       sender.packets + receiver.packets,
                       events,
                       link.SegmentPayload(),
                       which,
                       run_wall.count());
    if (!out)
    {
        throw std::runtime_error(fmt::format("bench-ns3tcp: cannot write {}", stats.empty() ? "stdout" : stats));
    }
}

} // namespace

void
AddBenchNs3TcpCommand(CLI::App& app, int& exit_code)
{
    auto link = std::make_shared<BulkLink>();
    auto side = std::make_shared<BulkSide>();
    auto tcp = std::make_shared<std::string>("ns3");
    CLI::App* cmd = app.add_subcommand("bench-ns3tcp", "a bulk transfer of ns-3's applications over ns-3's TCP or "
                                                       "ours (used by `sim bench`)");
    cmd->group(""); // hidden: `sim bench` runs it as its own process
    cmd->add_option("--bytes", link->bytes)->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
    cmd->add_option("--mtu", link->mtu)->check(CLI::Range(576, 65535));
    cmd->add_option("--rate-mbps", link->rate_mbps)->check(CLI::Range(uint64_t{1}, uint64_t{10000000}));
    cmd->add_option("--delay-ms", link->delay_ms)->check(CLI::Range(0.0, 3.6e6));
    cmd->add_option("--tcp", *tcp)->check(CLI::IsMember({"ns3", "linux"}));
    cmd->add_option("--profile", side->profile);
    cmd->callback([link, side, tcp, &exit_code]() {
        side->linux_tcp = *tcp == "linux";
        RunNs3Bulk(*link, *side);
        exit_code = 0;
    });
}

} // namespace sim
