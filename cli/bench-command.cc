// SPDX-License-Identifier: GPL-2.0-only
// `sim bench`: how much faster than the real experiment a scenario replays. Each
// scenario is run as its own process (`sim run NAME -q --no-plot`: the simulation and
// its trace files, not gnuplot), as a user runs it: process start to exit, build
// excluded, median of N runs.
#include "cli/bench-command.h"

#include "cli/app-paths.h"
#include "models/capture/pcap-file.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sys/wait.h>
#include <unistd.h>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct BenchOptions
{
    int runs = 5;
    std::vector<std::string> scenarios;
};

// Wall time of one `sim run` process, in seconds; throws if it fails
double
TimeOneRun(const std::string& self, const std::string& scenario, const fs::path& out)
{
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0)
    {
        const std::string out_dir = out.string();
        execl(self.c_str(), self.c_str(), "run", scenario.c_str(), "-q", "--no-plot", "--out",
              out_dir.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const auto end = std::chrono::steady_clock::now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    {
        throw std::runtime_error(fmt::format("bench: `sim run {}` failed", scenario));
    }
    return std::chrono::duration<double>(end - start).count();
}

// First to last packet of the trace the run wrote
double
SimulatedSeconds(const fs::path& pcap)
{
    const Capture cap = ReadCapture(pcap.string());
    if (cap.frames.size() < 2)
    {
        return 0;
    }
    return static_cast<double>(cap.frames.back().time_ns - cap.frames.front().time_ns) / 1e9;
}

void
Bench(const BenchOptions& opt)
{
    const std::string self = fs::read_symlink("/proc/self/exe").string();
    const std::string root = RootDir();
    std::vector<std::string> names = opt.scenarios.empty() ? ListScenarios(root) : opt.scenarios;
    for (const auto& n : names)
    {
        ResolveScenarioPath(n, root); // unknown names fail before any timing
    }
    char tmpl[] = "/tmp/sim-bench-XXXXXX";
    if (!mkdtemp(tmpl))
    {
        throw std::runtime_error("bench: cannot make a temporary folder");
    }
    const fs::path tmp(tmpl);
    std::unique_ptr<void, void (*)(void*)> cleanup(tmpl, [](void* p) {
        std::error_code ec;
        fs::remove_all(static_cast<const char*>(p), ec);
    });

    std::cout << fmt::format("{:<10} {:>12} {:>14} {:>12}   (median of {} runs)\n",
                             "scenario", "simulated s", "wall ms", "speed-up", opt.runs);
    for (const auto& name : names)
    {
        std::vector<double> wall;
        for (int i = 0; i < opt.runs; ++i)
        {
            wall.push_back(TimeOneRun(self, name, tmp / name));
        }
        std::sort(wall.begin(), wall.end());
        const double median = wall[wall.size() / 2];
        const double simulated = SimulatedSeconds(tmp / name / "trace.pcap");
        std::cout << fmt::format("{:<10} {:>12.6f} {:>14.2f} {:>11.1f}x\n",
                                 name, simulated, median * 1e3, simulated / median)
                  << std::flush;
    }
}

} // namespace

void
AddBenchCommand(CLI::App& app, int& exit_code)
{
    auto opt = std::make_shared<BenchOptions>();
    CLI::App* bench = app.add_subcommand(
        "bench", "Time each scenario (process start to exit, median of N runs) against its simulated duration");
    bench->add_option("scenarios", opt->scenarios, "scenario names (default: all)");
    bench->add_option("-n,--runs", opt->runs, "runs per scenario")->check(CLI::Range(1, 1000));
    bench->callback([opt, &exit_code]() {
        Bench(*opt);
        exit_code = 0;
    });
}

} // namespace sim
