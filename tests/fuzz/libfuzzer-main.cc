// SPDX-License-Identifier: GPL-2.0-only
// A libFuzzer binary of one entry function (SIM_FUZZ_ENTRY, set by tests/CMakeLists.txt
// when SIM_LIBFUZZER=ON): a Finding, an other exception, a sanitizer report, a crash, a
// timeout or running out of memory all end the process, and libFuzzer saves the input
// as crash-*, timeout-* or oom-* in the working folder.
#include "tests/fuzz/fuzz-targets.h"

#include <cstdio>
#include <cstdlib>

extern "C" int
LLVMFuzzerInitialize(int*, char***)
{
    std::atexit(sim::fuzz::RemoveScratchDir);
    return 0;
}

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try
    {
        sim::fuzz::SIM_FUZZ_ENTRY(data, size);
    }
    catch (const sim::fuzz::Finding& f)
    {
        std::fprintf(stderr, "fuzz: %s\n", f.what());
        std::abort();
    }
    return 0; // libFuzzer: both a result and a rejection are fine
}
