#!/usr/bin/env python3
"""Event-stream readers that never read (loopback only, not part of `dotnet test`).

Starts the service from a built folder, trains --jobs adaline jobs of 1 sample x 1000 features and 1997 epochs (a
history of about 40 MB each, replayed to every stream), then opens --streams event streams on them from one address
with a small receive buffer and never reads. Prints how many streams were served (200), refused (429) or closed at
connect (Server:MaxConnectionsPerClient, Server:MaxConcurrentConnections), the server's RSS and the kernel's TCP
memory (/proc/net/sockstat) and the server side's socket buffers (`ss -tm`), how long until the server closed the
stalled streams (Training:EventWriteTimeout), and how long a SIGTERM takes with a fresh set of stalled streams open.

  dotnet publish src/PerceptronApi -c Release -o /tmp/perceptron-app
  python3 tests/abuse/stalled-streams.py /tmp/perceptron-app --streams 300
Extra settings go to the service as arguments: --setting Training:MaxStreamsPerClient=1000 (repeatable).
"""
import argparse, http.client, json, os, re, signal, socket, subprocess, time

parser = argparse.ArgumentParser()
parser.add_argument("app_dir")
parser.add_argument("--streams", type=int, default=300)
parser.add_argument("--jobs", type=int, default=3)
parser.add_argument("--watch", type=float, default=100, help="seconds to wait for the server to close stalled streams")
parser.add_argument("--setting", action="append", default=[])
args = parser.parse_args()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

port = free_port()
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Serilog__MinimumLevel__Default="Warning")
command = ["dotnet", "PerceptronApi.dll", "--urls", f"http://127.0.0.1:{port}"] + [f"--{s}" for s in args.setting]
server = subprocess.Popen(command, cwd=args.app_dir, env=env, stdout=subprocess.DEVNULL, stderr=open("/tmp/stalled-server.log", "w"))

def rss_mib():
    with open(f"/proc/{server.pid}/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))

def tcp_mem_mib():
    with open("/proc/net/sockstat") as sockstat:
        line = next(l for l in sockstat if l.startswith("TCP:"))
    return int(line.split("mem")[1].split()[0]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def sockets(peers=None):
    """(server-side connections established, from `peers` client ports if given; bytes queued in the send and receive
    buffers of both ends of every connection to the port)."""
    out = subprocess.run(["ss", "-tmnH", "state", "established", f"( sport = :{port} or dport = :{port} )"], capture_output=True, text=True).stdout
    alloc = sum(int(r) + int(t) for r, t in re.findall(r"skmem:\(r(\d+),rb\d+,t(\d+)", out))
    served = [int(m) for m in re.findall(rf"127\.0\.0\.1:{port}\s+127\.0\.0\.1:(\d+)", out)]
    return len([p for p in served if peers is None or p in peers]), alloc

def call(method, path, body=None, headers=None, timeout=300):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=json.dumps(body).encode() if body else None, headers=headers or {})
    r = c.getresponse(); payload = r.read(); c.close()
    return r.status, payload

deadline = time.time() + 60
while True:
    try:
        if call("GET", "/health/ready", timeout=5)[0] == 200:
            break
    except OSError:
        pass
    if time.time() > deadline:
        raise SystemExit("the service did not start")
    time.sleep(0.2)

job = {"inputs": [[(i % 7) / 7 for i in range(1000)]], "labels": [1], "algorithm": "adaline", "learningRate": 1e-6, "maxEpochs": 1997}
ids = []
for _ in range(args.jobs):
    status, payload = call("POST", "/api/v1/training-jobs", job, {"Content-Type": "application/json", "Prefer": "wait=120"})
    ids.append(json.loads(payload)["id"])
while any(json.loads(call("GET", f"/api/v1/training-jobs/{i}?history=false")[1])["status"] in ("queued", "running") for i in ids):
    time.sleep(0.5)

def open_streams():
    held = []
    for n in range(args.streams):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(f"GET /api/v1/training-jobs/{ids[n % len(ids)]}/events HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n".encode())
        except OSError:
            pass
        held.append(s)
    time.sleep(3)
    kinds, streaming = {"200": 0, "429": 0, "closed": 0}, set()
    for s in held:
        try:
            s.settimeout(2)
            head = s.recv(16, socket.MSG_PEEK)
        except OSError:
            head = b""
        kind = head[9:12].decode() if head else "closed"
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "200":
            streaming.add(s.getsockname()[1])
    return held, kinds, streaming

rss_idle, tcp_idle = rss_mib(), tcp_mem_mib()
held, kinds, streaming = open_streams()
opened = time.time()
connections, buffers = sockets()
print(f"load average {os.getloadavg()[0]:.1f}; {args.streams} streams on {len(ids)} jobs: {kinds}")
print(f"RSS MiB {rss_idle} -> {rss_mib()}; kernel TCP memory MiB {tcp_idle:.1f} -> {tcp_mem_mib():.1f}; "
      f"{connections} connections established, {buffers / 2**20:.1f} MiB queued in their socket buffers (ss -tm)")
closed_after = None
while time.time() - opened < args.watch:
    if sockets(streaming)[0] == 0:
        closed_after = time.time() - opened
        break
    time.sleep(1)
print(f"stalled streams closed by the server after {closed_after:.0f} s" if closed_after is not None
      else f"stalled streams still open after {args.watch:.0f} s ({sockets(streaming)[0]} of {len(streaming)})")
print(f"RSS MiB after they closed {rss_mib()}; kernel TCP memory MiB {tcp_mem_mib():.1f}")
for s in held:
    s.close()

held, kinds, _ = open_streams()
started = time.time()
server.send_signal(signal.SIGTERM)
server.wait(timeout=120)
print(f"shutdown with {kinds.get('200', 0)} stalled streams open: {time.time() - started:.1f} s (exit {server.returncode})")
for s in held:
    s.close()
