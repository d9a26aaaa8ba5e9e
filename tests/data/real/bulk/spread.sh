#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Records bulk.py's 2 MB transfer N times more (default 8) into spread/NN.pcap, exactly
# as record.sh does once: how much the receiver's windows vary from run to run on this
# machine (tests/e2e/test-recordings.cc checks that the simulation lies within). Needs
# root. The captures are kept as recorded: never edit them by hand.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runs="${1:-8}"
mkdir -p "$here/spread"
cat /proc/sys/net/ipv4/tcp_congestion_control >"$here/spread/congestion_control.txt"
for i in $(seq -w 1 "$runs"); do
    "$here/record.sh" "$here/spread/$i.pcap"
done
