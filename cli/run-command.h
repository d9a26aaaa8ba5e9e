// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace sim
{

struct RunOptions
{
    std::string scenario;
    std::string out;
    std::string profile;
    bool absolute = false;
    bool quiet = false;
    bool no_plot = false;
    uint64_t seed = 1;
    uint32_t snaplen = 0; // 0: the scenario's
    bool why = false;     // reasons: trace.pcapng comments and a table column
    bool kernel_state = false; // DIR/kstate.csv: the model's TCP state where the kernel's tracepoints are
};

// `sim run SCENARIO`, `sim list`, `sim all`
void AddRunCommands(CLI::App& app, int& exit_code);

// The output folder: DIR as given or out/NAME in the checkout, made with its missing
// parents (as `mkdir -p`). Throws InputError when a file is in the way.
std::filesystem::path OutputDir(const std::string& requested, const std::string& name);

// Runs one scenario and writes DIR/trace.pcap, DIR/trace.txt and DIR/seq.png; returns
// the number of packets.
uint64_t RunOne(const RunOptions& opt);

} // namespace sim
