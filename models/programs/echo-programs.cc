#include "models/programs/echo-programs.h"

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

// Python's str.upper() on the bytes of the message
static std::string
Upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    return s;
}

static std::string
Repeat(const std::string& s, uint32_t n)
{
    std::string out;
    out.reserve(s.size() * n);
    for (uint32_t i = 0; i < n; ++i)
    {
        out += s;
    }
    return out;
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
    m_listen->Bind(InetSocketAddress(m_cfg.address, m_cfg.port));
    m_listen->Listen();
    AcceptNext();
}

void
EchoServer::AcceptNext()
{
    const size_t call = m_accepts++;
    m_listen->Wait(WaitFor::Acceptable, m_cfg.timing.Wake("accept", call), [this, call]() {
        m_conn = m_listen->Accept();
        m_recvs = 0;
        Simulator::Schedule(m_cfg.timing.Think("accept", call), &EchoServer::RecvNext, this);
    });
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
    m_conn->Wait(WaitFor::Readable, m_cfg.timing.Wake("recv", call), [this, call]() {
        std::string data;
        if (m_conn->Read(data, m_cfg.recv_size) <= 0)
        {
            // empty read: the client closed; close ours and serve the next one
            Simulator::Schedule(m_cfg.timing.Think("close", call), [this]() {
                m_conn->Close();
                m_conn = nullptr;
                AcceptNext();
            });
            return;
        }
        Simulator::Schedule(m_cfg.timing.Think("reply", call), [this, call, data]() {
            m_conn->Write(Repeat(Upper(data), m_cfg.reply_multiplier));
            Simulator::Schedule(m_cfg.timing.Think("recv", call), &EchoServer::RecvNext, this);
        });
    });
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
    m_sock->Wait(WaitFor::Connected, m_cfg.timing.Wake("connect", 0), [this]() {
        Simulator::Schedule(m_cfg.timing.Think("send", 0), &EchoClient::SendNext, this, 0);
    });
}

void
EchoClient::SendNext(size_t i)
{
    m_sock->Write(Repeat(m_cfg.message, m_cfg.repeat));
    if (i + 1 < m_cfg.sends)
    {
        Simulator::Schedule(m_cfg.timing.Think("send", i + 1), &EchoClient::SendNext, this, i + 1);
        return;
    }
    Simulator::Schedule(ThinkBeforeRecv(0), &EchoClient::RecvNext, this, 0);
}

// Before recv number i, or before close() once all are done
Time
EchoClient::ThinkBeforeRecv(size_t i) const
{
    return i < m_cfg.recv_sizes.size() ? m_cfg.timing.Think("recv", i)
                                       : m_cfg.timing.Think("close", 0);
}

void
EchoClient::RecvNext(size_t i)
{
    if (i >= m_cfg.recv_sizes.size())
    {
        m_sock->Close();
        return;
    }
    m_sock->Wait(WaitFor::Readable, m_cfg.timing.Wake("recv", i), [this, i]() {
        std::string data;
        m_sock->Read(data, m_cfg.recv_sizes[i]);
        Simulator::Schedule(ThinkBeforeRecv(i + 1), &EchoClient::RecvNext, this, i + 1);
    });
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
