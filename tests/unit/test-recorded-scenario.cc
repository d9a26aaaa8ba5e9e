// SPDX-License-Identifier: GPL-2.0-only
// A recorded run as scenario inputs (recorded-scenario.h), worked by hand on a run of
// one echo whose calls and packets are made up here: each think and wake below is the
// arithmetic the header states, in microseconds.
#include "models/scenario/recorded-scenario.h"

#include "models/config/toml-input.h"
#include "models/programs/call-timeline.h"
#include "models/scenario/random-experiment.h"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>

using namespace sim;

namespace
{

constexpr int64_t kSyn = 1000000000000LL + 300000; // realtime of the SYN, ns
constexpr int64_t kRealMinusMono = 999000000000LL; // so the SYN is 300 us into a ms tick

int64_t
At(double us)
{
    return kSyn + static_cast<int64_t>(std::llround(us * 1000));
}

PacketRecord
Packet(double us, bool from_client, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint32_t tsval)
{
    PacketRecord p;
    p.time_ns = static_cast<uint64_t>(At(us));
    p.src = p.dst = "127.0.0.1";
    p.src_ip = p.dst_ip = 0x7f000001;
    p.sport = from_client ? 40001 : 40000;
    p.dport = from_client ? 40000 : 40001;
    p.flags = flags;
    p.seq = seq;
    p.ack = ack;
    p.len = len;
    p.tsval = tsval;
    p.tsecr = 0;
    return p;
}

CallRecord
Call(CallKind k, uint64_t index, double start_us, double return_us, int64_t result)
{
    return CallRecord{k, index, At(start_us), At(return_us), result};
}

RecordedRun
OneEcho()
{
    RecordedRun run;
    run.realtime_minus_monotonic_ns = kRealMinusMono;
    const uint32_t c = 1000; // client ISN
    const uint32_t s = 5000; // server ISN
    run.packets = {
        Packet(0, true, 0x02, c, 0, 0, 7000),                  // SYN
        Packet(705, false, 0x12, s, c + 1, 0, 9001),           // SYN-ACK, in the next ms tick
        Packet(720, true, 0x10, c + 1, s + 1, 0, 7001),        // ACK
        Packet(800, true, 0x18, c + 1, s + 1, 5, 7001),        // "hello"
        Packet(805, false, 0x10, s + 1, c + 6, 0, 9001),       // its ACK
        Packet(3000, false, 0x18, s + 1, c + 6, 5, 9003),      // "HELLO"
        Packet(6000, true, 0x11, c + 6, s + 6, 0, 7006),       // client FIN
    };
    run.client_calls = {
        Call(CallKind::Connect, 0, -5, 730, 0),
        Call(CallKind::Send, 0, 795, 802, 5),
        Call(CallKind::Recv, 0, 810, 3020, 5),
        Call(CallKind::Close, 0, 5998, 6001, 0),
    };
    run.server_calls = {
        Call(CallKind::Accept, 0, -50, 740, 3),
        Call(CallKind::Recv, 0, 760, 820, 5),
        Call(CallKind::Send, 0, 2990, 3010, 5),
        Call(CallKind::Recv, 1, 3020, 6030, 0),
        Call(CallKind::Close, 0, 6050, 6060, 0),
    };
    return run;
}

Scenario
Loopback()
{
    Scenario sc;
    sc.profile.loopback_latency_ns = 5000;
    sc.profile.wakeup_latency_ns = 4000;
    sc.profile.recvmsg_ns_per_kib = 0;
    sc.server_profile = sc.profile;
    return sc;
}

void
CheckMs(const StepTimes& t, const std::string& step, std::vector<double> us)
{
    BOOST_TEST_INFO("step " << step);
    BOOST_REQUIRE(t.count(step));
    const std::vector<double>& got = t.at(step);
    BOOST_REQUIRE_EQUAL(got.size(), us.size());
    for (size_t i = 0; i < us.size(); ++i)
    {
        BOOST_TEST_INFO("call " << i);
        BOOST_TEST(got[i] * 1000 == us[i], boost::test_tools::tolerance(1e-6));
    }
}

// One GET over keep-alive: the browser sends it, the server answers with a header
// send and a body send, the browser reads both at once; the server's next recv()
// runs out of its idle timeout and it closes; the browser reads the end and closes
RecordedRun OneGet()
{
    RecordedRun run;
    run.realtime_minus_monotonic_ns = kRealMinusMono;
    const uint32_t c = 1000;
    const uint32_t s = 5000;
    run.packets = {
        Packet(0, true, 0x02, c, 0, 0, 7000),              // SYN
        Packet(10, false, 0x12, s, c + 1, 0, 9000),        // SYN-ACK
        Packet(20, true, 0x10, c + 1, s + 1, 0, 7000),     // ACK
        Packet(100, true, 0x18, c + 1, s + 1, 20, 7000),   // the GET
        Packet(105, false, 0x10, s + 1, c + 21, 0, 9000),  // its ACK
        Packet(300, false, 0x18, s + 1, c + 21, 10, 9000), // the header
        Packet(400, false, 0x18, s + 11, c + 21, 5, 9000), // the body
        Packet(200300, false, 0x11, s + 16, c + 21, 0, 9200), // the server's FIN
    };
    run.client_calls = {
        Call(CallKind::Connect, 0, -5, 30, 0),
        Call(CallKind::Send, 0, 90, 110, 20),
        Call(CallKind::Recv, 0, 110, 420, 15),
        Call(CallKind::Recv, 1, 430, 200320, 0),
        Call(CallKind::Close, 0, 200330, 200340, 0),
    };
    run.server_calls = {
        Call(CallKind::Accept, 0, -50, 40, 3),
        Call(CallKind::Recv, 0, 50, 120, 20),
        Call(CallKind::Send, 0, 280, 310, 10),  // header
        Call(CallKind::Send, 0, 390, 410, 5),   // body
        Call(CallKind::Recv, 1, 415, 200250, -1), // the idle timeout ran out
        Call(CallKind::Close, 0, 200280, 200310, 0),
    };
    return run;
}

Scenario
HttpLoopback()
{
    Scenario sc = Loopback();
    sc.http_server = HttpServerConfig{};
    sc.browser = BrowserConfig{};
    return sc;
}

} // namespace

