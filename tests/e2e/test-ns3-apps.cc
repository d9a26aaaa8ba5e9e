// SPDX-License-Identifier: GPL-2.0-only
// Our TCP under ns-3's own applications and ns-3's socket contract (issue 19): ns-3's
// BulkSendApplication, PacketSink and OnOffApplication unchanged over
// LinuxTcpL4Protocol; ns3::Socket's callbacks and error codes; ns3::TcpSocket's
// attributes; the trace sources by Config path; a kernel profile per node.
#include "models/config/toml-input.h"
#include "models/helper/linux-tcp-stack-helper.h"
#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/inet6-socket-address.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ns3;

namespace sim
{
// for Boost.Test's messages
std::ostream&
operator<<(std::ostream& os, TcpState s)
{
    return os << ToString(s);
}
} // namespace sim

namespace
{

// A segment as it left a node's IPv4 layer
struct Seg
{
    Ipv4Address src;
    uint8_t flags = 0;
    uint32_t len = 0;
    uint16_t window = 0;
    uint16_t mss = 0;    // the MSS option, 0 without
    int wscale = -1;     // the window scale option, -1 without
};

// Two nodes on a point-to-point link, our TCP on both, and every TCP segment each
// sends, read back with ns-3's own TcpHeader
struct TwoNodes
{
    NodeContainer nodes;
    Ipv4InterfaceContainer ifs;
    std::vector<Seg> sent[2];

    explicit TwoNodes(const std::string& profile0 = "linux-6.18",
                      const std::string& profile1 = "linux-6.18",
                      const std::string& rate = "10Mbps")
    {
        nodes.Create(2);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(rate));
        p2p.SetChannelAttribute("Delay", StringValue("5ms"));
        NetDeviceContainer devs = p2p.Install(nodes);
        sim::LinuxTcpStackHelper stack;
        stack.Install(nodes.Get(0), profile0);
        stack.Install(nodes.Get(1), profile1);
        Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
        ifs = addresses.Assign(devs);
        for (uint32_t i = 0; i < 2; ++i)
        {
            nodes.Get(i)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
                "Tx", MakeBoundCallback(&TwoNodes::OnTx, &sent[i]));
        }
    }
    ~TwoNodes()
    {
        Simulator::Destroy();
        Config::Reset(); // defaults a test changed
    }

    static void OnTx(std::vector<Seg>* out, Ptr<const Packet> packet, Ptr<Ipv4>, uint32_t)
    {
        Ptr<Packet> p = packet->Copy();
        Ipv4Header ip;
        p->RemoveHeader(ip);
        if (ip.GetProtocol() != 6)
        {
            return;
        }
        TcpHeader th;
        p->RemoveHeader(th);
        Seg s;
        s.src = ip.GetSource();
        s.flags = th.GetFlags();
        s.len = p->GetSize();
        s.window = th.GetWindowSize();
        if (th.HasOption(TcpOption::MSS))
        {
            s.mss = DynamicCast<const TcpOptionMSS>(th.GetOption(TcpOption::MSS))->GetMSS();
        }
        if (th.HasOption(TcpOption::WINSCALE))
        {
            s.wscale = DynamicCast<const TcpOptionWinScale>(th.GetOption(TcpOption::WINSCALE))->GetScale();
        }
        out->push_back(s);
    }

    size_t Count(int node, uint8_t flag) const
    {
        size_t n = 0;
        for (const Seg& s : sent[node])
        {
            n += (s.flags & flag) ? 1 : 0;
        }
        return n;
    }
    uint32_t MaxPayload(int node) const
    {
        uint32_t m = 0;
        for (const Seg& s : sent[node])
        {
            m = std::max(m, s.len);
        }
        return m;
    }
    Ptr<sim::LinuxTcpSocket> NewSocket(int node)
    {
        Ptr<Socket> s = Socket::CreateSocket(nodes.Get(node), TcpSocketFactory::GetTypeId());
        return DynamicCast<sim::LinuxTcpSocket>(s);
    }
};

