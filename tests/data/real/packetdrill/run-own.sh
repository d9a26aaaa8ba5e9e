#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: run-own.sh PACKETDRILL_BINARY   (as root)
# Runs this project's own scripts (tests/drill/*.pkt) on this machine's kernel with a
# packetdrill built from a fetched copy (not part of this project), one line per script
# into own-verdicts.txt here: which of the model's scripts the kernel itself passes.
# The scripts change sysctls and `sim drill` runs each on a fresh profile: every
# net.ipv4.tcp_* and net.core.* value is saved first and put back after each script.
set -euo pipefail
pd="$(realpath "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
drill="$(cd "$here/../../../drill" && pwd)"
# shellcheck source=sysctls.sh
source "$here/sysctls.sh"
out="$here/own-verdicts.txt"
{
    echo "# $(uname -r), net.ipv4.tcp_congestion_control=$(sysctl -n net.ipv4.tcp_congestion_control)"
    for script in "$drill"/*.pkt; do
        log="$(cd "$drill" && timeout 60 "$pd" "$(basename "$script")" 2>&1)" && verdict=pass ||
            verdict="fail: $(grep -m1 -iE 'error' <<<"$log" | cut -c1-200)"
        echo "$(basename "$script") $verdict"
        sysctls_restore
    done
} >"$out"
