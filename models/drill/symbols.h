// SPDX-License-Identifier: GPL-2.0-only
// The symbolic constants of system call arguments (SOCK_STREAM, SOL_TCP, TCP_NODELAY,
// O_NONBLOCK, MSG_DONTWAIT, SIOCINQ, ...) with their Linux x86_64 values, and errno
// names (packetdrill's symbols_linux.c takes them from the C headers; so do we).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sim::drill
{

std::optional<int64_t> SymbolValue(const std::string& name);

// "EAGAIN" -> 11; nullopt for a name that is not an errno
std::optional<int> ErrnoValue(const std::string& name);

// strerror() text of an errno ("Resource temporarily unavailable")
std::string ErrnoText(int err);

} // namespace sim::drill
