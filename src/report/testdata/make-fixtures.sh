#!/bin/sh
# Regenerates the run reports in this directory (except run-work.json) from real runs of the
# fixture crate (tests/fixture), then trims them: raw samples and resource series cut to the
# first 6, the bench process's pid replaced by one that no process has. Each step says what
# it runs; README.md says what each file is for. Needs cargo, jq, python3 and a shell; takes about a
# minute once the fixture is built. Usage: src/report/testdata/make-fixtures.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/tmp/fixture-target}"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export QUDAG_BENCH_HOME="$home"
fast="--warmup-time 5ms --measure-time 20ms --no-history"

bench() { # bench TARGET ARGS...: `cargo bench` of the fixture's TARGET (bench mode)
    target=$1
    shift
    (cd "$root/tests/fixture" && cargo bench -q --bench "$target" -- "$@") || true
}

edit() { # edit FILE PYTHON: runs PYTHON on the JSON `r` of FILE and writes it back (python
    # keeps 20.0 a float, which jq would write as 20)
    python3 -c "import json, sys
r = json.load(open(sys.argv[1]))
$2
open(sys.argv[1], 'w').write(json.dumps(r, indent=2, ensure_ascii=False) + '\n')" "$1"
}

trim() { # trim FILE: keeps the first 6 samples and readings, fixes the pid
    edit "$1" "
for b in r['benchmarks']:
    b['samples_ns'] = b['samples_ns'][:6]
    b['iters_per_sample'] = b['iters_per_sample'][:6]
    if b.get('system'):
        b['system']['series'] = b['system']['series'][:6]
if r.get('incomplete'):
    r['incomplete']['pid'] = 4294967295"
}

# run-compare.json: `work` against a baseline whose `batched_work` and `loop_work/1000`
# entries were swapped (so one comparison holds a large regression and a large improvement),
# that lacks `same_work_in_iter` (new) and that has `loop_work/1010`, skipped in this run
# (missing). With --gate: the gate fails; the two flagged benchmarks are measured again.
bench work $fast --skip same_work_in_iter --save-baseline main >/dev/null
b="$home/baselines/main/work.json"
edit "$b" "
swap = {'batched_work': 'loop_work/1000', 'loop_work/1000': 'batched_work'}
for b in r['benchmarks']:
    b['id'] = swap.get(b['id'], b['id'])"
bench work $fast --skip loop_work/1010 --baseline main --gate --noise-threshold 20 \
    --json "$here/run-compare.json" >/dev/null
trim "$here/run-compare.json"

# run-faults.json: a panic carrying `<script>`, a hang (timed out), a benchmark that never
# calls an iteration function.
bench faults $fast --json "$here/run-faults.json" >/dev/null 2>&1
trim "$here/run-faults.json"

# run-hostile.json: ids, suite, tags and a panic message with terminal control sequences.
bench hostile $fast --json "$here/run-hostile.json" >/dev/null 2>&1
trim "$here/run-hostile.json"

# run-forms.json: throughput in bytes and elements, suites and tags, an ignored benchmark,
# performance targets met, missed and not checked.
cat >"$home/targets.toml" <<'EOF'
[targets]
"plain" = "< 1s"
"fib10" = "< 1ns"
"sum_bytes" = "> 1 KB/s"
"strings/ab" = "> 1 MB/s"
EOF
bench forms $fast --config "$home/targets.toml" --json "$here/run-forms.json" >/dev/null
trim "$here/run-forms.json"

# run-alloc.json: allocations per iteration (the target installs CountingAlloc), software
# counters, peak memory.
bench alloc $fast --json "$here/run-alloc.json" >/dev/null
trim "$here/run-alloc.json"

# run-incomplete.json: `work`'s journal (results/work.json) copied while `tunable` waits for
# QUDAG_FIXTURE_HOLD, so it holds the benchmarks finished so far and `incomplete`.
hold="$home/hold"
journal="$home/results/work.json"
rm -f "$journal"
QUDAG_FIXTURE_HOLD="$hold" bench work $fast --json "$home/ignored.json" >/dev/null &
tries=0
until [ -f "$journal" ] && [ "$(jq '.incomplete != null and (.benchmarks | length) == 4' "$journal")" = true ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || { echo "the journal never reached 4 benchmarks" >&2; exit 1; }
    sleep 0.1
done
cp "$journal" "$here/run-incomplete.json"
touch "$hold"
wait
trim "$here/run-incomplete.json"

# ab.json: `qudag-bench ab` of the fixture's `ab` target against itself behind a wrapper
# that sets 30% more work for `tunable` (regressed) and makes `fragile` panic (failed).
ab_exe=$(cd "$root/tests/fixture" && cargo bench -q --bench ab --no-run --message-format=json |
    jq -r 'select(.reason == "compiler-artifact" and .target.name == "ab") | .executable')
printf '#!/bin/sh\nQUDAG_FIXTURE_WORK=1300 QUDAG_FIXTURE_FRAGILE=1 exec %s "$@"\n' "$ab_exe" \
    >"$home/head"
chmod +x "$home/head"
(cd "$root" && cargo run -q --bin qudag-bench -- ab --base "$ab_exe" --head "$home/head" \
    --budget 1 --json "$here/ab.json" >/dev/null) || true
# The binaries' paths are this machine's: their file names are enough.
edit "$here/ab.json" "
for side in ['base', 'head']:
    r[side] = r[side].rsplit('/', 1)[-1]"
