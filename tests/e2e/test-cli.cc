// SPDX-License-Identifier: GPL-2.0-only
// Bad input gets one clear line naming file, line and key, exit status 2, and leaves
// no output file behind.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <unistd.h>

using namespace simtest;

namespace
{

// Runs `sim FILE --out DIR` for a scenario written from `text`
Outcome
RunScenarioText(const TempDir& dir, const std::string& text)
{
    WriteFile(dir / "bad.toml", text);
    return Simulate((dir / "bad.toml").string(), dir / "out");
}

size_t
Lines(const std::string& s)
{
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// v1.toml with one line replaced
std::string
V1With(const std::string& from, const std::string& to)
{
    return ScenarioText("v1", {{from, to}});
}

size_t
LineOf(const std::string& text, const std::string& needle)
{
    const size_t at = text.find(needle);
    return static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) + 1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(unknown_scenario_lists_the_known_ones)
{
    TempDir dir;
    const Outcome o = Simulate("nosuch", dir / "x");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    BOOST_TEST(o.err.find("unknown scenario 'nosuch'") != std::string::npos, o.err);
    BOOST_TEST(o.err.find("v1") != std::string::npos, o.err);
    BOOST_TEST(FilesIn(dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(toml_syntax_error_names_file_and_line)
{
    TempDir dir;
    const std::string text = V1With("sends = 1", "sends = = 1");
    const Outcome o = RunScenarioText(dir, text);
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    const std::string where = "bad.toml:" + std::to_string(LineOf(text, "sends = = 1")) + ":";
    BOOST_TEST(o.err.find(where) != std::string::npos, o.err);
    BOOST_TEST(o.err.find("syntax") != std::string::npos, o.err);
    BOOST_TEST(!std::filesystem::exists(dir / "out"));
}

BOOST_AUTO_TEST_CASE(unknown_key_names_file_line_and_key)
{
    TempDir dir;
    const std::string text = V1With("recv_size = 1024", "recv_size = 1024\nrecv_buffer = 5");
    const Outcome o = RunScenarioText(dir, text);
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    const std::string where = "bad.toml:" + std::to_string(LineOf(text, "recv_buffer")) + ": server.recv_buffer: unknown key";
    BOOST_TEST(o.err.find(where) != std::string::npos, o.err);
    BOOST_TEST(!std::filesystem::exists(dir / "out"));
}

BOOST_AUTO_TEST_CASE(unknown_key_in_a_sub_table)
{
    TempDir dir;
    const std::string text = V1With("close = 3.13", "close = 3.13\nsleep = 1");
    const Outcome o = RunScenarioText(dir, text);
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("client.think.sleep: unknown key") != std::string::npos, o.err);
}

BOOST_AUTO_TEST_CASE(unknown_key_in_an_inline_table_of_a_list)
{
    // a browser request's stall is an inline table inside `requests`: its keys are
    // checked too, and the error names the request by its index
    TempDir dir;
    const std::string text = ScenarioText("partb", {{"ms = 0.064 }", "ms = 0.064, bytes = 5 }"}});
    const Outcome o = RunScenarioText(dir, text);
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    const std::string where = "bad.toml:" + std::to_string(LineOf(text, "bytes = 5")) +
                              ": client.requests[9].stall.bytes: unknown key";
    BOOST_TEST(o.err.find(where) != std::string::npos, o.err);
    BOOST_TEST(!std::filesystem::exists(dir / "out"));
}

BOOST_AUTO_TEST_CASE(wrong_type_names_file_line_key_and_types)
{
    TempDir dir;
    const std::string text = V1With("port = 12345", "port = \"12345\"");
    const Outcome o = RunScenarioText(dir, text);
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    const std::string where = "bad.toml:" + std::to_string(LineOf(text, "port = \"12345\"")) +
                              ": server.port: expected an integer, got a string";
    BOOST_TEST(o.err.find(where) != std::string::npos, o.err);
    BOOST_TEST(!std::filesystem::exists(dir / "out"));
}

BOOST_AUTO_TEST_CASE(out_of_range_value_is_rejected)
{
    TempDir dir;
    const Outcome o = RunScenarioText(dir, V1With("port = 51408", "port = 70000"));
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find("client.port: 70000 is out of range") != std::string::npos, o.err);
}

BOOST_AUTO_TEST_CASE(unknown_profile_is_named)
{
    TempDir dir;
    const Outcome o = RunScenarioText(dir, V1With("profile = \"linux-5.15\"", "profile = \"linux-2.4\""));
    BOOST_TEST(o.status == 2);
    BOOST_TEST(o.err.find(": profile: unknown kernel profile 'linux-2.4' (profiles: linux-5.15, linux-5.15-stable, "
                          "linux-6.18, slirp)") != std::string::npos,
               o.err);
}

BOOST_AUTO_TEST_CASE(an_unknown_profile_on_the_command_line_is_one_line)
{
    const Outcome o = RunSim("v1 -q --no-plot --profile \"$(printf 'linux\\nnext')\"");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u, o.err);
    BOOST_TEST(o.err.find("unknown kernel profile 'linux\\nnext'") != std::string::npos, o.err);
}

BOOST_AUTO_TEST_CASE(missing_output_folders_are_made)
{
    TempDir dir;
    const Outcome o = Simulate("v1", dir / "no" / "such" / "dir");
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(std::filesystem::is_regular_file(dir / "no" / "such" / "dir" / "trace.pcap"));
}

BOOST_AUTO_TEST_CASE(a_file_in_the_way_of_the_output_folder_is_bad_input)
{
    TempDir dir;
    WriteFile(dir / "results", "a file, not a folder");
    const Outcome o = Simulate("v1", dir / "results" / "today" / "v1");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    BOOST_TEST(o.err.find((dir / "results").string() + " is not a folder") != std::string::npos, o.err);
    BOOST_TEST(FilesIn(dir.path()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(list_shows_each_scenario_with_its_description)
{
    const Outcome o = RunSim("list");
    BOOST_TEST(o.status == 0);
    BOOST_TEST(std::regex_search(o.out, std::regex("(^|\\n)v1 +Echo of 'Hello, world!'")), o.out);
}

BOOST_AUTO_TEST_CASE(every_command_has_help)
{
    for (const char* cmd : {"--help", "run --help", "list --help", "all --help", "bench --help",
                            "compare --help", "show --help", "record --help", "plot --help", "sweep --help"})
    {
        const Outcome o = RunSim(cmd);
        BOOST_TEST(o.status == 0, cmd);
        BOOST_TEST(o.out.find("Usage") != std::string::npos, cmd << ": " << o.out);
    }
}

BOOST_AUTO_TEST_CASE(run_writes_pcap_and_txt)
{
    TempDir dir;
    const Outcome o = RunSim("v1 --out '" + (dir / "v1").string() + "'");
    BOOST_TEST(o.status == 0);
    BOOST_TEST(std::filesystem::file_size(dir / "v1" / "trace.pcap") > 24u);
    BOOST_TEST(o.out.find(ReadFile(dir / "v1" / "trace.txt")) == 0u); // the table is printed
    std::set<std::string> names;
    for (const auto& f : FilesIn(dir / "v1"))
    {
        names.insert(f.filename().string());
    }
    // the trace, and the picture with its data and script; no temporary file is left
    const std::set<std::string> expected = {"trace.pcap", "trace.txt", "seq.png", "seq.dat", "seq.gp"};
    BOOST_TEST((names == expected));
}

BOOST_AUTO_TEST_CASE(compare_exit_status_and_last_line)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "v1").status, 0);
    BOOST_REQUIRE_EQUAL(Simulate("v3", dir / "v3").status, 0);
    const std::string v1 = "'" + (dir / "v1" / "trace.pcap").string() + "'";
    const std::string v3 = "'" + (dir / "v3" / "trace.pcap").string() + "'";

    const Outcome same = RunSim("compare " + v1 + " " + v1);
    BOOST_TEST(same.status == 0);
    BOOST_TEST(same.out == "MATCH 10/10 packets\n");

    const Outcome differ = RunSim("compare " + v3 + " " + v1);
    BOOST_TEST(differ.status == 1);
    BOOST_TEST(differ.out.find("\nMATCH ") != std::string::npos, differ.out);
    BOOST_TEST(differ.out.find(" packets\n") == differ.out.size() - 9);

    const Outcome fields = RunSim("compare --fields flags,dir " + v3 + " " + v1);
    BOOST_TEST(fields.out.find("win:") == std::string::npos, fields.out);

    WriteFile(dir / "junk.pcap", "not a capture at all");
    const Outcome bad = RunSim("compare " + v1 + " '" + (dir / "junk.pcap").string() + "'");
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(Lines(bad.err) == 1u);
    BOOST_TEST(bad.err.find("junk.pcap: not a readable capture file") != std::string::npos, bad.err);

    const Outcome missing = RunSim("compare " + v1 + " '" + (dir / "nothing.pcap").string() + "'");
    BOOST_TEST(missing.status == 2);

    const Outcome unknown_field = RunSim("compare --fields colour " + v1 + " " + v1);
    BOOST_TEST(unknown_field.status == 2);
    BOOST_TEST(unknown_field.err.find("unknown field 'colour'") != std::string::npos, unknown_field.err);
}

BOOST_AUTO_TEST_CASE(show_prints_any_capture_like_trace_txt)
{
    TempDir dir;
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "v1").status, 0);
    const Outcome o = RunSim("show '" + (dir / "v1" / "trace.pcap").string() + "'");
    BOOST_TEST(o.status == 0);
    BOOST_TEST(o.out == ReadFile(dir / "v1" / "trace.txt"));
}

