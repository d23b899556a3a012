#!/usr/bin/env bash
# The A/B gate study (docs/gating.md): builds the panel in ci/gate-panel at 0 (twice: a copy
# and a rebuild), 1, 2, 5 and 10% injected work, then runs `qudag-bench ab` of base against
# each, REPETITIONS times in random order, plus the stored-baseline control for the first
# CONTROL repetitions, and prints the tables (ci/gate-study.py; needs scipy).
#   bash ci/gate-study.sh [REPETITIONS [CONTROL]]   (default 16 and 6; about 2.5 minutes per
#                                                    repetition, 1.2 more with the control)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-16}"
control="${2:-6}"
out="ci/gate-panel/target/study"
bins="$out/bins"
mkdir -p "$bins" "$out/ab" "$out/baseline"

cargo build --release -p qudag-bench-cli --bin qudag-bench
tool="target/release/qudag-bench"

build() { # build LEVEL_BP NAME: the panel with that slowdown, copied to $bins/NAME
    local exe
    exe=$(cd ci/gate-panel && GATE_PANEL_SLOWDOWN_BP="$1" cargo bench --no-run --message-format=json 2>/dev/null \
        | python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["kind"]==["bench"]: print(m["executable"])')
    cp "$exe" "$bins/$2"
}
build 0 base
cp "$bins/base" "$bins/aa-copy"
touch ci/gate-panel/src/lib.rs   # force a rebuild of the same source
build 0 aa-rebuild
for bp in 100 200 500 1000; do build "$bp" "slow-$bp"; done

heads=(aa-copy aa-rebuild slow-100 slow-200 slow-500 slow-1000)
for rep in $(seq 1 "$reps"); do
    for head in $(printf '%s\n' "${heads[@]}" | shuf); do
        echo "repetition $rep: $head" >&2
        # Every benchmark gets its whole budget of rounds (--min-rounds 1000) and no
        # confirmation pass: the analysis replays the stopping rule and the decision for any
        # thresholds, and confirms with the next repetition's run of the same head.
        "$tool" ab --base "$bins/base" --head "$bins/$head" --no-confirm --min-rounds 1000 \
            --json "$out/ab/$head.$rep.json" >/dev/null || true
        [ "$rep" -le "$control" ] || continue
        home="$out/baseline/home.$head.$rep"
        QUDAG_BENCH_HOME="$home" "$bins/base" --bench --save-baseline b --no-history >/dev/null 2>&1
        QUDAG_BENCH_HOME="$home" "$bins/$head" --bench --baseline b --no-history \
            --json "$out/baseline/$head.$rep.json" >/dev/null 2>&1 || true
        rm -rf "$home"
    done
done
python3 ci/gate-study.py "$out"
