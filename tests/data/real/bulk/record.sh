#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Records a 2 MB HTTP-style response over loopback on this machine's kernel: bulk.py
# (a Python server that sends a 67-byte header and the body with sendall(), a client
# that sends a 383-byte request and reads 64 KiB per recv() as fast as it can),
# captured on "any" as Linux cooked v1 into real.pcap. Compared with the simulation of
# tests/data/scenarios/bulk-618.toml by tests/e2e/test-recordings.cc. Needs root.
# The capture is kept as recorded: never edit it by hand.
# Usage: record.sh [OUT.pcap] (default real.pcap here; spread.sh uses it for more runs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=35456
out="${1:-$here/real.pcap}"
uname -r >"$(dirname "$out")/kernel.txt"
rm -f "$out"
timeout 20 tcpdump -U -i any -y LINUX_SLL -s 128 -w "$out" "tcp port $port" >/dev/null 2>&1 &
dump=$!
sleep 1.5
timeout 10 python3 "$here/bulk.py" 2000000 "$port"
sleep 1
kill "$dump"
wait "$dump" || true
