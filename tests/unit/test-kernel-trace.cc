// SPDX-License-Identifier: GPL-2.0-only
// The kernel's tracepoints in a recording (kernel-trace.h): tracefs lines read back,
// events put on the calls they happened in, and what calls.csv and recorded.toml keep
// of them.
#include "models/record/kernel-trace.h"

#include "models/capture/kernel-state.h"

#include "models/scenario/recorded-scenario.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sim;

namespace
{

// Lines as a tracefs instance prints them (trace_clock mono), a command with a dash
// and a space in it among them
const char* kTrace = R"(# tracer: nop
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
             sim-4100    [001] ..... 12909.080210: tcp_sendmsg_locked: skb_addr 0000000000000000 skb_len 0 msg_left 100000 size_goal 32741
             sim-4100    [001] ..... 12909.080300: tcp_sendmsg_locked: skb_addr 0000000000000000 skb_len 0 msg_left 67259 size_goal 32741
             sim-4100    [001] ..... 12909.080429: sock_send_length: sk address = 000000004fb56473, family = AF_INET protocol = IPPROTO_TCP, length = 100000, error = 0, flags = 0x0
   my prog-x-4200    [000] ..... 12909.080438: skb_copy_datagram_iovec: skbaddr=00000000c715fd57 len=5000
   my prog-x-4200    [000] ..... 12909.080440: skb_copy_datagram_iovec: skbaddr=00000000c715fd58 len=100
   my prog-x-4200    [000] ..... 12909.080443: sock_recv_length: sk address = 00000000c6bd231e, family = AF_INET protocol = IPPROTO_TCP, length = 5100, error = 0, flags = 0x0
             sim-4100    [001] ..... 12909.080450: consume_skb: skbaddr=00000000c715fd57
)";

constexpr int64_t kOffset = 1000000000000000LL; // CLOCK_REALTIME - CLOCK_MONOTONIC

CallRecord
Call(CallKind kind, uint64_t index, int64_t start_mono_ns, int64_t return_mono_ns, int64_t result)
{
    CallRecord c;
    c.kind = kind;
    c.index = index;
    c.start_ns = kOffset + start_mono_ns;
    c.return_ns = kOffset + return_mono_ns;
    c.result = result;
    return c;
}

// The events of kTrace put on `calls`, those of process `pid`; the turns they make
SendTurns
AttachTrace(int pid, std::vector<CallRecord>& calls)
{
    std::istringstream in(kTrace);
    SendTurns turns;
    AttachKernelEvents(ParseKernelTrace(in), pid, kOffset, calls, &turns);
    return turns;
}

} // namespace

BOOST_AUTO_TEST_CASE(tracefs_lines_read_back_as_events_of_their_process)
{
    std::istringstream in(kTrace);
    const std::vector<KernelEvent> e = ParseKernelTrace(in);
    BOOST_REQUIRE_EQUAL(e.size(), 6u); // consume_skb and the comments are not ours
    BOOST_TEST(e[0].pid == 4100);
    BOOST_TEST(e[0].mono_ns == 12909080210000LL);
    BOOST_TEST((e[0].kind == KernelEvent::Kind::SendLoop));
    BOOST_TEST(e[0].msg_left == 100000);
    BOOST_TEST(e[1].msg_left == 67259);
    BOOST_TEST((e[2].kind == KernelEvent::Kind::SendEnd));
    BOOST_TEST(e[3].pid == 4200); // "my prog-x-4200": the pid is after the last dash
    BOOST_TEST((e[3].kind == KernelEvent::Kind::RecvCopy));
    BOOST_TEST(e[3].len == 5000);
    BOOST_TEST((e[5].kind == KernelEvent::Kind::RecvEnd));
    BOOST_TEST(e[5].mono_ns == 12909080443000LL);
}

