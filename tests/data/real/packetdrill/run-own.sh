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
saved="$(mktemp)"
sysctl -a 2>/dev/null | grep -E '^net\.(ipv4\.tcp_|core\.)' >"$saved"
restore() {
    restore_each
    rm -f "$saved"
}
restore_each() {
    while IFS= read -r line; do
        key="${line%% =*}"
        case "$key" in
        net.ipv4.tcp_available_congestion_control | net.ipv4.tcp_fastopen_key) continue ;;
        esac
        sysctl -q -w "$key=${line#* = }" 2>/dev/null || true
    done <"$saved"
}
trap restore EXIT
out="$here/own-verdicts.txt"
{
    echo "# $(uname -r), net.ipv4.tcp_congestion_control=$(sysctl -n net.ipv4.tcp_congestion_control)"
    for script in "$drill"/*.pkt; do
        log="$(cd "$drill" && timeout 60 "$pd" "$(basename "$script")" 2>&1)" && verdict=pass ||
            verdict="fail: $(grep -m1 -iE 'error' <<<"$log" | cut -c1-200)"
        echo "$(basename "$script") $verdict"
        restore_each
    done
} >"$out"
