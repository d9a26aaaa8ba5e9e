// SPDX-License-Identifier: GPL-2.0-only
// The system calls of a script run (executor.h) on our LinuxTcpSocket, with Linux's
// return values and errno where the socket API leaves them to the caller
// (run_system_call.c's handlers, the kernel functions named at each): the event,
// its arguments and result, and the calls that make, connect and end sockets.
// Options are in executor-sockopt.cc, reads and writes in executor-data.cc.
#include "models/drill/executor.h"

#include "models/drill/symbols.h"
#include "models/tcp/linux-tcp-l4-protocol.h"

#include <ns3/inet-socket-address.h>
#include <ns3/simulator.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace sim::drill
{

using namespace ns3;

namespace
{

// The result a call is checked against: an fd (any non-negative value will do, and
// names the new fd) or an exact value (end_syscall()'s CHECK_FD / CHECK_EXACT)
bool
ReturnsFd(const std::string& name)
{
    return name == "socket" || name == "accept";
}

bool
IsNull(const Expr& e)
{
    return (e.kind == Expr::Kind::Word && e.text == "NULL") || (e.kind == Expr::Kind::Integer && e.number == 0);
}

} // namespace

Time
Executor::WakeLatency() const
{
    return NanoSeconds(m_tcp->Profile().wakeup_latency_ns);
}

// --- the event ---------------------------------------------------------------------------

bool
Executor::SyscallEvent(Event& ev)
{
    const bool blocking = ev.syscall.end_us.has_value();
    if (m_phase == Phase::AwaitIdle)
    {
        // await_idle_thread(): a call waits up to a second for the system call task
        if (m_bg)
        {
            if (m_waitUntilUs < 0)
            {
                m_waitUntilUs = NowUs() + 1000000;
            }
            if (!WaitTill(m_waitUntilUs))
            {
                return false;
            }
            if (m_bg && blocking)
            {
                FailAt(ev.line, fmt::format("runtime error in {} call: blocking system call while another blocking "
                                            "system call is already in progress",
                                            ev.syscall.name));
                return false;
            }
        }
        m_waitUntilUs = -1;
        m_phase = Phase::WaitTime;
    }
    if (m_phase == Phase::WaitTime)
    {
        if (!WaitTill(ev.time_us) || !CheckEventTime(ev))
        {
            return false;
        }
        m_callDone = false;
        if (blocking)
        {
            // the system call task runs it; the script goes on at once
            m_bg = Background{&ev, ev.syscall.args.empty() || ev.syscall.args[0].kind != Expr::Kind::Integer
                                       ? -1
                                       : static_cast<int>(ev.syscall.args[0].number)};
            const Event* e = &ev;
            m_inStart = true;
            StartCall(ev, [this, e](CallResult r) {
                m_bg.reset();
                if (m_failed || !CheckCallResult(*e, r))
                {
                    return;
                }
                const std::string err = VerifyTime(e->time_type, *e->syscall.end_us, 0, NowUs(), e->time_us, 0,
                                                   m_cfg.tolerance, "system call return");
                if (!err.empty())
                {
                    FailAt(e->line, err);
                    return;
                }
                if (!m_inStart)
                {
                    Kick();
                }
            });
            m_inStart = false;
            return !m_failed;
        }
        m_phase = Phase::InCall;
        m_inStart = true;
        StartCall(ev, [this](CallResult r) {
            m_callDone = true;
            m_callResult = r;
            if (!m_inStart)
            {
                Kick();
            }
        });
        m_inStart = false;
    }
    if (m_failed || !m_callDone)
    {
        return false;
    }
    return CheckCallResult(ev, m_callResult);
}

// end_syscall(): the return value, then errno
bool
Executor::CheckCallResult(const Event& ev, const CallResult& r)
{
    const SyscallSpec& s = ev.syscall;
    auto fail = [&](const std::string& what) {
        FailAt(ev.line, fmt::format("runtime error in {} call: {}", s.name, what));
        return false;
    };
    if (s.result.kind != Expr::Kind::Integer)
    {
        return fail("Bad type; actual: expression expected: integer");
    }
    const int64_t expected = s.result.number;
    if (ReturnsFd(s.name) && expected >= 0)
    {
        if (r.ret < 0)
        {
            return fail(fmt::format("Expected non-negative result but got {} with errno {} ({})", r.ret, r.err,
                                    ErrnoText(r.err)));
        }
    }
    else if (r.ret != expected)
    {
        return fail(fmt::format("Expected result {} but got {} with errno {} ({})", expected, r.ret, r.err,
                                ErrnoText(r.err)));
    }
    if (!s.errno_name.empty())
    {
        const std::optional<int> want = ErrnoValue(s.errno_name);
        if (!want)
        {
            Unsupported(ev.line, "errno name " + s.errno_name);
            return false;
        }
        if (*want != r.err)
        {
            return fail(fmt::format("Expected errno {} ({}) but got {} ({})", *want, ErrnoText(*want), r.err,
                                    ErrnoText(r.err)));
        }
    }
    return true;
}

// --- arguments ---------------------------------------------------------------------------

int64_t
Executor::IntArg(const Event& ev, const Expr& e)
{
    switch (e.kind)
    {
    case Expr::Kind::Integer:
        return e.number;
    case Expr::Kind::Word:
        if (std::optional<int64_t> v = SymbolValue(e.text))
        {
            return *v;
        }
        Unsupported(ev.line, "symbol " + e.text);
        return 0;
    case Expr::Kind::Binary:
        if (e.text == "|")
        {
            return IntArg(ev, e.items[0]) | IntArg(ev, e.items[1]);
        }
        break;
    case Expr::Kind::List:
        if (e.items.size() == 1)
        {
            return IntArg(ev, e.items[0]); // [N]: an int passed by pointer
        }
        break;
    default:
        break;
    }
    Unsupported(ev.line, fmt::format("argument of {}() of this form", ev.syscall.name));
    return 0;
}

Executor::Fd*
Executor::FdArg(const Event& ev, const Expr& e)
{
    if (e.kind != Expr::Kind::Integer)
    {
        FailAt(ev.line, fmt::format("runtime error in {} call: Bad type; actual: {} expected: integer",
                                    ev.syscall.name, e.text));
        return nullptr;
    }
    auto it = m_fds.find(static_cast<int>(e.number));
    if (it == m_fds.end())
    {
        FailAt(ev.line, fmt::format("runtime error in {} call: unable to find socket with script fd {}",
                                    ev.syscall.name, e.number));
        return nullptr;
    }
    return &it->second;
}

// --- dispatch ----------------------------------------------------------------------------

void
Executor::StartCall(const Event& ev, CallDone done)
{
    const SyscallSpec& s = ev.syscall;
    const std::vector<Expr>& a = s.args;
    const std::string& n = s.name;
    auto need = [&](size_t count) {
        if (a.size() != count)
        {
            FailAt(ev.line, fmt::format("runtime error in {} call: Expected {} args but got {}", n, count, a.size()));
            return false;
        }
        return true;
    };
    if (n == "socket" && need(3))
        return CallSocket(ev, done);
    if (n == "bind" && need(3))
        return CallBind(ev, done);
    if (n == "listen" && need(2))
        return CallListen(ev, done);
    if ((n == "accept" && need(3)) || (n == "accept4" && need(4)))
        return CallAccept(ev, done);
    if (n == "connect" && need(3))
        return CallConnect(ev, done);
    if (n == "close" && need(1))
        return CallClose(ev, done);
    if (n == "shutdown" && need(2))
        return CallShutdown(ev, done);
    if (n == "fcntl")
        return CallFcntl(ev, done);
    if (n == "setsockopt" && need(5))
        return CallSetsockopt(ev, done);
    if (n == "getsockopt" && need(5))
        return CallGetsockopt(ev, done);
    if (n == "ioctl" && need(3))
        return CallIoctl(ev, done);
    if (m_failed)
    {
        return;
    }
    // write(fd, buf, len), send(fd, buf, len, flags), sendto(..., addr, addrlen),
    // sendmsg(fd, msg, flags), writev(fd, iov, iovcnt); the same for reading
    const bool out = n == "write" || n == "send" || n == "sendto" || n == "sendmsg" || n == "writev";
    const bool in = n == "read" || n == "recv" || n == "recvfrom" || n == "recvmsg" || n == "readv";
    if (out || in)
    {
        uint64_t len = 0;
        bool null_buf = false;
        int64_t flags = 0;
        int64_t msg_flags = 0;
        std::optional<int64_t> inq;
        if ((n == "write" || n == "read") && need(3))
        {
            null_buf = IsNull(a[1]);
            len = static_cast<uint64_t>(IntArg(ev, a[2]));
        }
        else if ((n == "send" || n == "recv") && need(4))
        {
            null_buf = IsNull(a[1]);
            len = static_cast<uint64_t>(IntArg(ev, a[2]));
            flags = IntArg(ev, a[3]);
        }
        else if ((n == "sendto" || n == "recvfrom") && need(6))
        {
            null_buf = IsNull(a[1]);
            len = static_cast<uint64_t>(IntArg(ev, a[2]));
            flags = IntArg(ev, a[3]);
        }
        else if ((n == "sendmsg" || n == "recvmsg") && need(3))
        {
            len = MsghdrLen(ev, a[1], &msg_flags, n == "recvmsg" ? &inq : nullptr);
            flags = IntArg(ev, a[2]);
        }
        else if ((n == "writev" || n == "readv") && need(3))
        {
            len = IovLen(ev, a[1]);
        }
        if (m_failed)
        {
            return;
        }
        if (in && n == "recvmsg")
        {
            // the msg_flags the call should return: we return none
            const int64_t want = msg_flags;
            Fd* fd = FdArg(ev, a[0]);
            done = [this, &ev, want, inq, fd, done](CallResult r) {
                if (want != 0)
                {
                    FailAt(ev.line, fmt::format("runtime error in recvmsg call: Expected msg_flags {:#010X} but got "
                                                "0x00000000",
                                                want));
                    return;
                }
                if (inq && fd)
                {
                    // tcp_inq_hint(): rcv_nxt - copied_seq after the copy, 1 after a FIN
                    const Tcb& tp = fd->sock->GetTcb();
                    int64_t actual = static_cast<int32_t>(tp.rcv_nxt - tp.copied_seq);
                    if (actual == 0 && (tp.shutdown & RCV_SHUTDOWN))
                    {
                        actual = 1;
                    }
                    if (!fd->inq || actual != *inq)
                    {
                        FailAt(ev.line, fmt::format("runtime error in recvmsg call: bad TCP_CM_INQ cmsg_data: "
                                                    "expected: {} vs actual: {}",
                                                    *inq, fd->inq ? std::to_string(actual) : "(no TCP_INQ)"));
                        return;
                    }
                }
                done(r);
            };
        }
        if (out)
        {
            CallWrite(ev, len, null_buf, flags, done);
        }
        else
        {
            CallRead(ev, len, null_buf, flags, done);
        }
        return;
    }
    Unsupported(ev.line, "system call " + n + "()");
}

// --- sockets -----------------------------------------------------------------------------

void
Executor::CallSocket(const Event& ev, CallDone done)
{
    const std::vector<Expr>& a = ev.syscall.args;
    if (a[0].kind != Expr::Kind::Ellipsis && IntArg(ev, a[0]) != 2)
    {
        Unsupported(ev.line, "socket() of a family other than AF_INET");
        return;
    }
    const int64_t type = IntArg(ev, a[1]);
    const int64_t proto = IntArg(ev, a[2]);
    if (m_failed)
    {
        return;
    }
    if ((type & 0xf) != 1 || (proto != 6 && proto != 0))
    {
        Unsupported(ev.line, "socket() other than SOCK_STREAM, IPPROTO_TCP");
        return;
    }
    const int64_t fd = ev.syscall.result.kind == Expr::Kind::Integer ? ev.syscall.result.number : -1;
    if (fd < 0)
    {
        Unsupported(ev.line, "socket() expected to fail");
        return;
    }
    if (m_fds.count(static_cast<int>(fd)))
    {
        FailAt(ev.line, fmt::format("runtime error in socket call: duplicate fd {} in script", fd));
        return;
    }
    auto c = std::make_unique<Conn>();
    c->fd = static_cast<int>(fd);
    c->sock = m_tcp->CreateSocket();
    Fd f;
    f.sock = c->sock;
    f.conn = c.get();
    f.nonblock = (type & 04000) != 0; // SOCK_NONBLOCK
    m_fds[static_cast<int>(fd)] = f;
    m_conns.push_back(std::move(c));
    m_underTest = m_conns.back().get(); // any later packets map to this socket
    done({fd, 0});
}

void
Executor::CallBind(const Event& ev, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    // run_syscall_bind(): the live bind address, whatever the script wrote
    f->sock->Bind(InetSocketAddress(Ipv4Address(m_cfg.local_ip), 8080));
    f->bound = true;
    f->conn->local_ip = m_cfg.local_ip;
    f->conn->local_port = 8080;
    done({0, 0});
}

void
Executor::CallListen(const Event& ev, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    if (!f->bound)
    {
        // inet_listen() -> inet_autobind(): an ephemeral port
        f->sock->Bind(InetSocketAddress(Ipv4Address(m_cfg.local_ip), m_nextEphemeral++));
        f->bound = true;
    }
    f->sock->Listen();
    f->listening = true;
    f->conn->state = ConnState::PassiveListening;
    done({0, 0});
}

void
Executor::CallAccept(const Event& ev, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    const int64_t newfd = ev.syscall.result.kind == Expr::Kind::Integer ? ev.syscall.result.number : -1;
    DoAccept(ev, static_cast<int>(ev.syscall.args[0].number), static_cast<int>(newfd), done);
}

// inet_accept(): a child off the queue, or wait for one (inet_csk_wait_for_connect())
void
Executor::DoAccept(const Event& ev, int lfd, int newfd, CallDone done)
{
    auto it = m_fds.find(lfd);
    if (it == m_fds.end())
    {
        done({-1, EBADF});
        return;
    }
    Fd& l = it->second;
    if (!l.listening)
    {
        done({-1, EINVAL});
        return;
    }
    if (Ptr<LinuxTcpSocket> child = l.sock->Accept())
    {
        Conn* conn = nullptr;
        for (auto& c : m_conns)
        {
            if (!c->sock && c->live_tuple_known && c->remote_port == child->PeerPort() &&
                c->local_port == child->LocalPort())
            {
                conn = c.get();
            }
        }
        if (!conn)
        {
            FailAt(ev.line, "runtime error in accept call: unable to find socket matching accept() call");
            return;
        }
        if (newfd < 0 || m_fds.count(newfd))
        {
            FailAt(ev.line, fmt::format("runtime error in accept call: duplicate fd {} in script", newfd));
            return;
        }
        conn->sock = child;
        conn->fd = newfd;
        Fd f;
        f.sock = child;
        f.conn = conn;
        m_fds[newfd] = f;
        WatchErrors(newfd);
        done({newfd, 0});
        return;
    }
    if (l.nonblock)
    {
        done({-1, EAGAIN});
        return;
    }
    const Event* e = &ev;
    l.sock->Wait(WaitFor::Acceptable, WakeLatency(), [this, e, lfd, newfd, done]() { DoAccept(*e, lfd, newfd, done); });
}

void
Executor::CallConnect(const Event& ev, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    const int fd = static_cast<int>(ev.syscall.args[0].number);
    const TcpState st = f->sock->GetTcb().state;
    if (st == TcpState::SynSent)
    {
        done({-1, EALREADY}); // __inet_stream_connect()
        return;
    }
    if (st != TcpState::Closed || f->listening)
    {
        done({-1, EISCONN});
        return;
    }
    if (!f->bound)
    {
        // inet_hash_connect(): an ephemeral local port
        f->sock->Bind(InetSocketAddress(Ipv4Address(m_cfg.local_ip), m_nextEphemeral++));
        f->bound = true;
    }
    Conn& c = *f->conn;
    c.local_ip = m_cfg.local_ip;
    c.local_port = f->sock->LocalPort();
    c.remote_ip = m_cfg.remote_ip;
    c.remote_port = 8080; // config->live_connect_port
    c.state = ConnState::ActiveConnecting;
    m_underTest = &c;
    WatchErrors(fd);
    if (f->sock->Connect(InetSocketAddress(Ipv4Address(m_cfg.remote_ip), 8080)) < 0)
    {
        done({-1, ENETUNREACH});
        return;
    }
    if (f->nonblock)
    {
        done({-1, EINPROGRESS});
        return;
    }
    // inet_wait_for_connect(), then sock_error()
    f->sock->Wait(WaitFor::Connected, WakeLatency(), [this, fd, done]() {
        auto it = m_fds.find(fd);
        if (it == m_fds.end())
        {
            done({-1, EBADF});
            return;
        }
        const TcpState s = it->second.sock->GetTcb().state;
        if (s != TcpState::Closed)
        {
            done({0, 0});
            return;
        }
        const int err = it->second.TakeSkErr();
        done({-1, err ? err : ECONNREFUSED});
    });
}

// sk->sk_err of a connection that a reset or a timeout ended (tcp_reset(),
// tcp_write_err()), from the model's close callback, or from its connection-failed
// callback for a connect() that a reset or unanswered SYNs ended
void
Executor::WatchErrors(int fd)
{
    m_fds[fd].sock->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                       MakeCallback(&Executor::OnErrorClose, this));
    m_fds[fd].sock->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(),
                                        MakeCallback(&Executor::OnErrorClose, this));
}

