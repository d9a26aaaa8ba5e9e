// SPDX-License-Identifier: GPL-2.0-only
// The reviewed text rendering of every scenario's trace (tests/golden/NAME.txt).
// A model change that moves any packet shows here; tests/golden/regenerate rewrites
// the files for review.
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
        BOOST_TEST_CONTEXT("scenario " << name)
        {
            BOOST_REQUIRE_MESSAGE(fs::exists(golden), "no " << golden << ": run tests/golden/regenerate " << name);
            TempDir dir;
            const Outcome run = Simulate(name, dir / name);
            BOOST_REQUIRE_MESSAGE(run.status == 0, run.err);
            BOOST_TEST(ReadFile(dir / name / "trace.txt") == ReadFile(golden));
            ++checked;
        }
    }
    BOOST_TEST(checked >= 4u);
}

BOOST_AUTO_TEST_SUITE_END()
