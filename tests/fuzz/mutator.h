// SPDX-License-Identifier: GPL-2.0-only
// A deterministic mutator: input number i of a run is a seed-corpus file with a few
// mutations, drawn from SplitMix64(seed, i) alone, so every input of a run can be made
// again on any machine. Byte-level mutations for every input (flips, inserts, deletes,
// chunk duplication, splicing two corpus files, interesting integers); line-level ones
// for TOML (a value replaced by another type, a huge, negative or empty one; a line
// dropped, duplicated or moved; a key renamed; a table header added); record-level ones
// for pcap and pcapng (lengths, link type, header fields of the packets).
#pragma once

#include "models/config/splitmix64.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sim::fuzz
{

using Bytes = std::vector<uint8_t>;

// SplitMix64 as a generator (the state advances by the golden gamma)
class Rng
{
  public:
    explicit Rng(uint64_t seed)
        : m_state(seed)
    {
    }

    uint64_t Next()
    {
        const uint64_t z = SplitMix64(m_state);
        m_state += 0x9e3779b97f4a7c15ULL;
        return z;
    }

    // Uniform in [0, n); 0 when n is 0
    size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

    bool OneIn(size_t n) { return Below(n) == 0; }

    template <typename C>
    const typename C::value_type& Pick(const C& c)
    {
        return c[Below(c.size())];
    }

  private:
    uint64_t m_state;
};

enum class InputKind
{
    Toml,
    Capture,
};

struct CorpusFile
{
    std::string name; // for messages: where in the source tree, or how it was made
    Bytes bytes;
};

// The seed corpus of one reader, and what the TOML mutations draw from it
struct Corpus
{
    InputKind kind = InputKind::Toml;
    std::vector<CorpusFile> files;
    std::vector<std::string> lines;   // every non-empty line of every file
    std::vector<std::string> keys;    // keys of `key = value` lines
    std::vector<std::string> values;  // their values
    std::vector<std::string> headers; // table names of `[table]` lines

    void Add(std::string name, Bytes bytes);
};

class Mutator
{
  public:
    // `max_size`: inputs are cut to this many bytes
    Mutator(const Corpus& corpus, size_t max_size);

    // Input number `index` of the run seeded with `seed`; `recipe` says what was done
    Bytes Generate(uint64_t seed, uint64_t index, std::string* recipe = nullptr) const;

  private:
    void MutateBytes(Rng& rng, Bytes& b, std::string& recipe) const;
    bool MutateToml(Rng& rng, Bytes& b, std::string& recipe) const;
    bool MutateCapture(Rng& rng, Bytes& b, std::string& recipe) const;

    const Corpus& m_corpus;
    size_t m_max_size;
};

} // namespace sim::fuzz
