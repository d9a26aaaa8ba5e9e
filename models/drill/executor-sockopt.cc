// SPDX-License-Identifier: GPL-2.0-only
// The options and controls of a script's sockets (executor.h): fcntl(), setsockopt(),
// getsockopt() and ioctl(), for what the model has (run_system_call.c's handlers;
// do_tcp_setsockopt(), sock_setsockopt(), tcp_ioctl()).
#include "models/drill/executor.h"

#include "models/tcp/linux-tcp-l4-protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <map>

namespace sim::drill
{

using namespace ns3;

namespace
{

constexpr int64_t O_RDWR_ = 2;
constexpr int64_t O_NONBLOCK_ = 04000;

} // namespace

void
Executor::CallFcntl(const Event& ev, CallDone done)
{
    const std::vector<Expr>& a = ev.syscall.args;
    if (a.size() < 2 || a.size() > 3)
    {
        FailAt(ev.line, fmt::format("runtime error in fcntl call: fcntl expected 2-3 args but got {}", a.size()));
        return;
    }
    Fd* f = FdArg(ev, a[0]);
    const int64_t cmd = IntArg(ev, a[1]);
    if (!f || m_failed)
    {
        return;
    }
    if (cmd == 3) // F_GETFL
    {
        done({O_RDWR_ | (f->nonblock ? O_NONBLOCK_ : 0), 0});
        return;
    }
    if (cmd == 4 && a.size() == 3) // F_SETFL
    {
        const int64_t flags = IntArg(ev, a[2]);
        if (m_failed)
        {
            return;
        }
        f->nonblock = (flags & O_NONBLOCK_) != 0;
        done({0, 0});
        return;
    }
    Unsupported(ev.line, "fcntl() command other than F_GETFL, F_SETFL");
}

void
Executor::CallSetsockopt(const Event& ev, CallDone done)
{
    const std::vector<Expr>& a = ev.syscall.args;
    Fd* f = FdArg(ev, a[0]);
    const int64_t level = IntArg(ev, a[1]);
    const int64_t name = IntArg(ev, a[2]);
    if (!f || m_failed)
    {
        return;
    }
    const std::string opt = a[2].kind == Expr::Kind::Word ? a[2].text : std::to_string(name);
    if (level == 1) // SOL_SOCKET
    {
        // SO_REUSEADDR / SO_REUSEPORT: only bind conflicts, which one script's sockets
        // do not have; SO_ZEROCOPY: how pages are pinned, not what is sent
        if (name == 2 || name == 15 || name == 60)
        {
            done({0, 0});
            return;
        }
        if (name == 7) // SO_SNDBUF
        {
            // sock_setsockopt(): doubled for the skb overhead, capped by wmem_max, at
            // least SOCK_MIN_SNDBUF (2 * (2048 + sizeof(struct sk_buff) aligned))
            const int64_t v = IntArg(ev, a[3]);
            if (m_failed)
            {
                return;
            }
            const int64_t capped = std::min<int64_t>(std::max<int64_t>(v, 0), m_tcp->Profile().wmem_max);
            const int bytes = static_cast<int>(std::max<int64_t>(capped * 2, 2 * (2048 + 256)));
            f->sock->SetSndBuf(bytes);
            done({0, 0});
            return;
        }
        if (name == 8)
        {
            Unsupported(ev.line, "setsockopt " + opt + " (a user-set receive buffer, SOCK_RCVBUF_LOCK, is not "
                                                       "modelled)");
            return;
        }
    }
    if (level == 0 && (name == 1 || name == 10)) // SOL_IP: IP_TOS, IP_MTU_DISCOVER
    {
        const int64_t v = IntArg(ev, a[3]);
        if (m_failed)
        {
            return;
        }
        if (name == 1)
        {
            // do_ip_setsockopt(): a stream socket keeps its own ECN bits
            f->sock->SetIpTos(static_cast<uint8_t>((v & ~int64_t{3}) | (f->sock->GetIpTos() & 3)));
            done({0, 0});
            return;
        }
        // IP_PMTUDISC_DONT (0) .. IP_PMTUDISC_OMIT (5): with DONT the packets go
        // without DF; the others keep it. The model takes no ICMP, so no mode
        // discovers a path MTU here.
        if (v < 0 || v > 5)
        {
            done({-1, EINVAL});
            return;
        }
        if (v == 0)
        {
            m_pmtudiscDont.insert(PeekPointer(f->sock));
        }
        else
        {
            m_pmtudiscDont.erase(PeekPointer(f->sock));
        }
        done({0, 0});
        return;
    }
    if (level == 6) // SOL_TCP, do_tcp_setsockopt(): an int each; false refuses it (EINVAL)
    {
        using Setter = std::function<bool(int64_t)>;
        const std::map<int64_t, Setter> tcp_options = {
            {1, [f](int64_t v) { f->sock->SetNoDelay(v != 0); return true; }}, // TCP_NODELAY
            {2,                                                                 // TCP_MAXSEG
             [f](int64_t v) {
                 if (v && (v < TCP_MIN_MSS || v > MAX_TCP_WINDOW))
                 {
                     return false;
                 }
                 f->sock->SetUserMss(static_cast<uint32_t>(v));
                 return true;
             }},
            {3, [f](int64_t v) { f->sock->SetCork(v != 0); return true; }}, // TCP_CORK
            {18,                                                             // TCP_USER_TIMEOUT (ms)
             [f](int64_t v) {
                 if (v < 0)
                 {
                     return false;
                 }
                 f->sock->SetUserTimeout(static_cast<uint32_t>(v));
                 return true;
             }},
            {36, [f](int64_t v) { f->inq = v != 0; return true; }}, // TCP_INQ
        };
        if (auto it = tcp_options.find(name); it != tcp_options.end())
        {
            const int64_t v = IntArg(ev, a[3]);
            if (m_failed)
            {
                return;
            }
            done(it->second(v) ? CallResult{0, 0} : CallResult{-1, EINVAL});
            return;
        }
    }
    Unsupported(ev.line, "setsockopt " + opt);
}

void
Executor::CallGetsockopt(const Event& ev, CallDone done)
{
    const std::vector<Expr>& a = ev.syscall.args;
    Fd* f = FdArg(ev, a[0]);
    const int64_t level = IntArg(ev, a[1]);
    const int64_t name = IntArg(ev, a[2]);
    if (!f || m_failed)
    {
        return;
    }
    const std::string opt = a[2].kind == Expr::Kind::Word ? a[2].text : std::to_string(name);
    const Tcb& tp = f->sock->GetTcb();
    std::optional<int64_t> value;
    if (level == 1 && name == 7) // SO_SNDBUF
    {
        value = tp.sndbuf;
    }
    else if (level == 1 && name == 8) // SO_RCVBUF
    {
        value = tp.rcvbuf;
    }
    else if (level == 1 && name == 4) // SO_ERROR: sock_error() clears it
    {
        value = f->TakeSkErr();
    }
    else if (level == 1 && name == 3) // SO_TYPE
    {
        value = 1;
    }
    else if (level == 6 && name == 1) // TCP_NODELAY
    {
        value = tp.nodelay ? 1 : 0;
    }
    else if (level == 6 && name == 3) // TCP_CORK
    {
        value = tp.cork ? 1 : 0;
    }
    else if (level == 6 && name == 2) // TCP_MAXSEG: do_tcp_getsockopt()
    {
        const bool connected = tp.state != TcpState::Closed && tp.state != TcpState::Listen;
        value = connected ? tp.mss_cache : (tp.user_mss ? tp.user_mss : TCP_MSS_DEFAULT);
    }
    if (!value)
    {
        Unsupported(ev.line, "getsockopt " + opt);
        return;
    }
    if (a[3].kind != Expr::Kind::List || a[3].items.size() != 1)
    {
        Unsupported(ev.line, "getsockopt value of this form");
        return;
    }
    const int64_t want = IntArg(ev, a[3]);
    if (m_failed)
    {
        return;
    }
    if (want != *value)
    {
        // end_syscall() passes first; then the value
        done({0, 0});
        if (!m_failed)
        {
            FailAt(ev.line, fmt::format("runtime error in getsockopt call: Bad getsockopt optval: expected: {} "
                                        "actual: {}",
                                        want, *value));
        }
        return;
    }
    done({0, 0});
}

void
Executor::CallIoctl(const Event& ev, CallDone done)
{
    const std::vector<Expr>& a = ev.syscall.args;
    Fd* f = FdArg(ev, a[0]);
    const int64_t cmd = IntArg(ev, a[1]);
    if (!f || m_failed)
    {
        return;
    }
    const Tcb& tp = f->sock->GetTcb();
    std::optional<int64_t> value;
    if (tp.state == TcpState::Listen)
    {
        done({-1, EINVAL}); // tcp_ioctl()
        return;
    }
    const bool syn = tp.state == TcpState::SynSent || tp.state == TcpState::SynRecv;
    if (cmd == 0x541B) // SIOCINQ: tcp_inq(), the bytes a read could take
    {
        value = syn ? 0 : f->sock->GetRxAvailable();
    }
    else if (cmd == 0x5411) // SIOCOUTQ: write_seq - snd_una
    {
        value = syn ? 0 : static_cast<int64_t>(tp.write_seq - tp.snd_una);
    }
    else if (cmd == 0x894B) // SIOCOUTQNSD: write_seq - snd_nxt
    {
        value = syn ? 0 : static_cast<int64_t>(tp.write_seq - tp.snd_nxt);
    }
    if (!value)
    {
        Unsupported(ev.line, "ioctl " + (a[1].kind == Expr::Kind::Word ? a[1].text : std::to_string(cmd)));
        return;
    }
    const int64_t want = IntArg(ev, a[2]);
    if (m_failed)
    {
        return;
    }
    done({0, 0});
    if (!m_failed && want != *value)
    {
        FailAt(ev.line,
               fmt::format("runtime error in ioctl call: Bad ioctl optval: expected: {} actual: {}", want, *value));
    }
}

} // namespace sim::drill
