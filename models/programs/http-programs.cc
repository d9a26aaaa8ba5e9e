// SPDX-License-Identifier: GPL-2.0-only
#include "models/programs/http-programs.h"

#include "models/programs/held-calls.h"
#include "models/tcp/linux-tcp-l4-protocol.h"

#include <ns3/inet-socket-address.h>
#include <ns3/node.h>
#include <ns3/simulator.h>

#include <algorithm>

namespace sim
{

NS_OBJECT_ENSURE_REGISTERED(HttpServer);
NS_OBJECT_ENSURE_REGISTERED(Browser);

using namespace ns3;

std::string
HttpRequest(const std::string& path, uint32_t size)
{
    std::string head = "GET " + path + " HTTP/1.1\r\nHost: localhost:12345\r\n";
    std::string ua = "User-Agent: Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:106.0) Gecko/20100101 Firefox/106.0";
    const std::string rest = "\r\nAccept: */*\r\nConnection: keep-alive\r\n";
    const long room = static_cast<long>(size) - static_cast<long>(head.size() + ua.size() + rest.size() + 2);
    std::string pad;
    if (room >= 5)
    {
        pad = "X: " + std::string(static_cast<size_t>(room - 5), 'a') + "\r\n";
    }
    else if (room > 0)
    {
        ua += std::string(static_cast<size_t>(room), ' ');
    }
    return head + ua + rest + pad + "\r\n";
}

std::string
HttpResponseHeader(std::optional<uint32_t> file_size)
{
    return std::string(file_size ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") +
           "\r\nConnection: keep-alive\r\nContent-Length: " + std::to_string(file_size.value_or(0)) + "\r\n\r\n";
}

std::string
HttpRequestPath(const std::string& request)
{
    const std::string path = request.substr(4, request.find(' ', 4) - 4);
    return path == "/" ? "/index.html" : path;
}

// A file's content: the alphabet over and over. Virtual: its bytes exist only where
// the capture writes them; the server never looks at them.
static Payload
Body(uint32_t size)
{
    static const auto alphabet = std::make_shared<const PatternSource>("abcdefghijklmnopqrstuvwxyz");
    return Payload(alphabet, 0, size);
}

// --- server ----------------------------------------------------------------------------

TypeId
HttpServer::GetTypeId()
{
    static TypeId tid = TypeId("sim::HttpServer").SetParent<Application>().AddConstructor<HttpServer>();
    return tid;
}

void
HttpServer::StartApplication()
{
    m_listen = GetNode()->GetObject<LinuxTcpL4Protocol>()->CreateSocket();
    if (m_cfg.isn)
    {
        m_listen->SetIsn(*m_cfg.isn);
    }
    if (m_cfg.ts_base)
    {
        m_listen->SetTsBase(*m_cfg.ts_base);
    }
    m_listen->Bind(InetSocketAddress(m_cfg.address, m_cfg.port));
    m_listen->Listen();
    AcceptNext();
}

// The accept loop: a sequential server (concurrency 1) accepts the next connection
// only when this one is closed; a threaded one goes on accepting while fewer than
// `concurrency` connections are open
void
HttpServer::AcceptNext()
{
    const size_t call = m_accepts++;
    m_accepting = true;
    m_listen->Wait(
        WaitFor::Acceptable, m_cfg.timing.Wake("accept", call),
        [this, call]() {
            m_accepting = false;
            const uint64_t id = m_nextSession++;
            m_sessions[id].sock = m_listen->Accept();
            RecvAfter(id, m_cfg.timing.Think("accept", call));
            if (m_sessions.size() < m_cfg.concurrency)
            {
                AcceptNext();
            }
        },
        m_cfg.timing.NotBefore("accept", call));
}

// The next recv() after `think`, or at its recorded start
void
HttpServer::RecvAfter(uint64_t id, Time think)
{
    Simulator::Schedule(m_cfg.timing.Delay("recv", m_recvs, think, Simulator::Now()), &HttpServer::WaitRequest,
                        this, id);
}

// The next recv() at once (the loop goes straight back to it), or at its recorded start
void
HttpServer::RecvNow(uint64_t id)
{
    if (m_cfg.timing.Pinned("recv", m_recvs))
    {
        RecvAfter(id, Time(0));
        return;
    }
    WaitRequest(id);
}

// recv() with the idle timeout: the connection is closed when no request comes in time
void
HttpServer::WaitRequest(uint64_t id)
{
    const size_t call = m_recvs++;
    Session& s = m_sessions.at(id);
    s.idle = Simulator::Schedule(m_cfg.idle_timeout, &HttpServer::IdleTimeout, this, id);
    s.sock->Wait(
        WaitFor::Readable, m_cfg.timing.Wake("recv", call),
        [this, id]() {
            Session& s = m_sessions.at(id);
            s.idle.Cancel();
            s.sock->Read(65536, [this, id](const Payload& data) { GotRequest(id, data.ToString()); });
        },
        m_cfg.timing.NotBefore("recv", call), m_cfg.timing.CopyAt("recv", call),
        m_cfg.timing.ReleasedAt("recv", call), m_cfg.timing.ReadCopies("recv", call));
}

void
HttpServer::GotRequest(uint64_t id, const std::string& data)
{
    if (data.empty())
    {
        CloseAfterThink(id);
        return;
    }
    std::string& pending = m_sessions.at(id).pending;
    pending += data;
    const size_t end = pending.find("\r\n\r\n");
    if (end == std::string::npos)
    {
        RecvNow(id); // the rest of the request is still coming
        return;
    }
    const std::string request = pending.substr(0, end + 4);
    pending.erase(0, end + 4);
    Respond(id, request);
}

void
HttpServer::IdleTimeout(uint64_t id)
{
    m_sessions.at(id).sock->CancelWait();
    CloseAfterThink(id);
}

void
HttpServer::CloseAfterThink(uint64_t id)
{
    ScheduleCall(m_cfg.timing, "close", 0, m_cfg.timing.Think("close", 0), nullptr,
                 [this, id]() { CloseConnection(id); });
}

// A 200 with the file, or a 404: the header in one send(), the body in another
void
HttpServer::Respond(uint64_t id, const std::string& request)
{
    const size_t call = m_requests++;
    const std::string path = HttpRequestPath(request);
    const auto file = m_cfg.files.find(path);
    const std::optional<uint32_t> found =
        file != m_cfg.files.end() ? std::optional<uint32_t>(file->second) : std::nullopt;
    const uint32_t size = found.value_or(0);
    const std::string header = HttpResponseHeader(found);
    const ProcessTiming& t = m_cfg.timing;
    const Ptr<LinuxTcpSocket> sock = m_sessions.at(id).sock;
    ScheduleCall(t, "reply", call, t.Think("reply", call), sock, [this, id, header, size, call, sock]() {
        sock->Write(Payload(header), false, false, m_cfg.timing.CopyRate("reply", call),
                    m_cfg.timing.SendTurns("reply", call));
        // the body's send() comes after the header's returns
        sock->AfterWrite([this, id, size, call, sock]() {
            const ProcessTiming& t = m_cfg.timing;
            if (size == 0)
            {
                RecvAfter(id, t.Think("body", call));
                return;
            }
            ScheduleCall(t, "body", call, t.Think("body", call), sock, [this, id, size, sock, call]() {
                // sendall() returns once the body is in the socket (and, on loopback,
                // the softirq of its last segment is done): then the next request
                sock->Write(Body(size), false, false, m_cfg.timing.CopyRate("body", call),
                            m_cfg.timing.SendTurns("body", call));
                sock->Wait(WaitFor::WriteDone, Time(0), [this, id]() { RecvNow(id); });
            });
        });
    });
}

void
HttpServer::CloseConnection(uint64_t id)
{
    m_sessions.at(id).sock->Close();
    m_sessions.erase(id);
    if (!m_accepting && m_sessions.size() < m_cfg.concurrency)
    {
        AcceptNext();
    }
}

std::vector<BlockedCall>
HttpServer::StillBlocked() const
{
    std::vector<BlockedCall> out;
    for (const auto& [id, s] : m_sessions)
    {
        AddIfSleeping(out, "the server", s.sock);
    }
    if (m_sessions.empty() && m_accepts <= 1)
    {
        AddIfSleeping(out, "the server", m_listen);
    }
    return out;
}

void
HttpServer::DoDispose()
{
    for (auto& [id, s] : m_sessions)
    {
        s.idle.Cancel();
    }
    m_sessions.clear();
    m_listen = nullptr;
    Application::DoDispose();
}

// --- browser ---------------------------------------------------------------------------

TypeId
Browser::GetTypeId()
{
    static TypeId tid = TypeId("sim::Browser").SetParent<Application>().AddConstructor<Browser>();
    return tid;
}

void
Browser::StartApplication()
{
    for (size_t i = 0; i < m_cfg.requests.size(); ++i)
    {
        m_conns[m_cfg.requests[i].connection].requests.push_back(i);
    }
    for (const BrowserConnection& c : m_cfg.connections)
    {
        m_conns[c.name]; // a connection may carry no request (a speculative one)
        Simulator::Schedule(c.open_at - Simulator::Now(), &Browser::Open, this, c.name);
    }
}

void
Browser::Open(const std::string& name)
{
    const auto it = std::find_if(m_cfg.connections.begin(), m_cfg.connections.end(),
                                 [&](const BrowserConnection& c) { return c.name == name; });
    const size_t call = static_cast<size_t>(it - m_cfg.connections.begin());
    Conn& c = m_conns[name];
    c.sock = GetNode()->GetObject<LinuxTcpL4Protocol>()->CreateSocket();
    if (it->isn)
    {
        c.sock->SetIsn(*it->isn);
    }
    if (m_cfg.ts_base)
    {
        c.sock->SetTsBase(*m_cfg.ts_base);
    }
    c.sock->Bind(InetSocketAddress(m_cfg.address, it->port));
    c.sock->Connect(InetSocketAddress(m_cfg.server, m_cfg.server_port));
    c.sock->Wait(
        WaitFor::Connected, m_cfg.timing.Wake("connect", call),
        [this, name]() {
            m_conns[name].connected = true;
            if (m_cfg.timing.Pinned("read", m_reads))
            {
                ReadAfter(name, Time(0));
            }
            else
            {
                ReadMore(name);
            }
            SendNext(name);
        },
        m_cfg.timing.NotBefore("connect", call));
}

// The next request on this connection: at its time, or once the one before is done
void
Browser::SendNext(const std::string& name)
{
    Conn& c = m_conns[name];
    if (!c.connected || c.busy || c.next >= c.requests.size())
    {
        return;
    }
    const size_t index = c.requests[c.next];
    const BrowserRequest& r = m_cfg.requests[index];
    Time when = r.after;
    if (r.at && *r.at > Simulator::Now())
    {
        when = std::max(when, *r.at - Simulator::Now());
    }
    c.busy = true;
    c.next++;
    const Ptr<LinuxTcpSocket> sock = c.sock;
    ScheduleCall(m_cfg.timing, "send", index, when, sock, [this, sock, index]() {
        const BrowserRequest& req = m_cfg.requests[index];
        sock->Write(HttpRequest(req.path, req.size));
    });
}

// Firefox keeps every connection polled: responses are read as they come, and a close
// from the server is answered with a close
void
Browser::ReadMore(const std::string& name)
{
    Conn& c = m_conns[name];
    c.sock->Wait(
        WaitFor::Readable, m_cfg.timing.Wake("read", m_reads),
        [this, name]() {
            m_conns[name].sock->Read(m_cfg.read_size, [this, name](const Payload& data) { GotData(name, data); });
        },
        m_cfg.timing.NotBefore("read", m_reads), m_cfg.timing.CopyAt("read", m_reads),
        m_cfg.timing.ReleasedAt("read", m_reads), m_cfg.timing.ReadCopies("read", m_reads));
}

// The next read after `think`, or at its recorded start
void
Browser::ReadAfter(const std::string& name, Time think)
{
    Simulator::Schedule(m_cfg.timing.Delay("read", m_reads, think, Simulator::Now()), &Browser::ReadMore, this,
                        name);
}

// read() returned: a whole response lets the next request go; the socket thread reads
// again after its think time
// Consumes bytes [pos, ...) of a read: the header is kept until its blank line (it is
// parsed), the body only counted. Returns how many bytes belong to this response.
size_t
ResponseReader::Feed(const Payload& data, size_t pos)
{
    size_t used = 0;
    while (!done && pos + used < data.size())
    {
        const size_t at = pos + used;
        if (!head_done)
        {
            const size_t old = head.size();
            head += data.ToString(at, std::min<size_t>(4096, data.size() - at));
            const size_t end = head.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
            if (end == std::string::npos)
            {
                used += head.size() - old;
                continue;
            }
            head.resize(end + 4);
            used += head.size() - old;
            head_done = true;
            const size_t cl = head.find("Content-Length: ");
            body_left = cl == std::string::npos ? 0 : std::stoull(head.substr(cl + 16));
        }
        else
        {
            const size_t take = static_cast<size_t>(std::min<uint64_t>(body_left, data.size() - at));
            body_left -= take;
            used += take;
        }
        done = head_done && body_left == 0;
    }
    bytes += used;
    return used;
}

void
Browser::GotData(const std::string& name, const Payload& data)
{
    Conn& conn = m_conns[name];
    ++m_reads;
    if (data.empty())
    {
        ScheduleCall(m_cfg.timing, "close", 0, m_cfg.timing.Think("close", 0), nullptr,
                     [this, name]() { m_conns[name].sock->Close(); });
        return;
    }
    Time stall;
    for (size_t pos = 0; pos < data.size();)
    {
        pos += conn.response.Feed(data, pos);
        stall = std::max(stall, StallNow(conn));
        if (!conn.response.done)
        {
            break;
        }
        conn.response = ResponseReader(); // what follows starts the next response
        conn.stalled = false;
        conn.busy = false;
        SendNext(name);
    }
    ReadAfter(name, m_cfg.timing.Think("read", m_reads) + stall);
}

// The pause before the next read if the outstanding request's stall point is reached
Time
Browser::StallNow(Conn& conn)
{
    if (!conn.busy || conn.next == 0 || conn.stalled)
    {
        return Time(0);
    }
    const BrowserRequest& r = m_cfg.requests[conn.requests[conn.next - 1]];
    if (!r.stall_after || conn.response.bytes < *r.stall_after)
    {
        return Time(0);
    }
    conn.stalled = true;
    return r.stall;
}

std::vector<BlockedCall>
Browser::StillBlocked() const
{
    std::vector<BlockedCall> out;
    for (const auto& [name, conn] : m_conns)
    {
        AddIfSleeping(out, "the browser (connection " + name + ")", conn.sock);
    }
    return out;
}

void
Browser::DoDispose()
{
    m_conns.clear();
    Application::DoDispose();
}

} // namespace sim
