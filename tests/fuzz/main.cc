// SPDX-License-Identifier: GPL-2.0-only
#define BOOST_TEST_MODULE fuzz
#include <boost/test/unit_test.hpp>

// In an AddressSanitizer build (no address-space limit there, see MemoryLimit), an input
// that makes a reader allocate without bound ends in a report at 4 GiB of RSS instead of
// the OOM killer. ASAN_OPTIONS in the environment still add to or override this.
extern "C" const char*
__asan_default_options()
{
    return "hard_rss_limit_mb=4096";
}
