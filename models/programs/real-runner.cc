// SPDX-License-Identifier: GPL-2.0-only
#include "models/programs/real-runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <stdexcept>
#include <string>
#include <sys/wait.h>

namespace sim
{

namespace
{

// A think time is the program's own work: the process keeps the CPU, so spin rather
// than sleep (a sleep would also add the scheduler's wake-up latency)
void
Think(ns3::Time t)
{
    if (!t.IsStrictlyPositive())
    {
        return;
    }
    timespec start{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    const int64_t until = start.tv_sec * 1000000000LL + start.tv_nsec + t.GetNanoSeconds();
    for (;;)
    {
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec * 1000000000LL + now.tv_nsec >= until)
        {
            return;
        }
    }
}

// time.sleep(): the process gives the CPU up
void
SleepFor(ns3::Time t)
{
    if (!t.IsStrictlyPositive())
    {
        return;
    }
    const int64_t ns = t.GetNanoSeconds();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
    {
    }
}

sockaddr_in
Sockaddr(ns3::Ipv4Address a, uint16_t port)
{
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(a.Get());
    return sa;
}

// The call, with its start and return in `log` when there is one
template <class F>
int64_t
Logged(CallTimeline* log, CallKind kind, uint64_t index, F call)
{
    CallRecord* r = log ? log->Begin(kind, index) : nullptr;
    const int64_t result = call();
    CallTimeline::End(r, result);
    return result;
}

// Python's socket.send(): one send() call, whatever it accepts
void
SendOnce(int fd, const std::string& data, CallTimeline* log, uint64_t index)
{
    if (Logged(log, CallKind::Send, index, [&] { return ::send(fd, data.data(), data.size(), 0); }) < 0)
    {
        _exit(3);
    }
}

[[noreturn]] void
ServeOneConnection(int listen_fd, const EchoServerConfig& cfg, CallTimeline* log)
{
    const int conn = static_cast<int>(
        Logged(log, CallKind::Accept, 0, [&] { return accept(listen_fd, nullptr, nullptr); }));
    if (conn < 0)
    {
        _exit(4);
    }
    close(listen_fd);
    Think(cfg.timing.Think("accept", 0));
    std::string buf(cfg.recv_size, '\0');
    for (size_t call = 0;; ++call)
    {
        SleepFor(cfg.sleep_before_recv);
        const ssize_t n =
            Logged(log, CallKind::Recv, call, [&] { return recv(conn, buf.data(), buf.size(), 0); });
        if (n <= 0)
        {
            Think(cfg.timing.Think("close", call));
            Logged(log, CallKind::Close, 0, [&] { return close(conn); });
            _exit(0);
        }
        Think(cfg.timing.Think("reply", call));
        SendOnce(conn, UpperRepeat(buf.substr(0, static_cast<size_t>(n)), cfg.reply_multiplier), log, call);
        if (cfg.replies && call + 1 >= cfg.replies)
        {
            Think(cfg.timing.Think("close", call));
            Logged(log, CallKind::Close, 0, [&] { return close(conn); });
            _exit(0);
        }
        Think(cfg.timing.Think("recv", call));
    }
}

[[noreturn]] void
RunClient(const EchoClientConfig& cfg, CallTimeline* log)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (cfg.nodelay)
    {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    const sockaddr_in to = Sockaddr(cfg.server, cfg.server_port);
    if (Logged(log, CallKind::Connect, 0,
               [&] { return connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)); }) < 0)
    {
        _exit(5);
    }
    for (const ClientStep& s : ClientSteps(cfg))
    {
        switch (s.kind)
        {
        case ClientStep::Send:
            Think(cfg.timing.Think("send", s.index));
            SendOnce(fd, s.message.ToString(), log, s.index);
            break;
        case ClientStep::Recv: {
            Think(cfg.timing.Think("recv", s.index));
            std::string buf(s.size, '\0');
            Logged(log, CallKind::Recv, s.index, [&] { return recv(fd, buf.data(), buf.size(), 0); });
            break;
        }
        case ClientStep::Close:
            Think(cfg.timing.Think("close", 0));
            break;
        }
    }
    Logged(log, CallKind::Close, 0, [&] { return close(fd); });
    _exit(0);
}

} // namespace

uint16_t
FreeTcpPort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa = Sockaddr(ns3::Ipv4Address("127.0.0.1"), 0);
    socklen_t len = sizeof(sa);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) < 0)
    {
        throw std::runtime_error("cannot find a free TCP port");
    }
    close(fd);
    return ntohs(sa.sin_port);
}

pid_t
StartRealEchoServer(const EchoServerConfig& cfg, CallTimeline* log)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    const sockaddr_in sa = Sockaddr(cfg.address, cfg.port);
    if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) < 0 ||
        listen(fd, 1) < 0)
    {
        throw std::runtime_error("cannot listen on port " + std::to_string(cfg.port));
    }
    const pid_t pid = fork();
    if (pid == 0)
    {
        ServeOneConnection(fd, cfg, log);
    }
    close(fd); // the child keeps its copy; the port is already listening
    return pid;
}

pid_t
StartRealEchoClient(const EchoClientConfig& cfg, CallTimeline* log)
{
    const pid_t pid = fork();
    if (pid == 0)
    {
        RunClient(cfg, log);
    }
    return pid;
}

} // namespace sim