BOOST_AUTO_TEST_SUITE(recorded_scenario)

BOOST_AUTO_TEST_CASE(http_header_and_body_sends_are_the_steps_reply_and_body)
{
    const RecordedInputs in = DeriveRecordedInputs(HttpLoopback(), OneGet());
    BOOST_TEST(in.http);
    CheckMs(in.server_at, "reply", {280});
    CheckMs(in.server_at, "body", {390});
    CheckMs(in.server_think, "reply", {280 - 120});
    CheckMs(in.server_think, "body", {390 - 280}); // from the header send's start
    CheckMs(in.server_hold, "reply", {300 - 280});
    CheckMs(in.server_hold, "body", {400 - 390});
    // the GET reached the server at 105 and its recv() returned at 120; the second
    // recv() ran out of time: a start, but no return or wake (the model's own idle
    // timer ends it)
    CheckMs(in.server_at, "recv", {50, 415});
    CheckMs(in.server_returned, "recv", {120});
    CheckMs(in.server_wake, "recv", {15});
    CheckMs(in.server_think, "accept", {50 - 40});
    CheckMs(in.server_at, "close", {200280});
    CheckMs(in.server_hold, "close", {200300 - 200280});
    // the browser's reads are the step "read"; its GET the step "send"
    CheckMs(in.client_at, "read", {110, 430});
    CheckMs(in.client_returned, "read", {420, 200320});
    CheckMs(in.client_wake, "read", {420 - 305, 200320 - 200305});
    CheckMs(in.client_at, "send", {90});
    CheckMs(in.client_hold, "send", {100 - 90});
    BOOST_TEST(!in.client_at.count("recv"));
}

