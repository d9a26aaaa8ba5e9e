// SPDX-License-Identifier: GPL-2.0-only
// The world, the event loop and the packet events of a script run (executor.h).
#include "models/drill/executor.h"

#include "models/drill/sysctls.h"
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/payload-store.h"
#include "models/tcp/segment.h"
#include "models/tcp/wire-header.h"

#include <ns3/boolean.h>
#include <ns3/global-value.h>
#include <ns3/icmpv4-l4-protocol.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv4-list-routing.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/mac48-address.h>
#include <ns3/simulator.h>
#include <ns3/traffic-control-layer.h>

#include <fmt/format.h>

namespace sim::drill
{

using namespace ns3;

namespace
{

bool
IsInbound(const Event& e)
{
    return e.kind == Event::Kind::Packet && e.packet.inbound;
}

// event_description() of run.c
const char*
Describe(const Event& e)
{
    switch (e.kind)
    {
    case Event::Kind::Packet:
        return e.packet.inbound ? "inbound packet" : "outbound packet";
    case Event::Kind::Syscall:
        return "system call start";
    case Event::Kind::Command:
        return "command";
    case Event::Kind::Code:
        return "data collection for code";
    }
    return "event";
}

// The addresses packetdrill's live packets have: SLL shows the sender's
const Mac48Address kSelfMac("02:00:c0:a8:00:01");
const Mac48Address kPeerMac("02:00:c0:00:02:01");

} // namespace

Executor::Executor(const Script& script, ExecConfig cfg)
    : m_script(script),
      m_events(script.events),
      m_cfg(std::move(cfg))
{
}

Executor::~Executor() = default;

int64_t
Executor::NowUs() const
{
    return Simulator::Now().GetNanoSeconds() / 1000;
}

// One host as world.cc builds one (Ipv4 with static routes, our TCP), with the tun
// device as its only interface and a default route through it
void
Executor::Build()
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    m_node = CreateObject<Node>();
    // lo first: Ipv4L3Protocol::SetupLoopback() takes the node's first loopback device
    // for 127.0.0.1, and the tun is one to ns-3 (tun-device.h)
    m_node->AddDevice(CreateObject<LoopbackNetDevice>());
    m_dev = CreateObject<TunDevice>();
    m_dev->SetAddress(kSelfMac);
    m_dev->SetMtu(m_cfg.mtu);
    m_node->AddDevice(m_dev);
    m_node->AggregateObject(CreateObject<Ipv4L3Protocol>());
    m_node->AggregateObject(CreateObject<Icmpv4L4Protocol>());
    Ptr<Ipv4ListRouting> routing = CreateObject<Ipv4ListRouting>();
    routing->AddRoutingProtocol(CreateObject<Ipv4StaticRouting>(), 0);
    m_node->GetObject<Ipv4>()->SetRoutingProtocol(routing);
    m_node->AggregateObject(CreateObject<TrafficControlLayer>());
    m_node->AggregateObject(CreateObject<LinuxTcpL4Protocol>());
    m_tcp = m_node->GetObject<LinuxTcpL4Protocol>();
    m_tcp->SetProfile(m_cfg.profile);
    m_tcp->SetClock(TsClock{0, m_cfg.tick_phase_ns.value_or(500000000ULL / m_cfg.profile.hz)});
    m_tcp->SetSecret(1);

    Ptr<Ipv4> ip = m_node->GetObject<Ipv4>();
    const uint32_t ifi = ip->AddInterface(m_dev);
    ip->AddAddress(ifi, Ipv4InterfaceAddress(Ipv4Address(m_cfg.local_ip), Ipv4Mask("255.255.255.0")));
    ip->SetUp(ifi);
    Ipv4StaticRoutingHelper helper;
    helper.GetStaticRouting(ip)->SetDefaultRoute(Ipv4Address(m_cfg.remote_ip), ifi);

