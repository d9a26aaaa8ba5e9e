// SPDX-License-Identifier: GPL-2.0-only
#include "cli/bench-compare.h"

#include "cli/bench-process.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sim
{

namespace fs = std::filesystem;

namespace
{

// What one side did, with its medians over the runs
struct SideFigures
{
    std::string name;
    uint64_t segments = 0;      // TCP segments with payload, sender to receiver
    uint64_t payload_bytes = 0; // their payload, retransmissions included
    uint64_t packets = 0;       // every packet, both directions (handshake, ACKs, FINs)
    uint32_t segment_payload = 0; // payload of a full segment
    uint64_t events = 0;
    double wall_s = 0;     // median, process start to exit
    double run_wall_s = 0; // median, the transfer alone (the child's own clock)
    double peak_rss_mb = 0;

    double SegmentsPerSecond() const { return wall_s > 0 ? static_cast<double>(segments) / wall_s : 0; }
    double RunSegmentsPerSecond() const { return run_wall_s > 0 ? static_cast<double>(segments) / run_wall_s : 0; }
};

// `runs` runs of `sim bench-ns3tcp` with the link and `tcp_args` (which TCP)
SideFigures
RunSide(const std::string& self,
        const BulkLink& link,
        int runs,
        const fs::path& tmp,
        const std::vector<std::string>& tcp_args)
{
    SideFigures f;
    std::vector<double> wall;
    std::vector<double> run_wall;
    ChildRun last;
    std::vector<std::string> args = {"bench-ns3tcp",
                                     "--bytes", std::to_string(link.bytes),
                                     "--mtu", std::to_string(link.mtu),
                                     "--rate-mbps", std::to_string(link.rate_mbps),
                                     "--delay-ms", fmt::format("{}", link.delay_ms)};
    args.insert(args.end(), tcp_args.begin(), tcp_args.end());
    for (int i = 0; i < runs; ++i)
    {
        last = RunChild(self, args, (tmp / "bulk.stats").string());
        wall.push_back(last.wall_s);
        run_wall.push_back(last.Number("run_wall_s"));
        f.peak_rss_mb = std::max(f.peak_rss_mb, last.peak_rss_mb);
    }
    if (last.stats.count("profile"))
    {
        f.name = "ours (" + last.stats["profile"] + ")";
    }
    else
    {
        std::string congestion = last.stats["congestion"];
        if (congestion.rfind("ns3::", 0) == 0)
        {
            congestion.erase(0, 5);
        }
        f.name = "ns-3 (" + congestion + ")";
    }
    f.wall_s = Median(wall);
    f.run_wall_s = Median(run_wall);
    f.segments = static_cast<uint64_t>(last.Number("segments"));
    f.payload_bytes = static_cast<uint64_t>(last.Number("payload_bytes"));
    f.packets = static_cast<uint64_t>(last.Number("packets"));
    f.segment_payload = static_cast<uint32_t>(last.Number("segment_payload"));
    f.events = static_cast<uint64_t>(last.Number("events"));
    return f;
}

} // namespace

void
CompareWithNs3Tcp(const BulkLink& link, int runs, const fs::path& tmp, std::ostream& out)
{
    const std::string self = SelfPath();
    out << fmt::format("\nthe same bulk transfer, ns-3's TCP and ours: {} bytes one way on a point-to-point "
                       "link ({} Mbit/s, {} ms, MTU {}), median of {} runs, each its own process\n",
                       link.bytes, link.rate_mbps, link.delay_ms, link.mtu, runs)
        << std::flush;
    out << fmt::format("{:<17} {:>9} {:>11} {:>8} {:>5} {:>9} {:>10} {:>9} {:>10} {:>10} {:>11}\n",
                       "side", "segments", "payload_B", "packets", "seg_B", "wall_ms", "segments/s", "run_ms",
                       "run_seg/s", "events/s", "peak_RSS_MB");
    const auto line = [&out](const SideFigures& f) {
        out << fmt::format("{:<17} {:>9} {:>11} {:>8} {:>5} {:>9.2f} {:>10.0f} {:>9.2f} {:>10.0f} {:>10.0f} "
                           "{:>11.1f}\n",
                           f.name, f.segments, f.payload_bytes, f.packets, f.segment_payload, f.wall_s * 1e3,
                           f.SegmentsPerSecond(), f.run_wall_s * 1e3, f.RunSegmentsPerSecond(),
                           static_cast<double>(f.events) / f.wall_s, f.peak_rss_mb)
            << std::flush;
    };
    const SideFigures ns3 = RunSide(self, link, runs, tmp, {"--tcp", "ns3"});
    line(ns3);
    const SideFigures ours = RunSide(self, link, runs, tmp, {"--tcp", "linux", "--profile", "linux-6.18"});
    line(ours);
    const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    // in packets too: the two TCPs do not send as many ACKs per segment, and an ACK
    // costs each simulator a packet's work
    const auto packets_per_s = [](const SideFigures& f) {
        return f.wall_s > 0 ? static_cast<double>(f.packets) / f.wall_s : 0;
    };
    out << fmt::format("ratio ours/ns-3: {:.2f}x segments per wall second ({:.2f}x over the run alone, "
                       "start-up excluded; {:.2f}x in packets, ACKs included, per wall second)\n",
                       ratio(ours.SegmentsPerSecond(), ns3.SegmentsPerSecond()),
                       ratio(ours.RunSegmentsPerSecond(), ns3.RunSegmentsPerSecond()),
                       ratio(packets_per_s(ours), packets_per_s(ns3)));
}

} // namespace sim
