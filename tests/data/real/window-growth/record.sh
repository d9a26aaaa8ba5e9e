#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: record.sh
# As record-scenario.sh, for the two window-growth scenarios: records
# tests/data/scenarios/window-growth.toml (a 130000-byte reply) into reply/run-K and
# tests/data/scenarios/window-growth-send.toml (a 100000-byte send) into send/run-K on
# this machine's kernel RUNS times each (default 10), and writes each one's packet
# sequences (flags and payload length per packet) with their counts to
# reply/sequences.txt and send/sequences.txt. Needs root. Captures are kept as
# recorded: never edit them by hand.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
runs="${RUNS:-10}"
sim="${SIM:-$root/sim}" # SIM=build/sim: a built binary, without ./sim's build step
uname -r >"$here/kernel.txt"
record() { # SCENARIO DIR
    local out="$here/$2"
    mkdir -p "$out"
    for k in $(seq 1 "$runs"); do
        "$sim" record "$root/tests/data/scenarios/$1.toml" --out "$out/run-$k" >/dev/null
    done
    for k in $(seq 1 "$runs"); do
        "$here/../sequence.sh" "$sim" "$out/run-$k/real.pcap"
    done | sort | uniq -c | sort -rn | tee "$out/sequences.txt"
}
record window-growth reply
record window-growth-send send