BOOST_AUTO_TEST_CASE(a_recorded_http_run_loads_with_its_connection_port_and_isns)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-recorded-http-test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream((dir / "scenario.toml").string()) << DrawHttpExperiment(1, 1).Toml(1);
    }
    const std::string text =
        RecordedScenarioToml((dir / "scenario.toml").string(), DeriveRecordedInputs(HttpLoopback(), OneGet()));
    {
        std::ofstream((dir / "recorded.toml").string()) << text;
    }
    const Scenario sc = LoadScenario((dir / "recorded.toml").string(), SIM_SOURCE_DIR);
    BOOST_REQUIRE(sc.browser.has_value());
    BOOST_REQUIRE_EQUAL(sc.browser->connections.size(), 1u);
    BOOST_TEST(sc.browser->connections[0].port == 40001);
    BOOST_TEST(sc.browser->connections[0].isn.value() == 1000u);
    BOOST_TEST(sc.http_server->isn.value() == 5000u);
    BOOST_TEST(sc.http_server->port == 40000);
    BOOST_TEST(sc.browser->server_port == 40000);
    BOOST_TEST(sc.browser->ts_base.value() == 7000u);
    BOOST_TEST(sc.browser->timing.Delay("send", 0, ns3::Time(0), ns3::Time(0)).GetNanoSeconds() == 90000);
    BOOST_TEST(sc.browser->timing.NotBefore("read", 1).GetNanoSeconds() == 200320000);
    BOOST_TEST(sc.http_server->timing.Pinned("body", 0));
    BOOST_TEST(sc.http_server->timing.Hold("body", 0).GetNanoSeconds() == 10000);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(isns_ports_and_ts_clocks_come_from_the_handshake)
{
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), OneEcho());
    BOOST_TEST(in.client_isn == 1000u);
    BOOST_TEST(in.server_isn == 5000u);
    BOOST_TEST(in.client_port == 40001);
    BOOST_TEST(in.server_port == 40000);
    BOOST_TEST(in.ts_phase_us == 300.0, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(in.client_ts_base == 7000u);
    // the SYN-ACK is 705 us after the SYN, 300 us into its tick: one tick later
    BOOST_TEST(in.server_ts_base == 9000u);
    BOOST_TEST(!in.tick_phase_us.has_value()); // no tick measured
}

BOOST_AUTO_TEST_CASE(the_jiffies_phase_is_where_time_0_falls_on_the_measured_tick_grid)
{
    RecordedRun run = OneEcho();
    // time 0 is monotonic 1000.300 ms; a tick at 999.100 ms: ticks every 4 ms (HZ 250)
    // fall at 1003.100, so time 0 is 1.2 ms into one
    run.last_tick_monotonic_ns = 999100000;
    Scenario sc = Loopback();
    sc.profile.hz = 250;
    const RecordedInputs in = DeriveRecordedInputs(sc, run);
    BOOST_REQUIRE(in.tick_phase_us.has_value());
    BOOST_TEST(*in.tick_phase_us == 1200.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(think_is_from_the_previous_return_and_wake_from_the_ready_packet)
{
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), OneEcho());
    // connect: SYN-ACK at 705 + 5 us latency, returned at 730
    CheckMs(in.client_wake, "connect", {20});
    CheckMs(in.client_think, "send", {795 - 730});
    CheckMs(in.client_think, "recv", {810 - 795}); // after a send: from its start
    // the echo reached the client's socket at 3005 and the read returned at 3020
    CheckMs(in.client_wake, "recv", {15});
    CheckMs(in.client_think, "close", {5998 - 3020});
    // the handshake's ACK at 720 + 5; accept returned at 740
    CheckMs(in.server_wake, "accept", {15});
    CheckMs(in.server_think, "accept", {760 - 740});
    CheckMs(in.server_think, "reply", {2990 - 820});
    // read 0 waited for "hello" (800 + 5, returned 820); read 1 for the FIN (6005, 6030)
    CheckMs(in.server_wake, "recv", {15, 25});
    CheckMs(in.server_think, "recv", {3020 - 2990});
    // the close after the empty read 1
    CheckMs(in.server_think, "close", {0, 6050 - 6030});
    // each send's segment left some microseconds into the call
    CheckMs(in.client_hold, "send", {800 - 795});
    CheckMs(in.server_hold, "reply", {3000 - 2990});
}

BOOST_AUTO_TEST_CASE(at_and_returned_are_the_calls_own_times_since_the_syn)
{
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), OneEcho());
    CheckMs(in.client_at, "send", {795});
    CheckMs(in.client_at, "recv", {810});
    CheckMs(in.client_at, "close", {5998});
    CheckMs(in.client_returned, "connect", {730});
    CheckMs(in.client_returned, "recv", {3020});
    CheckMs(in.server_returned, "accept", {740});
    CheckMs(in.server_at, "recv", {760, 3020});
    CheckMs(in.server_returned, "recv", {820, 6030});
    CheckMs(in.server_at, "reply", {2990});
    CheckMs(in.server_at, "close", {6050});
}

