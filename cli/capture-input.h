// SPDX-License-Identifier: GPL-2.0-only
// Captures a user hands to `show`, `compare` and `plot`. A file cut short (tcpdump
// killed, a file still being written) gives its complete packets and one warning line
// on stderr, as tshark does; the exit status is not changed by it.
#pragma once

#include "models/capture/pcap-file.h"

#include <string>

namespace sim
{

Capture ReadUserCapture(const std::string& path);

} // namespace sim
