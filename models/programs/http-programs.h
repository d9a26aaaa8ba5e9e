// SPDX-License-Identifier: GPL-2.0-only
// Part B's programs (SCENARIOS.md): a sequential HTTP/1.1 file server with keep-alive
// and an idle timeout, written in Python in the report, and a browser (Firefox 106)
// that opens connections, some speculatively, and sends GETs on them.
//
//   server: bind, listen; loop { accept; loop { recv with a 1 s timeout; on timeout or
//           end of stream: close, next connection; send a header (67 bytes for the
//           report's files), then the body } }
//   browser: open each connection at its time; send each request at its time, or when
//           the response before it on the same connection is complete; read whatever
//           arrives; close when the server closes.
#pragma once

#include "models/programs/blocked-calls.h"
#include "models/programs/process-timing.h"
#include "models/tcp/linux-tcp-socket.h"

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct HttpServerConfig
{
    ns3::Ipv4Address address = ns3::Ipv4Address::GetAny();
    uint16_t port = 0;
    std::optional<uint32_t> isn; // of every connection it accepts (else drawn)
    std::optional<uint32_t> ts_base;
    std::map<std::string, uint32_t> files; // "/a/b/6.jpg" -> size in bytes ("/" is "/index.html")
    ns3::Time idle_timeout = ns3::Seconds(1);
    bool reuseaddr = false; // SO_REUSEADDR before bind()
    // connections served at once: 1 is a sequential server (Part B's); more, a threaded
    // one (socketserver.ThreadingMixIn), a thread per connection up to this many
    uint32_t concurrency = 1;
    // steps: accept, recv, reply (request -> header), body (header -> body), close; a
    // recorded run's `at` and `returned` are per call of the whole server
    ProcessTiming timing;
};

struct BrowserConnection
{
    std::string name; // e.g. "34662"
    uint16_t port = 0;
    ns3::Time open_at;
    std::optional<uint32_t> isn; // else drawn
};

struct BrowserRequest
{
    std::string connection;
    std::string path;
    uint32_t size = 0;           // bytes of the GET (Firefox's headers)
    std::optional<ns3::Time> at; // when it is sent; else when the one before completes
    ns3::Time after;             // ... plus this
    // A scheduling delay of the browser's socket thread while it reads this response:
    // once `stall_after` bytes of it (header included) are read, the next read of the
    // connection comes `stall` later. An input like the think times, placed where a
    // capture's windows show the reader fell behind.
    std::optional<uint64_t> stall_after;
    ns3::Time stall;
};

struct BrowserConfig
{
    ns3::Ipv4Address address;
    ns3::Ipv4Address server;
    uint16_t server_port = 0;
    std::optional<uint32_t> ts_base;
    std::vector<BrowserConnection> connections;
    std::vector<BrowserRequest> requests;
    uint32_t read_size = 65536; // bytes per read() of the socket
    bool reuseaddr = false;     // SO_REUSEADDR on each connection before bind()
    // steps: connect, send (a request: `at` and `hold` of a recorded run; else the
    // request's own at and after), read (between reads), close (server closed -> close)
    ProcessTiming timing;
};

// The GET a browser sends for `path`, `size` bytes long (headers padded to it)
std::string HttpRequest(const std::string& path, uint32_t size);

// The server's response header: a 200 with the file's size, or a 404
std::string HttpResponseHeader(std::optional<uint32_t> file_size);

// The file a request asks for ("/" is "/index.html")
std::string HttpRequestPath(const std::string& request);

class HttpServer : public ns3::Application, public ReportsBlockedCalls
{
  public:
    static ns3::TypeId GetTypeId();
    void Configure(const HttpServerConfig& cfg) { m_cfg = cfg; }
    // back in accept() after a connection: idle between clients, not reported
    std::vector<BlockedCall> StillBlocked() const override;

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override {}
    void AcceptNext();
    void RecvAfter(uint64_t id, ns3::Time think);
    void RecvNow(uint64_t id);
    void WaitRequest(uint64_t id);
    void GotRequest(uint64_t id, const std::string& data);
    void IdleTimeout(uint64_t id);
    void Respond(uint64_t id, const std::string& request);
    void CloseAfterThink(uint64_t id);
    void CloseConnection(uint64_t id);

    // One accepted connection and what its thread holds
    struct Session
    {
        ns3::Ptr<LinuxTcpSocket> sock;
        ns3::EventId idle;
        std::string pending; // request bytes read so far
    };

    HttpServerConfig m_cfg;
    ns3::Ptr<LinuxTcpSocket> m_listen;
    std::map<uint64_t, Session> m_sessions; // by the order they were accepted
    uint64_t m_nextSession = 0;
    bool m_accepting = false; // the accept loop waits in accept()
    size_t m_accepts = 0;
    size_t m_recvs = 0;
    size_t m_requests = 0;
};

// Where a response ends, read incrementally: the header up to its blank line, then
// Content-Length bytes of body, counted and not kept
struct ResponseReader
{
    std::string head;
    bool head_done = false;
    uint64_t body_left = 0;
    uint64_t bytes = 0; // of this response so far, header included
    bool done = false;
    size_t Feed(const Payload& data, size_t pos);
};

class Browser : public ns3::Application, public ReportsBlockedCalls
{
  public:
    static ns3::TypeId GetTypeId();
    void Configure(const BrowserConfig& cfg) { m_cfg = cfg; }
    std::vector<BlockedCall> StillBlocked() const override;

  protected:
    void DoDispose() override;

  private:
    struct Conn
    {
        ns3::Ptr<LinuxTcpSocket> sock;
        std::vector<size_t> requests; // indexes into m_cfg.requests, in order
        size_t next = 0;              // the next request to send
        bool busy = false;            // a response is outstanding
        ResponseReader response;      // the current response so far
        bool stalled = false;         // the current response's stall has been spent
        bool connected = false;
    };

    void StartApplication() override;
    void StopApplication() override {}
    void Open(const std::string& name);
    void SendNext(const std::string& name);
    void ReadAfter(const std::string& name, ns3::Time think);
    void ReadMore(const std::string& name);
    void GotData(const std::string& name, const Payload& data);
    ns3::Time StallNow(Conn& conn);

    BrowserConfig m_cfg;
    std::map<std::string, Conn> m_conns;
    size_t m_reads = 0;
};

} // namespace sim
