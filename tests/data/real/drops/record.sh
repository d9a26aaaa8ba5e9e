#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: record.sh   (as root; needs the ip and nft commands: iproute2, nftables)
# Records tests/data/scenarios/drop-{data,reply}.toml on this machine's kernel, RUNS
# times each (default 10), with `sim record`: the client and the server each in a
# network namespace, a bridge between them that drops the scenario's [link] drop
# packets. Each run's capture (real.pcap, the client's interface) and its programs'
# call times (calls.csv) go into tests/data/real/drops/NAME/run-K, and each
# scenario's packet sequences with their counts into NAME/sequences.txt. Set
# SIM=path/to/sim to use a built binary without ./sim's build step. Never edit the
# captures by hand: run this again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
sim="${SIM:-$root/sim}"
runs="${RUNS:-10}"
uname -r >"$here/kernel.txt"
for name in data reply; do
    out="$here/$name"
    mkdir -p "$out"
    for k in $(seq 1 "$runs"); do
        "$sim" record "$root/tests/data/scenarios/drop-$name.toml" --out "$out/run-$k" >/dev/null
        rm -f "$out/run-$k/recorded.toml" # derived: `sim record ... --replay` makes it again
    done
    for k in $(seq 1 "$runs"); do
        "$here/../sequence.sh" "$sim" "$out/run-$k/real.pcap"
    done | sort | uniq -c | sort -rn >"$out/sequences.txt"
done
