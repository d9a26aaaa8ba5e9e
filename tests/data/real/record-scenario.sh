#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: record-scenario.sh NAME
# Records tests/data/scenarios/NAME.toml on this machine's kernel RUNS times (default
# 10) with `./sim record`, into tests/data/real/NAME/run-K/real.pcap, and writes the
# packet sequences (flags and payload length per packet) with their counts to
# tests/data/real/NAME/sequences.txt. Needs root. Captures are kept as recorded:
# never edit them by hand.
set -euo pipefail
name="${1:?usage: record-scenario.sh NAME (a file in tests/data/scenarios)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
runs="${RUNS:-10}"
out="$here/$name"
mkdir -p "$out"
uname -r >"$out/kernel.txt"
for k in $(seq 1 "$runs"); do
    "$root/sim" record "$root/tests/data/scenarios/$name.toml" --out "$out/run-$k" >/dev/null
done
for k in $(seq 1 "$runs"); do
    "$here/sequence.sh" "$root/sim" "$out/run-$k/real.pcap"
done | sort | uniq -c | sort -rn | tee "$out/sequences.txt"
