// SPDX-License-Identifier: GPL-2.0-only
// The model against this machine's kernel when the link drops a packet:
//  - tests/data/real/drops (record.sh there): drop-data (the client's data segment
//    lost) and drop-reply (the server's echo lost), ten runs each, recorded by
//    `sim record` between two network namespaces whose bridge dropped the packet. Each
//    run's recorded.toml, derived again from its calls.csv and capture, replays it
//    packet for packet in every relative field; the times hold where the known
//    deviations below do not;
//  - with root, ip and nft, drop-data recorded live, now.
#include "tests/e2e/harness.h"

#include "models/capture/compare.h"
#include "models/record/drop-rules.h"
#include "models/record/tool-run.h"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <unistd.h>

using namespace simtest;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace
{

// A packet's time may differ from its recording's by this much (the timer and
// scheduling noise of one host), as compare --time-tolerance 0.001
constexpr double kTimeToleranceS = 0.001;

std::vector<sim::PacketRecord>
PacketsOf(const fs::path& pcap)
{
    return sim::DecodeCapture(sim::ReadCapture(pcap.string()));
}

// Who sent each packet (C: the sender of the first SYN), its flags and payload, in order
std::string
Flow(const fs::path& pcap)
{
    std::string text;
    for (const sim::TraceRow& r : sim::AnalyzeTrace(PacketsOf(pcap)))
    {
        text += fmt::format("{}{} {} {}", text.empty() ? "" : ", ", r.from_client ? "C" : "S",
                            sim::FlagNames(r.rec.flags), r.rec.len);
    }
    return text;
}

fs::path
ScenarioFile(const std::string& name)
{
    return SourceDir() / "tests" / "data" / "scenarios" / ("drop-" + name + ".toml");
}

struct Replayed
{
    sim::CompareResult relative; // every relative field
    sim::CompareResult timed;    // and the time since the first packet
};

// `sim record SCENARIO --replay` on a copy of the run's capture and calls, then the
// derived recorded.toml simulated and compared with the capture
Replayed
Replay(const fs::path& scenario, const fs::path& run)
{
    TempDir dir;
    fs::copy_file(run / "real.pcap", dir / "real.pcap");
    fs::copy_file(run / "calls.csv", dir / "calls.csv");
    const Outcome derive = RunSim(fmt::format("record '{}' --replay --profile linux-6.18 --out '{}'", scenario.string(),
                                              dir.path().string()));
    BOOST_REQUIRE_MESSAGE(derive.status == 0, run.string() << ": " << derive.err);
    const Outcome sim = Simulate((dir / "recorded.toml").string(), dir / "sim");
    BOOST_REQUIRE_MESSAGE(sim.status == 0, run.string() << ": " << sim.err);
    const auto sim_packets = PacketsOf(dir / "sim" / "trace.pcap");
    const auto real_packets = PacketsOf(dir / "real.pcap");
    sim::CompareOptions timed;
    timed.time_tolerance = kTimeToleranceS;
    return {sim::CompareTraces(sim_packets, real_packets, {}), sim::CompareTraces(sim_packets, real_packets, timed)};
}

bool
Same(const sim::CompareResult& r)
{
    return r.matched == r.slots && r.diffs.empty();
}

// The first differing field of the first differing packet
const sim::FieldDiff&
FirstField(const sim::CompareResult& r)
{
    BOOST_REQUIRE(!r.diffs.empty());
    BOOST_REQUIRE(!r.diffs.front().fields.empty());
    return r.diffs.front().fields.front();
}

fs::path
RunDir(const std::string& name, int k)
{
    return SourceDir() / "tests" / "data" / "real" / "drops" / name / fmt::format("run-{}", k);
}

boost::test_tools::assertion_result
CanRecordDrops(utf::test_unit_id)
{
    const bool root = geteuid() == 0;
    const bool tools = !sim::FindTool("ip").empty() && !sim::FindTool("nft").empty();
    boost::test_tools::assertion_result r(root && tools);
    r.message() << "recording a drop needs root and the ip and nft commands (iproute2, nftables)";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(drop_recordings)

BOOST_AUTO_TEST_CASE(the_drop_lists_become_one_counter_per_host_on_the_bridge)
{
    sim::LinkFaults faults;
    faults.drop_client = {3, 1, 3}; // an index listed twice is dropped once
    faults.drop_server = {2};
    const std::string rules =
        sim::DropRuleset(faults, ns3::Ipv4Address("10.0.0.1"), ns3::Ipv4Address("10.0.0.2"));
    // numgen counts from 0: the k-th packet is k - 1
    BOOST_TEST(rules.find("table bridge sim_record {") != std::string::npos, rules);
    BOOST_TEST(rules.find("type filter hook forward priority 0; policy accept;") != std::string::npos, rules);
    BOOST_TEST(rules.find("ip saddr 10.0.0.1 numgen inc mod 1000000000 vmap { 0 : drop, 2 : drop }") !=
                   std::string::npos,
               rules);
    BOOST_TEST(rules.find("ip saddr 10.0.0.2 numgen inc mod 1000000000 vmap { 1 : drop }") != std::string::npos,
               rules);
    BOOST_TEST(sim::DropRuleset({}, ns3::Ipv4Address("10.0.0.1"), ns3::Ipv4Address("10.0.0.2")).empty());
}

BOOST_AUTO_TEST_CASE(each_recording_lost_the_packet_its_scenario_drops)
{
    // The capture is the client's: drop-data shows the client's 13 bytes twice (the
    // copy the bridge dropped, then the one sent again about 205 ms later) and the
    // server's first ACK only after the second; drop-reply shows the server's echo
    // once, the copy sent again (the client's capture never saw the lost one)
    const std::map<std::string, std::string> expected = {
        {"data", "C SYN 0, S SYN,ACK 0, C ACK 0, C PSH,ACK 13, C PSH,ACK 13, S ACK 0, S PSH,ACK 13, C ACK 0, "
                 "C FIN,ACK 0, S FIN,ACK 0, C ACK 0"},
        {"reply", "C SYN 0, S SYN,ACK 0, C ACK 0, C PSH,ACK 13, S ACK 0, S PSH,ACK 13, C ACK 0, C FIN,ACK 0, "
                  "S FIN,ACK 0, C ACK 0"},
    };
    for (const auto& [name, flow] : expected)
    {
        for (int k = 1; k <= 10; ++k)
        {
            BOOST_TEST(Flow(RunDir(name, k) / "real.pcap") == flow, name << "/run-" << k);
        }
    }
}

// drop-data: the client's data segment is sent again by its timer (the loss probe,
// tcp_schedule_loss_probe(): 2 srtt + the 200 ms tcp_rto_min for one packet out, on
// the 4 ms jiffies grid), and the echo completes. Every run replays in every relative
// field; the times within 1 ms in 7 of the 10 (the model's probe leaves 0.5-0.6 ms
// before the kernel's). Known deviation, runs 2, 5 and 6: one packet a 4 ms tick late
// on the host, REAL later than SIM by 4-4.6 ms. Runs 5 and 6: the probe itself (the
// kernel's timer ran a tick after the model's: the jiffies grid the recorder read, or
// a timer softirq the host deferred; the capture cannot tell which). Run 2: the probe
// left on time, but the server's kernel ACKed it 4 ms after it arrived (its receive
// softirq ran late; its reader woke 8 ms late).
BOOST_AUTO_TEST_CASE(a_lost_data_segment_replays_from_ten_recordings)
{
    size_t on_time = 0;
    for (int k = 1; k <= 10; ++k)
    {
        const std::string id = fmt::format("drop-data/run-{}", k);
        const Replayed r = Replay(ScenarioFile("data"), RunDir("data", k));
        BOOST_TEST(Same(r.relative), id << ":\n" << sim::FormatComparison(r.relative));
        if (Same(r.timed))
        {
            ++on_time;
            continue;
        }
        const sim::PacketDiff& first = r.timed.diffs.front();
        const sim::FieldDiff& field = FirstField(r.timed);
        const double late_ms = (std::stod(field.real) - std::stod(field.sim)) * 1e3;
        BOOST_TEST_MESSAGE("known deviation, " << id << ": no." << first.number << " " << field.field << ": expected "
                                               << field.real << ", got " << field.sim);
        BOOST_TEST(field.field == "time", id << ":\n" << sim::FormatComparison(r.timed));
        BOOST_TEST((first.number == 5 || first.number == 6), id << ":\n" << sim::FormatComparison(r.timed));
        BOOST_TEST(late_ms > 3.5, id << ": REAL later by " << late_ms << " ms");
        BOOST_TEST(late_ms < 5.0, id << ": REAL later by " << late_ms << " ms");
    }
    BOOST_TEST_MESSAGE(on_time << " of 10 drop-data runs within " << kTimeToleranceS * 1e3 << " ms in every packet");
    BOOST_TEST(on_time >= 7u);
}

// drop-reply: the server's echo is lost; the client's capture sees the copy sent again
// about 205 ms after the server's send(): the server's RTO and loss probe rest on the
// RTT sample it took when the handshake's ACK made it ESTABLISHED
// (tcp_rcv_state_process(TCP_SYN_RECV) -> tcp_synack_rtt_meas()); without that sample
// they would be TCP_TIMEOUT_INIT, 1 s. Every run replays in every relative field, and
// the times within 1 ms in 6 of the 10. Known deviation, runs 3, 5, 7 and 10: a packet
// of that round 1-4.6 ms off the kernel's. Runs 5 and 10: the copy (no.6) a jiffy
// after the model's, as drop-data's runs 5 and 6; run 3: a jiffy before it (SIM later
// by 3.2 ms); run 7: the copy on time, the client's ACK of it (no.7) 1.04 ms late on
// the host.
BOOST_AUTO_TEST_CASE(a_lost_echo_is_sent_again_by_the_server_in_ten_recordings)
{
    size_t on_time = 0;
    for (int k = 1; k <= 10; ++k)
    {
        const std::string id = fmt::format("drop-reply/run-{}", k);
        const Replayed r = Replay(ScenarioFile("reply"), RunDir("reply", k));
        BOOST_TEST(Same(r.relative), id << ":\n" << sim::FormatComparison(r.relative));
        if (Same(r.timed))
        {
            ++on_time;
            continue;
        }
        const sim::PacketDiff& first = r.timed.diffs.front();
        const sim::FieldDiff& field = FirstField(r.timed);
        const double off_ms = std::abs(std::stod(field.real) - std::stod(field.sim)) * 1e3;
        BOOST_TEST_MESSAGE("known deviation, " << id << ": no." << first.number << " " << field.field << ": expected "
                                               << field.real << ", got " << field.sim);
        BOOST_TEST(field.field == "time", id << ":\n" << sim::FormatComparison(r.timed));
        BOOST_TEST((first.number == 6 || first.number == 7), id << ":\n" << sim::FormatComparison(r.timed));
        BOOST_TEST(off_ms < 5.0, id << ": off by " << off_ms << " ms (1.02 s: the model's passive open took no "
                                        "RTT sample, tcp_synack_rtt_meas())");
    }
    BOOST_TEST_MESSAGE(on_time << " of 10 drop-reply runs within " << kTimeToleranceS * 1e3 << " ms in every packet");
    BOOST_TEST(on_time >= 6u);
}

BOOST_AUTO_TEST_CASE(record_a_drop_now_and_replay_it, *utf::precondition(CanRecordDrops))
{
    TempDir dir;
    const auto namespaces = [] { return RunShell("ls /run/netns 2>/dev/null | grep '^sim-record-' || true").out; };
    const std::string before = namespaces();
    const Outcome rec = RunSim(fmt::format("record '{}' --out '{}'", ScenarioFile("data").string(), (dir / "run").string()));
    BOOST_REQUIRE_MESSAGE(rec.status == 0, rec.err);
    BOOST_TEST(namespaces() == before, "the run's network namespaces are deleted with it");
    // the client's data twice: the bridge dropped the first copy
    const std::string flow = Flow(dir / "run" / "real.pcap");
    BOOST_TEST(flow.find("C PSH,ACK 13, C PSH,ACK 13") != std::string::npos, flow);
    const Replayed r = Replay(ScenarioFile("data"), dir / "run");
    BOOST_TEST(Same(r.relative), sim::FormatComparison(r.relative));
}

BOOST_AUTO_TEST_SUITE_END()
