#!/usr/bin/env bash
# Clean build time of a one-benchmark user crate: qudag-bench (default features) next to the
# same crate written for criterion 0.8 (default features off) and divan 0.1, built one after
# another in this run, each with its own empty target dir. Downloads are fetched first and not
# timed. Prints wall time, CPU time (user + system of cargo and the compilers), the number of
# crates compiled and the ratios to criterion.
#
# Usage: ci/build-time.sh [--before REV|DIR] [--only NAMES] [--repeat N] [--keep]
#   --before REV|DIR  also build qudag-bench from DIR, or from commit REV of this repo (checked
#                     out as a temporary git worktree), labelled "qudag-bench (before)".
#   --only NAMES      comma-separated subset of: qudag,before,compat,criterion,divan (compat:
#                     the criterion crate's bench file on qudag-bench-criterion, renamed).
#   --repeat N        build each crate N times (default 1), rotating the order each round, and
#                     report medians: one build's time moves by 10-20% on a shared machine.
#   --keep            keep the temp dir (target dirs hold cargo's --timings reports).
# Takes about 3 minutes on 2 idle cores (about 5 with --before). Run it on a quiet machine:
# it prints the load and the number of other rustc processes before each build.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
before=""
only="qudag,before,compat,criterion,divan"
keep=0
repeat=1
while [ $# -gt 0 ]; do
    case "$1" in
        --before) before="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "build-time.sh: unknown argument '$1' (expected --before, --only, --repeat or --keep)" >&2; exit 2 ;;
    esac
done

tmp="$(mktemp -d /tmp/qudag-build-time.XXXXXX)"
worktree=""
cleanup() {
    if [ -n "$worktree" ]; then git -C "$repo" worktree remove --force "$worktree" || true; fi
    if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

if [ -n "$before" ] && [ ! -d "$before" ]; then
    worktree="$tmp/before-checkout"
    git -C "$repo" worktree add --detach --quiet "$worktree" "$before"
    before="$worktree"
fi

# write_crate NAME DEPENDENCY-LINE BENCH-SOURCE
write_crate() {
    mkdir -p "$tmp/$1/benches"
    cat >"$tmp/$1/Cargo.toml" <<EOF
[package]
name = "user-$1"
version = "0.1.0"
edition = "2024"
publish = false

[workspace]

[dev-dependencies]
$2

[[bench]]
name = "one"
harness = false
EOF
    printf '%s\n' "$3" >"$tmp/$1/benches/one.rs"
    mkdir -p "$tmp/$1/src" && : >"$tmp/$1/src/lib.rs"
}

qudag_src='use qudag_bench::{Bencher, black_box, qudag_bench};

#[qudag_bench]
fn sum(b: &mut Bencher) {
    b.iter(|| (0..black_box(1000u64)).sum::<u64>())
}

qudag_bench::main!();'

names=()
want() { [[ ",$only," == *",$1,"* ]]; }
if want qudag; then
    write_crate qudag "qudag-bench = { path = \"$repo\" }" "$qudag_src"
    names+=(qudag)
fi
if want before && [ -n "$before" ]; then
    write_crate before "qudag-bench = { path = \"$before\" }" "$qudag_src"
    names+=(before)
fi
if want criterion; then
    write_crate criterion 'criterion = { version = "0.8", default-features = false }' \
'use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn sum(c: &mut Criterion) {
    c.bench_function("sum", |b| b.iter(|| (0..black_box(1000u64)).sum::<u64>()));
}

criterion_group!(benches, sum);
criterion_main!(benches);'
    names+=(criterion)
fi
if want compat; then
    # The criterion file below, unchanged, with the dependency renamed to the drop-in.
    write_crate compat "criterion = { package = \"qudag-bench-criterion\", path = \"$repo/criterion-compat\", default-features = false }" \
'use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn sum(c: &mut Criterion) {
    c.bench_function("sum", |b| b.iter(|| (0..black_box(1000u64)).sum::<u64>()));
}

criterion_group!(benches, sum);
criterion_main!(benches);'
    names+=(compat)
fi
if want divan; then
    write_crate divan 'divan = "0.1"' \
'fn main() {
    divan::main();
}

#[divan::bench]
fn sum() -> u64 {
    (0..divan::black_box(1000u64)).sum()
}'
    names+=(divan)
fi

label() {
    case "$1" in
        qudag) echo "qudag-bench" ;;
        before) echo "qudag-bench (before)" ;;
        compat) echo "qudag-bench-criterion" ;;
        *) echo "$1" ;;
    esac
}

for n in "${names[@]}"; do
    (cd "$tmp/$n" && cargo fetch --quiet)
done

# Each round builds every crate once, in a rotated order, so that a slow minute of the machine
# does not always fall on the same crate; the table gives each crate's median over the rounds.
declare -A walls cpus crates
TIMEFORMAT='%R %U %S'
build() {
    local n=$1 round=$2
    rm -rf "$tmp/target-$n"
    echo "== round $round, $(label "$n"): load $(cut -d' ' -f1-3 /proc/loadavg), other rustc: $(pgrep -c rustc || true)" >&2
    # bash's `time` reports wall time and the CPU time of cargo and every rustc it waited for.
    { time (cd "$tmp/$n" && CARGO_TARGET_DIR="$tmp/target-$n" cargo bench --no-run --offline \
        --locked --timings 2>"$tmp/$n.log"); } 2>"$tmp/$n.time" ||
        { cat "$tmp/$n.log" >&2; exit 1; }
    read -r wall user sys <"$tmp/$n.time"
    walls[$n]+="$wall "
    cpus[$n]+="$(echo "$user + $sys" | bc) "
    crates[$n]=$(grep -c '^ *Compiling ' "$tmp/$n.log" || true)
    echo "   wall $wall s, CPU $(echo "$user + $sys" | bc) s" >&2
}
for ((round = 1; round <= repeat; round++)); do
    count=${#names[@]}
    for ((i = 0; i < count; i++)); do
        build "${names[$(((i + round - 1) % count))]}" "$round"
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A secs cpu
for n in "${names[@]}"; do
    secs[$n]=$(echo "${walls[$n]}" | median)
    cpu[$n]=$(echo "${cpus[$n]}" | median)
done

echo
echo "rustc: $(rustc -V); cores: $(nproc); $(date -u +%Y-%m-%dT%H:%MZ); rounds: $repeat"
printf '%-22s %9s %8s %8s %11s %11s\n' "user crate" "wall (s)" "CPU (s)" "crates" \
    "wall ratio" "CPU ratio"
ratio() { printf '%.2f' "$(echo "scale=3; $1 / $2" | bc)"; }
for n in "${names[@]}"; do
    wr="-" cr="-"
    if [ -n "${secs[criterion]:-}" ]; then
        wr=$(ratio "${secs[$n]}" "${secs[criterion]}")
        cr=$(ratio "${cpu[$n]}" "${cpu[criterion]}")
    fi
    printf '%-22s %9.1f %8.1f %8s %11s %11s\n' "$(label "$n")" "${secs[$n]}" "${cpu[$n]}" \
        "${crates[$n]}" "$wr" "$cr"
    [ "$repeat" -gt 1 ] && echo "    rounds, wall: ${walls[$n]}" && echo "    rounds, CPU:  ${cpus[$n]}"
done
echo "(medians over the rounds; ratios to criterion; CPU time is cargo's and every rustc's,"
echo " user + system: it moves less than wall time when other processes share the cores)"