BOOST_AUTO_TEST_CASE(a_read_that_found_its_data_has_no_wake)
{
    RecordedRun run = OneEcho();
    run.client_calls[2] = Call(CallKind::Recv, 0, 3500, 3510, 5); // after the echo arrived
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), run);
    CheckMs(in.client_wake, "recv", {0});
}

// A read that found its data copies at its start, or once the last byte it returned
// came if that was later; the model holds the socket from then to the return. A read
// that waited has no such time (0)
BOOST_AUTO_TEST_CASE(a_read_that_found_its_data_copies_once_its_last_byte_came)
{
    RecordedRun run = OneEcho();
    run.client_calls[2] = Call(CallKind::Recv, 0, 3500, 3540, 5);
    CheckMs(DeriveRecordedInputs(Loopback(), run).client_copy, "recv", {3500});
    CheckMs(DeriveRecordedInputs(Loopback(), OneEcho()).client_copy, "recv", {0});

    // "HELLO" as "HEL" and "LO": the read began with "HEL" there and returned all five
    RecordedRun split = OneEcho();
    split.packets[5] = Packet(3000, false, 0x10, 5001, 1006, 3, 9003);
    split.packets.insert(split.packets.begin() + 6, Packet(3100, false, 0x18, 5004, 1006, 2, 9003));
    split.client_calls[2] = Call(CallKind::Recv, 0, 3050, 3200, 5);
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), split);
    BOOST_REQUIRE(in.client_copy.count("recv"));
    const double at_ms = in.client_copy.at("recv").at(0);
    // when "LO" reached the client's socket: its capture plus the path from the tap
    BOOST_TEST(at_ms * 1000 > 3100.0);
    BOOST_TEST(at_ms * 1000 <= 3105.0);
}

// A client send of 160 KiB: its first segment (32 KiB) at 1005 us, the server's quick
// ACK of it at 1010; the call returns at 1202. Loopback() has no before_tap, so each
// packet's softirq costs the model its 5 us latency
RecordedRun OneLargeSend(double return_us)
{
    RecordedRun run;
    run.realtime_minus_monotonic_ns = kRealMinusMono;
    const uint32_t c = 1000;
    const uint32_t s = 5000;
    PacketRecord synack = Packet(10, false, 0x12, s, c + 1, 0, 9000);
    synack.win_raw = 65535; // no window scaling: the client may send 65535 bytes
    run.packets = {
        Packet(0, true, 0x02, c, 0, 0, 7000),
        synack,
        Packet(20, true, 0x10, c + 1, s + 1, 0, 7000),
        Packet(1005, true, 0x10, c + 1, s + 1, 32768, 7001),
        Packet(1010, false, 0x10, s + 1, c + 1 + 32768, 0, 9001), // drawn by it
    };
    run.client_calls = {
        Call(CallKind::Connect, 0, -5, 30, 0),
        Call(CallKind::Send, 0, 1000, return_us, 163840),
    };
    run.server_calls = {Call(CallKind::Accept, 0, -50, 40, 3)};
    return run;
}

std::vector<int64_t>
SendRates(const RecordedRun& run)
{
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), run);
    return in.client_copy_rate.count("send") ? in.client_copy_rate.at("send") : std::vector<int64_t>{};
}

// A large send's copy time per KiB (recorded.toml's copy_rate) is measured from its
// first segment over the bytes copied since, less 5 us per packet the call's softirq
// ran: to the return, or to a later segment if that bounds it more
BOOST_AUTO_TEST_CASE(a_large_sends_copy_rate_is_its_time_per_kib_after_its_first_segment)
{
    // 1202 - 1005 - 5 (the quick ACK) = 192 us for 128 KiB
    BOOST_TEST(SendRates(OneLargeSend(1202)) == std::vector<int64_t>{1500});

    // a second segment of 16 KiB at 1030, inside the window: 1030 - 1005 - 5 = 20 us
    // for the 16 KiB after the first segment
    RecordedRun bounded = OneLargeSend(1202);
    bounded.packets.push_back(Packet(1030, true, 0x10, 1000 + 1 + 32768, 5001, 16384, 7001));
    BOOST_TEST(SendRates(bounded) == std::vector<int64_t>{1250});

    // a segment past the window the send began with waited for an ACK that came to the
    // held socket and was processed at release_sock(): everything was copied by then,
    // 1150 - 1005 - 3 x 5 (the ACK at 1010, the segment at 1030 and the quick ACK it
    // drew) = 130 us for 128 KiB
    RecordedRun released = OneLargeSend(1400);
    released.packets.push_back(Packet(1030, true, 0x10, 1000 + 1 + 32768, 5001, 16384, 7001));
    released.packets.push_back(Packet(1040, false, 0x10, 5001, 1000 + 1 + 49152, 0, 9001));
    released.packets.push_back(Packet(1150, true, 0x10, 1000 + 1 + 49152, 5001, 32768, 7001));
    BOOST_TEST(SendRates(released) == std::vector<int64_t>{1015});

    // in a send of more than 16 skbs it may have left at a backlog flush instead, once
    // 16 skbs (of at least 32 KiB) were full: 130 us for at least 512 - 32 KiB. So large
    // a send is not bounded by its return (it may have waited for room), only by this
    RecordedRun flushed = released;
    flushed.client_calls[1].result = 3 << 20;
    BOOST_TEST(SendRates(flushed) == std::vector<int64_t>{270});
}

