// SPDX-License-Identifier: GPL-2.0-only
#include "tests/e2e/harness.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace simtest
{

namespace fs = std::filesystem;

Outcome
Simulate(const std::string& scenario, const fs::path& out, const std::string& extra)
{
    return RunSim("'" + scenario + "' -q --no-plot --out '" + out.string() + "'" + (extra.empty() ? "" : " " + extra));
}

std::vector<sim::TraceRow>
TraceRows(const fs::path& pcap)
{
    return sim::AnalyzeTrace(sim::DecodeCapture(sim::ReadCapture(pcap.string())));
}

std::vector<sim::TraceRow>
SimulatedRows(const std::string& scenario, const std::string& extra)
{
    TempDir dir;
    const Outcome run = Simulate(scenario, dir / "run", extra);
    if (run.status != 0)
    {
        throw std::runtime_error("sim " + scenario + " failed: " + run.err);
    }
    return TraceRows(dir / "run" / "trace.pcap");
}

fs::path
SourceDir()
{
    return fs::path(SIM_SOURCE_DIR);
}

fs::path
SeedDir()
{
    if (const char* d = std::getenv("SIM_SEED_DIR"); d && *d)
    {
        return d;
    }
    return SourceDir().parent_path() / "shared" / "reference" / "seed";
}

std::string
ReadFile(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string
ScenarioText(const std::string& name, const std::vector<std::pair<std::string, std::string>>& edits)
{
    std::string text = ReadFile(SourceDir() / "scenarios" / (name + ".toml"));
    for (const auto& [from, to] : edits)
    {
        const size_t at = text.find(from);
        if (at == std::string::npos)
        {
            throw std::runtime_error("scenarios/" + name + ".toml has no '" + from + "'");
        }
        text.replace(at, from.size(), to);
    }
    return text;
}

void
WriteFile(const fs::path& p, const std::string& content)
{
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << content;
}

std::vector<fs::path>
FilesIn(const fs::path& dir)
{
    std::vector<fs::path> files;
    if (fs::is_directory(dir))
    {
        for (const auto& e : fs::recursive_directory_iterator(dir))
        {
            if (e.is_regular_file())
            {
                files.push_back(e.path());
            }
        }
    }
    return files;
}

TempDir::TempDir()
{
    std::string tmpl = (fs::temp_directory_path() / "simtest-XXXXXX").string();
    if (!mkdtemp(tmpl.data()))
    {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = tmpl;
}

TempDir::~TempDir()
{
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

Outcome
RunShell(const std::string& command)
{
    TempDir tmp;
    const fs::path err = tmp / "stderr";
    const std::string full = command + " 2>" + err.string();
    Outcome o;
    FILE* p = popen(full.c_str(), "r");
    if (!p)
    {
        return o;
    }
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    {
        o.out.append(buf.data(), n);
    }
    const int st = pclose(p);
    o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    o.err = ReadFile(err);
    return o;
}

Outcome
RunSim(const std::string& args)
{
    return RunShell("cd '" + SourceDir().string() + "' && SIM_ROOT='" + SourceDir().string() +
                    "' '" + SIM_BINARY + "' " + args);
}

bool
HaveProgram(const std::string& name)
{
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::vector<SeedRow>
ReadSeedTable(const std::string& name)
{
    const fs::path path = SeedDir() / (name + ".tsv");
    std::ifstream f(path);
    if (!f)
    {
        throw std::runtime_error("cannot read seed table " + path.string());
    }
    std::vector<SeedRow> rows;
    std::string line;
    while (std::getline(f, line))
    {
        if (line.empty() || line[0] == '#' || line.rfind("no\t", 0) == 0)
        {
            continue;
        }
        std::vector<std::string> c;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, '\t'))
        {
            c.push_back(cell);
        }
        c.resize(13);
        SeedRow r;
        r.no = std::stoi(c[0]);
        r.time = std::stod(c[1]);
        r.src = c[2];
        r.sport = std::stoi(c[3]);
        r.dst = c[4];
        r.dport = std::stoi(c[5]);
        r.flags = c[6];
        r.seq = c[7];
        r.ack = c[8];
        r.win = c[9];
        r.len = c[10];
        r.frame_len = c[11];
        r.options = c[12];
        rows.push_back(r);
    }
    return rows;
}

} // namespace simtest
