// SPDX-License-Identifier: GPL-2.0-only
#include "tests/fuzz/mutator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace sim::fuzz
{

namespace
{

// ---- TOML lines ----------------------------------------------------------------------

std::vector<std::string>
SplitLines(const Bytes& b)
{
    std::vector<std::string> lines(1);
    for (uint8_t c : b)
    {
        if (c == '\n')
        {
            lines.emplace_back();
        }
        else
        {
            lines.back() += static_cast<char>(c);
        }
    }
    return lines;
}

Bytes
JoinLines(const std::vector<std::string>& lines)
{
    Bytes b;
    for (size_t i = 0; i < lines.size(); ++i)
    {
        b.insert(b.end(), lines[i].begin(), lines[i].end());
        if (i + 1 < lines.size())
        {
            b.push_back('\n');
        }
    }
    return b;
}

bool
IsSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

// Where the key and the value of a `key = value  # comment` line are
struct KeyValue
{
    size_t key_begin = 0, key_end = 0, value_begin = 0, value_end = 0;
};

bool
SplitKeyValue(const std::string& line, KeyValue& kv)
{
    size_t i = 0;
    while (i < line.size() && IsSpace(line[i]))
    {
        ++i;
    }
    if (i == line.size() || line[i] == '#' || line[i] == '[')
    {
        return false;
    }
    kv.key_begin = i;
    char quote = 0;
    for (; i < line.size(); ++i)
    {
        const char c = line[i];
        if (quote)
        {
            quote = c == quote ? 0 : quote;
        }
        else if (c == '"' || c == '\'')
        {
            quote = c;
        }
        else if (c == '=')
        {
            break;
        }
    }
    if (i == line.size())
    {
        return false;
    }
    kv.key_end = i;
    while (kv.key_end > kv.key_begin && IsSpace(line[kv.key_end - 1]))
    {
        --kv.key_end;
    }
    ++i;
    while (i < line.size() && IsSpace(line[i]))
    {
        ++i;
    }
    kv.value_begin = i;
    // The value ends at a '#' outside a string
    quote = 0;
    for (; i < line.size(); ++i)
    {
        const char c = line[i];
        if (quote)
        {
            if (c == '\\' && quote == '"')
            {
                ++i;
            }
            else if (c == quote)
            {
                quote = 0;
            }
        }
        else if (c == '"' || c == '\'')
        {
            quote = c;
        }
        else if (c == '#')
        {
            break;
        }
    }
    kv.value_end = std::min(i, line.size());
    while (kv.value_end > kv.value_begin && IsSpace(line[kv.value_end - 1]))
    {
        --kv.value_end;
    }
    return kv.key_end > kv.key_begin;
}

// `[name]` or `[[name]]`: the name
bool
HeaderName(const std::string& line, std::string& name)
{
    const size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] != '[')
    {
        return false;
    }
    const size_t e = line.find(']', b);
    if (e == std::string::npos)
    {
        return false;
    }
    name = line.substr(b, e - b);
    name.erase(0, name.find_first_not_of('['));
    return !name.empty();
}

