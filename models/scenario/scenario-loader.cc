// SPDX-License-Identifier: GPL-2.0-only
#include "models/config/kernel-profile-loader.h"
#include "models/config/splitmix64.h"
#include "models/config/toml-input.h"
#include "models/scenario/bind-check.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace sim
{

namespace fs = std::filesystem;
using ns3::Ipv4Address;

std::vector<std::string>
ListScenarios(const std::string& root)
{
    std::vector<std::string> names;
    const fs::path dir = fs::path(root) / "scenarios";
    if (fs::is_directory(dir))
    {
        for (const auto& e : fs::directory_iterator(dir))
        {
            if (e.path().extension() == ".toml")
            {
                names.push_back(e.path().stem().string());
            }
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string
ResolveScenarioPath(const std::string& name_or_path, const std::string& root)
{
    if (name_or_path.size() > 5 && name_or_path.compare(name_or_path.size() - 5, 5, ".toml") == 0)
    {
        if (!fs::exists(name_or_path))
        {
            throw InputError(fmt::format("{}: no such scenario file", name_or_path));
        }
        return name_or_path;
    }
    const fs::path p = fs::path(root) / "scenarios" / (name_or_path + ".toml");
    if (!fs::exists(p))
    {
        std::string known;
        for (const auto& n : ListScenarios(root))
        {
            known += (known.empty() ? "" : ", ") + n;
        }
        throw InputError(fmt::format("unknown scenario '{}' (scenarios: {})", name_or_path, known));
    }
    return p.string();
}

std::string
ScenarioDescription(const std::string& path)
{
    try
    {
        const toml::table doc = ParseTomlFile(path);
        if (auto d = doc["description"].value<std::string>())
        {
            return *d;
        }
    }
    catch (const InputError&)
    {
        return "(unreadable: run it to see the error)";
    }
    return "(" + fs::path(path).filename().string() + ")";
}

static ns3::Time
Ms(double ms)
{
    return ns3::NanoSeconds(static_cast<int64_t>(std::llround(ms * 1e6)));
}

static Ipv4Address
Address(TomlReader& t, const std::string& key, const std::string& fallback = "")
{
    const std::string s = fallback.empty() ? t.String(key) : t.String(key, fallback);
    const Ipv4Address a(s.c_str());
    // Ipv4Address gives 255.255.255.255 for what it cannot parse
    if (a == Ipv4Address::GetBroadcast() && s != "255.255.255.255")
    {
        t.Fail(key, fmt::format("'{}' is not an IPv4 address", s));
    }
    return a;
}

// [role.think], [role.wake], [role.hold] (and a recording's [role.at], [role.returned],
// [role.copy], [role.released]): milliseconds per step, a number or a list; [role.copy_rate] (a
// recording's too): ns per KiB
static ProcessTiming
Timing(TomlReader& role, const std::vector<std::string>& steps, const KernelProfile& prof)
{
    ProcessTiming t;
    ProcessTiming::Recorded r;
    t.default_wake = ns3::NanoSeconds(prof.wakeup_latency_ns);
    for (const char* kind : {"think", "wake", "hold", "at", "returned", "copy", "released"})
    {
        TomlReader table = role.Table(kind);
        const std::string k(kind);
        auto& dest = k == "think"      ? t.think
                     : k == "wake"     ? t.wake
                     : k == "hold"     ? t.hold
                     : k == "at"       ? r.at
                     : k == "copy"     ? r.copy
                     : k == "released" ? r.released
                                       : r.returned;
        for (const auto& step : steps)
        {
            for (double ms : table.NumberOrList(step, 0, 3.6e6))
            {
                dest[step].push_back(Ms(ms));
            }
        }
        table.Finish();
    }
    // [role.copy_rate]: a recorded send's copy time, ns per KiB, per step
    TomlReader rates = role.Table("copy_rate");
    for (const auto& step : steps)
    {
        for (double ns : rates.NumberOrList(step, 0, 1e9))
        {
            r.copy_rate[step].push_back(static_cast<int64_t>(ns));
        }
    }
    rates.Finish();
    // [role.turns]: a traced send's copy loop, "ms:bytes ..." per call
    TomlReader turns = role.Table("turns");
    const std::vector<std::string> traced = turns.Keys();
    for (const auto& step : steps)
    {
        if (std::find(traced.begin(), traced.end(), step) == traced.end())
        {
            continue;
        }
        for (const std::string& text : turns.StringList(step))
        {
            std::vector<std::pair<ns3::Time, uint64_t>> list;
            std::istringstream in(text);
            for (std::string turn; in >> turn;)
            {
                const size_t colon = turn.find(':');
                try
                {
                    if (colon == std::string::npos)
                    {
                        throw std::invalid_argument("no colon");
                    }
                    list.emplace_back(Ms(std::stod(turn.substr(0, colon))), std::stoull(turn.substr(colon + 1)));
                }
                catch (const std::exception&)
                {
                    turns.Fail(step, fmt::format("\"{}\" is not ms:bytes", turn));
                }
            }
            r.turns[step].push_back(std::move(list));
        }
    }
    turns.Finish();
    if (!r.at.empty() || !r.returned.empty() || !r.copy.empty() || !r.released.empty() || !r.copy_rate.empty() ||
        !r.turns.empty())
    {
        t.recorded = std::make_shared<const ProcessTiming::Recorded>(std::move(r));
    }
    return t;
}

static std::optional<uint32_t>
OptionalU32(TomlReader& t, const std::string& key)
{
    if (auto v = t.OptionalInteger(key, 0, UINT32_MAX))
    {
        return static_cast<uint32_t>(*v);
    }
    return std::nullopt;
}

// A host table names its program; its `profile` and `mac` are read by LoadScenario()
static void
ExpectProgram(TomlReader& s, const char* role, const char* expected)
{
    s.String("profile", "");
    s.String("mac", "");
    const std::string program = s.String("program");
    if (program != expected)
    {
        s.Fail("program", fmt::format("'{}': the {} program must be \"{}\"", program, role, expected));
    }
}

// __inet_bind(): a program binds an address its host owns (inet_addr_type() is
// RTN_LOCAL), or INADDR_ANY where it may (`any_ok`). A loopback host owns 127.0.0.0/8;
// on an ethernet link the addresses are the scenario's own, checked in LoadScenario().
static void
CheckOwnAddress(TomlReader& t, const std::string& key, Ipv4Address a, bool ethernet, bool any_ok = false)
{
    if (ethernet || LoopbackOwns(a) || (any_ok && a.IsAny()))
    {
        return;
    }
    t.Fail(key, fmt::format("{} is not an address of the loopback host, which owns 127.0.0.0/8{} "
                            "(bind(): EADDRNOTAVAIL)",
                            AddressText(a), any_ok ? " and binds to 0.0.0.0" : ""));
}

// inet_csk_get_port(): the port is refused if it collides with an earlier bind on the
// same host; otherwise this bind joins the host's list
static void
CheckBind(TomlReader& t, const std::string& key, std::vector<BindRequest>& binds, const BindRequest& next)
{
    if (auto i = BindConflict(binds, next))
    {
        t.Fail(key, BindConflictText(binds[*i], next));
    }
    binds.push_back(next);
}

// The server's bind: on loopback an address of the host or 0.0.0.0; on an ethernet
// link its host owns the address the client connects to (and the gateway it answers
// for), or it binds 0.0.0.0
static void
CheckServerAddress(TomlReader& server, Ipv4Address bound, Ipv4Address client_target, const Scenario& sc)
{
    if (sc.link.kind != "ethernet")
    {
        CheckOwnAddress(server, "address", bound, false, true);
        return;
    }
    if (bound.IsAny() || bound == client_target || bound == sc.link.gateway)
    {
        return;
    }
    server.Fail("address", fmt::format("{} is not an address of the server's host, which owns {} (the "
                                       "client's `server`) (bind(): EADDRNOTAVAIL)",
                                       AddressText(bound), AddressText(client_target)));
}

static EchoServerConfig
LoadServer(TomlReader& s, const KernelProfile& prof)
{
    EchoServerConfig c;
    ExpectProgram(s, "server", "echo-server");
    c.address = Address(s, "address", "0.0.0.0");
    c.port = static_cast<uint16_t>(s.Integer("port", 1, 65535));
    c.isn = OptionalU32(s, "isn");
    c.ts_base = OptionalU32(s, "ts_base");
    c.recv_size = static_cast<uint32_t>(s.Integer("recv_size", 1, 1 << 24, 1024));
    c.reply_multiplier = static_cast<uint32_t>(s.Integer("reply_multiplier", 1, 100000, 1));
    c.sleep_before_recv = Ms(s.Number("sleep_before_recv", 0, 3.6e6, 0) * 1e3);
    c.replies = static_cast<uint32_t>(s.Integer("replies", 0, 1000000, 0));
    c.reuseaddr = s.Bool("reuseaddr", false);
    c.upstream_connect = Ms(s.Number("upstream_connect", 0, 3.6e6, 0));
    c.timing = Timing(s, {"accept", "recv", "reply", "close"}, prof);
    s.Finish();
    return c;
}

// Part B's server: `[server.files]` maps paths to sizes
static HttpServerConfig
LoadHttpServer(TomlReader& s, const KernelProfile& prof)
{
    HttpServerConfig c;
    ExpectProgram(s, "server", "http-server");
    c.address = Address(s, "address", "0.0.0.0");
    c.port = static_cast<uint16_t>(s.Integer("port", 1, 65535));
    c.isn = OptionalU32(s, "isn");
    c.ts_base = OptionalU32(s, "ts_base");
    c.idle_timeout = Ms(s.Number("idle_timeout", 0.001, 3600, 1.0) * 1e3);
    c.reuseaddr = s.Bool("reuseaddr", false);
    c.concurrency = static_cast<uint32_t>(s.Integer("concurrency", 1, 1000000, 1));
    TomlReader files = s.Table("files");
    for (const std::string& path : files.Keys())
    {
        if (path.empty() || path[0] != '/')
        {
            files.Fail(path, "a file is named by its URL path, starting with /");
        }
        c.files[path] = static_cast<uint32_t>(files.Integer(path, 0, 1 << 30));
    }
    files.Finish();
    c.timing = Timing(s, {"accept", "recv", "reply", "body", "close"}, prof);
    s.Finish();
    return c;
}

// Part B's browser: connections (name, local port, when it opens) and requests on them
static BrowserConfig
LoadBrowser(TomlReader& s,
            const KernelProfile& prof,
            uint16_t server_port,
            bool ethernet,
            std::vector<BindRequest> binds)
{
    BrowserConfig c;
    ExpectProgram(s, "client", "browser");
    c.address = Address(s, "address");
    c.server = Address(s, "server");
    c.server_port = static_cast<uint16_t>(s.Integer("server_port", 1, 65535, server_port));
    c.ts_base = OptionalU32(s, "ts_base");
    c.read_size = static_cast<uint32_t>(s.Integer("read_size", 1, 1 << 24, 65536));
    c.reuseaddr = s.Bool("reuseaddr", false);
    CheckOwnAddress(s, "address", c.address, ethernet);
    for (TomlReader& t : s.TableList("connections"))
    {
        BrowserConnection conn;
        conn.name = t.String("name");
        conn.port = static_cast<uint16_t>(t.Integer("port", 1, 65535));
        conn.open_at = Ms(t.Number("open_at", 0, 3.6e3, 0) * 1e3);
        conn.isn = OptionalU32(t, "isn");
        t.Finish();
        // each connection binds its port before connect()
        CheckBind(t, "port", binds, {"connection " + conn.name, c.address, conn.port, c.reuseaddr, false});
        c.connections.push_back(conn);
    }
    // Many clients at once: `crowd` adds connections crowd-0, crowd-1, ... on
    // consecutive ports, opened `interval_ms` apart, each with one GET
    std::vector<BrowserRequest> crowd_requests;
    if (s.Has("crowd"))
    {
        TomlReader crowd = s.Table("crowd");
        const auto n = static_cast<uint32_t>(crowd.Integer("connections", 1, 60000));
        const auto first_port = static_cast<uint32_t>(crowd.Integer("first_port", 1, 65535));
        if (first_port + n - 1 > 65535)
        {
            crowd.Fail("connections", fmt::format("{} connections from port {} run past port 65535", n, first_port));
        }
        const double open_at = crowd.Number("open_at", 0, 3.6e3, 0);
        const double interval_ms = crowd.Number("interval_ms", 0, 3.6e6, 0);
        const std::string path = crowd.String("path", "/");
        const auto size = static_cast<uint32_t>(crowd.Integer("size", 16, 65536, 100));
        crowd.Finish();
        for (uint32_t i = 0; i < n; ++i)
        {
            BrowserConnection conn;
            conn.name = "crowd-" + std::to_string(i);
            conn.port = static_cast<uint16_t>(first_port + i);
            conn.open_at = Ms(open_at * 1e3 + i * interval_ms);
            CheckBind(crowd, "first_port", binds, {"connection " + conn.name, c.address, conn.port, c.reuseaddr, false});
            c.connections.push_back(conn);
            BrowserRequest r;
            r.connection = conn.name;
            r.path = path;
            r.size = size;
            crowd_requests.push_back(r);
        }
    }
    for (TomlReader& t : s.TableList("requests"))
    {
        BrowserRequest r;
        r.connection = t.String("connection");
        if (std::none_of(c.connections.begin(), c.connections.end(),
                         [&](const BrowserConnection& conn) { return conn.name == r.connection; }))
        {
            t.Fail("connection", fmt::format("'{}' is not in `connections`", r.connection));
        }
        r.path = t.String("path");
        r.size = static_cast<uint32_t>(t.Integer("size", 16, 65536));
        if (t.Has("at"))
        {
            r.at = Ms(t.Number("at", 0, 3.6e3, 0) * 1e3);
        }
        r.after = Ms(t.Number("after", 0, 3.6e6, 0));
        if (t.Has("stall"))
        {
            TomlReader stall = t.Table("stall");
            r.stall_after = static_cast<uint64_t>(stall.Integer("after_bytes", 0, int64_t{1} << 40));
            r.stall = Ms(stall.Number("ms", 0, 3.6e6, 0));
            stall.Finish();
        }
        t.Finish();
        c.requests.push_back(r);
    }
    c.requests.insert(c.requests.end(), crowd_requests.begin(), crowd_requests.end());
    c.timing = Timing(s, {"connect", "send", "read", "close"}, prof);
    s.Finish();
    return c;
}

static EchoClientConfig
LoadClient(TomlReader& s, const KernelProfile& prof, const EchoServerConfig& server)
{
    EchoClientConfig c;
    ExpectProgram(s, "client", "echo-client");
    c.address = Address(s, "address");
    c.port = static_cast<uint16_t>(s.Integer("port", 1, 65535));
    c.server = Address(s, "server");
    c.server_port = static_cast<uint16_t>(s.Integer("server_port", 1, 65535, server.port));
    c.isn = OptionalU32(s, "isn");
    c.ts_base = OptionalU32(s, "ts_base");
    // The messages: `message` repeated `repeat` times, sent `sends` times; or a list
    if (s.Has("messages"))
    {
        for (const char* k : {"message", "repeat", "sends"})
        {
            if (s.Has(k))
            {
                s.Fail(k, "give either `messages` or `message` (with `repeat`, `sends`), not both");
            }
        }
        for (std::string& m : s.StringList("messages"))
        {
            c.messages.items.emplace_back(std::move(m));
        }
    }
    else
    {
        const std::string message = s.String("message");
        // up to 1 MiB of a one-byte message (sim conform draws messages up to 1 MiB)
        const auto repeat = static_cast<uint32_t>(s.Integer("repeat", 1, 1 << 20, 1));
        const auto sends = static_cast<uint64_t>(s.Integer("sends", 0, 100000000, 1));
        // one send() is built in memory, as the Python client builds message * repeat
        constexpr uint64_t kMaxSend = uint64_t{1} << 30;
        if (uint64_t{message.size()} * repeat > kMaxSend)
        {
            s.Fail("repeat", fmt::format("message * repeat is {} bytes; one send is at most {} (1 GiB)",
                                         uint64_t{message.size()} * repeat, kMaxSend));
        }
        std::string one;
        one.reserve(message.size() * repeat);
        for (uint32_t i = 0; i < repeat; ++i)
        {
            one += message;
        }
        // every send shares the one copy of its bytes, in constant memory
        if (sends > 0)
        {
            c.messages.items.emplace_back(std::move(one));
            c.messages.repeat_last = sends - 1;
        }
    }
    c.interleave = s.Bool("interleave", false);
    // The reads: a list, or `recv_size` bytes `recvs` times (as `message` and `sends`)
    if (s.Has("recv_sizes"))
    {
        for (const char* k : {"recv_size", "recvs"})
        {
            if (s.Has(k))
            {
                s.Fail(k, "give either `recv_sizes` or `recv_size` with `recvs`, not both");
            }
        }
        for (int64_t n : s.IntegerList("recv_sizes", 1, 1 << 24))
        {
            c.recv_sizes.items.push_back(static_cast<uint32_t>(n));
        }
    }
    else
    {
        const auto size = static_cast<uint32_t>(s.Integer("recv_size", 1, 1 << 24));
        const auto recvs = static_cast<uint64_t>(s.Integer("recvs", 0, 100000000, 1));
        if (recvs > 0)
        {
            c.recv_sizes.items.push_back(size);
            c.recv_sizes.repeat_last = recvs - 1;
        }
    }
    c.nodelay = s.Bool("nodelay", false);
    c.reuseaddr = s.Bool("reuseaddr", false);
    c.timing = Timing(s, {"connect", "send", "recv", "close"}, prof);
    s.Finish();
    return c;
}

// A stable 64-bit hash of a name (FNV-1a) and a mixer (splitmix64)
static uint64_t
Fnv1a(const char* s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; ++s)
    {
        h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ULL;
    }
    return h;
}

Scenario
LoadScenario(const std::string& path,
             const std::string& root,
             const std::string& profile_override,
             uint64_t seed)
{
    const toml::table doc = ParseTomlFile(path);
    TomlReader top(doc, path);
    Scenario sc;
    sc.file = path;
    sc.name = fs::path(path).stem().string();
    sc.description = top.String("description", "");

    // Kernel profiles: the scenario's, or per host; --profile replaces the scenario's
    const std::string profile = top.String("profile");
    auto load_profile = [&](TomlReader& where, const std::string& key, const std::string& name) {
        try
        {
            return LoadKernelProfile(name, root);
        }
        catch (const InputError& e)
        {
            where.Fail(key, e.what());
        }
    };
    const std::string default_profile = profile_override.empty() ? profile : profile_override;
    if (!profile_override.empty())
    {
        LoadKernelProfile(profile_override, root); // an unknown --profile is its own error
    }
    TomlReader server_host = top.Table("server");
    TomlReader client_host = top.Table("client");
    const std::string client_profile = client_host.String("profile", "");
    const std::string server_profile = server_host.String("profile", "");
    sc.profile = client_profile.empty() ? load_profile(top, "profile", default_profile)
                                        : load_profile(client_host, "profile", client_profile);
    sc.server_profile = server_profile.empty() ? load_profile(top, "profile", default_profile)
                                               : load_profile(server_host, "profile", server_profile);

    TomlReader link = top.Table("link");
    sc.link.kind = link.String("kind", "loopback");
    TomlReader cap = top.Table("capture");
    const std::string lt = cap.String("link_type", sc.link.kind == "loopback" ? "linux-sll" : "ethernet");
    if (!LinkTypeFromName(lt, sc.capture_link))
    {
        cap.Fail("link_type", fmt::format("'{}': unknown link type ({})", lt, SupportedLinkTypes()));
    }
    const std::string capture_host = cap.String("host", "client");
    if (capture_host != "client" && capture_host != "server")
    {
        cap.Fail("host", fmt::format("'{}': the capture runs on \"client\" or \"server\"", capture_host));
    }
    sc.capture_on_server = capture_host == "server";
    sc.snaplen = static_cast<uint32_t>(cap.Integer("snaplen", 1, kDefaultSnaplen, kDefaultSnaplen));
    if (sc.link.kind == "loopback")
    {
        if (sc.capture_link != LinkType::LinuxSll)
        {
            cap.Fail("link_type", fmt::format("'{}': a loopback capture is \"linux-sll\"", lt));
        }
        if (sc.profile.name != sc.server_profile.name)
        {
            server_host.Fail("profile", "on a loopback link both programs run on one host, one kernel");
        }
    }
    else if (sc.link.kind == "ethernet")
    {
        sc.link.delay = Ms(link.Number("delay_ms", 0, 3.6e6, 0));
        sc.link.rate_bps = static_cast<uint64_t>(std::llround(link.Number("rate_mbps", 0.001, 1e6, 1000) * 1e6));
        sc.link.mtu = static_cast<uint32_t>(link.Integer("mtu", 576, 9000, 1500));
        sc.link.gateway = Address(link, "gateway", "0.0.0.0");
        sc.link.queue_bytes = static_cast<uint32_t>(link.Integer("queue_bytes", 1500, 1 << 30, 0));
        if (sc.capture_link != LinkType::Ethernet && sc.capture_link != LinkType::LinuxSll)
        {
            cap.Fail("link_type", fmt::format("'{}': an Ethernet capture is \"ethernet\" or \"linux-sll\"", lt));
        }
        sc.client_mac = client_host.String("mac", sc.client_mac);
        sc.server_mac = server_host.String("mac", sc.server_mac);
        for (const auto& [who, mac] : {std::pair{&client_host, sc.client_mac}, std::pair{&server_host, sc.server_mac}})
        {
            unsigned b[6];
            if (std::sscanf(mac.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
            {
                who->Fail("mac", fmt::format("'{}' is not a MAC address (like 08:00:27:4e:5a:01)", mac));
            }
        }
    }
    else
    {
        link.Fail("kind", fmt::format("'{}': a link is \"loopback\" or \"ethernet\"", sc.link.kind));
    }
    if (link.Has("drop"))
    {
        TomlReader drop = link.Table("drop");
        // 1-based indices of the packets that host sends, its SYN (or SYN-ACK) first
        for (auto [who, list] : {std::pair{"client", &sc.link.faults.drop_client},
                                 std::pair{"server", &sc.link.faults.drop_server}})
        {
            if (drop.Has(who))
            {
                for (const int64_t i : drop.IntegerList(who, 1, UINT32_MAX))
                {
                    list->push_back(static_cast<uint32_t>(i));
                }
            }
        }
        drop.Finish();
    }
    sc.link.faults.loss = link.Number("loss", 0, 0.99, 0);
    sc.link.faults.duplicate = link.Number("duplicate", 0, 0.99, 0);
    sc.link.faults.reorder = link.Number("reorder", 0, 0.99, 0);
    sc.link.faults.reorder_delay_ns = std::llround(link.Number("reorder_delay_ms", 0.001, 10000, 1) * 1e6);
    link.Finish();
    cap.Finish();

    // What the kernel would draw at random (secure_tcp_seq(), secure_tcp_ts_off()) and
    // the scenario does not give: derived from --seed, so runs stay repeatable
    auto drawn = [seed](const char* what) { return static_cast<uint32_t>(SplitMix64(seed ^ Fnv1a(what))); };
    TomlReader clock = top.Table("clock");
    sc.ts_base = static_cast<uint32_t>(clock.Integer("ts_base", 0, UINT32_MAX, drawn("ts_base")));
    sc.ts_phase_ns = static_cast<uint64_t>(std::llround(clock.Number("ts_phase_us", 0, 999.999, 0) * 1e3));
    sc.tick_phase_ns = static_cast<uint64_t>(std::llround(clock.Number("tick_phase_us", 0, 1e6, 0) * 1e3));
    clock.Finish();

    sc.seed = seed;
    const bool ethernet = sc.link.kind == "ethernet";
    if (server_host.Has("program") && server_host.String("program", "") == "http-server")
    {
        sc.http_server = LoadHttpServer(server_host, sc.server_profile);
        const HttpServerConfig& http = *sc.http_server;
        std::vector<BindRequest> binds; // on the browser's host
        if (!ethernet)
        {
            binds.push_back({"the server", http.address, http.port, http.reuseaddr, true});
        }
        sc.browser = LoadBrowser(client_host, sc.profile, http.port, ethernet, binds);
        CheckServerAddress(server_host, http.address, sc.browser->server, sc);
        // 5.x draws one TS offset per address pair: every connection shares the clock base
        if (sc.server_profile.ts_offset == TsOffsetPolicy::PerAddressPair)
        {
            sc.http_server->ts_base = sc.http_server->ts_base.value_or(sc.ts_base);
            sc.browser->ts_base = sc.browser->ts_base.value_or(sc.ts_base);
        }
        sc.server.address = sc.http_server->address;
        sc.server.port = sc.http_server->port;
        sc.client.address = sc.browser->address;
        sc.client.server = sc.browser->server;
        sc.client.server_port = sc.browser->server_port;
    }
    else
    {
        sc.server = LoadServer(server_host, sc.server_profile);
        sc.client = LoadClient(client_host, sc.profile, sc.server);
        CheckServerAddress(server_host, sc.server.address, sc.client.server, sc);
        CheckOwnAddress(client_host, "address", sc.client.address, ethernet);
        if (!ethernet)
        {
            std::vector<BindRequest> binds = {
                {"the server", sc.server.address, sc.server.port, sc.server.reuseaddr, true}};
            CheckBind(client_host, "port", binds,
                      {"the client", sc.client.address, sc.client.port, sc.client.reuseaddr, false});
        }
    }
    // secure_tcp_ts_off(): one offset per address pair (5.x) or per flow (6.x)
    if (!sc.server.ts_base)
    {
        sc.server.ts_base = sc.server_profile.ts_offset == TsOffsetPolicy::PerFlow &&
                                    !clock.Has("ts_base")
                                ? drawn("server ts_base")
                                : sc.ts_base;
    }
    if (!sc.client.ts_base)
    {
        sc.client.ts_base = sc.ts_base;
    }
    if (!sc.server.isn)
    {
        sc.server.isn = drawn("server isn");
    }
    if (!sc.client.isn)
    {
        sc.client.isn = drawn("client isn");
    }
    top.Finish();
    return sc;
}

} // namespace sim
