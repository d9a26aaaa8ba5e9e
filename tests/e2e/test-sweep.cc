// SPDX-License-Identifier: GPL-2.0-only
// `sim sweep`: every combination as its own run, summary.csv in the order of the
// combinations, a jobs file that bash (as a Slurm array runs it) turns into the same
// traces, and bad input refused before anything is written.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>

using namespace simtest;
namespace fs = std::filesystem;

namespace
{

const std::string kHeader =
    "client.sends,server.recv_size,packets,payload_bytes,retransmissions,duration_s,wall_s,status,folder,stderr";

std::vector<std::string>
LinesOf(const std::string& s)
{
    std::vector<std::string> lines;
    std::stringstream ss(s);
    std::string line;
    while (std::getline(ss, line))
    {
        lines.push_back(line);
    }
    return lines;
}

// The fields of a summary.csv row (RFC 4180 quoting)
std::vector<std::string>
Fields(const std::string& line)
{
    std::vector<std::string> f(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i)
    {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        {
            f.back() += '"';
            ++i;
        }
        else if (c == '"')
        {
            quoted = !quoted;
        }
        else if (c == ',' && !quoted)
        {
            f.emplace_back();
        }
        else
        {
            f.back() += c;
        }
    }
    return f;
}

std::string
Quoted(const fs::path& p)
{
    return "'" + p.string() + "'";
}

const char* kTwoByTwo = "sweep v1 --set client.sends=1,2 --set server.recv_size=5,1024";

// The combinations of kTwoByTwo in summary order, as folder names
const std::vector<std::string> kFolders = {"client.sends=1,server.recv_size=5",
                                           "client.sends=1,server.recv_size=1024",
                                           "client.sends=2,server.recv_size=5",
                                           "client.sends=2,server.recv_size=1024"};

std::string
Payload(const std::vector<sim::TraceRow>& rows, bool from_client)
{
    uint64_t n = 0;
    uint32_t largest = 0;
    for (const auto& r : rows)
    {
        if (r.from_client == from_client)
        {
            n += r.rec.len;
            largest = std::max(largest, r.rec.len);
        }
    }
    return std::to_string(n) + "/" + std::to_string(largest);
}

} // namespace

BOOST_AUTO_TEST_SUITE(sweep)

