// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/linux-tcp-l4-protocol.h"

#include "models/tcp/payload-store.h"

#include "models/config/kernel-profile-loader.h"
#include "models/config/splitmix64.h"
#include "models/link/linux-loopback-net-device.h"
#include "models/tcp/linux-tcp-socket-factory.h"
#include "models/tcp/linux-tcp-socket.h"
#include "models/tcp/options.h"

#include <ns3/ipv4-header.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/object-vector.h>
#include <ns3/packet.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include <algorithm>

namespace sim
{

NS_LOG_COMPONENT_DEFINE("LinuxTcpL4Protocol");
NS_OBJECT_ENSURE_REGISTERED(LinuxTcpL4Protocol);

using namespace ns3;

TypeId
LinuxTcpL4Protocol::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LinuxTcpL4Protocol")
            .SetParent<IpL4Protocol>()
            .SetGroupName("Internet")
            .AddConstructor<LinuxTcpL4Protocol>()
            .AddAttribute("Profile",
                          "The kernel profile: a name in models/profiles (linux-6.18, linux-5.15, ...) "
                          "or the path of a profile .toml file",
                          StringValue("linux-6.18"),
                          MakeStringAccessor(&LinuxTcpL4Protocol::SetProfileName,
                                             &LinuxTcpL4Protocol::GetProfileName),
                          MakeStringChecker())
            .AddAttribute("SocketList",
                          "The sockets of this node, in the order they were made, until closed for good",
                          ObjectVectorValue(),
                          MakeObjectVectorAccessor(&LinuxTcpL4Protocol::GetNSockets, &LinuxTcpL4Protocol::GetSocket),
                          MakeObjectVectorChecker<LinuxTcpSocket>());
    return tid;
}

LinuxTcpL4Protocol::LinuxTcpL4Protocol() = default;
LinuxTcpL4Protocol::~LinuxTcpL4Protocol() = default;

void
LinuxTcpL4Protocol::NotifyConstructionCompleted()
{
    m_constructed = true;
    IpL4Protocol::NotifyConstructionCompleted();
}

void
LinuxTcpL4Protocol::SetProfile(const KernelProfile& profile)
{
    NS_ABORT_MSG_IF(!m_sockets.empty() && m_profileLoaded && profile.name != m_profile.name,
                    "LinuxTcpL4Protocol: the kernel profile cannot change under existing sockets");
    m_profile = profile;
    m_profileName = profile.name;
    m_profileLoaded = true;
}

void
LinuxTcpL4Protocol::SetProfileName(const std::string& name_or_path)
{
    NS_ABORT_MSG_IF(!m_sockets.empty(), "LinuxTcpL4Protocol: the kernel profile cannot change under existing sockets");
    if (m_constructed)
    {
        // a bad name fails here, where it was set, and changes nothing
        SetProfile(LoadKernelProfile(name_or_path, ProfileRoot()));
        return;
    }
    m_profileName = name_or_path; // a default: loaded with the first socket
    m_profileLoaded = false;
}

std::string
LinuxTcpL4Protocol::GetProfileName() const
{
    return m_profileLoaded ? m_profile.name : m_profileName;
}

// What a node set up by ns-3's helpers has not been given: the profile named by the
// attribute, and a secret for ISNs, TS offsets and ports from ns-3's seed and run
void
LinuxTcpL4Protocol::EnsureProfile()
{
    if (!m_profileLoaded)
    {
        m_profile = LoadKernelProfile(m_profileName, ProfileRoot());
        m_profileLoaded = true;
    }
    if (!m_secretSet)
    {
        m_secret = SplitMix64(uint64_t{RngSeedManager::GetSeed()} << 32 ^ RngSeedManager::GetRun());
        m_secretSet = true;
    }
}

uint32_t
LinuxTcpL4Protocol::SecureTcpSeq(Ipv4Address saddr, Ipv4Address daddr, uint16_t sport, uint16_t dport) const
{
    const uint64_t addrs = (static_cast<uint64_t>(saddr.Get()) << 32) | daddr.Get();
    return static_cast<uint32_t>(SplitMix64(m_secret ^ SplitMix64(addrs ^ (static_cast<uint64_t>(sport) << 16 | dport))));
}

