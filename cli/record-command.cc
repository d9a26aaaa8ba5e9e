// SPDX-License-Identifier: GPL-2.0-only
// `sim record SCENARIO [--out DIR]`: run the scenario's programs for real on this host
// (real sockets, real kernel, the scenario's think times as real sleeps) and write
// DIR/real.pcap and DIR/recorded.toml (the scenario with the run's own call times:
// recorded-scenario.h). A loopback scenario runs on this host's lo, on a free port,
// captured on "any" as Linux cooked v1; an ethernet one between two network
// namespaces joined by a bridge that drops the scenario's [link] drop packets
// (netns-link.h), captured on the capture host's interface with the scenario's link
// type.
#include "cli/record-command.h"

#include "cli/app-paths.h"
#include "cli/run-command.h"
#include "models/capture/live-capture.h"
#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"
#include "models/programs/real-runner.h"
#include "models/record/kernel-trace.h"
#include "models/record/netns-link.h"
#include "models/record/netns.h"
#include "models/record/tool-run.h"
#include "models/scenario/bind-check.h"
#include "models/scenario/recorded-scenario.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sched.h>
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
    bool kernel_state = false; // also kstate.csv: the kernel's TCP state, from its tracepoints
};

// The programs started so far; any still running when the recording ends, however it
// ends, is stopped by its id
struct Programs
{
    std::vector<pid_t> pids;
    ~Programs() { Stop(); }
    void Stop()
    {
        for (pid_t pid : pids)
        {
            if (kill(pid, 0) == 0) // an exited one was reaped by Exited()
            {
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, 0);
            }
        }
        pids.clear();
    }
};

// The recorder's own polling (the capture's ring, the programs' exits) runs at
// SCHED_IDLE while the programs run: a woken SCHED_IDLE task does not preempt a normal
// one (check_preempt_wakeup_fair()), and runs on a CPU they leave idle. Traced with
// sched_switch over a seed 30 campaign (100 x 3): at the default policy, polling every
// 500 us, the recorder took a program's CPU (prev_state R) 280 times in 157 of the 300
// runs, median 61 us, up to 753 us, inside the calls whose timing the recording
// measures; at SCHED_IDLE polling every 5 ms, 18 times in 13 runs. The capture's ring
// (LiveCapture) keeps what the polls have not taken.
class IdleWhileRecording
{
  public:
    IdleWhileRecording()
    {
        const sched_param idle{};
        m_policy = sched_getscheduler(0);
        m_ok = m_policy >= 0 && sched_getparam(0, &m_param) == 0 && sched_setscheduler(0, SCHED_IDLE, &idle) == 0;
    }
    ~IdleWhileRecording()
    {
        if (m_ok)
        {
            sched_setscheduler(0, m_policy, &m_param);
        }
    }
    IdleWhileRecording(const IdleWhileRecording&) = delete;
    IdleWhileRecording& operator=(const IdleWhileRecording&) = delete;

  private:
    int m_policy = -1;
    sched_param m_param{};
    bool m_ok = false;
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
    if (sc.link.kind != "loopback" && sc.link.delay.IsStrictlyPositive())
    {
        std::cerr << fmt::format("sim: warning: record: {}: [link] delay_ms = {} is not emulated (no sch_netem in "
                                 "this kernel): the recording is of a link with no delay and no rate limit\n",
                                 sc.name, sc.link.delay.GetMicroSeconds() / 1e3);
    }
    const fs::path dir = OutputDir(a.out, sc.name);
    const RealRecording rec = RecordRun(sc, a.timeout_s, a.kernel_state);
    const fs::path out = dir / "real.pcap";
    WritePcap(out.string(), rec.capture);
    WriteFileAtomic((dir / "calls.csv").string(), CallsCsv(rec.run));
    if (a.kernel_state)
    {
        WriteFileAtomic((dir / "kstate.csv").string(), rec.kernel_state);
    }
    const fs::path toml = dir / "recorded.toml";
    WriteFileAtomic(toml.string(), RecordedScenarioToml(path, DeriveRecordedInputs(sc, rec.run)));
    std::cout << fmt::format("{}: recorded {} packets on port {} with this host's kernel; wrote {} and {}\n",
                             sc.name, rec.capture.frames.size(), rec.port, out.string(), toml.string());
}

// Not a Linux TCP (slirp): a fixed window, or no delayed ACKs (kernel-profile.h)
bool
IsLinux(const KernelProfile& p)
{
    return p.fixed_window == 0 && p.delayed_ack;
}

