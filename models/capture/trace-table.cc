// SPDX-License-Identifier: GPL-2.0-only
#include "models/capture/trace-table.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace sim
{

namespace
{

struct Endpoint
{
    std::string addr;
    uint16_t port;

    bool operator<(const Endpoint& o) const
    {
        return std::tie(addr, port) < std::tie(o.addr, o.port);
    }
    bool operator==(const Endpoint& o) const { return addr == o.addr && port == o.port; }
};

struct Flow
{
    int index = 0;
    Endpoint client; // sender of the first SYN (or of the first packet seen)
    bool isn_known[2] = {false, false}; // [0] client's, [1] server's
    uint32_t isn[2] = {0, 0};
    int ws[2] = {-1, -1}; // window scale each side announced; -1 none yet
    bool syn_seen[2] = {false, false};
};

} // namespace

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

std::vector<TraceRow>
AnalyzeTrace(const std::vector<PacketRecord>& packets)
{
    std::vector<TraceRow> rows;
    std::map<std::pair<Endpoint, Endpoint>, Flow> flows;
    int next_index = 0;
    const uint64_t t0 = packets.empty() ? 0 : packets.front().time_ns;
    for (const PacketRecord& p : packets)
    {
        const Endpoint a{p.src, p.sport};
        const Endpoint b{p.dst, p.dport};
        const auto key = a < b ? std::make_pair(a, b) : std::make_pair(b, a);
        auto it = flows.find(key);
        const bool syn = p.flags & 0x02;
        const bool ack = p.flags & 0x10;
        if (it != flows.end() && syn && !ack)
        {
            // a new SYN on ports already used: a new connection (a retransmission keeps its seq)
            const Flow& old = it->second;
            const int d = old.client == a ? 0 : 1;
            if (old.syn_seen[d] && old.isn[d] != p.seq)
            {
                flows.erase(it);
                it = flows.end();
            }
        }
        if (it == flows.end())
        {
            Flow f;
            f.index = next_index++;
            f.client = (syn && ack) ? b : a;
            it = flows.insert_or_assign(key, f).first;
        }
        Flow& f = it->second;
        const int dir = f.client == a ? 0 : 1;
        if (syn)
        {
            f.isn[dir] = p.seq;
            f.isn_known[dir] = true;
            f.syn_seen[dir] = true;
            f.ws[dir] = p.ws ? *p.ws : -1;
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
        r.rel_time_ns = p.time_ns - t0;
        r.stream = f.index;
        r.from_client = dir == 0;
        r.rel_seq = p.seq - f.isn[dir];
        r.rel_ack = ack ? p.ack - f.isn[1 - dir] : 0;
        // RFC 7323: scaling applies after the SYNs, when both sides offered it
        const bool scaled = !syn && f.ws[0] >= 0 && f.ws[1] >= 0;
        r.win = scaled ? static_cast<uint32_t>(p.win_raw) << f.ws[dir] : p.win_raw;
        rows.push_back(std::move(r));
    }
    return rows;
}

std::string
FormatTraceLine(const TraceRow& row, size_t number, bool absolute)
{
    const PacketRecord& p = row.rec;
    std::string flags = FlagNames(p.flags);
    for (size_t i = 0; (i = flags.find(',', i)) != std::string::npos; i += 2)
    {
        flags.replace(i, 1, ", ");
    }
    std::string line = fmt::format("{:>5} {:.9f} {:>15} → {:<15} TCP {} {} → {} [{}] Seq={}",
                                   number,
                                   static_cast<double>(row.rel_time_ns) / 1e9,
                                   p.src,
                                   p.dst,
                                   p.frame_len,
                                   p.sport,
                                   p.dport,
                                   flags,
                                   absolute ? p.seq : row.rel_seq);
    if (p.flags & 0x10)
    {
        line += fmt::format(" Ack={}", absolute ? p.ack : row.rel_ack);
    }
    line += fmt::format(" Win={} Len={}", row.win, p.len);
    if (p.mss)
    {
        line += fmt::format(" MSS={}", *p.mss);
    }
    if (p.sack_perm)
    {
        line += " SACK_PERM";
    }
    if (p.tsval)
    {
        line += fmt::format(" TSval={} TSecr={}", *p.tsval, *p.tsecr);
    }
    if (p.ws)
    {
        line += fmt::format(" WS={}", 1u << *p.ws);
    }
    return line;
}

std::string
FormatTrace(const std::vector<TraceRow>& rows, bool absolute)
{
    std::string out;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        out += FormatTraceLine(rows[i], i + 1, absolute);
        out += '\n';
    }
    return out;
}

} // namespace sim
