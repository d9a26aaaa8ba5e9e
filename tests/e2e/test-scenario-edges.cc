// SPDX-License-Identifier: GPL-2.0-only
// Experiments a user tries next by editing a copy of v1.toml: the legitimate ones run
// (no sends, no reads, no description), the impossible ones are refused as bind()
// would refuse them, and a program that would hang is named.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace simtest;
namespace fs = std::filesystem;

namespace
{

size_t
Lines(const std::string& s)
{
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// v1.toml with edits, run with this project's kernel profile; `quiet` adds -q
Outcome
RunEdited(const TempDir& dir,
          const std::vector<std::pair<std::string, std::string>>& edits,
          bool quiet = true)
{
    WriteFile(dir / "edited.toml", ScenarioText("v1", edits));
    return RunSim("'" + (dir / "edited.toml").string() + "' --profile linux-6.18 --no-plot" +
                  (quiet ? " -q" : "") + " --out '" + (dir / "out").string() + "'");
}

// The edited v1 is refused as bind() would refuse it: one line naming the file and
// the key, exit status 2, nothing written
void
ExpectRefused(const std::vector<std::pair<std::string, std::string>>& edits, const std::string& message)
{
    TempDir dir;
    const Outcome o = RunEdited(dir, edits);
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    BOOST_TEST(o.err.find("edited.toml:") != std::string::npos, o.err);
    BOOST_TEST(o.err.find(message) != std::string::npos, o.err);
    BOOST_TEST(!fs::exists(dir / "out"));
}

std::string
Flags(const std::vector<sim::TraceRow>& rows)
{
    std::string out;
    for (const auto& r : rows)
    {
        out += (out.empty() ? "" : " ") + std::string(r.from_client ? "C:" : "S:") + sim::FlagNames(r.rec.flags);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scenario_edges)

BOOST_AUTO_TEST_CASE(no_sends_and_no_reads_is_a_handshake_and_a_fin_exchange)
{
    TempDir dir;
    const Outcome o = RunEdited(dir, {{"sends = 1", "sends = 0"}, {"recv_sizes = [1024]", "recv_sizes = []"}});
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    BOOST_TEST(o.err.empty(), o.err);
    const auto rows = TraceRows(dir / "out" / "trace.pcap");
    // the server's ACK of the FIN waits (pingpong after tcp_fin()) and rides on its FIN
    // 0.72 ms later, as in the recordings (tests/data/real/no-sends)
    BOOST_TEST(Flags(rows) == "C:SYN S:SYN,ACK C:ACK C:FIN,ACK S:FIN,ACK C:ACK");
    BOOST_TEST(std::none_of(rows.begin(), rows.end(), [](const sim::TraceRow& r) { return r.rec.len > 0; }));
}

BOOST_AUTO_TEST_CASE(client_port_equal_to_the_listening_port_is_eaddrinuse)
{
    ExpectRefused({{"port = 51408", "port = 12345"}},
                  ": client.port: 127.0.0.1:12345 is in use by the server listening on 0.0.0.0:12345 "
                  "(bind(): EADDRINUSE)");
}

BOOST_AUTO_TEST_CASE(reuseaddr_does_not_share_a_port_with_a_listener)
{
    ExpectRefused({{"port = 51408", "port = 12345\nreuseaddr = true"},
                   {"reply_multiplier = 1 ", "reuseaddr = true\nreply_multiplier = 1 "}},
                  "SO_REUSEADDR does not share a port with a listening socket");
}

BOOST_AUTO_TEST_CASE(client_address_not_of_the_loopback_host_is_eaddrnotavail)
{
    ExpectRefused({{"address = \"127.0.0.1\"", "address = \"10.0.0.9\""}},
                  ": client.address: 10.0.0.9 is not an address of the loopback host, which owns "
                  "127.0.0.0/8 (bind(): EADDRNOTAVAIL)");
}

BOOST_AUTO_TEST_CASE(an_empty_message_leaves_both_programs_blocked_and_says_so)
{
    // send("") sends nothing, so the server never replies: the real programs would hang
    TempDir dir;
    const Outcome o = RunEdited(dir, {{"message = \"Hello, world!\"", "message = \"\""}}, false);
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    BOOST_TEST(Lines(o.err) == 2u, o.err);
    BOOST_TEST(o.err.find("sim: warning: edited: the client is still blocked in recv() since 0.006") !=
                   std::string::npos,
               o.err);
    BOOST_TEST(o.err.find("sim: warning: edited: the server is still blocked in recv() since") != std::string::npos,
               o.err);
    BOOST_TEST(o.out.find("; the client still blocked in recv() since 0.006") != std::string::npos, o.out);
    BOOST_TEST(TraceRows(dir / "out" / "trace.pcap").size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_scenario_without_description_runs)
{
    TempDir dir;
    const std::string desc =
        "description = \"Echo of 'Hello, world!': quick ACK, echo, ACK when the client runs, FIN both ways\"";
    const Outcome o = RunEdited(dir, {{desc, ""}});
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(TraceRows(dir / "out" / "trace.pcap").size() == 10u);
}

BOOST_AUTO_TEST_CASE(a_browser_without_requests_connects_and_closes)
{
    // one speculative connection: the server closes it when idle, the browser follows
    TempDir dir;
    WriteFile(dir / "idle.toml", R"(profile = "linux-6.18"
[server]
program = "http-server"
port = 8000
idle_timeout = 0.5
[client]
program = "browser"
address = "127.0.0.1"
server = "127.0.0.1"
connections = [{ name = "a", port = 40000, open_at = 0.0 }]
requests = []
)");
    const Outcome o = Simulate((dir / "idle.toml").string(), dir / "out");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    BOOST_TEST(o.err.empty(), o.err);
    const auto rows = TraceRows(dir / "out" / "trace.pcap");
    // the browser closes at once (close think 0): its FIN carries the ACK of the server's
    BOOST_TEST(Flags(rows) == "C:SYN S:SYN,ACK C:ACK S:FIN,ACK C:FIN,ACK S:ACK");
}

BOOST_AUTO_TEST_SUITE_END()
