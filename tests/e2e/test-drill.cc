// SPDX-License-Identifier: GPL-2.0-only
// `sim drill`: our packetdrill scripts (tests/drill/) pass against linux-6.18; a
// script that is wrong fails with packetdrill's message and exit status 1; a bad
// script or a feature the model lacks gives one line with the script's line number
// and exit status 2.
#include "tests/e2e/harness.h"

#include "models/drill/parser.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

using namespace simtest;
namespace fs = std::filesystem;

namespace
{

size_t
Lines(const std::string& s)
{
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string
FirstLine(const std::string& s)
{
    return s.substr(0, s.find('\n'));
}

// A passive open every small script below starts with (no timestamps)
const char* const kOpen = R"(`sysctl -q net.ipv4.tcp_timestamps=0`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 1460,nop,nop,sackOK,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 10>
  +.1 < . 1:1(0) ack 1 win 512
   +0 accept(3, ..., ...) = 4
)";

// Runs `sim drill` on a script written from `text`
Outcome
Drill(const TempDir& dir, const std::string& text, const std::string& extra = "")
{
    WriteFile(dir / "t.pkt", text);
    return RunSim("drill '" + (dir / "t.pkt").string() + "' --out '" + (dir / "out").string() + "'" +
                  (extra.empty() ? "" : " " + extra));
}

} // namespace

BOOST_AUTO_TEST_SUITE(drill)

BOOST_AUTO_TEST_CASE(own_scripts_pass_on_linux_6_18)
{
    TempDir dir;
    const Outcome o = RunSim("drill tests/drill --profile linux-6.18 --out '" + dir.path().string() + "'");
    BOOST_TEST(o.status == 0, o.out << o.err);
    std::istringstream lines(o.out);
    std::string line;
    size_t scripts = 0;
    while (std::getline(lines, line))
    {
        if (line.find(".pkt") != std::string::npos)
        {
            ++scripts;
            BOOST_TEST(line.rfind("pass ", 0) == 0, line);
        }
    }
    BOOST_TEST(scripts >= 8u);
    BOOST_TEST(o.out.find(std::to_string(scripts) + " scripts: " + std::to_string(scripts) + " pass") !=
                   std::string::npos,
               o.out);
    // each run's trace, in a folder of its own
    BOOST_TEST(fs::exists(dir / "nagle" / "trace.pcap"));
    BOOST_TEST(TraceRows(dir / "nagle" / "trace.pcap").size() == 12u);
}

