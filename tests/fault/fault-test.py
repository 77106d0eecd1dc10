#!/usr/bin/env python3
"""Process-level fault test of the shared store: the published app as two processes on one redis-server.

1. An undisturbed run of a job gives the reference history.
2. The same job, its replica killed with SIGKILL mid-run: it finishes on the other replica with attempts 2 and the
   same history, and an event stream open on the survivor across the crash shows every epoch once, in order.
3. The same job, its replica stopped gracefully (SIGTERM): it is handed over at once, finishes elsewhere with the
   same history, and the stopped replica exits within a few seconds.
4. Everything restarted (Redis from its append-only file, both replicas): the finished jobs are all still there.

Needs: python3, redis-server, and the published app (APP_DIR, default: publishes src/PerceptronApi to a temporary
folder with `dotnet publish`). Loopback only; every wait is bounded. Prints PASS/FAIL per check and ends with
"N passed, M failed"; exits non-zero if any check failed.

    python3 tests/fault/fault-test.py
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = tempfile.mkdtemp(prefix="perceptron-fault-")
LEASE = "00:00:02"
# XOR's rows repeated: the perceptron updates all the time and never converges, so it runs every epoch.
REPEATS, EPOCHS = 8_000, 24
JOB = json.dumps({
    "inputs": [[0, 0], [0, 1], [1, 0], [1, 1]] * REPEATS,
    "labels": [0, 1, 1, 0] * REPEATS,
    "algorithm": "pocket", "shuffle": True, "seed": 5, "maxEpochs": EPOCHS,
}).encode()

passed = failed = 0
processes = []


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name}{' — ' + str(detail)[:400] if detail else ''}", flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=30):
    """The status and the body: parsed when it is JSON, else its text."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    return status, json.loads(raw) if "json" in kind else raw.decode()


