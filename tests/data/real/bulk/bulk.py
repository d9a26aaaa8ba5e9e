# SPDX-License-Identifier: GPL-2.0-only
# A 2 MB response over loopback (record.sh): argv: body size, server port (the
# client binds port + 1).
import socket, sys, time, threading
N = int(sys.argv[1]); PORT = int(sys.argv[2])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", PORT)); srv.listen(1)
def server():
    c, _ = srv.accept()
    c.recv(65536)
    hdr = ("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: %d\r\n\r\n" % N).encode()
    c.sendall(hdr); c.sendall(b"x" * N)
    time.sleep(0.3); c.close()
t = threading.Thread(target=server); t.start()
cl = socket.socket(); cl.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); cl.bind(("127.0.0.1", PORT + 1)); cl.connect(("127.0.0.1", PORT))
time.sleep(0.01)
cl.sendall(b"G" * 383)
got = 0
while got < N + 67:
    d = cl.recv(65536)
    if not d: break
    got += len(d)
time.sleep(0.05); cl.close(); t.join()