sim::TcpState
StateOf(Ptr<Socket> s)
{
    Ptr<sim::LinuxTcpSocket> l = DynamicCast<sim::LinuxTcpSocket>(s);
    BOOST_TEST_REQUIRE(l, "not one of our sockets");
    return l->GetTcb().state;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ns3_apps)

BOOST_AUTO_TEST_CASE(bulk_send_to_packet_sink_delivers_every_byte_and_closes_cleanly)
{
    TwoNodes w;
    const uint16_t port = 5001;
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(w.ifs.GetAddress(1), port));
    bulk.SetAttribute("MaxBytes", UintegerValue(1000000));
    ApplicationContainer senders = bulk.Install(w.nodes.Get(0));
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinks = sink.Install(w.nodes.Get(1));
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    Ptr<PacketSink> ps = DynamicCast<PacketSink>(sinks.Get(0));
    BOOST_TEST(ps->GetTotalRx() == 1000000u);
    // BulkSend closed after its last byte: FIN, the peer's FIN, TIME_WAIT (60 s)
    Ptr<Socket> client = DynamicCast<BulkSendApplication>(senders.Get(0))->GetSocket();
    BOOST_TEST(StateOf(client) == sim::TcpState::TimeWait, sim::ToString(StateOf(client)));
    // PacketSink shut its listener down for sending, so its connection closed when the
    // peer did (as over ns-3's TCP) and is gone (LAST_ACK done): the listener is left
    Ptr<sim::LinuxTcpL4Protocol> sinkTcp = w.nodes.Get(1)->GetObject<sim::LinuxTcpL4Protocol>();
    BOOST_TEST_REQUIRE(sinkTcp->GetNSockets() == 1u);
    BOOST_TEST(sinkTcp->GetSocket(0)->GetTcb().state == sim::TcpState::Listen);
    BOOST_TEST(w.Count(0, TcpHeader::FIN) == 1u);
    BOOST_TEST(w.Count(1, TcpHeader::FIN) == 1u);
    BOOST_TEST(w.Count(0, TcpHeader::RST) + w.Count(1, TcpHeader::RST) == 0u);
    // MTU 1500: 1460 less the 12 bytes of timestamps a segment
    BOOST_TEST(w.MaxPayload(0) == 1448u);
    BOOST_TEST(w.sent[0].front().mss == 1460);
}

BOOST_AUTO_TEST_CASE(onoff_application_runs_unchanged)
{
    TwoNodes w;
    const uint16_t port = 9;
    OnOffHelper onoff("ns3::TcpSocketFactory", InetSocketAddress(w.ifs.GetAddress(1), port));
    onoff.SetConstantRate(DataRate("2Mbps"), 1000);
    onoff.SetAttribute("MaxBytes", UintegerValue(100000));
    ApplicationContainer senders = onoff.Install(w.nodes.Get(0));
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinks = sink.Install(w.nodes.Get(1));
    sinks.Stop(Seconds(4));
    Simulator::Stop(Seconds(5));
    Simulator::Run();

    BOOST_TEST(DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx() == 100000u);
    // at MaxBytes OnOff stops itself and closes its socket; the sink's side follows
    Ptr<Socket> client = DynamicCast<OnOffApplication>(senders.Get(0))->GetSocket();
    BOOST_TEST(StateOf(client) == sim::TcpState::TimeWait, sim::ToString(StateOf(client)));
    BOOST_TEST(w.nodes.Get(1)->GetObject<sim::LinuxTcpL4Protocol>()->GetNSockets() == 0u);
    BOOST_TEST(w.Count(0, TcpHeader::RST) + w.Count(1, TcpHeader::RST) == 0u);
}

// A client and a server written against ns3::Socket alone, counting the callbacks
struct CallbackApp
{
    Ptr<Socket> client;
    Ptr<Socket> child;
    uint32_t total = 200000;
    uint32_t queued = 0;
    std::string sent;
    std::string received;
    int connected = 0;
    int connectFailed = 0;
    int requests = 0;
    int created = 0;
    int sendCalls = 0;
    uint64_t dataSent = 0;
    int msgsize = 0;
    int clientNormalClose = 0;
    int clientErrorClose = 0;
    int childNormalClose = 0;
    int childErrorClose = 0;