    if (m_cfg.capture)
    {
        m_tap = std::make_unique<CaptureTap>(m_cfg.capture, LinkType::LinuxSll, kDefaultSnaplen, m_cfg.why);
        m_tap->WatchEthernet(ifi, kSelfMac, kPeerMac);
        Ptr<Ipv4L3Protocol> l3 = m_node->GetObject<Ipv4L3Protocol>();
        l3->TraceConnectWithoutContext("Tx", MakeCallback(&CaptureTap::OnIpTx, m_tap.get()));
        l3->TraceConnectWithoutContext("Rx", MakeCallback(&CaptureTap::OnIpRx, m_tap.get()));
    }
    m_ifIndex = ifi;
    // Segments leave through Xmit(), not ns-3's IPv4 send path, which would fragment a
    // GSO packet larger than the MTU; the kernel hands it to the tun whole
    m_tcp->SetDownTarget(MakeCallback(&Executor::Xmit, this));
}

// ip_queue_xmit() to the tun: the IPv4 header (DF set, as Linux sets it for TCP with
// path MTU discovery), then the capture and the checker. Without TSO a GSO packet is
// cut into segments of the connection's MSS first (validate_xmit_skb() ->
// skb_gso_segment() -> tcp_gso_segment(): FIN and PSH on the last segment only, CWR
// on the first, the same options on each).
void
Executor::Xmit(Ptr<Packet> segment, Ipv4Address src, Ipv4Address dst, uint8_t protocol, Ptr<Ipv4Route>)
{
    WireTcpHeader peek;
    segment->PeekHeader(peek);
    bool dont_fragment = true;
    for (const auto& c : m_conns)
    {
        if (c->sock && c->local_port == peek.GetSourcePort() && c->remote_port == peek.GetDestinationPort())
        {
            dont_fragment = !m_pmtudiscDont.count(PeekPointer(c->sock));
        }
    }
    auto send = [&](Ptr<Packet> p) {
        Ipv4Header ip;
        ip.SetSource(src);
        ip.SetDestination(dst);
        ip.SetProtocol(protocol);
        ip.SetPayloadSize(p->GetSize());
        ip.SetTtl(64);
        // __ip_queue_xmit(): the socket's TOS, and DF unless IP_MTU_DISCOVER said
        // IP_PMTUDISC_DONT (ip_dont_fragment())
        SocketIpTosTag tos;
        ip.SetTos(p->RemovePacketTag(tos) ? tos.GetTos() : 0);
        if (dont_fragment)
        {
            ip.SetDontFragment();
        }
        ip.SetIdentification(m_ipId++);
        ip.EnableChecksum();
        p->AddHeader(ip);
        Emit(p);
    };
    if (m_cfg.tso)
    {
        send(segment);
        return;
    }
    WireTcpHeader th;
    Ptr<Packet> body = segment->Copy();
    body->RemoveHeader(th);
    const uint32_t len = body->GetSize();
    uint32_t mss = 0;
    for (const auto& c : m_conns)
    {
        if (c->sock && c->local_port == th.GetSourcePort() && c->remote_port == th.GetDestinationPort())
        {
            mss = c->sock->GetTcb().mss_cache;
        }
    }
    if (mss == 0 || len <= mss)
    {
        send(segment);
        return;
    }
    PayloadStore::Take(segment->GetUid()); // its pieces carry zeros, as the script's
    for (uint32_t off = 0; off < len; off += mss)
    {
        const uint32_t n = std::min(mss, len - off);
        WireTcpHeader h = th;
        h.SetSequenceNumber(th.GetSequenceNumber() + off);
        uint8_t flags = th.GetFlags();
        if (off + n < len)
        {
            flags &= static_cast<uint8_t>(~(TCPHDR_FIN | TCPHDR_PSH));
        }
        if (off > 0)
        {
            flags &= static_cast<uint8_t>(~0x80); // CWR
        }
        h.SetFlags(flags);
        Ptr<Packet> p = Create<Packet>(n);
        p->AddHeader(h);
        send(p);
    }
}

void
Executor::Emit(Ptr<Packet> ip)
{
    if (m_tap)
    {
        m_tap->OnIpTx(ip, m_node->GetObject<Ipv4>(), m_ifIndex);
    }
    OnOutbound(ip);
}

