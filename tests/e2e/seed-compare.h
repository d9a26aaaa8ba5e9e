// Field-by-field comparison of a simulated pcap with a seed table.
#pragma once

#include "tests/e2e/harness.h"

#include <filesystem>
#include <string>
#include <vector>

namespace simtest
{

// The options of a packet in the seed tables' notation: "MSS=65495,SACK_PERM,TSval=..."
std::string SeedOptions(const std::string& pcap_path, size_t index);

struct SeedComparison
{
    size_t rows = 0;          // rows in the seed table
    size_t packets = 0;       // packets in the simulated trace
    size_t matching_rows = 0; // rows with every field equal (time within tolerance)
    std::vector<std::string> mismatches; // "no.7 win: expected 58496, got 65536"
};

// Compares the i-th packet of `pcap` with the i-th row of seed table `name`: time
// within kSeedTimeToleranceS; addresses, ports, flags, absolute seq and ack, window
// (as Wireshark shows it), length, frame length and options exact.
SeedComparison CompareWithSeed(const std::string& name, const std::filesystem::path& pcap);

} // namespace simtest