    void Fill(Ptr<Socket> s)
    {
        while (queued < total)
        {
            std::string chunk(1000, '\0');
            for (size_t i = 0; i < chunk.size(); ++i)
            {
                chunk[i] = static_cast<char>('a' + (queued + i) % 26); // content to check
            }
            const uint32_t before = s->GetTxAvailable();
            const int n = s->Send(Create<Packet>(reinterpret_cast<const uint8_t*>(chunk.data()), 1000));
            if (n < 0)
            {
                BOOST_TEST(s->GetErrno() == Socket::ERROR_MSGSIZE);
                BOOST_TEST(before < 1000u);
                ++msgsize;
                return;
            }
            BOOST_TEST(n == 1000);
            BOOST_TEST(s->GetTxAvailable() <= before - 1000);
            sent += chunk;
            queued += 1000;
        }
        s->Close();
    }
    bool OnRequest(Ptr<Socket>, const Address& from)
    {
        ++requests;
        BOOST_TEST(InetSocketAddress::ConvertFrom(from).GetIpv4() == Ipv4Address("10.1.1.1"));
        return true;
    }
    void OnCreated(Ptr<Socket> s, const Address&)
    {
        ++created;
        child = s;
        s->SetRecvCallback(MakeCallback(&CallbackApp::OnRecv, this));
        s->SetCloseCallbacks(MakeCallback(&CallbackApp::OnChildNormalClose, this),
                             MakeCallback(&CallbackApp::OnChildErrorClose, this));
    }
    void OnRecv(Ptr<Socket> s)
    {
        Address from;
        while (Ptr<Packet> p = s->RecvFrom(from))
        {
            if (p->GetSize() == 0)
            {
                break; // EOF
            }
            BOOST_TEST(InetSocketAddress::ConvertFrom(from).GetIpv4() == Ipv4Address("10.1.1.1"));
            std::string bytes(p->GetSize(), '\0');
            p->CopyData(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
            received += bytes;
        }
    }
    void OnChildNormalClose(Ptr<Socket> s)
    {
        ++childNormalClose;
        OnRecv(s);
        s->Close(); // the peer is done: so are we
    }
    void OnChildErrorClose(Ptr<Socket>) { ++childErrorClose; }
    void OnConnected(Ptr<Socket> s)
    {
        ++connected;
        Fill(s);
    }
    void OnConnectFailed(Ptr<Socket>) { ++connectFailed; }
    void OnSend(Ptr<Socket> s, uint32_t available)
    {
        ++sendCalls;
        BOOST_TEST(available == s->GetTxAvailable());
        Fill(s);
    }
    void OnDataSent(Ptr<Socket>, uint32_t bytes) { dataSent += bytes; }
    void OnClientNormalClose(Ptr<Socket>) { ++clientNormalClose; }
    void OnClientErrorClose(Ptr<Socket>) { ++clientErrorClose; }
};

BOOST_AUTO_TEST_CASE(socket_callbacks_fire_as_ns3_applications_expect)
{
    TwoNodes w;
    CallbackApp app;
    Ptr<Socket> listener = w.NewSocket(1);
    BOOST_TEST_REQUIRE(listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 80)) == 0);
    BOOST_TEST_REQUIRE(listener->Listen() == 0);
    listener->SetAcceptCallback(MakeCallback(&CallbackApp::OnRequest, &app),
                                MakeCallback(&CallbackApp::OnCreated, &app));
    app.client = w.NewSocket(0);
    BOOST_TEST_REQUIRE(app.client->Bind() == 0);
    app.client->SetConnectCallback(MakeCallback(&CallbackApp::OnConnected, &app),
                                   MakeCallback(&CallbackApp::OnConnectFailed, &app));
    app.client->SetSendCallback(MakeCallback(&CallbackApp::OnSend, &app));
    app.client->SetDataSentCallback(MakeCallback(&CallbackApp::OnDataSent, &app));
    app.client->SetCloseCallbacks(MakeCallback(&CallbackApp::OnClientNormalClose, &app),
                                  MakeCallback(&CallbackApp::OnClientErrorClose, &app));
    // as an application's StartApplication(): once the simulation (and the nodes'
    // traffic control) has started
    Simulator::Schedule(Seconds(0), [&]() {
        BOOST_TEST(app.client->Connect(InetSocketAddress(w.ifs.GetAddress(1), 80)) == 0);
    });
    Simulator::Stop(Seconds(10));
    Simulator::Run();

    BOOST_TEST(app.connected == 1);
    BOOST_TEST(app.connectFailed == 0);
    BOOST_TEST(app.requests == 1);
    BOOST_TEST(app.created == 1);
    // the send buffer filled (Send() -1, ERROR_MSGSIZE) and NotifySend() came back
    BOOST_TEST(app.msgsize > 0);
    BOOST_TEST(app.sendCalls >= app.msgsize);
    BOOST_TEST(app.queued == app.total);
    BOOST_TEST(app.dataSent == app.total); // each byte once: no loss here
    BOOST_TEST(app.received.size() == app.sent.size());
    BOOST_TEST((app.received == app.sent), "the bytes arrived changed or out of order");
    // both ends heard of the close once, and nothing of an error
    BOOST_TEST(app.clientNormalClose == 1);
    BOOST_TEST(app.childNormalClose == 1);
    BOOST_TEST(app.clientErrorClose + app.childErrorClose == 0);
    BOOST_TEST(StateOf(app.client) == sim::TcpState::TimeWait, sim::ToString(StateOf(app.client)));
    BOOST_TEST(StateOf(app.child) == sim::TcpState::Closed, sim::ToString(StateOf(app.child)));
    BOOST_TEST(w.Count(0, TcpHeader::RST) + w.Count(1, TcpHeader::RST) == 0u);
}

