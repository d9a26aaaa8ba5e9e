// SPDX-License-Identifier: GPL-2.0-only
// `--why`: every packet the simulation sends says why, in trace.pcapng (as Wireshark
// reads it) and as a last column of the table; the rest of the table is unchanged.
// `sim explain` prints one packet with its reason and the sender's state.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

using namespace simtest;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace
{

// The table of `sim NAME --why`, one string per line
std::vector<std::string>
WhyLines(const TempDir& dir, const std::string& name)
{
    const Outcome o = RunSim(name + " -q --no-plot --why --out '" + (dir / name).string() + "'");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    std::vector<std::string> lines;
    std::istringstream in(ReadFile(dir / name / "trace.txt"));
    for (std::string l; std::getline(in, l);)
    {
        lines.push_back(l);
    }
    return lines;
}

std::string
Why(const std::string& line)
{
    const size_t at = line.find("   # ");
    return at == std::string::npos ? "" : line.substr(at + 5);
}

boost::test_tools::assertion_result
TsharkPresent(utf::test_unit_id)
{
    boost::test_tools::assertion_result r(HaveProgram("tshark"));
    r.message() << "tshark is not installed (apt-get install tshark)";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(explain)

BOOST_AUTO_TEST_CASE(every_packet_of_every_scenario_says_why_and_the_table_is_otherwise_the_same)
{
    for (const char* name : {"v1", "v2", "v3", "v4", "parta", "partb"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            TempDir dir;
            std::string without;
            for (const std::string& line : WhyLines(dir, name))
            {
                const std::string why = Why(line);
                BOOST_TEST(!why.empty(), "no reason: " << line);
                BOOST_TEST(why.find("no reason recorded") == std::string::npos, line);
                without += line.substr(0, line.find("   # ")) + "\n";
            }
            BOOST_TEST(without == ReadFile(SourceDir() / "tests" / "golden" / (std::string(name) + ".txt")));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_reasons_of_the_seed_experiments)
{
    TempDir dir;
    const auto v1 = WhyLines(dir, "v1");
    BOOST_TEST(Why(v1[4]).find("quick ACK") == 0u, v1[4]);      // the server's ACK of the request
    BOOST_TEST(Why(v1[6]).find("quick ACK") == 0u, v1[6]);      // the client's ACK of its first data
    BOOST_TEST(Why(v1[1]).find("SYN-ACK") == 0u, v1[1]);
    const auto v2 = WhyLines(dir, "v2");
    const auto joined = std::find_if(v2.begin(), v2.end(), [](const std::string& l) {
        return l.find("Len=15 ") != std::string::npos;
    });
    BOOST_REQUIRE(joined != v2.end());
    BOOST_TEST(Why(*joined).find("let held data go (Nagle") != std::string::npos, *joined); // Nagle released
    const auto v3 = WhyLines(dir, "v3");
    // the client read 2048 of the 13000-byte reply; tcp_close() counts whole skbs
    BOOST_TEST(Why(v3.back()).find("RST: close() with 10952 unread bytes (tcp_close() counts 13000") == 0u,
               v3.back());
    const auto v4 = WhyLines(dir, "v4");
    BOOST_TEST(Why(v4[14]).find("delayed ACK: the timer fired after ato 40 ms") == 0u, v4[14]);
    BOOST_TEST(Why(v4[14]).find("pingpong") != std::string::npos, v4[14]);
}

BOOST_AUTO_TEST_CASE(wireshark_reads_each_reason_as_the_packet_comment, *utf::precondition(TsharkPresent))
{
    for (const char* name : {"v1", "v2", "v3", "v4", "parta", "partb"})
    {
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            TempDir dir;
            const auto lines = WhyLines(dir, name);
            const Outcome o = RunShell("tshark -n -r '" + (dir / name / "trace.pcapng").string() +
                                       "' -T fields -e frame.number -e frame.comment");
            BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
            std::istringstream in(o.out);
            size_t n = 0;
            for (std::string l; std::getline(in, l); ++n)
            {
                BOOST_REQUIRE(n < lines.size());
                const std::string comment = l.substr(l.find('\t') + 1);
                BOOST_TEST(comment.find(Why(lines[n])) == 0u, "packet " << n + 1 << ": " << comment);
                BOOST_TEST(comment.find(" | ") != std::string::npos, comment); // then the sender's state
            }
            BOOST_TEST(n == lines.size());
        }
    }
}

BOOST_AUTO_TEST_CASE(explain_prints_a_packet_its_reason_and_the_senders_state)
{
    TempDir dir;
    WhyLines(dir, "v4");
    const std::string pcapng = "'" + (dir / "v4" / "trace.pcapng").string() + "'";
    const Outcome o = RunSim("explain " + pcapng + " 15");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(o.out.find("   15 ") == 0u, o.out);
    BOOST_TEST(o.out.find("\nwhy:   delayed ACK: the timer fired after ato 40 ms") != std::string::npos, o.out);
    BOOST_TEST(o.out.find("\nstate: snd_una=") != std::string::npos, o.out);
    const Outcome past = RunSim("explain " + pcapng + " 18");
    BOOST_TEST(past.status == 2);
    BOOST_TEST(past.err.find("no packet 18 (the trace has 17)") != std::string::npos, past.err);
    // a trace written without --why has nothing to explain, and says how to get it
    const Outcome plain = RunSim("explain '" + (dir / "v4" / "trace.pcap").string() + "' 1");
    BOOST_TEST(plain.status == 2, plain.out);
}

BOOST_AUTO_TEST_CASE(compare_says_why_the_simulation_sent_a_differing_packet)
{
    // v3 on the 6.18 profile against its recording: equal; against v1's recording the
    // blocks name the rule behind each simulated packet
    TempDir dir;
    const Outcome run = RunSim("v3 -q --no-plot --why --profile linux-6.18 --out '" + (dir / "v3").string() + "'");
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
    const std::string sim = "'" + (dir / "v3" / "trace.pcapng").string() + "'";
    const Outcome differ =
        RunSim("compare " + sim + " '" + (SourceDir() / "tests/data/real/v1/run-1/real.pcap").string() + "'");
    BOOST_TEST(differ.status == 1);
    BOOST_TEST(differ.out.find("  SIM sent it: data: the end of a 13000-byte write() is pushed (tcp_push())") !=
                   std::string::npos,
               differ.out);
    if (HaveProgram("gnuplot"))
    {
        // and the same comparison as a picture, the first difference circled
        const Outcome plot = RunSim("compare " + sim + " '" +
                                    (SourceDir() / "tests/data/real/v1/run-1/real.pcap").string() + "' --plot '" +
                                    (dir / "cmp.svg").string() + "'");
        BOOST_TEST(plot.status == 1, plot.err);
        const std::string svg = ReadFile(dir / "cmp.svg");
        BOOST_TEST(svg.find("first difference: no.") != std::string::npos);
    }
}

// sim run --kernel-state: the model's state where the kernel's tcp_probe and
// tcp_rcvbuf_grow tracepoints are, in kstate.csv's columns (sim record --kernel-state's).
// The recording `pacing` (seed 21 HTTP, 75 run 2): a 500043-byte body, whose reader's
// buffer grows once.
BOOST_AUTO_TEST_CASE(kernel_state_is_the_models_state_at_the_kernels_tracepoints)
{
    const fs::path data = SourceDir() / "tests" / "data" / "real" / "replay" / "pacing";
    TempDir dir;
    fs::copy_file(data / "run-2" / "real.pcap", dir / "real.pcap");
    fs::copy_file(data / "run-2" / "calls.csv", dir / "calls.csv");
    const Outcome derive = RunSim("record '" + (data / "scenario.toml").string() +
                                  "' --replay --profile linux-6.18 --out '" + dir.path().string() + "'");
    BOOST_REQUIRE_MESSAGE(derive.status == 0, derive.err);
    const std::string toml = (dir / "recorded.toml").string();
    const Outcome plain = Simulate(toml, dir / "plain", "--profile linux-6.18");
    const Outcome with = Simulate(toml, dir / "with", "--profile linux-6.18 --kernel-state");
    BOOST_REQUIRE_MESSAGE(plain.status == 0 && with.status == 0, plain.err << with.err);
    // the log changes nothing simulated, and is written only when asked for
    BOOST_TEST(ReadFile(dir / "plain" / "trace.pcap") == ReadFile(dir / "with" / "trace.pcap"));
    BOOST_TEST(!fs::exists(dir / "plain" / "kstate.csv"));
    BOOST_TEST(!fs::exists(dir / "with" / "kstate.csv.tmp"));

    std::istringstream in(ReadFile(dir / "with" / "kstate.csv"));
    std::string line;
    std::getline(in, line);
    BOOST_TEST(line == "time_ns,event,port,data_len,snd_una,snd_nxt,snd_cwnd,ssthresh,snd_wnd,srtt,rcv_wnd,"
                       "rcvbuf,rcv_ssthresh,window_clamp,space,copied,inq,rtt_us,scaling_ratio,time");
    const auto fields = [](const std::string& l) {
        std::vector<std::string> f;
        std::string cell;
        std::istringstream cells(l);
        while (std::getline(cells, cell, ','))
        {
            f.push_back(cell);
        }
        f.resize(20);
        return f;
    };
    // per port, tcp_probe's snd_una never goes back and data_len adds up to what that
    // socket received after the handshake; one growth, by what was read beyond the space.
    // data_len < 2^16
    std::map<std::string, uint64_t> received;
    std::map<std::string, uint64_t> una;
    int grows = 0;
    while (std::getline(in, line))
    {
        const std::vector<std::string> f = fields(line);
        if (f[1] == "tcp_probe")
        {
            const uint64_t u = std::stoull(f[4]);
            BOOST_TEST((una.count(f[2]) == 0 || u - una[f[2]] < (1ULL << 31)));
            una[f[2]] = u;
            received[f[2]] += std::stoull(f[3]);
            BOOST_TEST(std::stoull(f[3]) < 65536u);
        }
        else
        {
            BOOST_TEST(f[1] == "tcp_rcvbuf_grow");
            ++grows;
            BOOST_TEST(std::stoll(f[15]) - std::stoll(f[16]) > std::stoll(f[14])); // copied - inq > space
            BOOST_TEST(std::stoull(f[17]) > 0u);                                    // a receive RTT
        }
    }
    BOOST_TEST(grows == 1);
    // the browser's socket got the responses, the server's the requests
    BOOST_REQUIRE_EQUAL(received.size(), 2u);
    uint64_t client_sent = 0;
    uint64_t server_sent = 0;
    for (const auto& r : TraceRows(dir / "with" / "trace.pcap"))
    {
        (r.from_client ? client_sent : server_sent) += r.rec.len;
    }
    std::vector<uint64_t> got;
    for (const auto& [port, bytes] : received)
    {
        got.push_back(bytes);
    }
    std::sort(got.begin(), got.end());
    // data_len is the tracepoint's __u16 (a backlog-coalesced skb shows modulo 2^16): the
    // sums agree modulo 2^16
    BOOST_TEST(got[0] % 65536 == std::min(client_sent, server_sent) % 65536);
    BOOST_TEST(got[1] % 65536 == std::max(client_sent, server_sent) % 65536);
}

BOOST_AUTO_TEST_SUITE_END()