// A send under 64 KiB is mostly its call's overhead, and one over 2 MiB may have
// waited for room in the send buffer, so its return does not bound its copy: neither
// measures a rate here, and the table is left out
BOOST_AUTO_TEST_CASE(small_and_huge_sends_measure_no_copy_rate)
{
    RecordedRun small = OneLargeSend(1202);
    small.client_calls[1].result = 40000;
    BOOST_TEST(SendRates(small) == std::vector<int64_t>{0});
    RecordedRun huge = OneLargeSend(1202);
    huge.client_calls[1].result = 3 << 20;
    BOOST_TEST(SendRates(huge) == std::vector<int64_t>{0});
    const std::string text = RecordedScenarioToml(std::string(SIM_SOURCE_DIR) + "/scenarios/v1.toml",
                                                  DeriveRecordedInputs(Loopback(), small));
    BOOST_TEST(text.find("[client.copy_rate]") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(accept_that_came_late_waits_until_its_return)
{
    RecordedRun run = OneEcho();
    run.server_calls[0] = Call(CallKind::Accept, 0, 2000, 2010, 3); // the child ran late
    const RecordedInputs in = DeriveRecordedInputs(Loopback(), run);
    CheckMs(in.server_wake, "accept", {2010 - 725});
}

BOOST_AUTO_TEST_CASE(the_recorded_file_loads_as_a_scenario_with_those_inputs)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-recorded-scenario-test";
    std::filesystem::create_directories(dir);
    const std::string text =
        RecordedScenarioToml(std::string(SIM_SOURCE_DIR) + "/scenarios/v1.toml", DeriveRecordedInputs(Loopback(), OneEcho()));
    {
        std::ofstream((dir / "recorded.toml").string()) << text;
    }
    const Scenario sc = LoadScenario((dir / "recorded.toml").string(), SIM_SOURCE_DIR);
    BOOST_TEST(sc.client.isn.value() == 1000u);
    BOOST_TEST(sc.server.port == 40000);
    BOOST_TEST(sc.client.port == 40001);
    BOOST_TEST(sc.client.ts_base.value() == 7000u);
    BOOST_TEST(sc.ts_phase_ns == 300000u);
    BOOST_TEST(sc.client.timing.Think("send", 0).GetNanoSeconds() == 65000);
    // the absolute times the model replays
    BOOST_TEST(sc.client.timing.Delay("send", 0, ns3::Time(0), ns3::Time(0)).GetNanoSeconds() == 795000);
    BOOST_TEST(sc.client.timing.NotBefore("recv", 0).GetNanoSeconds() == 3020000);
    BOOST_TEST(sc.server.timing.NotBefore("accept", 0).GetNanoSeconds() == 740000);
    BOOST_TEST(sc.server.timing.Pinned("reply", 0));
    BOOST_TEST(!sc.server.timing.Pinned("reply", 1));
    BOOST_TEST(sc.server.timing.Wake("recv", 1).GetNanoSeconds() == 25000);
    BOOST_TEST(sc.client.timing.CopyRate("send", 0) == 0); // OneEcho's 5-byte send has none
    // v1's own think times are gone: a step the run did not make keeps no value of v1's
    BOOST_TEST(sc.server.timing.Think("reply", 0).GetNanoSeconds() == 2170000);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_recorded_copy_rate_loads_as_the_sends_copy_time)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-recorded-copy-rate-test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream((dir / "recorded.toml").string()) << RecordedScenarioToml(
            std::string(SIM_SOURCE_DIR) + "/scenarios/v1.toml", DeriveRecordedInputs(Loopback(), OneLargeSend(1202)));
    }
    const Scenario sc = LoadScenario((dir / "recorded.toml").string(), SIM_SOURCE_DIR);
    BOOST_TEST(sc.client.timing.CopyRate("send", 0) == 1500);
    BOOST_TEST(sc.client.timing.CopyRate("send", 1) == 0); // a call it has no entry for
    std::filesystem::remove_all(dir);
}

