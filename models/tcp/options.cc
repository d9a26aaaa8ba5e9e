// SPDX-License-Identifier: GPL-2.0-only
#include "models/tcp/options.h"

namespace sim
{

// TCPOPT_* kinds and lengths of include/net/tcp.h
enum : uint8_t
{
    TCPOPT_EOL = 0,
    TCPOPT_NOP = 1,
    TCPOPT_MSS = 2,
    TCPOPT_WINDOW = 3,
    TCPOPT_SACK_PERM = 4,
    TCPOPT_SACK = 5,
    TCPOPT_TIMESTAMP = 8,
};

static void
Put(WireTcpHeader& th, std::initializer_list<uint8_t> bytes)
{
    th.AppendOptionBytes(bytes.begin(), static_cast<uint32_t>(bytes.size()));
}

static void
PutTs(WireTcpHeader& th, uint32_t tsval, uint32_t tsecr)
{
    Put(th, {TCPOPT_TIMESTAMP, 10, static_cast<uint8_t>(tsval >> 24), static_cast<uint8_t>(tsval >> 16),
             static_cast<uint8_t>(tsval >> 8), static_cast<uint8_t>(tsval), static_cast<uint8_t>(tsecr >> 24),
             static_cast<uint8_t>(tsecr >> 16), static_cast<uint8_t>(tsecr >> 8), static_cast<uint8_t>(tsecr)});
}

void
AppendSynOptions(WireTcpHeader& th, const SynOptions& o)
{
    Put(th, {TCPOPT_MSS, 4, static_cast<uint8_t>(o.mss >> 8), static_cast<uint8_t>(o.mss)});
    if (o.ts)
    {
        // SACK_PERM fills the two bytes that would be NOPs before TS
        if (o.sack_perm)
        {
            Put(th, {TCPOPT_SACK_PERM, 2});
        }
        else
        {
            Put(th, {TCPOPT_NOP, TCPOPT_NOP});
        }
        PutTs(th, o.tsval, o.tsecr);
    }
    else if (o.sack_perm)
    {
        Put(th, {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, 2});
    }
    if (o.ws)
    {
        Put(th, {TCPOPT_NOP, TCPOPT_WINDOW, 3, o.wscale});
    }
}

void
AppendEstablishedOptions(WireTcpHeader& th, bool ts, uint32_t tsval, uint32_t tsecr, const SackBlock* sacks, int nsacks)
{
    if (ts)
    {
        Put(th, {TCPOPT_NOP, TCPOPT_NOP});
        PutTs(th, tsval, tsecr);
    }
    if (nsacks > 0)
    {
        Put(th, {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, static_cast<uint8_t>(2 + 8 * nsacks)});
        for (int i = 0; i < nsacks; ++i)
        {
            for (const uint32_t v : {sacks[i].start_seq, sacks[i].end_seq})
            {
                Put(th, {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                         static_cast<uint8_t>(v)});
            }
        }
    }
}

// tcp_parse_options(): a malformed option ends the walk, as the kernel's does
ReceivedOptions
ParseOptions(const WireTcpHeader& th)
{
    ReceivedOptions r;
    const uint8_t* p = th.OptionBytes();
    const uint32_t n = th.OptionLength();
    auto be32 = [](const uint8_t* b) {
        return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
               static_cast<uint32_t>(b[2]) << 8 | b[3];
    };
    for (uint32_t i = 0; i < n;)
    {
        const uint8_t kind = p[i];
        if (kind == TCPOPT_EOL)
        {
            break;
        }
        if (kind == TCPOPT_NOP)
        {
            ++i;
            continue;
        }
        if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n)
        {
            break;
        }
        const uint8_t len = p[i + 1];
        const uint8_t* o = p + i;
        switch (kind)
        {
        case TCPOPT_MSS:
            if (len == 4)
            {
                r.mss_present = true;
                r.mss = static_cast<uint16_t>(o[2] << 8 | o[3]);
            }
            break;
        case TCPOPT_WINDOW:
            if (len == 3)
            {
                r.ws_present = true;
                r.ws = o[2];
            }
            break;
        case TCPOPT_SACK_PERM:
            r.sack_perm = len == 2;
            break;
        case TCPOPT_SACK:
            // tcp_parse_options(): 2 + 8n bytes; the blocks are read where they are used
            if (len >= 10 && (len - 2) % 8 == 0)
            {
                r.num_sacks = static_cast<uint8_t>(std::min((len - 2) / 8, 4));
                for (int b = 0; b < r.num_sacks; ++b)
                {
                    r.sacks[b] = {be32(o + 2 + 8 * b), be32(o + 6 + 8 * b)};
                }
            }
            break;
        case TCPOPT_TIMESTAMP:
            if (len == 10)
            {
                r.ts_present = true;
                r.tsval = be32(o + 2);
                r.tsecr = be32(o + 6);
            }
            break;
        default:
            break;
        }
        i += len;
    }
    return r;
}

} // namespace sim