std::string
Trim(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
    {
        return "";
    }
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Values of every TOML type, at the edges of what the loaders accept and beyond
const std::vector<std::string> kTomlValues = {
    // integers: zero, signs, the bounds the loaders check against (255, 65535, 1 << 24,
    // 1000000, 3600000, INT32_MAX, UINT32_MAX, 1 << 30, 1 << 40) and one past them
    "0", "1", "-1", "2", "3", "14", "15", "255", "256", "1000", "65535", "65536", "-65536",
    "1000000", "1000001", "3600000", "16777216", "16777217", "1073741824", "2147483647",
    "2147483648", "-2147483648", "4294967295", "4294967296", "1099511627776",
    "1099511627777", "9223372036854775807", "-9223372036854775808", "0x7fffffff",
    "0xffffffff", "0o777", "0b101", "1_000_000", "+1",
    // floats
    "0.0", "-0.0", "0.001", "0.0001", "0.5", "1.5", "999.999", "1000.0", "3600.0",
    "3600000.0", "3600000.001", "1e6", "1e9", "1e15", "1e19", "1e308", "-1e308", "5e-324",
    "-1.0", "inf", "-inf", "+inf", "nan", "-nan",
    // booleans
    "true", "false",
    // strings: empty, odd characters, names the loaders know, paths, addresses
    "\"\"", "\"x\"", "\" \"", "\"a\\nb\"", "\"a\\rb\"", "\"\\u0000\"", "\"\\t\"",
    "\"\\u00e9\"", "\"\\U0001F600\"", "'''a\nb'''", "\"\"\"\nline one\nline two\"\"\"",
    "'literal'", "\"/\"", "\".\"", "\"..\"", "\"/dev/null\"", "\"/nonexistent.toml\"",
    "\"nonexistent\"", "\"linux-5.15\"", "\"linux-5.15-stable\"", "\"linux-6.18\"",
    "\"slirp\"", "\"models/profiles/slirp.toml\"", "\"loopback\"", "\"ethernet\"",
    "\"linux-sll\"", "\"linux-sll2\"", "\"raw\"", "\"ipv4\"", "\"null\"", "\"client\"",
    "\"server\"", "\"echo-server\"", "\"echo-client\"", "\"http-server\"", "\"browser\"",
    "\"cubic\"", "\"bbr\"", "\"per-flow\"", "\"per-address-pair\"", "\"adv_win_scale\"",
    "\"scaling_ratio\"", "\"5.x\"", "\"6.16\"", "\"0.0.0.0\"", "\"255.255.255.255\"",
    "\"127.0.0.1\"", "\"1.2.3\"", "\"1.2.3.4.5\"", "\"256.1.1.1\"", "\".1.2.3\"",
    "\"1..2.3\"", "\"-1.2.3.4\"", "\"08:00:27:00:00:01\"", "\"zz:zz:zz:zz:zz:zz\"",
    "\"1:2:3\"", "\"/f\"", "\"f\"", "\"c\"", "\"%s%n%x\"", "\"{}\"",
    // arrays and tables
    "[]", "[1]", "[1, 2]", "[1, 2, 3]", "[0, 0, 0]", "[-1, -1, -1]", "[3, 2, 1]",
    "[4096, 131072, 2147483647]", "[4096, 131072, 2147483648]", "[1, 2, 3, 4]", "[\"\"]",
    "[\"a\", 1]", "[1.5]", "[[]]", "[[1]]", "[{}]", "[true]", "[0.0, 1e308]", "{}",
    "{ x = 1 }", "{ name = \"c\", port = 40000 }", "{ name = \"c\", port = 0 }",
    "{ connection = \"c\", path = \"/f\", size = 380 }", "{ after_bytes = 1, ms = 1 }",
    // dates and times
    "1979-05-27T07:32:00Z", "1979-05-27", "07:32:00", "1979-05-27T07:32:00.999999",
};

// Characters and tokens that steer a TOML parser
const std::vector<std::string> kTomlTokens = {
    "\n", "=", "[", "]", "[[", "]]", "{", "}", ",", ".", "\"", "'", "\"\"\"", "'''", "#",
    "\\", "\\u", "\\U", " ", "\t", "\r", "\r\n", "0x", "e", "_", ":", "-", "+", "T", "Z",
    std::string(1, '\0'), "\xff", "\xc3\xa9", "\xef\xbb\xbf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
};

// ---- binary fields ---------------------------------------------------------------------

uint32_t
Get32(const Bytes& b, size_t off, bool be)
{
    if (off + 4 > b.size())
    {
        return 0;
    }
    return be ? (uint32_t{b[off]} << 24) | (uint32_t{b[off + 1]} << 16) | (uint32_t{b[off + 2]} << 8) |
                    b[off + 3]
              : (uint32_t{b[off + 3]} << 24) | (uint32_t{b[off + 2]} << 16) |
                    (uint32_t{b[off + 1]} << 8) | b[off];
}

void
PutN(Bytes& b, size_t off, uint64_t v, size_t n, bool be)
{
    for (size_t i = 0; i < n && off + i < b.size(); ++i)
    {
        const size_t shift = 8 * (be ? n - 1 - i : i);
        b[off + i] = static_cast<uint8_t>(v >> shift);
    }
}

const std::vector<uint64_t> kInteresting = {
    0, 1, 2, 3, 4, 7, 8, 15, 16, 19, 20, 24, 28, 32, 40, 60, 64, 127, 128, 255, 256, 1500,
    4095, 4096, 32767, 32768, 65535, 65536, 262144, 262145, 0x7fffff, 0x1000000, 0x7fffffff,
    0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
    0xffffffffffffffffULL};

// LINKTYPE_ values: ours, their neighbours, and the FCS bits libpcap keeps above 16 bits
const std::vector<uint32_t> kLinkTypes = {0,   1,   9,    12,   14,   101,        105,
                                          108, 113, 127,  147,  228,  229,        276,
                                          277, 999, 0xffff, 0x10000 | 113, 0x4000001, 0xffffffff};

// A classic pcap record or a pcapng block
struct Record
{
    size_t off;
    uint32_t type; // pcapng block type; 0 for classic pcap
    size_t len;    // bytes of the record (pcap: header + data)
};

struct CaptureLayout
{
    bool pcapng = false;
    bool be = false;
    uint32_t link_type = 113;
    std::vector<Record> records;
};

bool
ParseLayout(const Bytes& b, CaptureLayout& l)
{
    if (b.size() < 24)
    {
        return false;
    }
    const uint32_t magic = Get32(b, 0, false);
    if (magic == 0x0a0d0d0a)
    {
        l.pcapng = true;
        l.be = Get32(b, 8, false) != 0x1a2b3c4d;
        for (size_t off = 0; off + 12 <= b.size() && l.records.size() < 100000;)
        {
            const uint32_t len = Get32(b, off + 4, l.be);
            if (len < 12 || off + len > b.size())
            {
                break;
            }
            l.records.push_back({off, Get32(b, off, l.be), len});
            off += len;
        }
        return true;
    }
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
    {
        l.be = false;
    }
    else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
    {
        l.be = true;
    }
    else
    {
        return false;
    }
    l.link_type = Get32(b, 20, l.be);
    for (size_t off = 24; off + 16 <= b.size() && l.records.size() < 100000;)
    {
        const size_t caplen = Get32(b, off + 8, l.be);
        if (off + 16 + caplen > b.size())
        {
            break;
        }
        l.records.push_back({off, 0, 16 + caplen});
        off += 16 + caplen;
    }
    return true;
}

size_t
LinkHeaderBytes(uint32_t link_type)
{
    switch (link_type & 0xffff)
    {
    case 0:
        return 4;
    case 1:
        return 14;
    case 276:
        return 20;
    case 101:
    case 228:
        return 0;
    default:
        return 16;
    }
}

// A byte of the IPv4 or TCP header (or the options) of the packet at `data`, set to a
// value its decoder branches on
void
MutatePacketHeader(Rng& rng, Bytes& b, size_t data, size_t data_len, uint32_t link_type,
                   std::string& recipe)
{
    const size_t ip = data + LinkHeaderBytes(link_type);
    const size_t ihl = ip < b.size() ? std::max<size_t>(20, (b[ip] & 0x0f) * 4u) : 20;
    const size_t tcp = ip + ihl;
    struct Choice
    {
        size_t off;
        std::vector<uint8_t> values;
        const char* what;
    };
    const std::vector<Choice> choices = {
        {data + (link_type == 276 ? 0 : link_type == 1 ? 12 : 14), {0x08, 0x86, 0x00, 0xff}, "ethertype"},
        {ip, {0x45, 0x46, 0x4f, 0x40, 0x41, 0x44, 0x60, 0x00, 0xff}, "version/ihl"},
        {ip + 2, {0x00, 0x01, 0xff}, "ip total length"},
        {ip + 3, {0x00, 0x13, 0x14, 0x27, 0x28, 0xff}, "ip total length"},
        {ip + 9, {6, 17, 0, 255}, "protocol"},
        {tcp + 12, {0x00, 0x40, 0x50, 0x60, 0x80, 0xa0, 0xf0, 0xff}, "data offset"},
        {tcp + 13, {0x02, 0x12, 0x10, 0x11, 0x04, 0x14, 0x01, 0x18, 0xff, 0x00}, "flags"},
        {tcp + 20 + rng.Below(40), {0, 1, 2, 3, 4, 5, 8, 30, 254, 255}, "option kind"},
        {tcp + 21 + rng.Below(40), {0, 1, 2, 3, 4, 10, 11, 39, 40, 41, 255}, "option length"},
        {tcp + 20 + rng.Below(40), {14, 15, 16, 31, 32, 63, 64, 255}, "option byte"},
    };
    const Choice& c = rng.Pick(choices);
    if (c.off >= data + data_len || c.off >= b.size())
    {
        return;
    }
    b[c.off] = rng.Pick(c.values);
    recipe += fmt::format("; packet {} at {} = {}", c.what, c.off, b[c.off]);
}

} // namespace

