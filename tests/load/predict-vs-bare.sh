#!/usr/bin/env bash
# POST /api/v1/predict (the tutorial's AND weights, its 4 rows) on the service against a bare minimal-API route that
# computes the same answer (tests/load/bare), alternately, for ROUNDS rounds. Both servers run at once, each
# pinned to CPU 0 with the service's production logging on (Information, compact JSON to stdout, which is a pipe as in
# a container: LOG_TO below); wrk runs on CPU 1. Prints each pair's req/s, p99 and CPU per request and their ratios,
# then the medians. Bounded: for each server (two, three with BASELINE), FIRST_WARMUP + ROUNDS × (WARMUP + DURATION)
# seconds of loopback traffic. A benchmark, not a test: other load on the machine moves the figures, which is why the
# runs alternate (in an order that turns each round) and the ratio is reported per pair. Needs wrk and taskset.
# BASELINE=<path of another checkout's src/PerceptronApi> adds that build to each round, reported
# against the same bare runs: the before and after of a change in one run. SERVICE_ENV / BASELINE_ENV ("NAME=value ...")
# start that server with those settings, e.g. BASELINE=src/PerceptronApi BASELINE_ENV=Metrics__Enabled=false for the
# cost of one setting.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
# Once, before the rounds, each server is driven this long: on one pinned core under load the JIT needs tens of seconds
# to bring a server's hot path to its final tier (a fresh service took 35–55 s, docs/benchmarks.md), and the service has
# far more code on it than the bare app, so without this the first rounds measure the compiler rather than the route.
FIRST_WARMUP=${FIRST_WARMUP:-60}
CONNECTIONS=${CONNECTIONS:-32}
# Where each server's standard output goes. pipe (the default): as in a container, a pipe drained by a collector on
# another core (the container runtime's log reader; here a cat on the load core that writes the log file). file: the
# server writes the log file itself, and pays the file system for every line (on this kind of host, copying each line
# into fresh page-cache pages cost the service about 0.9 µs of its ~18 µs per request, docs/benchmarks.md).
LOG_TO=${LOG_TO:-pipe}
case "$LOG_TO" in pipe | file) ;; *) echo "LOG_TO must be pipe or file"; exit 2 ;; esac
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
for tool in wrk taskset curl; do command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install wrk util-linux curl)"; exit 2; }; done
source tests/load/predict-common.sh
publish_apps

cat > "$OUT/predict.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, summary.requests))
end
LUA

start() { # name, folder, dll, settings ("NAME=value ...")
  local port; port=$(free_port)
  # From the app's folder, as in the container, so its appsettings.json is the one read.
  # Through env, not export: a setting's name may hold dots (Serilog__MinimumLevel__Override__Serilog.AspNetCore…).
  # Run as a background job, whose shell the server replaces (exec), so $! below is the server's own process.
  # shellcheck disable=SC2086 # the settings are split into words on purpose
  server() { cd "$OUT/$2" && exec env ASPNETCORE_ENVIRONMENT=Production Log__Format=json ${4:-} \
    taskset -c "$SERVER_CPU" dotnet "$3" --urls "http://127.0.0.1:$port"; }
  if [ "$LOG_TO" = pipe ]; then
    server "$@" > >(exec taskset -c "$LOAD_CPU" cat > "$OUT/$1.log") 2>&1 &
  else
    server "$@" > "$OUT/$1.log" 2>&1 &
  fi
  pids+=("$!")
  echo "$!" > "$OUT/$1.pid"
  for _ in $(seq 1 100); do curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$port/api/v1/predict" && break; sleep 0.2; done
  echo "$port" > "$OUT/$1.port"
}

# The CPU time the server's process has used (user and system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS_PER_SECOND=$(getconf CLK_TCK)

load() { # name, seconds -> RESULT line, with the server's CPU microseconds per request appended
  local pid before after line
  pid=$(cat "$OUT/$1.pid")
  before=$(cpu_ticks "$pid")
  line=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2s" --latency -s "$OUT/predict.lua" "http://127.0.0.1:$(cat "$OUT/$1.port")/api/v1/predict" | grep '^RESULT')
  after=$(cpu_ticks "$pid")
  awk -v line="$line" -v ticks=$((after - before)) -v hz="$TICKS_PER_SECOND" \
    'BEGIN { split(line, f, " "); printf "%s %.2f\n", line, ticks * 1e6 / hz / f[6] }'
}