uint32_t
LinuxTcpL4Protocol::SecureTsBase(Ipv4Address saddr, Ipv4Address daddr, uint16_t sport, uint16_t dport) const
{
    // 5.x: the offset depends on the addresses only; 6.x: on the whole flow
    const bool per_flow = m_profile.ts_offset == TsOffsetPolicy::PerFlow;
    const uint64_t addrs = (static_cast<uint64_t>(saddr.Get()) << 32) | daddr.Get();
    const uint64_t ports = per_flow ? (static_cast<uint64_t>(sport) << 16 | dport) : 0;
    return static_cast<uint32_t>(SplitMix64(~m_secret ^ SplitMix64(addrs ^ ports)) >> 32);
}

int
LinuxTcpL4Protocol::GetProtocolNumber() const
{
    return PROT_NUMBER;
}

// Like TcpL4Protocol: once aggregated to a node with IPv4, register with it.
void
LinuxTcpL4Protocol::NotifyNewAggregate()
{
    Ptr<Node> node = GetObject<Node>();
    Ptr<Ipv4> ipv4 = GetObject<Ipv4>();
    if (!m_node && node && ipv4)
    {
        m_node = node;
        ipv4->Insert(this);
        m_downTarget = MakeCallback(&Ipv4::Send, ipv4);
        // as TcpL4Protocol does: Socket::CreateSocket(node, TcpSocketFactory::GetTypeId())
        Ptr<LinuxTcpSocketFactory> factory = CreateObject<LinuxTcpSocketFactory>();
        factory->SetTcp(this);
        node->AggregateObject(factory);
    }
    IpL4Protocol::NotifyNewAggregate();
}

void
LinuxTcpL4Protocol::DoDispose()
{
    // every socket made here (each registered one is in the list)
    std::list<Ptr<LinuxTcpSocket>> sockets;
    sockets.swap(m_sockets);
    for (auto& s : sockets)
    {
        s->m_isListed = false;
        s->Dispose();
    }
    m_byPort.clear();
    m_established.clear();
    m_backlog.clear();
    m_node = nullptr;
    if (m_lo)
    {
        m_lo->SetIpv4Input(nullptr);
        m_lo = nullptr;
    }
    m_downTarget = DownTargetCallback();
    m_downTarget6 = DownTargetCallback6();
    IpL4Protocol::DoDispose();
}

Ptr<LinuxTcpSocket>
LinuxTcpL4Protocol::Track(Ptr<LinuxTcpSocket> s)
{
    s->SetTcp(this);
    m_sockets.push_back(s);
    s->m_listed = std::prev(m_sockets.end());
    s->m_isListed = true;
    return s;
}

Ptr<LinuxTcpSocket>
LinuxTcpL4Protocol::CreateSocket()
{
    EnsureProfile();
    return Track(CreateObject<LinuxTcpSocket>());
}

Ptr<LinuxTcpSocket>
LinuxTcpL4Protocol::CreateNs3Socket()
{
    Ptr<LinuxTcpSocket> s = CreateSocket();
    s->UseNs3Api();
    return s;
}

Ptr<LinuxTcpSocket>
LinuxTcpL4Protocol::CreateChild(const LinuxTcpSocket& listener)
{
    return Track(CopyObject<LinuxTcpSocket>(Ptr<const LinuxTcpSocket>(&listener)));
}

Ptr<LinuxTcpSocket>
LinuxTcpL4Protocol::GetSocket(uint32_t i) const
{
    if (i >= m_sockets.size())
    {
        return nullptr;
    }
    return *std::next(m_sockets.begin(), i);
}

bool
LinuxTcpL4Protocol::PortInUse(const LinuxTcpSocket* self, Ipv4Address addr, uint16_t port) const
{
    auto bucket = m_byPort.find(port);
    if (bucket == m_byPort.end())
    {
        return false;
    }
    for (const auto& s : bucket->second)
    {
        const TcpState st = s->GetTcb().state;
        if (PeekPointer(s) == self || st == TcpState::Closed || st == TcpState::TimeWait)
        {
            continue;
        }
        // inet_rcv_saddr_equal() with wildcards
        if (s->LocalAddress() == addr || s->LocalAddress().IsAny() || addr.IsAny())
        {
            return true;
        }
    }
    return false;
}

