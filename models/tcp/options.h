// SPDX-License-Identifier: GPL-2.0-only
// TCP option layout on the wire, after tcp_options_write(): the order and padding a
// Linux sender uses, written as bytes into the header (WireTcpHeader).
#pragma once

#include "models/tcp/segment.h"
#include "models/tcp/tcb.h"

#include "models/tcp/wire-header.h"

#include <cstdint>

namespace sim
{

struct SynOptions
{
    uint16_t mss = 0;
    bool sack_perm = false;
    bool ts = false;
    uint32_t tsval = 0;
    uint32_t tsecr = 0;
    bool ws = false;
    uint8_t wscale = 0;
};

// SYN and SYN-ACK: MSS, then SACK_PERM+TS (or NOP,NOP,TS / NOP,NOP,SACK_PERM), then NOP,WS
void AppendSynOptions(WireTcpHeader& th, const SynOptions& o);

// Established: NOP, NOP, TS when timestamps were negotiated, then NOP, NOP, SACK with
// the blocks given (tcp_options_write())
void AppendEstablishedOptions(WireTcpHeader& th,
                              bool ts,
                              uint32_t tsval,
                              uint32_t tsecr,
                              const SackBlock* sacks = nullptr,
                              int nsacks = 0);

// Bytes the options of an established segment take (tcp_established_options())
inline uint32_t EstablishedOptionsLen(bool ts)
{
    return ts ? 12 : 0;
}

// tcp_parse_options()
ReceivedOptions ParseOptions(const WireTcpHeader& th);

} // namespace sim