BOOST_AUTO_TEST_CASE(events_go_to_the_call_they_happened_in)
{
    std::istringstream in(kTrace);
    const std::vector<KernelEvent> e = ParseKernelTrace(in);
    // the sender: a send from 12909.080200 to .080500, then a recv
    std::vector<CallRecord> sender = {Call(CallKind::Send, 0, 12909080200000LL, 12909080500000LL, 100000),
                                      Call(CallKind::Recv, 0, 12909080600000LL, 12909080700000LL, 10)};
    SendTurns turns = AttachTrace(4100, sender);
    BOOST_TEST(sender[0].copy_ns == kOffset + 12909080210000LL);
    BOOST_TEST(sender[0].kernel_return_ns == kOffset + 12909080429000LL);
    BOOST_TEST(sender[1].copy_ns == 0); // the reader's events are another process's
    const auto& mine = turns[sender[0].start_ns];
    BOOST_REQUIRE_EQUAL(mine.size(), 2u);
    BOOST_TEST(mine[0].first == 10000); // since the call's start
    BOOST_TEST(mine[0].second == 0);
    BOOST_TEST(mine[1].first == 100000);
    BOOST_TEST(mine[1].second == 32741);
    // the reader: its recv began 0.5 us after the microsecond its first copy is
    // printed in (the trace truncates): the copy is its, at its start at the earliest
    std::vector<CallRecord> reader = {Call(CallKind::Recv, 3, 12909080438500LL, 12909080446000LL, 5100)};
    SendTurns copies;
    AttachKernelEvents(e, 4200, kOffset, reader, &copies);
    BOOST_TEST(reader[0].copy_ns == reader[0].start_ns);
    BOOST_TEST(reader[0].kernel_return_ns == kOffset + 12909080443000LL);
    // each of its copies, with what it had copied before: its loop ran until the last
    const auto& read = copies[reader[0].start_ns];
    BOOST_REQUIRE_EQUAL(read.size(), 2u);
    BOOST_TEST(read[0].first == 0);
    BOOST_TEST(read[0].second == 0);
    BOOST_TEST(read[1].first == 1500); // .080440, 1.5 us after its start
    BOOST_TEST(read[1].second == 5000);
    // a call that returned before the events: none of them is its
    std::vector<CallRecord> early = {Call(CallKind::Recv, 0, 12909080000000LL, 12909080100000LL, 5)};
    AttachKernelEvents(e, 4200, kOffset, early);
    BOOST_TEST(early[0].copy_ns == 0);
    BOOST_TEST(early[0].kernel_return_ns == 0);
}

// sim record --kernel-state: tcp_probe in the softirq a sender ran (flags ..s2.), tcp_rcvbuf_grow
// in the reader's recvmsg(); made-up values in the tracepoints' formats
// (include/trace/events/tcp.h)
const char* kStateTrace = R"(# tracer: nop
             sim-4100    [000] ..s2. 12909.080300: tcp_probe: family=AF_INET src=127.0.0.1:41143 dest=127.0.0.1:45172 mark=0x0 data_len=0 snd_nxt=0x50de50d9 snd_una=0x50de4ef2 snd_cwnd=17 ssthresh=2147483647 snd_wnd=65483 srtt=92 rcv_wnd=65536 sock_cookie=1015 skbaddr=00000000573996ca skaddr=00000000ee5c7554
             sim-4200    [001] ..... 12909.080400: tcp_rcvbuf_grow: time=40639 rtt_us=1065 copied=79185 inq=0 space=65495 ooo=0 scaling_ratio=251 rcvbuf=131072 rcv_ssthresh=95232 window_clamp=128512 rcv_wnd=95232 family=AF_INET sport=45172 dport=41143 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 skaddr=00000000ee26edb8 sock_cookie=101d
             sim-4200    [001] ..... 12909.080401: skb_copy_datagram_iovec: skbaddr=00000000c715fd57 len=5000
)";

