#!/usr/bin/env python3
"""A CSV file to a trained model: the service over loopback against pandas + scikit-learn in-process, side by side.

The same file (ROWS samples × FEATURES features, the label last, a header row; generated from SEED, so every run
reads the same bytes) goes
  - service:  POST /api/v1/training-jobs?maxEpochs=10 with Content-Type text/csv and Prefer: wait, timed from the
              first byte sent to the last byte of the finished job read (the published Release app, production
              settings, on a loopback port the OS picked);
  - sklearn:  pandas.read_csv on the file's bytes, then Perceptron(max_iter=10, tol=None, shuffle=False).fit, timed
              in this process.
Rounds alternate (service, sklearn, service, sklearn, ...) after WARMUP untimed runs of each; it prints every round,
then the medians and their ratio. BASELINE=<another checkout's src/PerceptronApi> adds that build to every round
(the before and after of a change in one run). A benchmark, not a test: other load on the machine moves the figures,
which is why the rounds alternate and medians are reported. Loopback only, bounded: WARMUP + ROUNDS requests per build.

Needs python3-pandas and python3-sklearn (Debian: apt-get install -y python3-sklearn python3-pandas) and dotnet.

    python3 tests/load/csv-vs-sklearn.py
"""
import http.client
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import Perceptron
except ImportError:
    # Debian's packages live in the system interpreter; another python3 first on PATH (pyenv, a venv) lacks them.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise SystemExit("needs pandas and scikit-learn: apt-get install -y python3-sklearn python3-pandas")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROWS = int(os.environ.get("ROWS", "40000"))
FEATURES = int(os.environ.get("FEATURES", "20"))
EPOCHS = int(os.environ.get("EPOCHS", "10"))
ROUNDS = int(os.environ.get("ROUNDS", "9"))
WARMUP = int(os.environ.get("WARMUP", "3"))
SEED = int(os.environ.get("SEED", "11"))
BASELINE = os.environ.get("BASELINE")


def make_csv():
    """Features uniform in [-1, 1) with six decimals; the label is a fixed hyperplane's side, 5 % of them flipped."""
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-1.0, 1.0, size=(ROWS, FEATURES))
    w = rng.uniform(-1.0, 1.0, size=FEATURES)
    y = (x @ w > 0.1).astype(int)
    flip = rng.random(ROWS) < 0.05
    y[flip] = 1 - y[flip]
    out = io.StringIO()
    out.write(",".join([f"x{j + 1}" for j in range(FEATURES)] + ["label"]) + "\n")
    for row, label in zip(x, y):
        out.write(",".join(f"{v:.6f}" for v in row))
        out.write(f",{label}\n")
    return out.getvalue().encode("ascii")


def publish(project, folder):
    subprocess.run(["dotnet", "publish", project, "-c", "Release", "-o", folder, "--nologo", "-v", "quiet"],
                   check=True, stdout=subprocess.DEVNULL)


def start(folder, log_path, extra):
    """Starts the app on a port the OS picks and reads the port from its startup log."""
    log = open(log_path, "w")
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", DOTNET_NOLOGO="1")
    process = subprocess.Popen(["dotnet", "PerceptronApi.dll", "--urls", "http://127.0.0.1:0", *extra],
                               cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the app in {folder} exited: {open(log_path).read()[-2000:]}")
        match = re.search(r"http://127\.0\.0\.1:(\d+)", open(log_path).read())
        if match:
            return process, int(match.group(1))
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the app in {folder} did not start within 60 s")


def train_service(port, body):
    """Seconds from the first byte sent to the finished job read, and the job."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("POST", f"/api/v1/training-jobs?maxEpochs={EPOCHS}", body=body,
                           headers={"Content-Type": "text/csv", "Prefer": "wait=30"})
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    if response.status != 201:
        raise SystemExit(f"the service answered {response.status}: {payload[:500]!r}")
    return elapsed, json.loads(payload)


def train_sklearn(body):
    """Seconds for pandas.read_csv plus Perceptron.fit on the same bytes, and the model's training accuracy."""
    started = time.perf_counter()
    frame = pd.read_csv(io.BytesIO(body))
    x = frame.iloc[:, :-1].to_numpy()
    y = frame.iloc[:, -1].to_numpy()
    model = Perceptron(max_iter=EPOCHS, tol=None, shuffle=False).fit(x, y)
    elapsed = time.perf_counter() - started
    return elapsed, model.score(x, y)


def main():
    body = make_csv()
    work = tempfile.mkdtemp(prefix="perceptron-csv-")
    builds = [("service", os.path.join(ROOT, "src", "PerceptronApi"), [])]
    if BASELINE:
        # An earlier build has no CSV body setting of its own: its general body limit is raised for the file.
        builds.append(("baseline", BASELINE, [f"--Limits:MaxRequestBodyBytes={len(body) + 65536}"]))
    servers = {}
    try:
        for name, project, extra in builds:
            folder = os.path.join(work, name)
            publish(project, folder)
            servers[name] = start(folder, os.path.join(work, f"{name}.log"), extra)

        names = [name for name, _, _ in builds]
        _, job = train_service(servers["service"][1], body)
        _, accuracy = train_sklearn(body)
        result = job["result"]
        print(f"{ROWS} rows × {FEATURES} features, {len(body) / 1e6:.1f} MB, {EPOCHS} epochs; "
              f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
        print(f"service: {job['parameters']['samples']} samples, {result['epochs']} epochs, "
              f"training accuracy {result['accuracy']:.4f}; sklearn: training accuracy {accuracy:.4f}")
        for _ in range(WARMUP):
            for name in names:
                train_service(servers[name][1], body)
            train_sklearn(body)

        times = {name: [] for name in names + ["sklearn"]}
        header = "".join(f"{n:>12}" for n in names + ["sklearn"])
        print(f"{'round':<6}{header}{'sklearn/service':>17}")
        for round_number in range(1, ROUNDS + 1):
            for name in names:
                times[name].append(train_service(servers[name][1], body)[0])
            times["sklearn"].append(train_sklearn(body)[0])
            cells = "".join(f"{times[n][-1] * 1000:10.1f}ms" for n in names + ["sklearn"])
            print(f"{round_number:<6}{cells}{times['sklearn'][-1] / times['service'][-1]:16.2f}×", flush=True)

        medians = {name: statistics.median(values) for name, values in times.items()}
        cells = "".join(f"{medians[n] * 1000:10.1f}ms" for n in names + ["sklearn"])
        print(f"{'median':<6}{cells}{medians['sklearn'] / medians['service']:16.2f}×")
        print(f"The service is {medians['sklearn'] / medians['service']:.2f}× as fast as pandas + sklearn (median of {ROUNDS} rounds)"
              + (f"; the baseline build {medians['sklearn'] / medians['baseline']:.2f}×." if BASELINE else "."))
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