BOOST_AUTO_TEST_CASE(a_syntax_error_is_one_line_with_its_line_number_and_status_2)
{
    TempDir dir;
    const Outcome o = Drill(dir, "// a comment\n    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n   +0 > S. 0:0(0\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u, o.err);
    BOOST_TEST(o.err.find("t.pkt:3: error: syntax error at ") != std::string::npos, o.err);
    BOOST_TEST(o.out.empty(), o.out);
}

BOOST_AUTO_TEST_CASE(semantic_errors_use_packetdrills_wording)
{
    TempDir dir;
    Outcome o = Drill(dir, std::string(kOpen) + "   +0 < . 1:101(50) ack 1 win 512\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(FirstLine(o.err).find("t.pkt:9: error: inconsistent TCP sequence numbers and payload size") !=
                   std::string::npos,
               o.err);
    o = Drill(dir, std::string(kOpen) + "   +0 < . 1:101(100) ack 1\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("t.pkt:9: error: window must be specified for inbound packets") != std::string::npos, o.err);
    o = Drill(dir, "   +1 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("t.pkt:1: error: first event should be at time 0") != std::string::npos, o.err);
}

BOOST_AUTO_TEST_CASE(an_unsupported_feature_is_one_line_naming_it)
{
    TempDir dir;
    Outcome o = Drill(dir, std::string(kOpen) + "   +0 setsockopt(4, SOL_TCP, TCP_NOTSENT_LOWAT, [1], 4) = 0\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u, o.err);
    BOOST_TEST(o.err.find("t.pkt:9: unsupported: setsockopt TCP_NOTSENT_LOWAT") != std::string::npos, o.err);
    o = Drill(dir, "`sysctl -q net.ipv4.tcp_mtu_probing=1`\n    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("t.pkt:1: unsupported: net.ipv4.tcp_mtu_probing=1") != std::string::npos, o.err);
    // a tcp_cubic parameter the module fixed at load; one it reads live is taken
    o = Drill(dir, "`echo 800 > /sys/module/tcp_cubic/parameters/beta`\n"
                   "    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("t.pkt:1: unsupported: tcp_cubic parameter beta=800") != std::string::npos, o.err);
    o = Drill(dir, "`echo 1 > /sys/module/tcp_cubic/parameters/hystart_detect`\n"
                   "    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    BOOST_TEST(o.status == 0, o.err);
}

BOOST_AUTO_TEST_CASE(a_wrong_field_fails_as_packetdrill_reports_it)
{
    TempDir dir;
    const Outcome o = Drill(dir, std::string(kOpen) + "  +.1 < P. 1:1001(1000) ack 1 win 512\n"
                                                      "   +0 > . 1:1(0) ack 1002\n");
    BOOST_TEST(o.status == 1);
    BOOST_TEST(FirstLine(o.err) ==
                   (dir / "t.pkt").string() +
                       ":10: error handling packet: live packet field tcp_ack_seq: expected: 1002 (0x3ea) vs "
                       "actual: 1001 (0x3e9)",
               o.err);
    // then the two packets, as add_packet_dump() shows them
    BOOST_TEST(o.err.find("\nscript packet:  0.200000 . 1:1(0) ack 1002 \n") != std::string::npos, o.err);
    BOOST_TEST(o.err.find("\nactual packet:  0.200000 . 1:1(0) ack 1001 win ") != std::string::npos, o.err);
    BOOST_TEST(fs::exists(dir / "out" / "trace.pcap")); // a failed run's trace too
}

BOOST_AUTO_TEST_CASE(a_late_packet_is_a_timing_error_within_the_tolerance)
{
    TempDir dir;
    // the data is ACKed at once (quick-ACK mode), not 10 ms later
    const std::string script = std::string(kOpen) + "   +0 write(4, ..., 10) = 10\n"
                                                    "   +0 > P. 1:11(10) ack 1\n"
                                                    "  +.1 < P. 1:11(10) ack 11 win 512\n"
                                                    " +.01 > . 11:11(0) ack 11\n";
    Outcome o = Drill(dir, script);
    BOOST_TEST(o.status == 1);
    BOOST_TEST(FirstLine(o.err).find(":12: error handling packet: timing error: expected outbound packet at "
                                     "0.210000 sec but happened at 0.200000 sec; tolerance 0.004000 sec") !=
                   std::string::npos,
               o.err);
    // a tolerance wide enough takes it
    o = Drill(dir, script, "--tolerance-usecs 10000");
    BOOST_TEST(o.status == 0, o.err);
}

BOOST_AUTO_TEST_CASE(a_jiffy_timer_fires_where_the_tick_phase_puts_it)
{
    TempDir dir;
    // RACK's reordering timer after a SACK at 0.2 s: min_rtt/4 = 25 ms plus
    // TCP_TIMEOUT_MIN_US, in jiffies of 4 ms (7), plus the timer wheel's rounding
    // (calc_index()): 0.232 s when time 0 is on a tick, one jiffy earlier at the most.
    std::string open(kOpen);
    open.replace(open.find("mss 1460"), 8, "mss 1000");
    const std::string script = open +
                               "   +0 write(4, ..., 3000) = 3000\n"
                               "   +0 > P. 1:3001(3000) ack 1\n"
                               "  +.1 < . 1:1(0) ack 1 win 512 <sack 2001:3001,nop,nop>\n"
                               "+.030 > . 1:1001(1000) ack 1\n";
    const auto retransmitted_at = [&](const std::string& options) {
        const Outcome o = Drill(dir, script, options);
        BOOST_TEST(o.status == 0, o.err);
        const std::string t = ReadFile(dir / "out" / "trace.txt");
        const size_t last = t.rfind("\n", t.size() - 2);
        std::istringstream line(t.substr(last + 1));
        int no = 0;
        std::string at;
        line >> no >> at;
        return at;
    };
    BOOST_TEST(retransmitted_at("--tick-phase-usecs 0") == "0.232000000");
    BOOST_TEST(retransmitted_at("--tick-phase-usecs 3999") == "0.228001000");
    // the default: half a jiffy, the mean of a real run's phase
    BOOST_TEST(retransmitted_at("") == "0.230000000");
}

BOOST_AUTO_TEST_CASE(ip_tos_marks_what_the_socket_sends_and_keeps_its_ecn_bits)
{
    TempDir dir;
    // do_ip_setsockopt(): IP_TOS on a stream socket keeps the socket's own ECN bits (0
    // here), so 0x13 sends 0x10; IP_MTU_DISCOVER takes IP_PMTUDISC_DONT (no DF, as the
    // model's packets are) and refuses what is not a mode
    const Outcome o = Drill(dir, std::string(kOpen) + "   +0 setsockopt(4, SOL_IP, IP_TOS, [0x13], 4) = 0\n"
                                                      "   +0 setsockopt(4, SOL_IP, IP_MTU_DISCOVER, [IP_PMTUDISC_DONT], 4) = 0\n"
                                                      "   +0 setsockopt(4, SOL_IP, IP_MTU_DISCOVER, [9], 4) = -1 EINVAL (Invalid argument)\n"
                                                      "   +0 write(4, ..., 10) = 10\n"
                                                      "   +0 > P. 1:11(10) ack 1\n");
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const Outcome ip = RunShell("tshark -r '" + (dir / "out" / "trace.pcap").string() +
                                "' -Y 'tcp.len > 0' -T fields -e ip.dsfield -e ip.flags.df 2>/dev/null");
    BOOST_TEST(ip.out == "0x10\t0\n");
}

BOOST_AUTO_TEST_CASE(a_wrong_return_value_is_a_runtime_error)
{
    TempDir dir;
    Outcome o = Drill(dir, std::string(kOpen) + "   +0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                                                "   +0 read(4, ..., 10) = 10\n");
    BOOST_TEST(o.status == 1);
    BOOST_TEST(FirstLine(o.err).find(":10: runtime error in read call: Expected result 10 but got -1 with errno 11 "
                                     "(Resource temporarily unavailable)") != std::string::npos,
               o.err);
    // a blocking read() that nothing will end: packetdrill would wait forever
    o = Drill(dir, std::string(kOpen) + "   +0 read(4, ..., 10) = 10\n");
    BOOST_TEST(o.status == 1);
    BOOST_TEST(FirstLine(o.err).find(":9: runtime error in read call: it blocks and nothing can end it") !=
                   std::string::npos,
               o.err);
}

// The parser on its own: each element of the language in one script
BOOST_AUTO_TEST_CASE(parser_reads_each_element)
{
    using namespace sim::drill;
    const Script s = ParseScript(R"(--tolerance_usecs=7000
--strict_segments
`sysctl -q net.ipv4.tcp_sack=1`
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3  // a comment
 +.1 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 5 ecr 0,nop,wscale 7>
0.1~0.2 > S. 0:0(0) ack 1 <...>
   * > . 1:1(0) ack 1 win 257 <nop,nop,sack 1001:2001 3001:4001>
+0~+0.01 > F. 1:1(0) ack 1
 /* block
    comment */
  +0...0.5 read(4, ..., 1000) = -1 EAGAIN (Resource temporarily unavailable)
  +0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 100}], msg_flags=0}, 0) = 100
  +0 %{ assert tcpi_snd_cwnd == 10 }%
`/tmp/sysctl_restore_${PPID}.sh`
)",
                                 "x.pkt");
    BOOST_TEST(s.options.size() == 2u);
    BOOST_TEST(s.options[0].name == "tolerance_usecs");
    BOOST_TEST(s.options[0].value == "7000");
    BOOST_TEST(s.init_command.has_value());
    BOOST_TEST(s.cleanup_command.has_value());
    BOOST_TEST(s.cleanup_command_line == 14);
    BOOST_TEST_REQUIRE(s.events.size() == 8u);
    const Event& syn = s.events[1];
    BOOST_TEST((syn.time_type == TimeType::Relative && syn.time_us == 100000 && syn.line == 5));
    BOOST_TEST((syn.packet.inbound && syn.packet.flags == "S" && syn.packet.window == 32792));
    BOOST_TEST(syn.packet.options->size() == 5u);
    BOOST_TEST(syn.packet.options->at(2).value == 5u); // TS val
    const Event& synack = s.events[2];
    BOOST_TEST((synack.time_type == TimeType::AbsoluteRange && synack.end_us == 200000));
    BOOST_TEST((!synack.packet.options && synack.packet.has_ack && synack.packet.ack == 1u));
    const Event& sack = s.events[3];
    BOOST_TEST((sack.time_type == TimeType::Any && sack.packet.options->at(2).blocks.size() == 2u));
    BOOST_TEST((s.events[4].time_type == TimeType::RelativeRange && s.events[4].end_us == 10000));
    const Event& read = s.events[5];
    BOOST_TEST((read.line == 11 && read.syscall.name == "read" && read.syscall.end_us == 500000));
    BOOST_TEST((read.syscall.result.number == -1 && read.syscall.errno_name == "EAGAIN"));
    BOOST_TEST(read.syscall.note == "Resource temporarily unavailable");
    BOOST_TEST((s.events[6].syscall.args[1].kind == Expr::Kind::Braces));
    BOOST_TEST((s.events[7].kind == Event::Kind::Code && s.events[7].text == "assert tcpi_snd_cwnd == 10"));
}

BOOST_AUTO_TEST_CASE(help_names_the_options)
{
    const Outcome o = RunSim("drill --help");
    BOOST_TEST(o.status == 0);
    for (const char* opt : {"--profile", "--out", "--tolerance-usecs", "--why"})
    {
        BOOST_TEST(o.out.find(opt) != std::string::npos, opt);
    }
}

BOOST_AUTO_TEST_SUITE_END()
