#!/usr/bin/env bash
# Records bulk.py's 2 MB transfer N times more (default 8) into spread/NN.pcap, exactly
# as record.sh does once: how much the receiver's windows vary from run to run on this
# machine (tests/e2e/test-recordings.cc checks that the simulation lies within). Needs
# root. The captures are kept as recorded: never edit them by hand.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=35456
runs="${1:-8}"
mkdir -p "$here/spread"
uname -r >"$here/spread/kernel.txt"
cat /proc/sys/net/ipv4/tcp_congestion_control >"$here/spread/congestion_control.txt"
for i in $(seq -w 1 "$runs"); do
    out="$here/spread/$i.pcap"
    rm -f "$out"
    timeout 20 tcpdump -U -i any -y LINUX_SLL -s 128 -w "$out" "tcp port $port" >/dev/null 2>&1 &
    dump=$!
    sleep 1.5
    timeout 10 python3 "$here/bulk.py" 2000000 "$port"
    sleep 1
    kill "$dump"
    wait "$dump" || true
done