// Part A's server is VirtualBox's NAT engine (slirp): there is no Linux kernel to record
BOOST_AUTO_TEST_CASE(record_of_a_slirp_scenario_is_refused_with_one_line)
{
    TempDir dir;
    const Outcome o = RunSim("record parta --out '" + (dir / "p").string() + "'");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    BOOST_TEST(o.err.find("not a Linux kernel") != std::string::npos, o.err);
    BOOST_TEST(FilesIn(dir.path()).empty());
}

// Part B's browser opens ten connections: a recording's browser has one, its requests
// following each other
BOOST_AUTO_TEST_CASE(record_of_a_browser_with_many_connections_is_refused_with_one_line)
{
    TempDir dir;
    const Outcome o = RunSim("record partb --out '" + (dir / "p").string() + "'");
    BOOST_TEST(o.status == 2);
    BOOST_TEST(Lines(o.err) == 1u);
    BOOST_TEST(o.err.find("the browser opens 10 connections") != std::string::npos, o.err);
    BOOST_TEST(FilesIn(dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(record_and_conform_without_root_are_refused_with_one_line)
{
    namespace fs = std::filesystem;
    TempDir dir;
    fs::path binary = SIM_BINARY;
    fs::path root = SourceDir();
    std::string as_user;
    if (geteuid() == 0)
    {
        // As root, drop to nobody for this one command (setpriv, from util-linux). The
        // checkout may sit where nobody cannot enter (a clone in a 0700 folder), so the
        // binary and the two files it reads go into a folder anyone may read.
        fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                        fs::perms::others_read | fs::perms::others_exec);
        fs::create_directories(dir / "scenarios");
        fs::create_directories(dir / "models" / "profiles");
        fs::copy_file(binary, dir / "sim");
        fs::copy_file(root / "scenarios" / "v1.toml", dir / "scenarios" / "v1.toml");
        fs::copy_file(root / "models" / "profiles" / "linux-5.15.toml",
                      dir / "models" / "profiles" / "linux-5.15.toml");
        binary = dir / "sim";
        root = dir.path();
        as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    }
    // conform records too: it is refused before it writes anything
    for (const std::string& command :
         std::vector<std::string>{"record v1", "conform -n 1 --out " + (dir / "campaign").string()})
    {
        const Outcome o = RunShell("cd '" + root.string() + "' && " + as_user + "env SIM_ROOT='" + root.string() +
                                   "' '" + binary.string() + "' " + command);
        BOOST_TEST_INFO(command);
        BOOST_TEST(o.status == 2);
        BOOST_TEST(Lines(o.err) == 1u);
        BOOST_TEST(o.err.find("needs root") != std::string::npos, o.err);
    }
    BOOST_TEST(!fs::exists(dir / "campaign"));
}

// tests/data/real/conform-sample copied to DIR/campaign, to be simulated there
void
CopyConformSample(const TempDir& dir)
{
    std::filesystem::copy(SourceDir() / "tests" / "data" / "real" / "conform-sample", dir / "campaign",
                          std::filesystem::copy_options::recursive);
}

// tests/data/real/conform-sample: one recorded run of `conform --seed 7`, simulated
// again without recording (and so without root)
BOOST_AUTO_TEST_CASE(conform_replays_a_kept_campaign_without_root)
{
    namespace fs = std::filesystem;
    TempDir dir;
    CopyConformSample(dir);
    const Outcome o = RunSim("conform --seed 7 -n 1 --runs 1 --replay --out " + (dir / "campaign").string());
    BOOST_TEST(o.status == 0, o.err);
    BOOST_TEST(o.out.find("1 of 1 finished runs exact") != std::string::npos, o.out);
    const std::string csv = ReadFile(dir / "campaign" / "results.csv");
    BOOST_TEST(Lines(csv) == 2u, csv);
    BOOST_TEST(csv.find("\n1,1,echo,34,1,") != std::string::npos, csv); // experiment 1, run 1, 17x2 B, 1 send
    BOOST_TEST(fs::exists(dir / "campaign" / "exp-001" / "run-1" / "recorded.toml"));
    BOOST_TEST(fs::exists(dir / "campaign" / "exp-001" / "run-1" / "sim" / "trace.pcap"));
    // another seed's draw is not this campaign: one line, nothing simulated
    const Outcome other = RunSim("conform --seed 8 -n 1 --runs 1 --replay --out " + (dir / "campaign").string());
    BOOST_TEST(other.status == 2);
    BOOST_TEST(Lines(other.err) == 1u, other.err);
    BOOST_TEST(other.err.find("another seed's experiment") != std::string::npos, other.err);
}

// What a recording leaves beside its capture: `takes` (conform --retakes: the run was
// recorded twice, the host having stalled the first) goes to results.csv's last column,
// and `dropped` (the capture's ring was full) makes the run a mismatch of its own class
// whatever the comparison says. A `takes` that is no number: one line, exit 2.
BOOST_AUTO_TEST_CASE(conform_replay_reports_retakes_and_a_capture_that_dropped)
{
    namespace fs = std::filesystem;
    TempDir dir;
    CopyConformSample(dir);
    const fs::path run = dir / "campaign" / "exp-001" / "run-1";
    const std::string cmd = "conform --seed 7 -n 1 --runs 1 --replay --out " + (dir / "campaign").string();
    WriteFile(run / "takes", "2\n");
    const Outcome o = RunSim(cmd);
    BOOST_TEST(o.status == 0, o.err);
    std::string csv = ReadFile(dir / "campaign" / "results.csv");
    BOOST_TEST(csv.find(",takes,repeated\n") != std::string::npos, csv);
    BOOST_TEST(csv.find(",1,\"\",\"\",\"\",") != std::string::npos, csv); // exact: no class, no differences
    BOOST_TEST(csv.substr(csv.size() - 9) == ",2,false\n", csv);
    const std::string md = ReadFile(dir / "campaign" / "conformance.md");
    BOOST_TEST(md.find("1 runs were recorded again") != std::string::npos, md);

    WriteFile(run / "dropped", "7\n");
    const Outcome d = RunSim(cmd);
    BOOST_TEST(d.status == 0, d.err);
    BOOST_TEST(d.out.find("0 of 1 finished runs exact") != std::string::npos, d.out);
    csv = ReadFile(dir / "campaign" / "results.csv");
    BOOST_TEST(csv.find("the capture dropped packets") != std::string::npos, csv);
    BOOST_TEST(csv.find("\"7 packets had no room in the capture's ring\"") != std::string::npos, csv);

    WriteFile(run / "takes", "two\n");
    const Outcome bad = RunSim(cmd);
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(Lines(bad.err) == 1u, bad.err);
    BOOST_TEST(bad.err.find("takes: expected a number") != std::string::npos, bad.err);
}

// A run the kernel repeated: the sample's run copied as a second run of the experiment
// captures the same packets, so both are `repeated` and conformance.md counts them
// apart; a run alone is not.
BOOST_AUTO_TEST_CASE(conform_counts_the_runs_the_kernel_repeated)
{
    namespace fs = std::filesystem;
    TempDir dir;
    CopyConformSample(dir);
    const fs::path exp = dir / "campaign" / "exp-001";
    const Outcome one = RunSim("conform --seed 7 -n 1 --runs 1 --replay --out " + (dir / "campaign").string());
    BOOST_TEST(one.status == 0, one.err);
    std::string csv = ReadFile(dir / "campaign" / "results.csv");
    BOOST_TEST(csv.find(",repeated\n") != std::string::npos, csv);
    BOOST_TEST(csv.substr(csv.size() - 7) == ",false\n", csv);
    // one run per experiment: nothing to score apart
    BOOST_TEST(ReadFile(dir / "campaign" / "conformance.md").find("Runs the kernel repeated") == std::string::npos);

    fs::create_directories(exp / "run-2");
    for (const char* f : {"real.pcap", "calls.csv"})
    {
        fs::copy_file(exp / "run-1" / f, exp / "run-2" / f);
    }
    const Outcome two = RunSim("conform --seed 7 -n 1 --runs 2 --replay --out " + (dir / "campaign").string());
    BOOST_TEST(two.status == 0, two.err);
    csv = ReadFile(dir / "campaign" / "results.csv");
    BOOST_TEST(Lines(csv) == 3u, csv);
    BOOST_TEST(csv.find(",true\n1,2,") != std::string::npos, csv);
    BOOST_TEST(csv.substr(csv.size() - 6) == ",true\n", csv);
    const std::string md = ReadFile(dir / "campaign" / "conformance.md");
    BOOST_TEST(md.find("Runs the kernel repeated") != std::string::npos, md);
    BOOST_TEST(md.find("**2 of 2 exact (100.0%)**") != std::string::npos, md);
}

// v1's trace with its last packet cut in the middle, as a capture still being written
std::filesystem::path
CutShortTrace(const TempDir& dir)
{
    BOOST_REQUIRE_EQUAL(Simulate("v1", dir / "v1").status, 0);
    std::string bytes = ReadFile(dir / "v1" / "trace.pcap");
    bytes.resize(bytes.size() - 10);
    WriteFile(dir / "cut.pcap", bytes);
    return dir / "cut.pcap";
}

BOOST_AUTO_TEST_CASE(a_capture_cut_short_shows_its_complete_packets_and_one_warning)
{
    TempDir dir;
    const std::filesystem::path cut = CutShortTrace(dir);
    const std::string whole = ReadFile(dir / "v1" / "trace.txt");
    const std::string nine_rows = whole.substr(0, whole.rfind('\n', whole.size() - 2) + 1);
    const std::string warning = "sim: warning: " + cut.string() + ": cut short after 9 complete packets";

    const Outcome show = RunSim("show '" + cut.string() + "'");
    BOOST_TEST(show.status == 0);
    BOOST_TEST(show.out == nine_rows);
    BOOST_TEST(Lines(show.err) == 1u);
    BOOST_TEST(show.err.find(warning) == 0u, show.err);

    // the missing tenth packet is a difference (1); the cut itself changes nothing
    const Outcome compare = RunSim("compare '" + (dir / "v1" / "trace.pcap").string() + "' '" + cut.string() + "'");
    BOOST_TEST(compare.status == 1);
    BOOST_TEST(compare.out.find("MATCH 9/10 packets") != std::string::npos, compare.out);
    BOOST_TEST(Lines(compare.err) == 1u);
    BOOST_TEST(compare.err.find(warning) == 0u, compare.err);
}

BOOST_AUTO_TEST_CASE(plot_of_a_capture_cut_short_draws_it_with_one_warning)
{
    if (!HaveProgram("gnuplot"))
    {
        BOOST_TEST_MESSAGE("gnuplot missing: ./sim installs it; skipped");
        return;
    }
    TempDir dir;
    const std::filesystem::path cut = CutShortTrace(dir);
    const Outcome plot = RunSim("plot '" + cut.string() + "' -o '" + (dir / "cut.png").string() + "'");
    BOOST_TEST(plot.status == 0, plot.err);
    BOOST_TEST(std::filesystem::is_regular_file(dir / "cut.png"));
    BOOST_TEST(Lines(plot.err) == 1u);
    BOOST_TEST(plot.err.find("cut short after 9 complete packets") != std::string::npos, plot.err);
}

BOOST_AUTO_TEST_SUITE_END()
