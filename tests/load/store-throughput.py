#!/usr/bin/env python3
"""Benchmark of the job store: the in-memory store against Redis on one replica, and one replica against two on Redis,
side by side in one run. Not a test: it prints figures, it asserts nothing but that the jobs succeeded.

For each setup (memory ×1, Redis ×1, Redis ×2; the published app as processes, redis-server from PATH, each on a free
loopback port):
  - small jobs: POST {"gate": "AND"} with Prefer: wait=10 from CLIENTS threads for SECONDS: jobs/s;
  - 2000×20 jobs, as JSON and as CSV (perceptron, 10 epochs, fixed random data): jobs/s;
  - SSE fan-out: FOLLOWERS streams on one 2000×20 job of 200 epochs, spread over the replicas: how long after the job
    finished its last follower had the final event (and the median follower);
and last, with two replicas on Redis: a job's replica killed (SIGKILL), the time until the job runs again
(bounded by Training:LeaseDuration, LEASE here).

Needs python3, redis-server, the .NET SDK (or APP_DIR: an already published app). Loopback only, bounded: about
3 minutes. Settings (environment): DURATION (seconds per throughput phase, default 6), WARMUP (seconds of small jobs,
and half as long of CSV jobs, before each setup is measured, default 10: a replica on Redis reaches its pace only
after several seconds of load), CLIENTS (default 8), FOLLOWERS (default 40), LEASE (default 00:00:05).

    python3 tests/load/store-throughput.py
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = tempfile.mkdtemp(prefix="perceptron-store-bench-")
DURATION = float(os.environ.get("DURATION", "6"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
FOLLOWERS = int(os.environ.get("FOLLOWERS", "40"))
LEASE = os.environ.get("LEASE", "00:00:05")
WARMUP = float(os.environ.get("WARMUP", "10"))
processes = []

rng = random.Random(7)
ROWS = [[round(rng.uniform(-1, 1), 4) for _ in range(20)] for _ in range(2000)]
LABELS = [rng.randint(0, 1) for _ in range(2000)]
SMALL = json.dumps({"gate": "AND"}).encode()
LARGE_JSON = json.dumps({"inputs": ROWS, "labels": LABELS, "algorithm": "perceptron", "maxEpochs": 10}).encode()
LARGE_CSV = "".join(",".join(map(str, row + [label])) + "\n" for row, label in zip(ROWS, LABELS)).encode()
FANOUT_JOB = json.dumps({"inputs": ROWS, "labels": LABELS, "algorithm": "perceptron", "maxEpochs": 200}).encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if value := condition():
                return value
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not within {seconds} s")


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=open(os.path.join(WORK, f"redis-{self.port}.log"), "ab"), stderr=subprocess.STDOUT)
        processes.append(self.process)
        wait_until("redis listens", lambda: socket.create_connection(("127.0.0.1", self.port), 1).close() or True, 10)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Replica:
    def __init__(self, app, name, redis=None):
        self.name, self.port = name, free_port()
        self.log = os.path.join(WORK, f"{name}-{self.port}.log")
        env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Log__Format="text",
                   Serilog__MinimumLevel__Override__PerceptronApi="Information",
                   Training__Workers=os.environ.get("WORKERS", "2"), Training__LeaseDuration=LEASE,
                   Training__MaxQueuedJobs="1000", Training__MaxRetainedJobs="100000",
                   Training__MaxActiveJobsPerClient="1000",
                   Training__MaxStreamsPerJob=str(FOLLOWERS + 10), Training__MaxStreamsPerClient=str(FOLLOWERS + 10),
                   Training__MaxRetainedBytes=str(4 << 30),
                   Limits__MaxRequestBodyBytes="4194304", Training__MaxWork="100000000000",
                   ForwardedHeaders__KnownProxies__0="127.0.0.1")
        if redis:
            env["ConnectionStrings__Redis"] = f"127.0.0.1:{redis.port}"
        self.process = subprocess.Popen(["dotnet", os.path.join(app, "PerceptronApi.dll"), "--urls", f"http://127.0.0.1:{self.port}"],
                                        cwd=app, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        processes.append(self.process)
        wait_until(f"{name} ready", lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/ready", timeout=5).status == 200)

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def throughput(ports, body, content_type, path, clients, seconds=None):
    """Jobs that succeeded per second with `clients` threads each posting one job after another (keep-alive)."""
    done, errors = [0] * clients, []
    deadline = time.monotonic() + (seconds or DURATION)

    def client(index):
        port = ports[index % len(ports)]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        # Each thread is a client of its own (the replicas trust loopback as a proxy): a client's submissions are
        # admitted one at a time (Training:MaxActiveJobsPerClient), which would measure one client, not the service.
        headers = {"Content-Type": content_type, "Prefer": "wait=10", "X-Forwarded-For": f"10.0.0.{index + 1}"}
        while time.monotonic() < deadline:
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            job = json.loads(response.read())
            if response.status == 201 and job["status"] == "succeeded":
                done[index] += 1
            else:
                errors.append((response.status, str(job)[:200]))
                return
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"a job did not succeed: {errors[0]}")
    return sum(done) / (time.monotonic() - started)


def fanout(ports):
    """Seconds from the job's end to its followers' final events: (median, last)."""
    connection = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=30)
    connection.request("POST", "/api/v1/training-jobs", FANOUT_JOB, {"Content-Type": "application/json"})
    job_id = json.loads(connection.getresponse().read())["id"]
    received, ends = [], []

    def follow(index):
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[index % len(ports)]}/api/v1/training-jobs/{job_id}/events", timeout=120) as response:
            count = 0
            for raw in response:
                if raw.startswith(b"event: epoch"):
                    count += 1
                elif raw.startswith(b"event: completed"):
                    ends.append(time.time())
            received.append(count)

    threads = [threading.Thread(target=follow, args=(i,)) for i in range(FOLLOWERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    job = get(f"http://127.0.0.1:{ports[0]}/api/v1/training-jobs/{job_id}")
    assert job["status"] == "succeeded" and received == [201] * FOLLOWERS and len(ends) == FOLLOWERS, (job["status"], received)
    from datetime import datetime
    finished = datetime.fromisoformat(job["finishedAt"].replace("Z", "+00:00")).timestamp()
    lags = sorted(end - finished for end in ends)
    return statistics.median(lags), lags[-1]


def measure(name, ports):
    row = {"setup": name}
    # Every setup is measured warm: the first seconds of a process compile its code and load its Redis scripts.
    throughput(ports, SMALL, "application/json", "/api/v1/training-jobs", CLIENTS, WARMUP)
    throughput(ports, LARGE_CSV, "text/csv", "/api/v1/training-jobs?algorithm=perceptron&maxEpochs=10", 4, WARMUP / 2)
    row["small"] = throughput(ports, SMALL, "application/json", "/api/v1/training-jobs", CLIENTS)
    row["json"] = throughput(ports, LARGE_JSON, "application/json", "/api/v1/training-jobs", 4)
    row["csv"] = throughput(ports, LARGE_CSV, "text/csv", "/api/v1/training-jobs?algorithm=perceptron&maxEpochs=10", 4)
    row["fanout"] = fanout(ports)
    print(f"  {name}: small {row['small']:.0f}/s, json {row['json']:.1f}/s, csv {row['csv']:.1f}/s, "
          f"fan-out median {row['fanout'][0] * 1000:.0f} ms, last {row['fanout'][1] * 1000:.0f} ms", flush=True)
    return row


def death_to_rerun(replicas):
    """SIGKILL of the replica running a long job; seconds until another replica runs it (attempts 2)."""
    body = json.dumps({"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]] * 4000, "labels": [0, 1, 1, 0] * 4000,
                       "algorithm": "pocket", "shuffle": True, "seed": 5, "maxEpochs": 30}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", replicas[0].port, timeout=30)
    connection.request("POST", "/api/v1/training-jobs", body, {"Content-Type": "application/json"})
    job_id = json.loads(connection.getresponse().read())["id"]

    def runner():
        for replica in replicas:
            with open(replica.log, encoding="utf-8", errors="replace") as log:
                if any(job_id in line and "started" in line for line in log):
                    return replica
        return None
    victim = wait_until("job started", runner, 60)
    survivor = next(r for r in replicas if r is not victim)
    killed = time.monotonic()
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(10)
    wait_until("job runs again", lambda: get(f"http://127.0.0.1:{survivor.port}/api/v1/training-jobs/{job_id}")["attempts"] == 2, 120)
    return time.monotonic() - killed


def main():
    app = os.environ.get("APP_DIR")
    if not app:
        app = os.path.join(WORK, "app")
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "PerceptronApi"), "-c", "Release", "-o", app,
                        "--nologo", "-v", "quiet"], check=True)
    print(f"{DURATION:.0f} s per throughput phase, {CLIENTS} clients for small jobs, 4 for 2000×20, {FOLLOWERS} followers; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    rows = []

    replica = Replica(app, "memory")
    rows.append(measure("memory, 1 replica", [replica.port]))
    replica.stop()

    redis = Redis()
    replica = Replica(app, "redis-a", redis)
    rows.append(measure("Redis, 1 replica", [replica.port]))
    second = Replica(app, "redis-b", redis)
    rows.append(measure("Redis, 2 replicas", [replica.port, second.port]))
    rerun = death_to_rerun([replica, second])

    memory = rows[0]
    print()
    print("| setup | small jobs/s (Prefer: wait) | 2000×20 JSON jobs/s | 2000×20 CSV jobs/s | fan-out to "
          f"{FOLLOWERS} streams: median / last after the job ended |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['setup']} | {row['small']:.0f} ({row['small'] / memory['small']:.2f}×) | {row['json']:.1f} "
              f"({row['json'] / memory['json']:.2f}×) | {row['csv']:.1f} ({row['csv'] / memory['csv']:.2f}×) | "
              f"{row['fanout'][0] * 1000:.0f} ms / {row['fanout'][1] * 1000:.0f} ms |")
    print(f"\nA replica killed with SIGKILL: its job ran again on the other after {rerun:.1f} s (lease {LEASE}).")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    code = 0
    try:
        main()
    except Exception as error:
        print(f"benchmark failed: {error!r}")
        code = 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        if os.environ.get("KEEP_LOGS") == "1":
            print(f"logs in {WORK}")
        else:
            shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(code)
