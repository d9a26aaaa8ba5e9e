#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: run-real.sh PACKETDRILL_BINARY TCP_TESTS_DIR   (as root)
# Runs google/packetdrill's scripts of the folders issue 16 names on this machine's own
# kernel (a fetched and built copy: packetdrill is not part of this project), one line
# per script into real-verdicts.txt here, so that `sim drill` can be measured against
# what this kernel does, not only against what the scripts expect. The scripts change
# sysctls (their defaults.sh): every net.ipv4.tcp_* and net.core.* value is saved first
# and put back at the end.
set -euo pipefail
pd="$(realpath "$1")"
tests="$(realpath "$2")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=sysctls.sh
source "$here/sysctls.sh"
uname -r >"$here/kernel.txt"
out="$here/real-verdicts.txt"
: >"$out"
for folder in blocking close fast_recovery fast_retransmit limited_transmit mss nagle sack shutdown \
    slow_start ts_recent cubic cwnd_moderation inq notsent_lowat eor syscall_bad_arg user_timeout \
    validate mtu_probe; do
    for script in "$tests/$folder"/*.pkt; do
        log="$(cd "$(dirname "$script")" && timeout 60 "$pd" "$(basename "$script")" 2>&1)" && verdict=pass ||
            verdict="fail: $(grep -m1 -iE 'error' <<<"$log" | cut -c1-200)"
        echo "$folder/$(basename "$script") $verdict" >>"$out"
    done
done