ExecResult
Executor::Run()
{
    PayloadStore::KeepNotes(m_cfg.why);
    Build();
    Simulator::ScheduleNow(&Executor::Step, this);
    // a stack that keeps its timers going while the script waits for nothing it will
    // do: a day of simulated time ends the run (reported as a stall)
    Simulator::Stop(Hours(24));
    Simulator::Run();
    if (!m_failed && m_phase != Phase::Done)
    {
        Stalled();
    }
    m_timer.Cancel();
    Simulator::Destroy();
    PayloadStore::Clear();
    m_fds.clear();
    for (auto& c : m_conns)
    {
        c->sock = nullptr;
    }
    m_tap.reset();
    m_tcp = nullptr;
    m_dev = nullptr;
    m_node = nullptr;
    return m_result;
}

// Something the main task may wait for happened: look again, after what is running now
void
Executor::Kick()
{
    if (!m_kickPending && !m_failed && m_phase != Phase::Done)
    {
        m_kickPending = true;
        Simulator::ScheduleNow(&Executor::Step, this);
    }
}

bool
Executor::WaitTill(int64_t us)
{
    const int64_t now_ns = Simulator::Now().GetNanoSeconds();
    if (now_ns >= us * 1000)
    {
        return true;
    }
    m_timer.Cancel();
    m_timer = Simulator::Schedule(NanoSeconds(us * 1000 - now_ns), &Executor::Step, this);
    return false;
}

void
Executor::Step()
{
    m_kickPending = false;
    while (!m_failed && m_phase != Phase::Done)
    {
        if (m_phase == Phase::Finishing)
        {
            // syscalls_free(): the system call task gets a second to finish
            if (m_bg && !WaitTill(m_waitUntilUs))
            {
                return;
            }
            if (m_bg)
            {
                FailAt(m_bg->ev->line, "runtime error: exiting while a blocking system call is in progress");
                return;
            }
            m_phase = Phase::Done;
            Simulator::Stop();
            return;
        }
        if (m_index >= m_events.size())
        {
            Finish();
            continue;
        }
        Event& ev = m_events[m_index];
        if (!StepEvent(ev))
        {
            return;
        }
        if (m_failed)
        {
            return;
        }
        // get_next_event()
        m_lastEvent = &ev;
        m_scriptLastUs = ev.time_us;
        ++m_numEvents;
        ++m_index;
        m_phase = Phase::Start;
    }
}

// adjust_relative_event_times(): back-to-back inbound packets count from the previous
// one's script time (no drift from processing), everything else from now
void
Executor::AdjustTimes(Event& ev)
{
    m_offsetUs = 0;
    if (ev.time_type != TimeType::Any && ev.time_type != TimeType::Relative && ev.time_type != TimeType::RelativeRange)
    {
        return;
    }
    const bool anchored = m_lastEvent && IsInbound(*m_lastEvent) && IsInbound(ev);
    m_offsetUs = anchored ? m_lastEvent->time_us : NowUs();
    ev.time_us += m_offsetUs;
    if (ev.time_type == TimeType::RelativeRange)
    {
        ev.end_us += m_offsetUs;
    }
    if (ev.time_type == TimeType::Relative && ev.kind == Event::Kind::Syscall && ev.syscall.end_us)
    {
        *ev.syscall.end_us += m_offsetUs;
    }
}

// check_event_time(): not for the first event
bool
Executor::CheckEventTime(const Event& ev)
{
    if (m_numEvents == 0)
    {
        return true;
    }
    const std::string err = VerifyTime(ev.time_type, ev.time_us, ev.end_us, NowUs(),
                                       m_lastEvent ? m_lastEvent->time_us : NO_TIME_RANGE, m_offsetUs,
                                       m_cfg.tolerance, Describe(ev));
    if (!err.empty())
    {
        FailAt(ev.line, err);
        return false;
    }
    return true;
}

