// SPDX-License-Identifier: GPL-2.0-only
// Fuzzing of every input a user hands us: per reader a fixed, seeded set of mutated
// inputs (SIM_FUZZ_* in the environment make it a long run: tests/fuzz/README.md), and
// the replay of every input a run has found (tests/fuzz/regressions/READER/).
#include "tests/fuzz/corpus.h"
#include "tests/fuzz/fuzz-loop.h"
#include "tests/fuzz/fuzz-targets.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sim::fuzz;
namespace fs = std::filesystem;

namespace
{

// Inputs per reader in ctest: at least 10,000 each, and each case well under 20 s in a
// Release build on a 2-core machine (measured: tests/fuzz/README.md); 10,000 in a
// sanitizer build, which runs them several times slower
constexpr uint64_t kScenarioIterations = kSanitizerBuild ? 10000 : 30000;
constexpr uint64_t kProfileIterations = kSanitizerBuild ? 10000 : 50000;
constexpr uint64_t kCaptureIterations = kSanitizerBuild ? 10000 : 50000;

// Inputs are cut to this size: enough for the largest seed grown by a long string
constexpr size_t kMaxTomlBytes = 128 * 1024;
constexpr size_t kMaxCaptureBytes = 256 * 1024;

// The scratch folder goes when a case ends, passed or failed (not after a crash: the
// input that crashed is in it)
struct ScratchCleanup
{
    ~ScratchCleanup() { RemoveScratchDir(); }
};

void
RunReader(const Target& t, const Corpus& corpus, size_t max_size, uint64_t iterations)
{
    const ScratchCleanup cleanup;
    BOOST_REQUIRE(!corpus.files.empty());
    // SIM_FUZZ_CORPUS_OUT=DIR: the seed corpus as files, DIR/READER/, for libFuzzer
    if (const char* out = std::getenv("SIM_FUZZ_CORPUS_OUT"))
    {
        const fs::path dir = fs::path(out) / t.dir;
        fs::create_directories(dir);
        for (size_t i = 0; i < corpus.files.size(); ++i)
        {
            std::string name = std::to_string(i) + "-" + corpus.files[i].name;
            for (char& c : name)
            {
                c = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
            }
            std::ofstream f(dir / name, std::ios::binary);
            f.write(reinterpret_cast<const char*>(corpus.files[i].bytes.data()),
                    static_cast<std::streamsize>(corpus.files[i].bytes.size()));
        }
    }
    const LoopOptions o = OptionsFromEnvironment(iterations);
    const LoopResult r = RunFuzzLoop(t, corpus, max_size, o);
    BOOST_TEST_MESSAGE(r.Summary(t) << " (seed " << o.seed << ")");
    for (const std::string& name : r.rejected_seeds)
    {
        BOOST_ERROR(t.name << ": the seed file " << name << " is rejected; the corpus must be good input");
    }
    for (const FindingRecord& f : r.findings)
    {
        BOOST_ERROR(t.name << ", seed " << o.seed << ", iteration " << f.iteration << ": " << f.what << " ("
                           << f.count << " input" << (f.count == 1 ? "" : "s") << " like it); input saved as "
                           << (f.saved.empty() ? "(not saved: too many findings)" : f.saved) << ", made as: "
                           << f.recipe);
    }
    // Mutations must still get past the parsers, and must also break things
    BOOST_TEST(r.accepted > r.executions / 100, t.name << ": only " << r.accepted << " inputs accepted");
    BOOST_TEST(r.rejected > r.executions / 100, t.name << ": only " << r.rejected << " inputs rejected");
    // A reader writes no file: the scratch folder holds the inputs and nothing else
    for (const auto& e : fs::directory_iterator(ScratchDir()))
    {
        const std::string name = e.path().filename().string();
        BOOST_TEST((name == "scenario.toml" || name == "profile.toml" || name == "capture.pcap"),
                   t.name << " left a file behind: " << e.path().string());
    }
}

// The saved inputs in a folder, sorted; notes beside them (*.md, *.txt) are not inputs
std::vector<fs::path>
InputsIn(const fs::path& dir)
{
    std::vector<fs::path> files;
    if (fs::is_directory(dir))
    {
        for (const auto& e : fs::directory_iterator(dir))
        {
            const std::string ext = e.path().extension().string();
            if (e.is_regular_file() && ext != ".md" && ext != ".txt")
            {
                files.push_back(e.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz)

BOOST_AUTO_TEST_CASE(scenario_loader)
{
    RunReader(kScenarioTarget, ScenarioCorpus(), kMaxTomlBytes, kScenarioIterations);
}

BOOST_AUTO_TEST_CASE(profile_loader)
{
    RunReader(kProfileTarget, ProfileCorpus(), kMaxTomlBytes, kProfileIterations);
}

BOOST_AUTO_TEST_CASE(capture_reader)
{
    RunReader(kCaptureTarget, CaptureCorpus(), kMaxCaptureBytes, kCaptureIterations);
}

// Every input a run found, replayed: tests/fuzz/regressions/{scenario,profile,capture}/
// must keep the contract. tests/fuzz/pending/ holds findings in code the fuzzing work
// may not change, open until fixed there: replayed for a warning, not a failure.
BOOST_AUTO_TEST_CASE(regressions)
{
    const ScratchCleanup cleanup;
    const MemoryLimit memory(OptionsFromEnvironment(0).memory_mb);
    const fs::path fuzz_dir = fs::path(SIM_SOURCE_DIR) / "tests" / "fuzz";
    size_t replayed = 0;
    for (const char* folder : {"regressions", "pending"})
    {
        const bool open = std::string(folder) == "pending";
        if (open && kSanitizerBuild)
        {
            // Without an address-space limit, an open finding may take all the memory
            BOOST_TEST_MESSAGE("tests/fuzz/pending/ is not replayed in a sanitizer build");
            continue;
        }
        for (const Target* t : {&kScenarioTarget, &kProfileTarget, &kCaptureTarget})
        {
            for (const fs::path& p : InputsIn(fuzz_dir / folder / t->dir))
            {
                const std::string what = Replay(*t, ReadFileBytes(p.string()), 1.0);
                const std::string name = fs::relative(p, fuzz_dir).string();
                if (!open)
                {
                    BOOST_TEST(what.empty(), t->name << ", " << name << ": " << what);
                }
                else if (what.empty())
                {
                    BOOST_WARN_MESSAGE(false, name << " keeps the contract now: move it to regressions/");
                }
                else
                {
                    BOOST_WARN_MESSAGE(false, "open finding, " << t->name << ", " << name << ": " << what);
                }
                ++replayed;
            }
        }
    }
    BOOST_TEST_MESSAGE("replayed " << replayed << " inputs");
}

BOOST_AUTO_TEST_SUITE_END()
