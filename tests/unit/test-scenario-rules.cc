// SPDX-License-Identifier: GPL-2.0-only
// Scenario rules that need no simulation: what bind() would refuse, the order of the
// echo client's calls, what `sim list` shows for a file.
#include "models/programs/echo-programs.h"
#include "models/scenario/bind-check.h"
#include "models/scenario/scenario.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

using namespace sim;
using ns3::Ipv4Address;

BOOST_AUTO_TEST_SUITE(scenario_rules)

BOOST_AUTO_TEST_CASE(loopback_host_owns_127_slash_8_only)
{
    BOOST_TEST(LoopbackOwns(Ipv4Address("127.0.0.1")));
    BOOST_TEST(LoopbackOwns(Ipv4Address("127.200.3.4")));
    BOOST_TEST(!LoopbackOwns(Ipv4Address("10.0.0.9")));
    BOOST_TEST(!LoopbackOwns(Ipv4Address("0.0.0.0")));
}

BOOST_AUTO_TEST_CASE(a_port_in_use_on_an_overlapping_address_is_refused)
{
    const std::vector<BindRequest> server = {{"the server", Ipv4Address("0.0.0.0"), 5000, false, true}};
    // the wildcard covers every address of the host
    BOOST_TEST(BindConflict(server, {"the client", Ipv4Address("127.0.0.1"), 5000, false, false}).has_value());
    BOOST_TEST(!BindConflict(server, {"the client", Ipv4Address("127.0.0.1"), 5001, false, false}).has_value());
    // two specific addresses do not overlap
    const std::vector<BindRequest> specific = {{"the server", Ipv4Address("127.0.0.1"), 5000, false, true}};
    BOOST_TEST(!BindConflict(specific, {"the client", Ipv4Address("127.0.0.2"), 5000, false, false}).has_value());
}

BOOST_AUTO_TEST_CASE(reuseaddr_shares_a_port_only_with_a_socket_that_is_not_listening)
{
    const BindRequest next{"connection b", Ipv4Address("127.0.0.1"), 5000, true, false};
    const std::vector<BindRequest> listening = {{"the server", Ipv4Address("0.0.0.0"), 5000, true, true}};
    BOOST_TEST(BindConflict(listening, next).has_value());
    BOOST_TEST(BindConflictText(listening[0], next).find("SO_REUSEADDR does not share") != std::string::npos);
    const std::vector<BindRequest> connected = {{"connection a", Ipv4Address("127.0.0.1"), 5000, true, false}};
    BOOST_TEST(!BindConflict(connected, next).has_value());
    BindRequest without = next;
    without.reuseaddr = false; // both must set it
    BOOST_TEST(BindConflict(connected, without).has_value());
}

BOOST_AUTO_TEST_CASE(interleave_with_fewer_reads_sends_the_rest_back_to_back)
{
    EchoClientConfig cfg;
    cfg.messages.items = {Payload(std::string("a")), Payload(std::string("b")), Payload(std::string("c"))};
    cfg.recv_sizes.items = {1024};
    cfg.interleave = true;
    std::string order;
    for (const ClientStep& s : ClientSteps(cfg))
    {
        order += s.kind == ClientStep::Send ? "S" : s.kind == ClientStep::Recv ? "R" : "C";
    }
    BOOST_TEST(order == "SRSSC");
}

BOOST_AUTO_TEST_CASE(a_repeated_call_list_gives_the_same_steps_as_the_list_written_out)
{
    EchoClientConfig written;
    EchoClientConfig repeated;
    for (bool interleave : {false, true})
    {
        written.interleave = repeated.interleave = interleave;
        written.messages.items.assign(5, Payload(std::string("m")));
        written.recv_sizes.items = {7, 9, 9};
        repeated.messages.items = {Payload(std::string("m"))};
        repeated.messages.repeat_last = 4;
        repeated.recv_sizes.items = {7, 9};
        repeated.recv_sizes.repeat_last = 1;
        const auto a = ClientSteps(written);
        const auto b = ClientSteps(repeated);
        BOOST_REQUIRE_EQUAL(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i)
        {
            BOOST_TEST((a[i].kind == b[i].kind), "step " << i);
            BOOST_TEST(a[i].index == b[i].index, "step " << i);
            BOOST_TEST(a[i].size == b[i].size, "step " << i);
            BOOST_TEST(a[i].message.ToString() == b[i].message.ToString(), "step " << i);
        }
    }
}

BOOST_AUTO_TEST_CASE(no_sends_and_no_reads_is_connect_then_close)
{
    EchoClientConfig cfg;
    const std::vector<ClientStep> steps = ClientSteps(cfg);
    BOOST_REQUIRE_EQUAL(steps.size(), 1u);
    BOOST_TEST((steps[0].kind == ClientStep::Close));
}

BOOST_AUTO_TEST_CASE(list_shows_the_file_name_of_a_scenario_without_description)
{
    const std::filesystem::path p = std::filesystem::temp_directory_path() / "sim-no-description.toml";
    std::ofstream(p) << "profile = \"linux-6.18\"\n";
    BOOST_TEST(ScenarioDescription(p.string()) == "(sim-no-description.toml)");
    std::ofstream(p) << "description = \"one line\"\n";
    BOOST_TEST(ScenarioDescription(p.string()) == "one line");
    std::filesystem::remove(p);
}

BOOST_AUTO_TEST_SUITE_END()
