// SPDX-License-Identifier: GPL-2.0-only
// The echo server and client of the seed report (SCENARIOS.md), as ns-3 Applications
// that make the same socket calls in the same order as the Python programs:
//
//   server: bind, listen; loop { accept; loop { [sleep]; recv(N); if empty break;
//                                              send(upper(data) * k) }; close }
//   client: connect; send(message * r) x n; recv(m) for each m; close
#pragma once

#include "models/programs/blocked-calls.h"
#include "models/programs/process-timing.h"
#include "models/tcp/linux-tcp-socket.h"

#include <ns3/application.h>
#include <ns3/ipv4-address.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim
{


struct EchoServerConfig
{
    ns3::Ipv4Address address = ns3::Ipv4Address::GetAny();
    uint16_t port = 0;
    std::optional<uint32_t> isn;
    std::optional<uint32_t> ts_base;
    uint32_t recv_size = 1024;        // conn.recv(BUFFER_SIZE)
    uint32_t reply_multiplier = 1;    // conn.send(data.upper() * k)
    ns3::Time sleep_before_recv;      // time.sleep() before each recv
    uint32_t replies = 0;             // close after this many replies (0: when the client closes)
    bool reuseaddr = false;           // SO_REUSEADDR before bind()
    ns3::Time upstream_connect;       // a relay: answers a SYN once its own connect is done
    ProcessTiming timing;             // steps: accept, recv, reply, close
};

// Per-call values: a list, whose last entry may repeat `repeat_last` more times, so
// that `sends = 5000000` is one entry in constant memory rather than five million
template <class T>
struct CallList
{
    std::vector<T> items;
    uint64_t repeat_last = 0;

    uint64_t size() const { return items.empty() ? 0 : items.size() + repeat_last; }
    const T& at(uint64_t i) const { return items[std::min<uint64_t>(i, items.size() - 1)]; }
};

struct EchoClientConfig
{
    ns3::Ipv4Address address;         // local address
    uint16_t port = 0;                // local (ephemeral) port
    ns3::Ipv4Address server;
    uint16_t server_port = 0;
    std::optional<uint32_t> isn;
    std::optional<uint32_t> ts_base;
    CallList<Payload> messages;        // one send() each; repeats share their bytes
    CallList<uint32_t> recv_sizes;     // one recv() per entry
    bool interleave = false;           // send, recv, send, recv... (else all sends first)
    bool nodelay = false;              // TCP_NODELAY
    bool reuseaddr = false;            // SO_REUSEADDR before bind()
    ProcessTiming timing;              // steps: connect, send, recv, close
};

// The client's calls in order, as the Python program makes them
struct ClientStep
{
    enum Kind
    {
        Send,
        Recv,
        Close,
    } kind;
    uint64_t index;       // which send or recv this is (for its think time)
    Payload message;      // Send
    uint32_t size = 0;    // Recv
};

// Call i of the client (0 <= i < ClientStepCount()), computed from the lists: the
// calls are never laid out in memory
ClientStep ClientStepAt(const EchoClientConfig& cfg, uint64_t i);
uint64_t ClientStepCount(const EchoClientConfig& cfg);
// All of them (recording, tests)
std::vector<ClientStep> ClientSteps(const EchoClientConfig& cfg);

// Python's str.upper() on the bytes, repeated
std::string UpperRepeat(const std::string& s, uint32_t n);

class EchoServer : public ns3::Application, public ReportsBlockedCalls
{
  public:
    static ns3::TypeId GetTypeId();
    void Configure(const EchoServerConfig& cfg) { m_cfg = cfg; }
    // A server back in accept() after a connection is idle, as the Python loop is
    // between clients; one that never got a connection is reported
    std::vector<BlockedCall> StillBlocked() const override;

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void AcceptNext();
    void RecvNext();
    void DoRecv();
    void WaitAndRead(size_t call);
    void Reply(size_t call, const std::string& data);
    void Send(size_t call, const std::string& data);
    void RecvAfter(ns3::Time think);
    ns3::Time CloseDelay(size_t call) const;
    void CloseConnection();
    void CloseNow();

    EchoServerConfig m_cfg;
    ns3::Ptr<LinuxTcpSocket> m_listen;
    ns3::Ptr<LinuxTcpSocket> m_conn;
    size_t m_accepts = 0;
    size_t m_recvs = 0;
};

class EchoClient : public ns3::Application, public ReportsBlockedCalls
{
  public:
    static ns3::TypeId GetTypeId();
    void Configure(const EchoClientConfig& cfg) { m_cfg = cfg; }
    std::vector<BlockedCall> StillBlocked() const override;

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    void Next(uint64_t i);
    ns3::Time ThinkBefore(const ClientStep& s) const;

    EchoClientConfig m_cfg;
    ns3::Ptr<LinuxTcpSocket> m_sock;
};

} // namespace sim