BOOST_AUTO_TEST_CASE(a_two_job_sweep_writes_one_summary_row_per_run_in_order)
{
    TempDir dir;
    const Outcome o = RunSim(std::string(kTwoByTwo) + " -j 2 --out " + Quoted(dir / "sw"));
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    BOOST_TEST(o.out == "wrote " + (dir / "sw" / "summary.csv").string() + " (4 runs)\n");
    // progress: one line per finished run, in finish order
    const std::vector<std::string> progress = LinesOf(o.err);
    BOOST_REQUIRE_EQUAL(progress.size(), 4u);
    for (size_t i = 0; i < progress.size(); ++i)
    {
        BOOST_TEST(progress[i].rfind("sweep: " + std::to_string(i + 1) + "/4 client.sends=", 0) == 0u, progress[i]);
    }

    const std::vector<std::string> csv = LinesOf(ReadFile(dir / "sw" / "summary.csv"));
    BOOST_REQUIRE_EQUAL(csv.size(), 5u);
    BOOST_TEST(csv[0] == kHeader);
    std::vector<std::string> folders;
    for (const auto& e : fs::directory_iterator(dir / "sw"))
    {
        if (e.is_directory())
        {
            folders.push_back(e.path().filename().string());
        }
    }
    std::sort(folders.begin(), folders.end());
    std::vector<std::string> expected_folders = kFolders;
    std::sort(expected_folders.begin(), expected_folders.end());
    BOOST_TEST(folders == expected_folders, boost::test_tools::per_element());

    std::vector<std::vector<sim::TraceRow>> traces;
    for (size_t r = 0; r < kFolders.size(); ++r)
    {
        const std::vector<std::string> f = Fields(csv[r + 1]);
        BOOST_REQUIRE_EQUAL(f.size(), 10u);
        const fs::path run = dir / "sw" / kFolders[r];
        BOOST_TEST(f[0] == (r < 2 ? "1" : "2"));
        BOOST_TEST(f[1] == (r % 2 == 0 ? "5" : "1024"));
        // the row says what the run's trace holds
        const std::vector<sim::TraceRow> rows = TraceRows(run / "trace.pcap");
        uint64_t payload = 0;
        for (const auto& row : rows)
        {
            payload += row.rec.len;
        }
        BOOST_TEST(f[2] == std::to_string(rows.size()), kFolders[r]);
        BOOST_TEST(f[3] == std::to_string(payload), kFolders[r]);
        BOOST_TEST(f[4] == "0"); // no loss, so nothing sent twice
        BOOST_TEST(std::abs(std::stod(f[5]) - static_cast<double>(rows.back().rel_time_ns) / 1e9) < 1e-9);
        BOOST_TEST(std::stod(f[6]) > 0);
        BOOST_TEST(f[7] == "0");
        BOOST_TEST(f[8] == kFolders[r]);
        BOOST_TEST(f[9] == "");
        BOOST_TEST(csv[r + 1].find(",\"" + kFolders[r] + "\",") != std::string::npos); // it holds a comma
        // the copy: the original's text, comments and all, with the two values set
        const std::string copy = ReadFile(run / "v1.toml");
        BOOST_TEST(copy.find(std::string("\nsends = ") + (r < 2 ? "1" : "2") + "\n") != std::string::npos, copy);
        BOOST_TEST(copy.find(std::string("\nrecv_size = ") + (r % 2 == 0 ? "5" : "1024")) != std::string::npos, copy);
        BOOST_TEST(copy.find("# conn.recv(BUFFER_SIZE)") != std::string::npos, copy);
        traces.push_back(rows);
    }
    // as expected: the client sends 13 bytes per send; a 5-byte recv() makes the
    // server echo in pieces of at most 5 bytes, so more packets than with 1024
    BOOST_TEST(Payload(traces[0], true) == "13/13");
    BOOST_TEST(Payload(traces[2], true) == "26/13");
    BOOST_TEST(Payload(traces[0], false).substr(Payload(traces[0], false).find('/')) == "/5");
    BOOST_TEST(traces[0].size() > traces[1].size());
    BOOST_TEST(traces[2].size() > traces[3].size());
    // client.sends=1 and server.recv_size=1024 are v1's own values: the same trace
    TempDir plain;
    BOOST_REQUIRE_EQUAL(Simulate("v1", plain / "v1").status, 0);
    BOOST_TEST(ReadFile(dir / "sw" / kFolders[1] / "trace.pcap") == ReadFile(plain / "v1" / "trace.pcap"));
}

