# SPDX-License-Identifier: GPL-2.0-only
# The send buffer Linux gives a loopback connection once it is established
# (tcp_init_buffer_space() -> tcp_sndbuf_expand()), read back with SO_SNDBUF on the
# accepting side, for each congestion control the listener is given (TCP_CONGESTION is
# inherited by the accepted socket). Run: python3 sndbuf.py > result.txt
import socket

TCP_CONGESTION = getattr(socket, "TCP_CONGESTION", 13)


def sndbuf(cc):
    srv = socket.socket()
    srv.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, cc.encode())
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cl = socket.socket()
    cl.connect(srv.getsockname())
    conn, _ = srv.accept()
    got = conn.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    for s in (conn, cl, srv):
        s.close()
    return got


with open("/proc/sys/net/ipv4/tcp_congestion_control") as f:
    print("net.ipv4.tcp_congestion_control =", f.read().strip())
with open("/proc/sys/net/ipv4/tcp_wmem") as f:
    print("net.ipv4.tcp_wmem =", f.read().split())
with open("/proc/sys/kernel/osrelease") as f:
    print("kernel", f.read().strip())
for cc in ("cubic", "bbr"):
    print(cc, "SO_SNDBUF after accept:", sndbuf(cc))