void
Corpus::Add(std::string name, Bytes bytes)
{
    if (kind == InputKind::Toml)
    {
        std::set<std::string> k(keys.begin(), keys.end()), v(values.begin(), values.end()),
            h(headers.begin(), headers.end()), l(lines.begin(), lines.end());
        for (const std::string& line : SplitLines(bytes))
        {
            KeyValue kv;
            std::string header;
            if (SplitKeyValue(line, kv))
            {
                k.insert(line.substr(kv.key_begin, kv.key_end - kv.key_begin));
                if (kv.value_end > kv.value_begin)
                {
                    v.insert(line.substr(kv.value_begin, kv.value_end - kv.value_begin));
                }
            }
            else if (HeaderName(line, header))
            {
                h.insert(header);
            }
            if (!Trim(line).empty() && Trim(line)[0] != '#')
            {
                l.insert(Trim(line));
            }
        }
        keys.assign(k.begin(), k.end());
        values.assign(v.begin(), v.end());
        headers.assign(h.begin(), h.end());
        lines.assign(l.begin(), l.end());
    }
    files.push_back({std::move(name), std::move(bytes)});
}

Mutator::Mutator(const Corpus& corpus, size_t max_size)
    : m_corpus(corpus),
      m_max_size(max_size)
{
}

Bytes
Mutator::Generate(uint64_t seed, uint64_t index, std::string* recipe) const
{
    Rng rng(SplitMix64(seed ^ SplitMix64(index)));
    // The first inputs of a run are the seed files themselves
    const size_t n_files = m_corpus.files.size();
    const CorpusFile& base = index < n_files ? m_corpus.files[index] : rng.Pick(m_corpus.files);
    Bytes b = base.bytes;
    std::string what = base.name;
    if (index >= n_files)
    {
        // Mostly a few mutations, sometimes many
        const size_t n = rng.OneIn(4) ? 1 + rng.Below(12) : 1 + rng.Below(3);
        for (size_t i = 0; i < n; ++i)
        {
            bool done = false;
            if (!rng.OneIn(3))
            {
                done = m_corpus.kind == InputKind::Toml ? MutateToml(rng, b, what)
                                                        : MutateCapture(rng, b, what);
            }
            if (!done)
            {
                MutateBytes(rng, b, what);
            }
            if (b.size() > m_max_size)
            {
                b.resize(m_max_size);
            }
        }
    }
    if (recipe)
    {
        // one line, for messages and SIM_FUZZ_LOG
        for (size_t p = 0; (p = what.find_first_of("\r\n", p)) != std::string::npos; p += 2)
        {
            what.replace(p, 1, what[p] == '\n' ? "\\n" : "\\r");
        }
        *recipe = std::move(what);
    }
    return b;
}