BOOST_AUTO_TEST_CASE(the_jobs_file_runs_line_by_line_with_bash_and_gives_the_same_traces)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(RunSim(std::string(kTwoByTwo) + " -j 2 --out " + Quoted(dir / "here")).status, 0);

    const fs::path jobs = dir / "jobs.txt";
    const std::string sweep = std::string(kTwoByTwo) + " --out " + Quoted(dir / "there");
    const Outcome o = RunSim(sweep + " --jobs-file " + Quoted(jobs));
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    BOOST_TEST(o.out.find("sbatch --array=1-4 ") != std::string::npos, o.out);
    const std::vector<std::string> lines = LinesOf(ReadFile(jobs));
    BOOST_REQUIRE_EQUAL(lines.size(), 4u);
    for (size_t r = 0; r < lines.size(); ++r)
    {
        const fs::path run = dir / "there" / kFolders[r];
        BOOST_TEST(lines[r] == std::string(SIM_BINARY) + " run " + (run / "v1.toml").string() +
                                   " -q --no-plot --out " + run.string());
        BOOST_TEST(fs::exists(run / "v1.toml"));
        BOOST_TEST(!fs::exists(run / "trace.pcap")); // nothing is run
    }
    BOOST_TEST(!fs::exists(dir / "there" / "summary.csv"));

    // as a Slurm array task runs line N (the --wrap of `sweep --help`), from another
    // folder and without SIM_ROOT
    const Outcome ran = RunShell("cd / && for i in 1 2 3 4; do SLURM_ARRAY_TASK_ID=$i; export SLURM_ARRAY_TASK_ID; "
                                 "bash -c \"$(sed -n ${SLURM_ARRAY_TASK_ID}p " + Quoted(jobs) + ")\" || exit 1; done");
    BOOST_REQUIRE_MESSAGE(ran.status == 0, ran.err);
    for (const std::string& folder : kFolders)
    {
        const std::string there = ReadFile(dir / "there" / folder / "trace.pcap");
        BOOST_TEST(!there.empty(), folder);
        BOOST_TEST((there == ReadFile(dir / "here" / folder / "trace.pcap")), folder);
    }

    // the summary afterwards: the same trace columns; status and wall time not known
    const Outcome summary = RunSim(sweep + " --summary-only");
    BOOST_REQUIRE_MESSAGE(summary.status == 0, summary.err);
    const std::vector<std::string> here = LinesOf(ReadFile(dir / "here" / "summary.csv"));
    const std::vector<std::string> there = LinesOf(ReadFile(dir / "there" / "summary.csv"));
    BOOST_REQUIRE_EQUAL(there.size(), 5u);
    BOOST_TEST(there[0] == kHeader);
    for (size_t r = 1; r < there.size(); ++r)
    {
        const std::vector<std::string> a = Fields(here[r]);
        const std::vector<std::string> b = Fields(there[r]);
        BOOST_REQUIRE_EQUAL(b.size(), 10u);
        for (size_t i = 0; i < 6; ++i)
        {
            BOOST_TEST(a[i] == b[i], there[r]);
        }
        BOOST_TEST(b[6] == "");
        BOOST_TEST(b[7] == "");
    }
}

