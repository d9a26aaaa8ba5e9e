// SPDX-License-Identifier: GPL-2.0-only
// The model against this machine's kernel (the linux-6.18 profile):
//  - the recordings kept in tests/data/real (made by tests/data/real/record.sh): the
//    simulation matches the most common packet sequence of each scenario in every
//    relative field;
//  - with root and a capture device, v1 and v3 recorded live, now.
#include "tests/e2e/harness.h"

#include "models/capture/compare.h"
#include "models/scenario/recorded-scenario.h"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unistd.h>

using namespace simtest;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace
{

std::vector<sim::PacketRecord>
Packets(const fs::path& pcap)
{
    return sim::DecodeCapture(sim::ReadCapture(pcap.string()));
}

// "C SYN 0, S SYN,ACK 0, ...": who sent each packet, its flags and payload length
std::string
Sequence(const std::vector<sim::PacketRecord>& packets)
{
    std::string out;
    for (const auto& r : sim::AnalyzeTrace(packets))
    {
        out += fmt::format("{}{} {} {}", out.empty() ? "" : ", ", r.from_client ? "C" : "S",
                           sim::FlagNames(r.rec.flags), r.rec.len);
    }
    return out;
}

// The recording whose sequence occurs most often among `pcaps` (ties: the smallest
// sequence text)
fs::path
MostCommon(const std::vector<fs::path>& pcaps, size_t* count, size_t* total)
{
    std::map<std::string, std::vector<fs::path>> by_sequence;
    for (const fs::path& pcap : pcaps)
    {
        by_sequence[Sequence(Packets(pcap))].push_back(pcap);
    }
    const std::vector<fs::path>* best = nullptr;
    *total = 0;
    for (const auto& [seq, runs] : by_sequence)
    {
        *total += runs.size();
        if (!best || runs.size() > best->size())
        {
            best = &runs;
        }
    }
    BOOST_REQUIRE(best);
    *count = best->size();
    return best->front();
}

// The kept recording of tests/data/real/NAME whose sequence occurs most often
fs::path
MostCommonRecording(const std::string& name, size_t* count, size_t* total)
{
    std::vector<fs::path> pcaps;
    for (const auto& e : fs::directory_iterator(SourceDir() / "tests" / "data" / "real" / name))
    {
        if (e.path().filename().string().rfind("run-", 0) == 0) // not the script and its notes
        {
            pcaps.push_back(e.path() / "real.pcap");
        }
    }
    std::sort(pcaps.begin(), pcaps.end()); // directory order is the file system's
    return MostCommon(pcaps, count, total);
}

// `scenario`: a name in scenarios/ or a .toml path
sim::CompareResult
SimulateAndCompare(const std::string& scenario, const fs::path& real)
{
    TempDir dir;
    const Outcome run = Simulate(scenario, dir / "sim", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const sim::CompareResult r = sim::CompareTraces(Packets(dir / "sim" / "trace.pcap"), Packets(real), {});
    BOOST_TEST_MESSAGE(scenario << " vs " << real.string() << ":\n" << sim::FormatComparison(r));
    return r;
}

// tests/data/scenarios/NAME.toml simulated on linux-6.18 against the most common of its
// recordings in tests/data/real/NAME (record-scenario.sh): every packet, `packets` of them
void
ExpectTheMostCommonRecording(const std::string& name, size_t packets)
{
    size_t count = 0;
    size_t total = 0;
    const fs::path real = MostCommonRecording(name, &count, &total);
    BOOST_TEST(count * 2 > total, "most common sequence in " << count << "/" << total << " recordings");
    const sim::CompareResult r =
        SimulateAndCompare((SourceDir() / "tests" / "data" / "scenarios" / (name + ".toml")).string(), real);
    BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
    BOOST_TEST(r.slots == packets);
}

boost::test_tools::assertion_result
CanCapture(utf::test_unit_id)
{
    boost::test_tools::assertion_result r(geteuid() == 0);
    r.message() << "recording needs root (a packet socket on the \"any\" device)";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(recordings)

BOOST_AUTO_TEST_CASE(kept_recordings_match_the_most_common_sequence)
{
    for (const char* name : {"v1", "v3", "v4"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            size_t count = 0;
            size_t total = 0;
            const fs::path real = MostCommonRecording(name, &count, &total);
            BOOST_TEST_MESSAGE(name << ": most common sequence in " << count << "/" << total << " recordings");
            const sim::CompareResult r = SimulateAndCompare(name, real);
            BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_client_that_never_reads_matches_the_most_common_recording)
{
    // v1 with recv_sizes = []: the echo arrives before the client's close, which then
    // resets with data unread (RST,ACK). A race of 0.13 ms between the server's reply
    // think and the client's close think: in an earlier batch of ten, three runs sent
    // the client's FIN first and answered the echo with a bare RST
    ExpectTheMostCommonRecording("no-recv", 8);
}

BOOST_AUTO_TEST_CASE(a_client_that_only_connects_and_closes_matches_the_most_common_recording)
{
    // v1 with sends = 0 and recv_sizes = []: the server's ACK of the client's FIN is
    // delayed (pingpong after tcp_fin()) and rides on its own FIN
    ExpectTheMostCommonRecording("no-sends", 6);
}

BOOST_AUTO_TEST_CASE(v2_with_this_machines_scheduling_is_a_known_deviation)
{
    // v2 is a race. v2.toml keeps the seed report's timing: its client wakes 0.2 ms after
    // the first echo, so the server's next writes wait for the ACK (Nagle) and leave as one
    // 15-byte segment. On this machine the client wakes later than the seed's think times
    // assume and ACKs each echo first; the ten recordings of tests/data/real/v2 end three
    // ways, equally often. The same scenario with this machine's scheduling (the
    // profile's wake-up latency, 45 us, the median of recorded wakes, instead of the
    // seed's) used to give one of those most common sequences. Since a send() lasts its
    // softirq (send_runs_softirq) the server's echoes leave about 13 us apart more, and
    // the client's close falls after the third echo: a sequence 2 of the 10 recordings in
    // tests/data/real/replay/v2 end with, none of the older 10. Which way a race goes on
    // hand-written think times is not the model's to decide; replaying each recording
    // with its own call times is (recorded_runs_replay_from_their_own_timeline).
    std::map<std::string, std::vector<fs::path>> by_sequence;
    size_t best = 0;
    for (const auto& e : fs::directory_iterator(SourceDir() / "tests" / "data" / "real" / "v2"))
    {
        const fs::path pcap = e.path() / "real.pcap";
        auto& runs = by_sequence[Sequence(Packets(pcap))];
        runs.push_back(pcap);
        best = std::max(best, runs.size());
    }
    for (const auto& [seq, runs] : by_sequence)
    {
        BOOST_TEST(seq.find("S PSH,ACK 15") == std::string::npos, "no recording joins the echoes");
    }

    TempDir dir;
    const std::string seed_wake =
        "[client.wake]\nrecv = 0.2                          # the client gets the CPU after the server's loop ran on";
    WriteFile(dir / "v2-here.toml", ScenarioText("v2", {{seed_wake, ""}}));
    const Outcome run = Simulate((dir / "v2-here.toml").string(), dir / "out", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const std::string actual = Sequence(Packets(dir / "out" / "trace.pcap"));
    const std::string known = "C SYN 0, S SYN,ACK 0, C ACK 0, C PSH,ACK 20, S ACK 0, S PSH,ACK 5, C ACK 0, "
                              "S PSH,ACK 5, C ACK 0, S PSH,ACK 5, C ACK 0, C RST,ACK 0";
    BOOST_TEST_MESSAGE("known deviation, sequence: expected one seen " << best << " times in tests/data/real/v2, "
                                                                        "actual: " << actual);
    BOOST_TEST(by_sequence.count(actual) == 0u);
    BOOST_TEST(actual == known, "the deviation changed: update this test and its explanation");
}

// tests/data/real/replay (record.sh there): runs of v1-v4 recorded with each call's
// time. Each one's recorded.toml, derived again from its calls.csv and capture, must
// replay it packet for packet in every relative field. The known deviations are
// named, with what differs.
BOOST_AUTO_TEST_CASE(recorded_runs_replay_from_their_own_timeline)
{
    struct Known
    {
        size_t number;     // the first differing packet
        std::string where; // and how it differs
        std::string why;
    };
    const std::map<std::string, Known> known = {
        // the client's RST and the server's third echo race within half a microsecond:
        // the RST reaches the server 2 us after its capture, while the echo's send has
        // already taken the socket, so the echo leaves and draws a second RST
        {"v2/run-8", {11, "extra in SIM", "REAL: the server's third send() fails; SIM: its echo leaves"}},
    };
    size_t runs = 0;
    size_t exact = 0;
    const fs::path data = SourceDir() / "tests" / "data" / "real" / "replay";
    // v1-v4 by name; the others, runs of conform --seed 1's experiments, by their files.
    // `coalesce` (21 run 1): a sleeping server's receive queue, whose second skb joins
    // the first once the sender has freed its copy (tcp_try_coalesce()), so the window
    // it offers is 104448, not 103424. `send-hold` (23 run 1): the client's fifth
    // message arrives while the server's reply send() holds the socket (lock_sock()
    // before the copy), so the reply carries ack 277 and the message's ACK comes after
    // it. `gso-split` (51 run 2): a GSO packet of 95232 bytes is too long for lo and
    // leaves as two of 47616, PSH on the second only (gso_features_check()).
    // `midwrite-wake` (3 run 2): the client's one 136556-byte send wakes the server
    // asleep in recv(), which costs the writer loopback_midwrite_wake_ns before its next
    // copy, so its 62491-byte skb arrives after the server's recv() has copied its 1733
    // bytes, and the server's ACK rides on its reply instead of going alone.
    // Two HTTP runs of conform --seed 8 (the server's header and body are two sends):
    // `http-nagle` (73 run 1), bodies of 353 and 3 bytes that Nagle holds until the
    // browser's delayed ACK of their header; `http-zero-window` (85 run 1), a 132378-byte
    // body sent as 32768, 32768, then 62464 to the window's edge, whose GSO skb (two
    // segments of 47616) draws the browser's zero-window ACK at its next read
    // (tcp_measure_rcv_mss() takes gso_size, so more than one rcv_mss is unacknowledged).
    // `fin-charge` (seed 9, 2 run 1): the client's FIN arrives while the server has
    // not read all of the data before it, whose skb is still the sender's clone, so
    // the FIN waits as an skb of its own charged to the receive buffer
    // (tcp_queue_rcv()), and the server's next reply offers 103424, not 104448.
    // Two runs where tcp_add_backlog() joins what reaches a held socket:
    // `backlog-acks` (seed 8, 91 run 1), the browser's ACKs of a body's first two
    // skbs (95232, then 62464) reach the server while its send() copies the body and
    // are processed as one, so the server never sees 95232, its mss stays 32768 and its
    // 62464-byte skb has gso_size 32768: after the zero window, the browser's reads of
    // 560 bytes reopen it at 33792 once one such segment fits; `backlog-pieces` (seed
    // 3, 19 run 2), a GSO packet's two pieces (47616 and 22016, new skbs, no clones)
    // reach the server while it holds its socket and join, so its reply acks both:
    // 161151, not 139135.
    // Two runs whose reads found their data and held the socket long after copying it
    // (recorded.toml's `copy`): `read-held` (seed 8, 85 run 2, the experiment of
    // http-zero-window), a browser read that copies 3555 bytes and holds the socket
    // 17 us, so the body segment that comes meanwhile is ACKed at the release with the
    // window the read left; `read-held-echo` (seed 3, 3 run 2), a server whose recv()
    // copies at its start, so its window update (no.11) leaves before the client's next
    // data, as recorded (copying at the return, the model sent it after).
    // `ack-defer` (seed 5, 29 run 3): segments that waited in the server's backlog draw
    // one ACK after all of them (tcp_backlog_ack_defer, tcp_release_cb()), not one each.
    // Two runs whose large send copied slowly (recorded.toml's `copy_rate`):
    // `copy-rate` (seed 10, 65 run 1), a client's 819168-byte send at 1.5 us per KiB,
    // whose first two skbs fill the window and whose third leaves only when the
    // backlog flush after 16 new skbs takes the server's ACK (at 200 ns per KiB it
    // left 0.7 ms early, before the server's recv(), and drew a zero-window ACK);
    // `copy-rate-rst` (seed 1, 37 run 1), a 444486-byte server reply copied slowly
    // enough that the client's close() comes before the reply's third segment: the
    // client's RST,ACK acks the first two only, and the third draws a bare RST.
    // Two runs recorded with the kernel's tracepoints (calls.csv's copy_ns,
    // kernel_return_ns and turns; seed 13, 2026-12-02): `traced-read` (89 run 3), a
    // browser read the header woke that copied 190 us later and held the socket 28 us,
    // so the body that came meanwhile waited in its backlog and its ACK offered 91136
    // (copying at the return, the model ACKed it at once with 93184); `traced-send` (46
    // run 2), a client's 67388-byte send whose first skb took 186 us to copy (each
    // copy begins when the kernel's loop began its turn), so the server's reply
    // carries the ACK of all of it.
    // `send-mss` (seed 10, 49 run 1): the server's D-SACK of the client's retransmission
    // takes 12 bytes of option room when its 4954740-byte reply begins, so that send() fills its
    // skbs to 32756 (tcp_send_mss() once per call, at its start and restarts); the
    // second leaves with 32756 too, though the D-SACK has gone by then.
    // `flush-loop` (seed 16, 37 run 2): the server's backlog flush after 16 new skbs
    // of its 604570-byte body processes the browser's ACK and sends 62464 bytes; on
    // loopback that runs the browser's receive path at once, and its ACK (66560) comes
    // back to the still-held socket, into the backlog __release_sock() is looping
    // over: two skbs of 33280 leave at once and the browser's ACK of them offers 0.
    // (Flushed once, the model left that ACK for the next flush and sent them late.)
    // `read-copies` (seed 17, 83 run 2, every copy of a read traced): the browser's
    // read copied the 62-byte header, and the 7-byte body that came into its backlog
    // meanwhile 22 us later, in the same call (tcp_recvmsg_locked() flushes the backlog
    // while len is left): the model's read reaches each offset when the kernel's copy
    // from there began, so it returns 69 bytes as recorded and the next window matches.
    // `turn-start` (seed 21 HTTP, 70 run 1): the server's 57492-byte body fills its first
    // skb with a 396-byte copy at its second turn and pushes it; the skb's softirq and
    // the browser's ACK run before the third turn. The copy begins at its turn and
    // takes the copy rate, so the skb reaches the browser before its read copies, as
    // recorded (ended at the next turn, it came after, into the read's backlog, and
    // its ACK offered 95232 for 65536).
    // `traced-wake` (seed 23 HTTP, 62 run 3): the body's first skb (37888) wakes the
    // browser asleep in recv(); the kernel's loop turned again 7 us after the capture
    // saw that skb, the wake-up's cost included. The model's mid-write wake (17 us, for
    // untraced writes) is not added on top of a traced turn, so the browser's reads
    // and the next segments interleave as recorded (with it: ACK no.21 offered 58368,
    // not 20480).
    // `pacing` (seed 21 HTTP, 75 run 2): BBR paces the 500043-byte body once past its
    // first 10 segments (tcp_pacing_check(), the pacing timer), so the browser's ACKs
    // come between its GSO packets as recorded (unpaced, the model sent them back to
    // back ahead of the ACK).
    // `page-frags` (seed 24, 52 run 1): sixteen 2142-byte replies wait unread in the
    // client's receive queue, coalesced into one skb; the sixteenth crosses from the
    // server's first 32 KiB page frag into its second, so it brings two frags and the
    // 46080-byte reply after it (two more) no longer fits MAX_SKB_FRAGS: it is queued
    // as an skb of its own, charged its head, and the window update offers 47104 (one
    // frag a segment, the model coalesced it and offered 48128).
    // `copy-turns` (seed 22, 41 run 1): the client's 273546-byte send copies its later
    // skbs 5-6 us apart, faster than the call's rate (its first copies fault the user's
    // pages in); each copy ends by the kernel's next turn, so the skb that fills the
    // server's window leaves before the server's reply, whose ACK covers it (127974,
    // window 0); at the call's rate it left after, and the reply ACKed 65483.
    // `read-flush` (seed 20, 52 run 2): the server's 19-byte read copies 3 bytes; the
    // client's next 3 came into its backlog meanwhile, so the loop processes it at once
    // (the ACK goes out, the client's Nagle-held 18 bytes come back into the backlog)
    // and copies again 33 us later, up to 19 bytes: the reply is 1900 bytes. (The copy
    // lasted until the kernel's next one began, the backlog waited until then and the
    // read returned 6 bytes: 600.)
    // `write-lock` (seed 20, 5 run 1; its runs 2 and 3 alike): the server's send()s of
    // 5880-byte replies take the socket only when their copy loop begins (lock_sock()
    // just before tcp_sendmsg_locked()), so the client's segment that comes between the
    // call's start and then is processed at once, and each reply leaves alone (NODELAY
    // client, Nagle'd server) as recorded; held from the call's start, two replies left
    // as one of 11760 bytes.
    // `hold-lock` (seed 20, 19 run 1): the client's 23-byte send() was held 4 us before
    // its data left, but its copy loop (and lock_sock()) began 1.4 us in: the server's
    // reply that came between is ACKed at once, as recorded, and the data that follows
    // carries its ACK (361); locked from the call's start, the reply waited in the
    // backlog and the data ACKed 181.
    // `held-flush` (seed 20, 35 run 2): the server's 663984-byte reply restarts its copy
    // loop at byte 524288 23 us after the turn before (the backlog flush after 16 new
    // skbs), and the 62464 bytes that flush sent were captured 2 us before the restart:
    // flushed then, they reach the client while its read holds the socket, and no ACK
    // of their own follows its release (its next data carries 128001); flushed at the
    // first turn, they came before that read and were ACKed at once (window 0).
    for (const char* name : {"v1", "v2", "v3", "v4", "coalesce", "send-hold", "gso-split", "midwrite-wake",
                             "http-nagle", "http-zero-window", "fin-charge", "backlog-acks", "backlog-pieces",
                             "read-held", "read-held-echo", "ack-defer", "copy-rate", "copy-rate-rst", "send-mss",
                             "traced-read", "traced-send", "flush-loop", "read-copies", "turn-start", "traced-wake",
                             "pacing", "page-frags", "copy-turns",
                             "read-flush", "write-lock", "hold-lock", "held-flush"})
    {
        const fs::path own = data / name / "scenario.toml";
        const std::string scenario = fs::exists(own) ? "'" + own.string() + "'" : std::string(name);
        for (const auto& e : fs::directory_iterator(data / name))
        {
            if (!fs::is_directory(e.path()))
            {
                continue;
            }
            const std::string id = std::string(name) + "/" + e.path().filename().string();
            TempDir dir;
            fs::copy_file(e.path() / "real.pcap", dir / "real.pcap");
            fs::copy_file(e.path() / "calls.csv", dir / "calls.csv");
            const Outcome derive = RunSim(
                fmt::format("record {} --replay --profile linux-6.18 --out '{}'", scenario, dir.path().string()));
            BOOST_REQUIRE_MESSAGE(derive.status == 0, id << ": " << derive.err);
            const Outcome run = Simulate((dir / "recorded.toml").string(), dir / "sim", "--profile linux-6.18");
            BOOST_REQUIRE_MESSAGE(run.status == 0, id << ": " << run.err);
            const sim::CompareResult r =
                sim::CompareTraces(Packets(dir / "sim" / "trace.pcap"), Packets(dir / "real.pcap"), {});
            ++runs;
            const bool same = r.matched == r.slots && r.diffs.empty();
            exact += same ? 1 : 0;
            if (auto k = known.find(id); k != known.end())
            {
                BOOST_TEST_MESSAGE("known deviation, " << id << ": no." << k->second.number << " "
                                                       << k->second.where << ": " << k->second.why);
                BOOST_REQUIRE_MESSAGE(!same, id << " now replays exactly: take it off the known deviations");
                BOOST_TEST(r.diffs.front().number == k->second.number, id << ":\n" << sim::FormatComparison(r));
                BOOST_TEST(r.diffs.front().where == k->second.where, id << ":\n" << sim::FormatComparison(r));
                continue;
            }
            BOOST_TEST(same, id << ":\n" << sim::FormatComparison(r));
        }
    }
    BOOST_TEST(runs == 53u);
    BOOST_TEST_MESSAGE(exact << " of " << runs << " recorded runs replayed exactly");
}

BOOST_AUTO_TEST_CASE(late_wake_on_this_machine)
{
    // tests/data/real/late-wake: the client cannot run for 5 ms after the echo wakes it,
    // yet its ACK of the echo leaves at once. v1's programs with that experiment's
    // timing, on the linux-6.18 profile, must give the same packets at the same times.
    TempDir dir;
    WriteFile(dir / "late.toml",
              ScenarioText("v1", {{"reply = 3.0 ", "reply = 0.05\nrecv = 5.0 "},
                                  {"close = 0.72 ", "close = 0.0 "},
                                  {"send = 6.3 ", "send = 10.26 "},
                                  {"close = 3.13 ", "close = 0.0 "},
                                  {"recv = 4.86 ", "recv = 5.08 "}}));
    const Outcome run = Simulate((dir / "late.toml").string(), dir / "out", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    sim::CompareOptions timed;
    timed.time_tolerance = 0.0005;
    const sim::CompareResult r =
        sim::CompareTraces(Packets(dir / "out" / "trace.pcap"),
                           Packets(SourceDir() / "tests" / "data" / "real" / "late-wake" / "real.pcap"), timed);
    BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
}

// tests/data/real/window-growth (record.sh): one large write while the reader's
// window grows from 65536 (or the SYN-ACK's unscaled 65483) to 95232. The segments are
// half the largest window, and the last leaves as one GSO packet of what the window
// allows (tcp_grow_skb() joined the write's last two skbs; tcp_mss_split_point() cuts
// at the window's edge). Every recording then has a tail loss probe (a retransmission,
// modelled elsewhere) and a reader's ACK with SACK blocks for it: compared are the
// packets up to the last data segment, packet for packet, and that ACK's number and
// window.
void
ExpectTheWindowGrowthRecording(const std::string& dir,
                               const std::string& scenario,
                               size_t packets,
                               const std::vector<uint32_t>& data_lens,
                               uint32_t final_ack,
                               uint32_t final_win)
{
    size_t count = 0;
    size_t total = 0;
    const fs::path real = MostCommonRecording("window-growth/" + dir, &count, &total);
    BOOST_TEST(count * 2 > total, "most common sequence in " << count << "/" << total << " recordings");
    TempDir tmp;
    const Outcome run = Simulate((SourceDir() / "tests" / "data" / "scenarios" / (scenario + ".toml")).string(),
                                 tmp / "sim", "--profile linux-6.18");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    std::vector<sim::PacketRecord> sim_packets = Packets(tmp / "sim" / "trace.pcap");
    std::vector<sim::PacketRecord> real_packets = Packets(real);
    BOOST_REQUIRE(sim_packets.size() > packets);
    BOOST_REQUIRE(real_packets.size() > packets);
    const std::vector<sim::TraceRow> sim_rows = sim::AnalyzeTrace(sim_packets);
    const std::vector<sim::TraceRow> real_rows = sim::AnalyzeTrace(real_packets);

    // the data segments of the large write, in order
    const auto data_of = [&](const std::vector<sim::TraceRow>& rows, bool from_client) {
        std::vector<uint32_t> lens;
        for (size_t i = 0; i < packets; ++i)
        {
            if (rows[i].from_client == from_client && rows[i].rec.len > 1000)
            {
                lens.push_back(rows[i].rec.len);
            }
        }
        return lens;
    };
    const bool client_writes = dir == "send";
    BOOST_TEST(data_of(real_rows, client_writes) == data_lens, boost::test_tools::per_element());
    BOOST_TEST(data_of(sim_rows, client_writes) == data_lens, boost::test_tools::per_element());

    sim_packets.resize(packets);
    real_packets.resize(packets);
    const sim::CompareResult r = sim::CompareTraces(sim_packets, real_packets, {});
    BOOST_TEST_MESSAGE(scenario << " vs " << real.string() << ":\n" << sim::FormatComparison(r));
    BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
    BOOST_TEST(r.slots == packets);

    // the reader's next pure ACK: everything sent is in, and the window it offers
    const auto next_ack = [&](const std::vector<sim::TraceRow>& rows) -> const sim::TraceRow* {
        for (size_t i = packets; i < rows.size(); ++i)
        {
            if (rows[i].from_client != client_writes && rows[i].rec.len == 0 && rows[i].rec.flags == 0x10)
            {
                return &rows[i];
            }
        }
        return nullptr;
    };
    const sim::TraceRow* real_ack = next_ack(real_rows);
    const sim::TraceRow* sim_ack = next_ack(sim_rows);
    BOOST_REQUIRE(real_ack);
    BOOST_REQUIRE(sim_ack);
    BOOST_TEST(real_ack->rel_ack == final_ack);
    BOOST_TEST(real_ack->win == final_win);
    BOOST_TEST(sim_ack->rel_ack == final_ack);
    BOOST_TEST(sim_ack->win == final_win);
}

BOOST_AUTO_TEST_CASE(a_reply_while_the_readers_window_grows_ends_at_the_windows_edge)
{
    // 130000 bytes: 32768, 32768, then 62464 to the right edge (32769 + 95232); the
    // reader, not reading, then offers a zero window with everything sent ACKed
    ExpectTheWindowGrowthRecording("reply", "window-growth", 9, {32768, 32768, 62464}, 128001, 0);
}

BOOST_AUTO_TEST_CASE(a_send_while_the_servers_window_grows_leaves_its_last_skbs_as_one)
{
    // 100000 bytes against the SYN-ACK's 65483: 32741, 32741, then the 34518 left
    ExpectTheWindowGrowthRecording("send", "window-growth-send", 7, {32741, 32741, 34518}, 100001, 28672);
}

// The receiver's windows during a bulk transfer: what the first data ACK offers, the
// largest offer (autotuning) and how often the window closes
struct BulkWindows
{
    uint32_t first_data_ack = 0;
    uint32_t largest = 0;
    size_t zero = 0;
};

BulkWindows
ReceiverWindows(const fs::path& pcap, uint16_t client_port)
{
    BulkWindows w;
    for (const auto& r : TraceRows(pcap))
    {
        if (r.rec.sport != client_port || r.rec.len != 0 || r.rel_ack <= 69)
        {
            continue; // the client's pure ACKs of the response body
        }
        w.first_data_ack = w.first_data_ack ? w.first_data_ack : r.win;
        w.largest = std::max(w.largest, r.win);
        w.zero += r.win == 0 ? 1 : 0;
    }
    return w;
}

BOOST_AUTO_TEST_CASE(bulk_transfer_windows_against_nine_recordings)
{
    // tests/data/real/bulk: the same 2 MB transfer recorded nine times (record.sh once,
    // spread.sh eight times). Every recording's first data ACK offers 95232, but how far
    // the reader falls behind, and so how often the window closes and how far
    // autotuning takes it, changes from run to run: the model must land within what
    // the recordings show. (It does once the scenario gives bulk.py's 1.46 ms between
    // header and body, which the receiver's first RTT sample spans: without it the
    // largest window stayed at 364544, below every recording.)
    const fs::path dir = SourceDir() / "tests" / "data" / "real" / "bulk";
    std::vector<fs::path> pcaps = {dir / "real.pcap"};
    for (const auto& p : FilesIn(dir / "spread"))
    {
        if (p.extension() == ".pcap")
        {
            pcaps.push_back(p);
        }
    }
    BOOST_REQUIRE(pcaps.size() == 9u);
    BulkWindows lo{UINT32_MAX, UINT32_MAX, SIZE_MAX}, hi{};
    for (const auto& p : pcaps)
    {
        const BulkWindows w = ReceiverWindows(p, 35457);
        lo = {std::min(lo.first_data_ack, w.first_data_ack), std::min(lo.largest, w.largest), std::min(lo.zero, w.zero)};
        hi = {std::max(hi.first_data_ack, w.first_data_ack), std::max(hi.largest, w.largest), std::max(hi.zero, w.zero)};
    }
    TempDir out;
    const std::string scenario = (SourceDir() / "tests" / "data" / "scenarios" / "bulk-618.toml").string();
    const Outcome run = Simulate(scenario, out / "b");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const BulkWindows sim = ReceiverWindows(out / "b" / "trace.pcap", 35457);
    BOOST_TEST_MESSAGE(fmt::format("bulk: first data ACK win {} (recordings {}-{}), largest {} ({}-{}), zero windows {} ({}-{})",
                                   sim.first_data_ack, lo.first_data_ack, hi.first_data_ack, sim.largest, lo.largest,
                                   hi.largest, sim.zero, lo.zero, hi.zero));
    BOOST_TEST(lo.first_data_ack == hi.first_data_ack);
    BOOST_TEST(sim.first_data_ack == lo.first_data_ack);
    BOOST_TEST(sim.zero >= lo.zero);
    BOOST_TEST(sim.zero <= hi.zero);
    BOOST_TEST(sim.largest >= lo.largest);
    BOOST_TEST(sim.largest <= hi.largest);

    // The GSO packets too long for lo (65536 with the headers) leave as mss pieces,
    // PSH on the last only (gso_features_check(), tcp_gso_segment()): 65483 and the rest
    // once the window is large. Before 2026-12-02 the model cut such a packet at 65483
    // and sent each with PSH.
    const auto shape = [](const fs::path& pcap) {
        std::string out;
        for (const sim::PacketRecord& r : Packets(pcap))
        {
            if (r.sport == 35456 && r.len > 0)
            {
                out += fmt::format(" {}{}", r.len, (r.flags & 0x08) ? "P" : "");
            }
        }
        return out + " ";
    };
    const std::string sim_shape = shape(out / "b" / "trace.pcap");
    const std::string real_shape = shape(dir / "real.pcap");
    BOOST_TEST(real_shape.find(" 65483 29749P ") != std::string::npos, "REAL:" << real_shape);
    BOOST_TEST(sim_shape.find(" 65483 29749P ") != std::string::npos, "SIM:" << sim_shape);

    // Known deviation, the third data packet's len: REAL 47616 (two of 47616 while the
    // window is 95232), SIM 62464 (then 33280 and 33280). The recording's reader held
    // its socket while the second segment arrived (bulk.py's client thread gets the GIL
    // only once the server thread's sendall() of the body runs, and its first recv()
    // is slow), so that segment's ACK waited in the reader's backlog and offered 95232
    // after the read. The scenario's reader has read the header long before and is
    // asleep: the second segment is ACKed at once with 62464, that ACK and the first
    // (95232) reach the writer while it holds its socket copying the body, and
    // tcp_add_backlog() joins them, keeping the later window. The sender never sees
    // 95232 before its third packet, so its mss stays 32768 (tcp_bound_to_half_wnd())
    // and it fills the window with one 62464-byte packet. Which of the two the reader's
    // timing gives is not in this hand-written scenario; recorded runs replay it from
    // their own call times (tests/data/real/replay/http-zero-window).
    const bool real_pair = real_shape.find(" 32768 32768P 47616 47616P ") != std::string::npos;
    const bool sim_joined = sim_shape.find(" 32768 32768P 62464P 33280 33280P ") != std::string::npos;
    BOOST_TEST(real_pair, "REAL:" << real_shape);
    BOOST_TEST(sim_joined, "known deviation no longer occurs (SIM:" << sim_shape << "), remove it");
    if (real_pair && sim_joined)
    {
        BOOST_TEST_MESSAGE("known deviation: no.12 len: expected 47616 actual 62464 (ACKs joined in the writer's backlog)");
    }
}

// tests/data/real/overflow (record.sh there): 100000, 150000 and 250000 bytes sent at
// once to a reader that sleeps, ten runs each on this machine's 6.18. A tail loss probe
// goes about 5-8 ms after the last segment (tcp_schedule_loss_probe(): 2 srtt + 2 ms,
// one 4 ms jiffy, run at the next tick); it is spurious, and the reader's ACK carries
// its D-SACK. Each run replays from its own calls.csv in every relative field, SACK
// blocks included, and the probe's time within 1 ms where the tick the recorder read
// is the timer's. The D-SACK ACK waits for the delayed-ACK timer of the first
// unacknowledged segment, 40-44 ms after it (10 jiffies, run a tick late by the timer
// wheel): tcp_data_queue() enters quick-ACK mode for the old segment, but with more
// than rcv_mss unacknowledged __tcp_ack_snd_check() calls __tcp_select_window(), which
// clears the quick ACKs while less than half the buffer is free. Until 2026-12-02 the
// model sent it at once (ICSK_ACK_NOW), a named deviation in every run.
BOOST_AUTO_TEST_CASE(spurious_loss_probes_and_their_dsack_replay_from_thirty_recordings)
{
    const fs::path data = SourceDir() / "tests" / "data" / "real" / "overflow";
    size_t runs = 0;
    size_t exact = 0;
    size_t probe_on_time = 0;
    size_t dsack_on_time = 0;
    for (const char* size : {"100k", "150k", "250k"})
    {
        const std::string scenario =
            (SourceDir() / "tests" / "data" / "scenarios" / (std::string("overflow-") + size + ".toml")).string();
        for (int k = 1; k <= 10; ++k)
        {
            const std::string id = fmt::format("{}/run-{}", size, k);
            const fs::path src = data / size / fmt::format("run-{}", k);
            TempDir dir;
            fs::copy_file(src / "real.pcap", dir / "real.pcap");
            fs::copy_file(src / "calls.csv", dir / "calls.csv");
            const Outcome derive = RunSim(fmt::format("record '{}' --replay --profile linux-6.18 --out '{}'", scenario,
                                                      dir.path().string()));
            BOOST_REQUIRE_MESSAGE(derive.status == 0, id << ": " << derive.err);
            const Outcome run = Simulate((dir / "recorded.toml").string(), dir / "sim");
            BOOST_REQUIRE_MESSAGE(run.status == 0, id << ": " << run.err);
            const auto sim_packets = Packets(dir / "sim" / "trace.pcap");
            const auto real_packets = Packets(dir / "real.pcap");
            const sim::CompareResult r = sim::CompareTraces(sim_packets, real_packets, {});
            ++runs;
            const bool same = r.matched == r.slots && r.diffs.empty();
            exact += same;
            BOOST_TEST(same, id << ":\n" << sim::FormatComparison(r));
            BOOST_REQUIRE_EQUAL(sim_packets.size(), 12u);
            BOOST_REQUIRE_EQUAL(real_packets.size(), 12u);
            // no.8 the probe, no.9 the reader's ACK with the D-SACK
            const auto rel = [](const std::vector<sim::PacketRecord>& p, size_t i) {
                return static_cast<double>(p[i].time_ns - p[0].time_ns) / 1e6;
            };
            BOOST_TEST(real_packets[8].num_sacks == 1);
            if (std::abs(rel(sim_packets, 7) - rel(real_packets, 7)) < 1.0)
            {
                ++probe_on_time;
            }
            // both: the delayed ACK, not an answer to the probe
            BOOST_TEST(rel(real_packets, 8) > 38.0, id);
            BOOST_TEST(rel(real_packets, 8) < 46.0, id);
            BOOST_TEST(rel(sim_packets, 8) - rel(sim_packets, 7) > 20.0, id);
            BOOST_TEST(std::abs(rel(sim_packets, 8) - rel(real_packets, 8)) < 4.0,
                       id << ": D-SACK ACK at " << rel(real_packets, 8) << " ms REAL, " << rel(sim_packets, 8)
                          << " ms SIM");
            if (std::abs(rel(sim_packets, 8) - rel(real_packets, 8)) < 1.0)
            {
                ++dsack_on_time;
            }
        }
    }
    BOOST_TEST(runs == 30u);
    BOOST_TEST_MESSAGE(exact << " of " << runs << " overflow runs replayed exactly in relative fields; the probe within 1 ms in "
                             << probe_on_time << ", the D-SACK ACK in " << dsack_on_time);
    BOOST_TEST(probe_on_time >= 26u);
    BOOST_TEST(dsack_on_time >= 23u);
}

// tests/data/real/zero-window (record.sh there): 1 MB sent at once to a reader that
// sleeps 1 s, ten runs: the window shuts, the sender probes it (tcp_send_probe0())
// one RTO (at least 200 ms) after, the reader answers; the next probe, backed off to
// twice that, goes unanswered (tcp_oow_rate_limited(): one reply to an out-of-window
// bare ACK per 0.5 s). Every run replays in every relative field. The zero-window ACK
// goes with the delayed-ACK timer (as in the overflow runs), and the RTO takes its last
// RTT sample from that ACK's TS echo, so the ACK and the first probe are checked
// against the recording (within 1 ms where the recorder's tick is the timer's), and
// the probes against the rule: the first an RTO of 200-220 ms after the zero window,
// the second twice that later (the timer wheel's level 1 rounds up to 8 jiffies, 32 ms
// at HZ 250).
BOOST_AUTO_TEST_CASE(zero_window_probes_replay_from_ten_recordings)
{
    const fs::path data = SourceDir() / "tests" / "data" / "real" / "zero-window";
    const std::string scenario = (SourceDir() / "tests" / "data" / "scenarios" / "zero-window.toml").string();
    size_t ack_on_time = 0;
    size_t probe_on_time = 0;
    for (int k = 1; k <= 10; ++k)
    {
        const std::string id = fmt::format("zero-window/run-{}", k);
        const fs::path src = data / fmt::format("run-{}", k);
        TempDir dir;
        fs::copy_file(src / "real.pcap", dir / "real.pcap");
        fs::copy_file(src / "calls.csv", dir / "calls.csv");
        const Outcome derive = RunSim(
            fmt::format("record '{}' --replay --profile linux-6.18 --out '{}'", scenario, dir.path().string()));
        BOOST_REQUIRE_MESSAGE(derive.status == 0, id << ": " << derive.err);
        const Outcome run = Simulate((dir / "recorded.toml").string(), dir / "sim");
        BOOST_REQUIRE_MESSAGE(run.status == 0, id << ": " << run.err);
        const auto sim_packets = Packets(dir / "sim" / "trace.pcap");
        const auto real_packets = Packets(dir / "real.pcap");
        const sim::CompareResult r = sim::CompareTraces(sim_packets, real_packets, {});
        BOOST_TEST((r.matched == r.slots && r.diffs.empty()), id << ":\n" << sim::FormatComparison(r));
        BOOST_REQUIRE_EQUAL(sim_packets.size(), 15u);
        // no.9 the zero window (with its D-SACK), no.10 and no.12 the probes
        for (const auto* p : {&sim_packets, &real_packets})
        {
            const auto ms = [p](size_t a, size_t b) {
                return static_cast<double>((*p)[b].time_ns - (*p)[a].time_ns) / 1e6;
            };
            const double first = ms(8, 9);
            BOOST_TEST(first > 200.0, id << (p == &sim_packets ? " SIM" : " REAL") << " first probe after " << first);
            BOOST_TEST(first < 220.0, id << (p == &sim_packets ? " SIM" : " REAL") << " first probe after " << first);
            BOOST_TEST(ms(9, 11) >= 2 * first - 8.0, id << " second after " << ms(9, 11));
            BOOST_TEST(ms(9, 11) <= 2 * first + 32.0, id << " second after " << ms(9, 11));
        }
        const auto off = [&](size_t i) {
            return std::abs(static_cast<double>(sim_packets[i].time_ns - sim_packets[0].time_ns) -
                            static_cast<double>(real_packets[i].time_ns - real_packets[0].time_ns)) /
                   1e6;
        };
        ack_on_time += off(8) < 1.0;
        probe_on_time += off(9) < 1.0;
    }
    BOOST_TEST_MESSAGE("zero-window ACK within 1 ms in " << ack_on_time << " of 10, the first probe in "
                                                         << probe_on_time);
    BOOST_TEST(ack_on_time >= 8u);
    BOOST_TEST(probe_on_time >= 7u);
}

// The recorder's capture keeps every packet of a transfer that keeps both CPUs busy:
// its polls run at SCHED_IDLE, so the ring must hold what comes meanwhile. A 32 MiB
// TPACKET_V2 ring lost 24-976 packets of this scenario in each of seven recordings (and
// 256 MiB did under load); the recorder said nothing. Every byte the server sent is in
// real.pcap, and the recorder reports no full ring.
BOOST_AUTO_TEST_CASE(capture_keeps_every_packet_of_25_mb, *utf::precondition(CanCapture))
{
    const std::string scenario = (SourceDir() / "tests" / "data" / "scenarios" / "capture-ring.toml").string();
    TempDir dir;
    const Outcome rec = RunSim(fmt::format("record '{}' --out '{}'", scenario, dir.path().string()));
    BOOST_REQUIRE_MESSAGE(rec.status == 0, rec.err);
    BOOST_TEST(rec.err.find("missed") == std::string::npos, rec.err);
    const auto packets = Packets(dir / "real.pcap");
    BOOST_REQUIRE(packets.size() > 2u);
    // every byte the server sent is in some captured packet: one the capture lost
    // leaves a hole. (One lo's backlog dropped, netif_rx() past netdev_max_backlog, is
    // not captured either, but its retransmission fills the hole.)
    const sim::PacketRecord& synack = packets[1];
    BOOST_REQUIRE(synack.sport == packets.front().dport); // the recorder picks a free port
    std::vector<std::pair<uint32_t, uint32_t>> spans;
    for (const sim::PacketRecord& p : packets)
    {
        if (p.sport == synack.sport && p.len > 0)
        {
            const uint32_t from = p.seq - synack.seq - 1;
            spans.emplace_back(from, from + p.len);
        }
    }
    std::sort(spans.begin(), spans.end());
    uint32_t reached = 0;
    size_t holes = 0;
    for (const auto& [from, to] : spans)
    {
        holes += from > reached ? 1 : 0;
        reached = std::max(reached, to);
    }
    BOOST_TEST(holes == 0u);
    // five bodies and their headers
    BOOST_TEST(reached > 25000000u);
    BOOST_TEST(reached < 25001000u);
}

// Live runs of each, against the most common sequence among the undisturbed ones. A run
// in which a send of under 64 KiB spent over kShortSendStallNs in the kernel was
// disturbed by the host: under load the quick ACK v1's data draws waits in the backlog
// behind a stopped vCPU or a busy ksoftirqd and is captured after the echo sent 3 ms
// later (CI saw it in one run, and in two of three on a clean clone here; 26 of 30 such
// runs in seed 30's recordings had that stall). The model is held to what this kernel
// does undisturbed; with no undisturbed run in seven the host cannot say, and the test
// warns instead.
BOOST_AUTO_TEST_CASE(record_now_and_compare, *utf::precondition(CanCapture))
{
    for (const char* name : {"v1", "v3"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            TempDir dir;
            std::vector<fs::path> pcaps;
            for (int run = 1; run <= 7 && pcaps.size() < 3; ++run)
            {
                const fs::path out = dir / fmt::format("{}-{}", name, run);
                const Outcome rec = RunSim(std::string("record ") + name + " --out '" + out.string() + "'");
                BOOST_REQUIRE_MESSAGE(rec.status == 0, rec.err);
                const int64_t stall = sim::LongestShortSendNs(sim::ReadCallsCsv((out / "calls.csv").string()));
                BOOST_TEST_MESSAGE(name << " run " << run << " (longest short send " << stall / 1000
                                        << " us): " << Sequence(Packets(out / "real.pcap")));
                if (stall <= sim::kShortSendStallNs)
                {
                    pcaps.push_back(out / "real.pcap");
                }
            }
            BOOST_WARN_MESSAGE(!pcaps.empty(), name << ": every run disturbed by the host; not compared");
            if (pcaps.empty())
            {
                continue;
            }
            size_t count = 0;
            size_t total = 0;
            const fs::path real = MostCommon(pcaps, &count, &total);
            BOOST_TEST(count * 2 > total, "most common sequence in " << count << "/" << total << " runs");
            const sim::CompareResult r = SimulateAndCompare(name, real);
            BOOST_TEST(r.matched == r.slots, sim::FormatComparison(r));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
