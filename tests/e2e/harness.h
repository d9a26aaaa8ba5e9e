// SPDX-License-Identifier: GPL-2.0-only
// Helpers of the end-to-end tests: run the `sim` binary like a user does, make
// temporary folders, read the seed tables.
#pragma once

#include "models/capture/trace-table.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace simtest
{

struct Outcome
{
    int status = -1;
    std::string out;
    std::string err;
};

// Runs `sim ARGS` from the checkout with SIM_ROOT set; captures both streams.
Outcome RunSim(const std::string& args);

// Runs `sim SCENARIO -q --no-plot --out OUT EXTRA`; SCENARIO is a name or a .toml path.
Outcome Simulate(const std::string& scenario, const std::filesystem::path& out, const std::string& extra = "");

// Runs a shell command; captures stdout.
Outcome RunShell(const std::string& command);

// A fresh empty folder under the system temp folder, removed when the object dies.
class TempDir
{
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

  private:
    std::filesystem::path m_path;
};

std::string ReadFile(const std::filesystem::path& p);

// scenarios/NAME.toml with each `from` replaced by its `to` (each must occur), as a
// user edits a copy
std::string ScenarioText(const std::string& name,
                         const std::vector<std::pair<std::string, std::string>>& edits);
void WriteFile(const std::filesystem::path& p, const std::string& content);
std::vector<std::filesystem::path> FilesIn(const std::filesystem::path& dir);

// A capture as trace-table rows (relative seq/ack, scaled windows)
std::vector<sim::TraceRow> TraceRows(const std::filesystem::path& pcap);

// Simulate() into a temporary folder and the rows of its trace; throws with sim's
// stderr if the run fails
std::vector<sim::TraceRow> SimulatedRows(const std::string& scenario, const std::string& extra = "");

std::filesystem::path SourceDir();
std::filesystem::path SeedDir();
bool HaveProgram(const std::string& name);

// A row of a seed table (../shared/reference/seed/*.tsv)
struct SeedRow
{
    int no = 0;
    double time = 0;
    std::string src;
    int sport = 0;
    std::string dst;
    int dport = 0;
    std::string flags;
    std::string seq;
    std::string ack;
    std::string win;
    std::string len;
    std::string frame_len;
    std::string options;
};

std::vector<SeedRow> ReadSeedTable(const std::string& name);

} // namespace simtest
