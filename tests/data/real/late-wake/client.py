# SPDX-License-Identifier: GPL-2.0-only
# The client of the late-wake experiment: connect, wait 10 ms, send, recv, close.
import socket,sys,time
s=socket.socket(); s.connect(('127.0.0.1',int(sys.argv[1])))
time.sleep(0.01)
s.send(b'Hello, world!'); d=s.recv(1024); s.close()
