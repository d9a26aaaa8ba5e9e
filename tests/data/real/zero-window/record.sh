#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: record.sh   (as root)
# Records tests/data/scenarios/zero-window.toml on this machine's kernel RUNS times
# (default 10) with `sim record`: each run's capture (real.pcap) and its programs' call
# times (calls.csv) into run-K here, and the packet sequences with their counts into
# sequences.txt. Set SIM=path/to/sim to use a built binary without ./sim's build step.
# Never edit the captures by hand: run this again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
sim="${SIM:-$root/sim}"
runs="${RUNS:-10}"
uname -r >"$here/kernel.txt"
for k in $(seq 1 "$runs"); do
    "$sim" record "$root/tests/data/scenarios/zero-window.toml" --out "$here/run-$k" >/dev/null
    rm -f "$here/run-$k/recorded.toml" # derived: `sim record ... --replay` makes it again
done
for k in $(seq 1 "$runs"); do
    "$here/../sequence.sh" "$sim" "$here/run-$k/real.pcap"
done | sort | uniq -c | sort -rn >"$here/sequences.txt"
