// SPDX-License-Identifier: GPL-2.0-only
#include "cli/drill-command.h"

#include "cli/app-paths.h"
#include "cli/run-command.h"
#include "models/config/kernel-profile-loader.h"
#include "models/config/toml-input.h"
#include "models/drill/drill.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct DrillCliOptions
{
    std::string path;
    std::string profile = "linux-6.18";
    std::string out;
    std::optional<int64_t> tolerance_usecs;
    std::optional<int64_t> tick_phase_usecs;
    bool verbose = false;
    bool why = false;
};

std::string
FirstLine(const std::string& s)
{
    return s.substr(0, s.find('\n'));
}

// Every .pkt under `dir`, sorted, relative to it
std::vector<fs::path>
Scripts(const fs::path& dir)
{
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
    {
        if (e.is_regular_file() && e.path().extension() == ".pkt")
        {
            out.push_back(fs::relative(e.path(), dir));
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

int
Code(drill::DrillStatus s)
{
    return static_cast<int>(s);
}

int
RunFolder(const DrillCliOptions& o, const KernelProfile& profile)
{
    const fs::path dir(o.path);
    const std::vector<fs::path> scripts = Scripts(dir);
    if (scripts.empty())
    {
        throw InputError(fmt::format("{}: no .pkt scripts in this folder", o.path));
    }
    const fs::path base = o.out.empty() ? fs::path(RootDir()) / "out" / "drill" / dir.filename() : fs::path(o.out);
    int pass = 0;
    int fail = 0;
    int unsupported = 0;
    int bad = 0;
    int worst = 0;
    for (const fs::path& rel : scripts)
    {
        drill::DrillOptions d;
        d.profile = profile;
        d.tolerance_usecs = o.tolerance_usecs;
        d.tick_phase_usecs = o.tick_phase_usecs;
        d.why = o.why;
        fs::path out_rel = rel;
        out_rel.replace_extension();
        d.out_dir = OutputDir((base / out_rel).string(), "").string();
        const drill::DrillOutcome r = drill::RunDrillScript((dir / rel).string(), d);
        std::string word = "pass";
        switch (r.status)
        {
        case drill::DrillStatus::Pass:
            ++pass;
            break;
        case drill::DrillStatus::Fail:
            ++fail;
            word = "fail";
            break;
        case drill::DrillStatus::Bad:
            const bool unsup = r.message.find(": unsupported: ") != std::string::npos;
            ++(unsup ? unsupported : bad);
            word = unsup ? "unsupported" : "bad";
            break;
        }
        worst = std::max(worst, Code(r.status));
        std::cout << fmt::format("{:<12} {}{}\n", word, rel.string(),
                                 r.message.empty() ? "" : ": " + FirstLine(r.message));
    }
    std::cout << fmt::format("{} scripts: {} pass, {} fail, {} unsupported, {} bad\n", scripts.size(), pass, fail,
                             unsupported, bad);
    return worst;
}

int
RunScript(const DrillCliOptions& o, const KernelProfile& profile)
{
    drill::DrillOptions d;
    d.profile = profile;
    d.tolerance_usecs = o.tolerance_usecs;
    d.tick_phase_usecs = o.tick_phase_usecs;
    d.why = o.why;
    d.out_dir = OutputDir(o.out.empty() ? (fs::path(RootDir()) / "out" / "drill" / fs::path(o.path).stem()).string()
                                        : o.out,
                          "")
                    .string();
    const drill::DrillOutcome r = drill::RunDrillScript(o.path, d);
    std::cout << r.printed;
    if (o.verbose)
    {
        for (const std::string& n : r.notes)
        {
            std::cout << fmt::format("{}: note: {}\n", o.path, n);
        }
    }
    if (r.status != drill::DrillStatus::Pass)
    {
        std::cerr << r.message << "\n";
        return Code(r.status);
    }
    std::cout << fmt::format("{}: pass ({} packets, profile {}; wrote {})\n", o.path, r.packets, profile.name,
                             (fs::path(d.out_dir) / "trace.pcap").string());
    return 0;
}

} // namespace

void
AddDrillCommand(CLI::App& app, int& exit_code)
{
    auto o = std::make_shared<DrillCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "drill", "Run packetdrill scripts against the model: SCRIPT.pkt, or every .pkt under a folder");
    cmd->add_option("script", o->path, "a .pkt script, or a folder of them (searched recursively)")->required();
    cmd->add_option("--profile", o->profile, "kernel profile of the stack under test (default linux-6.18)");
    cmd->add_option("--out", o->out,
                    "output folder: DIR/trace.pcap and trace.txt (default out/drill/NAME); for a folder, one "
                    "sub-folder per script");
    cmd->add_option("--tolerance-usecs", o->tolerance_usecs,
                    "timing tolerance in microseconds, over the script's --tolerance_usecs (packetdrill's default "
                    "4000)")
        ->check(CLI::Range(int64_t{0}, int64_t{100000000}));
    cmd->add_option("--tick-phase-usecs", o->tick_phase_usecs,
                    "how far into a jiffy (1/hz) the script's time 0 falls; timers kept in jiffies fire up to one "
                    "jiffy apart with it, as on a real kernel from run to run (default: half a jiffy)")
        ->check(CLI::Range(int64_t{0}, int64_t{1000000}));
    cmd->add_flag("-v,--verbose", o->verbose, "also list the sysctls and options accepted without effect");
    cmd->add_flag("--why", o->why,
                  "say why each packet was sent: DIR/trace.pcapng with the reason as each packet's comment and "
                  "a reason column in trace.txt (`sim explain DIR/trace.pcapng N`)");
    cmd->footer("Exit status: 0 pass; 1 a script failed (its first error is printed as packetdrill prints it); "
                "2 a bad script or a feature the model does not have (one line naming it). For a folder: one line "
                "per script (pass, fail, unsupported, bad) and a total; the status is the worst of them.");
    cmd->callback([o, &exit_code]() {
        const KernelProfile profile = LoadKernelProfile(o->profile, RootDir());
        std::error_code ec;
        if (!fs::exists(o->path, ec))
        {
            throw InputError(fmt::format("{}: no such script or folder", o->path));
        }
        exit_code = fs::is_directory(o->path, ec) ? RunFolder(*o, profile) : RunScript(*o, profile);
    });
}

} // namespace sim
