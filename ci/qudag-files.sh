#!/usr/bin/env bash
# QuDAG's own criterion bench files on qudag-bench-criterion, against the published qudag-*
# crates (docs/criterion.md, "QuDAG's own bench files"). Not run by .ci/run: the first build
# compiles libp2p and takes about 20 minutes on a 2-core machine.
#
#   ci/qudag-files.sh QUDAG_CHECKOUT WORK_DIR
#
# QUDAG_CHECKOUT is a checkout of github.com/ruvnet/QuDAG (9edbf36 was used). In WORK_DIR the
# script makes one crate holding the 24 bench files, builds each file twice (criterion 0.5,
# then the same crate with its criterion line swapped for this repository's compat crate),
# compares the `--list` ids of every file that built both ways, and runs those in bench mode
# and test mode. Results: WORK_DIR/summary.txt; build logs and run reports beside it.
set -uo pipefail
qudag=$(realpath "$1")
work=$(mkdir -p "$2" && realpath "$2")
compat=$(realpath "$(dirname "$0")/../criterion-compat")
export CARGO_TARGET_DIR="$work/target"

make_crate() { # make_crate DIR CRITERION_LINE
    mkdir -p "$1/benches" "$1/src" && : >"$1/src/lib.rs"
    cp "$qudag"/core/*/benches/*.rs "$qudag"/benchmarks/benches/*.rs \
        "$qudag"/tools/simulator/benches/*.rs "$1/benches/"
    # The second vault_benchmarks.rs (a standalone copy of core/vault's crate).
    cp "$qudag/vault-standalone/benches/vault_benchmarks.rs" "$1/benches/vault_standalone_benchmarks.rs"
    {
        printf '[package]\nname = "qudag-files"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[workspace]\n\n'
        printf '[dependencies]\nqudag-crypto = "0.5"\nqudag-dag = "0.5"\nqudag-network = "0.5"\n'
        printf 'qudag-protocol = "0.5"\nqudag-vault-core = "0.5"\n'
        # What the bench files import besides criterion and the qudag crates.
        printf 'tokio = { version = "1", features = ["full"] }\nrand = "0.8"\nrand_chacha = "0.3"\n'
        printf 'blake3 = "1.5"\nbytes = "1"\nfutures = "0.3"\nquinn = "0.11"\ntempfile = "3"\n\n'
        printf '[dev-dependencies]\n%s\n' "$2"
        for f in "$1"/benches/*.rs; do
            printf '\n[[bench]]\nname = "%s"\nharness = false\n' "$(basename "$f" .rs)"
        done
    } >"$1/Cargo.toml"
}

build_all() { # build_all DIR LABEL: one line per file in summary.txt
    for f in "$1"/benches/*.rs; do
        local b; b=$(basename "$f" .rs)
        (cd "$1" && cargo bench --no-run --bench "$b") >"$work/$2-$b.log" 2>&1
        echo "$2 $b build rc=$?" | tee -a "$work/summary.txt"
    done
}

built() { [ -n "$1" ] && echo built || echo failed; }

executable() { # executable LOG: the bench executable a build log names
    grep -o "($CARGO_TARGET_DIR/release/deps/[^)]*)" "$1" | tr -d '()'
}

: >"$work/summary.txt"
make_crate "$work/real" 'criterion = { version = "0.5", features = ["html_reports", "async_tokio"] }'
make_crate "$work/compat" "criterion = { package = \"qudag-bench-criterion\", path = \"$compat\", features = [\"html_reports\", \"async_tokio\"] }"
(cd "$work/real" && cargo generate-lockfile -q) && cp "$work/real/Cargo.lock" "$work/compat/"
build_all "$work/real" real
build_all "$work/compat" compat

for f in "$work"/real/benches/*.rs; do
    b=$(basename "$f" .rs)
    real=$(executable "$work/real-$b.log"); ours=$(executable "$work/compat-$b.log")
    if [ -z "$real" ] || [ -z "$ours" ]; then
        # Both failed: the compiler's errors (code and place) must be the same.
        errors() { grep -A1 '^error\[' "$1" | grep -E '^error|-->'; }
        same=$([ "$(errors "$work/real-$b.log")" = "$(errors "$work/compat-$b.log")" ] && echo same || echo DIFFERENT)
        echo "$b: not built (criterion: $(built "$real"), compat: $(built "$ours")); errors $same: $(grep -m1 '^error\[' "$work/real-$b.log")" | tee -a "$work/summary.txt"
        continue
    fi
    "$real" --bench --list 2>/dev/null | grep ': benchmark$' >"$work/$b.real.ids"
    "$ours" --bench --list 2>/dev/null | grep ': benchmark$' >"$work/$b.compat.ids"
    ids=$(cmp -s "$work/$b.real.ids" "$work/$b.compat.ids" && echo identical || echo DIFFERENT)
    (cd "$work/compat" && QUDAG_BENCH_HOME="$work/home" CRITERION_HOME="$work/criterion" \
        "$ours" --bench --warmup-time 20ms --measure-time 100ms --no-progress \
        --json "$work/$b.json" >"$work/$b.bench.out" 2>&1)
    bench_rc=$?
    (cd "$work/compat" && QUDAG_BENCH_HOME="$work/home" "$ours" >"$work/$b.test.out" 2>&1)
    test_rc=$?
    echo "$b: $(wc -l <"$work/$b.real.ids") ids $ids; bench rc=$bench_rc $(tail -1 "$work/$b.bench.out"); test rc=$test_rc $(grep '^test result' "$work/$b.test.out")" |
        tee -a "$work/summary.txt"
done