void
Mutator::MutateBytes(Rng& rng, Bytes& b, std::string& recipe) const
{
    const bool toml = m_corpus.kind == InputKind::Toml;
    auto pos = [&](size_t extra = 0) { return rng.Below(b.size() + extra); };
    auto chunk = [&](size_t limit) { return 1 + rng.Below(rng.OneIn(8) ? limit : std::min<size_t>(limit, 32)); };
    const Bytes& other = rng.Pick(m_corpus.files).bytes;
    switch (b.empty() ? 2 : rng.Below(11))
    {
    case 0: { // flip a bit
        const size_t p = pos();
        b[p] ^= static_cast<uint8_t>(1u << rng.Below(8));
        recipe += fmt::format("; flip bit at {}", p);
        break;
    }
    case 1: { // set a byte
        const size_t p = pos();
        const std::string& t = rng.Pick(kTomlTokens);
        b[p] = toml && !rng.OneIn(4) ? static_cast<uint8_t>(t[0]) : static_cast<uint8_t>(rng.Next());
        recipe += fmt::format("; byte at {} = {}", p, b[p]);
        break;
    }
    case 2: { // insert bytes: a token (TOML) or random ones
        const size_t p = pos(1);
        Bytes ins;
        if (toml && !rng.OneIn(4))
        {
            const std::string& t = rng.Pick(kTomlTokens);
            ins.assign(t.begin(), t.end());
        }
        else
        {
            for (size_t i = 0, n = chunk(16); i < n; ++i)
            {
                ins.push_back(static_cast<uint8_t>(rng.Next()));
            }
        }
        b.insert(b.begin() + static_cast<long>(p), ins.begin(), ins.end());
        recipe += fmt::format("; insert {} bytes at {}", ins.size(), p);
        break;
    }
    case 3: { // delete a range
        const size_t p = pos();
        const size_t n = std::min(b.size() - p, chunk(b.size()));
        b.erase(b.begin() + static_cast<long>(p), b.begin() + static_cast<long>(p + n));
        recipe += fmt::format("; delete {} bytes at {}", n, p);
        break;
    }
    case 4: { // duplicate a chunk somewhere else
        const size_t from = pos();
        const size_t n = std::min(b.size() - from, chunk(b.size()));
        const Bytes c(b.begin() + static_cast<long>(from), b.begin() + static_cast<long>(from + n));
        const size_t to = pos(1);
        b.insert(b.begin() + static_cast<long>(to), c.begin(), c.end());
        recipe += fmt::format("; copy {} bytes from {} to {}", n, from, to);
        break;
    }
    case 5: { // overwrite with a chunk of another corpus file
        if (other.empty())
        {
            break;
        }
        const size_t from = rng.Below(other.size());
        const size_t to = pos();
        const size_t n = std::min({other.size() - from, b.size() - to, chunk(other.size())});
        std::copy_n(other.begin() + static_cast<long>(from), n, b.begin() + static_cast<long>(to));
        recipe += fmt::format("; overwrite {} bytes at {} from another file", n, to);
        break;
    }
    case 6: { // splice: the head of this file, the tail of another
        const size_t cut = pos(1);
        const size_t from = rng.Below(other.size() + 1);
        b.resize(cut);
        b.insert(b.end(), other.begin() + static_cast<long>(from), other.end());
        recipe += fmt::format("; splice at {} with another file from {}", cut, from);
        break;
    }
    case 7: { // truncate
        const size_t n = pos();
        b.resize(n);
        recipe += fmt::format("; truncate to {}", n);
        break;
    }
    case 8: { // an interesting integer, 1-8 bytes, either byte order
        const size_t widths[] = {1, 2, 4, 8};
        const size_t w = widths[rng.Below(4)];
        const size_t p = pos();
        const uint64_t v = rng.Pick(kInteresting);
        PutN(b, p, v, w, rng.OneIn(2));
        recipe += fmt::format("; {}-byte {} at {}", w, v, p);
        break;
    }
    case 9: { // add or subtract a little
        const size_t p = pos();
        const int d = static_cast<int>(rng.Below(33)) - 16;
        b[p] = static_cast<uint8_t>(b[p] + d);
        recipe += fmt::format("; byte at {} {:+}", p, d);
        break;
    }
    default: { // a run of one byte or token: deep nesting, long numbers, long lines
        const size_t p = pos(1);
        const std::string t = toml ? rng.Pick(kTomlTokens) : std::string(1, static_cast<char>(rng.Next()));
        const size_t n = 1 + rng.Below(rng.OneIn(4) ? 4000 : 300);
        Bytes ins;
        for (size_t i = 0; i < n; ++i)
        {
            ins.insert(ins.end(), t.begin(), t.end());
        }
        b.insert(b.begin() + static_cast<long>(p), ins.begin(), ins.end());
        recipe += fmt::format("; {} x byte {} at {}", n, static_cast<uint8_t>(t[0]), p);
        break;
    }
    }
}