// The tick a recording measures is one seen to happen while it waited, not the
// nominal time CLOCK_MONOTONIC_COARSE holds (here about 3 ms before the tick ran)
BOOST_AUTO_TEST_CASE(the_measured_tick_is_one_that_happened_during_the_call)
{
    auto mono = []() {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
    };
    const int64_t before = mono();
    const int64_t tick = LastTickMonotonicNs();
    const int64_t after = mono();
    BOOST_TEST(before <= tick);
    BOOST_TEST(tick <= after);
}

BOOST_AUTO_TEST_CASE(calls_csv_reads_back_what_it_wrote_and_names_a_bad_line)
{
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sim-calls-csv-test";
    std::filesystem::create_directories(dir);
    RecordedRun run = OneEcho();
    run.last_tick_monotonic_ns = 999100000;
    {
        std::ofstream((dir / "calls.csv").string()) << CallsCsv(run);
    }
    const RecordedRun back = ReadCallsCsv((dir / "calls.csv").string());
    BOOST_TEST(back.realtime_minus_monotonic_ns == kRealMinusMono);
    BOOST_TEST(back.last_tick_monotonic_ns == 999100000);
    BOOST_REQUIRE_EQUAL(back.client_calls.size(), run.client_calls.size());
    BOOST_REQUIRE_EQUAL(back.server_calls.size(), run.server_calls.size());
    for (size_t i = 0; i < run.server_calls.size(); ++i)
    {
        BOOST_TEST((back.server_calls[i].kind == run.server_calls[i].kind));
        BOOST_TEST(back.server_calls[i].index == run.server_calls[i].index);
        BOOST_TEST(back.server_calls[i].start_ns == run.server_calls[i].start_ns);
        BOOST_TEST(back.server_calls[i].return_ns == run.server_calls[i].return_ns);
        BOOST_TEST(back.server_calls[i].result == run.server_calls[i].result);
    }
    {
        std::ofstream((dir / "bad.csv").string()) << "program,call,index,start_ns,return_ns,result\nclient,send,0,x,2,3\n";
    }
    try
    {
        ReadCallsCsv((dir / "bad.csv").string());
        BOOST_FAIL("a bad line was read");
    }
    catch (const InputError& e)
    {
        BOOST_TEST(std::string(e.what()).find("bad.csv:2:") != std::string::npos, e.what());
    }
    std::filesystem::remove_all(dir);
}

namespace
{

// Two hosts on an ethernet link of 100 us each way, at a rate that puts 42 bytes (the
// made-up packets' 40-byte IPv4 packet, frame_len 0, behind ns-3's 2-byte PPP header)
// on the wire in 1 us: a packet crosses in 101 us
Scenario
Ethernet(bool capture_on_server)
{
    Scenario sc = Loopback();
    sc.link.kind = "ethernet";
    sc.link.delay = ns3::MicroSeconds(100);
    sc.link.rate_bps = 42 * 8 * 1000000;
    sc.capture_link = LinkType::Ethernet;
    sc.capture_on_server = capture_on_server;
    return sc;
}

// OneEcho() captured on the client's interface, its "hello" (its third packet) lost
// on the link and sent again at 1800 us, which the server ACKs and reads; the
// server's calls as they were on its side of the link
RecordedRun
LostHello()
{
    RecordedRun run = OneEcho();
    const uint32_t c = 1000;
    const uint32_t s = 5000;
    run.packets.insert(run.packets.begin() + 4, Packet(1800, true, 0x18, c + 1, s + 1, 5, 7002));
    run.packets[5] = Packet(1905, false, 0x10, s + 1, c + 6, 0, 9002); // its ACK, as it reached the client
    run.server_calls[0] = Call(CallKind::Accept, 0, -50, 840, 3);
    run.server_calls[1] = Call(CallKind::Recv, 0, 860, 1920, 5);
    run.server_calls[3] = Call(CallKind::Recv, 1, 3020, 6130, 0); // the FIN reached it at 6101
    run.server_calls[4] = Call(CallKind::Close, 0, 6150, 6160, 0);
    return run;
}

} // namespace

