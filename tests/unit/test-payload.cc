// SPDX-License-Identifier: GPL-2.0-only
// Stream bytes as shared pieces: slicing and joining never copy, content comes out
// exactly, and the checksum sum matches a byte-by-byte RFC 1071 sum.
#include "models/capture/capture-tap.h"
#include "models/tcp/payload.h"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

using namespace sim;

namespace
{

uint16_t
ReferenceSum(const std::string& s)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < s.size(); i += 2)
    {
        const uint32_t hi = static_cast<unsigned char>(s[i]);
        const uint32_t lo = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        sum += hi << 8 | lo;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(sum);
}

std::string
Alphabet(size_t from, size_t n)
{
    std::string s;
    for (size_t i = 0; i < n; ++i)
    {
        s += static_cast<char>('a' + (from + i) % 26);
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(payload)

BOOST_AUTO_TEST_CASE(slices_and_joins_give_the_same_bytes)
{
    const Payload hello(std::string("Hello, world!"));
    Payload joined;
    joined.append(hello, 7, 5);  // "world"
    joined.append(hello, 5, 2);  // ", "
    joined.append(hello, 0, 5);  // "Hello"
    BOOST_TEST(joined.ToString() == "world, Hello");
    BOOST_TEST(joined.substr(3, 4).ToString() == "ld, ");
    Payload cut = joined;
    cut.resize(6);
    BOOST_TEST(cut.ToString() == "world,");
    BOOST_TEST(joined.size() == 12u); // the copy was not touched
    // a copy that starts inside one piece and runs into the next ones
    BOOST_TEST(joined.ToString(3, 6) == "ld, He");
    BOOST_TEST(joined.ToString(6, 100) == " Hello");
}

BOOST_AUTO_TEST_CASE(a_virtual_source_gives_its_pattern_at_any_offset)
{
    const auto abc = std::make_shared<const PatternSource>("abcdefghijklmnopqrstuvwxyz");
    const Payload body(abc, 0, 100000);
    BOOST_TEST(body.ToString(0, 30) == Alphabet(0, 30));
    BOOST_TEST(body.ToString(12345, 9000) == Alphabet(12345, 9000));
    BOOST_TEST(body.substr(99990).ToString() == Alphabet(99990, 10));
}

BOOST_AUTO_TEST_CASE(consecutive_pieces_of_one_source_merge)
{
    // an skb filled by many small copies of one write is still one piece: appending
    // piece by piece gives the same content and sum as the whole
    const auto abc = std::make_shared<const PatternSource>("abcdefghijklmnopqrstuvwxyz");
    const Payload write(abc, 0, 70000);
    Payload skb;
    for (size_t off = 0; off < write.size(); off += 997)
    {
        skb.append(write, off, 997);
    }
    BOOST_TEST(skb.size() == 70000u);
    BOOST_TEST(skb.Sum() == ReferenceSum(Alphabet(0, 70000)));
}

BOOST_AUTO_TEST_CASE(sum_matches_rfc1071_across_odd_piece_boundaries)
{
    const Payload a(std::string("\x01\x02\x03", 3));
    const Payload b(std::string("\xff\xfe\x80\x7f\x10", 5));
    Payload p;
    p.append(a);
    p.append(b, 1, 4);
    p.append(a, 0, 1);
    BOOST_TEST(p.Sum() == ReferenceSum(p.ToString()));
    const auto abc = std::make_shared<const PatternSource>("abcdefghijklmnopqrstuvwxyz");
    Payload q(abc, 3, 5001);
    q.append(a);
    BOOST_TEST(q.Sum() == ReferenceSum(q.ToString()));
}

BOOST_AUTO_TEST_CASE(tcp_checksum_of_a_known_segment)
{
    // IPv4 127.0.0.1 -> 127.0.0.1, a 20-byte TCP header (ports 1 -> 2, seq 1, ACK),
    // payload "hi": the sum worked out by hand (pseudo-header, header, payload)
    uint8_t pkt[42] = {0x45, 0, 0, 42, 0, 0, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
                       0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x01, 0x00, 0xaa, 0xbb, 0, 0};
    const Payload hi(std::string("hi"));
    // 7f00 0001 7f00 0001 0006 0016 | 0001 0002 0000 0001 0000 0000 5010 0100 0000 | 6869
    uint32_t sum = 0x7f00 + 0x0001 + 0x7f00 + 0x0001 + 0x0006 + 0x0016 + 0x0001 + 0x0002 + 0x0001 +
                   0x5010 + 0x0100 + 0x6869;
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    BOOST_TEST(TcpChecksum(pkt, 40, 22, hi.Sum()) == static_cast<uint16_t>(~sum));
}

BOOST_AUTO_TEST_SUITE_END()
