// SPDX-License-Identifier: GPL-2.0-only
#include "cli/run-command.h"

#include "cli/app-paths.h"
#include "cli/plot-command.h"
#include "models/capture/kernel-state.h"
#include "models/capture/trace-table.h"
#include "models/capture/trace-writer.h"
#include "models/config/toml-input.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace sim
{

namespace fs = std::filesystem;

fs::path
OutputDir(const std::string& requested, const std::string& name)
{
    const fs::path dir = requested.empty() ? fs::path(RootDir()) / "out" / name : fs::path(requested);
    // As `mkdir -p`: missing folders are made; only something that is not a folder in
    // the way (or no permission) stops the run, before anything is written.
    fs::path in_the_way;
    for (fs::path p = dir; !p.empty(); p = p.parent_path())
    {
        std::error_code ec;
        const fs::file_status st = fs::status(p, ec);
        if (fs::exists(st) && !fs::is_directory(st))
        {
            in_the_way = p;
            break;
        }
        if (p == p.parent_path())
        {
            break;
        }
    }
    if (!in_the_way.empty())
    {
        throw InputError(fmt::format("{}: output folder cannot be made: {} is not a folder",
                                     dir.string(), in_the_way.string()));
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
    {
        throw InputError(fmt::format("{}: output folder cannot be made: {}", dir.string(), ec.message()));
    }
    return dir;
}

// Above this many packets no seq.png is drawn: gnuplot would take long, and a picture
// of them all says little (`sim plot --stream N` draws one connection)
constexpr uint64_t kPlotMaxPackets = 200000;

uint64_t
RunOne(const RunOptions& opt)
{
    const std::string root = RootDir();
    const std::string path = ResolveScenarioPath(opt.scenario, root);
    Scenario sc = LoadScenario(path, root, opt.profile, opt.seed);
    if (opt.snaplen)
    {
        sc.snaplen = opt.snaplen;
    }
    const fs::path dir = OutputDir(opt.out, sc.name);
    const std::string pcap = (dir / "trace.pcap").string();
    const std::string txt = (dir / "trace.txt").string();

    const auto run_start = std::chrono::steady_clock::now(); // `sim bench`: the run without start-up
    // the trace is written as the packets leave; the table is printed as it grows
    TraceWriter writer(pcap, txt, sc.capture_link, sc.snaplen, opt.absolute, opt.quiet ? nullptr : &std::cout);
    if (opt.why)
    {
        writer.Explain((dir / "trace.pcapng").string());
    }
    if (opt.kernel_state)
    {
        KernelStateLog::Start((dir / "kstate.csv").string());
    }
    const RunResult res = RunScenario(sc, [&writer](Frame&& f) { writer.Write(f); }, opt.why);
    writer.Commit();
    if (!KernelStateLog::Finish())
    {
        throw InputError(fmt::format("run: cannot write {}", (dir / "kstate.csv").string()));
    }
    // `sim bench` runs this as a child and asks it for what only the run knows
    if (const char* stats = std::getenv("SIM_STATS_FILE"); stats && *stats)
    {
        const std::chrono::duration<double> run_wall = std::chrono::steady_clock::now() - run_start;
        std::ofstream(stats) << "events=" << res.events << "\nrun_wall_s=" << run_wall.count() << "\n";
    }

    if (!opt.no_plot && writer.Rows() > 0)
    {
        try
        {
            if (writer.Rows() > kPlotMaxPackets)
            {
                throw std::runtime_error(fmt::format("{} packets are too many for one picture (over {}); "
                                                     "draw a part with `sim plot {} --stream N`",
                                                     writer.Rows(), kPlotMaxPackets, pcap));
            }
            PlotRun(sc.name + " (" + sc.profile.name + ")", AnalyzeTrace(DecodeCapture(ReadCapture(pcap))),
                    (dir / "seq.png").string());
        }
        catch (const std::exception& e)
        {
            // the trace is written; the picture is a convenience
            std::cerr << "sim: warning: no seq.png: " << e.what() << "\n";
        }
    }
    // A program still blocked: the trace is right, but the real experiment would hang
    std::string still_blocked;
    for (const BlockedCall& b : res.blocked)
    {
        const double at = static_cast<double>(b.since.GetNanoSeconds() - static_cast<int64_t>(res.first_ns)) / 1e9;
        std::cerr << fmt::format("sim: warning: {}: {} is still blocked in {} since {:.6f} s when no event "
                                 "is left; the real experiment would hang there\n",
                                 sc.name, b.program, b.call, at);
        still_blocked += fmt::format("; {} still blocked in {} since {:.6f} s", b.program, b.call, at);
    }
    if (!opt.quiet)
    {
        std::cout << fmt::format("{}: {} packets, {:.6f} s simulated, profile {}{}; wrote {}{} and {}\n",
                                 sc.name,
                                 res.frames,
                                 res.simulated_s,
                                 sc.profile.name,
                                 still_blocked,
                                 pcap,
                                 opt.why ? ", " + (dir / "trace.pcapng").string() : "",
                                 txt);
    }
    return writer.Rows();
}

void
AddRunCommands(CLI::App& app, int& exit_code)
{
    auto opt = std::make_shared<RunOptions>();
    CLI::App* run = app.add_subcommand("run", "Simulate a scenario; write DIR/trace.pcap, trace.txt and seq.png");
    run->add_option("scenario", opt->scenario, "scenario name (see `sim list`) or path to a .toml")
        ->required();
    run->add_option("--out", opt->out, "output folder (default: out/NAME)");
    run->add_option("--profile", opt->profile, "kernel profile instead of the scenario's (e.g. linux-6.18)");
    run->add_option("--seed", opt->seed, "draws what the scenario leaves to chance (ISNs, TS clock bases)");
    run->add_flag("--absolute", opt->absolute, "raw sequence numbers in the table");
    run->add_flag("-q,--quiet", opt->quiet, "do not print the table");
    run->add_flag("--no-plot", opt->no_plot, "do not draw DIR/seq.png");
    run->add_flag("--why", opt->why,
                  "say why each packet was sent: a reason column in the table and trace.txt, and "
                  "DIR/trace.pcapng with the reason and the socket's state as each packet's comment "
                  "(Wireshark shows it; `sim explain` prints it)");
    run->add_flag("--kernel-state", opt->kernel_state,
                  "also write DIR/kstate.csv: the model's TCP state at each segment a socket receives "
                  "and before each receive-buffer growth, in the columns of sim record --kernel-state "
                  "(the kernel's tcp_probe and tcp_rcvbuf_grow tracepoints), to set beside a recording's");
    run->add_option("--snaplen", opt->snaplen,
                    "bytes kept of each frame, as tcpdump -s (default: the scenario's [capture] snaplen, "
                    "else whole packets)")
        ->check(CLI::Range(uint32_t{1}, kDefaultSnaplen));
    run->callback([opt, &exit_code]() {
        RunOne(*opt);
        exit_code = 0;
    });

    CLI::App* list = app.add_subcommand("list", "List the scenarios, one line each");
    list->callback([&exit_code]() {
        const std::string root = RootDir();
        for (const auto& name : ListScenarios(root))
        {
            std::cout << fmt::format("{:<12} {}\n",
                                     name,
                                     ScenarioDescription(ResolveScenarioPath(name, root)));
        }
        exit_code = 0;
    });

    auto all_out = std::make_shared<std::string>();
    auto all_profile = std::make_shared<std::string>();
    auto all_no_plot = std::make_shared<bool>(false);
    CLI::App* all = app.add_subcommand("all", "Simulate every scenario (out/NAME for each)");
    all->add_flag("--no-plot", *all_no_plot, "do not draw the seq.png pictures");
    all->add_option("--out", *all_out, "parent folder for the NAME folders (default: out)");
    all->add_option("--profile", *all_profile, "kernel profile instead of each scenario's");
    all->callback([all_out, all_profile, all_no_plot, &exit_code]() {
        const std::string root = RootDir();
        for (const auto& name : ListScenarios(root))
        {
            RunOptions o;
            o.scenario = name;
            o.profile = *all_profile;
            o.quiet = true;
            o.no_plot = *all_no_plot;
            if (!all_out->empty())
            {
                o.out = (fs::path(*all_out) / name).string();
            }
            const uint64_t packets = RunOne(o);
            std::cout << fmt::format("{:<12} {:>6} packets\n", name, packets);
        }
        exit_code = 0;
    });
}

} // namespace sim
