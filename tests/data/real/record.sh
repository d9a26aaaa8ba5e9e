#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Records v1-v4 on this machine's kernel, RUNS times each (default 10), with
# `./sim record` (the scenario's programs, real sockets, captured on "any" as Linux
# cooked v1), into tests/data/real/NAME/run-K/real.pcap. Then counts which packet
# sequences occur (direction, flags, payload length per packet) and writes them to
# sequences.txt. Needs root. Captures are kept as recorded: never edit them by hand.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
runs="${RUNS:-10}"
uname -r >"$here/kernel.txt"
for name in v1 v2 v3 v4; do
    for k in $(seq 1 "$runs"); do
        mkdir -p "$here/$name"
        "$root/sim" record "$name" --out "$here/$name/run-$k" >/dev/null
    done
done
"$here/sequences.sh" >"$here/sequences.txt"
cat "$here/sequences.txt"
