#!/usr/bin/env bash
# Bytes allocated per POST /api/v1/predict (the tutorial's AND weights, its 4 rows) in the service and in the bare route
# of tests/load/bare, each with the service's production logging on: dotnet-counters sums the process's allocation rate
# over a window that holds exactly REQUESTS requests (wrk stops itself after them). Unlike req/s, this figure hardly moves
# with other load on the machine. BASELINE=<path of another checkout's src/PerceptronApi> adds that build. Needs wrk,
# taskset and dotnet-counters (dotnet tool install -g dotnet-counters). Bounded: at most 3 × 30 s of loopback traffic.
set -euo pipefail
cd "$(dirname "$0")/../.."

REQUESTS=${REQUESTS:-30000}
COUNTERS=${COUNTERS:-$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")}
for tool in wrk taskset curl "$COUNTERS"; do command -v "$tool" >/dev/null || { echo "$tool is not installed"; exit 2; }; done
source tests/load/predict-common.sh
publish_apps

cat > "$OUT/counted.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
local count = 0
response = function(status, headers, body)
  count = count + 1
  if count >= $REQUESTS then wrk.thread:stop() end
end
done = function(summary, latency, requests) io.write(string.format("REQUESTS %d\n", summary.requests)) end
LUA

for name in $names; do
  dll=PerceptronApi.dll; [ "$name" != bare ] || dll=Bare.dll
  port=$(free_port)
  (cd "$OUT/$name" && ASPNETCORE_ENVIRONMENT=Production Log__Format=json \
    exec taskset -c 0 dotnet "$dll" --urls "http://127.0.0.1:$port") > "$OUT/$name.log" 2>&1 &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 100); do curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$port/api/v1/predict" && break; sleep 0.2; done
  # Warm up (JIT, tiered compilation), then count.
  taskset -c 1 wrk -t1 -c32 -d3s -s "$OUT/counted.lua" "http://127.0.0.1:$port/api/v1/predict" >/dev/null
  sleep 1
  "$COUNTERS" collect -p "$pid" --counters 'System.Runtime[dotnet.gc.heap.total_allocated]' --refresh-interval 1 \
    --format csv -o "$OUT/$name.csv" --duration 00:00:00:34 >/dev/null 2>&1 &
  counters=$!
  sleep 3
  sent=$(taskset -c 1 wrk -t1 -c32 -d28s -s "$OUT/counted.lua" "http://127.0.0.1:$port/api/v1/predict" | awk '/^REQUESTS/ { print $2 }')
  wait "$counters" || true
  kill "$pid"
  awk -F, -v name="$name" -v n="$sent" '/total_allocated/ { sum += $5 } END { printf "%-8s %7d requests  %6.0f bytes/request\n", name, n, sum / n }' "$OUT/$name.csv"
done
