// SPDX-License-Identifier: GPL-2.0-only
// One entry function per reader of user input, in libFuzzer's shape: the bytes go to a
// temporary file (one per process and reader, rewritten for every input) and the reader
// runs on it as `sim` would. The contract each checks (README.md, "Exit status"): the
// reader gives a result, or throws its own error type (InputError for scenarios and
// kernel profiles, CaptureError for captures) with a message that is one non-empty line
// naming the file. Anything else is a Finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace sim::fuzz
{

// A broken contract: another exception type, a multi-line or empty message, a result
// that does not hold together. what() is one line.
class Finding : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

// What an entry function returns when it does not throw
enum Outcome : int
{
    kAccepted = 0, // the reader gave a result
    kRejected = 1, // the reader threw its error type, with a proper message
};

// sim::LoadScenario() on the bytes as a .toml file, profiles from the source tree
int FuzzScenario(const uint8_t* data, size_t size);
// sim::LoadKernelProfile() on the bytes as a .toml file
int FuzzProfile(const uint8_t* data, size_t size);
// sim::ReadCapture() (refusing, then keeping the packets of a cut file), DecodeCapture(),
// AnalyzeTrace() and FormatTrace() on the bytes as a capture file
int FuzzCapture(const uint8_t* data, size_t size);

// Where an entry function writes its input: the file a crash leaves behind
std::string ScenarioInputPath();
std::string ProfileInputPath();
std::string CaptureInputPath();

// This process's scratch directory (created on first use), and its removal
std::string ScratchDir();
void RemoveScratchDir();

} // namespace sim::fuzz
