#include "models/config/kernel-profile-loader.h"
#include "models/config/toml-input.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

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
    return "";
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

// [role.think], [role.wake], [role.hold]: milliseconds per step, a number or a list
static ProcessTiming
Timing(TomlReader& role, const std::vector<std::string>& steps, const KernelProfile& prof)
{
    ProcessTiming t;
    t.default_wake = ns3::NanoSeconds(prof.wakeup_latency_ns);
    for (const char* kind : {"think", "wake", "hold"})
    {
        TomlReader table = role.Table(kind);
        const std::string k(kind);
        auto& dest = k == "think" ? t.think : k == "wake" ? t.wake : t.hold;
        for (const auto& step : steps)
        {
            for (double ms : table.NumberOrList(step, 0, 3.6e6))
            {
                dest[step].push_back(Ms(ms));
            }
        }
        table.Finish();
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

static EchoServerConfig
LoadServer(TomlReader& s, const KernelProfile& prof)
{
    EchoServerConfig c;
    const std::string program = s.String("program");
    if (program != "echo-server")
    {
        s.Fail("program", fmt::format("'{}': the server program must be \"echo-server\"", program));
    }
    c.address = Address(s, "address", "0.0.0.0");
    c.port = static_cast<uint16_t>(s.Integer("port", 1, 65535));
    c.isn = OptionalU32(s, "isn");
    c.ts_base = OptionalU32(s, "ts_base");
    c.recv_size = static_cast<uint32_t>(s.Integer("recv_size", 1, 1 << 24, 1024));
    c.reply_multiplier = static_cast<uint32_t>(s.Integer("reply_multiplier", 1, 100000, 1));
    c.sleep_before_recv = Ms(s.Number("sleep_before_recv", 0, 3.6e6, 0) * 1e3);
    c.timing = Timing(s, {"accept", "recv", "reply", "close"}, prof);
    s.Finish();
    return c;
}

static EchoClientConfig
LoadClient(TomlReader& s, const KernelProfile& prof, const EchoServerConfig& server)
{
    EchoClientConfig c;
    const std::string program = s.String("program");
    if (program != "echo-client")
    {
        s.Fail("program", fmt::format("'{}': the client program must be \"echo-client\"", program));
    }
    c.address = Address(s, "address");
    c.port = static_cast<uint16_t>(s.Integer("port", 1, 65535));
    c.server = Address(s, "server");
    c.server_port = static_cast<uint16_t>(s.Integer("server_port", 1, 65535, server.port));
    c.isn = OptionalU32(s, "isn");
    c.ts_base = OptionalU32(s, "ts_base");
    c.message = s.String("message");
    c.repeat = static_cast<uint32_t>(s.Integer("repeat", 1, 1000000, 1));
    c.sends = static_cast<uint32_t>(s.Integer("sends", 1, 1000000, 1));
    for (int64_t n : s.IntegerList("recv_sizes", 1, 1 << 24))
    {
        c.recv_sizes.push_back(static_cast<uint32_t>(n));
    }
    c.nodelay = s.Bool("nodelay", false);
    c.timing = Timing(s, {"connect", "send", "recv", "close"}, prof);
    s.Finish();
    return c;
}

Scenario
LoadScenario(const std::string& path, const std::string& root, const std::string& profile_override)
{
    const toml::table doc = ParseTomlFile(path);
    TomlReader top(doc, path);
    Scenario sc;
    sc.file = path;
    sc.name = fs::path(path).stem().string();
    sc.description = top.String("description");

    const std::string profile = top.String("profile");
    try
    {
        sc.profile = LoadKernelProfile(profile_override.empty() ? profile : profile_override, root);
    }
    catch (const InputError& e)
    {
        if (!profile_override.empty())
        {
            throw;
        }
        top.Fail("profile", e.what());
    }

    TomlReader link = top.Table("link");
    sc.link = link.String("kind", "loopback");
    if (sc.link != "loopback")
    {
        link.Fail("kind", fmt::format("'{}': only \"loopback\" links are modelled so far", sc.link));
    }
    link.Finish();

    TomlReader cap = top.Table("capture");
    const std::string lt = cap.String("link_type", "linux-sll");
    if (!LinkTypeFromName(lt, sc.capture_link) || sc.capture_link != LinkType::LinuxSll)
    {
        cap.Fail("link_type", fmt::format("'{}': a loopback capture is \"linux-sll\"", lt));
    }
    cap.Finish();

    TomlReader clock = top.Table("clock");
    sc.ts_base = static_cast<uint32_t>(clock.Integer("ts_base", 0, UINT32_MAX, 0));
    sc.ts_phase_ns = static_cast<uint64_t>(std::llround(clock.Number("ts_phase_us", 0, 999.999, 0) * 1e3));
    clock.Finish();

    TomlReader server = top.Table("server");
    sc.server = LoadServer(server, sc.profile);
    TomlReader client = top.Table("client");
    sc.client = LoadClient(client, sc.profile, sc.server);
    if (!sc.server.ts_base)
    {
        sc.server.ts_base = sc.ts_base;
    }
    if (!sc.client.ts_base)
    {
        sc.client.ts_base = sc.ts_base;
    }
    top.Finish();
    return sc;
}

} // namespace sim
