// SPDX-License-Identifier: GPL-2.0-only
// Every reason a segment can carry reads as a sentence naming the kernel rule (or the
// RFC or profile setting) behind it, with its numbers in place.
#include "models/tcp/send-reason.h"

#include <boost/test/unit_test.hpp>

using namespace sim;

BOOST_AUTO_TEST_SUITE(send_reason)

BOOST_AUTO_TEST_CASE(every_kind_names_its_rule)
{
    for (int k = static_cast<int>(SendWhy::Connect); k <= static_cast<int>(kLastSendWhy); ++k)
    {
        const std::string text = DescribeReason({static_cast<SendWhy>(k), 1234, 56});
        BOOST_TEST_CONTEXT("kind " << k << ": " << text)
        {
            BOOST_TEST(text != DescribeReason({}));
            BOOST_TEST((text.find("()") != std::string::npos || text.find("RFC") != std::string::npos ||
                        text.find("profile") != std::string::npos));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_numbers_that_decided_are_in_the_text)
{
    BOOST_TEST(DescribeReason({SendWhy::ResetUnread, 10952, 13000}).find("10952 unread bytes (tcp_close() counts "
                                                                         "13000") != std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::DelayedAckTimer, 40, 1}).find("ato 40 ms") != std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::DelayedAckTimer, 40, 1}).find("pingpong") != std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::DelayedAckTimer, 40, 0}).find("pingpong") == std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::AckQuick, 15}).find("15 left") != std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::AckFullFrames, 32768, 16384}).find("32768 bytes unacknowledged") !=
               std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::WriteEnd, 13}).find("13-byte write()") != std::string::npos);
    BOOST_TEST(DescribeReason({SendWhy::ReadAck, 65536}).find("copied 65536 bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(state_names_the_fields_sim_explain_prints)
{
    SocketSnapshot s;
    BOOST_TEST(DescribeState(s).find("no socket state") == 0u);
    s.valid = true;
    s.snd_una = 1;
    s.rcv_wnd = 58496;
    s.ato_ms = 40;
    s.pingpong = true;
    s.quick = 3;
    const std::string text = DescribeState(s);
    for (const char* field : {"snd_una=1 ", "snd_nxt=", "rcv_nxt=", "rcv_wnd=58496 ", "rmem=", "cwnd=", "ato=40ms",
                              "pingpong=yes", "quick=3"})
    {
        BOOST_TEST(text.find(field) != std::string::npos, field << " in " << text);
    }
    BOOST_TEST(DescribeNote({{SendWhy::Fin}, s}).find(" | snd_una=1 ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
