// SPDX-License-Identifier: GPL-2.0-only
// `sim conform --seed S -n N [--runs R] [--out DIR]`: how often the model reproduces
// experiments nobody wrote down. N random experiments, echo and HTTP
// (models/scenario/random-experiment.h), each recorded R times on this host's kernel;
// each recording is simulated from its own recorded.toml (its measured call times, ISNs, ports and TS clocks: so the comparison
// measures the kernel model alone) and compared packet by packet in the relative
// fields. Mismatches are grouped by their first differing field and the kind of packet.
#include "cli/conform-command.h"

#include "cli/app-paths.h"
#include "cli/bench-process.h"
#include "cli/record-command.h"
#include "cli/run-command.h"
#include "models/capture/compare.h"
#include "models/capture/kernel-state.h"
#include "models/capture/pcap-file.h"
#include "models/capture/trace-table.h"
#include "models/config/toml-input.h"
#include "models/scenario/random-experiment.h"
#include "models/scenario/recorded-scenario.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct ConformArgs
{
    uint64_t seed = 1;
    uint64_t n = 10;
    uint64_t runs = 3;
    uint64_t first = 1;
    std::string out;
    std::string profile = "linux-6.18";
    double timeout_s = 10;
    bool replay = false; // simulate the recordings already in --out again
    bool kernel_state = false; // each recording's kstate.csv too (record --kernel-state)
    uint64_t retakes = 0; // a run the host disturbed is recorded again, up to this many times
    ExperimentPrograms programs = ExperimentPrograms::Both;
};

struct RunResult
{
    Experiment exp;
    uint64_t run = 0;
    size_t real_packets = 0;
    size_t sim_packets = 0;
    size_t matched = 0;
    size_t slots = 0;
    bool exact = false;
    bool hung = false;  // the real programs did not finish (both blocked: a deadlock)
    std::string klass;  // empty when exact
    std::string detail; // the first difference, one line
    std::string state;  // with a recorded kstate.csv: the first difference in the TCP state
    int64_t short_send_ns = 0; // LongestShortSendNs() of the recording
    uint64_t takes = 1;        // recordings made of this run (--retakes): the last is kept
    bool repeated = false;     // another run of the experiment captured the same packets (MarkRepeated())
    std::vector<PacketRecord> real; // the capture, until MarkRepeated() has compared it
};


