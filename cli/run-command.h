#pragma once

#include <CLI/CLI.hpp>

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
};

// `sim run SCENARIO`, `sim list`, `sim all`
void AddRunCommands(CLI::App& app, int& exit_code);

// Runs one scenario and writes DIR/trace.pcap and DIR/trace.txt; returns the table.
std::string RunOne(const RunOptions& opt);

} // namespace sim