// ns-3's tutorial applications (fifth.cc's MyApp) send right after Connect(): the bytes
// wait for the handshake, as a blocking write() would
BOOST_AUTO_TEST_CASE(data_sent_while_connecting_goes_once_connected)
{
    TwoNodes w;
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 8080));
    ApplicationContainer sinks = sink.Install(w.nodes.Get(1));
    Ptr<Socket> s = w.NewSocket(0);
    BOOST_TEST_REQUIRE(s->Bind() == 0);
    Simulator::Schedule(Seconds(0.5), [&]() {
        BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 8080)) == 0);
        BOOST_TEST(s->Send(Create<Packet>(3000)) == 3000);
        BOOST_TEST(s->Close() == 0); // after the data, as a close() after write()
    });
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    BOOST_TEST(DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx() == 3000u);
    // our FIN went after the data; the sink's side closed in turn
    BOOST_TEST(StateOf(s) == sim::TcpState::TimeWait, sim::ToString(StateOf(s)));
}

BOOST_AUTO_TEST_CASE(what_the_socket_cannot_do_returns_ns3_error_codes)
{
    TwoNodes w;
    Ptr<Socket> s = w.NewSocket(0);
    BOOST_TEST(s->GetSocketType() == Socket::NS3_SOCK_STREAM);
    BOOST_TEST(s->Bind6() == -1);
    BOOST_TEST(s->GetErrno() == Socket::ERROR_AFNOSUPPORT);
    BOOST_TEST(s->Bind(Inet6SocketAddress(Ipv6Address::GetAny(), 80)) == -1);
    BOOST_TEST(s->GetErrno() == Socket::ERROR_AFNOSUPPORT);
    BOOST_TEST(s->Bind(InetSocketAddress(Ipv4Address("10.9.9.9"), 80)) == -1);
    BOOST_TEST(s->GetErrno() == Socket::ERROR_ADDRNOTAVAIL);
    BOOST_TEST(s->Send(Create<Packet>(10)) == -1); // not connected
    BOOST_TEST(s->GetErrno() == Socket::ERROR_NOTCONN);
    Address peer;
    BOOST_TEST(s->GetPeerName(peer) == -1);
    BOOST_TEST(s->GetErrno() == Socket::ERROR_NOTCONN);
    BOOST_TEST(s->Bind(InetSocketAddress(Ipv4Address::GetAny(), 80)) == 0);
    BOOST_TEST(s->Bind(InetSocketAddress(Ipv4Address::GetAny(), 81)) == -1); // bound already
    BOOST_TEST(s->GetErrno() == Socket::ERROR_INVAL);
    BOOST_TEST(s->Listen() == 0);
    BOOST_TEST(!s->Recv()); // a listener has nothing to read
    BOOST_TEST(s->GetErrno() == Socket::ERROR_NOTCONN);
    BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 80)) == -1);
    BOOST_TEST(s->GetErrno() == Socket::ERROR_ISCONN);

    Ptr<Socket> other = w.NewSocket(0);
    BOOST_TEST(other->Bind(InetSocketAddress(w.ifs.GetAddress(0), 80)) == -1); // the listener's port
    BOOST_TEST(other->GetErrno() == Socket::ERROR_ADDRINUSE);
    BOOST_TEST(other->Bind() == 0); // port 0: an ephemeral one
    Address name;
    BOOST_TEST(other->GetSockName(name) == 0);
    const uint16_t port = InetSocketAddress::ConvertFrom(name).GetPort();
    BOOST_TEST((port >= 32768 && port <= 60999), port);
    BOOST_TEST(other->Connect(Inet6SocketAddress(Ipv6Address::GetLoopback(), 80)) == -1);
    BOOST_TEST(other->GetErrno() == Socket::ERROR_AFNOSUPPORT);
    BOOST_TEST(other->Send(Create<Packet>(10), 1) == -1); // no send flags in ns-3's TCP
    BOOST_TEST(other->GetErrno() == Socket::ERROR_OPNOTSUPP);
    BOOST_TEST(other->Close() == 0);
    BOOST_TEST(other->Close() == -1);
    BOOST_TEST(other->GetErrno() == Socket::ERROR_BADF);
    BOOST_TEST(s->Close() == 0);
}