BOOST_AUTO_TEST_CASE(a_bad_key_or_value_is_one_line_and_writes_nothing)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"client..sends=1,2", "--set client..sends: '.' at character 8 cannot start a key"},
        {"client.sends", "--set client.sends: expected KEY=V1,V2,..."},
        {"client.sends=", "--set client.sends=: no value after '='"},
        {"client.sends=1,,2", "an empty value"},
        {"client.sends[0]=1", "client.sends is an integer in the scenario, not a list"},
        {"client.recv_sizes[3]=1", "client.recv_sizes has 1 entry in the scenario, so no [3]"},
        {"profile=linux-6.18", "a string keeps its quotes: --set 'profile=\"linux-6.18\"'"},
    };
    for (const auto& [set, message] : cases)
    {
        TempDir dir;
        for (const std::string& extra : {std::string(), " --jobs-file " + Quoted(dir / "jobs.txt")})
        {
            const Outcome o = RunSim("sweep v1 --set '" + set + "' --out " + Quoted(dir / "sw") + extra);
            BOOST_TEST(o.status == 2, set);
            BOOST_TEST(LinesOf(o.err).size() == 1u, o.err);
            BOOST_TEST(o.err.rfind("sim: ", 0) == 0u, o.err);
            BOOST_TEST(o.err.find(message) != std::string::npos, o.err);
            BOOST_TEST(o.out.empty(), o.out);
            BOOST_TEST(FilesIn(dir.path()).empty(), set);
            BOOST_TEST(!fs::exists(dir / "sw"), set);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_failed_run_keeps_its_row_with_its_status_and_error)
{
    TempDir dir;
    const Outcome o = RunSim("sweep v1 --set client.sends=1,-3 --out " + Quoted(dir / "sw"));
    BOOST_TEST(o.status == 2);
    const std::vector<std::string> err = LinesOf(o.err);
    BOOST_REQUIRE_EQUAL(err.size(), 3u);
    BOOST_TEST(err[2] == "sim: sweep: 1 of 2 runs failed; see " + (dir / "sw" / "summary.csv").string());
    const std::vector<std::string> csv = LinesOf(ReadFile(dir / "sw" / "summary.csv"));
    BOOST_REQUIRE_EQUAL(csv.size(), 3u);
    BOOST_TEST(csv[1].rfind("1,10,26,0,", 0) == 0u, csv[1]);
    const std::string failed = "-3,,,,,";
    BOOST_TEST(csv[2].rfind(failed, 0) == 0u, csv[2]);
    const std::vector<std::string> f = Fields(csv[2]);
    BOOST_REQUIRE_EQUAL(f.size(), 9u);
    BOOST_TEST(f[6] == "2");
    BOOST_TEST(f[7] == "client.sends=-3");
    BOOST_TEST(f[8].find("v1.toml:") != std::string::npos, f[8]);
    BOOST_TEST(f[8].find("client.sends: -3 is out of range") != std::string::npos, f[8]);
    BOOST_TEST(ReadFile(dir / "sw" / "client.sends=-3" / "stderr.txt").find(f[8]) == 0u);
    BOOST_TEST(!fs::exists(dir / "sw" / "client.sends=1" / "stderr.txt")); // an empty one is removed
}

BOOST_AUTO_TEST_CASE(values_with_slashes_quotes_and_commas_make_one_safe_folder_each)
{
    TempDir dir;
    const Outcome o = RunSim("sweep partb --set 'server.files.\"/a/1.jpg\"=1000' "
                             "--set 'client.requests[4].path=\"/a/1.jpg\",\"/a/2.jpg\"' -j 2 --out " +
                             Quoted(dir / "sw"));
    BOOST_REQUIRE_MESSAGE(o.status == 0, o.err);
    const std::vector<std::string> folders = {
        "server.files.%22%2Fa%2F1.jpg%22=1000,client.requests%5B4%5D.path=%22%2Fa%2F1.jpg%22",
        "server.files.%22%2Fa%2F1.jpg%22=1000,client.requests%5B4%5D.path=%22%2Fa%2F2.jpg%22"};
    for (const std::string& folder : folders)
    {
        BOOST_TEST(fs::is_regular_file(dir / "sw" / folder / "trace.pcap"), folder);
    }
    const std::vector<std::string> csv = LinesOf(ReadFile(dir / "sw" / "summary.csv"));
    BOOST_REQUIRE_EQUAL(csv.size(), 3u);
    BOOST_TEST(csv[0].rfind("\"server.files.\"\"/a/1.jpg\"\"\",client.requests[4].path,packets,", 0) == 0u, csv[0]);
    BOOST_TEST(csv[1].rfind("1000,\"\"\"/a/1.jpg\"\"\",", 0) == 0u, csv[1]);
    // the copy is the original text with the two values changed in place
    const std::string copy = ReadFile(dir / "sw" / folders[1] / "partb.toml");
    BOOST_TEST(copy.find("\"/a/1.jpg\" = 1000 ") != std::string::npos, copy);
    BOOST_TEST(copy.find("path = \"/a/2.jpg\", size = 416, after = 0.3 }") != std::string::npos, copy);
    BOOST_TEST(copy.find("# Firefox 106") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_says_how_to_run_a_sweep_on_a_scheduler)
{
    const Outcome o = RunSim("sweep --help");
    BOOST_TEST(o.status == 0);
    for (const char* text : {"Usage", "--set", "summary.csv", "--jobs-file", "parallel --sshloginfile HOSTS < F",
                             "sbatch --array=1-RUNS --wrap 'bash -c \"$(sed -n ${SLURM_ARRAY_TASK_ID}p F)\"'",
                             "--summary-only", "%XX", "retransmissions"})
    {
        BOOST_TEST(o.out.find(text) != std::string::npos, text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