BOOST_AUTO_TEST_CASE(the_kernel_state_is_kept_apart_from_the_calls)
{
    std::istringstream in(kStateTrace);
    const std::vector<KernelEvent> e = ParseKernelTrace(in);
    BOOST_REQUIRE_EQUAL(e.size(), 3u);
    BOOST_TEST((e[0].kind == KernelEvent::Kind::TcpProbe));
    BOOST_TEST((e[1].kind == KernelEvent::Kind::RcvbufGrow));
    // not a copy of the read: its first copy is the skb_copy_datagram_iovec
    std::vector<CallRecord> reader = {Call(CallKind::Recv, 0, 12909080350000LL, 12909080500000LL, 5000)};
    AttachKernelEvents(e, 4200, kOffset, reader);
    BOOST_TEST(reader[0].copy_ns == kOffset + 12909080401000LL);
    std::vector<CallRecord> sender = {Call(CallKind::Send, 0, 12909080250000LL, 12909080350000LL, 100)};
    AttachKernelEvents(e, 4100, kOffset, sender);
    BOOST_TEST(sender[0].copy_ns == 0);
    BOOST_TEST(sender[0].kernel_return_ns == 0);

    // kstate.csv: the capture's clock, the local port, sequence numbers in decimal
    std::istringstream csv(KernelStateCsv(e, kOffset));
    std::string header;
    std::string probe;
    std::string grow;
    std::string rest;
    std::getline(csv, header);
    std::getline(csv, probe);
    std::getline(csv, grow);
    BOOST_TEST(!std::getline(csv, rest)); // the copy is no state
    BOOST_TEST(header == "time_ns,event,port,data_len,snd_una,snd_nxt,snd_cwnd,ssthresh,snd_wnd,srtt,rcv_wnd,"
                         "rcvbuf,rcv_ssthresh,window_clamp,space,copied,inq,rtt_us,scaling_ratio,time");
    BOOST_TEST(probe == "1012909080300000,tcp_probe,41143,0,1356746482,1356746969,17,2147483647,65483,92,65536,"
                        ",,,,,,,,");
    BOOST_TEST(grow == "1012909080400000,tcp_rcvbuf_grow,45172,,,,,,,,95232,131072,95232,128512,65495,79185,0,"
                       "1065,251,40639");
}

// sim conform's first_state_difference: each socket's rows of each event in order; srtt
// and the receive RTT are not compared (timed on clocks the model places differently)
BOOST_AUTO_TEST_CASE(the_first_state_difference_names_the_row_the_field_and_both_values)
{
    const std::string header = KernelStateHeader();
    const auto probe = [](uint64_t t, const std::string& port, const std::string& cwnd, const std::string& srtt) {
        return KernelStateRow(t, "tcp_probe",
                              {{"port", port}, {"data_len", "0"}, {"snd_una", "1"}, {"snd_nxt", "1"},
                               {"snd_cwnd", cwnd}, {"ssthresh", "7"}, {"snd_wnd", "65536"}, {"srtt", srtt},
                               {"rcv_wnd", "65536"}});
    };
    const std::string real = header + probe(10, "80", "10", "29") + probe(20, "5000", "10", "40") +
                             probe(30, "80", "17", "31");
    // the model's rows in another time order and with other srtt: the same state
    const std::string same = header + probe(1, "5000", "10", "10") + probe(2, "80", "10", "10") +
                             probe(3, "80", "17", "10");
    BOOST_TEST(FirstKernelStateDifference(real, same).empty());
    const std::string other = header + probe(1, "80", "10", "10") + probe(2, "5000", "10", "10") +
                              probe(3, "80", "12", "10");
    BOOST_TEST(FirstKernelStateDifference(real, other) == "tcp_probe 2 of port 80: snd_cwnd REAL 17 SIM 12");
    const std::string fewer = header + probe(1, "80", "10", "10") + probe(2, "5000", "10", "10");
    BOOST_TEST(FirstKernelStateDifference(real, fewer) == "tcp_probe 2 of port 80: none in SIM");
    BOOST_TEST(FirstKernelStateDifference(fewer, real) == "tcp_probe 2 of port 80: none in REAL");
}

