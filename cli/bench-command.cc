// SPDX-License-Identifier: GPL-2.0-only
// `sim bench`: how much faster than the real experiment a scenario replays, and what
// it costs. Each scenario is run as its own process (`sim run NAME -q --no-plot`: the
// simulation and its trace files, not gnuplot), as a user runs it: process start to
// exit, build excluded, median of N runs. Then the same bulk transfer through ns-3's
// TCP and ours (bench-compare.cc).
#include "cli/bench-command.h"

#include "cli/app-paths.h"
#include "cli/bench-compare.h"
#include "cli/bench-ns3tcp.h"
#include "cli/bench-process.h"
#include "models/capture/pcap-file.h"
#include "models/scenario/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

struct BenchOptions
{
    int runs = 5;
    std::vector<std::string> scenarios;
    uint64_t ns3_compare_bytes = BulkLink{}.bytes;
    bool no_ns3 = false;
};

// Removes the bench's temporary folder however the bench ends
class TempFolder
{
  public:
    TempFolder()
    {
        char tmpl[] = "/tmp/sim-bench-XXXXXX";
        if (!mkdtemp(tmpl))
        {
            throw std::runtime_error("bench: cannot make a temporary folder");
        }
        m_path = tmpl;
    }
    ~TempFolder()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

void
BenchScenarios(const std::vector<std::string>& names, int runs, const fs::path& tmp)
{
    const std::string self = SelfPath();
    std::cout << fmt::format("median of {} runs; each `sim run NAME -q --no-plot` in its own process, "
                             "start to exit; peak RSS the largest of the runs\n",
                             runs);
    size_t width = 10; // the name column, as wide as the longest name
    for (const auto& name : names)
    {
        width = std::max(width, name.size());
    }
    std::cout << fmt::format("{:<{}} {:>12} {:>10} {:>12} {:>12} {:>12} {:>10}\n",
                             "scenario", width, "simulated_s", "wall_ms", "packets/s", "events/s", "peak_RSS_MB",
                             "speed-up");
    for (size_t index = 0; index < names.size(); ++index)
    {
        const std::string& name = names[index];
        // a scenario may be named by a path: its runs go to a folder of its own in tmp
        const fs::path out = tmp / fmt::format("{}-{}", index, fs::path(name).stem().string());
        std::vector<double> wall;
        double peak_rss_mb = 0;
        ChildRun last;
        for (int i = 0; i < runs; ++i)
        {
            last = RunChild(self, {"run", name, "-q", "--no-plot", "--out", out.string()},
                            (tmp / "run.stats").string());
            wall.push_back(last.wall_s);
            peak_rss_mb = std::max(peak_rss_mb, last.peak_rss_mb);
        }
        const double median = Median(wall);
        // the trace of the last run: every run of a scenario writes the same one
        const Capture cap = ReadCapture((out / "trace.pcap").string());
        const double packets = static_cast<double>(cap.frames.size());
        const uint64_t span_ns = cap.frames.size() < 2 ? 0 : cap.frames.back().time_ns - cap.frames.front().time_ns;
        const double simulated = static_cast<double>(span_ns) / 1e9;
        std::cout << fmt::format("{:<{}} {:>12.6f} {:>10.2f} {:>12.0f} {:>12.0f} {:>12.1f} {:>9.1f}x\n",
                                 name, width, simulated, median * 1e3, packets / median,
                                 last.Number("events") / median, peak_rss_mb, simulated / median)
                  << std::flush;
    }
}

void
Bench(const BenchOptions& opt)
{
    const std::string root = RootDir();
    const std::vector<std::string> names = opt.scenarios.empty() ? ListScenarios(root) : opt.scenarios;
    for (const auto& n : names)
    {
        ResolveScenarioPath(n, root); // unknown names fail before any timing
    }
    const TempFolder tmp;
    BenchScenarios(names, opt.runs, tmp.path());
    if (!opt.no_ns3)
    {
        BulkLink link;
        link.bytes = opt.ns3_compare_bytes;
        CompareWithNs3Tcp(link, opt.runs, tmp.path(), std::cout);
    }
}

} // namespace

void
AddBenchCommand(CLI::App& app, int& exit_code)
{
    auto opt = std::make_shared<BenchOptions>();
    CLI::App* bench = app.add_subcommand(
        "bench", "Time each scenario against its simulated duration; the same bulk transfer through ns-3's TCP "
                 "and ours");
    bench->add_option("scenarios", opt->scenarios, "scenario names (default: all)");
    bench->add_option("-n,--runs", opt->runs, "runs per scenario and per side of the comparison")
        ->check(CLI::Range(1, 1000));
    // [server.files] sizes stop at 1 GiB (scenarios/README.md)
    bench->add_option("--ns3-compare-bytes", opt->ns3_compare_bytes,
                      fmt::format("bytes of the bulk transfer both TCPs carry (default {})", opt->ns3_compare_bytes))
        ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
    bench->add_flag("--no-ns3", opt->no_ns3, "skip the comparison with ns-3's TCP");
    const BulkLink link;
    bench->footer(fmt::format(
        R"(The table, one row per scenario, each run `sim run NAME -q --no-plot` as its own process
(trace.pcap and trace.txt written, no picture):
  simulated_s  the trace's first to last packet
  wall_ms      median wall time of the runs, process start to exit
  packets/s    the trace's packets over wall_ms
  events/s     ns-3 events the run executed (Simulator::GetEventCount()) over wall_ms
  peak_RSS_MB  the child's peak resident set (ru_maxrss from wait4()), largest of the runs
  speed-up     simulated_s over wall_ms

Then the same ns-3 program over ns-3's TCP and over ours (--no-ns3 skips it): ns-3's
BulkSendApplication (MaxBytes N, --ns3-compare-bytes; SendSize {seg}) to a PacketSink,
one way between two ns-3 nodes on a point-to-point link, {rate} Mbit/s, {delay} ms one-way
delay, MTU {mtu}; {seg} bytes of payload per full segment on both (MSS {mss} less 12 bytes
of timestamps). Neither writes a trace; segments are counted at the sender's IPv4 Tx trace.
  ns-3's side  InternetStackHelper's TcpL4Protocol (TcpSocketBase with the release's default
               congestion control, printed), TcpSocket::SegmentSize {seg}; all else ns-3's
               defaults (128 KiB buffers, delayed ACK every 2 segments, SACK and timestamps
               on, checksums off).
  our side     LinuxTcpStackHelper instead (LinuxTcpL4Protocol), profile linux-6.18 on both
               nodes; the MSS from the MTU, everything else the profile's.
  segments     packets with TCP payload, sender to receiver; payload_B their payload
               (retransmissions would show as more than N); seg_B the largest
  packets      both directions: handshake, data, ACKs, FINs (each TCP ACKs at its own rate)
  wall_ms      median, process start to exit; segments/s = segments over it
  run_ms       median, the transfer alone by the child's own clock (nodes built, run,
               Destroy(); process start-up excluded); run_seg/s = segments over it
The ratio is ours over ns-3's segments per second, for both times, and packets per wall
second (each side's own ACKs included).)",
        fmt::arg("rate", link.rate_mbps),
        fmt::arg("delay", link.delay_ms),
        fmt::arg("mtu", link.mtu),
        fmt::arg("seg", link.SegmentPayload()),
        fmt::arg("mss", link.mtu - 40)));
    bench->callback([opt, &exit_code]() {
        Bench(*opt);
        exit_code = 0;
    });
    AddBenchNs3TcpCommand(app, exit_code);
}

} // namespace sim
