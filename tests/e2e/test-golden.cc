// SPDX-License-Identifier: GPL-2.0-only
// The reviewed text rendering of every scenario's trace (tests/golden/NAME.txt) and
// the digest of its pcap (NAME.pcap.sha256). A model change that moves any packet
// shows here; tests/golden/regenerate rewrites the files for review. Every build runs
// this (Release in build/, -O0 with sanitizers in build-sanitize/), so the two write
// byte-identical traces or one of them fails.
#include "tests/e2e/harness.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(golden)

BOOST_AUTO_TEST_CASE(every_scenario_has_its_reviewed_trace)
{
    size_t checked = 0;
    for (const auto& e : fs::directory_iterator(SourceDir() / "scenarios"))
    {
        if (e.path().extension() != ".toml")
        {
            continue;
        }
        const std::string name = e.path().stem().string();
        const fs::path golden = SourceDir() / "tests" / "golden" / (name + ".txt");
        // the scale scenarios' texts (over 1 MiB) are kept as digests
        const fs::path golden_digest = SourceDir() / "tests" / "golden" / (name + ".txt.sha256");
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            BOOST_REQUIRE_MESSAGE(fs::exists(golden) || fs::exists(golden_digest),
                                  "no " << golden << ": run tests/golden/regenerate " << name);
            TempDir dir;
            const Outcome run = Simulate(name, dir / name);
            BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
            if (fs::exists(golden))
            {
                BOOST_TEST(ReadFile(dir / name / "trace.txt") == ReadFile(golden));
            }
            else
            {
                const Outcome sum = RunShell("sha256sum < '" + (dir / name / "trace.txt").string() + "' | cut -d' ' -f1");
                BOOST_TEST(sum.out == ReadFile(golden_digest),
                           "trace.txt sha256: expected " << ReadFile(golden_digest) << " got " << sum.out);
            }
            const fs::path digest = SourceDir() / "tests" / "golden" / (name + ".pcap.sha256");
            BOOST_REQUIRE_MESSAGE(fs::exists(digest), "no " << digest << ": run tests/golden/regenerate " << name);
            const Outcome sum = RunShell("sha256sum < '" + (dir / name / "trace.pcap").string() + "' | cut -d' ' -f1");
            BOOST_TEST(sum.out == ReadFile(digest), "trace.pcap sha256: expected " << ReadFile(digest) << " got " << sum.out);
            ++checked;
        }
    }
    BOOST_TEST(checked >= 4u);
}

BOOST_AUTO_TEST_SUITE_END()