BOOST_AUTO_TEST_CASE(a_write_cut_short_counts_its_turns_from_what_it_was_asked)
{
    // the same send returning 40000 of its 100000 bytes (a reset came): msg_left
    // counts down from 100000, so its second turn had copied 32741, not 0
    std::vector<CallRecord> sender = {Call(CallKind::Send, 0, 12909080200000LL, 12909080500000LL, 40000)};
    SendTurns turns = AttachTrace(4100, sender);
    const auto& mine = turns[sender[0].start_ns];
    BOOST_REQUIRE_EQUAL(mine.size(), 2u);
    BOOST_TEST(mine[0].second == 0);
    BOOST_TEST(mine[1].second == 32741);
    // calls.csv written before gave such a write 0 at every turn: those turns say
    // nothing and the derivation leaves them out, while a short write's turns at 0, or
    // a write's single turn, say when it began
    BOOST_TEST(WriteTurnsSayNothing(Call(CallKind::Send, 0, 0, 1000000, 524288), {{1000, 0}, {80000, 0}, {90000, 0}}));
    BOOST_TEST(!WriteTurnsSayNothing(Call(CallKind::Send, 0, 0, 1000000, 524288), {{1000, 0}, {80000, 32768}}));
    BOOST_TEST(!WriteTurnsSayNothing(Call(CallKind::Send, 1, 0, 1000000, 68), {{1000, 0}, {3000, 0}}));
    BOOST_TEST(!WriteTurnsSayNothing(Call(CallKind::Send, 2, 0, 1000000, 524288), {{1000, 0}}));
}

BOOST_AUTO_TEST_CASE(a_header_and_its_body_keep_their_own_turns)
{
    // the HTTP server's header and body are both send 0 of request 0: the body's
    // turns (12909.080210, .080300) are not the header's, whose copy would otherwise
    // wait for the body's second turn
    std::vector<CallRecord> server = {Call(CallKind::Send, 0, 12909080100000LL, 12909080150000LL, 68),
                                      Call(CallKind::Send, 0, 12909080200000LL, 12909080500000LL, 100000)};
    const SendTurns turns = AttachTrace(4100, server);
    BOOST_TEST(turns.count(server[0].start_ns) == 0u);
    BOOST_TEST(turns.at(server[1].start_ns).size() == 2u);
    // calls.csv written before the turns were keyed by the call gave both rows both
    // calls' turns: a row keeps those inside its call
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-kernel-trace-shared-index";
    std::filesystem::create_directories(dir);
    {
        std::ofstream out((dir / "calls.csv").string());
        out << "program,call,index,start_ns,return_ns,result,copy_ns,kernel_return_ns,turns\n";
        for (const CallRecord& c : server)
        {
            out << "server,send,0," << c.start_ns << "," << c.return_ns << "," << c.result << ",0,0,"
                << "15000:0;1000:0;90000:32700;100000:32768\n";
        }
    }
    const RecordedRun back = ReadCallsCsv((dir / "calls.csv").string());
    const auto& header = back.server_turns.at(server[0].start_ns);
    BOOST_TEST(header.size() == 2u); // the 0-byte turns within its 50 us
    BOOST_TEST(back.server_turns.at(server[1].start_ns).size() == 4u);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(calls_csv_keeps_the_traced_columns)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-kernel-trace-csv-test";
    std::filesystem::create_directories(dir);
    RecordedRun run;
    run.client_calls = {Call(CallKind::Send, 0, 1000, 9000, 70000), Call(CallKind::Recv, 0, 10000, 20000, 5)};
    run.client_calls[0].copy_ns = kOffset + 2000;
    run.client_calls[0].kernel_return_ns = kOffset + 8000;
    run.client_calls[1].copy_ns = kOffset + 15000;
    run.client_calls[1].kernel_return_ns = kOffset + 16000;
    run.client_turns[run.client_calls[0].start_ns] = {{1000, 0}, {5000, 32768}};
    {
        std::ofstream((dir / "calls.csv").string()) << CallsCsv(run);
    }
    const RecordedRun back = ReadCallsCsv((dir / "calls.csv").string());
    BOOST_REQUIRE_EQUAL(back.client_calls.size(), 2u);
    BOOST_TEST(back.client_calls[0].copy_ns == kOffset + 2000);
    BOOST_TEST(back.client_calls[1].kernel_return_ns == kOffset + 16000);
    const auto& turns = back.client_turns.at(run.client_calls[0].start_ns);
    BOOST_REQUIRE_EQUAL(turns.size(), 2u);
    BOOST_TEST(turns[1].first == 5000);
    BOOST_TEST(turns[1].second == 32768);
    // a run without them writes the six columns older readers take
    RecordedRun plain = run;
    for (CallRecord& c : plain.client_calls)
    {
        c.copy_ns = 0;
        c.kernel_return_ns = 0;
    }
    BOOST_TEST(CallsCsv(plain).find("copy_ns") == std::string::npos);
    std::filesystem::remove_all(dir);
}
