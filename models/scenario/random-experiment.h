// SPDX-License-Identifier: GPL-2.0-only
// The random experiments of `sim conform`, drawn from the whole parameter space of our
// programs, the same for a seed on every machine: echo experiments, and HTTP ones (a
// sequential server and a browser fetching files over one keep-alive connection).
// Experiment i depends on the seed and i only, so `-n 10` is the start of `-n 100`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim
{

struct EchoExperiment
{
    uint64_t number = 0;       // from 1
    std::string unit;          // the client's message is `unit` x `repeat`
    uint64_t repeat = 1;
    uint32_t sends = 1;        // 1-8
    std::vector<uint32_t> recv_sizes; // the client's reads, 1-6 of 5 B to 64 KiB
    uint32_t recv_size = 1024; // the server's buffer, 5 B to 64 KiB
    uint32_t reply_multiplier = 1; // 1-1000
    double sleep_s = 0;        // the server's sleep before each recv, 0-0.3 s
    bool nodelay = false;
    bool interleave = false;
    bool shortened = false;    // the sleep or buffer was bounded (see Draw)

    uint64_t MessageBytes() const { return unit.size() * repeat; }
    // One line for tables: "msg 13x1 B, 2 sends, reads [1024], buf 1024, x1, sleep 0"
    std::string Summary() const;
    // The scenario file (linux-6.18, loopback, echo programs)
    std::string Toml(uint64_t seed) const;
};

// The bound on one recording's length: a server that sleeps before each of many reads
// would run for hours, so its sleep is cut to keep (reads x sleep) under this
constexpr double kMaxSleepTotalS = 1.5;
// and its buffer raised so that it makes at most this many reads
constexpr uint64_t kMaxServerReads = 4000;

EchoExperiment DrawEchoExperiment(uint64_t seed, uint64_t number);

struct HttpExperiment
{
    uint64_t number = 0;
    std::vector<uint32_t> files; // their sizes, 1 B to 5 MB, fetched in this order
    uint32_t request_size = 400; // bytes of each GET, 300-500 (Firefox's are about 400)
    uint32_t read_size = 65536;  // the browser's recv() size, 512 B to 64 KiB
    double idle_timeout_s = 0.2; // the server closes a connection idle this long
    bool shortened = false;      // the read size was raised (see kMaxBrowserReads)

    uint64_t Bytes() const;
    // "files [1000,300000], GET 400 B, reads 65536"
    std::string Summary() const;
    std::string Toml(uint64_t seed) const;
};

// A browser's reads are bounded like the echo server's: its read size is raised so
// that it makes at most this many (each is a call of the recorded timeline)
constexpr uint64_t kMaxBrowserReads = 4000;

HttpExperiment DrawHttpExperiment(uint64_t seed, uint64_t number);

// Which programs a campaign draws
enum class ExperimentPrograms
{
    Echo,
    Http,
    Both, // each experiment is HTTP with probability 1/4, else echo
};

// One experiment of either kind
struct Experiment
{
    uint64_t number = 0;
    std::optional<EchoExperiment> echo;
    std::optional<HttpExperiment> http;

    const char* Programs() const { return http ? "http" : "echo"; }
    std::string Summary() const { return http ? http->Summary() : echo->Summary(); }
    std::string Toml(uint64_t seed) const { return http ? http->Toml(seed) : echo->Toml(seed); }
    bool Shortened() const { return http ? http->shortened : echo->shortened; }
};

// With Both, an echo experiment is the very one Echo draws for the same seed and number
Experiment DrawExperiment(uint64_t seed, uint64_t number, ExperimentPrograms programs);

} // namespace sim