uint16_t
LinuxTcpL4Protocol::EphemeralPort(bool for_connect, Ipv4Address saddr, Ipv4Address daddr, uint16_t dport)
{
    constexpr uint32_t low = 32768; // net.ipv4.ip_local_port_range
    constexpr uint32_t high = 60999;
    constexpr uint32_t span = high - low + 1;
    // the start: a hash of the connection's addresses and port (secure_ipv4_port_ephemeral())
    // for connect(), a draw for bind(); then every second port, then the others
    const uint64_t key = for_connect ? (uint64_t{saddr.Get()} << 32 | daddr.Get()) ^ dport : 0x62696e64ULL + m_bindPorts++;
    uint32_t offset = static_cast<uint32_t>(SplitMix64(m_secret ^ SplitMix64(key)) % span);
    offset = for_connect ? offset & ~1u : offset | 1u;
    for (uint32_t parity = 0; parity < 2; ++parity)
    {
        for (uint32_t i = 0; i < span; i += 2)
        {
            const uint16_t port = static_cast<uint16_t>(low + (offset + i + parity) % span);
            if (m_byPort.find(port) == m_byPort.end())
            {
                return port;
            }
        }
    }
    return 0;
}

bool
LinuxTcpL4Protocol::IsLocalAddress(Ipv4Address addr) const
{
    if (addr.IsAny() || addr.CombineMask(Ipv4Mask("255.0.0.0")) == Ipv4Address("127.0.0.0"))
    {
        return true;
    }
    Ptr<Ipv4> ipv4 = m_node ? m_node->GetObject<Ipv4>() : nullptr;
    return ipv4 && ipv4->GetInterfaceForAddress(addr) >= 0;
}

void
LinuxTcpL4Protocol::Register(Ptr<LinuxTcpSocket> socket)
{
    if (socket->m_inPortBucket)
    {
        return;
    }
    auto& sockets = m_byPort[socket->LocalPort()];
    socket->m_portPlace = sockets.insert(sockets.end(), socket);
    socket->m_inPortBucket = true;
}

void
LinuxTcpL4Protocol::Unregister(LinuxTcpSocket* socket)
{
    // Keep the object alive until the events that still point at it have run.
    auto bucket = m_byPort.find(socket->LocalPort());
    if (bucket == m_byPort.end())
    {
        return;
    }
    auto& sockets = bucket->second;
    if (socket->m_inPortBucket)
    {
        Ptr<LinuxTcpSocket> keep = *socket->m_portPlace;
        sockets.erase(socket->m_portPlace);
        socket->m_inPortBucket = false;
        if (socket->m_isListed)
        {
            socket->m_isListed = false;
            m_sockets.erase(socket->m_listed);
        }
        Simulator::ScheduleNow([keep]() {});
    }
    if (socket->GetTcb().state != TcpState::Listen)
    {
        // a newer socket of the same tuple keeps its entry
        auto hit = m_established.find(
            {socket->PeerAddress().Get(), socket->LocalAddress().Get(), socket->PeerPort(), socket->LocalPort()});
        if (hit != m_established.end() && hit->second == socket)
        {
            m_established.erase(hit);
        }
    }
}

void
LinuxTcpL4Protocol::Hash(LinuxTcpSocket* socket)
{
    m_established[{socket->PeerAddress().Get(), socket->LocalAddress().Get(), socket->PeerPort(),
                   socket->LocalPort()}] = socket;
}

// The socket at the other end of `s`: the one its segments reach (the established
// table is keyed by a segment's source, destination and ports)
LinuxTcpSocket*
LinuxTcpL4Protocol::Peer(const LinuxTcpSocket& s) const
{
    const TupleKey key{s.LocalAddress().Get(), s.PeerAddress().Get(), s.LocalPort(), s.PeerPort()};
    auto hit = m_established.find(key);
    return hit == m_established.end() ? nullptr : hit->second;
}

// __inet_lookup_skb(): an established (or half-open) socket first, then a listener
LinuxTcpSocket*
LinuxTcpL4Protocol::Lookup(const Segment& seg) const
{
    const TupleKey key{seg.src.Get(), seg.dst.Get(), seg.sport, seg.dport};
    if (auto hit = m_established.find(key); hit != m_established.end())
    {
        if (hit->second->Matches(seg, false))
        {
            return hit->second;
        }
        m_established.erase(hit);
    }
    // every socket with a peer is in m_established (Hash()): past it, only listeners
    auto bucket = m_byPort.find(seg.dport);
    if (bucket == m_byPort.end())
    {
        return nullptr;
    }
    for (const auto& s : bucket->second)
    {
        if (s->Matches(seg, true))
        {
            return PeekPointer(s);
        }
    }
    return nullptr;
}

