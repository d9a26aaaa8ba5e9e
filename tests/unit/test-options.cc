// SPDX-License-Identifier: GPL-2.0-only
// Option layout on the wire, byte for byte, as Linux's tcp_options_write() lays it out.
#include "models/tcp/options.h"

#include <ns3/buffer.h>

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace sim;

static std::vector<uint8_t>
Serialize(const WireTcpHeader& th)
{
    ns3::Buffer b;
    b.AddAtStart(th.GetSerializedSize());
    th.Serialize(b.Begin());
    std::vector<uint8_t> out(b.GetSize());
    b.CopyData(out.data(), out.size());
    return out;
}

static std::vector<uint8_t>
OptionBytes(const WireTcpHeader& th)
{
    const std::vector<uint8_t> all = Serialize(th);
    return std::vector<uint8_t>(all.begin() + 20, all.end());
}

BOOST_AUTO_TEST_SUITE(options)

BOOST_AUTO_TEST_CASE(syn_options_are_20_bytes_in_linux_order)
{
    WireTcpHeader th;
    SynOptions o;
    o.mss = 65495;
    o.sack_perm = true;
    o.ts = true;
    o.tsval = 0x01020304;
    o.tsecr = 0;
    o.ws = true;
    o.wscale = 7;
    AppendSynOptions(th, o);
    BOOST_TEST(th.GetSerializedSize() == 40u);
    const std::vector<uint8_t> expected = {0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a,
                                           0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00,
                                           0x01, 0x03, 0x03, 0x07};
    BOOST_TEST(OptionBytes(th) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(syn_without_timestamps_pads_sack_perm_with_nops)
{
    WireTcpHeader th;
    SynOptions o;
    o.mss = 1460;
    o.sack_perm = true;
    o.ws = true;
    o.wscale = 7;
    AppendSynOptions(th, o);
    const std::vector<uint8_t> expected = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02,
                                           0x01, 0x03, 0x03, 0x07};
    BOOST_TEST(OptionBytes(th) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mss_only_synack_is_24_bytes_of_header)
{
    WireTcpHeader th;
    SynOptions o;
    o.mss = 1460;
    AppendSynOptions(th, o);
    BOOST_TEST(th.GetSerializedSize() == 24u);
}

BOOST_AUTO_TEST_CASE(established_options_are_nop_nop_ts)
{
    WireTcpHeader th;
    AppendEstablishedOptions(th, true, 2218082658u, 2218082655u);
    BOOST_TEST(th.GetSerializedSize() == 32u);
    const std::vector<uint8_t> opt = OptionBytes(th);
    BOOST_TEST((opt[0] == 1 && opt[1] == 1 && opt[2] == 8 && opt[3] == 10));
    WireTcpHeader none;
    AppendEstablishedOptions(none, false, 0, 0);
    BOOST_TEST(none.GetSerializedSize() == 20u);
    BOOST_TEST(EstablishedOptionsLen(true) == 12u);
}

BOOST_AUTO_TEST_CASE(parse_reads_back_what_was_written)
{
    WireTcpHeader th;
    SynOptions o;
    o.mss = 65495;
    o.sack_perm = true;
    o.ts = true;
    o.tsval = 2218082649u;
    o.tsecr = 7;
    o.ws = true;
    o.wscale = 10;
    AppendSynOptions(th, o);
    const ReceivedOptions r = ParseOptions(th);
    BOOST_TEST(r.mss_present);
    BOOST_TEST(r.mss == 65495);
    BOOST_TEST(r.sack_perm);
    BOOST_TEST(r.ts_present);
    BOOST_TEST(r.tsval == 2218082649u);
    BOOST_TEST(r.tsecr == 7u);
    BOOST_TEST(r.ws_present);
    BOOST_TEST(r.ws == 10);
}

BOOST_AUTO_TEST_SUITE_END()