void
CheckEthernetRecordable(const Scenario& sc)
{
    for (const KernelProfile* p : {&sc.profile, &sc.server_profile})
    {
        if (!IsLinux(*p))
        {
            throw InputError(fmt::format("record: {} has a {} host, not a Linux kernel; a recording runs both "
                                         "programs on this host's kernel", sc.name, p->name));
        }
    }
    const ns3::Ipv4Mask slash24("255.255.255.0");
    if (!(sc.client.server.CombineMask(slash24) == sc.client.address.CombineMask(slash24)))
    {
        throw InputError(fmt::format("record: {}: client.server {} is off the client's /24 ({}); a recording "
                                     "puts both hosts on one /24", sc.name, AddressText(sc.client.server),
                                     AddressText(sc.client.address)));
    }
    LinkFaults random = sc.link.faults;
    random.drop_client.clear();
    random.drop_server.clear();
    if (random.Any())
    {
        // The model draws its own from --seed: a recording of other draws could not be
        // replayed. The drop lists say which packets, and both sides follow them.
        throw InputError(fmt::format("record: {}: [link] loses, copies or reorders packets at random (loss, "
                                     "duplicate, reorder); a recording takes only the drop lists "
                                     "(drop = {{ client = [...], server = [...] }})", sc.name));
    }
    if (sc.link.queue_bytes)
    {
        // A queue fills at the link's rate, and the bridge has none
        throw InputError(fmt::format("record: {}: [link] queue_bytes needs a rate limit, which a recording's "
                                     "link does not have", sc.name));
    }
}

// The real programs are a sequential server and a browser with one connection whose
// requests follow each other: what a recording's call times can replay
void
CheckHttpRecordable(const Scenario& sc)
{
    const auto fail = [&](const std::string& why) {
        throw InputError(fmt::format("record: {}: {}; a recording runs a sequential HTTP server and a browser "
                                     "with one connection whose requests follow each other", sc.name, why));
    };
    if (sc.link.kind != "loopback")
    {
        fail("its link is not loopback");
    }
    if (sc.http_server->concurrency != 1)
    {
        fail("[server] concurrency is not 1");
    }
    const BrowserConfig& b = *sc.browser;
    if (b.connections.size() != 1)
    {
        fail(fmt::format("the browser opens {} connections", b.connections.size()));
    }
    for (const BrowserRequest& r : b.requests)
    {
        if (r.at || r.stall_after)
        {
            fail(fmt::format("a request for {} has an `at` or a `stall`", r.path));
        }
    }
}

} // namespace

void
CheckRecordable(const Scenario& sc, const std::string& name)
{
    if (sc.http_server)
    {
        CheckHttpRecordable(sc);
    }
    if (sc.link.kind == "loopback" && sc.link.faults.Any())
    {
        // lo has no middle to lose a packet in: the capture would show every packet
        // arrive, and the replay would lose some
        throw InputError(fmt::format("record: {} loses packets on a loopback link; a recording drops them only "
                                     "between two hosts (make it [link] kind = \"ethernet\")", sc.name));
    }
    if (sc.link.kind != "loopback")
    {
        CheckEthernetRecordable(sc);
    }
    if (geteuid() != 0)
    {
        throw InputError("record: capturing needs root (run it as root, e.g. sudo ./sim record " + name + ")");
    }
    if (sc.link.kind != "loopback")
    {
        if (FindTool("ip").empty())
        {
            throw InputError(fmt::format("record: {} runs over an ethernet link, which needs the ip command "
                                         "(Debian package iproute2) to build its network namespaces", sc.name));
        }
        if ((!sc.link.faults.drop_client.empty() || !sc.link.faults.drop_server.empty()) && FindTool("nft").empty())
        {
            throw InputError(fmt::format("record: {} drops packets, which needs the nft command (Debian package "
                                         "nftables: apt-get install nftables)", sc.name));
        }
    }
}