start service service PerceptronApi.dll "${SERVICE_ENV:-}"
start bare bare Bare.dll
[ -z "${BASELINE:-}" ] || start baseline baseline PerceptronApi.dll "${BASELINE_ENV:-}"
service_body=$(curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$(cat "$OUT/service.port")/api/v1/predict")
bare_body=$(curl -s -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$(cat "$OUT/bare.port")/api/v1/predict")
if [ "$service_body" != "$bare_body" ]; then echo "The two answers differ:"; echo " service: $service_body"; echo " bare:    $bare_body"; exit 1; fi
echo "Both answer: $service_body"
echo "POST /api/v1/predict, ${FIRST_WARMUP}s of warm-up for each server, then $ROUNDS rounds × ${DURATION}s each, $CONNECTIONS connections, server on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU, logs to a $LOG_TO, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU µs per request: the server's own CPU time over the requests it answered. Both run on one core and use nearly all
# of it, so bare ÷ service CPU follows the req/s ratio; where the two part, a server spent time waiting, not working.
printf '%-6s %12s %12s %7s   %10s %10s %7s   %9s %9s %7s\n' round "service/s" "bare/s" ratio "p99 svc" "p99 bare" ratio "µs svc" "µs bare" ratio
for name in $names; do load "$name" "$FIRST_WARMUP" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  # The order turns by one each round (A B C, B C A, C A B): a server's place in the round moves its figure (one setting
  # measured 11 % ahead of the default when it ran third, 3 % when it ran first), so no server keeps one place.
  # shellcheck disable=SC2086 # the names are split into words on purpose
  set -- $names
  for _ in $(seq 2 "$round"); do set -- "${@:2}" "$1"; done
  for name in "$@"; do
    load "$name" "$WARMUP" >/dev/null
    load "$name" "$DURATION" > "$OUT/$name.$round"
  done
  read -r _ s_rps _ s_p99 s_bad _ s_cpu < "$OUT/service.$round"
  read -r _ b_rps _ b_p99 b_bad _ b_cpu < "$OUT/bare.$round"
  [ "$s_bad" -eq 0 ] && [ "$b_bad" -eq 0 ] || echo "non-2xx answers: service $s_bad, bare $b_bad"
  awk -v r="$round" -v s="$s_rps" -v b="$b_rps" -v sp="$s_p99" -v bp="$b_p99" -v sc="$s_cpu" -v bc="$b_cpu" \
    'BEGIN { printf "%-6s %12.0f %12.0f %7.3f   %8.2fms %8.2fms %7.2f   %9.2f %9.2f %7.3f\n", r, s, b, s / b, sp, bp, sp / bp, sc, bc, bc / sc }' | tee -a "$OUT/pairs"
  if [ -n "${BASELINE:-}" ]; then
    read -r _ c_rps _ c_p99 c_bad _ c_cpu < "$OUT/baseline.$round"
    [ "$c_bad" -eq 0 ] || echo "non-2xx answers: baseline $c_bad"
    awk -v s="$c_rps" -v b="$b_rps" -v sp="$c_p99" -v bp="$b_p99" -v sc="$c_cpu" -v bc="$b_cpu" \
      'BEGIN { printf "%-6s %12.0f %12s %7.3f   %8.2fms %10s %7.2f   %9.2f %9s %7.3f\n", "  base", s, "", s / b, sp, "", sp / bp, sc, "", bc / sc }' | tee -a "$OUT/baseline-pairs"
  fi
done
# median <label> <printf format>: the median of the numbers on standard input.
median() {
  sort -n | awk -v label="$1" -v format="$2" \
    '{ a[NR] = $1 } END { printf "median %s: " format "\n", label, (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
awk '{ print $4 }' "$OUT/pairs" | median "req/s ratio (service / bare)" "%.3f"
awk '{ print $7 }' "$OUT/pairs" | median "p99 ratio (service / bare)" "%.2f"
awk '{ print $10 }' "$OUT/pairs" | median "CPU ratio (bare / service µs per request)" "%.3f"
if [ -n "${BASELINE:-}" ]; then
  # The baseline's lines have no bare columns: its ratios are fields 3, 5 and 7.
  awk '{ print $3 }' "$OUT/baseline-pairs" | median "req/s ratio (baseline / bare)" "%.3f"
  awk '{ print $5 }' "$OUT/baseline-pairs" | median "p99 ratio (baseline / bare)" "%.2f"
  awk '{ print $7 }' "$OUT/baseline-pairs" | median "CPU ratio (bare / baseline µs per request)" "%.3f"
fi
echo "service log lines: $(wc -l < "$OUT/service.log") (one per request at Information, compact JSON)"