BOOST_AUTO_TEST_CASE(a_refused_connection_calls_connection_failed)
{
    TwoNodes w;
    CallbackApp app;
    Ptr<Socket> s = w.NewSocket(0);
    s->SetConnectCallback(MakeCallback(&CallbackApp::OnConnected, &app),
                          MakeCallback(&CallbackApp::OnConnectFailed, &app));
    s->SetCloseCallbacks(MakeCallback(&CallbackApp::OnClientNormalClose, &app),
                         MakeCallback(&CallbackApp::OnClientErrorClose, &app));
    Simulator::Schedule(Seconds(0), [&]() {
        BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 7777)) == 0); // nobody listens
    });
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    BOOST_TEST(app.connectFailed == 1);
    BOOST_TEST(app.connected + app.clientNormalClose + app.clientErrorClose == 0);
    BOOST_TEST(StateOf(s) == sim::TcpState::Closed);
    BOOST_TEST(w.Count(1, TcpHeader::RST) == 1u);
    // not reused for a second attempt: an error, not a half-reset socket
    BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 7777)) == -1);
    BOOST_TEST(s->GetErrno() == Socket::ERROR_ISCONN);
}

BOOST_AUTO_TEST_CASE(an_application_refusing_a_connection_request_drops_the_syn)
{
    TwoNodes w;
    Ptr<Socket> listener = w.NewSocket(1);
    BOOST_TEST_REQUIRE(listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 80)) == 0);
    BOOST_TEST_REQUIRE(listener->Listen() == 0);
    int asked = 0;
    listener->SetAcceptCallback(MakeBoundCallback(
                                    +[](int* n, Ptr<Socket>, const Address&) {
                                        ++*n;
                                        return false;
                                    },
                                    &asked),
                                MakeNullCallback<void, Ptr<Socket>, const Address&>());
    Ptr<Socket> s = w.NewSocket(0);
    Simulator::Schedule(Seconds(0), [&]() { BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 80)) == 0); });
    Simulator::Stop(Seconds(2.5));
    Simulator::Run();
    // the SYN and its retransmissions, each asked about and dropped: no SYN-ACK
    BOOST_TEST(w.Count(0, TcpHeader::SYN) >= 2u);
    BOOST_TEST(asked == static_cast<int>(w.Count(0, TcpHeader::SYN)));
    BOOST_TEST(w.Count(1, TcpHeader::SYN) == 0u);
    BOOST_TEST(StateOf(s) == sim::TcpState::SynSent);
}