RealRecording
RecordRun(Scenario sc, double timeout_s, bool kernel_state)
{
    RealRecording rec;
    const std::string filter = [&] {
        if (sc.link.kind == "loopback")
        {
            // A free port for the server; the client's port is the kernel's choice
            rec.port = FreeTcpPort();
            sc.server.port = rec.port;
            sc.client.server_port = rec.port;
            if (sc.http_server)
            {
                sc.http_server->port = rec.port;
                sc.browser->server_port = rec.port;
            }
        }
        else
        {
            // Namespaces of their own: the scenario's port is free there
            rec.port = sc.server.port;
        }
        return fmt::format("tcp port {}", rec.port);
    }();
    // Declared in this order so that, however the run ends, the programs are
    // stopped and the capture closed before the link's namespaces are deleted
    std::optional<NetnsLink> link;
    std::optional<LiveCapture> capture;
    if (sc.link.kind == "loopback")
    {
        capture.emplace(filter);
    }
    else
    {
        RemoveStaleRecordNetns(FindTool("ip"));
        link.emplace(sc);
        // Ethernet headers from the host's interface itself; cooked ones from the
        // "any" device of its namespace, whose one interface with traffic is that
        // veth (libpcap offers no cooked headers on a veth: DLT_EN10MB and DLT_DOCSIS)
        EnterNetns in(link->CaptureNs());
        capture.emplace(filter, sc.capture_link == LinkType::Ethernet ? link->CaptureDevice() : "any",
                        sc.capture_link);
    }
    // Each program forked in its host's namespace (the parent's for loopback)
    const auto in_host = [&](const std::string& ns, auto start) {
        std::optional<EnterNetns> in;
        if (link)
        {
            in.emplace(ns);
        }
        return start();
    };

    CallTimeline server_log;
    CallTimeline client_log;
    // follows this process's children from here: the programs forked next
    KernelTrace trace(getpid(), kernel_state);
    if (!trace.Ok())
    {
        static bool told = false;
        if (!told)
        {
            std::cerr << "sim: record: no kernel trace (" << trace.Why()
                      << "); recorded.toml infers when reads copied\n";
            told = true;
        }
    }
    if (kernel_state && !trace.StateOk())
    {
        static bool told = false;
        if (!told)
        {
            std::cerr << "sim: record: no kernel state (" << trace.Why()
                      << "); kstate.csv will hold its header only (the tracepoints tcp:tcp_probe and "
                         "tcp:tcp_rcvbuf_grow are needed, with tracefs and root)\n";
            told = true;
        }
    }
    Programs programs;
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const pid_t server = in_host(link ? link->ServerNs() : "", [&] {
        return sc.http_server ? StartRealHttpServer(*sc.http_server, &server_log)
                              : StartRealEchoServer(sc.server, &server_log);
    });
    programs.pids.push_back(server);
    const pid_t client = in_host(link ? link->ClientNs() : "", [&] {
        return sc.browser ? StartRealBrowser(*sc.browser, &client_log) : StartRealEchoClient(sc.client, &client_log);
    });
    programs.pids.push_back(client);
    bool server_done = false;
    bool client_done = false;
    auto done_at = clock::time_point::max();
    {
        const IdleWhileRecording idle; // until the programs are done
        for (;;)
        {
            capture->Poll();
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
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    programs.Stop();
    capture->Poll();
    const std::vector<KernelEvent> events = trace.Stop();
    rec.capture = capture->Result();
    rec.dropped = capture->Dropped();
    if (rec.dropped)
    {
        std::cerr << fmt::format("sim: record: the capture missed {} packets of {} (its ring was full); "
                                 "real.pcap lacks them: record it again on a less busy host\n",
                                 rec.dropped, sc.name);
    }
    rec.run.client_calls = client_log.Calls();
    rec.run.server_calls = server_log.Calls();
    rec.run.packets = DecodeCapture(rec.capture);
    rec.run.realtime_minus_monotonic_ns = RealtimeMinusMonotonicNs();
    AttachKernelEvents(events, client, rec.run.realtime_minus_monotonic_ns, rec.run.client_calls,
                       &rec.run.client_turns);
    AttachKernelEvents(events, server, rec.run.realtime_minus_monotonic_ns, rec.run.server_calls,
                       &rec.run.server_turns);
    rec.run.last_tick_monotonic_ns = LastTickMonotonicNs();
    if (kernel_state)
    {
        // this run's connection: its two ports, as the capture has them
        std::vector<uint16_t> ports;
        if (!rec.run.packets.empty())
        {
            ports = {rec.run.packets.front().sport, rec.run.packets.front().dport};
        }
        rec.kernel_state = KernelStateCsv(events, rec.run.realtime_minus_monotonic_ns, ports);
    }
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
    cmd->add_flag("--kernel-state", a->kernel_state,
                  "also write kstate.csv: the kernel's TCP state at each segment a socket received "
                  "(tracepoint tcp_probe: cwnd, srtt, windows) and at each receive-buffer growth "
                  "(tcp_rcvbuf_grow), to compare with the model's (sim explain); needs tracefs");
    cmd->add_option("--timeout", a->timeout_s, "stop the programs after this many seconds")
        ->check(CLI::PositiveNumber);
    cmd->footer("The echo programs, or the HTTP server and a browser with one connection whose requests follow "
                "each other (on a loopback link). Exit status: 0 recorded, 2 on bad input or without root.");
    cmd->callback([a, &exit_code]() {
        Record(*a);
        exit_code = 0;
    });
}

} // namespace sim
