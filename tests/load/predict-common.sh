# Sourced by the predict load scripts (run from the repository root): a temporary folder, the servers they start (ended
# on exit), a free loopback port, the request, and Release builds of the service, the bare route and, with BASELINE,
# another checkout's service.
OUT=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$OUT"' EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

BODY='{"bias": -0.5, "weights": [0.6, 0.6]}'

# Publishes into $OUT/service, $OUT/bare and $OUT/baseline; sets names to the ones published.
publish_apps() {
  dotnet publish src/PerceptronApi -c Release -o "$OUT/service" --nologo -v quiet >/dev/null
  dotnet publish tests/load/bare -c Release -o "$OUT/bare" --nologo -v quiet >/dev/null
  names="service bare"
  if [ -n "${BASELINE:-}" ]; then
    dotnet publish "$BASELINE" -c Release -o "$OUT/baseline" --nologo -v quiet >/dev/null
    names="service bare baseline"
  fi
}
