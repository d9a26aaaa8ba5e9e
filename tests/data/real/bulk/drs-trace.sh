#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs bulk.py N times (default 3) with the kernel's tcp:tcp_rcvbuf_grow tracepoint on
# (6.16+): each line is one receive-buffer growth of the client's socket with the
# kernel's own figures (rtt_us, copied, inq, space, rcvbuf). Output: drs-trace.txt.
# Needs root and tracefs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=35456
runs="${1:-3}"
t=/sys/kernel/tracing
[ -e "$t/events" ] || mount -t tracefs nodev "$t"
out="$here/drs-trace.txt"
{
    echo "# $(uname -r), $(cat /proc/sys/net/ipv4/tcp_congestion_control); one block per run of bulk.py 2000000 $port"
    for i in $(seq 1 "$runs"); do
        echo 0 >"$t/tracing_on"
        : >"$t/trace"
        echo 1 >"$t/events/tcp/tcp_rcvbuf_grow/enable"
        echo 1 >"$t/tracing_on"
        timeout 10 python3 "$here/bulk.py" 2000000 "$port"
        echo 0 >"$t/tracing_on"
        echo 0 >"$t/events/tcp/tcp_rcvbuf_grow/enable"
        echo "run $i"
        grep -o 'time=.* rcv_wnd=[0-9]*' "$t/trace" || echo "(no growth)"
    done
} >"$out"
