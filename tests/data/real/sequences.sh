#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# For each scenario folder, the distinct packet sequences of its recordings and how
# often each occurs, most common first. A packet is "C" (client to server) or "S",
# its flags and its payload length: "C SYN 0, S SYN,ACK 0, ...".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
for dir in "$here"/v*/; do
    name=$(basename "$dir")
    echo "== $name ($(ls -d "$dir"run-* | wc -l) recordings, kernel $(cat "$here/kernel.txt"))"
    for run in "$dir"run-*/; do
        "$here/sequence.sh" "$root/sim" "$run/real.pcap"
    done | sort | uniq -c | sort -rn
done
