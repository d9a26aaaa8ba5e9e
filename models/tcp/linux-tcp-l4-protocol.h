// SPDX-License-Identifier: GPL-2.0-only
// Our TCP as an ns-3 layer-4 protocol (IP protocol 6), installed on a node with
// InternetStackHelper::SetTcp("ns3::LinuxTcpL4Protocol") or LinuxTcpStackHelper. It
// demultiplexes arriving segments to sockets (__inet_lookup_skb(): established first,
// then listeners), answers segments for no socket with a reset (tcp_v4_send_reset()),
// and hands outgoing segments to IPv4. On a node it brings a TcpSocketFactory, so
// that ns-3's applications (BulkSend, PacketSink, OnOff, ...) get our sockets.
// Attributes: Profile (the kernel profile: a name in models/profiles or a .toml file,
// linux-6.18 unless told) and SocketList (every socket not yet closed for good, as
// TcpL4Protocol's, for Config paths such as
// /NodeList/0/$ns3::LinuxTcpL4Protocol/SocketList/0/CongestionWindow).
#pragma once

#include "models/tcp/kernel-profile.h"
#include "models/tcp/send-reason.h"
#include "models/tcp/segment.h"
#include "models/tcp/ts-clock.h"

#include <ns3/ip-l4-protocol.h>
#include <ns3/ipv4-address.h>
#include <ns3/node.h>
#include <ns3/nstime.h>