bool
Executor::StepEvent(Event& ev)
{
    if (m_phase == Phase::Start)
    {
        AdjustTimes(ev);
        m_phase = ev.kind == Event::Kind::Syscall ? Phase::AwaitIdle : Phase::WaitTime;
        if (ev.kind == Event::Kind::Packet)
        {
            m_pktConn = FindOrCreateConnForScriptPacket(ev.packet);
            if (!m_pktConn)
            {
                FailPacket(ev, "no matching socket for script packet", nullptr, nullptr, 0);
                return false;
            }
            if (!ev.packet.inbound)
            {
                m_phase = Phase::Sniff;
                m_fragments.clear();
                m_waitUntilUs = -1;
            }
        }
    }
    switch (ev.kind)
    {
    case Event::Kind::Packet:
        return ev.packet.inbound ? Inbound(ev) : Outbound(ev);
    case Event::Kind::Syscall:
        return SyscallEvent(ev);
    case Event::Kind::Command: {
        if (!WaitTill(ev.time_us) || !CheckEventTime(ev))
        {
            return false;
        }
        KernelProfile p = m_tcp->Profile();
        try
        {
            bool drops_all = m_tcp->QdiscDropsAll();
            RunShellCommand(ev.text, m_cfg.script_dir, ev.line, p, m_result.notes, TunSettings{nullptr, &drops_all});
            m_tcp->SetQdiscDropsAll(drops_all);
        }
        catch (const ScriptError& e)
        {
            Fail(DrillStatus::Bad, fmt::format("{}:{}: {}: {}", m_script.path, e.Line(),
                                               e.Unsupported() ? "unsupported" : "error", e.what()));
            return false;
        }
        // sockets read the profile through the protocol: later decisions see the change
        m_tcp->SetProfile(p);
        return true;
    }
    case Event::Kind::Code: {
        if (!WaitTill(ev.time_us) || !CheckEventTime(ev))
        {
            return false;
        }
        if (!m_underTest || !m_underTest->sock || m_underTest->fd < 0)
        {
            FailAt(ev.line, "runtime error: can't find getsockopt to get TCP info");
            return false;
        }
        m_code.push_back({ev.line, ev.text, TcpInfo(*m_underTest->sock)});
        return true;
    }
    }
    return true;
}

// --- connections -------------------------------------------------------------------

// find_or_create_socket_for_script_packet()
Conn*
Executor::FindOrCreateConnForScriptPacket(const PacketSpec& p)
{
    if (p.inbound && (!m_underTest || m_underTest->state == ConnState::PassiveListening))
    {
        // handle_listen_for_script_packet(): a child for the SYN, to the bind port from
        // an ephemeral port of the remote host
        auto c = std::make_unique<Conn>();
        c->state = ConnState::PassivePacketReceived;
        c->local_ip = m_cfg.local_ip;
        c->local_port = 8080; // config->live_bind_port
        c->remote_ip = m_cfg.remote_ip;
        c->remote_port = m_nextEphemeral++;
        c->remote_isn = p.seq;
        c->live_tuple_known = true;
        m_conns.push_back(std::move(c));
        m_underTest = m_conns.back().get();
        return m_underTest;
    }
    if (!p.inbound && p.Flag('S') && !p.Flag('.') && m_underTest && m_underTest->state == ConnState::ActiveConnecting)
    {
        // handle_connect_for_script_packet()
        m_underTest->state = ConnState::ActiveSynSent;
        m_underTest->script_local_isn = p.seq;
        return m_underTest;
    }
    return m_underTest;
}

// find_socket_for_live_packet() and find_connect_for_live_packet()
Conn*
Executor::ConnForLivePacket(const WirePacket& w)
{
    for (auto& c : m_conns)
    {
        if (c->live_tuple_known && c->local_ip == w.src && c->local_port == w.sport && c->remote_ip == w.dst &&
            c->remote_port == w.dport)
        {
            return c.get();
        }
    }
    if (w.syn && !w.ack)
    {
        for (auto& c : m_conns)
        {
            if (c->state == ConnState::ActiveSynSent && !c->live_tuple_known && c->remote_ip == w.dst &&
                c->remote_port == w.dport && c->local_port == w.sport)
            {
                c->live_tuple_known = true;
                c->live_local_isn = w.seq;
                return c.get();
            }
        }
    }
    return nullptr;
}

void
Executor::OnOutbound(Ptr<Packet> ip)
{
    WirePacket w;
    const bool tcp = FromIp(ip, w);
    // the capture has written it; nobody receives it here
    PayloadStore::Take(ip->GetUid());
    if (tcp)
    {
        m_sniffed.push_back({std::move(w), NowUs()});
        if (m_phase == Phase::Sniff)
        {
            Kick();
        }
    }
}

