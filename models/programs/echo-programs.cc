// SPDX-License-Identifier: GPL-2.0-only
#include "models/programs/echo-programs.h"

#include "models/programs/held-calls.h"

#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/linux-tcp-socket.h"

#include <ns3/inet-socket-address.h>
#include <ns3/node.h>
#include <ns3/simulator.h>

#include <algorithm>
#include <cctype>

namespace sim
{

NS_OBJECT_ENSURE_REGISTERED(EchoServer);
NS_OBJECT_ENSURE_REGISTERED(EchoClient);

using namespace ns3;

static Ptr<LinuxTcpSocket>
NewSocket(Ptr<Node> node, std::optional<uint32_t> isn, std::optional<uint32_t> ts_base)
{
    Ptr<LinuxTcpSocket> s = node->GetObject<LinuxTcpL4Protocol>()->CreateSocket();
    if (isn)
    {
        s->SetIsn(*isn);
    }
    if (ts_base)
    {
        s->SetTsBase(*ts_base);
    }
    return s;
}

std::string
UpperRepeat(const std::string& s, uint32_t n)
{
    std::string up = s;
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    std::string out;
    out.reserve(up.size() * n);
    for (uint32_t i = 0; i < n; ++i)
    {
        out += up;
    }
    return out;
}

uint64_t
ClientStepCount(const EchoClientConfig& cfg)
{
    return cfg.messages.size() + cfg.recv_sizes.size() + 1;
}

// Without interleave: every send, then every recv, then close. With it: send, recv,
// send, recv ... while both last; then the longer list's rest back to back; then close.
ClientStep
ClientStepAt(const EchoClientConfig& cfg, uint64_t i)
{
    const uint64_t sends = cfg.messages.size();
    const uint64_t recvs = cfg.recv_sizes.size();
    auto send = [&](uint64_t k) { return ClientStep{ClientStep::Send, k, cfg.messages.at(k), 0}; };
    auto recv = [&](uint64_t k) { return ClientStep{ClientStep::Recv, k, Payload(), cfg.recv_sizes.at(k)}; };
    if (i >= sends + recvs)
    {
        return ClientStep{ClientStep::Close, 0, Payload(), 0};
    }
    if (!cfg.interleave)
    {
        return i < sends ? send(i) : recv(i - sends);
    }
    const uint64_t pairs = std::min(sends, recvs);
    if (i < 2 * pairs)
    {
        return i % 2 == 0 ? send(i / 2) : recv(i / 2);
    }
    const uint64_t k = pairs + (i - 2 * pairs);
    return sends > recvs ? send(k) : recv(k);
}

std::vector<ClientStep>
ClientSteps(const EchoClientConfig& cfg)
{
    std::vector<ClientStep> steps;
    for (uint64_t i = 0; i < ClientStepCount(cfg); ++i)
    {
        steps.push_back(ClientStepAt(cfg, i));
    }
    return steps;
}

// --- server ----------------------------------------------------------------------------

TypeId
EchoServer::GetTypeId()
{
    static TypeId tid = TypeId("sim::EchoServer").SetParent<Application>().AddConstructor<EchoServer>();
    return tid;
}

void
EchoServer::StartApplication()
{
    m_listen = NewSocket(GetNode(), m_cfg.isn, m_cfg.ts_base);
    m_listen->SetSynAckDelay(m_cfg.upstream_connect);
    m_listen->Bind(InetSocketAddress(m_cfg.address, m_cfg.port));
    m_listen->Listen();
    AcceptNext();
}

void
EchoServer::AcceptNext()
{
    const size_t call = m_accepts++;
    m_listen->Wait(
        WaitFor::Acceptable, m_cfg.timing.Wake("accept", call),
        [this, call]() {
            m_conn = m_listen->Accept();
            m_recvs = 0;
            RecvAfter(m_cfg.timing.Think("accept", call));
        },
        m_cfg.timing.NotBefore("accept", call));
}

// The next recv() after `think` and the sleep before it, or at its recorded start
// (which has the real sleep in it)
void
EchoServer::RecvAfter(Time think)
{
    if (m_cfg.timing.Pinned("recv", m_recvs))
    {
        Simulator::Schedule(m_cfg.timing.Delay("recv", m_recvs, think, Simulator::Now()), &EchoServer::DoRecv, this);
        return;
    }
    Simulator::Schedule(think, &EchoServer::RecvNext, this);
}

void
EchoServer::RecvNext()
{
    if (m_cfg.sleep_before_recv.IsStrictlyPositive())
    {
        Simulator::Schedule(m_cfg.sleep_before_recv, &EchoServer::DoRecv, this);
        return;
    }
    DoRecv();
}

void
EchoServer::DoRecv()
{
    const size_t call = m_recvs++;
    const Time hold = m_cfg.timing.Hold("recv", call);
    if (hold.IsStrictlyPositive())
    {
        m_conn->LockSock();
        Simulator::Schedule(hold, [this, call]() {
            m_conn->ReleaseSock();
            WaitAndRead(call);
        });
        return;
    }
    WaitAndRead(call);
}

void
EchoServer::WaitAndRead(size_t call)
{
    m_conn->Wait(
        WaitFor::Readable, m_cfg.timing.Wake("recv", call),
        [this, call]() {
            m_conn->Read(m_cfg.recv_size, [this, call](const Payload& data) { Reply(call, data.ToString()); });
        },
        m_cfg.timing.NotBefore("recv", call), m_cfg.timing.CopyAt("recv", call),
        m_cfg.timing.ReleasedAt("recv", call), m_cfg.timing.ReadCopies("recv", call));
}

void
EchoServer::Reply(size_t call, const std::string& data)
{
    if (data.empty())
    {
        // empty read: the client closed; close ours and serve the next one
        Simulator::Schedule(CloseDelay(call), &EchoServer::CloseConnection, this);
        return;
    }
    ScheduleCall(m_cfg.timing, "reply", call, m_cfg.timing.Think("reply", call), m_conn,
                 [this, call, data]() { Send(call, data); });
}

Time
EchoServer::CloseDelay(size_t call) const
{
    const ProcessTiming& t = m_cfg.timing;
    return t.Delay("close", m_accepts - 1, t.Think("close", call), Simulator::Now());
}

void
EchoServer::Send(size_t call, const std::string& data)
{
    m_conn->Write(Payload(UpperRepeat(data, m_cfg.reply_multiplier)), false, false,
                  m_cfg.timing.CopyRate("reply", call), m_cfg.timing.SendTurns("reply", call));
    // the loop goes on when send() returns
    m_conn->AfterWrite([this, call]() {
        if (m_cfg.replies && call + 1 >= m_cfg.replies)
        {
            // done with this client: close without waiting for its FIN
            Simulator::Schedule(CloseDelay(call), &EchoServer::CloseConnection, this);
            return;
        }
        RecvAfter(m_cfg.timing.Think("recv", call));
    });
}

void
EchoServer::CloseConnection()
{
    AfterHold(m_cfg.timing.Hold("close", m_accepts - 1), [this]() { CloseNow(); });
}

void
EchoServer::CloseNow()
{
    m_conn->Close();
    m_conn = nullptr;
    AcceptNext();
}

std::vector<BlockedCall>
EchoServer::StillBlocked() const
{
    std::vector<BlockedCall> out;
    AddIfSleeping(out, "the server", m_conn);
    if (!m_conn && m_accepts <= 1)
    {
        AddIfSleeping(out, "the server", m_listen);
    }
    return out;
}

void
EchoServer::StopApplication()
{
}

void
EchoServer::DoDispose()
{
    m_listen = nullptr;
    m_conn = nullptr;
    Application::DoDispose();
}

// --- client ----------------------------------------------------------------------------

TypeId
EchoClient::GetTypeId()
{
    static TypeId tid = TypeId("sim::EchoClient").SetParent<Application>().AddConstructor<EchoClient>();
    return tid;
}

void
EchoClient::StartApplication()
{
    m_sock = NewSocket(GetNode(), m_cfg.isn, m_cfg.ts_base);
    m_sock->SetNoDelay(m_cfg.nodelay);
    m_sock->Bind(InetSocketAddress(m_cfg.address, m_cfg.port));
    m_sock->Connect(InetSocketAddress(m_cfg.server, m_cfg.server_port));
    m_sock->Wait(
        WaitFor::Connected, m_cfg.timing.Wake("connect", 0),
        [this]() { Simulator::Schedule(ThinkBefore(ClientStepAt(m_cfg, 0)), &EchoClient::Next, this, 0); },
        m_cfg.timing.NotBefore("connect", 0));
}

// From now, the delay before call i: the time the program spends after the previous
// call, or until the call's recorded start
Time
EchoClient::ThinkBefore(const ClientStep& s) const
{
    const ProcessTiming& t = m_cfg.timing;
    const Time now = Simulator::Now();
    switch (s.kind)
    {
    case ClientStep::Send:
        return t.Delay("send", s.index, t.Think("send", s.index), now);
    case ClientStep::Recv:
        return t.Delay("recv", s.index, t.Think("recv", s.index), now);
    case ClientStep::Close:
        break;
    }
    return t.Delay("close", 0, t.Think("close", 0), now);
}

void
EchoClient::Next(uint64_t i)
{
    const ClientStep s = ClientStepAt(m_cfg, i);
    switch (s.kind)
    {
    case ClientStep::Send: {
        auto work = [this, i, message = s.message, rate = m_cfg.timing.CopyRate("send", s.index),
                     turns = m_cfg.timing.SendTurns("send", s.index)]() {
            m_sock->Write(message, false, false, rate, turns);
            // the next call comes after this send() returns
            m_sock->AfterWrite([this, i]() {
                Simulator::Schedule(ThinkBefore(ClientStepAt(m_cfg, i + 1)), &EchoClient::Next, this, i + 1);
            });
        };
        AfterHeldLock(m_sock, m_cfg.timing.Hold("send", s.index), std::move(work),
                      m_cfg.timing.FirstSendTurn("send", s.index));
        return;
    }
    case ClientStep::Recv:
        m_sock->Wait(
            WaitFor::Readable, m_cfg.timing.Wake("recv", s.index),
            [this, i, size = s.size]() {
                m_sock->Read(size, [this, i](const Payload&) {
                    Simulator::Schedule(ThinkBefore(ClientStepAt(m_cfg, i + 1)), &EchoClient::Next, this, i + 1);
                });
            },
            m_cfg.timing.NotBefore("recv", s.index), m_cfg.timing.CopyAt("recv", s.index),
            m_cfg.timing.ReleasedAt("recv", s.index), m_cfg.timing.ReadCopies("recv", s.index));
        return;
    case ClientStep::Close:
        AfterHold(m_cfg.timing.Hold("close", 0), [this]() { m_sock->Close(); });
        return;
    }
}

std::vector<BlockedCall>
EchoClient::StillBlocked() const
{
    std::vector<BlockedCall> out;
    AddIfSleeping(out, "the client", m_sock);
    return out;
}

void
EchoClient::StopApplication()
{
}

void
EchoClient::DoDispose()
{
    m_sock = nullptr;
    Application::DoDispose();
}

} // namespace sim
