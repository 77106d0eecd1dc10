#!/usr/bin/env bash
# The trainers' BenchmarkDotNet benchmarks (whole Trainer.Train runs, 100 k and 1 M samples) of this checkout against
# another one (a worktree of an earlier commit: `git worktree add /tmp/before <commit>`), alternately: before, after,
# then after, before, ... for PAIRS pairs, each run ITERATIONS measured iterations. Prints every pair's ratio of medians
# (after ÷ before) per benchmark, then the median ratio over the pairs and the geometric mean. A benchmark, not a test:
# on a shared machine one run's medians move by 10-20 % between processes, which is why the runs alternate and the
# ratio is taken per pair. Usage: before-after.sh <other checkout> [filter...] (default: the three trainers).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
after=$(cd "$here/../.." && pwd)
before=$(cd "${1:?usage: before-after.sh <other checkout> [filter...]}" && pwd)
shift
filters=("$@")
[ ${#filters[@]} -gt 0 ] || filters=('*TrainPerceptron*' '*TrainAveraged*' '*TrainAdaline*')
PAIRS=${PAIRS:-3}
ITERATIONS=${ITERATIONS:-25}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

for tree in "$before" "$after"; do
  dotnet build -c Release "$tree/tests/PerceptronApi.Benchmarks" -v q -nologo > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
done

run() { # name, checkout, pair
  local dir="$OUT/$1.$3"
  mkdir -p "$dir"
  # From the project's folder: BenchmarkDotNet builds its runner next to the project it finds there.
  (cd "$2/tests/PerceptronApi.Benchmarks" && dotnet bin/Release/net10.0/PerceptronApi.Benchmarks.dll \
    --filter "${filters[@]}" --iterationCount "$ITERATIONS" --warmupCount 3 --artifacts "$dir" > "$dir/log" 2>&1) \
    || { tail -20 "$dir/log"; exit 1; }
  cp "$dir"/results/*-report.csv "$dir/report.csv"
}

echo "before: $before ($(git -C "$before" log -1 --format=%h)), after: $after ($(git -C "$after" log -1 --format=%h)), $PAIRS pairs × $ITERATIONS iterations, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for pair in $(seq 1 "$PAIRS"); do
  if [ $((pair % 2)) -eq 1 ]; then run before "$before" "$pair"; run after "$after" "$pair"; else run after "$after" "$pair"; run before "$before" "$pair"; fi
done

python3 - "$OUT" "$PAIRS" <<'PY'
import csv, math, statistics, sys
out, pairs = sys.argv[1], int(sys.argv[2])
units = {"ns": 1e-6, "μs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
def medians(path):
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    result = {}
    for row in rows:
        value, unit = row["Median"].replace(",", "").split()
        result[f"{row['Method'].strip(chr(39))} {int(row['Samples']):>8}"] = float(value) * units[unit]
    return result
ratios, times = {}, {}
for p in range(1, pairs + 1):
    b, a = medians(f"{out}/before.{p}/report.csv"), medians(f"{out}/after.{p}/report.csv")
    for key in b:
        ratios.setdefault(key, []).append(a[key] / b[key])
        times.setdefault(key, []).append((b[key], a[key]))
print(f"{'benchmark':<30} " + " ".join(f"{'pair ' + str(p):>8}" for p in range(1, pairs + 1)) + f" {'median':>8} {'geomean':>8}   before → after (median ms)")
for key, r in ratios.items():
    geo = math.exp(sum(math.log(x) for x in r) / len(r))
    b = statistics.median(t[0] for t in times[key]); a = statistics.median(t[1] for t in times[key])
    print(f"{key:<30} " + " ".join(f"{x:8.3f}" for x in r) + f" {statistics.median(r):8.3f} {geo:8.3f}   {b:.2f} → {a:.2f}")
PY
echo "reports: $OUT"
