#!/usr/bin/env python3
"""Opens a bounded number of idle loopback connections to a PerceptronApi and checks that it stays alive.

Usage: connection-flood.py PORT PID [CONNECTIONS=1100] [HOLD_SECONDS=20]
Run the server under a low descriptor limit to reproduce descriptor exhaustion, e.g.
  (ulimit -n 1024; exec dotnet PerceptronApi.dll --urls http://127.0.0.1:PORT) &
Prints how many connections were opened, how many the server closed (refused), whether /health/live answered
during and after the flood, and whether the process is still running.
"""
import os, socket, sys, time, urllib.request

port, pid = int(sys.argv[1]), int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 1100
hold = float(sys.argv[4]) if len(sys.argv) > 4 else 20

def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False

def probe():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=5) as response:
            return response.status
    except Exception as error:  # noqa: BLE001 - any failure is a failed probe
        return type(error).__name__

def fds():
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None

sockets, failed = [], 0
for _ in range(count):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        sockets.append(s)
    except OSError:
        failed += 1
time.sleep(2)
# A connection the server refused is closed by it: a non-blocking read sees end of stream.
closed = 0
for s in sockets:
    s.setblocking(False)
    try:
        if s.recv(1) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
during = probe()
print(f"opened {len(sockets)} connections ({failed} failed to connect), server closed {closed}; server fds {fds()}; /health/live during: {during}")
deadline = time.time() + hold
while time.time() < deadline and alive():
    time.sleep(1)
for s in sockets:
    s.close()
time.sleep(2)
print(f"after closing: /health/live {probe()}; process alive: {alive()}")
