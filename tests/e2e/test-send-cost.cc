// SPDX-License-Identifier: GPL-2.0-only
// A send() on loopback is not instant (tests/data/real/send-cost): it runs the receive
// path it starts, the peer's tcp_v4_rcv() and the quick ACK coming back, inside the
// call (do_softirq() at __dev_queue_xmit()'s local_bh_enable()), and the program goes
// on only when it returns. With the linux-6.18 profile, two 100-byte sends with no
// think time between them: the second leaves one modelled send() after the first.
#include "tests/e2e/harness.h"

#include "models/config/kernel-profile-loader.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(send_cost)

namespace
{

// v1 with a 100-byte message sent twice back to back, the server asleep in recv()
std::vector<sim::TraceRow>
TwoSends(const std::string& profile)
{
    TempDir dir;
    WriteFile(dir / "two.toml",
              ScenarioText("v1", {{"message = \"Hello, world!\"", "message = \"" + std::string(100, 'x') + "\""},
                                  {"sends = 1\n", "sends = 2\n"},
                                  {"send = 6.3 ", "send = [6.3, 0.0] "}}));
    return SimulatedRows((dir / "two.toml").string(), "--profile " + profile);
}

std::vector<sim::TraceRow>
ClientData(const std::vector<sim::TraceRow>& rows)
{
    std::vector<sim::TraceRow> out;
    for (const auto& r : rows)
    {
        if (r.from_client && r.rec.len > 0)
        {
            out.push_back(r);
        }
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_loopback_send_returns_after_the_softirq_it_ran)
{
    const sim::KernelProfile p = sim::LoadKernelProfile("linux-6.18", SourceDir().string());
    BOOST_REQUIRE(p.loopback_send_runs_softirq);
    const auto rows = TwoSends("linux-6.18");
    const auto data = ClientData(rows);
    BOOST_REQUIRE_EQUAL(data.size(), 2u);
    BOOST_TEST(data[0].rec.len == 100u);
    BOOST_TEST(data[1].rel_seq == 101u); // not held by Nagle: the first was ACKed inside the call
    // the first send(): its segment to the server (latency_us), which wakes the server
    // asleep in recv() (softirq_wake_us) and is quick-ACKed, the ACK back (latency_us),
    // processed at release_sock(); then the second send()'s copy of 100 bytes
    const int64_t send_ns = 2 * p.loopback_latency_ns + p.loopback_softirq_wake_ns;
    const int64_t copy_ns = p.sendmsg_ns_per_kib * 100 / 1024;
    BOOST_TEST(send_ns == 12700); // the measured 100-byte send() with a sleeping reader
    BOOST_TEST(static_cast<int64_t>(data[1].rec.time_ns - data[0].rec.time_ns) == send_ns + copy_ns);
    // the quick ACK left inside the first send(), before the second segment
    bool acked_between = false;
    for (const auto& r : rows)
    {
        acked_between |= !r.from_client && r.rel_ack == 101 && r.rec.time_ns > data[0].rec.time_ns &&
                         r.rec.time_ns < data[1].rec.time_ns;
    }
    BOOST_TEST(acked_between);
}

BOOST_AUTO_TEST_CASE(profiles_fitted_with_instant_sends_go_on_at_the_call)
{
    // linux-5.15: the seed's think times assume the program goes on when it calls
    // send(); the second write is queued at once, while the first is unACKed, and
    // Nagle holds it until that ACK arrives (as before this model had send costs)
    const sim::KernelProfile p = sim::LoadKernelProfile("linux-5.15", SourceDir().string());
    BOOST_REQUIRE(!p.loopback_send_runs_softirq);
    const auto rows = TwoSends("linux-5.15");
    const auto data = ClientData(rows);
    BOOST_REQUIRE_EQUAL(data.size(), 2u);
    const auto ack = std::find_if(rows.begin(), rows.end(), [](const sim::TraceRow& r) {
        return !r.from_client && r.rel_ack == 101;
    });
    BOOST_REQUIRE(ack != rows.end());
    BOOST_TEST(static_cast<int64_t>(data[1].rec.time_ns - ack->rec.time_ns) == p.loopback_latency_ns);
}

BOOST_AUTO_TEST_SUITE_END()
