// SPDX-License-Identifier: GPL-2.0-only
// Reading captures: every supported link type, pcapng, and clear errors for truncated
// files, wrong magic numbers and unsupported link types. The tests write the files.
#include "models/capture/packet-record.h"
#include "models/capture/pcap-file.h"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace sim;
namespace fs = std::filesystem;

namespace
{

// An IPv4/TCP packet: 127.0.0.2:40000 -> 127.0.0.3:12345, seq 1000, ack 2000, ACK|PSH,
// window 512, with NOP,NOP,TS options and `payload` bytes of data
std::vector<uint8_t>
TcpIpv4Packet(size_t payload)
{
    const size_t tcp_len = 32;
    const size_t total = 20 + tcp_len + payload;
    std::vector<uint8_t> p(total, 0);
    p[0] = 0x45;
    p[2] = static_cast<uint8_t>(total >> 8);
    p[3] = static_cast<uint8_t>(total);
    p[8] = 64;
    p[9] = 6;
    const uint8_t src[4] = {127, 0, 0, 2};
    const uint8_t dst[4] = {127, 0, 0, 3};
    std::memcpy(&p[12], src, 4);
    std::memcpy(&p[16], dst, 4);
    uint8_t* t = &p[20];
    t[0] = 40000 >> 8;
    t[1] = 40000 & 0xff;
    t[2] = 12345 >> 8;
    t[3] = 12345 & 0xff;
    t[7] = 0xe8;  // seq 1000
    t[6] = 0x03;
    t[10] = 0x07; // ack 2000
    t[11] = 0xd0;
    t[12] = static_cast<uint8_t>((tcp_len / 4) << 4);
    t[13] = 0x18;
    t[14] = 0x02; // window 512
    const uint8_t opts[12] = {1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9};
    std::memcpy(t + 20, opts, 12);
    return p;
}

std::vector<uint8_t>
WithLinkHeader(LinkType lt, const std::vector<uint8_t>& ip)
{
    std::vector<uint8_t> h;
    switch (lt)
    {
    case LinkType::LinuxSll:
        h = {0, 0, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00};
        break;
    case LinkType::LinuxSll2:
        h = {0x08, 0x00, 0, 0, 0, 0, 0, 1, 3, 4, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0};
        break;
    case LinkType::Ethernet:
        h = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
        break;
    case LinkType::Null:
        h = {2, 0, 0, 0};
        break;
    case LinkType::Raw:
    case LinkType::Ipv4:
        break;
    }
    h.insert(h.end(), ip.begin(), ip.end());
    return h;
}

fs::path
TempFile(const std::string& name)
{
    return fs::temp_directory_path() / ("sim-reader-" + name);
}

void
WriteBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string
ReadBytes(const fs::path& path)
{
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string
CaptureErrorOf(const fs::path& path)
{
    try
    {
        ReadCapture(path.string());
    }
    catch (const CaptureError& e)
    {
        return e.what();
    }
    return "";
}

void
Put32(std::string& s, uint32_t v)
{
    s.append(reinterpret_cast<const char*>(&v), 4);
}

void
Put16(std::string& s, uint16_t v)
{
    s.append(reinterpret_cast<const char*>(&v), 2);
}

} // namespace

BOOST_AUTO_TEST_SUITE(capture_reader)

BOOST_AUTO_TEST_CASE(every_supported_link_type_decodes_the_same_packet)
{
    for (LinkType lt : {LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::Ethernet, LinkType::Raw,
                        LinkType::Ipv4, LinkType::Null})
    {
        BOOST_TEST_CONTEXT("link type " << LinkTypeName(lt))
        {
            Capture cap;
            cap.link_type = lt;
            Frame f;
            f.time_ns = 1500000123;
            f.bytes = WithLinkHeader(lt, TcpIpv4Packet(13));
            f.orig_len = static_cast<uint32_t>(f.bytes.size());
            cap.frames.push_back(f);
            const fs::path path = TempFile(LinkTypeName(lt) + ".pcap");
            WritePcap(path.string(), cap);
            const Capture back = ReadCapture(path.string());
            fs::remove(path);
            BOOST_TEST((back.link_type == lt));
            BOOST_REQUIRE_EQUAL(back.frames.size(), 1u);
            BOOST_TEST(back.frames[0].time_ns == 1500000123u);
            const auto r = DecodeFrame(back.link_type, back.frames[0]);
            BOOST_REQUIRE(r.has_value());
            BOOST_TEST(r->src == "127.0.0.2");
            BOOST_TEST(r->dst == "127.0.0.3");
            BOOST_TEST(r->sport == 40000);
            BOOST_TEST(r->dport == 12345);
            BOOST_TEST(r->seq == 1000u);
            BOOST_TEST(r->ack == 2000u);
            BOOST_TEST(r->win_raw == 512);
            BOOST_TEST(r->len == 13u);
            BOOST_TEST(FlagNames(r->flags) == "PSH,ACK");
            BOOST_TEST(*r->tsval == 7u);
            BOOST_TEST(*r->tsecr == 9u);
        }
    }
}

BOOST_AUTO_TEST_CASE(pcapng_with_microsecond_stamps)
{
    const std::vector<uint8_t> frame = WithLinkHeader(LinkType::Ethernet, TcpIpv4Packet(5));
    std::string s;
    // Section header block
    Put32(s, 0x0A0D0D0A);
    Put32(s, 28);
    Put32(s, 0x1A2B3C4D);
    Put16(s, 1);
    Put16(s, 0);
    Put32(s, 0xffffffff);
    Put32(s, 0xffffffff);
    Put32(s, 28);
    // Interface description block: Ethernet, default microsecond resolution
    Put32(s, 1);
    Put32(s, 20);
    Put16(s, 1);
    Put16(s, 0);
    Put32(s, 65535);
    Put32(s, 20);
    // Enhanced packet block at 2.5 s
    const uint32_t padded = (static_cast<uint32_t>(frame.size()) + 3) & ~3u;
    const uint64_t us = 2500000;
    Put32(s, 6);
    Put32(s, 32 + padded);
    Put32(s, 0);
    Put32(s, static_cast<uint32_t>(us >> 32));
    Put32(s, static_cast<uint32_t>(us));
    Put32(s, static_cast<uint32_t>(frame.size()));
    Put32(s, static_cast<uint32_t>(frame.size()));
    s.append(reinterpret_cast<const char*>(frame.data()), frame.size());
    s.append(padded - frame.size(), '\0');
    Put32(s, 32 + padded);
    const fs::path path = TempFile("ng.pcapng");
    WriteBytes(path, s);
    const Capture cap = ReadCapture(path.string());
    fs::remove(path);
    BOOST_TEST((cap.link_type == LinkType::Ethernet));
    BOOST_REQUIRE_EQUAL(cap.frames.size(), 1u);
    BOOST_TEST(cap.frames[0].time_ns == 2500000000u);
    BOOST_TEST(DecodeFrame(cap.link_type, cap.frames[0])->len == 5u);
}

// Two 100-byte packets with the file cut 30 bytes before its end
fs::path
CutShortCapture(const std::string& name)
{
    Capture cap;
    Frame f;
    f.bytes = WithLinkHeader(LinkType::LinuxSll, TcpIpv4Packet(100));
    f.orig_len = static_cast<uint32_t>(f.bytes.size());
    cap.frames = {f, f};
    const fs::path path = TempFile(name);
    WritePcap(path.string(), cap);
    std::string bytes = ReadBytes(path);
    bytes.resize(bytes.size() - 30);
    WriteBytes(path, bytes);
    return path;
}

BOOST_AUTO_TEST_CASE(cut_short_file_is_refused_by_default_naming_it)
{
    const fs::path path = CutShortCapture("trunc-strict.pcap");
    const std::string what = CaptureErrorOf(path);
    fs::remove(path);
    BOOST_TEST(what.find(path.string()) != std::string::npos, what);
    BOOST_TEST(what.find("cut short after 1 complete packet (") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(cut_short_file_keeps_its_complete_packets_when_asked)
{
    const fs::path path = CutShortCapture("trunc-keep.pcap");
    const Capture cap = ReadCapture(path.string(), OnCutShort::KeepCompletePackets);
    fs::remove(path);
    BOOST_REQUIRE_EQUAL(cap.frames.size(), 1u);
    BOOST_TEST(DecodeFrame(cap.link_type, cap.frames[0])->len == 100u);
    BOOST_TEST(cap.cut_short.find("cut short after 1 complete packet") == 0u, cap.cut_short);
}

BOOST_AUTO_TEST_CASE(whole_file_is_not_cut_short)
{
    Capture cap;
    Frame f;
    f.bytes = WithLinkHeader(LinkType::LinuxSll, TcpIpv4Packet(1));
    cap.frames = {f};
    const fs::path path = TempFile("whole.pcap");
    WritePcap(path.string(), cap);
    const Capture back = ReadCapture(path.string(), OnCutShort::KeepCompletePackets);
    fs::remove(path);
    BOOST_TEST(back.cut_short.empty());
    BOOST_TEST(back.frames.size() == 1u);
}

BOOST_AUTO_TEST_CASE(wrong_magic_is_an_error)
{
    const fs::path path = TempFile("magic.pcap");
    WriteBytes(path, std::string(64, 'x'));
    const std::string what = CaptureErrorOf(path);
    fs::remove(path);
    BOOST_TEST(what.find("not a readable capture file") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error)
{
    BOOST_TEST(CaptureErrorOf(TempFile("does-not-exist.pcap")).find("not a readable capture file") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(unsupported_link_type_is_an_error)
{
    Capture cap;
    cap.link_type = static_cast<LinkType>(105); // IEEE 802.11
    const fs::path path = TempFile("wifi.pcap");
    WritePcap(path.string(), cap);
    const std::string what = CaptureErrorOf(path);
    fs::remove(path);
    BOOST_TEST(what.find("unsupported link type 105") != std::string::npos, what);
}

BOOST_AUTO_TEST_CASE(non_tcp_packets_are_skipped)
{
    std::vector<uint8_t> udp = TcpIpv4Packet(0);
    udp[9] = 17;
    Frame f;
    f.bytes = WithLinkHeader(LinkType::Raw, udp);
    BOOST_TEST(!DecodeFrame(LinkType::Raw, f).has_value());
    f.bytes = {0x86, 0xdd, 0, 0}; // an IPv6 ethertype in an SLL2-sized stub
    BOOST_TEST(!DecodeFrame(LinkType::LinuxSll2, f).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
