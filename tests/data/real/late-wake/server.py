# SPDX-License-Identifier: GPL-2.0-only
# The server of the late-wake experiment: echo once, then keep the CPU for 5 ms.
import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); s.bind(('0.0.0.0',int(sys.argv[1]))); s.listen(1)
conn,addr=s.accept()
data=conn.recv(1024)
conn.send(data.upper())
t=time.time()
while time.time()-t<0.005: pass   # keep the CPU 5 ms after the echo
data=conn.recv(1024)
conn.close()
