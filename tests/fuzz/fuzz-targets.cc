// SPDX-License-Identifier: GPL-2.0-only
#include "tests/fuzz/fuzz-targets.h"

#include "models/capture/compare.h"
#include "models/capture/packet-record.h"
#include "models/capture/pcap-file.h"
#include "models/capture/trace-table.h"
#include "models/config/kernel-profile-loader.h"
#include "models/config/toml-input.h"
#include "models/scenario/scenario.h"

#include <cxxabi.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace sim::fuzz
{

namespace fs = std::filesystem;

std::string
ScratchDir()
{
    // In memory when the machine has /dev/shm (and TMPDIR does not say otherwise):
    // rewriting a file thousands of times a second on a disk mounted with `discard`
    // waits for the device on every truncation
    // (never destroyed: RemoveScratchDir() may run from atexit())
    static const std::string* const dir = [] {
        const fs::path base = !std::getenv("TMPDIR") && fs::is_directory("/dev/shm")
                                  ? fs::path("/dev/shm")
                                  : fs::temp_directory_path();
        return new std::string((base / fmt::format("sim-fuzz-{}", getpid())).string());
    }();
    fs::create_directories(*dir); // again after RemoveScratchDir()
    return *dir;
}

void
RemoveScratchDir()
{
    std::error_code ec;
    fs::remove_all(ScratchDir(), ec);
}

// The file names matter: the scenario's name is its file's stem, and a profile is read
// as a path only when the name has a '/' or ".toml" in it (LoadKernelProfile())
std::string
ScenarioInputPath()
{
    return ScratchDir() + "/scenario.toml";
}

std::string
ProfileInputPath()
{
    return ScratchDir() + "/profile.toml";
}

std::string
CaptureInputPath()
{
    return ScratchDir() + "/capture.pcap";
}

namespace
{

void
WriteInput(const std::string& path, const uint8_t* data, size_t size)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
    {
        throw std::runtime_error(path + ": cannot write the fuzz input");
    }
    const bool ok = size == 0 || std::fwrite(data, 1, size, f) == size; // data may be null
    if (std::fclose(f) != 0 || !ok)
    {
        throw std::runtime_error(path + ": cannot write the fuzz input");
    }
}

// A message as it may appear inside a Finding: control characters escaped, bounded
std::string
Printable(const std::string& s)
{
    std::string out;
    for (char c : s.substr(0, 400))
    {
        if (c == '\n')
        {
            out += "\\n";
        }
        else if (c == '\r')
        {
            out += "\\r";
        }
        else if (static_cast<unsigned char>(c) < 0x20)
        {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        }
        else
        {
            out += c;
        }
    }
    return s.size() > 400 ? out + "..." : out;
}

// The error a reader is allowed to throw: one line, not empty, naming the input file
void
CheckErrorMessage(const char* type, const std::string& what, const std::string& path)
{
    if (what.empty())
    {
        throw Finding(fmt::format("{} with an empty message", type));
    }
    if (what.find_first_of("\r\n") != std::string::npos)
    {
        throw Finding(fmt::format("{} message is not one line: \"{}\"", type, Printable(what)));
    }
    if (what.find(path) == std::string::npos)
    {
        throw Finding(fmt::format("{} message does not name the file: \"{}\"", type, Printable(what)));
    }
}

// Inside a catch (...): what was thrown, by type name (and message for std::exception)
std::string
CurrentExceptionDescription()
{
    std::string type = "an unknown type";
    if (const std::type_info* t = abi::__cxa_current_exception_type())
    {
        int status = 0;
        std::unique_ptr<char, void (*)(void*)> name(
            abi::__cxa_demangle(t->name(), nullptr, nullptr, &status), std::free);
        type = status == 0 && name ? name.get() : t->name();
    }
    try
    {
        throw;
    }
    catch (const std::exception& e)
    {
        return fmt::format("{}: \"{}\"", type, Printable(e.what()));
    }
    catch (...)
    {
        return type;
    }
}

// Runs one reader; Finding for anything but a result or ErrorType with a good message
template <typename ErrorType, typename Read>
int
RunReader(const char* error_name, const std::string& path, Read&& read)
{
    try
    {
        read();
        return kAccepted;
    }
    catch (const Finding&)
    {
        throw;
    }
    catch (const ErrorType& e)
    {
        CheckErrorMessage(error_name, e.what(), path);
        return kRejected;
    }
    catch (...)
    {
        throw Finding("unexpected exception " + CurrentExceptionDescription());
    }
}

// The root the scenario's profile names resolve against: this source tree
const std::string kRoot = SIM_SOURCE_DIR;

} // namespace