// --- inbound packets -----------------------------------------------------------------

bool
Executor::Inbound(Event& ev)
{
    const PacketSpec& p = ev.packet;
    if (!WaitTill(ev.time_us) || !CheckEventTime(ev))
    {
        return false;
    }
    if (p.Flag('E') || p.Flag('W') || p.Flag('A'))
    {
        Unsupported(ev.line, "ECN flags on an inbound packet (ECN is not modelled)");
        return false;
    }
    if (p.Flag('U') || p.urg_ptr)
    {
        Unsupported(ev.line, "urgent data (URG) on an inbound packet");
        return false;
    }
    if (p.options)
    {
        for (const TcpOptionSpec& o : *p.options)
        {
            if (o.kind == TcpOptionSpec::Kind::FastOpen || o.kind == TcpOptionSpec::Kind::FastOpenExp)
            {
                Unsupported(ev.line, "TCP Fast Open option");
                return false;
            }
            if (o.kind == TcpOptionSpec::Kind::Md5)
            {
                Unsupported(ev.line, "TCP MD5 signature option");
                return false;
            }
        }
    }
    Conn& c = *m_pktConn;
    // do_inbound_script_packet()
    if (c.state == ConnState::PassiveSynackSent && p.Flag('.'))
    {
        c.state = ConnState::PassiveSynackAcked;
    }
    else if (c.state == ConnState::ActiveSynSent && p.Flag('S') && p.Flag('.'))
    {
        c.state = ConnState::ActiveSynAcked;
        c.remote_isn = p.seq;
    }
    // map_inbound_packet()
    WirePacket w = FromScript(p);
    w.src = c.remote_ip;
    w.dst = c.local_ip;
    w.sport = p.src_port ? p.src_port : c.remote_port;
    w.dport = p.dst_port ? p.dst_port : c.local_port;
    w.seq += c.RemoteOffset(w.syn);
    const uint32_t ack_offset = c.LocalOffset(w.syn);
    if (w.ack)
    {
        w.ack_seq += ack_offset;
    }
    OffsetSackBlocks(w.options, ack_offset);
    size_t val_off = 0;
    size_t ecr_off = 0;
    if (w.ack && FindTimestamp(w.options, &val_off, &ecr_off))
    {
        const uint32_t script_ecr = Get32(w.options, ecr_off);
        if (auto it = c.ts_val_map.find(script_ecr); it != c.ts_val_map.end())
        {
            Put32(w.options, ecr_off, it->second); // an exact outbound TS val
        }
        else if (m_cfg.ts_ecr_scaled && c.found_first_ts)
        {
            Put32(w.options, ecr_off, script_ecr - c.first_script_ts_val + c.first_actual_ts_val);
        }
        else
        {
            FailPacket(ev,
                       fmt::format("unable to infer live TS ecr for script TS ecr {};  no matching or preceding "
                                   "outbound TS val",
                                   script_ecr),
                       nullptr, nullptr, 0);
            return false;
        }
    }
    m_dev->Inject(ToIp(w));
    return true;
}

// --- outbound packets ----------------------------------------------------------------

