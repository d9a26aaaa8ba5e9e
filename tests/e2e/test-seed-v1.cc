// SPDX-License-Identifier: GPL-2.0-only
// V1 against the seed capture: every field of every row.
#include "tests/e2e/harness.h"
#include "tests/e2e/seed-compare.h"

#include <boost/test/unit_test.hpp>

using namespace simtest;

BOOST_AUTO_TEST_SUITE(seed_v1)

BOOST_AUTO_TEST_CASE(every_field_of_every_row)
{
    CheckAgainstSeed("v1", 10, {});
}

BOOST_AUTO_TEST_SUITE_END()