int
FuzzScenario(const uint8_t* data, size_t size)
{
    const std::string path = ScenarioInputPath();
    WriteInput(path, data, size);
    return RunReader<InputError>("InputError", path, [&] { LoadScenario(path, kRoot); });
}

int
FuzzProfile(const uint8_t* data, size_t size)
{
    const std::string path = ProfileInputPath();
    WriteInput(path, data, size);
    return RunReader<InputError>("InputError", path, [&] { LoadKernelProfile(path, kRoot); });
}

// What `sim show` does with a capture, and what a result must hold to
static void
ShowCapture(const Capture& cap)
{
    size_t skipped = 0;
    const std::vector<PacketRecord> packets = DecodeCapture(cap, &skipped);
    if (packets.size() + skipped != cap.frames.size())
    {
        throw Finding(fmt::format("DecodeCapture(): {} packets + {} skipped of {} frames",
                                  packets.size(), skipped, cap.frames.size()));
    }
    const std::vector<TraceRow> rows = AnalyzeTrace(packets);
    if (rows.size() != packets.size())
    {
        throw Finding(fmt::format("AnalyzeTrace(): {} rows of {} packets", rows.size(), packets.size()));
    }
    for (const TraceRow& row : rows)
    {
        // RFC 7323 §2.2: 14 at most, so a window is below 2^30
        if (row.win > (uint32_t{65535} << 14))
        {
            throw Finding(fmt::format("AnalyzeTrace(): window {} beyond 65535 << 14", row.win));
        }
    }
    const std::string text = FormatTrace(rows, false) + FormatTrace(rows, true);
    const size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    if (lines != 2 * rows.size())
    {
        throw Finding(fmt::format("FormatTrace(): {} lines for 2 x {} rows", lines, rows.size()));
    }
    // What `sim compare` does: the capture against itself matches in every field, and
    // (its first packets, to keep an input fast) against a recording of V1 it differs
    // somewhere without trouble
    CompareOptions all;
    all.time_tolerance = 0.0;
    for (const std::string& f : CompareFieldNames())
    {
        all.fields.insert(f);
    }
    const CompareResult self = CompareTraces(packets, packets, all);
    if (self.slots != packets.size() || self.matched != self.slots || !self.diffs.empty())
    {
        throw Finding(fmt::format("CompareTraces() of a capture with itself: {}/{} of {} packets match",
                                  self.matched, self.slots, packets.size()));
    }
    static const std::vector<PacketRecord> v1 = DecodeCapture(
        ReadCapture(std::string(SIM_SOURCE_DIR) + "/tests/data/real/v1/run-1/real.pcap"));
    const std::vector<PacketRecord> head(packets.begin(),
                                         packets.begin() + static_cast<long>(std::min<size_t>(packets.size(), 8)));
    CompareOptions absolute;
    absolute.absolute = true;
    FormatComparison(CompareTraces(head, v1, absolute));
}

int
FuzzCapture(const uint8_t* data, size_t size)
{
    const std::string path = CaptureInputPath();
    WriteInput(path, data, size);
    // As `sim compare` reads (refusing a cut file), then as `sim show` does (keeping the
    // complete packets of a cut file)
    const int refused = RunReader<CaptureError>("CaptureError", path, [&] {
        ShowCapture(ReadCapture(path, OnCutShort::Refuse));
    });
    if (refused == kAccepted)
    {
        return kAccepted;
    }
    return RunReader<CaptureError>("CaptureError", path, [&] {
        const Capture cap = ReadCapture(path, OnCutShort::KeepCompletePackets);
        if (cap.cut_short.find_first_of("\r\n") != std::string::npos)
        {
            throw Finding(fmt::format("Capture::cut_short is not one line: \"{}\"", Printable(cap.cut_short)));
        }
        ShowCapture(cap);
    });
}

} // namespace sim::fuzz
