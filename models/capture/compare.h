// SPDX-License-Identifier: GPL-2.0-only
// Packet-by-packet comparison of two traces (a simulation and a real capture). The
// traces are lined up by connection (in order of their SYNs) and, within a connection,
// by order; each side is named by role (client = the sender of the first SYN), so
// different ports, addresses and ISNs do not matter.
#pragma once

#include "models/capture/trace-table.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sim
{

struct CompareOptions
{
    bool absolute = false;                // also raw seq/ack and TSval/TSecr
    std::optional<double> time_tolerance; // also the time since the first packet, in s
    std::set<std::string> fields;         // only these (empty: the default set)
};

// The names --fields accepts
const std::vector<std::string>& CompareFieldNames();

struct FieldDiff
{
    std::string field;
    std::string real;
    std::string sim;
};

struct PacketDiff
{
    size_t number = 0; // 1-based packet number in REAL (or in SIM for an extra packet)
    int stream = 0;
    std::string where; // "client→server", "missing in SIM", ...
    std::vector<FieldDiff> fields;
    std::string sim_why; // why the simulation sent its packet, when its trace says
};

struct CompareResult
{
    size_t slots = 0;   // packets lined up (the longer side of every connection)
    size_t matched = 0; // of those, equal in every compared field
    std::vector<PacketDiff> diffs;
};

CompareResult CompareTraces(const std::vector<PacketRecord>& sim,
                            const std::vector<PacketRecord>& real,
                            const CompareOptions& options);

// One block per differing packet, then "MATCH k/n packets"
std::string FormatComparison(const CompareResult& result);

} // namespace sim