// The trace sources as ns-3 users connect them: by Config path through the protocol's
// SocketList, and on the socket itself
struct Traces
{
    std::vector<uint32_t> cwnd;
    std::vector<Time> rtt;
    std::vector<TcpSocket::TcpStates_t> states;
    uint32_t tx = 0;
    uint32_t rx = 0;
    uint16_t synMss = 0;

    void Cwnd(uint32_t, uint32_t now) { cwnd.push_back(now); }
    void Rtt(Time, Time now) { rtt.push_back(now); }
    void State(TcpSocket::TcpStates_t, TcpSocket::TcpStates_t now) { states.push_back(now); }
    void Tx(Ptr<const Packet>, const TcpHeader& h, Ptr<const TcpSocketBase> socket)
    {
        BOOST_TEST(!socket); // not a TcpSocketBase
        if ((h.GetFlags() & TcpHeader::SYN) && h.HasOption(TcpOption::MSS))
        {
            synMss = DynamicCast<const TcpOptionMSS>(h.GetOption(TcpOption::MSS))->GetMSS();
        }
        ++tx;
    }
    void Rx(Ptr<const Packet>, const TcpHeader&, Ptr<const TcpSocketBase>) { ++rx; }
};

void
ConnectByPath(Traces* t)
{
    Config::ConnectWithoutContext("/NodeList/0/$ns3::LinuxTcpL4Protocol/SocketList/0/CongestionWindow",
                                  MakeCallback(&Traces::Cwnd, t));
    Config::ConnectWithoutContext("/NodeList/0/$ns3::LinuxTcpL4Protocol/SocketList/0/RTT",
                                  MakeCallback(&Traces::Rtt, t));
}

BOOST_AUTO_TEST_CASE(trace_sources_connect_as_on_ns3_tcp)
{
    TwoNodes w;
    Traces t;
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5001));
    sink.Install(w.nodes.Get(1));
    Ptr<Socket> s = w.NewSocket(0);
    s->SetAttribute("SndBufSize", UintegerValue(200000)); // room for all of it at once
    BOOST_TEST_REQUIRE(s->TraceConnectWithoutContext("State", MakeCallback(&Traces::State, &t)));
    BOOST_TEST_REQUIRE(s->TraceConnectWithoutContext("Tx", MakeCallback(&Traces::Tx, &t)));
    BOOST_TEST_REQUIRE(s->TraceConnectWithoutContext("Rx", MakeCallback(&Traces::Rx, &t)));
    ConnectByPath(&t); // the socket is the node's first
    Simulator::Schedule(Seconds(0), [&]() {
        BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 5001)) == 0);
        for (int i = 0; i < 200; ++i)
        {
            BOOST_TEST(s->Send(Create<Packet>(1000)) == 1000);
        }
        s->Close();
    });
    Simulator::Stop(Seconds(5));
    Simulator::Run();

    // the initial window, 10 segments of 1448 bytes, then slow start
    BOOST_TEST_REQUIRE(t.cwnd.size() >= 2u);
    BOOST_TEST(t.cwnd.front() == 10u * 1448u);
    BOOST_TEST(*std::max_element(t.cwnd.begin(), t.cwnd.end()) > 10u * 1448u);
    // RTT samples: the handshake's 10 ms of propagation, then up to what 200 KB queued
    // at 10 Mbit/s add (160 ms)
    BOOST_TEST_REQUIRE(!t.rtt.empty());
    BOOST_TEST((t.rtt.front() >= MilliSeconds(10) && t.rtt.front() < MilliSeconds(11)), t.rtt.front().As(Time::MS));
    for (const Time& r : t.rtt)
    {
        BOOST_TEST((r >= MilliSeconds(10) && r < MilliSeconds(200)), r.As(Time::MS));
    }
    // the sink closes its side when we close ours
    const std::vector<TcpSocket::TcpStates_t> expected = {TcpSocket::SYN_SENT, TcpSocket::ESTABLISHED,
                                                          TcpSocket::FIN_WAIT_1, TcpSocket::FIN_WAIT_2,
                                                          TcpSocket::TIME_WAIT};
    BOOST_TEST(t.states == expected, boost::test_tools::per_element());
    // every segment the socket sent and got, as the node's IPv4 layer saw them
    BOOST_TEST(t.tx == w.sent[0].size());
    BOOST_TEST(t.rx == w.sent[1].size());
    BOOST_TEST(t.synMss == 1460);
}

