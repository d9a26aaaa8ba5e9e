#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: record.sh [NAME...]   (default: v1 v2 v3 v4)
# Records scenarios/NAME.toml on this machine's kernel with `./sim record`, keeping each
# run's capture (real.pcap) and its programs' call times (calls.csv), into
# tests/data/real/replay/NAME/run-K (RUNS times, default 5; v2, a race, 10). The test
# `recordings/recorded_runs_replay_from_their_own_timeline` derives each run's
# recorded.toml again (`sim record NAME --replay`) and compares its simulation with the
# capture. Needs root. Set SIM=path/to/sim to use a built binary without ./sim's build
# step. Never edit the captures by hand: run this again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
sim="${SIM:-$root/sim}"
names=("$@")
((${#names[@]})) || names=(v1 v2 v3 v4)
uname -r >"$here/kernel.txt"
for name in "${names[@]}"; do
    runs="${RUNS:-5}"
    [[ "$name" == v2 && -z "${RUNS:-}" ]] && runs=10
    for k in $(seq 1 "$runs"); do
        "$sim" record "$name" --out "$here/$name/run-$k" >/dev/null
        rm -f "$here/$name/run-$k/recorded.toml" # derived: the test makes it again
    done
done