bool
Mutator::MutateToml(Rng& rng, Bytes& b, std::string& recipe) const
{
    std::vector<std::string> lines = SplitLines(b);
    std::vector<size_t> kv_lines;
    std::vector<size_t> header_lines;
    for (size_t i = 0; i < lines.size(); ++i)
    {
        KeyValue kv;
        std::string h;
        if (SplitKeyValue(lines[i], kv))
        {
            kv_lines.push_back(i);
        }
        else if (HeaderName(lines[i], h))
        {
            header_lines.push_back(i);
        }
    }
    const size_t op = rng.Below(13);
    if (op <= 4 && !kv_lines.empty())
    {
        // A new value for a key
        const size_t li = rng.Pick(kv_lines);
        std::string& line = lines[li];
        KeyValue kv;
        SplitKeyValue(line, kv);
        const std::string key = line.substr(kv.key_begin, kv.key_end - kv.key_begin);
        const std::string old = line.substr(kv.value_begin, kv.value_end - kv.value_begin);
        std::string v;
        switch (op)
        {
        case 0:
        case 1:
            v = rng.Pick(kTomlValues); // another type, huge, negative, empty
            break;
        case 2:
            v = m_corpus.values.empty() ? "0" : rng.Pick(m_corpus.values); // another key's
            break;
        case 3: { // the old number moved: negated, scaled, nudged
            char* end = nullptr;
            const double d = std::strtod(old.c_str(), &end);
            const bool integer = old.find_first_of(".eE") == std::string::npos;
            const double factors[] = {-1, 2, 10, 1000, 1e6, 1e12, 0.5, 1e-3};
            const double nudges[] = {1, -1};
            const double nv = rng.OneIn(2) ? d * factors[rng.Below(8)] : d + nudges[rng.Below(2)];
            v = integer && std::abs(nv) < 9.2e18 ? fmt::format("{}", static_cast<int64_t>(nv))
                                                 : fmt::format("{}", nv);
            if (v == "nan" || v == "inf" || v == "-inf")
            {
                v = "1e999";
            }
            break;
        }
        default: { // the old value inside an array or table, or a long string
            const size_t n = rng.OneIn(3) ? 70000 : 300 + rng.Below(5000);
            const std::string wraps[] = {"[" + old + "]", "[" + old + ", " + old + "]",
                                         "{ x = " + old + " }", "\"" + std::string(n, 'A') + "\"",
                                         "[" + old + ", \"x\"]"};
            v = wraps[rng.Below(5)];
            break;
        }
        }
        line = line.substr(0, kv.value_begin) + v + line.substr(kv.value_end);
        recipe += fmt::format("; line {} {} = {}", li + 1, key, v.size() > 40 ? v.substr(0, 40) + "..." : v);
    }
    else if (op == 5 && !lines.empty())
    {
        const size_t li = rng.Below(lines.size());
        recipe += fmt::format("; drop line {}", li + 1);
        lines.erase(lines.begin() + static_cast<long>(li));
    }
    else if (op == 6 && !lines.empty())
    {
        const size_t li = rng.Below(lines.size());
        const size_t to = rng.OneIn(2) ? li + 1 : rng.Below(lines.size() + 1);
        lines.insert(lines.begin() + static_cast<long>(to), lines[li]);
        recipe += fmt::format("; duplicate line {} at {}", li + 1, to + 1);
    }
    else if (op == 7 && lines.size() > 1)
    {
        const size_t li = rng.Below(lines.size());
        const std::string moved = lines[li];
        lines.erase(lines.begin() + static_cast<long>(li));
        const size_t to = rng.Below(lines.size() + 1);
        lines.insert(lines.begin() + static_cast<long>(to), moved);
        recipe += fmt::format("; move line {} to {}", li + 1, to + 1);
    }
    else if (op == 8 && !kv_lines.empty() && !m_corpus.keys.empty())
    {
        // Rename a key: another known key, a near miss, quoted, dotted, empty
        const size_t li = rng.Pick(kv_lines);
        std::string& line = lines[li];
        KeyValue kv;
        SplitKeyValue(line, kv);
        std::string key = line.substr(kv.key_begin, kv.key_end - kv.key_begin);
        switch (rng.Below(6))
        {
        case 0:
        case 1:
            key = rng.Pick(m_corpus.keys);
            break;
        case 2:
            key += "x";
            break;
        case 3:
            key = "\"" + key + "\"";
            break;
        case 4:
            key = (m_corpus.headers.empty() ? "a" : rng.Pick(m_corpus.headers)) + "." + key;
            break;
        default:
            key = "\"\"";
            break;
        }
        line = line.substr(0, kv.key_begin) + key + line.substr(kv.key_end);
        recipe += fmt::format("; line {} key renamed {}", li + 1, key);
    }
    else if (op == 9 && !m_corpus.lines.empty())
    {
        // A line of another file (a key of another table, a header)
        const size_t to = rng.Below(lines.size() + 1);
        const std::string& l = rng.Pick(m_corpus.lines);
        lines.insert(lines.begin() + static_cast<long>(to), l);
        recipe += fmt::format("; insert line {}: {}", to + 1, l.substr(0, 40));
    }
    else if (op == 10 && !m_corpus.keys.empty())
    {
        // A known key with an odd value
        const size_t to = rng.Below(lines.size() + 1);
        const std::string l = rng.Pick(m_corpus.keys) + " = " + rng.Pick(kTomlValues);
        lines.insert(lines.begin() + static_cast<long>(to), l);
        recipe += fmt::format("; insert line {}: {}", to + 1, l.substr(0, 40));
    }
    else if (op == 11 && !m_corpus.headers.empty())
    {
        // A table header: known, an array of tables, or a key made a table
        const size_t to = rng.Below(lines.size() + 1);
        std::string name = rng.OneIn(3) && !m_corpus.keys.empty() ? rng.Pick(m_corpus.keys)
                                                                  : rng.Pick(m_corpus.headers);
        const std::string l = rng.OneIn(3) ? "[[" + name + "]]" : "[" + name + "]";
        lines.insert(lines.begin() + static_cast<long>(to), l);
        recipe += fmt::format("; insert line {}: {}", to + 1, l);
    }
    else if (op == 12 && !header_lines.empty() && !m_corpus.headers.empty())
    {
        // A table header changed: to an array of tables, renamed, a sub-table
        const size_t li = rng.Pick(header_lines);
        std::string name;
        HeaderName(lines[li], name);
        switch (rng.Below(3))
        {
        case 0:
            lines[li] = "[[" + name + "]]";
            break;
        case 1:
            lines[li] = "[" + rng.Pick(m_corpus.headers) + "]";
            break;
        default:
            lines[li] = "[" + name + "." + rng.Pick(m_corpus.headers) + "]";
            break;
        }
        recipe += fmt::format("; line {} header now {}", li + 1, lines[li]);
    }
    else
    {
        return false;
    }
    b = JoinLines(lines);
    return true;
}

