#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: sequence.sh SIM PCAP
# One line: the capture's packet sequence, each packet as who sent it ("C", the sender
# of the first SYN, or "S"), its flags and its payload length: "C SYN 0, S SYN,ACK 0, ...".
# The recording scripts here count these to write their sequences.txt.
set -euo pipefail
"${1:?usage: sequence.sh SIM PCAP}" show "${2:?usage: sequence.sh SIM PCAP}" | awk '
    { for (i = 1; i <= NF; i++) if ($i == "TCP") { sport = $(i + 2); break } }
    NR == 1 { client = sport }
    {
        flags = $0; sub(/.*\[/, "", flags); sub(/\].*/, "", flags); gsub(/, /, ",", flags)
        len = $0; sub(/.*Len=/, "", len); sub(/ .*/, "", len)
        printf "%s%s %s %s", (NR > 1 ? ", " : ""), (sport == client ? "C" : "S"), flags, len
    }
    END { print "" }'