BOOST_AUTO_TEST_CASE(on_ethernet_a_packet_the_link_dropped_makes_nothing_ready)
{
    Scenario sc = Ethernet(false);
    sc.link.faults.drop_client = {3};
    const RecordedInputs in = DeriveRecordedInputs(sc, LostHello());
    // the client's capture saw its SYN leave: time 0
    CheckMs(in.client_at, "send", {795});
    // the handshake's ACK left at 720 and reached the server 101 us later; accept
    // returned at 840
    CheckMs(in.server_wake, "accept", {840 - 821});
    // the read waited for the copy sent again (1800 + 101), not the lost one (800 + 101)
    CheckMs(in.server_wake, "recv", {1920 - 1901, 6130 - 6101});
    // the SYN-ACK was stamped when it left the server, 604 us: in the SYN's tick
    // (time 0 is 300 us into it), so the server's clock showed 9001 at time 0
    BOOST_TEST(in.server_ts_base == 9001u);
    // the client's own send: its segment left 5 us into the call
    CheckMs(in.client_hold, "send", {5});

    // the same run with no drop list: the lost copy would have woken the read
    const RecordedInputs unaware = DeriveRecordedInputs(Ethernet(false), LostHello());
    CheckMs(unaware.server_wake, "recv", {1920 - 901, 6130 - 6101});
}

BOOST_AUTO_TEST_CASE(on_ethernet_captured_at_the_server_the_clients_packets_are_seen_as_they_arrive)
{
    const RecordedInputs in = DeriveRecordedInputs(Ethernet(true), OneEcho());
    // the SYN reached the server's capture 101 us after the client sent it: time 0
    // is 101 us before the capture, so every call is 101 us later since it
    CheckMs(in.client_at, "send", {795 + 101});
    CheckMs(in.server_at, "recv", {760 + 101, 3020 + 101});
    // what the server reads is ready as it is captured: "hello" at 800, read at 820
    CheckMs(in.server_wake, "recv", {20, 6030 - 6000});
    // the server's own echo left as the capture saw it, 10 us into its send
    CheckMs(in.server_hold, "reply", {10});
    // and the client's "hello" was captured at the server 5 us into the client's send:
    // it left before the call began, by the link's measure, so no hold
    CheckMs(in.client_hold, "send", {0});
}

BOOST_AUTO_TEST_CASE(a_capture_without_a_handshake_is_refused)
{
    RecordedRun run = OneEcho();
    run.packets.erase(run.packets.begin(), run.packets.begin() + 2);
    BOOST_CHECK_THROW(DeriveRecordedInputs(Loopback(), run), InputError);
}

// conform's longest_short_send_us: only traced sends of under 64 KiB count, from their
// first copy to the end of their kernel part
BOOST_AUTO_TEST_CASE(the_longest_short_send_counts_traced_sends_under_64_kib_only)
{
    auto call = [](CallKind kind, int64_t result, int64_t copy, int64_t end) {
        CallRecord c;
        c.kind = kind;
        c.start_ns = copy ? copy - 1000 : 0;
        c.return_ns = end + 1000;
        c.result = result;
        c.copy_ns = copy;
        c.kernel_return_ns = end;
        return c;
    };
    RecordedRun run;
    BOOST_TEST(LongestShortSendNs(run) == 0);
    run.client_calls = {call(CallKind::Send, 4620, 1'000'000, 1'012'000),   // 12 us
                        call(CallKind::Send, 70000, 2'000'000, 7'000'000),  // a large one: 5 ms
                        call(CallKind::Recv, 100, 8'000'000, 9'000'000),    // a read
                        call(CallKind::Send, 100, 0, 0),                    // not traced
                        call(CallKind::Send, -1, 10'000'000, 11'000'000)};  // failed
    BOOST_TEST(LongestShortSendNs(run) == 12'000);
    run.server_calls = {call(CallKind::Send, 23690, 20'000'000, 20'300'000)}; // 300 us
    BOOST_TEST(LongestShortSendNs(run) == 300'000);
    BOOST_TEST(LongestShortSendNs(run, 4096) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
