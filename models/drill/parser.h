// SPDX-License-Identifier: GPL-2.0-only
// The packetdrill grammar (parser.y) over our tokens (lexer.h): script options, an
// optional init command, timed events, an optional cleanup command. The semantic
// checks packetdrill makes while parsing are made here too, with its wording
// ("inconsistent TCP sequence numbers and payload size", "window must be specified
// for inbound packets", ...). Features the simulator has no model for (IPv6, UDP,
// ICMP, IP header fields, AccECN) are refused with ScriptError(unsupported).
#pragma once

#include "models/drill/script.h"

#include <string>

namespace sim::drill
{

// `path` names the script in messages. Throws ScriptError.
Script ParseScript(const std::string& text, const std::string& path);

// Reads and parses a file. Throws ScriptError (line 0 when it cannot be read).
Script ParseScriptFile(const std::string& path);

} // namespace sim::drill
