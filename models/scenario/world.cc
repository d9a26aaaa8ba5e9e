#include "models/scenario/world.h"

#include "models/link/linux-loopback-net-device.h"
#include "models/tcp/linux-tcp-l4-protocol.h"

#include <ns3/core-module.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/node.h>

#include <algorithm>
#include <array>

namespace sim
{

using namespace ns3;

// The 16-byte Linux cooked (SLL v1) header of an inbound IPv4 frame on lo:
// PACKET_HOST, ARPHRD_LOOPBACK, a 6-byte all-zero address, ETH_P_IP
static std::array<uint8_t, 16>
SllHeaderLoopback()
{
    return {0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00};
}

RunResult
RunScenario(const Scenario& sc)
{
    RunResult result;
    result.capture.link_type = sc.capture_link;

    // Checksums on, so that Wireshark sees valid IPv4 and TCP headers
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    Ptr<Node> host = CreateObject<Node>();
    Ptr<LinuxLoopbackNetDevice> lo = CreateObject<LinuxLoopbackNetDevice>();
    // ns-3 device MTUs are 16-bit: 65535 stands for Linux's 65536, which gives the same
    // MSS because ipv4_default_advmss() caps at IPV4_MAX_PMTU - 40.
    lo->SetMtu(static_cast<uint16_t>(std::min(sc.profile.loopback_mtu, 65535)));
    lo->SetLatency(NanoSeconds(sc.profile.loopback_latency_ns));
    const auto sll = SllHeaderLoopback();
    lo->SetTap([&result, &sll](Ptr<const Packet> p) {
        Frame f;
        f.time_ns = static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
        f.bytes.assign(sll.begin(), sll.end());
        f.bytes.resize(sll.size() + p->GetSize());
        p->CopyData(f.bytes.data() + sll.size(), p->GetSize());
        f.orig_len = static_cast<uint32_t>(f.bytes.size());
        result.capture.frames.push_back(std::move(f));
    });
    host->AddDevice(lo);

    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetTcp("ns3::LinuxTcpL4Protocol");
    stack.Install(host);

    Ptr<LinuxTcpL4Protocol> tcp = host->GetObject<LinuxTcpL4Protocol>();
    tcp->SetProfile(sc.profile);
    tcp->SetClock(TsClock{sc.ts_phase_ns});

    Ptr<EchoServer> server = CreateObject<EchoServer>();
    server->Configure(sc.server);
    host->AddApplication(server);
    server->SetStartTime(Seconds(0));

    Ptr<EchoClient> client = CreateObject<EchoClient>();
    client->Configure(sc.client);
    host->AddApplication(client);
    client->SetStartTime(Seconds(0));

    Simulator::Run();
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
