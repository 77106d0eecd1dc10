#!/usr/bin/env bash
# Load test of POST /api/v1/predict on loopback: the same Release build run twice, side by side in one run —
# once with request logging on (Information, compact JSON to stdout, as in a container) and once with it off
# (Warning) — so the cost of the log line shows as a ratio. Bounded: DURATION seconds per run (default 10).
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-5181}
OUT=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$OUT"' EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
dotnet publish src/PerceptronApi -c Release -o "$OUT/app" --nologo -v quiet >/dev/null

cat > "$OUT/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"bias": 0.4, "weights": [0.7, -0.2], "target": "NOR"}'
LUA

run() { # name, log level
  # From the app's folder, as in the container, so its appsettings.json is the one read.
  (cd "$OUT/app" && ASPNETCORE_ENVIRONMENT=Production Serilog__MinimumLevel__Default="$2" Log__Format=json \
    exec dotnet PerceptronApi.dll --urls "http://127.0.0.1:$PORT") > "$OUT/$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
  wrk -t2 -c"$CONNECTIONS" -d2s -s "$OUT/predict.lua" "http://127.0.0.1:$PORT/api/v1/predict" >/dev/null # warm-up
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$OUT/predict.lua" "http://127.0.0.1:$PORT/api/v1/predict" > "$OUT/$1.wrk"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$1.wrk")
  local p50; p50=$(awk '$1=="50%" {print $2}' "$OUT/$1.wrk")
  local p99; p99=$(awk '$1=="99%" {print $2}' "$OUT/$1.wrk")
  local lines; lines=$(wc -l < "$OUT/$1.log")
  printf '%-22s %10s req/s   p50 %-8s p99 %-8s log lines %s\n' "$1" "$rps" "$p50" "$p99" "$lines"
  echo "$rps" > "$OUT/$1.rps"
}

echo "POST /api/v1/predict, ${DURATION}s, $CONNECTIONS connections, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run "request-logging-on" Information
run "request-logging-off" Warning
awk -v on="$(cat "$OUT/request-logging-on.rps")" -v off="$(cat "$OUT/request-logging-off.rps")" \
  'BEGIN { printf "logging on / off: %.2f\n", on / off }'
