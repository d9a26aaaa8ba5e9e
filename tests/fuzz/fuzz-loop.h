// SPDX-License-Identifier: GPL-2.0-only
// The seeded mutation loop the Boost.Test cases run: input i of reader R is
// Mutator::Generate(seed ^ R, i); every input must give a result or the reader's error
// type within the time limit. A finding is saved under the findings folder so that it
// can be replayed (copy it to tests/fuzz/regressions/READER/).
#pragma once

#include "tests/fuzz/mutator.h"

#include <sys/resource.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sim::fuzz
{

struct Target
{
    const char* name;      // "scenario loader": for messages
    const char* dir;       // "scenario": findings' names, regressions/DIR/
    const char* extension; // of saved inputs
    int (*entry)(const uint8_t*, size_t);
    std::string (*input_path)();
};

extern const Target kScenarioTarget;
extern const Target kProfileTarget;
extern const Target kCaptureTarget;

// Whether this is an AddressSanitizer build (./sim test --sanitize, SIM_LIBFUZZER):
// inputs run many times slower there, and address-space limits do not apply
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif
#else
constexpr bool kSanitizerBuild = false;
#endif

// What a run does; the environment can change every field (README.md)
struct LoopOptions
{
    uint64_t iterations = 0;      // SIM_FUZZ_ITERATIONS; 0: no limit (needs seconds)
    double seconds = 0;           // SIM_FUZZ_SECONDS; 0: no limit
    uint64_t seed = 1;            // SIM_FUZZ_SEED
    double time_limit_s = 1.0;    // SIM_FUZZ_TIME_LIMIT_MS: an input slower is a finding
                                  // (10 s by default in a sanitizer build)
    double hang_abort_s = 20.0;   // an input still running after this ends the process
    uint64_t memory_mb = 1024;    // SIM_FUZZ_MEMORY_MB: allocation headroom (0: none)
    std::string findings_dir;     // SIM_FUZZ_FINDINGS, default TMPDIR/sim-fuzz-findings
};

// `default_iterations`, changed by the environment
LoopOptions OptionsFromEnvironment(uint64_t default_iterations);

struct FindingRecord
{
    uint64_t iteration = 0;
    std::string what;   // one line
    std::string saved;  // the input, written under findings_dir
    std::string recipe; // how it was made from the corpus
    uint64_t count = 1; // inputs with this finding (the first one is saved)
};

struct LoopResult
{
    uint64_t executions = 0;
    uint64_t accepted = 0;
    uint64_t rejected = 0;
    double wall_s = 0;
    double slowest_s = 0;
    uint64_t slowest_iteration = 0;
    std::vector<std::string> rejected_seeds; // corpus files the reader refused
    std::vector<FindingRecord> findings;          // one per kind of finding

    std::string Summary(const Target& t) const;
};

// An address-space limit while it lives (the process's size now + `headroom_mb`), so
// that an input that makes a reader allocate without bound ends in std::bad_alloc (a
// finding) instead of the OOM killer. None under AddressSanitizer, which reserves
// terabytes of address space, or for 0.
class MemoryLimit
{
  public:
    explicit MemoryLimit(uint64_t headroom_mb);
    ~MemoryLimit();
    MemoryLimit(const MemoryLimit&) = delete;
    MemoryLimit& operator=(const MemoryLimit&) = delete;

  private:
    rlimit m_old{};
    bool m_set = false;
};

LoopResult RunFuzzLoop(const Target& target, const Corpus& corpus, size_t max_size,
                       const LoopOptions& options);

// Replays one saved input: "" when the reader keeps its contract, else what is wrong
std::string Replay(const Target& target, const Bytes& input, double time_limit_s);

} // namespace sim::fuzz