void
Executor::OnErrorClose(Ptr<Socket> s)
{
    for (auto& [fd, f] : m_fds)
    {
        if (PeekPointer(f.sock) == PeekPointer(s))
        {
            // the model's codes for them (tcp-input.cc, tcp-rtx-timer.cc)
            switch (s->GetErrno())
            {
            case Socket::ERROR_NOTCONN:
                f.sk_err = ECONNREFUSED;
                break;
            case Socket::ERROR_SHUTDOWN:
                f.sk_err = ECONNRESET;
                break;
            default:
                f.sk_err = ETIMEDOUT;
                break;
            }
        }
    }
}

void
Executor::CallClose(const Event& ev, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    const int fd = static_cast<int>(ev.syscall.args[0].number);
    if (m_bg && m_bg->fd == fd && m_bg->ev != &ev)
    {
        Unsupported(ev.line, "close() while another task is blocked in a call on the same socket");
        return;
    }
    f->sock->Close();
    if (f->conn)
    {
        f->conn->fd = -1;
    }
    m_fds.erase(fd);
    done({0, 0});
}

// inet_shutdown()
void
Executor::CallShutdown(const Event& ev, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    const int64_t how = IntArg(ev, ev.syscall.args[1]);
    if (!f || m_failed)
    {
        return;
    }
    if (how < 0 || how > 2)
    {
        done({-1, EINVAL});
        return;
    }
    const TcpState st = f->sock->GetTcb().state;
    if (st == TcpState::Closed || st == TcpState::SynSent)
    {
        done({-1, ENOTCONN});
        return;
    }
    if (how == 1 || how == 2)
    {
        f->sock->ShutdownSend();
    }
    if (how == 0 || how == 2)
    {
        f->sock->ShutdownRecv();
    }
    done({0, 0});
}

} // namespace sim::drill
