#!/usr/bin/env python3
"""A bounded soak of PerceptronApi on loopback (not part of `dotnet test`).

Starts the service from a built folder, then for --seconds (default 180) runs at once: predictions (gates, the
tutorial's weights, a sigmoid network), training jobs (gates and small own data, some long), event-stream readers
that read to the end, event-stream readers that never read (stalled), cancels, deletes and list pages. Then it stops
the load, closes the stalled streams and waits for every job to end.

Prints: requests sent, answers by status, errors (anything but the expected 2xx/4xx, 429 and 503; connection
failures count), RSS at start (after warm-up), peak and end, and jobs not final at the end (should be 0).

  dotnet build src/PerceptronApi -c Release -o /tmp/perceptron-soak
  python3 tests/abuse/soak.py /tmp/perceptron-soak --seconds 180
Extra settings go to the service as arguments: --setting Training:Workers=2 (repeatable).
"""
import argparse, collections, http.client, json, os, random, socket, subprocess, sys, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("app_dir")
parser.add_argument("--seconds", type=float, default=180)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--stalled", type=int, default=60, help="event streams opened and never read")
parser.add_argument("--setting", action="append", default=[])
args = parser.parse_args()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

port = args.port or free_port()
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Serilog__MinimumLevel__Default="Warning")
command = ["dotnet", "PerceptronApi.dll", "--urls", f"http://127.0.0.1:{port}"] + [f"--{s}" for s in args.setting]
server = subprocess.Popen(command, cwd=args.app_dir, env=env, stdout=subprocess.DEVNULL, stderr=open("/tmp/soak-server.log", "w"))

def rss_mib():
    try:
        with open(f"/proc/{server.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0

lock = threading.Lock()
statuses = collections.Counter()
errors = collections.Counter()
requests = 0
job_ids = []
stop = threading.Event()
EXPECTED = {200, 201, 202, 204, 400, 404, 409, 413, 415, 429, 503}

def record(status, what):
    global requests
    with lock:
        requests += 1
        statuses[status] += 1
        if status not in EXPECTED:
            errors[f"{status} {what}"] += 1

class Client:
    def __init__(self):
        self.connection = None

    def call(self, method, path, body=None, headers=None, what=""):
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
                hdrs = {"Content-Type": "application/json"} if data is not None else {}
                hdrs.update(headers or {})
                self.connection.request(method, path, body=data, headers=hdrs)
                response = self.connection.getresponse()
                payload = response.read()
                record(response.status, what or f"{method} {path.split('?')[0][:40]}")
                return response.status, payload
            except (OSError, http.client.HTTPException) as error:
                self.connection = None
                if attempt == 2:
                    record(f"connection-error ({type(error).__name__})", what or path)
                    return None, b""
        return None, b""

def wait_ready(deadline=60):
    end = time.time() + deadline
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2); c.request("GET", "/health/ready")
            if c.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.3)
    return False

PREDICTIONS = [
    {"bias": 0.4, "weights": [0.7, -0.2], "target": "NOR"},
    {"gate": "XOR"},
    {"bias": -0.5, "weights": [0.6, 0.6], "activation": "sigmoid", "inputs": [[random.random(), random.random()] for _ in range(200)]},
    {"layers": [[{"bias": 0, "weights": [0.6] * 8} for _ in range(16)], [{"bias": 0, "weights": [0.1] * 16}]], "activation": "sigmoid",
     "inputs": [[random.random() for _ in range(8)] for _ in range(300)]},
]

def small_job():
    choice = random.random()
    if choice < 0.5:
        return {"gate": random.choice(["AND", "OR", "NOR", "NAND", "XOR"]), "algorithm": random.choice(["perceptron", "pocket", "averaged", "adaline"]),
                "maxEpochs": random.choice([20, 100, 500])}
    if choice < 0.9:
        n = random.randint(10, 400)
        return {"inputs": [[random.random(), random.random(), random.random()] for _ in range(n)], "labels": [random.randint(0, 1) for _ in range(n)],
                "algorithm": random.choice(["perceptron", "pocket", "adaline"]), "learningRate": 0.05, "maxEpochs": random.choice([50, 300])}
    # Long: XOR repeated, never converges.
    return {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]] * 500, "labels": [0, 1, 1, 0] * 500, "maxEpochs": 3000}

def predictor():
    client = Client()
    while not stop.is_set():
        client.call("POST", "/api/v1/predict", random.choice(PREDICTIONS), what="POST predict")

