#!/usr/bin/env bash
# Brings up docker/compose.scale.yaml (Redis, three API replicas, nginx) on a free loopback port and checks that the
# replicas act as one service: requests spread over all three, a job submitted through the balancer is watched over
# SSE through the balancer, the replica running it is killed (docker kill), and the job finishes on another replica
# with attempts 2, its event stream (resumed with Last-Event-ID where the connection broke) without a gap or a repeat,
# and every replica reads and lists it. Then tears everything down (down -v).
# Needs: docker, docker-compose (or the compose plugin), curl, python3. Prints PASS/FAIL/SKIP per check and ends with
# "N passed, M failed"; exits non-zero if any check failed.
#
#   docker/scale-smoke-test.sh
#
# Settings (environment): IMAGE (tag to build, default perceptron-api:scale-smoke; removed after unless KEEP_IMAGE=1),
# LEASE (Training:LeaseDuration of the replicas, default 00:00:05: the test waits one lease after the kill; the
# compose file's own default is 30 s), UP_TIMEOUT (seconds for build and start, default 600).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COMPOSE_FILE=$ROOT/docker/compose.scale.yaml
PROJECT=perceptron-scale-$$
IMAGE=${IMAGE:-perceptron-api:scale-smoke}
LEASE=${LEASE:-00:00:05}
UP_TIMEOUT=${UP_TIMEOUT:-600}
WORK=$(mktemp -d)
passed=0 failed=0 skipped=0
started=false follower_pid=""
# A job that takes seconds on every replica: XOR repeated, the pocket algorithm judging the whole set after every
# update, never converging, so it runs all its epochs.
REPEATS=6000 EPOCHS=30

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+ — $2}"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1${2:+ — $2}"; }

if command -v docker-compose >/dev/null; then compose_cmd=(docker-compose); else compose_cmd=(docker compose); fi
compose() { "${compose_cmd[@]}" -p "$PROJECT" -f "$COMPOSE_FILE" "$@"; }
# The container of a service (compose names them project_service_1; the compose plugin project-service-1).
container() { compose ps -q "$1" 2>/dev/null | head -n 1; }

