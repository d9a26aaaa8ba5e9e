// SPDX-License-Identifier: GPL-2.0-only
// A trace written as the packets leave is the same file, byte for byte, as the trace
// kept whole and written at the end; a run that fails leaves no file behind.
#include "models/capture/trace-writer.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace sim;
namespace fs = std::filesystem;

namespace
{

std::string
Bytes(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

} // namespace

BOOST_AUTO_TEST_SUITE(trace_writer)

BOOST_AUTO_TEST_CASE(a_long_transfer_streamed_is_the_trace_kept_whole)
{
    const std::string root = SIM_SOURCE_DIR;
    const Scenario sc = LoadScenario(root + "/tests/data/scenarios/bulk-618.toml", root, "", 1);
    const fs::path dir = fs::temp_directory_path() / ("sim-trace-writer-" + std::to_string(::getpid()));
    fs::create_directories(dir);

    const RunResult whole = RunScenario(sc);
    WritePcap((dir / "whole.pcap").string(), whole.capture);
    WriteFileAtomic((dir / "whole.txt").string(), FormatTrace(AnalyzeTrace(DecodeCapture(whole.capture)), false));

    TraceWriter writer((dir / "streamed.pcap").string(), (dir / "streamed.txt").string(), sc.capture_link,
                       sc.snaplen, false, nullptr);
    const RunResult streamed = RunScenario(sc, [&writer](Frame&& f) { writer.Write(f); });
    writer.Commit();

    BOOST_TEST(streamed.frames == whole.capture.frames.size());
    BOOST_TEST(whole.capture.frames.size() > 50u); // 58 since sends leave as GSO packets up to the window
    BOOST_TEST((Bytes(dir / "streamed.pcap") == Bytes(dir / "whole.pcap")));
    BOOST_TEST((Bytes(dir / "streamed.txt") == Bytes(dir / "whole.txt")));
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_writer_that_is_not_committed_leaves_nothing)
{
    const fs::path dir = fs::temp_directory_path() / ("sim-trace-writer-abort-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        TraceWriter writer((dir / "t.pcap").string(), (dir / "t.txt").string(), LinkType::LinuxSll, 262144, false,
                           nullptr);
        Frame f;
        f.bytes.assign(60, 0);
        f.orig_len = 60;
        writer.Write(f);
    }
    BOOST_TEST(fs::is_empty(dir));
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
