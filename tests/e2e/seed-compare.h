// SPDX-License-Identifier: GPL-2.0-only
// Field-by-field comparison of a simulated pcap with a seed table.
#pragma once

#include "tests/e2e/harness.h"

#include <filesystem>
#include <string>
#include <vector>

namespace simtest
{

struct SeedComparison
{
    size_t rows = 0;          // rows in the seed table
    size_t packets = 0;       // packets in the simulated trace
    size_t matching_rows = 0; // rows with every field equal (time within tolerance)
    std::vector<std::string> mismatches; // "v3 no.7 win: expected 58496, got 65536"
};

// A field the model does not reproduce, with the reason (see the notes in the test)
struct KnownDeviation
{
    std::string message; // exactly as CompareWithSeed() reports it
    std::string why;
};

// Compares the i-th packet of `pcap` with the i-th row of seed table `name`: time
// within kSeedTimeToleranceS; addresses, ports, flags, absolute seq and ack, window
// (as Wireshark shows it), length, frame length and options exact.
SeedComparison CompareWithSeed(const std::string& name, const std::filesystem::path& pcap);

// For a partial table (partb.tsv): each row must be found somewhere in the trace with
// the same ports, flags, relative seq/ack, length and frame length ("-" matches
// anything), its time within `time_tolerance_s`, and its window exact up to 65536 and
// within 10% above (receive-buffer autotuning). Returns one line per row not found,
// naming the row and, for the nearest packet of that connection, what differs.
std::vector<std::string> FindSeedRows(const std::string& name, const std::filesystem::path& pcap,
                                      double time_tolerance_s, size_t* rows);

// Runs scenario `name` and checks it against its seed table: every mismatch must be a
// listed known deviation, and every known deviation must still occur (so that a fix is
// noticed). Reports through Boost.Test.
void CheckAgainstSeed(const std::string& name,
                      size_t expected_rows,
                      const std::vector<KnownDeviation>& known);

} // namespace simtest