bool
Executor::Outbound(Event& ev)
{
    const PacketSpec& p = ev.packet;
    Conn& c = *m_pktConn;
    if (m_waitUntilUs < 0 && m_fragments.empty())
    {
        // do_outbound_script_packet(): the script's SYN-ACK gives its local ISN
        if (c.state == ConnState::PassivePacketReceived && p.Flag('S') && p.Flag('.'))
        {
            c.script_local_isn = p.seq;
        }
    }
    // sniff_outbound_live_packet(): each wait lasts up to the time the line expects
    // plus 2 s, none for '*'
    const int64_t expected = std::max(ev.time_us - m_scriptLastUs, ev.end_us - m_scriptLastUs);
    const int64_t timeout_us = (expected / 1000000 + 2) * 1000000;
    uint32_t sniffed = 0;
    for (const Sniffed& f : m_fragments)
    {
        sniffed += f.packet.payload_len;
    }
    while (true)
    {
        if (m_waitUntilUs < 0)
        {
            m_waitUntilUs = NowUs() + timeout_us;
        }
        if (m_sniffed.empty())
        {
            if (ev.time_type != TimeType::Any && NowUs() >= m_waitUntilUs)
            {
                FailPacket(ev, "Timed out waiting for packet", nullptr, nullptr, 0);
                return false;
            }
            if (ev.time_type != TimeType::Any)
            {
                WaitTill(m_waitUntilUs);
            }
            return false;
        }
        Sniffed s = std::move(m_sniffed.front());
        m_sniffed.pop_front();
        m_waitUntilUs = -1;
        Conn* owner = ConnForLivePacket(s.packet);
        if (!owner)
        {
            continue; // a packet of no known socket: packetdrill passes it over
        }
        if (owner != &c)
        {
            FailPacket(ev, "packet is not for expected socket", nullptr, nullptr, 0);
            return false;
        }
        if (c.state == ConnState::PassivePacketReceived && p.Flag('S') && p.Flag('.'))
        {
            c.state = ConnState::PassiveSynackSent;
            c.live_local_isn = s.packet.seq;
        }
        // tcp_convert_seq_number(): live to script space
        WirePacket& w = s.packet;
        w.seq -= c.LocalOffset(w.syn);
        const uint32_t ack_offset = c.RemoteOffset(w.syn);
        if (w.ack)
        {
            w.ack_seq -= ack_offset;
        }
        OffsetSackBlocks(w.options, static_cast<uint32_t>(-ack_offset));
        if (!m_fragments.empty())
        {
            // verify_packet_fragments(): a later piece of the same segment
            const WirePacket& prev = m_fragments.back().packet;
            std::string err;
            if (w.seq != prev.seq + prev.payload_len)
            {
                err = CheckField("tcp_seq", prev.seq + prev.payload_len, w.seq);
            }
            else if (w.syn != prev.syn || w.rst != prev.rst || w.ack != prev.ack || w.ack_seq != prev.ack_seq ||
                     w.window != prev.window || w.options.size() != prev.options.size())
            {
                err = "aggregate candidate packet headers differ";
            }
            if (!err.empty())
            {
                FailPacket(ev, err, nullptr, nullptr, 0);
                return false;
            }
        }
        sniffed += w.payload_len;
        m_fragments.push_back(std::move(s));
        if (sniffed < p.len && !m_cfg.strict_segments)
        {
            continue;
        }
        break;
    }
    if (sniffed != p.len)
    {
        const WirePacket sp = FromScript(p);
        WirePacket last = m_fragments.back().packet;
        FailPacket(ev, fmt::format("live packet payload: expected {} bytes vs actual {} bytes", p.len, sniffed), &sp,
                   &last, m_fragments.back().time_us);
        return false;
    }
    // aggregate_packets(): the headers of the last piece, the seq of the first
    WirePacket actual = m_fragments.back().packet;
    actual.seq = m_fragments.front().packet.seq;
    actual.cwr = m_fragments.front().packet.cwr;
    actual.payload_len = sniffed;
    actual.ip_tot_len = static_cast<uint16_t>(actual.ip_ihl * 4 + 20 + actual.options.size() + sniffed);
    const int64_t live_us = m_fragments.back().time_us;
    m_fragments.clear();
    const std::string err = VerifyOutbound(c, ev, actual, live_us);
    if (!err.empty())
    {
        const WirePacket sp = FromScript(p);
        FailPacket(ev, err, &sp, &actual, live_us);
        return false;
    }
    return true;
}

