// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/drill.h"

#include "models/capture/trace-writer.h"
#include "models/drill/parser.h"
#include "models/drill/sysctls.h"

#include <ns3/ipv4-address.h>

#include <fmt/format.h>

#include <filesystem>
#include <memory>

namespace sim::drill
{

namespace
{

std::string
Location(const std::string& path, int line)
{
    return line > 0 ? fmt::format("{}:{}", path, line) : path;
}

std::string
Describe(const std::string& path, const ScriptError& e)
{
    return fmt::format("{}: {}: {}", Location(path, e.Line()), e.Unsupported() ? "unsupported" : "error", e.what());
}

int64_t
IntOption(const std::string& name, const std::string& value)
{
    try
    {
        size_t used = 0;
        const long long v = std::stoll(value, &used, 0);
        if (used == value.size())
        {
            return v;
        }
    }
    catch (const std::exception&)
    {
    }
    throw ScriptError(0, "--" + name + ": '" + value + "' is not an integer");
}

uint32_t
Ipv4Option(const std::string& name, const std::string& value)
{
    if (value.find(':') != std::string::npos)
    {
        throw ScriptError(0, "--" + name + "=" + value + " (IPv6 is not modelled)", true);
    }
    const ns3::Ipv4Address a(value.c_str());
    return a.Get();
}

// packetdrill's options that a script may set (config.c), applied to the run
void
ApplyOption(const std::string& name, const std::string& value, ExecConfig& cfg, std::vector<std::string>& notes)
{
    if (name == "tolerance_usecs")
    {
        cfg.tolerance.usecs = IntOption(name, value);
    }
    else if (name == "tolerance_percent")
    {
        cfg.tolerance.percent = static_cast<double>(IntOption(name, value));
    }
    else if (name == "tcp_ts_tick_usecs")
    {
        cfg.ts_tick_usecs = static_cast<int>(IntOption(name, value));
    }
    else if (name == "tcp_ts_ecr_scaled")
    {
        cfg.ts_ecr_scaled = true;
    }
    else if (name == "strict_segments")
    {
        cfg.strict_segments = true;
    }
    else if (name == "mtu")
    {
        const int64_t mtu = IntOption(name, value);
        if (mtu < 68 || mtu > 65535)
        {
            throw ScriptError(0, "--mtu=" + value + " is out of range [68, 65535]");
        }
        cfg.mtu = static_cast<uint16_t>(mtu);
    }
    else if (name == "local_ip")
    {
        cfg.local_ip = Ipv4Option(name, value);
    }
    else if (name == "remote_ip")
    {
        cfg.remote_ip = Ipv4Option(name, value);
    }
    else if (name == "ip_version")
    {
        if (value != "ipv4")
        {
            throw ScriptError(0, "--ip_version=" + value + " (IPv6 is not modelled)", true);
        }
    }
    else if (name == "mss" || name == "speed" || name == "verbose" || name == "gateway_ip" ||
             name == "netmask_ip")
    {
        // --mss: the gso_size packetdrill gives injected packets larger than the MTU
        notes.push_back("--" + name + (value.empty() ? "" : "=" + value) + ": no effect on the simulated tun device");
    }
    else
    {
        throw ScriptError(0, "script option --" + name, true);
    }
}

} // namespace

DrillOutcome
RunDrillScript(const std::string& path, const DrillOptions& opt)
{
    DrillOutcome out;
    Script script;
    ExecConfig cfg;
    cfg.profile = opt.profile;
    cfg.script_dir = std::filesystem::path(path).parent_path().string();
    if (cfg.script_dir.empty())
    {
        cfg.script_dir = ".";
    }
    try
    {
        script = ParseScriptFile(path);
        for (const ScriptOption& o : script.options)
        {
            try
            {
                ApplyOption(o.name, o.value, cfg, out.notes);
            }
            catch (const ScriptError& e)
            {
                throw ScriptError(o.line, e.what(), e.Unsupported());
            }
        }
        if (opt.tolerance_usecs)
        {
            cfg.tolerance.usecs = *opt.tolerance_usecs;
        }
        if (opt.tick_phase_usecs)
        {
            cfg.tick_phase_ns = static_cast<uint64_t>(*opt.tick_phase_usecs) * 1000;
        }
        if (script.init_command)
        {
            RunShellCommand(*script.init_command, cfg.script_dir, script.init_command_line, cfg.profile, out.notes,
                            TunSettings{&cfg.tso, nullptr});
        }
        // packetdrill's first event must be at time 0 (get_next_event())
        if (script.events.front().time_us != 0)
        {
            throw ScriptError(script.events.front().line, "first event should be at time 0");
        }
    }
    catch (const ScriptError& e)
    {
        out.status = DrillStatus::Bad;
        out.message = Describe(path, e);
        return out;
    }

    std::unique_ptr<TraceWriter> writer;
    if (!opt.out_dir.empty())
    {
        const std::filesystem::path dir(opt.out_dir);
        writer = std::make_unique<TraceWriter>((dir / "trace.pcap").string(), (dir / "trace.txt").string(),
                                               LinkType::LinuxSll, kDefaultSnaplen, false, nullptr);
        if (opt.why)
        {
            writer->Explain((dir / "trace.pcapng").string());
            cfg.why = true;
        }
        cfg.capture = [&writer, &out](Frame&& f) {
            writer->Write(f);
            ++out.packets;
        };
    }
    else
    {
        cfg.capture = [&out](Frame&&) { ++out.packets; };
    }
    Executor ex(script, std::move(cfg));
    ExecResult r = ex.Run();
    if (writer)
    {
        writer->Commit(); // a failed run's trace shows what happened
    }
    out.status = r.status;
    out.message = r.message;
    out.notes.insert(out.notes.end(), r.notes.begin(), r.notes.end());
    out.printed = r.printed;
    return out;
}

} // namespace sim::drill