#include <functional>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace sim
{

class LinuxTcpSocket;
class LinuxLoopbackNetDevice;

class LinuxTcpL4Protocol : public ns3::IpL4Protocol
{
  public:
    static constexpr uint8_t PROT_NUMBER = 6;

    static ns3::TypeId GetTypeId();
    LinuxTcpL4Protocol();
    ~LinuxTcpL4Protocol() override;

    void SetProfile(const KernelProfile& profile);
    const KernelProfile& Profile() const { return m_profile; }
    // The Profile attribute: a profile by name or path, loaded when the first socket is
    // made (or at once, once the object is constructed). Throws InputError for an
    // unknown name or a bad file. The profile cannot change under existing sockets.
    void SetProfileName(const std::string& name_or_path);
    std::string GetProfileName() const;
    void SetClock(const TsClock& clock) { m_clock = clock; }
    // A local qdisc with no room (packetdrill's `tc qdisc add dev tun0 root pfifo limit
    // 0`): every segment is dropped before the device, and the sender is told
    // (__dev_queue_xmit() returns NET_XMIT_DROP)
    void SetQdiscDropsAll(bool on) { m_qdiscDropsAll = on; }
    bool QdiscDropsAll() const { return m_qdiscDropsAll; }
    const TsClock& Clock() const { return m_clock; }

    // secure_tcp_seq() and secure_tcp_ts_off(): what the kernel draws for a connection
    // the scenario gives no ISN or TS base for, from a keyed hash of its addresses and
    // ports (a secret from --seed, so runs repeat)
    // (without one: from ns-3's RngSeedManager seed and run, so that --RngRun varies it)
    void SetSecret(uint64_t secret)
    {
        m_secret = secret;
        m_secretSet = true;
    }
    uint32_t SecureTcpSeq(ns3::Ipv4Address saddr, ns3::Ipv4Address daddr, uint16_t sport, uint16_t dport) const;
    uint32_t SecureTsBase(ns3::Ipv4Address saddr, ns3::Ipv4Address daddr, uint16_t sport, uint16_t dport) const;
    ns3::Ptr<ns3::Node> GetNode() const { return m_node; }

    ns3::Ptr<LinuxTcpSocket> CreateSocket();
    // What the node's TcpSocketFactory hands to ns-3's applications
    ns3::Ptr<LinuxTcpSocket> CreateNs3Socket();
    // A listener's new connection (inet_csk_clone_lock())
    ns3::Ptr<LinuxTcpSocket> CreateChild(const LinuxTcpSocket& listener);

    // sockets register once bound, and leave when closed for good
    void Register(ns3::Ptr<LinuxTcpSocket> socket);
    void Unregister(LinuxTcpSocket* socket);
    // inet_ehash_insert(): a socket with its four-tuple (connect(), or a child the
    // handshake made) is found by it; a segment of no such tuple goes to a listener
    void Hash(LinuxTcpSocket* socket);

    // bind(): another socket holds `port` on an address overlapping `addr`
    // (inet_csk_bind_conflict(), no SO_REUSEADDR); sockets closing or in TIME_WAIT do not
    bool PortInUse(const LinuxTcpSocket* self, ns3::Ipv4Address addr, uint16_t port) const;
    // A free local port from net.ipv4.ip_local_port_range (32768-60999): bind() to
    // port 0 (inet_csk_find_open_port(): odd ports, from a random start) or connect()
    // of an unbound socket (__inet_hash_connect(): even ports, from a hash of the
    // addresses and the destination port). 0 when none is free.
    uint16_t EphemeralPort(bool for_connect, ns3::Ipv4Address saddr, ns3::Ipv4Address daddr, uint16_t dport);
    // Whether `addr` is one of the node's (inet_addr_type() == RTN_LOCAL): an address
    // of an interface, or any of 127.0.0.0/8
    bool IsLocalAddress(ns3::Ipv4Address addr) const;

    // The SocketList attribute
    uint32_t GetNSockets() const { return static_cast<uint32_t>(m_sockets.size()); }
    ns3::Ptr<LinuxTcpSocket> GetSocket(uint32_t i) const;

    // Hand a segment (TcpHeader already added) to IPv4. Inside the receive path
    // (softirq) it is queued with the CPU's backlog; see EndSoftirq().
    // false: a local qdisc dropped it (NET_XMIT_DROP, SetQdiscDropsAll())
    bool Transmit(ns3::Ptr<ns3::Packet> packet, ns3::Ipv4Address src, ns3::Ipv4Address dst);

    // A host whose only link is lo: segments go to the device and come back from it with
    // just their IPv4 header, built as ns-3's Ipv4L3Protocol builds it (see
    // LoopbackXmit()), without ns-3's routing and interface layers on either side
    void UseLoopback(ns3::Ptr<LinuxLoopbackNetDevice> lo);

    // tcp_v4_send_reset(): answer a segment that no connection accepts
    void SendResetFor(const Segment& seg, SendWhy why = SendWhy::ResetNoSocket);

    // A socket woke a task blocked on it: the task runs `then` when it gets the CPU,
    // `latency` later. Inside the receive path, what that path sent leaves first.
    void WakeTask(ns3::Time latency, std::function<void()> then);

    // ns3::IpL4Protocol
    int GetProtocolNumber() const override;
    RxStatus Receive(ns3::Ptr<ns3::Packet> p,
                     const ns3::Ipv4Header& header,
                     ns3::Ptr<ns3::Ipv4Interface> incomingInterface) override;
    RxStatus Receive(ns3::Ptr<ns3::Packet> p,
                     const ns3::Ipv6Header& header,
                     ns3::Ptr<ns3::Ipv6Interface> incomingInterface) override;
    void SetDownTarget(DownTargetCallback cb) override;
    void SetDownTarget6(DownTargetCallback6 cb) override;
    DownTargetCallback GetDownTarget() const override;
    DownTargetCallback6 GetDownTarget6() const override;

    // The other end of a connection between two sockets of this node (loopback): the
    // socket whose segments come from `s`'s peer address and port; null if none
    LinuxTcpSocket* Peer(const LinuxTcpSocket& s) const;

  protected:
    void NotifyNewAggregate() override;
    void NotifyConstructionCompleted() override;
    void DoDispose() override;

  private:
    void EnsureProfile();
    ns3::Ptr<LinuxTcpSocket> Track(ns3::Ptr<LinuxTcpSocket> s);
    LinuxTcpSocket* Lookup(const Segment& seg) const;
    void BeginSoftirq();
    void EndSoftirq();
    void LoopbackXmit(ns3::Ptr<ns3::Packet> packet,
                      ns3::Ipv4Address src,
                      ns3::Ipv4Address dst,
                      uint8_t protocol,
                      ns3::Ptr<ns3::Ipv4Route> route);
    void LoopbackRcv(ns3::Ptr<ns3::Packet> packet);

    struct Pending
    {
        ns3::Ptr<ns3::Packet> packet;
        ns3::Ipv4Address src;
        ns3::Ipv4Address dst;
    };

    ns3::Ptr<ns3::Node> m_node;
    DownTargetCallback m_downTarget;
    DownTargetCallback6 m_downTarget6;
    ns3::Ptr<LinuxLoopbackNetDevice> m_lo;
    // Ipv4L3Protocol::BuildHeader()'s identification counter, per source and destination
    std::unordered_map<uint64_t, uint16_t> m_ipId;
    KernelProfile m_profile;
    std::string m_profileName; // the Profile attribute, until it is loaded
    bool m_profileLoaded = false;
    bool m_constructed = false;
    bool m_qdiscDropsAll = false;
    TsClock m_clock;
    uint64_t m_secret = 1;
    bool m_secretSet = false;
    uint32_t m_bindPorts = 0; // bind(0) calls so far: the next one starts elsewhere
    // every socket made and not yet closed for good, in the order they were made
    std::list<ns3::Ptr<LinuxTcpSocket>> m_sockets;
    // Sockets by local port, each list in the order of registration: a lookup scans
    // one port's sockets, not all (the kernel hashes them: inet_ehashfn(), lhash2)
    // each port's sockets in the order they were bound (a list: one leaves in O(1))
    std::unordered_map<uint16_t, std::list<ns3::Ptr<LinuxTcpSocket>>> m_byPort;
    // The socket a segment's 4-tuple last found (the established hash), checked again
    // each time it is used
    struct TupleKey
    {
        uint32_t src;
        uint32_t dst;
        uint16_t sport;
        uint16_t dport;
        bool operator==(const TupleKey& o) const
        {
            return src == o.src && dst == o.dst && sport == o.sport && dport == o.dport;
        }
    };
    struct TupleHash
    {
        size_t operator()(const TupleKey& k) const
        {
            return std::hash<uint64_t>()((uint64_t{k.src} << 32 | k.dst) ^
                                         (uint64_t{k.sport} << 16 | k.dport) * 0x9e3779b97f4a7c15ULL);
        }
    };
    mutable std::unordered_map<TupleKey, LinuxTcpSocket*, TupleHash> m_established;

    struct Woken
    {
        ns3::Time latency;
        std::function<void()> then;
    };

    bool m_inSoftirq = false;
    std::vector<Pending> m_backlog;
    std::vector<Woken> m_woken;
    // packets held for a woken task still wait: the CPU backlog is FIFO, so what a later
    // softirq sends goes behind them (process_backlog())
    int m_heldBatches = 0;
    ns3::Time m_heldUntil;
};

} // namespace sim
