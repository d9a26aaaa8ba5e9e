# SPDX-License-Identifier: GPL-2.0-only
# How long a loopback send() of 64 KiB and a recv() of 32 KiB take on this machine
# (the time per KiB the linux-6.18 profile's [scheduler] uses). A send() includes the
# receiving softirq that each loopback transmit runs on the same CPU; both include
# Python's call overhead. The sender pauses every 8 sends so the reader is rarely
# ahead of it. Run: python3 copy_cost.py (prints the medians of each run).
import socket, statistics, sys, threading, time

N = 4000


def run():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    buf = b"x" * 65536
    st, rt = [], []

    def server():
        c, _ = srv.accept()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
        time.sleep(0.05)
        for i in range(N):
            t = time.perf_counter_ns()
            c.sendall(buf)
            st.append(time.perf_counter_ns() - t)
            if i % 8 == 7:
                time.sleep(0.0002)
        c.close()

    th = threading.Thread(target=server)
    th.start()
    cl = socket.socket()
    cl.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    cl.connect(("127.0.0.1", port))
    b = bytearray(32768)
    while True:
        t = time.perf_counter_ns()
        n = cl.recv_into(b, 32768)
        d = time.perf_counter_ns() - t
        if n == 0:
            break
        if n == 32768:
            rt.append(d)
    th.join()
    cl.close()
    srv.close()
    return statistics.median(st) / 64, statistics.median(rt) / 32


runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
for _ in range(runs):
    s, r = run()
    print(f"send {s:.0f} ns/KiB  recv {r:.0f} ns/KiB")