BOOST_AUTO_TEST_CASE(socket_list_holds_a_nodes_sockets_until_closed_for_good)
{
    TwoNodes w;
    Ptr<sim::LinuxTcpL4Protocol> tcp = w.nodes.Get(0)->GetObject<sim::LinuxTcpL4Protocol>();
    Ptr<Socket> a = w.NewSocket(0);
    Ptr<Socket> b = w.NewSocket(0);
    ObjectVectorValue list;
    tcp->GetAttribute("SocketList", list);
    BOOST_TEST_REQUIRE(list.GetN() == 2u);
    BOOST_TEST((list.Get(0) == a && list.Get(1) == b));
    BOOST_TEST_REQUIRE(a->Bind() == 0);
    BOOST_TEST(a->Listen() == 0);
    BOOST_TEST(a->Close() == 0);
    tcp->GetAttribute("SocketList", list);
    BOOST_TEST_REQUIRE(list.GetN() == 1u);
    BOOST_TEST(list.Get(0) == b);
}

// ns3::TcpSocket's defaults are ns-3's TCP's; ours takes the kernel profile's unless the
// user changed one. Changed, they are socket options.
BOOST_AUTO_TEST_CASE(tcp_socket_defaults_are_the_profiles_unless_changed)
{
    TwoNodes w;
    Ptr<sim::LinuxTcpSocket> s = w.NewSocket(0);
    BooleanValue nodelay;
    s->GetAttribute("TcpNoDelay", nodelay);
    BOOST_TEST(!nodelay.Get()); // Nagle on, as Linux; ns-3's default is on
    UintegerValue sndbuf;
    s->GetAttribute("SndBufSize", sndbuf);
    BOOST_TEST(sndbuf.Get() == 16384u); // tcp_wmem[1]
    UintegerValue rcvbuf;
    s->GetAttribute("RcvBufSize", rcvbuf);
    BOOST_TEST(rcvbuf.Get() == 131072u); // tcp_rmem[1]
    BOOST_TEST(s->GetTcb().user_mss == 0u);
    TimeValue delack;
    s->GetAttribute("DelAckTimeout", delack);
    BOOST_TEST(delack.Get() == MilliSeconds(200)); // TCP_DELACK_MAX: fixed by the kernel

    s->SetAttribute("TcpNoDelay", BooleanValue(true));
    BOOST_TEST(s->GetTcb().nodelay);
    // SO_SNDBUF: doubled, at most net.core.wmem_max doubled
    s->SetAttribute("SndBufSize", UintegerValue(10000));
    s->GetAttribute("SndBufSize", sndbuf);
    BOOST_TEST(sndbuf.Get() == 20000u);
    s->SetAttribute("SndBufSize", UintegerValue(1u << 30));
    s->GetAttribute("SndBufSize", sndbuf);
    BOOST_TEST(sndbuf.Get() == 2u * 212992u);
    BOOST_TEST((s->GetTcb().userlocks & sim::SOCK_SNDBUF_LOCK));
}

BOOST_AUTO_TEST_CASE(a_changed_segment_size_default_is_tcp_maxseg)
{
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1000));
    TwoNodes w;
    const uint16_t port = 5001;
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(w.ifs.GetAddress(1), port));
    bulk.SetAttribute("MaxBytes", UintegerValue(100000));
    bulk.Install(w.nodes.Get(0));
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinks = sink.Install(w.nodes.Get(1));
    Simulator::Stop(Seconds(3));
    Simulator::Run();
    BOOST_TEST(DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx() == 100000u);
    // both ends announce 1000 (the listener's option is inherited), and send 1000 less
    // the timestamps
    BOOST_TEST(w.sent[0].front().mss == 1000);
    BOOST_TEST(w.sent[1].front().mss == 1000);
    BOOST_TEST(w.MaxPayload(0) == 988u);
}

