// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/symbols.h"

#include <cerrno>
#include <cstring>
#include <map>

namespace sim::drill
{

std::optional<int64_t>
SymbolValue(const std::string& name)
{
    // include/uapi/linux/{socket,in,tcp,fcntl,sockios}.h and asm-generic values (x86_64)
    static const std::map<std::string, int64_t> table = {
        {"NULL", 0},
        {"AF_INET", 2},
        {"AF_INET6", 10},
        {"PF_INET", 2},
        {"PF_INET6", 10},
        {"SOCK_STREAM", 1},
        {"SOCK_DGRAM", 2},
        {"SOCK_RAW", 3},
        {"SOCK_NONBLOCK", 04000},
        {"SOCK_CLOEXEC", 02000000},
        {"IPPROTO_IP", 0},
        {"IPPROTO_TCP", 6},
        {"IPPROTO_UDP", 17},
        {"IPPROTO_IPV6", 41},
        {"SOL_IP", 0},
        {"SOL_SOCKET", 1},
        {"SOL_TCP", 6},
        {"SOL_IPV6", 41},
        {"SO_DEBUG", 1},
        {"SO_REUSEADDR", 2},
        {"SO_TYPE", 3},
        {"SO_ERROR", 4},
        {"SO_DONTROUTE", 5},
        {"SO_BROADCAST", 6},
        {"SO_SNDBUF", 7},
        {"SO_RCVBUF", 8},
        {"SO_KEEPALIVE", 9},
        {"SO_OOBINLINE", 10},
        {"SO_PRIORITY", 12},
        {"SO_LINGER", 13},
        {"SO_REUSEPORT", 15},
        {"SO_RCVLOWAT", 18},
        {"SO_SNDLOWAT", 19},
        {"SO_SNDBUFFORCE", 32},
        {"SO_RCVBUFFORCE", 33},
        {"SO_TIMESTAMPING", 37},
        {"SO_MAX_PACING_RATE", 47},
        {"SO_ZEROCOPY", 60},
        {"TCP_NODELAY", 1},
        {"TCP_MAXSEG", 2},
        {"TCP_CORK", 3},
        {"TCP_KEEPIDLE", 4},
        {"TCP_KEEPINTVL", 5},
        {"TCP_KEEPCNT", 6},
        {"TCP_SYNCNT", 7},
        {"TCP_LINGER2", 8},
        {"TCP_DEFER_ACCEPT", 9},
        {"TCP_WINDOW_CLAMP", 10},
        {"TCP_INFO", 11},
        {"TCP_QUICKACK", 12},
        {"TCP_CONGESTION", 13},
        {"TCP_MD5SIG", 14},
        {"TCP_THIN_LINEAR_TIMEOUTS", 16},
        {"TCP_THIN_DUPACK", 17},
        {"TCP_USER_TIMEOUT", 18},
        {"TCP_REPAIR", 19},
        {"TCP_FASTOPEN", 23},
        {"TCP_TIMESTAMP", 24},
        {"TCP_NOTSENT_LOWAT", 25},
        {"TCP_CC_INFO", 26},
        {"TCP_SAVE_SYN", 27},
        {"TCP_SAVED_SYN", 28},
        {"TCP_FASTOPEN_CONNECT", 30},
        {"TCP_ULP", 31},
        {"TCP_FASTOPEN_KEY", 33},
        {"TCP_FASTOPEN_NO_COOKIE", 34},
        {"TCP_ZEROCOPY_RECEIVE", 35},
        {"TCP_INQ", 36},
        {"TCP_CM_INQ", 36},
        {"TCP_TX_DELAY", 37},
        {"IP_TOS", 1},
        {"IP_TTL", 2},
        {"IP_MTU_DISCOVER", 10},
        {"IP_MTU", 14},
        {"IP_PMTUDISC_DONT", 0},
        {"IP_PMTUDISC_WANT", 1},
        {"IP_PMTUDISC_DO", 2},
        {"IP_PMTUDISC_PROBE", 3},
        {"F_GETFD", 1},
        {"F_SETFD", 2},
        {"F_GETFL", 3},
        {"F_SETFL", 4},
        {"O_RDONLY", 0},
        {"O_WRONLY", 1},
        {"O_RDWR", 2},
        {"O_NONBLOCK", 04000},
        {"SHUT_RD", 0},
        {"SHUT_WR", 1},
        {"SHUT_RDWR", 2},
        {"MSG_OOB", 0x1},
        {"MSG_PEEK", 0x2},
        {"MSG_DONTROUTE", 0x4},
        {"MSG_TRUNC", 0x20},
        {"MSG_DONTWAIT", 0x40},
        {"MSG_EOR", 0x80},
        {"MSG_WAITALL", 0x100},
        {"MSG_ERRQUEUE", 0x2000},
        {"MSG_NOSIGNAL", 0x4000},
        {"MSG_MORE", 0x8000},
        {"MSG_ZEROCOPY", 0x4000000},
        {"MSG_FASTOPEN", 0x20000000},
        {"FIONREAD", 0x541B},
        {"SIOCINQ", 0x541B},
        {"TIOCOUTQ", 0x5411},
        {"SIOCOUTQ", 0x5411},
        {"SIOCOUTQNSD", 0x894B},
        {"POLLIN", 0x1},
        {"POLLPRI", 0x2},
        {"POLLOUT", 0x4},
        {"POLLERR", 0x8},
        {"POLLHUP", 0x10},
        {"POLLNVAL", 0x20},
        {"POLLRDNORM", 0x40},
        {"POLLRDBAND", 0x80},
        {"POLLWRNORM", 0x100},
        {"POLLWRBAND", 0x200},
        {"POLLRDHUP", 0x2000},
    };
    if (auto it = table.find(name); it != table.end())
    {
        return it->second;
    }
    return std::nullopt;
}

std::optional<int>
ErrnoValue(const std::string& name)
{
    static const std::map<std::string, int> table = {
        {"EPERM", EPERM},
        {"ENOENT", ENOENT},
        {"EINTR", EINTR},
        {"EIO", EIO},
        {"EBADF", EBADF},
        {"EAGAIN", EAGAIN},
        {"EWOULDBLOCK", EWOULDBLOCK},
        {"ENOMEM", ENOMEM},
        {"EACCES", EACCES},
        {"EFAULT", EFAULT},
        {"EBUSY", EBUSY},
        {"EEXIST", EEXIST},
        {"EINVAL", EINVAL},
        {"EMFILE", EMFILE},
        {"ENOSPC", ENOSPC},
        {"EPIPE", EPIPE},
        {"ENOTSOCK", ENOTSOCK},
        {"EDESTADDRREQ", EDESTADDRREQ},
        {"EMSGSIZE", EMSGSIZE},
        {"EPROTOTYPE", EPROTOTYPE},
        {"ENOPROTOOPT", ENOPROTOOPT},
        {"EPROTONOSUPPORT", EPROTONOSUPPORT},
        {"EOPNOTSUPP", EOPNOTSUPP},
        {"EAFNOSUPPORT", EAFNOSUPPORT},
        {"EADDRINUSE", EADDRINUSE},
        {"EADDRNOTAVAIL", EADDRNOTAVAIL},
        {"ENETUNREACH", ENETUNREACH},
        {"ECONNABORTED", ECONNABORTED},
        {"ECONNRESET", ECONNRESET},
        {"ENOBUFS", ENOBUFS},
        {"EISCONN", EISCONN},
        {"ENOTCONN", ENOTCONN},
        {"ETIMEDOUT", ETIMEDOUT},
        {"ECONNREFUSED", ECONNREFUSED},
        {"EHOSTUNREACH", EHOSTUNREACH},
        {"EALREADY", EALREADY},
        {"EINPROGRESS", EINPROGRESS},
    };
    if (auto it = table.find(name); it != table.end())
    {
        return it->second;
    }
    return std::nullopt;
}

std::string
ErrnoText(int err)
{
    return std::strerror(err);
}

} // namespace sim::drill
