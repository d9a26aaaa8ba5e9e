// SPDX-License-Identifier: GPL-2.0-only
// The seed corpus of each reader, read at run time from the source tree (SIM_SOURCE_DIR):
// our scenarios, our kernel profiles, a few small recordings from tests/data/real/, and
// those recordings rewritten into the other link types and file formats we read.
#pragma once

#include "tests/fuzz/mutator.h"

namespace sim::fuzz
{

// scenarios/*.toml, tests/data/scenarios/*.toml
Corpus ScenarioCorpus();
// models/profiles/*.toml, tests/data/profiles/*.toml
Corpus ProfileCorpus();
// tests/data/real/{v1,v2,v3,v4}/run-1/real.pcap, late-wake/real.pcap, and v1's packets
// as Ethernet, raw IPv4, LINKTYPE_IPV4, BSD loopback and Linux cooked v2 captures, a
// big-endian microsecond pcap and a pcapng
Corpus CaptureCorpus();

Bytes ReadFileBytes(const std::string& path);

} // namespace sim::fuzz
