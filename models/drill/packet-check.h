// SPDX-License-Identifier: GPL-2.0-only
// The comparisons of packetdrill's run_packet.c and run.c, as pure functions: an
// outbound packet (already mapped into script space) against the script's, field by
// field in packetdrill's order and with its wording ("live packet field tcp_ack_seq:
// expected: 1001 (0x3e9) vs actual: 1 (0x1)"), its options, and when it happened
// against when the script said (verify_time()). Each returns "" when it matches.
#pragma once

#include "models/drill/script.h"
#include "models/drill/wire-packet.h"

#include <cstdint>
#include <string>

namespace sim::drill
{

// packetdrill's timing defaults (config.c): --tolerance_usecs and the 12.5% of the
// time since the last event that the timer wheel may add (--tolerance_percent)
struct Tolerance
{
    int64_t usecs = 4000;
    double percent = 12.5;
};

inline constexpr int64_t NO_TIME_RANGE = -1;

// check_field()
std::string CheckField(const char* name, uint32_t expected, uint32_t actual);

// verify_ipv4() and verify_tcp(): the header fields, in packetdrill's order
std::string VerifyHeaders(const WirePacket& actual, const WirePacket& script);

// verify_outbound_live_tcp_options(): same kinds in the same order; values equal
// except the TS option, whose value is checked only with a TS tick
// (--tcp_ts_tick_usecs) against `ts_tolerance_us`, and whose echo reply is not checked
std::string VerifyOptions(const WirePacket& actual, const WirePacket& script, int ts_tick_usecs,
                          int64_t ts_tolerance_us);

// verify_time(): times in microseconds since the script's start; `last_event_us`
// (NO_TIME_RANGE for none) widens the tolerance by `percent` of the time since it;
// `offset_us` is what a relative range was relative to (for its message)
std::string VerifyTime(TimeType type,
                       int64_t script_us,
                       int64_t script_end_us,
                       int64_t actual_us,
                       int64_t last_event_us,
                       int64_t offset_us,
                       const Tolerance& tol,
                       const char* description);

} // namespace sim::drill
