#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs bulk.py once under bpftrace (drs-bpf.bt) and tcpdump: drs-bpf.txt has the
# client's receiver RTT samples and autotuning state at each segment and each copy,
# in time order (nanoseconds from the first line); drs-bpf.pcap the packets (Linux
# cooked v1, 128 bytes). Needs root and bpftrace (Debian: apt-get install bpftrace).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=35456
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bpftrace "$here/drs-bpf.bt" >"$tmp/raw.txt" 2>/dev/null &
bt=$!
sleep 4
timeout 20 tcpdump -U -i any -y LINUX_SLL -s 128 -w "$tmp/drs-bpf.pcap" "tcp port $port" >/dev/null 2>&1 &
dump=$!
sleep 1.5
timeout 10 python3 "$here/bulk.py" 2000000 "$port"
sleep 1
kill "$dump" "$bt"
wait "$dump" "$bt" || true
{
    echo "# $(uname -r), $(cat /proc/sys/net/ipv4/tcp_congestion_control); bulk.py 2000000 $port; drs-bpf.bt"
    grep -E '^[PAG] ' "$tmp/raw.txt" | sort -k2,2n | awk 'NR == 1 { t0 = $2 } { $2 = $2 - t0; print }'
} >"$here/drs-bpf.txt"
mv "$tmp/drs-bpf.pcap" "$here/drs-bpf.pcap"
