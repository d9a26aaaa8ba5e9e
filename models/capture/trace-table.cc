// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/trace-table.h"

#include <fmt/compile.h>
#include <string_view>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace sim
{

namespace
{

// RFC 7323 §2.3: a shift count above 14 is used as 14 (and Wireshark shows it so, in
// dissect_tcpopt_wscale()). Also keeps the shifts below 32 for any option a capture
// holds (a fuzzed WS=252 was undefined behaviour; found by tests/fuzz).
int
WsShift(uint8_t ws)
{
    return std::min<int>(ws, 14);
}

} // namespace

bool
TraceAnalyzer::Endpoint::operator<(const Endpoint& o) const
{
    return std::tie(addr, port) < std::tie(o.addr, o.port);
}

bool
TraceAnalyzer::Endpoint::operator==(const Endpoint& o) const
{
    return addr == o.addr && port == o.port;
}

std::vector<PacketRecord>
DecodeCapture(const Capture& cap, size_t* skipped)
{
    std::vector<PacketRecord> out;
    size_t skip = 0;
    for (const Frame& f : cap.frames)
    {
        if (auto r = DecodeFrame(cap.link_type, f))
        {
            out.push_back(std::move(*r));
        }
        else
        {
            ++skip;
        }
    }
    if (skipped)
    {
        *skipped = skip;
    }
    return out;
}

TraceRow
TraceAnalyzer::Next(const PacketRecord& p)
{
    if (!m_started)
    {
        m_started = true;
        m_t0 = p.time_ns;
    }
    const Endpoint a{p.src_ip, p.sport};
    const Endpoint b{p.dst_ip, p.dport};
    const auto key = a < b ? std::make_pair(a, b) : std::make_pair(b, a);
    auto it = m_flows.find(key);
    const bool syn = p.flags & 0x02;
    const bool ack = p.flags & 0x10;
    if (it != m_flows.end() && syn && !ack)
    {
        // a new SYN on ports already used: a new connection (a retransmission keeps its seq)
        const Flow& old = it->second;
        const int d = old.client == a ? 0 : 1;
        if (old.syn_seen[d] && old.isn[d] != p.seq)
        {
            m_flows.erase(it);
            it = m_flows.end();
        }
    }
    if (it == m_flows.end())
    {
        Flow f;
        f.index = m_nextIndex++;
        f.client = (syn && ack) ? b : a;
        it = m_flows.insert_or_assign(key, f).first;
    }
    Flow& f = it->second;
    const int dir = f.client == a ? 0 : 1;
    if (syn)
    {
        f.isn[dir] = p.seq;
        f.isn_known[dir] = true;
        f.syn_seen[dir] = true;
        f.ws[dir] = p.ws ? WsShift(*p.ws) : -1;
    }
    // First sight of a direction without its SYN: count from its first sequence number
    if (!f.isn_known[dir])
    {
        f.isn[dir] = p.seq - 1;
        f.isn_known[dir] = true;
    }
    if (ack && !f.isn_known[1 - dir])
    {
        f.isn[1 - dir] = p.ack - 1;
        f.isn_known[1 - dir] = true;
    }
    TraceRow r;
    r.rec = p;
    r.rel_time_ns = p.time_ns - m_t0;
    r.stream = f.index;
    r.from_client = dir == 0;
    r.rel_seq = p.seq - f.isn[dir];
    r.rel_ack = ack ? p.ack - f.isn[1 - dir] : 0;
    // RFC 7323: scaling applies after the SYNs, when both sides offered it
    const bool scaled = !syn && f.ws[0] >= 0 && f.ws[1] >= 0;
    r.win = scaled ? static_cast<uint32_t>(p.win_raw) << f.ws[dir] : p.win_raw;
    return r;
}

std::vector<TraceRow>
AnalyzeTrace(const std::vector<PacketRecord>& packets)
{
    TraceAnalyzer analyzer;
    std::vector<TraceRow> rows;
    rows.reserve(packets.size());
    for (const PacketRecord& p : packets)
    {
        rows.push_back(analyzer.Next(p));
    }
    return rows;
}

void
AppendTraceLine(std::string& out, const TraceRow& row, size_t number, bool absolute)
{
    // one buffer for the whole line: this runs once per packet of every trace written
    const PacketRecord& p = row.rec;
    fmt::memory_buffer b;
    // the time as seconds with 9 decimals, from the integer nanoseconds (what {:.9f} of
    // the seconds as a double prints, for any trace shorter than 10^6 s, at a fraction
    // of the cost)
    fmt::format_to(std::back_inserter(b), FMT_COMPILE("{:>5} {}.{:09} "), number, row.rel_time_ns / 1000000000u,
                   row.rel_time_ns % 1000000000u);
    // the addresses padded to 15 (as "{:>15} → {:<15}") by hand: fmt's padded string
    // formatter was a tenth of the cost of a line
    for (size_t i = p.src.size(); i < 15; ++i)
    {
        b.push_back(' ');
    }
    b.append(p.src.data(), p.src.data() + p.src.size());
    static constexpr std::string_view arrow = " → ";
    b.append(arrow.data(), arrow.data() + arrow.size());
    b.append(p.dst.data(), p.dst.data() + p.dst.size());
    for (size_t i = p.dst.size(); i < 15; ++i)
    {
        b.push_back(' ');
    }
    fmt::format_to(std::back_inserter(b), FMT_COMPILE(" TCP {} {} → {} ["), p.frame_len, p.sport, p.dport);
    const std::string flags = FlagNames(p.flags);
    for (char c : flags)
    {
        b.push_back(c);
        if (c == ',')
        {
            b.push_back(' ');
        }
    }
    fmt::format_to(std::back_inserter(b), FMT_COMPILE("] Seq={}"), absolute ? p.seq : row.rel_seq);
    if (p.flags & 0x10)
    {
        fmt::format_to(std::back_inserter(b), FMT_COMPILE(" Ack={}"), absolute ? p.ack : row.rel_ack);
    }
    fmt::format_to(std::back_inserter(b), FMT_COMPILE(" Win={} Len={}"), row.win, p.len);
    if (p.mss)
    {
        fmt::format_to(std::back_inserter(b), FMT_COMPILE(" MSS={}"), *p.mss);
    }
    if (p.sack_perm)
    {
        fmt::format_to(std::back_inserter(b), FMT_COMPILE(" SACK_PERM"));
    }
    if (p.tsval)
    {
        fmt::format_to(std::back_inserter(b), FMT_COMPILE(" TSval={} TSecr={}"), *p.tsval, *p.tsecr);
    }
    if (p.ws)
    {
        fmt::format_to(std::back_inserter(b), FMT_COMPILE(" WS={}"), 1u << WsShift(*p.ws));
    }
    // tshark's info column: each block's edges relative like the Ack field
    const uint32_t ack_base = absolute ? 0 : p.ack - row.rel_ack;
    for (int i = 0; i < p.num_sacks; ++i)
    {
        fmt::format_to(std::back_inserter(b), FMT_COMPILE(" SLE={} SRE={}"), p.sle[i] - ack_base, p.sre[i] - ack_base);
    }
    out.append(b.data(), b.size());
}

std::string
FormatTraceLine(const TraceRow& row, size_t number, bool absolute)
{
    std::string line;
    AppendTraceLine(line, row, number, absolute);
    return line;
}

std::string
FormatTrace(const std::vector<TraceRow>& rows, bool absolute)
{
    std::string out;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        AppendTraceLine(out, rows[i], i + 1, absolute);
        out += '\n';
    }
    return out;
}

} // namespace sim
