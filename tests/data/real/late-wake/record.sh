#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The late-wake experiment (as root): does what the receive path sends wait until the
# task it woke gets the CPU? The server (SCHED_FIFO) and the client share CPU 0; after
# sending its echo the server keeps the CPU for 5 ms, so the client, woken by the echo,
# cannot run for 5 ms. If the client's quick ACK of the echo waited for the client, it
# would leave 5 ms late; on this machine it leaves at once and only the client's FIN
# waits. Writes real.pcap (tcpdump on "any", Linux cooked v1) and kernel.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
port=12394
uname -r >kernel.txt
tcpdump -i any -y LINUX_SLL -w real.pcap -U "tcp port $port" 2>/dev/null &
capture=$!
sleep 1.5
chrt -f 50 taskset -c 0 python3 server.py "$port" &
server=$!
sleep 0.3
taskset -c 0 python3 client.py "$port"
wait "$server"
sleep 0.5
kill "$capture"
wait "$capture" 2>/dev/null || true
