#!/usr/bin/env python3
"""Memory kept for finished jobs: submits N adaline jobs of 1 sample x 1000 features and 1997 epochs (a 1998 x 1001
history each, the largest Training:MaxHistoryValues allows) from W clients in parallel, waits for each, then prints the
server's RSS and how many jobs were accepted, refused (by status) and are still kept.

Usage: retained-history.py PORT PID [JOBS=150] [PARALLEL=4]   (loopback only)
"""
import collections, http.client, json, sys, threading

port, pid = int(sys.argv[1]), int(sys.argv[2])
jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 150
parallel = int(sys.argv[4]) if len(sys.argv) > 4 else 4
body = json.dumps({"inputs": [[(i % 7) / 7 for i in range(1000)]], "labels": [1], "algorithm": "adaline",
                   "learningRate": 1e-6, "maxEpochs": 1997}).encode()
statuses, lock, ids = collections.Counter(), threading.Lock(), []

def rss():
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))

def work(count):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(count):
        c.request("POST", "/api/v1/training-jobs", body=body, headers={"Content-Type": "application/json", "Prefer": "wait=60"})
        r = c.getresponse(); payload = r.read()
        with lock:
            statuses[r.status] += 1
            if r.status in (201, 202):
                ids.append(json.loads(payload)["id"])

start = rss()
threads = [threading.Thread(target=work, args=(jobs // parallel,)) for _ in range(parallel)]
[t.start() for t in threads]; [t.join() for t in threads]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
c.request("GET", "/api/v1/training-jobs?limit=1000"); kept = len(json.loads(c.getresponse().read())["items"])
print(f"answers {dict(statuses)}; jobs kept {kept}; RSS MiB before {start}, after {rss()}")