bool
Mutator::MutateCapture(Rng& rng, Bytes& b, std::string& recipe) const
{
    CaptureLayout l;
    if (!ParseLayout(b, l) || (l.pcapng && l.records.empty()))
    {
        return false;
    }
    const bool be = l.be;
    auto put32 = [&](size_t off, uint64_t v, const char* what) {
        PutN(b, off, v, 4, be);
        recipe += fmt::format("; {} at {} = {}", what, off, static_cast<uint32_t>(v));
    };
    auto near = [&](uint32_t v) {
        const uint32_t deltas[] = {0, 1, 0xffffffff, 4, 0xfffffffc, 16};
        return rng.OneIn(2) ? static_cast<uint64_t>(v + deltas[rng.Below(6)]) : rng.Pick(kInteresting);
    };
    const size_t op = rng.Below(l.records.empty() ? 1 : 6);
    if (!l.pcapng)
    {
        if (op == 0)
        {
            // The file header: version, zone, sigfigs, snaplen, link type
            const size_t field = rng.Below(6);
            if (field == 5)
            {
                put32(20, rng.Pick(kLinkTypes), "link type");
            }
            else if (field == 4)
            {
                put32(16, near(Get32(b, 16, be)), "snaplen");
            }
            else if (field < 2)
            {
                PutN(b, 4 + 2 * field, rng.Pick(kInteresting), 2, be);
                recipe += fmt::format("; version field {}", field);
            }
            else
            {
                put32(4 + 4 * field, rng.Pick(kInteresting), "zone/sigfigs");
            }
            return true;
        }
        const Record& r = rng.Pick(l.records);
        switch (op)
        {
        case 1: // ts_sec, ts_frac
            put32(r.off + 4 * rng.Below(2), rng.OneIn(2) ? near(999999999) : rng.Pick(kInteresting), "timestamp");
            break;
        case 2: // caplen or len
            put32(r.off + 8 + 4 * rng.Below(2), near(static_cast<uint32_t>(r.len - 16)), "length");
            break;
        case 3:
        case 4:
            MutatePacketHeader(rng, b, r.off + 16, r.len - 16, l.link_type, recipe);
            break;
        default: { // a record dropped or repeated (a retransmitted SYN, a new connection)
            const Bytes rec(b.begin() + static_cast<long>(r.off), b.begin() + static_cast<long>(r.off + r.len));
            if (rng.OneIn(2))
            {
                b.erase(b.begin() + static_cast<long>(r.off), b.begin() + static_cast<long>(r.off + r.len));
                recipe += fmt::format("; drop record at {}", r.off);
            }
            else
            {
                const size_t to = rng.Pick(l.records).off;
                b.insert(b.begin() + static_cast<long>(to), rec.begin(), rec.end());
                recipe += fmt::format("; copy record at {} to {}", r.off, to);
            }
            break;
        }
        }
        return true;
    }
    // pcapng: section header (type 0x0a0d0d0a), interface description (1), enhanced
    // packet (6), simple packet (3), anything else
    const Record& r = rng.Pick(l.records);
    switch (op)
    {
    case 0: // a block's total length, leading or trailing
        put32(rng.OneIn(2) ? r.off + 4 : r.off + r.len - 4, near(static_cast<uint32_t>(r.len)), "block length");
        break;
    case 1:
        put32(r.off, rng.Pick(std::vector<uint64_t>{0x0a0d0d0a, 1, 2, 3, 5, 6, 7, 0x80000000, 0}), "block type");
        break;
    case 2:
        if (r.type == 1 && r.len >= 20) // link type, snaplen, the if_tsresol option
        {
            const size_t f = rng.Below(3);
            if (f == 0)
            {
                PutN(b, r.off + 8, rng.Pick(kLinkTypes), 2, be);
                recipe += "; IDB link type";
            }
            else if (f == 1)
            {
                put32(r.off + 12, rng.Pick(kInteresting), "IDB snaplen");
            }
            else if (r.len >= 28)
            {
                const uint8_t res[] = {0, 3, 6, 9, 10, 19, 20, 63, 64, 0x80, 0x8a, 0xbf, 0xff};
                b[r.off + 20] = res[rng.Below(sizeof res)];
                recipe += fmt::format("; if_tsresol {}", b[r.off + 20]);
            }
        }
        else if (r.type == 0x0a0d0d0a && r.len >= 24) // version, section length
        {
            PutN(b, r.off + 12 + 2 * rng.Below(2), rng.Pick(kInteresting), 2, be);
            recipe += "; SHB version";
        }
        break;
    case 3:
        if (r.type == 6 && r.len >= 32) // interface, timestamp, caplen, len
        {
            const size_t f = rng.Below(5);
            put32(r.off + 8 + 4 * f, f >= 3 ? near(Get32(b, r.off + 8 + 4 * f, be)) : rng.Pick(kInteresting),
                  "EPB field");
        }
        break;
    case 4:
        if (r.type == 6 && r.len >= 32)
        {
            // The link type of the first interface (the generated files have one)
            uint32_t lt = 113;
            for (const Record& x : l.records)
            {
                if (x.type == 1 && x.len >= 12)
                {
                    lt = Get32(b, x.off + 8, be) & 0xffff;
                    break;
                }
            }
            MutatePacketHeader(rng, b, r.off + 28, r.len - 32, lt, recipe);
        }
        break;
    default: { // a block dropped or repeated
        const Bytes blk(b.begin() + static_cast<long>(r.off), b.begin() + static_cast<long>(r.off + r.len));
        if (rng.OneIn(2))
        {
            b.erase(b.begin() + static_cast<long>(r.off), b.begin() + static_cast<long>(r.off + r.len));
            recipe += fmt::format("; drop block at {}", r.off);
        }
        else
        {
            const size_t to = rng.Pick(l.records).off;
            b.insert(b.begin() + static_cast<long>(to), blk.begin(), blk.end());
            recipe += fmt::format("; copy block at {} to {}", r.off, to);
        }
        break;
    }
    }
    return true;
}

} // namespace sim::fuzz
