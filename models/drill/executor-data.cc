// SPDX-License-Identifier: GPL-2.0-only
// Reads and writes of a script's sockets (executor.h): write/send/sendto/sendmsg/writev
// and read/recv/recvfrom/recvmsg/readv with Linux's checks before the copy
// (tcp_sendmsg_locked(), tcp_recvmsg_locked()), on the socket's Write() and Read().
#include "models/drill/executor.h"

#include "models/tcp/linux-tcp-l4-protocol.h"
#include "models/tcp/payload.h"

#include <ns3/simulator.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace sim::drill
{

using namespace ns3;

namespace
{

constexpr int64_t MSG_DONTWAIT_ = 0x40;
constexpr int64_t MSG_NOSIGNAL_ = 0x4000;
constexpr int64_t MSG_ZEROCOPY_ = 0x4000000;
constexpr int64_t MSG_MORE_ = 0x8000;
constexpr int64_t MSG_EOR_ = 0x80;

// Zero bytes of the given length, produced on demand (packetdrill writes zeros)
Payload
Zeros(uint64_t len)
{
    static const auto zeros = std::make_shared<PatternSource>(std::string(1, '\0'));
    return Payload(zeros, 0, len);
}

} // namespace

// {..., N} elements of an iovec array
uint64_t
Executor::IovLen(const Event& ev, const Expr& iov)
{
    uint64_t len = 0;
    if (iov.kind != Expr::Kind::List)
    {
        Unsupported(ev.line, fmt::format("iovec argument of {}() of this form", ev.syscall.name));
        return 0;
    }
    for (const Expr& v : iov.items)
    {
        if (v.kind != Expr::Kind::Braces || v.items.size() != 2 || v.items[0].kind != Expr::Kind::Ellipsis ||
            v.items[1].kind != Expr::Kind::Integer)
        {
            Unsupported(ev.line, fmt::format("iovec element of {}() of this form", ev.syscall.name));
            return 0;
        }
        len += static_cast<uint64_t>(v.items[1].number);
    }
    return len;
}

// {msg_name(...)=..., msg_iov(N)=[...], msg_flags=F[, msg_control=[...]]}
uint64_t
Executor::MsghdrLen(const Event& ev, const Expr& msg, int64_t* msg_flags, std::optional<int64_t>* inq)
{
    uint64_t len = 0;
    *msg_flags = 0;
    if (msg.kind != Expr::Kind::Braces)
    {
        Unsupported(ev.line, fmt::format("msghdr argument of {}() of this form", ev.syscall.name));
        return 0;
    }
    for (const Expr& f : msg.items)
    {
        if (f.kind != Expr::Kind::Binary || f.text != "=")
        {
            continue;
        }
        const Expr& name = f.items[0];
        const std::string n = name.text;
        if (n == "msg_iov")
        {
            len = IovLen(ev, f.items[1]);
        }
        else if (n == "msg_flags")
        {
            *msg_flags = IntArg(ev, f.items[1]);
        }
        else if (n == "msg_control")
        {
            const Expr& list = f.items[1];
            if (list.kind != Expr::Kind::List || list.items.empty())
            {
                continue;
            }
            // one TCP_CM_INQ message (tcp_recvmsg() with TCP_INQ set): its cmsg_data
            std::optional<int64_t> level, type, data;
            if (inq && list.items.size() == 1 && list.items[0].kind == Expr::Kind::Braces)
            {
                for (const Expr& c : list.items[0].items)
                {
                    if (c.kind != Expr::Kind::Binary || c.text != "=")
                    {
                        continue;
                    }
                    const std::string cn = c.items[0].text;
                    const int64_t v = IntArg(ev, c.items[1]);
                    (cn == "cmsg_level" ? level : cn == "cmsg_type" ? type : data) = v;
                }
            }
            if (level != 6 || type != 36 || !data)
            {
                Unsupported(ev.line, "control messages (msg_control) other than TCP_CM_INQ");
                return 0;
            }
            *inq = data;
        }
    }
    return len;
}



void
Executor::CallWrite(const Event& ev, uint64_t len, bool null_buf, int64_t flags, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    if (flags & ~(MSG_DONTWAIT_ | MSG_NOSIGNAL_ | MSG_ZEROCOPY_ | MSG_MORE_ | MSG_EOR_))
    {
        Unsupported(ev.line, fmt::format("{}() flags {:#x} (MSG_FASTOPEN ... are not modelled)",
                                         ev.syscall.name, flags));
        return;
    }
    DoWrite(ev, static_cast<int>(ev.syscall.args[0].number), len, f->nonblock || (flags & MSG_DONTWAIT_), null_buf,
            (flags & MSG_MORE_) != 0, (flags & MSG_EOR_) != 0, done);
}

// tcp_sendmsg_locked()'s checks before it copies, then the copy
void
Executor::DoWrite(const Event& ev,
                  int fd,
                  uint64_t len,
                  bool nonblock,
                  bool null_buf,
                  bool more,
                  bool eor,
                  CallDone done)
{
    auto it = m_fds.find(fd);
    if (it == m_fds.end())
    {
        done({-1, EBADF});
        return;
    }
    Fd& f = it->second;
    const Tcb& tp = f.sock->GetTcb();
    if (f.sk_err)
    {
        done({-1, f.TakeSkErr()});
        return;
    }
    if (tp.shutdown & SEND_SHUTDOWN)
    {
        done({-1, EPIPE});
        return;
    }
    if (tp.state == TcpState::SynSent || tp.state == TcpState::SynRecv)
    {
        // sk_stream_wait_connect()
        if (nonblock)
        {
            done({-1, EAGAIN});
            return;
        }
        const Event* e = &ev;
        f.sock->Wait(WaitFor::Connected, WakeLatency(),
                     [this, e, fd, len, nonblock, null_buf, more, eor, done]() {
                         DoWrite(*e, fd, len, nonblock, null_buf, more, eor, done);
                     });
        return;
    }
    if (tp.state != TcpState::Established && tp.state != TcpState::CloseWait)
    {
        done({-1, EPIPE});
        return;
    }
    if (len == 0)
    {
        done({0, 0});
        return;
    }
    if (null_buf)
    {
        done({-1, EFAULT}); // the copy from user space faults before anything is queued
        return;
    }
    if (nonblock)
    {
        // a non-blocking write copies what fits (sk_stream_memory_free() before each
        // new skb) and returns that count; the model copies whole writes
        const uint64_t skbs = (len + tp.mss_cache - 1) / std::max<uint32_t>(tp.mss_cache, 1);
        const uint64_t need = len + skbs * static_cast<uint64_t>(m_tcp->Profile().skb_truesize_overhead);
        if (f.sock->GetTxAvailable() == 0)
        {
            done({-1, EAGAIN});
            return;
        }
        if (need > f.sock->GetTxAvailable())
        {
            Unsupported(ev.line, "a non-blocking write larger than the free send buffer (partial writes are not "
                                 "modelled)");
            return;
        }
    }
    f.sock->Write(Zeros(len), more, eor);
    // the call returns when everything is copied; the task copies, it does not sleep,
    // unless the buffer is full, and that wake-up (sk_stream_write_space()) already
    // costs the scheduler's latency in the model (CheckSpace())
    f.sock->Wait(WaitFor::WriteDone, Time(0), [done, len]() { done({static_cast<int64_t>(len), 0}); });
}

void
Executor::CallRead(const Event& ev, uint64_t len, bool null_buf, int64_t flags, CallDone done)
{
    Fd* f = FdArg(ev, ev.syscall.args[0]);
    if (!f)
    {
        return;
    }
    if (flags & ~MSG_DONTWAIT_)
    {
        Unsupported(ev.line, fmt::format("{}() flags {:#x} (MSG_PEEK, MSG_WAITALL, MSG_TRUNC ... are not modelled)",
                                         ev.syscall.name, flags));
        return;
    }
    DoRead(ev, static_cast<int>(ev.syscall.args[0].number), len, f->nonblock || (flags & MSG_DONTWAIT_), null_buf,
           done);
}

// tcp_recvmsg_locked(): what is queued, else end of stream, error, EAGAIN or sleep
void
Executor::DoRead(const Event& ev, int fd, uint64_t len, bool nonblock, bool null_buf, CallDone done)
{
    auto it = m_fds.find(fd);
    if (it == m_fds.end())
    {
        done({-1, EBADF});
        return;
    }
    Fd& f = it->second;
    const Tcb& tp = f.sock->GetTcb();
    if (f.listening)
    {
        done({-1, ENOTCONN});
        return;
    }
    if (len == 0)
    {
        done({0, 0});
        return;
    }
    if (f.sock->GetRxAvailable() > 0)
    {
        if (null_buf)
        {
            done({-1, EFAULT});
            return;
        }
        f.sock->Read(static_cast<uint32_t>(std::min<uint64_t>(len, UINT32_MAX)),
                     [done](const Payload& data) { done({static_cast<int64_t>(data.size()), 0}); });
        return;
    }
    if (f.sk_err)
    {
        done({-1, f.TakeSkErr()});
        return;
    }
    if (tp.state == TcpState::Closed && f.conn && f.conn->state == ConnState::New)
    {
        done({-1, ENOTCONN}); // never connected
        return;
    }
    if ((tp.shutdown & RCV_SHUTDOWN) || tp.state == TcpState::Closed)
    {
        done({0, 0});
        return;
    }
    if (nonblock)
    {
        done({-1, EAGAIN});
        return;
    }
    const Event* e = &ev;
    f.sock->Wait(WaitFor::Readable, WakeLatency(),
                 [this, e, fd, len, nonblock, null_buf, done]() { DoRead(*e, fd, len, nonblock, null_buf, done); });
}


} // namespace sim::drill