def wait_until(what, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not within {seconds} s")


class Redis:
    def __init__(self):
        self.port = free_port()
        self.dir = os.path.join(WORK, "redis")
        os.makedirs(self.dir, exist_ok=True)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir, "--save", "",
             "--appendonly", "yes", "--appendfsync", "always"],
            stdout=open(os.path.join(WORK, "redis.log"), "ab"), stderr=subprocess.STDOUT)
        processes.append(self.process)
        wait_until("redis listens", lambda: socket.create_connection(("127.0.0.1", self.port), 1).close() or True, 10)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Replica:
    def __init__(self, name, app, redis_port):
        self.name, self.app, self.redis_port = name, app, redis_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = os.path.join(WORK, f"{name}.log")
        self.process = None

    def start(self):
        env = dict(os.environ,
                   ASPNETCORE_ENVIRONMENT="Production",
                   ConnectionStrings__Redis=f"127.0.0.1:{self.redis_port}",
                   Training__Workers="1", Training__LeaseDuration=LEASE,
                   Training__MaxWork="100000000000", Limits__MaxRequestBodyBytes="8388608",
                   Log__Format="text")
        self.process = subprocess.Popen(["dotnet", os.path.join(self.app, "PerceptronApi.dll"), "--urls", self.url],
                                        cwd=self.app, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        processes.append(self.process)
        wait_until(f"{self.name} ready", lambda: http("GET", f"{self.url}/health/ready")[0] == 200)

    def runs(self, job_id):
        with open(self.log, encoding="utf-8", errors="replace") as log:
            return any(job_id in line and "started" in line for line in log)


def submit(replica):
    status, job = http("POST", f"{replica.url}/api/v1/training-jobs", JOB, {"Content-Type": "application/json"})
    assert status == 202, (status, job)
    return job["id"]


def job(replica, job_id):
    return http("GET", f"{replica.url}/api/v1/training-jobs/{job_id}")[1]


def finished(replica, job_id, seconds=120):
    return wait_until(f"job {job_id} finished", lambda: (j := job(replica, job_id))["finishedAt"] and j, seconds)


def runner(replicas, job_id):
    """The replica that started the job (its log says so), once it has recorded a few epochs."""
    return wait_until("job running", lambda: job(replicas[0], job_id)["progress"]["epoch"] >= 3
                      and next((r for r in replicas if r.runs(job_id)), None), 60)


def follow(replica, job_id):
    """Opens the job's event stream; returns the stream and a function that reads it to its end."""
    response = urllib.request.urlopen(f"{replica.url}/api/v1/training-jobs/{job_id}/events", timeout=120)

    def read():
        events, current = [], {}
        for raw in response:
            line = raw.decode().rstrip("\n")
            if not line:
                if current:
                    events.append(current)
                current = {}
            elif not line.startswith(":"):
                field, _, value = line.partition(": ")
                current[field] = value
        return events
    return read


def same_history(reference, other):
    return json.dumps(reference["history"]) == json.dumps(other["history"]) and reference["result"] == other["result"]


def main():
    app = os.environ.get("APP_DIR")
    if not app:
        app = os.path.join(WORK, "app")
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "PerceptronApi"), "-c", "Release", "-o", app,
                        "--nologo", "-v", "quiet"], check=True)
    redis = Redis()
    redis.start()
    a, b = Replica("a", app, redis.port), Replica("b", app, redis.port)
    a.start()
    b.start()

    # 1. The reference: an undisturbed run.
    reference = finished(a, submit(a))
    check("an undisturbed job succeeds with attempts 1", reference["status"] == "succeeded" and reference["attempts"] == 1, reference.get("status"))
    check("its history has every epoch", len(reference["history"]) == EPOCHS + 1, len(reference["history"]))

    # 2. SIGKILL of the replica running it.
    job_id = submit(a)
    victim = runner([a, b], job_id)
    survivor = b if victim is a else a
    read = follow(survivor, job_id)
    killed_at = time.monotonic()
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(10)
    wait_until("running again", lambda: job(survivor, job_id)["attempts"] == 2, 60)
    check(f"a killed replica's job runs again within the lease ({time.monotonic() - killed_at:.1f} s, lease {LEASE})", True)
    after_crash = finished(survivor, job_id)
    events = read()
    check("the job finishes on the other replica with attempts 2", after_crash["status"] == "succeeded" and after_crash["attempts"] == 2,
          {k: after_crash[k] for k in ("status", "attempts", "statusReason")})
    check("its history is identical to the undisturbed run", same_history(reference, after_crash))
    ids = [e.get("id") for e in events if e.get("event") == "epoch"]
    check("a stream open across the crash shows each epoch once, in order", ids == [str(i) for i in range(EPOCHS + 1)], ids)
    check("the stream ends with the completed event", events and events[-1].get("event") == "completed", events[-1:] if events else None)
    victim.start()

    # 3. A graceful stop hands the job over.
    job_id = submit(a)
    leaving = runner([a, b], job_id)
    staying = b if leaving is a else a
    stopped_at = time.monotonic()
    leaving.process.send_signal(signal.SIGTERM)
    leaving.process.wait(30)
    stop_seconds = time.monotonic() - stopped_at
    check(f"a replica stopping gracefully exits within a few seconds ({stop_seconds:.1f} s)", stop_seconds < 10)
    handed = finished(staying, job_id)
    check("its job is handed over and finishes elsewhere with attempts 2", handed["status"] == "succeeded" and handed["attempts"] == 2,
          {k: handed[k] for k in ("status", "attempts", "statusReason")})
    check("with the same history", same_history(reference, handed))
    leaving.start()

    # 4. Everything restarted keeps what Redis kept.
    kept = {j["id"]: j for j in (reference, after_crash, handed)}
    for replica in (a, b):
        replica.process.send_signal(signal.SIGTERM)
        replica.process.wait(30)
    redis.stop()
    redis.start()
    a.start()
    b.start()
    again = {job_id: job(b, job_id) for job_id in kept}
    check("after a restart of Redis and every replica the finished jobs are all there, unchanged",
          all(json.dumps(again[i]) == json.dumps(kept[i]) for i in kept), [again[i].get("status") for i in kept])


if __name__ == "__main__":
    try:
        if not shutil.which("redis-server"):
            print("FAIL redis-server is not on PATH")
            failed += 1
        else:
            main()
    except Exception as error:  # any unexpected failure is one failed check, with its reason
        check("the fault test ran to its end", False, repr(error))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        if os.environ.get("KEEP_LOGS") == "1":
            print(f"logs in {WORK}")
        else:
            shutil.rmtree(WORK, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