BOOST_AUTO_TEST_CASE(a_changed_receive_buffer_default_bounds_the_window)
{
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(20000));
    TwoNodes w;
    const uint16_t port = 5001;
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(w.ifs.GetAddress(1), port));
    bulk.SetAttribute("MaxBytes", UintegerValue(300000));
    bulk.Install(w.nodes.Get(0));
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinks = sink.Install(w.nodes.Get(1));
    Simulator::Stop(Seconds(5));
    Simulator::Run();
    BOOST_TEST(DynamicCast<PacketSink>(sinks.Get(0))->GetTotalRx() == 300000u);
    // SO_RCVBUF 40000 after doubling: window scale 0 (a clamp of 40000 needs none) and
    // no advertised window above what that buffer holds, where autotuning would grow it
    const Seg& synack = w.sent[1].front();
    BOOST_TEST_REQUIRE((synack.flags & TcpHeader::SYN));
    BOOST_TEST(synack.wscale == 0);
    uint16_t largest = 0;
    for (const Seg& s : w.sent[1])
    {
        largest = std::max(largest, s.window);
    }
    BOOST_TEST(largest <= 40000);
}

BOOST_AUTO_TEST_CASE(each_node_runs_the_kernel_profile_it_was_given)
{
    TwoNodes w("linux-5.15", "linux-6.18");
    Ptr<Socket> listener = w.NewSocket(1);
    BOOST_TEST_REQUIRE(listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), 80)) == 0);
    BOOST_TEST_REQUIRE(listener->Listen() == 0);
    Ptr<Socket> s = w.NewSocket(0);
    Simulator::Schedule(Seconds(0), [&]() { BOOST_TEST(s->Connect(InetSocketAddress(w.ifs.GetAddress(1), 80)) == 0); });
    Simulator::Stop(Seconds(1));
    Simulator::Run();
    // tcp_rmem[2]: 6291456 on 5.15 (scale 7), 33554432 on 6.18 (scale 10)
    BOOST_TEST(w.sent[0].front().wscale == 7);
    BOOST_TEST(w.sent[1].front().wscale == 10);
    StringValue name;
    w.nodes.Get(0)->GetObject<sim::LinuxTcpL4Protocol>()->GetAttribute("Profile", name);
    BOOST_TEST(name.Get() == "linux-5.15");
}

BOOST_AUTO_TEST_CASE(a_profile_set_by_attribute_or_unknown_fails_in_one_line)
{
    // InternetStackHelper alone, the profile by Config path
    NodeContainer nodes;
    nodes.Create(1);
    InternetStackHelper stack;
    stack.SetTcp("ns3::LinuxTcpL4Protocol");
    stack.Install(nodes);
    Config::Set("/NodeList/0/$ns3::LinuxTcpL4Protocol/Profile", StringValue("linux-5.15"));
    Ptr<sim::LinuxTcpL4Protocol> tcp = nodes.Get(0)->GetObject<sim::LinuxTcpL4Protocol>();
    BOOST_TEST(tcp->Profile().name == "linux-5.15");
    BOOST_TEST(tcp->Profile().tcp_rmem[2] == 6291456);
    try
    {
        tcp->SetAttribute("Profile", StringValue("linux-2.4"));
        BOOST_FAIL("an unknown profile was taken");
    }
    catch (const sim::InputError& e)
    {
        const std::string what = e.what();
        BOOST_TEST(what.find("unknown kernel profile 'linux-2.4' (profiles: ") == 0u, what);
        BOOST_TEST(what.find('\n') == std::string::npos, what);
    }
    sim::LinuxTcpStackHelper helper;
    BOOST_CHECK_THROW(helper.SetProfile("linux-2.4"), sim::InputError);
    Simulator::Destroy();
}

BOOST_AUTO_TEST_SUITE_END()
