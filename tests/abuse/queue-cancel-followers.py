#!/usr/bin/env python3
"""Three abuse measurements on one service (loopback only, bounded, not part of `dotnet test`):

  queue    POST + DELETE of queued jobs while both workers are busy, --cycles times: the server's RSS before and
           after, and the bytes per cycle (a queue that kept something of every deleted job grows by that much);
  cancel   --cancels small jobs, each canceled at once as it runs or finishes: how the cancels were answered, and how
           many 202 answers that said "canceled" belong to a job that ended any other way (the answer must tell the
           truth: 0);
  follow   one training job timed alone, with --followers event streams reading it, and with as many that never
           read (small receive buffers): the job's own time (startedAt to finishedAt) in each case. Every follower
           gets the same serialized records, so followers should cost the job little.

  dotnet publish src/PerceptronApi -c Release -o /tmp/perceptron-app
  python3 tests/abuse/queue-cancel-followers.py /tmp/perceptron-app
The per-client stream and connection caps are lifted for the run (--setting adds more), so the followers measure the
job's cost of serving them, not the caps.
"""
import argparse, http.client, json, os, random, socket, statistics, subprocess, threading, time
from datetime import datetime

parser = argparse.ArgumentParser()
parser.add_argument("app_dir")
parser.add_argument("--cycles", type=int, default=20000)
parser.add_argument("--cancels", type=int, default=300)
parser.add_argument("--followers", type=int, default=100)
parser.add_argument("--setting", action="append", default=[])
args = parser.parse_args()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

port = free_port()
settings = ["Server:MaxConnectionsPerClient=0", "Training:MaxStreamsPerClient=1000", "Training:MaxStreamsPerJob=1000",
            "Training:MaxActiveJobsPerClient=1000", "Training:Workers=2"] + args.setting
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Serilog__MinimumLevel__Default="Warning")
server = subprocess.Popen(["dotnet", "PerceptronApi.dll", "--urls", f"http://127.0.0.1:{port}"] + [f"--{s}" for s in settings],
                          cwd=args.app_dir, env=env, stdout=subprocess.DEVNULL, stderr=open("/tmp/queue-cancel-followers.log", "w"))

def rss_mib():
    with open(f"/proc/{server.pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))

local = threading.local()
def call(method, path, body=None, headers=None, timeout=120):
    if getattr(local, "conn", None) is None:
        local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        local.conn.connect()
        # Headers and body go out as two writes: without this, delayed ACKs hold every request back ~40 ms.
        local.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        local.conn.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                           headers=dict({"Content-Type": "application/json"} if body is not None else {}, **(headers or {})))
        r = local.conn.getresponse(); payload = r.read()
    except (OSError, http.client.HTTPException):
        local.conn.close(); local.conn = None; raise
    return r.status, json.loads(payload) if payload and "json" in (r.getheader("Content-Type") or "") else None

deadline = time.time() + 60
while True:
    try:
        if call("GET", "/health/ready", timeout=5)[0] == 200: break
    except OSError: local.conn = None
    if time.time() > deadline: raise SystemExit("the service did not start")
    time.sleep(0.2)

JOBS = "/api/v1/training-jobs"
# Pocket on contradictory samples never converges; stopOnCycle false keeps it from stopping at the repeat.
blocker = {"inputs": [[0, 0], [0, 0]] * 1000, "labels": [0, 1] * 1000, "algorithm": "pocket", "maxEpochs": 10000, "stopOnCycle": False}

def when(text):
    # "2026-12-02T19:46:50.9262143Z": Python reads at most six digits of a fraction.
    whole, _, fraction = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(fraction + '000000')[:6]}+00:00")

