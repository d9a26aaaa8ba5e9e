// SPDX-License-Identifier: GPL-2.0-only
// V3 against the seed capture: every field of every row, one known deviation.
#include "tests/e2e/harness.h"
#include "tests/e2e/seed-compare.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(seed_v3)

BOOST_AUTO_TEST_CASE(every_field_of_every_row)
{
    // no.5: the server's ACK of the request leaves 7 ms late because its process holds
    // the socket (the segment waits in the backlog until release_sock()). Processing it
    // then refreshes the clock, so Linux stamps the ACK with the time of release_sock():
    // 12 ms. The seed shows 10 ms, i.e. the segment was processed about 2.5 ms before
    // its ACK was captured; that needs a second delay the model has no input for.
    CheckAgainstSeed("v3",
                     8,
                     {{"v3 no.5 TSval: expected 764147753, got 764147755",
                       "clock refreshed at release_sock(), 2.5 ms after the seed's"}});
}

BOOST_AUTO_TEST_SUITE_END()
