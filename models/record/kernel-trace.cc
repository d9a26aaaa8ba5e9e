// SPDX-License-Identifier: GPL-2.0-only
#include "models/record/kernel-trace.h"

#include "models/capture/kernel-state.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sim
{

namespace
{

struct Tracepoint
{
    const char* path; // under events/
    const char* name; // as the trace prints it
    KernelEvent::Kind kind;
};

constexpr Tracepoint kTracepoints[] = {
    {"skb/skb_copy_datagram_iovec", "skb_copy_datagram_iovec", KernelEvent::Kind::RecvCopy},
    {"sock/sock_recv_length", "sock_recv_length", KernelEvent::Kind::RecvEnd},
    {"tcp/tcp_sendmsg_locked", "tcp_sendmsg_locked", KernelEvent::Kind::SendLoop},
    {"sock/sock_send_length", "sock_send_length", KernelEvent::Kind::SendEnd},
};

// --kernel-state: the TCP state to compare with the model's, not its inputs
constexpr Tracepoint kStateTracepoints[] = {
    {"tcp/tcp_probe", "tcp_probe", KernelEvent::Kind::TcpProbe},
    {"tcp/tcp_rcvbuf_grow", "tcp_rcvbuf_grow", KernelEvent::Kind::RcvbufGrow},
};

bool
WriteTo(const std::string& path, const std::string& value)
{
    std::ofstream out(path);
    out << value;
    out.flush();
    return static_cast<bool>(out);
}

// Where tracefs is, mounting it at its usual place when nothing is there yet
std::string
TracefsRoot(std::string& why)
{
    namespace fs = std::filesystem;
    for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    {
        if (fs::exists(fs::path(root) / "instances"))
        {
            return root;
        }
    }
    const char* root = "/sys/kernel/tracing";
    if (mount("nodev", root, "tracefs", 0, nullptr) != 0 || !fs::exists(fs::path(root) / "instances"))
    {
        why = fmt::format("tracefs is not mounted and cannot be mounted at {}: {}", root, std::strerror(errno));
        return {};
    }
    return root;
}

// "secs.usecs" to nanoseconds
bool
ParseTimestamp(const std::string& s, int64_t& ns)
{
    const size_t dot = s.find('.');
    if (dot == std::string::npos || dot == 0 || s.size() - dot - 1 != 6)
    {
        return false;
    }
    try
    {
        ns = std::stoll(s.substr(0, dot)) * 1000000000LL + std::stoll(s.substr(dot + 1)) * 1000LL;
    }
    catch (const std::exception&)
    {
        return false;
    }
    return true;
}

} // namespace

// A line is "<comm>-<pid> [<cpu>] <flags> <secs.usecs>: <event>: <fields>"; the
// command may hold spaces and dashes, so the pid is read back from the CPU's bracket
std::vector<KernelEvent>
ParseKernelTrace(std::istream& in)
{
    std::vector<KernelEvent> out;
    std::string line;
    while (std::getline(in, line))
    {
        if (line.empty() || line[0] == '#')
        {
            continue;
        }
        const size_t cpu = line.find(" [");
        const size_t close = cpu == std::string::npos ? cpu : line.find("] ", cpu);
        const size_t dash = cpu == std::string::npos ? cpu : line.rfind('-', cpu);
        if (close == std::string::npos || dash == std::string::npos)
        {
            continue;
        }
        KernelEvent e;
        try
        {
            e.pid = std::stoi(line.substr(dash + 1, cpu - dash - 1));
        }
        catch (const std::exception&)
        {
            continue;
        }
        std::istringstream rest(line.substr(close + 2));
        std::string flags;
        std::string stamp;
        std::string name;
        if (!(rest >> flags >> stamp >> name) || stamp.empty() || stamp.back() != ':' || name.empty() ||
            name.back() != ':')
        {
            continue;
        }
        stamp.pop_back();
        name.pop_back();
        const auto named = [&](const Tracepoint& t) { return name == t.name; };
        const Tracepoint* tp = std::find_if(std::begin(kTracepoints), std::end(kTracepoints), named);
        if (tp == std::end(kTracepoints))
        {
            tp = std::find_if(std::begin(kStateTracepoints), std::end(kStateTracepoints), named);
            if (tp == std::end(kStateTracepoints))
            {
                continue;
            }
        }
        if (!ParseTimestamp(stamp, e.mono_ns))
        {
            continue;
        }
        e.kind = tp->kind;
        if (e.kind == KernelEvent::Kind::TcpProbe || e.kind == KernelEvent::Kind::RcvbufGrow)
        {
            std::getline(rest >> std::ws, e.fields);
        }
        if (e.kind == KernelEvent::Kind::RecvCopy)
        {
            // "skbaddr=%p len=%d"
            std::string field;
            while (rest >> field && field.rfind("len=", 0) != 0)
            {
            }
            try
            {
                e.len = field.rfind("len=", 0) == 0 ? std::stoll(field.substr(4)) : -1;
            }
            catch (const std::exception&)
            {
                continue;
            }
        }
        if (e.kind == KernelEvent::Kind::SendLoop)
        {
            // "skb_addr %p skb_len %d msg_left %d size_goal %d"
            std::string key;
            while (rest >> key && key != "msg_left")
            {
            }
            if (!(rest >> e.msg_left))
            {
                continue;
            }
        }
        out.push_back(e);
    }
    return out;
}

void
AttachKernelEvents(const std::vector<KernelEvent>& events,
                   int pid,
                   int64_t realtime_minus_monotonic_ns,
                   std::vector<CallRecord>& calls,
                   SendTurns* turns)
{
    constexpr int64_t kResolution = 1000; // the trace prints microseconds, truncated
    // a program's reads and its writes, each in the order it made them (they do not
    // overlap)
    std::vector<CallRecord*> by_kind[2];
    for (CallRecord& c : calls)
    {
        if (c.kind == CallKind::Recv || c.kind == CallKind::Send)
        {
            by_kind[c.kind == CallKind::Recv ? 0 : 1].push_back(&c);
        }
    }
    for (auto& list : by_kind)
    {
        std::sort(list.begin(), list.end(),
                  [](const CallRecord* a, const CallRecord* b) { return a->start_ns < b->start_ns; });
    }
    std::map<const CallRecord*, int64_t> read_copied; // by a read, its copies so far
    std::map<const CallRecord*, int64_t> write_size;  // by a write, msg_left at its first turn
    for (const KernelEvent& e : events)
    {
        if (e.pid != pid || e.kind == KernelEvent::Kind::TcpProbe || e.kind == KernelEvent::Kind::RcvbufGrow)
        {
            continue;
        }
        const bool recv = e.kind == KernelEvent::Kind::RecvCopy || e.kind == KernelEvent::Kind::RecvEnd;
        const std::vector<CallRecord*>& list = by_kind[recv ? 0 : 1];
        const int64_t t = e.mono_ns + realtime_minus_monotonic_ns;
        // the call it falls in; else one that began at most the resolution after it
        auto next = std::upper_bound(list.begin(), list.end(), t,
                                     [](int64_t at, const CallRecord* c) { return at < c->start_ns; });
        CallRecord* owner = nullptr;
        if (next != list.begin() && t <= (*std::prev(next))->return_ns)
        {
            owner = *std::prev(next);
        }
        else if (next != list.end() && t >= (*next)->start_ns - kResolution && t <= (*next)->return_ns)
        {
            owner = *next;
        }
        if (!owner)
        {
            continue;
        }
        const int64_t at = std::max(t, owner->start_ns);
        switch (e.kind)
        {
        case KernelEvent::Kind::RecvCopy:
        case KernelEvent::Kind::SendLoop:
            if (owner->copy_ns == 0 || at < owner->copy_ns)
            {
                owner->copy_ns = at;
            }
            if (turns && e.kind == KernelEvent::Kind::SendLoop && e.msg_left >= 0 && owner->result > 0)
            {
                // one send() a call (blocking): msg_left counts down from what it was
                // asked to write (its result, unless a reset cut it short)
                const int64_t size = write_size.emplace(owner, e.msg_left).first->second;
                (*turns)[owner->start_ns].emplace_back(at - owner->start_ns,
                                                    std::clamp<int64_t>(size - e.msg_left, 0, owner->result));
            }
            if (turns && e.kind == KernelEvent::Kind::RecvCopy && e.len >= 0)
            {
                // each skb_copy_datagram_msg() of tcp_recvmsg_locked()'s loop, with what
                // the read had copied before it
                auto& list = (*turns)[owner->start_ns];
                list.emplace_back(at - owner->start_ns, read_copied[owner]);
                read_copied[owner] += e.len;
            }
            break;
        case KernelEvent::Kind::RecvEnd:
        case KernelEvent::Kind::SendEnd:
            owner->kernel_return_ns = std::max(owner->kernel_return_ns, at);
            break;
        case KernelEvent::Kind::TcpProbe:
        case KernelEvent::Kind::RcvbufGrow:
            break; // skipped above: no call's timing
        }
    }
}

std::string
KernelStateCsv(const std::vector<KernelEvent>& events,
               int64_t realtime_minus_monotonic_ns,
               const std::vector<uint16_t>& ports)
{
    std::string out = KernelStateHeader();
    for (const KernelEvent& e : events)
    {
        const bool probe = e.kind == KernelEvent::Kind::TcpProbe;
        if (!probe && e.kind != KernelEvent::Kind::RcvbufGrow)
        {
            continue;
        }
        std::map<std::string, std::string> f;
        std::istringstream in(e.fields);
        std::string kv;
        while (in >> kv)
        {
            const size_t eq = kv.find('=');
            if (eq != std::string::npos)
            {
                f[kv.substr(0, eq)] = kv.substr(eq + 1);
            }
        }
        if (probe)
        {
            // "src=127.0.0.1:41143"; sequence numbers printed in hex
            const std::string& src = f["src"];
            const size_t colon = src.rfind(':');
            f["port"] = colon == std::string::npos ? "" : src.substr(colon + 1);
            for (const char* k : {"snd_una", "snd_nxt"})
            {
                try
                {
                    f[k] = std::to_string(std::stoull(f[k], nullptr, 16));
                }
                catch (const std::exception&)
                {
                    f[k].clear();
                }
            }
        }
        else
        {
            f["port"] = f["sport"];
        }
        if (!ports.empty() &&
            std::none_of(ports.begin(), ports.end(), [&](uint16_t p) { return f["port"] == std::to_string(p); }))
        {
            continue; // another connection of this host
        }
        out += KernelStateRow(static_cast<uint64_t>(e.mono_ns + realtime_minus_monotonic_ns),
                              probe ? "tcp_probe" : "tcp_rcvbuf_grow", f);
    }
    return out;
}

// An instance at `dir` with `points` enabled, following `pid` and its children (0: every
// task; the TCP state is reported in the softirq of whichever task ran it)
template <size_t N>
bool
OpenInstance(const std::string& dir, int pid, const Tracepoint (&points)[N], std::string& why)
{
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    {
        why = fmt::format("cannot make the tracefs instance {}: {}", dir, std::strerror(errno));
        return false;
    }
    bool ok = WriteTo(dir + "/tracing_on", "0") && WriteTo(dir + "/trace_clock", "mono") &&
              WriteTo(dir + "/buffer_size_kb", "2048") && WriteTo(dir + "/trace", "");
    if (pid)
    {
        ok = ok && WriteTo(dir + "/options/event-fork", "1") && WriteTo(dir + "/set_event_pid", std::to_string(pid));
    }
    for (const Tracepoint& t : points)
    {
        ok = ok && WriteTo(fmt::format("{}/events/{}/enable", dir, t.path), "1");
    }
    if (!ok || !WriteTo(dir + "/tracing_on", "1"))
    {
        why = fmt::format("cannot set up the tracefs instance {}", dir);
        rmdir(dir.c_str());
        return false;
    }
    return true;
}

template <size_t N>
void
CloseInstance(const std::string& dir, const Tracepoint (&points)[N])
{
    if (dir.empty())
    {
        return;
    }
    WriteTo(dir + "/tracing_on", "0");
    for (const Tracepoint& t : points)
    {
        WriteTo(fmt::format("{}/events/{}/enable", dir, t.path), "0");
    }
    rmdir(dir.c_str());
}

KernelTrace::KernelTrace(int pid, bool kernel_state)
{
    const std::string root = TracefsRoot(m_why);
    if (root.empty())
    {
        return;
    }
    const std::string dir = fmt::format("{}/instances/sim-record-{}", root, getpid());
    if (!OpenInstance(dir, pid, kTracepoints, m_why))
    {
        return;
    }
    m_dir = dir;
    if (kernel_state)
    {
        const std::string state = dir + "-state";
        if (OpenInstance(state, 0, kStateTracepoints, m_why))
        {
            m_stateDir = state;
        }
    }
}

KernelTrace::~KernelTrace()
{
    CloseInstance(m_dir, kTracepoints);
    CloseInstance(m_stateDir, kStateTracepoints);
}

std::vector<KernelEvent>
KernelTrace::Stop()
{
    std::vector<KernelEvent> events;
    for (const std::string& dir : {m_dir, m_stateDir})
    {
        if (dir.empty())
        {
            continue;
        }
        WriteTo(dir + "/tracing_on", "0");
        std::ifstream in(dir + "/trace");
        std::vector<KernelEvent> more = ParseKernelTrace(in);
        events.insert(events.end(), more.begin(), more.end());
    }
    return events;
}

} // namespace sim
