#!/usr/bin/env bash
# A real Prometheus server scrapes `qudag-bench monitor`: a quick run of the fixture's `work`
# bench target into a temporary QUDAG_BENCH_HOME, the monitor on a free loopback port, and
# Prometheus (Debian's `prometheus` package, on PATH) scraping it every second on loopback.
# Passes when Prometheus's query API returns qudag_bench_latency_seconds and
# qudag_bench_progress series for the run and up{job="qudag-bench"} == 1.
#
# Usage: ci/prometheus-check.sh        (from anywhere in the repository; .ci/run calls it)
# Environment (optional): PROMETHEUS_CHECK_TIMEOUT  seconds to wait for the series [60]
# Exit: 0 found, 1 not found in time or a process died, 2 prometheus missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "prometheus-check: $*" >&2; }
timeout_s=${PROMETHEUS_CHECK_TIMEOUT:-60}
command -v prometheus >/dev/null 2>&1 || {
    log "error: prometheus is not on PATH (apt-get install -y prometheus)"
    exit 2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-check.XXXXXX")
monitor_pid="" prometheus_pid=""
cleanup() {
    local code=$?
    for pid in $monitor_pid $prometheus_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $monitor_pid $prometheus_pid; do
        wait "$pid" 2>/dev/null || true
    done
    if ((code != 0)); then
        for f in monitor.log prometheus.log; do
            [[ -f $tmp/$f ]] && { log "--- last lines of $f:"; tail -n 20 "$tmp/$f" >&2; }
        done
    fi
    rm -rf "$tmp"
    exit "$code"
}
trap cleanup EXIT INT TERM

# The command (debug build: `cargo test` has built it already) and a real bench run. The
# fixture's target directory is the integration tests', so after `cargo test` nothing builds.
cargo build --quiet -p qudag-bench-cli --bin qudag-bench
target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
bin=$target_dir/debug/qudag-bench
export QUDAG_BENCH_HOME=$tmp/home
log "running the fixture's work bench target (--quick) into $QUDAG_BENCH_HOME"
(cd tests/fixture && CARGO_TARGET_DIR=$target_dir/tmp/fixture-target \
    cargo bench --quiet --bench work -- --quick --no-history) >"$tmp/bench.log" 2>&1 || {
    cat "$tmp/bench.log" >&2
    exit 1
}
[[ -f $QUDAG_BENCH_HOME/results/work.json && -f $QUDAG_BENCH_HOME/progress/work.json ]] || {
    log "error: the run wrote no results or progress"
    exit 1
}

"$bin" monitor --listen 127.0.0.1:0 2>"$tmp/monitor.log" &
monitor_pid=$!
monitor_addr=""
for _ in $(seq 1 100); do
    monitor_addr=$(sed -n 's|.*serving http://\([^/]*\)/metrics.*|\1|p' "$tmp/monitor.log")
    [[ -n $monitor_addr ]] && break
    kill -0 "$monitor_pid" 2>/dev/null || { log "error: the monitor exited"; exit 1; }
    sleep 0.1
done
[[ -n $monitor_addr ]] || { log "error: the monitor did not start"; exit 1; }
log "monitor serving on $monitor_addr"

# A free loopback port for Prometheus (not 9090: a packaged service may hold that one).
prom_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: qudag-bench
    static_configs:
      - targets: ["$monitor_addr"]
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" >"$tmp/prometheus.log" 2>&1 &
prometheus_pid=$!
log "$(prometheus --version 2>&1 | head -n 1), on 127.0.0.1:$prom_port"

PROM_URL="http://127.0.0.1:$prom_port" TIMEOUT="$timeout_s" \
    MONITOR_PID="$monitor_pid" PROMETHEUS_PID="$prometheus_pid" python3 - <<'EOF'
import json, os, sys, time, urllib.error, urllib.parse, urllib.request

url, deadline = os.environ["PROM_URL"], time.monotonic() + float(os.environ["TIMEOUT"])

def alive(pid):
    try:
        os.kill(int(pid), 0)
        return True
    except OSError:
        return False

def query(q):
    with urllib.request.urlopen(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": q}), timeout=5) as r:
        body = json.load(r)
    assert body["status"] == "success", body
    return body["data"]["result"]

checks = {
    "latency": 'qudag_bench_latency_seconds{bench_target="work"}',
    "progress": 'qudag_bench_progress{bench_target="work"}',
    "up": 'up{job="qudag-bench"} == 1',
}
found = {}
while time.monotonic() < deadline and len(found) < len(checks):
    for name in ("MONITOR_PID", "PROMETHEUS_PID"):
        if not alive(os.environ[name]):
            sys.exit(f"prometheus-check: error: {name.split('_')[0].lower()} died")
    for name, q in checks.items():
        if name not in found:
            try:
                result = query(q)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                result = []  # Prometheus still starting
            if result:
                found[name] = result
    time.sleep(0.5)
missing = [q for n, q in checks.items() if n not in found]
if missing:
    sys.exit("prometheus-check: error: no series in time for: " + ", ".join(missing))
latency = found["latency"]
benchmarks = sorted({s["metric"]["benchmark"] for s in latency})
print(f"prometheus-check: {len(latency)} qudag_bench_latency_seconds series for "
      f"{len(benchmarks)} benchmarks: {', '.join(benchmarks)}")
for s in sorted(latency, key=lambda s: (s["metric"]["benchmark"], float(s["metric"]["quantile"])))[:5]:
    m = s["metric"]
    print(f'  {m["benchmark"]} quantile={m["quantile"]} granularity={m["granularity"]}: {s["value"][1]} s')
p = found["progress"][0]
print(f'prometheus-check: qudag_bench_progress{{bench_target="work"}} = {p["value"][1]}; '
      f'up{{job="qudag-bench"}} = {found["up"][0]["value"][1]}')
samples = query('scrape_samples_scraped{job="qudag-bench"}')
print(f'prometheus-check: {samples[0]["value"][1]} samples per scrape')
EOF
log "ok"