std::string
ReadFileText(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kAck = 0x10;

// What kind of packet a row is, as Wireshark would call it
std::string
KindOf(const std::vector<TraceRow>& rows, size_t number)
{
    if (number == 0 || number > rows.size())
    {
        return "?";
    }
    const TraceRow& r = rows[number - 1];
    const uint8_t f = r.rec.flags;
    if (f & kRst)
    {
        return "RST";
    }
    if (f & kSyn)
    {
        return (f & kAck) ? "SYN-ACK" : "SYN";
    }
    // sent before, by the same side: a retransmission
    for (size_t i = 0; i + 1 < number; ++i)
    {
        const TraceRow& o = rows[i];
        if (o.stream == r.stream && o.from_client == r.from_client && r.rec.len > 0 && o.rec.len > 0 &&
            o.rel_seq + o.rec.len > r.rel_seq)
        {
            return "retransmission";
        }
    }
    if (f & kFin)
    {
        return r.rec.len > 0 ? "data+FIN" : "FIN";
    }
    if (r.rec.len > 0)
    {
        return "data";
    }
    return r.win == 0 ? "zero-window ACK" : "ACK";
}

void
Classify(RunResult& res, const CompareResult& cmp, const std::vector<TraceRow>& sim, const std::vector<TraceRow>& real)
{
    res.matched = cmp.matched;
    res.slots = cmp.slots;
    res.exact = cmp.diffs.empty() && cmp.matched == cmp.slots;
    if (res.exact)
    {
        return;
    }
    const PacketDiff& d = cmp.diffs.front();
    if (d.where == "missing in SIM")
    {
        res.klass = "REAL has more packets: " + KindOf(real, d.number);
    }
    else if (d.where == "extra in SIM")
    {
        res.klass = "SIM has more packets: " + KindOf(sim, d.number);
    }
    else
    {
        res.klass = fmt::format("{} of {}", d.fields.empty() ? "?" : d.fields.front().field, KindOf(real, d.number));
    }
    res.detail = fmt::format("no.{} {}", d.number, d.where);
    for (const FieldDiff& f : d.fields)
    {
        res.detail += fmt::format("; {}: REAL {} SIM {}", f.field, f.real, f.sim);
    }
}

std::string
CsvField(const std::string& s)
{
    std::string out = "\"";
    for (char c : s)
    {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

std::string
Kernel()
{
    utsname u{};
    uname(&u);
    return std::string(u.sysname) + " " + u.release;
}

// Runs whose real programs finished (the others hung), and of those the exact ones
struct Tally
{
    size_t finished = 0;
    size_t exact = 0;
    size_t hung = 0;

    // Of `results`, those `counted` (all when none is given)
    explicit Tally(const std::vector<RunResult>& results,
                   const std::function<bool(const RunResult&)>& counted = {})
    {
        for (const RunResult& r : results)
        {
            if (counted && !counted(r))
            {
                continue;
            }
            hung += r.hung ? 1 : 0;
            exact += r.exact ? 1 : 0;
            finished += r.hung ? 0 : 1;
        }
    }

    double Percent() const { return finished == 0 ? 0.0 : 100.0 * static_cast<double>(exact) / finished; }
};

// --programs, by name
const std::map<std::string, ExperimentPrograms> kProgramsByName = {
    {"echo", ExperimentPrograms::Echo}, {"http", ExperimentPrograms::Http}, {"both", ExperimentPrograms::Both}};

std::string
ProgramsName(ExperimentPrograms p)
{
    for (const auto& [name, value] : kProgramsByName)
    {
        if (value == p)
        {
            return name;
        }
    }
    return "both";
}

void
WriteReports(const fs::path& dir, const ConformArgs& a, const std::vector<RunResult>& results, double wall_s)
{
    std::string csv = "experiment,run,programs,message_bytes,sends,reads,server_buffer,multiplier,sleep_s,nodelay,"
                      "interleave,files,request_size,read_size,shortened,hung,real_packets,sim_packets,matched,slots,"
                      "exact,class,first_difference,first_state_difference,longest_short_send_us,takes,repeated\n";
    std::map<std::string, std::vector<const RunResult*>> classes;
    for (const RunResult& r : results)
    {
        auto list = [](const std::vector<uint32_t>& v) {
            std::string out;
            for (uint32_t x : v)
            {
                out += (out.empty() ? "" : " ") + std::to_string(x);
            }
            return out;
        };
        // the other kind's columns stay empty
        std::string echo = ",,,,,,,";
        std::string http = ",,";
        if (const auto& e = r.exp.echo)
        {
            echo = fmt::format("{},{},{},{},{},{},{},{}", e->MessageBytes(), e->sends, list(e->recv_sizes),
                               e->recv_size, e->reply_multiplier, e->sleep_s, e->nodelay, e->interleave);
        }
        if (const auto& h = r.exp.http)
        {
            http = fmt::format("{},{},{}", list(h->files), h->request_size, h->read_size);
        }
        csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.exp.number, r.run,
                           r.exp.Programs(), echo, http, r.exp.Shortened(), r.hung, r.real_packets, r.sim_packets,
                           r.matched, r.slots, r.exact ? 1 : 0, CsvField(r.klass), CsvField(r.detail),
                           CsvField(r.state), r.short_send_ns / 1000, r.takes, r.repeated);
        if (!r.exact)
        {
            classes[r.klass].push_back(&r);
        }
    }
    WriteFileAtomic((dir / "results.csv").string(), csv);

    std::string md = fmt::format("# Conformance: {} experiments x {} runs\n\n", a.n, a.runs);
    const std::string options = (a.first != 1 ? fmt::format(" --first {}", a.first) : std::string()) +
                                (a.programs != ExperimentPrograms::Both ? " --programs " + ProgramsName(a.programs)
                                                                        : std::string()) +
                                (a.kernel_state ? " --kernel-state" : "") +
                                (a.retakes ? fmt::format(" --retakes {}", a.retakes) : std::string()) +
                                (a.replay ? " --replay" : "");
    md += fmt::format("Command: `./sim conform --seed {} -n {} --runs {}{}` (as root), on {}; profile `{}`; "
                      "{:.0f} s.\n\n",
                      a.seed, a.n, a.runs, options, Kernel(), a.profile, wall_s);
    const Tally t(results);
    md += fmt::format("**Exact: {} of {} runs ({:.1f}%)** whose programs finished: every packet equal in every "
                      "relative field (direction, flags, relative seq/ack, length, scaled window, options, frame "
                      "length). {} more runs hung (the real programs deadlocked and were stopped) and are not "
                      "compared.\n\n",
                      t.exact, t.finished, t.Percent(), t.hung);
    for (const char* kind : {"echo", "http"})
    {
        const Tally k(results, [kind](const RunResult& r) { return std::string(r.exp.Programs()) == kind; });
        if (k.finished + k.hung > 0)
        {
            md += fmt::format("- {} experiments: {} of {} finished runs exact ({:.1f}%), {} hung\n", kind, k.exact,
                              k.finished, k.Percent(), k.hung);
        }
    }
    if (a.runs > 1)
    {
        const Tally rep(results, [](const RunResult& r) { return r.repeated; });
        const Tally other(results, [](const RunResult& r) { return !r.repeated; });
        md += fmt::format("\nRuns the kernel repeated (another run of the same experiment captured the same packets, "
                          "every relative field; results.csv's repeated): **{} of {} exact ({:.1f}%)**. The others, whose "
                          "packets differed from every other run's (timing decided them): {} of {} exact ({:.1f}%).\n",
                          rep.exact, rep.finished, rep.Percent(), other.exact, other.finished, other.Percent());
    }
    {
        const auto stalled = [](const RunResult& r) { return r.short_send_ns > kShortSendStallNs; };
        const Tally s(results, stalled);
        const Tally o(results, [&stalled](const RunResult& r) { return !stalled(r); });
        md += fmt::format("\nRuns in which a send of under 64 KiB spent over {} us in the kernel (its task lost the "
                          "CPU inside the call, or waited for buffer space; results.csv's longest_short_send_us): "
                          "{} of {} exact. The other runs: {} of {} exact ({:.1f}%).\n",
                          kShortSendStallNs / 1000, s.exact, s.finished, o.exact, o.finished, o.Percent());
        size_t retaken = 0;
        size_t takes = 0;
        for (const RunResult& r : results)
        {
            retaken += r.takes > 1 ? 1 : 0;
            takes += r.takes;
        }
        if (retaken)
        {
            md += fmt::format("{} runs were recorded again because such a send came in their first take "
                              "(--retakes; results.csv's takes): {} recordings for {} runs, the last take kept.\n",
                              retaken, takes, results.size());
        }
    }
    md += "\n| class (first difference) | runs | example |\n|---|---|---|\n";
    std::vector<std::pair<std::string, std::vector<const RunResult*>>> sorted(classes.begin(), classes.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& x, const auto& y) { return x.second.size() > y.second.size(); });
    for (const auto& [k, runs] : sorted)
    {
        const RunResult& e = *runs.front();
        md += fmt::format("| {} | {} | exp {} run {}: {} |\n", k, runs.size(), e.exp.number, e.run, e.detail);
    }
    md += "\nPer experiment (exact runs / runs):\n\n| exp | parameters | exact |\n|---|---|---|\n";
    for (size_t i = 0; i < results.size();)
    {
        size_t j = i;
        size_t ok = 0;
        while (j < results.size() && results[j].exp.number == results[i].exp.number)
        {
            ok += results[j].exact ? 1 : 0;
            ++j;
        }
        md += fmt::format("| {} | {}{} | {}/{} |\n", results[i].exp.number, results[i].exp.Summary(),
                          results[i].exp.Shortened() ? " (bounded)" : "", ok, j - i);
        i = j;
    }
    WriteFileAtomic((dir / "conformance.md").string(), md);
}

RunResult
OneRun(const ConformArgs& a, const Experiment& exp, const fs::path& scenario_path, uint64_t run)
{
    const std::string root = RootDir();
    RunResult res;
    res.exp = exp;
    res.run = run;
    const fs::path dir = scenario_path.parent_path() / fmt::format("run-{}", run);
    fs::create_directories(dir);
    // the simulation's profile: its latencies place the recorded times on its clock
    const Scenario sc = LoadScenario(scenario_path.string(), root, a.profile);
    RealRecording rec;
    if (a.replay)
    {
        rec.run = ReadCallsCsv((dir / "calls.csv").string());
        rec.run.packets = DecodeCapture(ReadCapture((dir / "real.pcap").string()));
        if (fs::exists(dir / "takes"))
        {
            try
            {
                res.takes = std::stoull(ReadFileText(dir / "takes"));
            }
            catch (const std::exception&)
            {
                throw InputError(fmt::format("{}: takes: expected a number of recordings", (dir / "takes").string()));
            }
        }
    }
    else
    {
        // A take in which the host stopped a short send's task (kShortSendStallNs) is
        // made again: the selection looks at the programs' call times only, never at
        // the packets or the model
        rec = RecordRun(sc, a.timeout_s, a.kernel_state);
        while (res.takes <= a.retakes && !rec.timed_out && LongestShortSendNs(rec.run) > kShortSendStallNs)
        {
            ++res.takes;
            rec = RecordRun(sc, a.timeout_s, a.kernel_state);
        }
        WriteFileAtomic((dir / "takes").string(), fmt::format("{}\n", res.takes));
        WritePcap((dir / "real.pcap").string(), rec.capture);
        WriteFileAtomic((dir / "calls.csv").string(), CallsCsv(rec.run));
        if (a.kernel_state)
        {
            WriteFileAtomic((dir / "kstate.csv").string(), rec.kernel_state);
        }
        if (rec.timed_out)
        {
            WriteFileAtomic((dir / "hung").string(), fmt::format("stopped after {} s\n", a.timeout_s));
        }
        if (rec.dropped)
        {
            WriteFileAtomic((dir / "dropped").string(), fmt::format("{}\n", rec.dropped));
        }
    }
    res.hung = fs::exists(dir / "hung");
    if (res.hung)
    {
        // what the kernel did after the programs were killed is not the experiment's
        res.klass = "hung: the real programs did not finish";
        res.detail = "both blocked (e.g. each in a send() the other does not read)";
        res.real_packets = rec.run.packets.size();
        return res;
    }
    res.real_packets = rec.run.packets.size();
    res.short_send_ns = LongestShortSendNs(rec.run);
    try
    {
        WriteFileAtomic((dir / "recorded.toml").string(),
                        RecordedScenarioToml(scenario_path.string(), DeriveRecordedInputs(sc, rec.run)));
        std::vector<std::string> args{(dir / "recorded.toml").string(), "--profile", a.profile, "--out",
                                      (dir / "sim").string(), "--no-plot", "-q"};
        if (fs::exists(dir / "kstate.csv"))
        {
            args.emplace_back("--kernel-state"); // the model's beside the kernel's
        }
        RunChild(SelfPath(), args, (dir / "stats.txt").string());
    }
    catch (const std::exception& e)
    {
        res.klass = "not simulated";
        res.detail = OneLine(e.what());
        res.real = std::move(rec.run.packets);
        return res;
    }
    const std::vector<PacketRecord> sim = DecodeCapture(ReadCapture((dir / "sim" / "trace.pcap").string()));
    res.sim_packets = sim.size();
    Classify(res, CompareTraces(sim, rec.run.packets, CompareOptions{}), AnalyzeTrace(sim),
             AnalyzeTrace(rec.run.packets));
    if (fs::exists(dir / "dropped"))
    {
        // a capture with holes is no reference: counted against the model all the same
        res.exact = false;
        res.klass = "the capture dropped packets";
        std::string n = ReadFileText(dir / "dropped");
        n.erase(n.find_last_not_of(" \n") + 1);
        res.detail = fmt::format("{} packets had no room in the capture's ring", n);
    }
    if (fs::exists(dir / "kstate.csv") && fs::exists(dir / "sim" / "kstate.csv"))
    {
        res.state = FirstKernelStateDifference(ReadFileText(dir / "kstate.csv"), ReadFileText(dir / "sim" / "kstate.csv"));
    }
    res.real = std::move(rec.run.packets);
    return res;
}

// The runs of one experiment whose captures are equal to another's in every relative
// field (the comparison that makes a run exact): what the kernel does again whenever
// the experiment runs. Only the real captures are compared, never the model's.
void
MarkRepeated(RunResult* runs, size_t n)
{
    for (size_t i = 0; i < n; ++i)
    {
        for (size_t j = i + 1; j < n; ++j)
        {
            if (runs[i].hung || runs[j].hung || (runs[i].repeated && runs[j].repeated))
            {
                continue;
            }
            const CompareResult c = CompareTraces(runs[i].real, runs[j].real, CompareOptions{});
            if (c.diffs.empty() && c.matched == c.slots)
            {
                runs[i].repeated = runs[j].repeated = true;
            }
        }
    }
    for (size_t i = 0; i < n; ++i)
    {
        runs[i].real = {}; // the campaign keeps its results only
    }
}

void
Conform(const ConformArgs& a)
{
    if (geteuid() != 0 && !a.replay)
    {
        throw InputError("conform: recording needs root (run it as root, e.g. sudo ./sim conform; "
                         "--replay simulates recordings already made without it)");
    }
    const std::string root = RootDir();
    const fs::path dir = a.replay ? fs::path(a.out.empty() ? "out/conform" : a.out) : OutputDir(a.out, "conform");
    if (a.replay)
    {
        // the recordings must be this seed's experiments
        for (uint64_t i = a.first; i < a.first + a.n; ++i)
        {
            const fs::path scenario = dir / fmt::format("exp-{:03}", i) / "scenario.toml";
            std::ifstream in(scenario);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in || text != DrawExperiment(a.seed, i, a.programs).Toml(a.seed))
            {
                throw InputError(fmt::format("conform --replay: {} is {} (give the --seed, -n, --first and "
                                             "--programs of the campaign that recorded it)",
                                             scenario.string(), in ? "another seed's experiment" : "missing"));
            }
        }
    }
    else
    {
        // Fail before the first recording when this host cannot record
        const fs::path probe = dir / fmt::format("exp-{:03}", a.first);
        fs::create_directories(probe);
        const Experiment e = DrawExperiment(a.seed, a.first, a.programs);
        WriteFileAtomic((probe / "scenario.toml").string(), e.Toml(a.seed));
        CheckRecordable(LoadScenario((probe / "scenario.toml").string(), root), "conform");
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<RunResult> results;
    const uint64_t total = a.n * a.runs;
    for (uint64_t i = a.first; i < a.first + a.n; ++i)
    {
        const Experiment e = DrawExperiment(a.seed, i, a.programs);
        const fs::path exp_dir = dir / fmt::format("exp-{:03}", i);
        fs::create_directories(exp_dir);
        const fs::path scenario = exp_dir / "scenario.toml";
        if (!a.replay)
        {
            WriteFileAtomic(scenario.string(), e.Toml(a.seed));
        }
        for (uint64_t r = 1; r <= a.runs; ++r)
        {
            results.push_back(OneRun(a, e, scenario, r));
            const RunResult& res = results.back();
            std::cerr << fmt::format("[{}/{}] exp {} run {}: {} ({} packets){}\n", results.size(), total, i, r,
                                     res.exact ? "exact" : res.klass, res.real_packets,
                                     r == 1 ? "  " + e.Summary() : "");
        }
        MarkRepeated(results.data() + results.size() - a.runs, a.runs);
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WriteReports(dir, a, results, wall);
    const Tally t(results);
    std::cout << fmt::format("conform: {} of {} finished runs exact ({:.1f}%), {} hung; wrote {} and {}\n", t.exact,
                             t.finished, t.Percent(), t.hung, (dir / "conformance.md").string(),
                             (dir / "results.csv").string());
}

} // namespace

void
AddConformCommand(CLI::App& app, int& exit_code)
{
    auto a = std::make_shared<ConformArgs>();
    CLI::App* cmd = app.add_subcommand(
        "conform", "Record random echo and HTTP experiments on this host's kernel, simulate each run from its own "
                   "timeline, and count the exact ones (needs root)");
    cmd->add_option("--seed", a->seed, "draws the experiments (the same seed, the same experiments)");
    cmd->add_option("-n", a->n, "how many experiments")->check(CLI::Range(uint64_t{1}, uint64_t{100000}));
    cmd->add_option("--first", a->first, "the number of the first experiment (to resume or split a campaign)")
        ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}));
    cmd->add_option("--runs", a->runs, "recordings of each experiment")
        ->check(CLI::Range(uint64_t{1}, uint64_t{100}));
    cmd->add_option("--out", a->out, "output folder (default: out/conform): conformance.md, results.csv, "
                                     "and per experiment its scenario.toml and each run's real.pcap, "
                                     "recorded.toml and sim/");
    cmd->add_option("--profile", a->profile, "kernel profile of the simulations");
    cmd->add_flag("--replay", a->replay,
                  "record nothing: simulate the runs already in --out again (after a change to the model) "
                  "and compare them; needs no root");
    cmd->add_flag("--kernel-state", a->kernel_state,
                  "also write each recording's kstate.csv, the kernel's TCP state (as sim record --kernel-state; "
                  "the tracepoints cost the recording some time); a run with one (also with --replay) is simulated "
                  "with --kernel-state, and results.csv's first_state_difference names the first row and field "
                  "where the model's state differs from the kernel's");
    cmd->add_option("--timeout", a->timeout_s, "stop a recording's programs after this many seconds")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--retakes", a->retakes,
                    "record a run again, up to this many times, while the host stopped one of its sends of "
                    "under 64 KiB for over 200 us in the kernel (a stalled vCPU; results.csv's "
                    "longest_short_send_us); only the programs' call times decide, the last take is kept "
                    "(default 0)")
        ->check(CLI::Range(uint64_t{0}, uint64_t{20}));
    auto programs = std::make_shared<std::string>("both");
    cmd->add_option("--programs", *programs,
                    "which programs the experiments run: echo, http, or both (default; each experiment HTTP "
                    "with probability 1/4, an echo one the same as with echo)")
        ->check(CLI::IsMember(kProgramsByName));
    cmd->footer("Exit status: 0 when the campaign ran (whatever its score), 2 on bad input or without root.");
    cmd->callback([a, programs, &exit_code]() {
        a->programs = kProgramsByName.at(*programs);
        Conform(*a);
        exit_code = 0;
    });
}

} // namespace sim