try:
    # ---- queue: POST + DELETE of queued jobs, both workers busy -------------------------------------------------
    def start(body):
        status, job = call("POST", JOBS, body)
        if status not in (201, 202): raise SystemExit(f"POST {JOBS} answered {status}: {job}")
        return job
    blockers = [start(blocker)["id"] for _ in range(2)]
    for _ in range(200):  # warm up the paths before the first reading
        _, job = call("POST", JOBS, {"gate": "AND"}); call("DELETE", f"{JOBS}/{job['id']}")
    time.sleep(1)
    # Two rounds: the first may still grow the heap to its working size; a leak grows both alike.
    for round in (1, 2):
        before = rss_mib(); t0 = time.time(); statuses = {}
        for _ in range(args.cycles):
            status, job = call("POST", JOBS, {"gate": "AND"})
            statuses[status] = statuses.get(status, 0) + 1
            if status == 202: call("DELETE", f"{JOBS}/{job['id']}")
        time.sleep(1)
        after = rss_mib()
        print(f"queue, round {round}: {args.cycles} POST+DELETE cycles in {time.time() - t0:.1f} s (answers {statuses}); RSS "
              f"{before:.0f} -> {after:.0f} MiB, {(after - before) * 2**20 / args.cycles:.0f} bytes per cycle")
    for b in blockers: call("POST", f"{JOBS}/{b}/cancel")

    # ---- cancel racing completion ------------------------------------------------------------------------------
    answers = {}; lies = 0
    # XOR's four rows 50 times over: never converges, runs its 300 epochs in a few milliseconds.
    small = {"inputs": [[i % 2, (i // 2) % 2] for i in range(200)], "labels": [1 if i % 4 in (1, 2) else 0 for i in range(200)],
             "maxEpochs": 300, "stopOnCycle": False}
    for n in range(args.cancels):
        _, job = call("POST", JOBS, small)
        time.sleep(random.random() * 0.008)
        status, view = call("POST", f"{JOBS}/{job['id']}/cancel")
        key = f"{status} {view.get('status') if status != 409 else 'finished first'}"
        answers[key] = answers.get(key, 0) + 1
        while True:
            _, final = call("GET", f"{JOBS}/{job['id']}?history=false")
            if final["status"] not in ("queued", "running"): break
            time.sleep(0.01)
        if status == 202 and view.get("status") == "canceled" and final["status"] != "canceled": lies += 1
        call("DELETE", f"{JOBS}/{job['id']}")
    print(f"cancel: {args.cancels} cancels racing completion: {dict(sorted(answers.items()))}; "
          f"202 \"canceled\" for a job that ended otherwise: {lies}")

    # ---- followers: the job's own time alone, with readers, with stalled readers ------------------------------------
    rng = random.Random(7)
    data = {"inputs": [[rng.uniform(-1, 1) for _ in range(20)] for _ in range(2000)], "labels": [rng.randint(0, 1) for _ in range(2000)],
            "algorithm": "pocket", "maxEpochs": 1500, "stopOnCycle": False}

    def timed(followers):
        _, job = call("POST", JOBS, data)
        jid = job["id"]; threads = []; socks = []
        def read():
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            c.request("GET", f"{JOBS}/{jid}/events"); r = c.getresponse()
            while r.read(65536): pass
        for _ in range(followers if followers > 0 else 0):
            t = threading.Thread(target=read, daemon=True); t.start(); threads.append(t)
        for _ in range(-followers if followers < 0 else 0):
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096); s.connect(("127.0.0.1", port))
            s.sendall(f"GET {JOBS}/{jid}/events HTTP/1.1\r\nHost: x\r\n\r\n".encode()); socks.append(s)
        while True:
            _, view = call("GET", f"{JOBS}/{jid}?history=false")
            if view["status"] not in ("queued", "running"): break
            time.sleep(0.05)
        for s in socks: s.close()
        for t in threads: t.join(timeout=60)
        call("DELETE", f"{JOBS}/{jid}")
        return (when(view["finishedAt"]) - when(view["startedAt"])).total_seconds(), view["progress"]["epoch"]

    rounds = {"alone": [], f"{args.followers} reading": [], f"{args.followers} stalled": []}
    for _ in range(3):
        for name, followers in zip(rounds, (0, args.followers, -args.followers)):
            rounds[name].append(timed(followers)[0])
    alone = statistics.median(rounds["alone"])
    print("follow: one pocket job, 2000 x 20, 1500 epochs; median of 3 (startedAt to finishedAt): " + "; ".join(
        f"{name} {statistics.median(times):.2f} s ({statistics.median(times) / alone:.2f}x)" for name, times in rounds.items()))
    print(f"load average {os.getloadavg()[0]:.2f}")
finally:
    server.terminate(); server.wait(timeout=30)