def submitter():
    client = Client()
    while not stop.is_set():
        status, payload = client.call("POST", "/api/v1/training-jobs", small_job(), what="POST training-jobs")
        if status in (201, 202):
            with lock:
                job_ids.append(json.loads(payload)["id"])
        elif status == 503:
            time.sleep(0.2)
        time.sleep(0.02)

def recent_job():
    with lock:
        return random.choice(job_ids[-200:]) if job_ids else None

def reader():
    while not stop.is_set():
        job = recent_job()
        if job is None:
            time.sleep(0.1); continue
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("GET", f"/api/v1/training-jobs/{job}/events")
            response = c.getresponse()
            while not stop.is_set() and response.read1(65536):
                pass
            record(response.status, "GET events")
            c.close()
        except (OSError, http.client.HTTPException) as error:
            record(f"connection-error ({type(error).__name__})", "GET events")

def operator():
    client = Client()
    while not stop.is_set():
        job = recent_job()
        if job is None:
            time.sleep(0.1); continue
        action = random.random()
        if action < 0.3:
            client.call("POST", f"/api/v1/training-jobs/{job}/cancel", what="POST cancel")
        elif action < 0.5:
            client.call("DELETE", f"/api/v1/training-jobs/{job}", what="DELETE job")
        elif action < 0.7:
            client.call("GET", "/api/v1/training-jobs?limit=50", what="GET list")
        elif action < 0.85:
            client.call("GET", f"/api/v1/training-jobs/{job}/history?from=0&limit=100", what="GET history")
        else:
            client.call("POST", f"/api/v1/training-jobs/{job}/predict", {"inputs": [[0, 1]]}, what="POST job predict")
        time.sleep(0.01)

if not wait_ready():
    print("the service did not become ready"); server.kill(); sys.exit(2)
warm = Client()
for _ in range(200):
    warm.call("POST", "/api/v1/predict", PREDICTIONS[0])
time.sleep(1)
rss_start = rss_mib(); rss_peak = rss_start
started = time.time()

threads = [threading.Thread(target=f, daemon=True) for f in [predictor] * 3 + [submitter] * 2 + [reader] * 6 + [operator] * 2]
for t in threads:
    t.start()

# Stalled readers: open streams and never read them.
stalled = []
for i in range(args.stalled):
    time.sleep(min(1.0, args.seconds / 4 / max(1, args.stalled)))
    job = recent_job()
    if job is None:
        continue
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(f"GET /api/v1/training-jobs/{job}/events HTTP/1.1\r\nHost: soak\r\n\r\n".encode())
        stalled.append(s)
    except OSError:
        pass

while time.time() - started < args.seconds:
    rss_peak = max(rss_peak, rss_mib())
    time.sleep(0.5)
stop.set()
for t in threads:
    t.join(timeout=70)
for s in stalled:
    s.close()

# Every job must end: wait for none to be queued or running.
client = Client()
not_final = None
deadline = time.time() + 120
while time.time() < deadline:
    counts = 0
    for status in ("queued", "running"):
        code, payload = client.call("GET", f"/api/v1/training-jobs?status={status}&limit=1000", what="GET list (final check)")
        if code == 200:
            counts += len(json.loads(payload)["items"])
    rss_peak = max(rss_peak, rss_mib())
    not_final = counts
    if counts == 0:
        break
    time.sleep(1)
time.sleep(3)
rss_end = rss_mib()
healthy = client.call("GET", "/health/ready", what="GET ready")[0]
elapsed = time.time() - started

server.terminate()
try:
    server.wait(timeout=40)
except subprocess.TimeoutExpired:
    server.kill()

other = {k: v for k, v in statuses.items()}
print(f"duration {elapsed:.0f} s; requests {requests} ({requests / elapsed:.0f}/s); jobs submitted {len(job_ids)}; stalled streams {len(stalled)}")
print("answers: " + ", ".join(f"{k} x {v}" for k, v in sorted(other.items(), key=lambda kv: str(kv[0]))))
print(f"errors (not 2xx/4xx/429/503): {sum(errors.values())}" + ("" if not errors else " - " + ", ".join(f"{k} x {v}" for k, v in errors.items())))
print(f"RSS MiB: start {rss_start:.0f}, peak {rss_peak:.0f}, end {rss_end:.0f}")
print(f"jobs not final at the end: {not_final}; /health/ready after: {healthy}; server exit code {server.returncode}")
