// SPDX-License-Identifier: GPL-2.0-only
#include "models/programs/real-runner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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

// A program in a child process (`run` never returns there). A listening socket the
// child serves is closed in the parent: the child keeps its copy, the port listens.
template <class F>
pid_t
Fork(F run, int listen_fd = -1)
{
    const pid_t pid = fork();
    if (pid == 0)
    {
        run();
    }
    if (listen_fd >= 0)
    {
        close(listen_fd);
    }
    return pid;
}

// socket.sendall(): send() until every byte is in the socket, logged as one call
void
SendAll(int fd, const char* data, size_t len, CallTimeline* log, uint64_t index)
{
    CallRecord* r = log ? log->Begin(CallKind::Send, index) : nullptr;
    size_t sent = 0;
    while (sent < len)
    {
        const ssize_t n = ::send(fd, data + sent, len - sent, 0);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n < 0)
        {
            _exit(3);
        }
        sent += static_cast<size_t>(n);
    }
    CallTimeline::End(r, static_cast<int64_t>(sent));
}

int
ListenOn(ns3::Ipv4Address address, uint16_t port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    const sockaddr_in sa = Sockaddr(address, port);
    if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) < 0 || listen(fd, 1) < 0)
    {
        throw std::runtime_error("cannot listen on port " + std::to_string(port));
    }
    return fd;
}

// The Python server's connection loop: recv() under the idle timeout (settimeout():
// a poll() for readability, then the recv()), logged as one recv call that returns -1
// when the time ran out
[[noreturn]] void
ServeHttpConnection(int listen_fd, const HttpServerConfig& cfg, CallTimeline* log)
{
    const int conn = static_cast<int>(
        Logged(log, CallKind::Accept, 0, [&] { return accept(listen_fd, nullptr, nullptr); }));
    if (conn < 0)
    {
        _exit(4);
    }
    close(listen_fd);
    const ProcessTiming& t = cfg.timing;
    Think(t.Think("accept", 0));
    uint64_t largest = 0;
    for (const auto& [path, size] : cfg.files)
    {
        largest = std::max<uint64_t>(largest, size);
    }
    std::string body(largest, '\0');
    for (size_t i = 0; i < body.size(); ++i)
    {
        body[i] = static_cast<char>('a' + i % 26); // http-programs.cc's Body()
    }
    const int64_t idle_ns = cfg.idle_timeout.GetNanoSeconds();
    const timespec idle{static_cast<time_t>(idle_ns / 1000000000), static_cast<long>(idle_ns % 1000000000)};
    std::string buf(65536, '\0');
    std::string pending;
    uint64_t requests = 0;
    for (uint64_t call = 0;; ++call)
    {
        CallRecord* r = log ? log->Begin(CallKind::Recv, call) : nullptr;
        pollfd p{conn, POLLIN, 0};
        ssize_t n = -1;
        if (ppoll(&p, 1, &idle, nullptr) > 0)
        {
            n = recv(conn, buf.data(), buf.size(), 0);
        }
        CallTimeline::End(r, n);
        if (n <= 0)
        {
            Think(t.Think("close", 0));
            Logged(log, CallKind::Close, 0, [&] { return close(conn); });
            _exit(0);
        }
        pending.append(buf.data(), static_cast<size_t>(n));
        const size_t end = pending.find("\r\n\r\n");
        if (end == std::string::npos)
        {
            continue; // the rest of the request is still coming
        }
        const std::string request = pending.substr(0, end + 4);
        pending.erase(0, end + 4);
        const auto file = cfg.files.find(HttpRequestPath(request));
        const std::optional<uint32_t> size =
            file != cfg.files.end() ? std::optional<uint32_t>(file->second) : std::nullopt;
        const uint64_t k = requests++;
        Think(t.Think("reply", k));
        const std::string header = HttpResponseHeader(size);
        SendOnce(conn, header, log, k);
        Think(t.Think("body", k));
        if (size.value_or(0) > 0)
        {
            SendAll(conn, body.data(), *size, log, k);
        }
    }
}

[[noreturn]] void
RunBrowser(const BrowserConfig& cfg, CallTimeline* log)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in to = Sockaddr(cfg.server, cfg.server_port);
    if (Logged(log, CallKind::Connect, 0,
               [&] { return connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)); }) < 0)
    {
        _exit(5);
    }
    const ProcessTiming& t = cfg.timing;
    std::string buf(cfg.read_size, '\0');
    uint64_t reads = 0;
    // reads until the response is complete (true) or the server closed (false)
    auto read_response = [&](ResponseReader& response) {
        while (!response.done)
        {
            if (reads > 0)
            {
                Think(t.Think("read", reads));
            }
            const ssize_t n =
                Logged(log, CallKind::Recv, reads, [&] { return recv(fd, buf.data(), buf.size(), 0); });
            ++reads;
            if (n <= 0)
            {
                return false;
            }
            const Payload data(std::string(buf.data(), static_cast<size_t>(n)));
            response.Feed(data, 0);
        }
        return true;
    };
    bool open = true;
    for (size_t k = 0; k < cfg.requests.size() && open; ++k)
    {
        const BrowserRequest& req = cfg.requests[k];
        Think(req.after);
        SendOnce(fd, HttpRequest(req.path, req.size), log, k);
        ResponseReader response;
        open = read_response(response);
    }
    while (open)
    {
        ResponseReader rest; // nothing more comes: the server's close ends it
        open = read_response(rest);
    }
    Think(t.Think("close", 0));
    Logged(log, CallKind::Close, 0, [&] { return close(fd); });
    _exit(0);
}

} // namespace

pid_t
StartRealHttpServer(const HttpServerConfig& cfg, CallTimeline* log)
{
    const int fd = ListenOn(cfg.address, cfg.port);
    return Fork([&] { ServeHttpConnection(fd, cfg, log); }, fd);
}

pid_t
StartRealBrowser(const BrowserConfig& cfg, CallTimeline* log)
{
    return Fork([&] { RunBrowser(cfg, log); });
}

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
    const int fd = ListenOn(cfg.address, cfg.port);
    return Fork([&] { ServeOneConnection(fd, cfg, log); }, fd);
}

pid_t
StartRealEchoClient(const EchoClientConfig& cfg, CallTimeline* log)
{
    return Fork([&] { RunClient(cfg, log); });
}

} // namespace sim
