// SPDX-License-Identifier: GPL-2.0-only
#include "tests/fuzz/corpus.h"

#include "models/capture/pcap-file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace sim::fuzz
{

namespace fs = std::filesystem;

namespace
{

const fs::path kSource = SIM_SOURCE_DIR;

// The .toml files of some folders of the source tree, sorted (the order is the corpus's)
Corpus
TomlCorpus(std::initializer_list<const char*> dirs)
{
    Corpus c;
    c.kind = InputKind::Toml;
    for (const char* dir : dirs)
    {
        std::vector<fs::path> paths;
        for (const auto& e : fs::directory_iterator(kSource / dir))
        {
            if (e.path().extension() == ".toml")
            {
                paths.push_back(e.path());
            }
        }
        std::sort(paths.begin(), paths.end());
        for (const fs::path& p : paths)
        {
            c.Add(fs::relative(p, kSource).string(), ReadFileBytes(p.string()));
        }
    }
    return c;
}

// Writers of the formats libpcap reads, in either byte order
struct Writer
{
    bool be = false;
    Bytes out;

    void N(uint64_t v, size_t n)
    {
        for (size_t i = 0; i < n; ++i)
        {
            out.push_back(static_cast<uint8_t>(v >> (8 * (be ? n - 1 - i : i))));
        }
    }
    void U16(uint16_t v) { N(v, 2); }
    void U32(uint32_t v) { N(v, 4); }
    void Data(const std::vector<uint8_t>& d)
    {
        out.insert(out.end(), d.begin(), d.end());
    }
};

// Classic pcap: microsecond (a1b2c3d4) or nanosecond (a1b23c4d) stamps
Bytes
Pcap(const std::vector<Frame>& frames, uint32_t link_type, bool nano, bool be)
{
    Writer w{be, {}};
    w.U32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
    w.U16(2);
    w.U16(4);
    w.U32(0);
    w.U32(0);
    w.U32(262144);
    w.U32(link_type);
    for (const Frame& f : frames)
    {
        w.U32(static_cast<uint32_t>(f.time_ns / 1000000000));
        w.U32(static_cast<uint32_t>(nano ? f.time_ns % 1000000000 : f.time_ns % 1000000000 / 1000));
        w.U32(static_cast<uint32_t>(f.bytes.size()));
        w.U32(f.orig_len);
        w.Data(f.bytes);
    }
    return w.out;
}

// pcapng: a section header, one interface with if_tsresol = 9 (ns), enhanced packets
Bytes
Pcapng(const std::vector<Frame>& frames, uint16_t link_type)
{
    Writer w;
    w.U32(0x0a0d0d0a); // section header block
    w.U32(28);
    w.U32(0x1a2b3c4d);
    w.U16(1);
    w.U16(0);
    w.N(0xffffffffffffffffULL, 8); // section length unknown
    w.U32(28);
    w.U32(1); // interface description block
    w.U32(32);
    w.U16(link_type);
    w.U16(0);
    w.U32(262144);
    w.U16(9); // if_tsresol
    w.U16(1);
    w.Data({9, 0, 0, 0});
    w.U32(0); // opt_endofopt
    w.U32(32);
    for (const Frame& f : frames)
    {
        const size_t padded = (f.bytes.size() + 3) / 4 * 4;
        const auto total = static_cast<uint32_t>(32 + padded);
        w.U32(6); // enhanced packet block
        w.U32(total);
        w.U32(0);
        w.U32(static_cast<uint32_t>(f.time_ns >> 32));
        w.U32(static_cast<uint32_t>(f.time_ns));
        w.U32(static_cast<uint32_t>(f.bytes.size()));
        w.U32(f.orig_len);
        w.Data(f.bytes);
        w.out.resize(w.out.size() + padded - f.bytes.size(), 0);
        w.U32(total);
    }
    return w.out;
}

// The frames of a Linux cooked (v1) capture with another link header in place of its
// 16 bytes: `header` bytes, then the IPv4 packet
std::vector<Frame>
Relinked(const std::vector<Frame>& frames, const std::vector<uint8_t>& header)
{
    std::vector<Frame> out;
    for (const Frame& f : frames)
    {
        Frame g = f;
        g.bytes.assign(header.begin(), header.end());
        g.bytes.insert(g.bytes.end(), f.bytes.begin() + 16, f.bytes.end());
        g.orig_len = static_cast<uint32_t>(f.orig_len - 16 + header.size());
        out.push_back(std::move(g));
    }
    return out;
}

} // namespace

Bytes
ReadFileBytes(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
    {
        throw std::runtime_error(path + ": cannot read");
    }
    return Bytes(std::istreambuf_iterator<char>(f), {});
}

Corpus
ScenarioCorpus()
{
    return TomlCorpus({"scenarios", "tests/data/scenarios"});
}

Corpus
ProfileCorpus()
{
    return TomlCorpus({"models/profiles", "tests/data/profiles"});
}

Corpus
CaptureCorpus()
{
    Corpus c;
    c.kind = InputKind::Capture;
    for (const char* p : {"tests/data/real/v1/run-1/real.pcap", "tests/data/real/v2/run-1/real.pcap",
                          "tests/data/real/v3/run-1/real.pcap", "tests/data/real/v4/run-1/real.pcap",
                          "tests/data/real/late-wake/real.pcap"})
    {
        c.Add(p, ReadFileBytes((kSource / p).string()));
    }
    const std::string v1 = (kSource / "tests/data/real/v1/run-1/real.pcap").string();
    const std::vector<Frame> sll = ReadCapture(v1).frames;
    const std::vector<uint8_t> eth = {0x52, 0x54, 0, 0x12, 0x35, 2, 8, 0, 0x27, 0, 0, 1, 0x08, 0x00};
    const std::vector<uint8_t> sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    c.Add("v1 as ethernet, ns", Pcap(Relinked(sll, eth), 1, true, false));
    c.Add("v1 as raw IPv4, us", Pcap(Relinked(sll, {}), 101, false, false));
    c.Add("v1 as LINKTYPE_IPV4, ns, big-endian", Pcap(Relinked(sll, {}), 228, true, true));
    c.Add("v1 as BSD loopback, us", Pcap(Relinked(sll, {2, 0, 0, 0}), 0, false, false));
    c.Add("v1 as linux-sll2, ns", Pcap(Relinked(sll, sll2), 276, true, false));
    c.Add("v1 as linux-sll, us, big-endian", Pcap(sll, 113, false, true));
    c.Add("v1 as pcapng, linux-sll", Pcapng(sll, 113));
    return c;
}

} // namespace sim::fuzz
