// SPDX-License-Identifier: GPL-2.0-only
// `sim record SCENARIO [--out DIR]`: run the scenario's programs for real on this host
// (real sockets, real kernel, the scenario's think times as real sleeps) on a free
// port, capture them on "any" as Linux cooked v1, and write DIR/real.pcap and
// DIR/recorded.toml (the scenario with the run's own call times: recorded-scenario.h).
#include "cli/record-command.h"

#include "cli/app-paths.h"
#include "cli/run-command.h"
#include "models/capture/live-capture.h"
#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"
#include "models/programs/real-runner.h"
#include "models/scenario/recorded-scenario.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct RecordArgs
{
    std::string scenario;
    std::string out;
    double timeout_s = 60;
    bool replay = false; // derive recorded.toml again from DIR's calls.csv and real.pcap
    std::string profile;  // the profile recorded.toml will be simulated with
};

bool
Exited(pid_t pid)
{
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == pid;
}

void
Record(const RecordArgs& a)
{
    const std::string root = RootDir();
    const std::string path = ResolveScenarioPath(a.scenario, root);
    const Scenario sc = LoadScenario(path, root, a.profile);
    if (a.replay)
    {
        const fs::path dir = a.out.empty() ? fs::path("out") / sc.name : fs::path(a.out);
        RecordedRun run = ReadCallsCsv((dir / "calls.csv").string());
        run.packets = DecodeCapture(ReadCapture((dir / "real.pcap").string()));
        const fs::path toml = dir / "recorded.toml";
        WriteFileAtomic(toml.string(), RecordedScenarioToml(path, DeriveRecordedInputs(sc, run)));
        std::cout << fmt::format("{}: wrote {} from the run's calls.csv and real.pcap\n", sc.name, toml.string());
        return;
    }
    CheckRecordable(sc, a.scenario);
    const fs::path dir = OutputDir(a.out, sc.name);
    const RealRecording rec = RecordRun(sc, a.timeout_s);
    const fs::path out = dir / "real.pcap";
    WritePcap(out.string(), rec.capture);
    WriteFileAtomic((dir / "calls.csv").string(), CallsCsv(rec.run));
    const fs::path toml = dir / "recorded.toml";
    WriteFileAtomic(toml.string(), RecordedScenarioToml(path, DeriveRecordedInputs(sc, rec.run)));
    std::cout << fmt::format("{}: recorded {} packets on port {} with this host's kernel; wrote {} and {}\n",
                             sc.name, rec.capture.frames.size(), rec.port, out.string(), toml.string());
}

} // namespace

void
CheckRecordable(const Scenario& sc, const std::string& name)
{
    if (sc.http_server)
    {
        throw InputError(fmt::format("record: {} runs the HTTP server and browser; recording is done for "
                                     "the echo programs only", sc.name));
    }
    if (sc.link.kind != "loopback")
    {
        // Two namespaces joined by a veth pair would carry it; the link's delay needs
        // netem (sch_netem), which not every kernel has (this project's does not)
        throw InputError(fmt::format("record: {} runs over an {} link; recording is done for loopback "
                                     "scenarios only (two network namespaces and netem would be needed)",
                                     sc.name, sc.link.kind));
    }
    if (geteuid() != 0)
    {
        throw InputError("record: capturing needs root (run it as root, e.g. sudo ./sim record " + name + ")");
    }
}

RealRecording
RecordRun(Scenario sc, double timeout_s)
{
    // A free port for the server; the client's port is the kernel's choice
    RealRecording rec;
    rec.port = FreeTcpPort();
    sc.server.port = rec.port;
    sc.client.server_port = rec.port;

    CallTimeline server_log;
    CallTimeline client_log;
    LiveCapture capture(fmt::format("tcp port {}", rec.port));
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const pid_t server = StartRealEchoServer(sc.server, &server_log);
    const pid_t client = StartRealEchoClient(sc.client, &client_log);
    bool server_done = false;
    bool client_done = false;
    auto done_at = clock::time_point::max();
    for (;;)
    {
        capture.Poll();
        server_done = server_done || Exited(server);
        client_done = client_done || Exited(client);
        const auto now = clock::now();
        if (server_done && client_done && done_at == clock::time_point::max())
        {
            done_at = now; // the last ACKs follow the closes within microseconds
        }
        if (now - done_at > std::chrono::milliseconds(200))
        {
            break;
        }
        if (now - start > std::chrono::duration<double>(timeout_s))
        {
            std::cerr << fmt::format("sim: record: {} did not finish in {} s; stopping it\n", sc.name, timeout_s);
            rec.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    // Every process we started is stopped by its id
    for (pid_t pid : {server, client})
    {
        if (kill(pid, 0) == 0)
        {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
    capture.Poll();
    rec.capture = capture.Result();
    rec.run.client_calls = client_log.Calls();
    rec.run.server_calls = server_log.Calls();
    rec.run.packets = DecodeCapture(rec.capture);
    rec.run.realtime_minus_monotonic_ns = RealtimeMinusMonotonicNs();
    rec.run.last_tick_monotonic_ns = LastTickMonotonicNs();
    return rec;
}

void
AddRecordCommand(CLI::App& app, int& exit_code)
{
    auto a = std::make_shared<RecordArgs>();
    CLI::App* cmd = app.add_subcommand(
        "record", "Run the scenario's programs on this host's kernel and capture them (needs root)");
    cmd->add_option("scenario", a->scenario, "scenario name or path to a .toml")->required();
    cmd->add_option("--out", a->out, "output folder (default: out/NAME); writes real.pcap, calls.csv and recorded.toml");
    cmd->add_option("--profile", a->profile,
                    "the kernel profile recorded.toml is for (default: the scenario's): its loopback "
                    "latencies place the recorded call times on the simulation's clock");
    cmd->add_flag("--replay", a->replay,
                  "record nothing: write recorded.toml again from the calls.csv and real.pcap already in --out "
                  "(needs no root)");
    cmd->add_option("--timeout", a->timeout_s, "stop the programs after this many seconds")
        ->check(CLI::PositiveNumber);
    cmd->callback([a, &exit_code]() {
        Record(*a);
        exit_code = 0;
    });
}

} // namespace sim