cleanup() {
    if [ -n "$follower_pid" ]; then kill $follower_pid 2>/dev/null || true; fi
    if $started; then
        compose down -v --remove-orphans >/dev/null 2>&1 || true
        if [ "${KEEP_IMAGE:-0}" != 1 ]; then docker rmi "$IMAGE" >/dev/null 2>&1 || true; fi
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

finish() {
    if $started && [ "$failed" -gt 0 ]; then
        echo "--- the services' last log lines ---"; compose logs --no-color --tail 15 2>&1 | cut -c1-300 || true
    fi
    [ "$skipped" -gt 0 ] && echo "($skipped skipped)"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

for tool in docker curl python3; do
    command -v "$tool" >/dev/null || { fail "prerequisite: $tool" "not found on PATH"; finish; }
done
docker info >/dev/null 2>&1 || { fail "prerequisite: a docker engine" "docker info failed (DOCKER_HOST=${DOCKER_HOST:-unset})"; finish; }
"${compose_cmd[@]}" version >/dev/null 2>&1 || { fail "prerequisite: docker compose" "neither docker-compose nor the compose plugin answers"; finish; }
if ! docker network inspect bridge >/dev/null 2>&1; then
    # The replicas reach Redis and nginx reaches them by name on a network of their own.
    skip "scaled-out compose" "the engine has no bridge networking (host networking only)"
    finish
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SCALE_PORT=$port TRAINING_LEASE_DURATION=$LEASE PERCEPTRON_IMAGE=$IMAGE
BASE=http://127.0.0.1:$port

if out=$(compose config -q 2>&1); then pass "docker/compose.scale.yaml is valid (compose config)"
else fail "docker/compose.scale.yaml is valid" "$out"; finish; fi

# ---- up -----------------------------------------------------------------------------------------------------------
echo "Building $IMAGE and starting project $PROJECT on $BASE (lease $LEASE) ..."
t0=$SECONDS
started=true
# depends_on with health conditions: Redis healthy before the replicas start, the replicas healthy before nginx.
if timeout "$UP_TIMEOUT" "${compose_cmd[@]}" -p "$PROJECT" -f "$COMPOSE_FILE" up -d --build >"$WORK/up.log" 2>&1; then
    pass "compose up --build: redis, api-1..3 healthy, nginx started ($((SECONDS - t0)) s)"
else
    tail -n 30 "$WORK/up.log"
    fail "compose up --build" "see the output above"; finish
fi
declare -A cid
for service in redis api-1 api-2 api-3 nginx; do cid[$service]=$(container "$service"); done

ready=false
for _ in $(seq 1 60); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/health/ready")" = 200 ] && { ready=true; break; }
    sleep 1
done
if $ready; then pass "GET /health/ready through the balancer: 200"; else fail "GET /health/ready through the balancer" "no 200 within 60 s"; finish; fi

check_json() { # check_json NAME FILE PYTHON_EXPRESSION: `b` = the file parsed as JSON
    local out
    if out=$(python3 - "$2" "$3" <<'PY'
import json, sys
raw = open(sys.argv[1], encoding="utf-8").read()
try:
    b = json.loads(raw)
    ok = eval(sys.argv[2])
except Exception as error:
    ok, raw = False, f"{error!r}: {raw}"
if not ok:
    print(f"expected {sys.argv[2]}; got: {raw[:400]}")
    sys.exit(1)
PY
    ); then pass "$1"; else fail "$1" "$out"; fi
}

# ---- the balancer spreads requests ------------------------------------------------------------------------------
for _ in 1 2 3 4 5 6; do curl -s -o /dev/null --max-time 10 "$BASE/api/v1/gates/AND"; done
sleep 1
upstreams=$(docker logs "${cid[nginx]}" 2>/dev/null | grep '"GET /api/v1/gates/AND ' | sed -nE 's/.*upstream=([0-9.:]+).*/\1/p' | sort -u | wc -l)
if [ "$upstreams" -eq 3 ]; then pass "six requests through nginx reached all three replicas (its access log's upstream=)"
else fail "requests reach every replica" "$upstreams distinct upstreams in nginx's access log"; fi

# ---- a job through the balancer, its replica killed --------------------------------------------------------------
python3 -c "
import json
print(json.dumps({'inputs': [[0, 0], [0, 1], [1, 0], [1, 1]] * $REPEATS, 'labels': [0, 1, 1, 0] * $REPEATS,
                  'algorithm': 'pocket', 'shuffle': True, 'seed': 5, 'maxEpochs': $EPOCHS}))" >"$WORK/job.json"
code=$(curl -sS -o "$WORK/submitted.json" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' \
    --data-binary @"$WORK/job.json" "$BASE/api/v1/training-jobs" || echo 000)
job_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/submitted.json" 2>/dev/null || true)
if [ "$code" = 202 ] && [ -n "$job_id" ]; then pass "POST /api/v1/training-jobs through the balancer: 202, job $job_id"
else fail "POST /api/v1/training-jobs" "HTTP $code: $(head -c 300 "$WORK/submitted.json")"; finish; fi

# Follows the job's events through the balancer like a browser's EventSource: on a broken connection it reconnects
# (to whichever replica nginx picks) with Last-Event-ID. Writes every event and every reconnection, one JSON per line.
cat >"$WORK/follow.py" <<'PY'
import json, sys, time, urllib.request
url, out = sys.argv[1], open(sys.argv[2], "w", encoding="utf-8")
last, deadline = None, time.monotonic() + 300
while time.monotonic() < deadline:
    headers = {"Last-Event-ID": last} if last is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
            current = {}
            for raw in response:
                line = raw.decode().rstrip("\r\n")
                if line == "":
                    if "event" in current:
                        out.write(json.dumps(current) + "\n"); out.flush()
                        last = current.get("id", last)
                        if current["event"] != "epoch":
                            sys.exit(0)
                    current = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(":")
                    current[field] = value[1:] if value.startswith(" ") else value
    except Exception as error:  # the replica serving the stream died: reconnect
        out.write(json.dumps({"reconnect": repr(error)[:200], "after": last}) + "\n"); out.flush()
    time.sleep(0.5)
PY
# Three streams, each opened once the one before has its first event. Which replica serves each is nginx's choice: one
# that goes through the replica killed below breaks and resumes elsewhere (its reconnections are counted).
followers=()
for n in 1 2 3; do
    python3 "$WORK/follow.py" "$BASE/api/v1/training-jobs/$job_id/events" "$WORK/events-$n.jsonl" &
    followers+=($!)
    for _ in $(seq 1 100); do [ -s "$WORK/events-$n.jsonl" ] && break; sleep 0.1; done
done
follower_pid="${followers[*]}"

# The replica running the job is the one whose log says it started it (each line also names its Instance).
runner=""
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 120 ] && [ -z "$runner" ]; do
    epoch=$(curl -s --max-time 10 "$BASE/api/v1/training-jobs/$job_id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["progress"]["epoch"])' 2>/dev/null || echo -1)
    if [ "$epoch" -ge 2 ] 2>/dev/null; then
        for service in api-1 api-2 api-3; do
            if docker logs "${cid[$service]}" 2>/dev/null | grep "\"JobId\":\"$job_id\"" | grep -q 'started (attempt'; then runner=$service; fi
        done
    fi
    [ -z "$runner" ] && sleep 0.5
done
if [ -n "$runner" ]; then pass "the job runs on $runner (its log: \"Training job $job_id started\"), epoch $epoch reached"
else fail "the job runs on a replica" "no replica logged its start within 120 s"; finish; fi

killed_at=$(date +%s.%N)
if docker kill "${cid[$runner]}" >/dev/null; then pass "docker kill $runner"; else fail "docker kill $runner"; finish; fi

# attempts 2 once another replica's sweep reclaimed the expired lease and a worker started the job again.
rerun=""
t0=$SECONDS
while [ $((SECONDS - t0)) -lt 90 ]; do
    attempts=$(curl -s --max-time 10 "$BASE/api/v1/training-jobs/$job_id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["attempts"])' 2>/dev/null || echo 0)
    [ "$attempts" = 2 ] && break
    sleep 0.2
done
rerun_seconds=$(python3 -c "import time; print(f'{time.time() - $killed_at:.1f}')")
# The log is written in batches: its line may come a moment after the job view changed.
for _ in $(seq 1 50); do
    for service in api-1 api-2 api-3; do
        [ "$service" = "$runner" ] && continue
        if docker logs "${cid[$service]}" 2>/dev/null | grep "\"JobId\":\"$job_id\"" | grep 'started (attempt' | grep -q '"Attempt":2'; then rerun=$service; fi
    done
    [ -n "$rerun" ] && break
    sleep 0.2
done
if [ "$attempts" = 2 ] && [ -n "$rerun" ]; then pass "the job runs again on $rerun, attempts 2, $rerun_seconds s after the kill (lease $LEASE)"
else fail "the job runs again on another replica" "attempts $attempts, started again by '${rerun:-none}' after $rerun_seconds s"; fi

t0=$SECONDS
while [ $((SECONDS - t0)) -lt 180 ]; do
    curl -s -o "$WORK/final.json" --max-time 10 "$BASE/api/v1/training-jobs/$job_id"
    python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["finishedAt"] else 1)' "$WORK/final.json" 2>/dev/null && break
    sleep 0.5
done
check_json "the job finishes: succeeded, attempts 2, every epoch in its history" "$WORK/final.json" \
    "b['status'] == 'succeeded' and b['attempts'] == 2 and len(b['history']) == $EPOCHS + 1 and [r['epoch'] for r in b['history']] == list(range($EPOCHS + 1))"

for _ in $(seq 1 60); do kill -0 $follower_pid 2>/dev/null || break; sleep 0.5; done
kill $follower_pid 2>/dev/null || true
follower_pid=""
# Each stream: every epoch once, in order, the same records as the history, then the final event.
cat >"$WORK/stream-check.py" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
final, epochs = json.load(open(sys.argv[2], encoding="utf-8")), int(sys.argv[3])
events = [line for line in lines if "event" in line]
ids = [int(e["id"]) for e in events if e["event"] == "epoch"]
if ids != list(range(epochs + 1)):
    sys.exit(f"epoch ids {ids}")
if [json.loads(e["data"]) for e in events if e["event"] == "epoch"] != final["history"]:
    sys.exit("the streamed records differ from the job's history")
if events[-1]["event"] != "completed" or json.loads(events[-1]["data"])["attempts"] != 2:
    sys.exit(f"last event {events[-1]}")
print(f"{sum('reconnect' in line for line in lines)} reconnection(s)")
PY
for n in 1 2 3; do
    if out=$(python3 "$WORK/stream-check.py" "$WORK/events-$n.jsonl" "$WORK/final.json" "$EPOCHS" 2>&1); then
        pass "event stream $n through the balancer: epochs 0..$EPOCHS once each, in order, equal to the history, then completed ($out)"
    else fail "event stream $n through the balancer: no gap, no repeat" "$out"; fi
done

# ---- every replica reads and lists it, the killed one restarted too -----------------------------------------------
docker start "${cid[$runner]}" >/dev/null 2>&1 || true
for _ in $(seq 1 60); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "${cid[$runner]}" 2>/dev/null)" = healthy ] && break
    sleep 1
done
for service in api-1 api-2 api-3; do
    # Straight to the replica, past nginx: its address on the compose network, reachable from this host.
    address=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "${cid[$service]}")
    curl -s -o "$WORK/read-$service.json" --max-time 10 "http://$address:8080/api/v1/training-jobs/$job_id"
    curl -s -o "$WORK/list-$service.json" --max-time 10 "http://$address:8080/api/v1/training-jobs?limit=10"
    if python3 - "$WORK/read-$service.json" "$WORK/list-$service.json" "$WORK/final.json" <<'PY'
import json, sys
read, listed, final = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:4])
sys.exit(0 if read == final and any(job["id"] == final["id"] for job in listed["items"]) else 1)
PY
    then pass "$service ($address) reads the job, identical, and lists it"
    else fail "$service reads and lists the job" "$(head -c 200 "$WORK/read-$service.json") / $(head -c 200 "$WORK/list-$service.json")"; fi
done

finish