// verify_outbound_live_packet(), after map_outbound_live_packet()'s TS mapping
std::string
Executor::VerifyOutbound(Conn& c, const Event& ev, WirePacket& actual, int64_t live_us)
{
    const WirePacket sp = FromScript(ev.packet);
    size_t s_val = 0;
    size_t s_ecr = 0;
    size_t a_val = 0;
    size_t a_ecr = 0;
    if (FindTimestamp(sp.options, &s_val, &s_ecr) && FindTimestamp(actual.options, &a_val, &a_ecr))
    {
        const uint32_t script_ts = Get32(sp.options, s_val);
        const uint32_t actual_ts = Get32(actual.options, a_val);
        c.ts_val_map[script_ts] = actual_ts;
        if (!c.found_first_ts)
        {
            c.found_first_ts = true;
            c.first_script_ts_val = script_ts;
            c.first_actual_ts_val = actual_ts;
        }
        Put32(actual.options, a_val, c.first_script_ts_val + (actual_ts - c.first_actual_ts_val));
    }
    std::string err = VerifyHeaders(actual, sp);
    if (!err.empty())
    {
        return err;
    }
    // the TS tolerance grows with the time since the script's start, not the last event
    const int64_t ts_tolerance = std::max<int64_t>(
        m_cfg.tolerance.usecs, static_cast<int64_t>(m_cfg.tolerance.percent / 100.0 * static_cast<double>(ev.time_us)));
    err = VerifyOptions(actual, sp, m_cfg.ts_tick_usecs, ts_tolerance);
    if (!err.empty())
    {
        return err;
    }
    return VerifyTime(ev.time_type, ev.time_us, ev.end_us, live_us, m_lastEvent ? m_lastEvent->time_us : NO_TIME_RANGE,
                      m_offsetUs, m_cfg.tolerance, "outbound packet");
}

// --- ends ------------------------------------------------------------------------------

void
Executor::Fail(DrillStatus status, const std::string& message)
{
    if (m_failed)
    {
        return;
    }
    m_failed = true;
    m_result.status = status;
    m_result.message = message;
    m_timer.Cancel();
    Simulator::Stop();
}

void
Executor::FailAt(int line, const std::string& what)
{
    Fail(DrillStatus::Fail, fmt::format("{}:{}: {}", m_script.path, line, what));
}

void
Executor::Unsupported(int line, const std::string& what)
{
    Fail(DrillStatus::Bad, fmt::format("{}:{}: unsupported: {}", m_script.path, line, what));
}

// run_packet_event()'s message, with add_packet_dump()'s lines
void
Executor::FailPacket(const Event& ev, const std::string& err, const WirePacket* script, const WirePacket* actual,
                     int64_t actual_us)
{
    std::string msg = fmt::format("{}:{}: error handling packet: {}", m_script.path, ev.line, err);
    if (script)
    {
        msg += fmt::format("\nscript packet: {:9.6f} {}", static_cast<double>(ev.time_us) / 1e6, DumpShort(*script));
    }
    if (actual)
    {
        msg += fmt::format("\nactual packet: {:9.6f} {}", static_cast<double>(actual_us) / 1e6, DumpShort(*actual));
    }
    Fail(DrillStatus::Fail, msg);
}

// After the last event: the cleanup command, the code snippets, then a second for a
// system call still in progress (run_script(), state_free())
void
Executor::Finish()
{
    if (m_script.cleanup_command)
    {
        KernelProfile p = m_tcp->Profile();
        try
        {
            RunShellCommand(*m_script.cleanup_command, m_cfg.script_dir, m_script.cleanup_command_line, p,
                            m_result.notes, TunSettings{});
        }
        catch (const ScriptError& e)
        {
            Fail(DrillStatus::Bad, fmt::format("{}:{}: {}: {}", m_script.path, e.Line(),
                                               e.Unsupported() ? "unsupported" : "error", e.what()));
            return;
        }
    }
    RunCode();
    if (m_failed)
    {
        return;
    }
    m_phase = Phase::Finishing;
    m_waitUntilUs = NowUs() + 1000000;
}


// The simulation ran out of events while the script waited for something only the
// stack could do: packetdrill would wait there until its timeout, or forever
void
Executor::Stalled()
{
    const Event& ev = m_events[std::min(m_index, m_events.size() - 1)];
    switch (m_phase)
    {
    case Phase::Sniff:
        FailPacket(ev, "Timed out waiting for packet", nullptr, nullptr, 0);
        return;
    case Phase::InCall:
        FailAt(ev.line, fmt::format("runtime error in {} call: it blocks and nothing can end it "
                                    "(packetdrill would wait forever)",
                                    ev.syscall.name));
        return;
    default:
        FailAt(ev.line, "runtime error: the simulation stopped before the script ended");
        return;
    }
}

} // namespace sim::drill
