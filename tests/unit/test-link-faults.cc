// SPDX-License-Identifier: GPL-2.0-only
// The link's faults: which packets of each host are lost, from the scenario and the seed.
#include "models/link/link-faults.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(link_faults)

BOOST_AUTO_TEST_CASE(listed_indices_count_each_hosts_packets_from_its_syn)
{
    LinkFaults f;
    f.drop_client = {3};
    f.drop_server = {4, 2};
    FaultInjector inj(f, 1);
    std::string seen;
    // client SYN, server SYN-ACK, client ACK, client data, server ACK, server data ...
    const Sender order[] = {Sender::Client, Sender::Server, Sender::Client, Sender::Client,
                            Sender::Server, Sender::Server, Sender::Server};
    for (Sender s : order)
    {
        seen += inj.Lose(s) ? 'x' : '.';
    }
    // C1 S1 C2 C3(x) S2(x) S3 S4(x)
    BOOST_TEST(seen == "...xx.x");
    BOOST_TEST(inj.Sent(Sender::Client) == 3u);
    BOOST_TEST(inj.Sent(Sender::Server) == 4u);
}

BOOST_AUTO_TEST_CASE(a_loss_rate_is_the_same_packets_in_every_run_and_near_its_rate)
{
    LinkFaults f;
    f.loss = 0.1;
    FaultInjector a(f, 42);
    FaultInjector b(f, 42);
    FaultInjector other(f, 43);
    int lost = 0;
    int differ = 0;
    for (int i = 0; i < 20000; ++i)
    {
        const bool la = a.Lose(Sender::Client);
        BOOST_TEST(la == b.Lose(Sender::Client));
        differ += la != other.Lose(Sender::Client);
        lost += la;
    }
    BOOST_TEST(lost > 1800);
    BOOST_TEST(lost < 2200);
    BOOST_TEST(differ > 0); // another seed loses other packets
}

BOOST_AUTO_TEST_CASE(a_packets_fate_does_not_depend_on_the_other_hosts_traffic)
{
    LinkFaults f;
    f.loss = 0.3;
    FaultInjector alone(f, 7);
    FaultInjector mixed(f, 7);
    for (int i = 0; i < 1000; ++i)
    {
        mixed.Lose(Sender::Server);
        BOOST_TEST(alone.Lose(Sender::Client) == mixed.Lose(Sender::Client));
    }
}

BOOST_AUTO_TEST_SUITE_END()
