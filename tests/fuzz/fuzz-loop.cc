// SPDX-License-Identifier: GPL-2.0-only
#include "tests/fuzz/fuzz-loop.h"

#include "tests/fuzz/fuzz-targets.h"

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace sim::fuzz
{

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const Target kScenarioTarget{"scenario loader", "scenario", ".toml", FuzzScenario, ScenarioInputPath};
const Target kProfileTarget{"profile loader", "profile", ".toml", FuzzProfile, ProfileInputPath};
const Target kCaptureTarget{"capture reader", "capture", ".pcap", FuzzCapture, CaptureInputPath};

namespace
{

double
Seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

const char*
Env(const char* name)
{
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

uint64_t
EnvU64(const char* name, uint64_t fallback)
{
    const char* v = Env(name);
    return v ? std::strtoull(v, nullptr, 0) : fallback;
}

void
WriteBytes(const std::string& path, const Bytes& b)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// Findings of one kind differ only in numbers (lines, offsets, values)
std::string
KindOf(const std::string& what)
{
    std::string k;
    for (char c : what.substr(0, 120))
    {
        if (c < '0' || c > '9')
        {
            k += c;
        }
    }
    return k;
}

// Ends the process when one input runs far past the time limit (a hang the loop would
// never see the end of), after saving the input and saying where
class Watchdog
{
  public:
    Watchdog(const Target& t, const std::string& findings_dir, uint64_t seed, double abort_after_s)
        : m_thread([this, &t, findings_dir, seed, abort_after_s] {
              while (!m_stop)
              {
                  std::this_thread::sleep_for(std::chrono::milliseconds(50));
                  const int64_t start = m_start_ns;
                  const double running =
                      start == 0 ? 0 : static_cast<double>(Clock::now().time_since_epoch().count() - start) / 1e9;
                  if (running > abort_after_s)
                  {
                      const std::string saved = fmt::format("{}/{}-seed{}-iteration{}-hang{}", findings_dir, t.dir,
                                                            seed, m_iteration.load(), t.extension);
                      std::error_code ec;
                      fs::create_directories(findings_dir, ec);
                      fs::copy_file(t.input_path(), saved, fs::copy_options::overwrite_existing, ec);
                      std::fprintf(stderr,
                                   "fuzz: %s, iteration %llu: no result after %.0f s (a hang); input saved as %s\n",
                                   t.name, static_cast<unsigned long long>(m_iteration.load()), running,
                                   saved.c_str());
                      std::fflush(stderr);
                      std::_Exit(70);
                  }
              }
          })
    {
    }
    ~Watchdog()
    {
        m_stop = true;
        m_thread.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void Start(uint64_t iteration)
    {
        m_iteration = iteration;
        m_start_ns = Clock::now().time_since_epoch().count();
    }
    void Stop() { m_start_ns = 0; }

  private:
    std::atomic<bool> m_stop{false};
    std::atomic<int64_t> m_start_ns{0};
    std::atomic<uint64_t> m_iteration{0};
    std::thread m_thread; // last: starts after the atomics exist
};

// One call of the entry function: the Finding's text, or "" for a kept contract
std::string
CallEntry(const Target& t, const Bytes& input, int* outcome)
{
    try
    {
        *outcome = t.entry(input.data(), input.size());
        return "";
    }
    catch (const Finding& f)
    {
        return f.what();
    }
    catch (const std::exception& e)
    {
        // The harness itself (writing the input) failed
        return fmt::format("harness error: {}", e.what());
    }
}

} // namespace

MemoryLimit::MemoryLimit(uint64_t headroom_mb)
{
    if (kSanitizerBuild || headroom_mb == 0 || getrlimit(RLIMIT_AS, &m_old) != 0)
    {
        return;
    }
    // VmSize now, from /proc/self/statm (pages)
    unsigned long pages = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r"))
    {
        if (std::fscanf(f, "%lu", &pages) != 1)
        {
            pages = 0;
        }
        std::fclose(f);
    }
    rlimit lim = m_old;
    const rlim_t want = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
                        static_cast<rlim_t>(headroom_mb) * 1024 * 1024;
    lim.rlim_cur = m_old.rlim_max == RLIM_INFINITY ? want : std::min(want, m_old.rlim_max);
    m_set = pages > 0 && setrlimit(RLIMIT_AS, &lim) == 0;
}

MemoryLimit::~MemoryLimit()
{
    if (m_set)
    {
        setrlimit(RLIMIT_AS, &m_old);
    }
}

LoopOptions
OptionsFromEnvironment(uint64_t default_iterations)
{
    LoopOptions o;
    o.seconds = Env("SIM_FUZZ_SECONDS") ? std::strtod(Env("SIM_FUZZ_SECONDS"), nullptr) : 0;
    o.iterations = EnvU64("SIM_FUZZ_ITERATIONS", o.seconds > 0 ? 0 : default_iterations);
    o.seed = EnvU64("SIM_FUZZ_SEED", 1);
    o.time_limit_s = static_cast<double>(EnvU64("SIM_FUZZ_TIME_LIMIT_MS", kSanitizerBuild ? 10000 : 1000)) / 1e3;
    o.hang_abort_s = std::max(20.0, 10 * o.time_limit_s);
    o.memory_mb = EnvU64("SIM_FUZZ_MEMORY_MB", 1024);
    o.findings_dir = Env("SIM_FUZZ_FINDINGS") ? Env("SIM_FUZZ_FINDINGS")
                                              : (fs::temp_directory_path() / "sim-fuzz-findings").string();
    return o;
}

std::string
LoopResult::Summary(const Target& t) const
{
    return fmt::format("{}: {} inputs in {:.1f} s ({:.0f}/s), {} accepted, {} rejected, slowest {:.3f} s "
                       "(iteration {}), {} kind{} of finding",
                       t.name, executions, wall_s, wall_s > 0 ? static_cast<double>(executions) / wall_s : 0.0,
                       accepted, rejected, slowest_s, slowest_iteration, findings.size(),
                       findings.size() == 1 ? "" : "s");
}

LoopResult
RunFuzzLoop(const Target& t, const Corpus& corpus, size_t max_size, const LoopOptions& o)
{
    LoopResult r;
    const Mutator mutator(corpus, max_size);
    // Each reader its own stream of inputs from the one seed
    uint64_t salt = 0;
    for (const char* c = t.dir; *c; ++c)
    {
        salt = salt * 131 + static_cast<unsigned char>(*c);
    }
    const uint64_t seed = SplitMix64(o.seed ^ salt);
    std::map<std::string, size_t> kinds; // KindOf(what) -> index in r.findings

    Watchdog watchdog(t, o.findings_dir, o.seed, o.hang_abort_s);
    const MemoryLimit memory(o.memory_mb);
    // SIM_FUZZ_LOG=FILE: one line per input (iteration, outcome, size, recipe), to
    // check that two runs made the same inputs with the same outcomes
    std::FILE* log = Env("SIM_FUZZ_LOG") ? std::fopen(Env("SIM_FUZZ_LOG"), "a") : nullptr;
    const auto start = Clock::now();
    for (uint64_t i = 0; o.iterations == 0 || i < o.iterations; ++i)
    {
        if (o.seconds > 0 && (i & 63) == 0 && Seconds(Clock::now() - start) >= o.seconds)
        {
            break;
        }
        std::string recipe;
        const Bytes input = mutator.Generate(seed, i, &recipe);
        // A crash ends the process: Boost.Test prints this checkpoint, and the input is
        // still in the named file
        BOOST_TEST_CHECKPOINT(t.name << ", seed " << o.seed << ", iteration " << i << ": input in "
                                     << t.input_path() << " (" << recipe << ")");
        int outcome = kAccepted;
        watchdog.Start(i);
        auto t0 = Clock::now();
        std::string what = CallEntry(t, input, &outcome);
        double took = Seconds(Clock::now() - t0);
        watchdog.Stop();
        if (what.empty() && took > o.time_limit_s)
        {
            // Once more, so that a busy machine is not a finding
            watchdog.Start(i);
            t0 = Clock::now();
            what = CallEntry(t, input, &outcome);
            took = std::min(took, Seconds(Clock::now() - t0));
            watchdog.Stop();
            if (what.empty() && took > o.time_limit_s)
            {
                what = fmt::format("took {:.2f} s (limit {:.2f} s)", took, o.time_limit_s);
            }
        }
        ++r.executions;
        if (log)
        {
            std::fprintf(log, "%llu %d %zu %s\n", static_cast<unsigned long long>(i), what.empty() ? outcome : -1,
                         input.size(), recipe.c_str());
        }
        if (took > r.slowest_s)
        {
            r.slowest_s = took;
            r.slowest_iteration = i;
        }
        if (what.empty())
        {
            (outcome == kAccepted ? r.accepted : r.rejected)++;
            if (outcome != kAccepted && i < corpus.files.size())
            {
                r.rejected_seeds.push_back(corpus.files[i].name);
            }
            continue;
        }
        const std::string kind = KindOf(what);
        if (auto it = kinds.find(kind); it != kinds.end())
        {
            r.findings[it->second].count++;
            continue;
        }
        FindingRecord f;
        f.iteration = i;
        f.what = what;
        f.recipe = recipe;
        if (r.findings.size() < 50)
        {
            f.saved = fmt::format("{}/{}-seed{}-iteration{}{}", o.findings_dir, t.dir, o.seed, i, t.extension);
            fs::create_directories(o.findings_dir);
            WriteBytes(f.saved, input);
        }
        kinds[kind] = r.findings.size();
        r.findings.push_back(std::move(f));
    }
    r.wall_s = Seconds(Clock::now() - start);
    if (log)
    {
        std::fclose(log);
    }
    return r;
}

std::string
Replay(const Target& t, const Bytes& input, double time_limit_s)
{
    int outcome = kAccepted;
    const auto t0 = Clock::now();
    const std::string what = CallEntry(t, input, &outcome);
    const double took = Seconds(Clock::now() - t0);
    if (what.empty() && took > time_limit_s)
    {
        return fmt::format("took {:.2f} s (limit {:.2f} s)", took, time_limit_s);
    }
    return what;
}

} // namespace sim::fuzz
