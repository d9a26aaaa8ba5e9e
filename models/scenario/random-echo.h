// SPDX-License-Identifier: GPL-2.0-only
// The random experiments of `sim conform`: echo experiments drawn from the whole
// parameter space of our programs, the same for a seed on every machine. Experiment i
// depends on the seed and i only, so `-n 10` is the start of `-n 100`.
#pragma once

#include <cstdint>
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

} // namespace sim