IpL4Protocol::RxStatus
LinuxTcpL4Protocol::Receive(Ptr<Packet> packet,
                            const Ipv4Header& ip,
                            Ptr<Ipv4Interface> /* incomingInterface */)
{
    WireTcpHeader th;
    packet->RemoveHeader(th);
    Segment seg;
    seg.src = ip.GetSource();
    seg.dst = ip.GetDestination();
    seg.sport = th.GetSourcePort();
    seg.dport = th.GetDestinationPort();
    seg.seq = th.GetSequenceNumber().GetValue();
    seg.ack_seq = th.GetAckNumber().GetValue();
    seg.flags = th.GetFlags();
    seg.window = th.GetWindowSize();
    seg.hdr_len = th.GetLength() * 4u;
    // Our segments' content rides beside the packet (PayloadStore); a packet from
    // elsewhere carries its bytes
    if (std::optional<Payload> payload = PayloadStore::Take(packet->GetUid(), &seg.dataref, &seg.gso_size, &seg.frags))
    {
        seg.payload = std::move(*payload);
    }
    else if (packet->GetSize() > 0)
    {
        std::string bytes(packet->GetSize(), '\0');
        packet->CopyData(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
        seg.payload = Payload(std::move(bytes));
    }
    seg.end_seq = seg.seq + seg.Len() + (seg.Has(TCPHDR_SYN) ? 1 : 0) +
                  (seg.Has(TCPHDR_FIN) ? 1 : 0);
    seg.opt = ParseOptions(th);
    // SKB_TRUESIZE() of the skb as the sender built it: head plus page frags
    seg.truesize = m_profile.skb_truesize_overhead + static_cast<int>(seg.Len());

    BeginSoftirq();
    if (LinuxTcpSocket* s = Lookup(seg))
    {
        Ptr<LinuxTcpSocket> hold = s;
        if (s->RxTraced())
        {
            s->TraceRx(packet, th);
        }
        if (s->OwnedByUser())
        {
            s->AddBacklog(seg); // tcp_v4_rcv(): sock_owned_by_user() -> tcp_add_backlog()
        }
        else
        {
            s->Receive(seg);
        }
    }
    else
    {
        SendResetFor(seg);
    }
    EndSoftirq();
    return RX_OK;
}

IpL4Protocol::RxStatus
LinuxTcpL4Protocol::Receive(Ptr<Packet>, const Ipv6Header&, Ptr<Ipv6Interface>)
{
    return RX_ENDPOINT_UNREACH;
}

// tcp_v4_send_reset(): RST for a segment's ACK number, or RST,ACK covering it
void
LinuxTcpL4Protocol::SendResetFor(const Segment& seg, SendWhy why)
{
    if (seg.Has(TCPHDR_RST))
    {
        return;
    }
    WireTcpHeader th;
    th.SetSourcePort(seg.dport);
    th.SetDestinationPort(seg.sport);
    if (seg.Has(TCPHDR_ACK))
    {
        th.SetSequenceNumber(SequenceNumber32(seg.ack_seq));
        th.SetAckNumber(SequenceNumber32(0));
        th.SetFlags(TCPHDR_RST);
    }
    else
    {
        th.SetSequenceNumber(SequenceNumber32(0));
        th.SetAckNumber(SequenceNumber32(seg.end_seq));
        th.SetFlags(TCPHDR_RST | TCPHDR_ACK);
    }
    th.SetWindowSize(0);
    Ptr<Packet> p = Create<Packet>();
    PayloadStore::Put(p->GetUid(), Payload(), SendNote{{why}, {}});
    p->AddHeader(th); // the checksum is the capture's (WireTcpHeader)
    Transmit(p, seg.dst, seg.src);
}

// The receive path runs as a softirq. What it sends is queued on the CPU's backlog
// (netif_rx() on loopback) and normally leaves at once. On a host where
// __do_softirq() finds need_resched() set after a wake-up and leaves the backlog to
// ksoftirqd (wakeup_softirqd()), it leaves only once the woken task has the CPU; the
// profile says whether the host behaves so (softirq_waits_for_woken_task). The woken
// task goes on right after the backlog.
void
LinuxTcpL4Protocol::BeginSoftirq()
{
    m_inSoftirq = true;
}

void
LinuxTcpL4Protocol::WakeTask(Time latency, std::function<void()> then)
{
    if (!m_inSoftirq)
    {
        Simulator::Schedule(latency, std::move(then));
        return;
    }
    m_woken.push_back({latency, std::move(then)});
}

void
LinuxTcpL4Protocol::EndSoftirq()
{
    m_inSoftirq = false;
    std::vector<Pending> backlog;
    backlog.swap(m_backlog);
    std::vector<Woken> woken;
    woken.swap(m_woken);
    Time release = Time(0);
    for (size_t i = 0; i < woken.size() && m_profile.softirq_waits_for_woken_task; ++i)
    {
        release = i == 0 ? woken[i].latency : std::min(release, woken[i].latency);
    }
    // the CPU backlog is FIFO: nothing overtakes packets still held for a woken task
    const bool behind = m_heldBatches > 0 && !backlog.empty();
    if (behind)
    {
        release = std::max(release, m_heldUntil - Simulator::Now());
    }
    if (backlog.empty() || (!release.IsStrictlyPositive() && !behind))
    {
        for (const auto& b : backlog)
        {
            m_downTarget(b.packet, b.src, b.dst, PROT_NUMBER, nullptr);
        }
    }
    else
    {
        ++m_heldBatches;
        m_heldUntil = std::max(m_heldUntil, Simulator::Now() + release);
        Simulator::Schedule(release, [this, backlog]() {
            for (const auto& b : backlog)
            {
                m_downTarget(b.packet, b.src, b.dst, PROT_NUMBER, nullptr);
            }
            --m_heldBatches;
        });
    }
    for (auto& w : woken)
    {
        Simulator::Schedule(w.latency, std::move(w.then));
    }
}

bool
LinuxTcpL4Protocol::Transmit(Ptr<Packet> packet, Ipv4Address src, Ipv4Address dst)
{
    if (m_qdiscDropsAll)
    {
        PayloadStore::Lost(packet->GetUid()); // never reaches the device, or the capture
        return false;
    }
    if (m_inSoftirq)
    {
        m_backlog.push_back({packet, src, dst});
        return true;
    }
    m_downTarget(packet, src, dst, PROT_NUMBER, nullptr);
    return true;
}

void
LinuxTcpL4Protocol::UseLoopback(Ptr<LinuxLoopbackNetDevice> lo)
{
    m_lo = lo;
    m_downTarget = MakeCallback(&LinuxTcpL4Protocol::LoopbackXmit, this);
    lo->SetIpv4Input([this](Ptr<Packet> p) { LoopbackRcv(p); });
}

// What Ipv4L3Protocol::Send() does for a segment to a local address: the header from
// BuildHeader() (default TTL 64, TOS 0, may fragment, the next identification for the
// address pair, checksum when enabled) and Ipv4Interface::Send() straight to the
// loopback device. Nothing larger than lo's MTU is ever built.
void
LinuxTcpL4Protocol::LoopbackXmit(Ptr<Packet> packet,
                                 Ipv4Address src,
                                 Ipv4Address dst,
                                 uint8_t protocol,
                                 Ptr<Ipv4Route> /* route */)
{
    Ipv4Header ip;
    ip.SetSource(src);
    ip.SetDestination(dst);
    ip.SetProtocol(protocol);
    ip.SetPayloadSize(packet->GetSize());
    ip.SetTtl(64);
    SocketIpTosTag tos;
    ip.SetTos(packet->RemovePacketTag(tos) ? tos.GetTos() : 0);
    ip.SetMayFragment();
    ip.SetIdentification(m_ipId[uint64_t{src.Get()} << 32 | dst.Get()]++);
    if (Node::ChecksumEnabled())
    {
        ip.EnableChecksum();
    }
    packet->AddHeader(ip);
    m_lo->Send(packet, m_lo->GetBroadcast(), Ipv4L3Protocol::PROT_NUMBER);
}

// Ipv4L3Protocol::Receive() and LocalDeliver() for a packet of our own: the header off,
// to tcp_v4_rcv()
void
LinuxTcpL4Protocol::LoopbackRcv(Ptr<Packet> packet)
{
    Ipv4Header ip;
    packet->RemoveHeader(ip);
    Receive(packet, ip, nullptr);
}

void
LinuxTcpL4Protocol::SetDownTarget(DownTargetCallback cb)
{
    m_downTarget = cb;
}

void
LinuxTcpL4Protocol::SetDownTarget6(DownTargetCallback6 cb)
{
    m_downTarget6 = cb;
}

IpL4Protocol::DownTargetCallback
LinuxTcpL4Protocol::GetDownTarget() const
{
    return m_downTarget;
}

IpL4Protocol::DownTargetCallback6
LinuxTcpL4Protocol::GetDownTarget6() const
{
    return m_downTarget6;
}

} // namespace sim
