#!/usr/bin/env bash
# Pull-request benchmark gate: builds the bench binaries of BASE_REV (in a temporary git
# worktree) and of the current checkout with the same toolchain and flags, then runs
# `qudag-bench ab` on every bench target present in both builds.
#
# Usage: ci/bench-gate.sh [BASE_REV]
#   BASE_REV  default: merge-base of HEAD with origin/main if that ref exists, else with
#             main, else HEAD~1. Head is the current checkout, uncommitted changes included.
# Environment (all optional):
#   BENCH_GATE_PACKAGE  build only this package (-p PKG) in both trees
#   BENCH_GATE_CLI      the qudag-bench command to use [default: built from package
#                       qudag-bench-cli of this workspace]
#   BENCH_GATE_FILTER   benchmark FILTER for `qudag-bench ab` (id substring; --exact in ARGS)
#   BENCH_GATE_ARGS     extra `qudag-bench ab` flags, word-split (e.g. "--strict --budget 30")
#   BENCH_GATE_OUT      report directory [default: target/bench-gate]: <target>.json,
#                       <target>.md, summary.md; summary.md is appended to GITHUB_STEP_SUMMARY
# Exit: the worst over all targets, 3 (confirmed regression) > 101 (a benchmark failed) >
#   2 (usage/input error) > 0 (pass); 2 for a bad BASE_REV; cargo's code if a build fails.
#   With BENCH_GATE_FILTER, a target it selects nothing in (in either build) is passed over,
#   but a filter that selects nothing in any target is 2: a gate that compared nothing fails.
set -euo pipefail

log() { echo "bench-gate: $*" >&2; }
die() { log "error: $*"; exit 2; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

case "${1:-}" in
-h | --help) usage; exit 0 ;;
esac
if (($# > 1)); then usage >&2; exit 2; fi

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "not inside a git work tree: $PWD"
top=$(git rev-parse --show-toplevel)
# cargo runs in the same subdirectory of both trees, so it sees the same workspace/package.
prefix=$(git rev-parse --show-prefix)
here=$PWD

if (($# == 1)); then
    base_rev=$1 base_label=$1
elif git rev-parse --verify --quiet origin/main >/dev/null; then
    base_label="merge-base of HEAD and origin/main"
    base_rev=$(git merge-base HEAD origin/main) ||
        die "no merge-base of HEAD and origin/main (a shallow clone? fetch full history)"
elif git rev-parse --verify --quiet main >/dev/null; then
    base_label="merge-base of HEAD and main"
    base_rev=$(git merge-base HEAD main) || die "no merge-base of HEAD and main"
else
    base_rev=HEAD~1 base_label=HEAD~1
fi
base_sha=$(git rev-parse --verify --quiet "$base_rev^{commit}") ||
    die "BASE_REV '$base_rev' does not resolve to a commit (a shallow clone or an unfetched branch?)"
head_sha=$(git rev-parse HEAD)
head_label="HEAD"
[[ -z $(git status --porcelain) ]] || head_label="HEAD with uncommitted changes"
log "base: $base_label = $base_sha"
log "head: $head_label = $head_sha"

# One compiler for both trees: a rust-toolchain file at BASE_REV must not swap it, or the
# A/B would measure the toolchain change. RUSTFLAGS etc. are inherited by both builds.
if [[ -z ${RUSTUP_TOOLCHAIN:-} ]] && command -v rustup >/dev/null 2>&1; then
    RUSTUP_TOOLCHAIN=$(rustup show active-toolchain 2>/dev/null | awk '{ print $1; exit }') || true
    [[ -z $RUSTUP_TOOLCHAIN ]] || export RUSTUP_TOOLCHAIN
fi

pkg_args=()
[[ -z ${BENCH_GATE_PACKAGE:-} ]] || pkg_args=(-p "$BENCH_GATE_PACKAGE")
extra_args=()
read -r -a extra_args <<<"${BENCH_GATE_ARGS:-}"

out=${BENCH_GATE_OUT:-target/bench-gate}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# If a build fails below, no summary of an earlier run may pass for this one's.
rm -f "$out/summary.md"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-gate.XXXXXX")
wt=$tmp/base
# shellcheck disable=SC2317 # only called by the EXIT trap
cleanup() {
    if [[ -d $wt ]]; then
        git -C "$top" worktree remove --force "$wt" || log "warning: could not remove worktree $wt"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
# Without these a signal would kill bash before the EXIT trap removes the worktree.
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints "name<TAB>executable" for each artifact of kind KIND in cargo's JSON messages.
artifacts() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
path, kind = sys.argv[1], sys.argv[2]
found = {}
with open(path) as f:
    for line in f:
        if not line.startswith("{"):
            continue
        m = json.loads(line)
        if m.get("reason") != "compiler-artifact" or m["target"]["kind"] != [kind]:
            continue
        if not m.get("executable"):
            continue
        name = m["target"]["name"]
        if found.get(name, m["executable"]) != m["executable"]:
            sys.exit(f"bench-gate: two {kind} targets named {name!r}; set BENCH_GATE_PACKAGE")
        found[name] = m["executable"]
for name in sorted(found):
    print(f"{name}\t{found[name]}")
EOF
}

# build_benches DIR LIST [TARGET_DIR]: builds DIR's benches, writes their list to LIST.
build_benches() {
    local dir=$1 list=$2
    (
        cd "$dir"
        [[ -z ${3:-} ]] || export CARGO_TARGET_DIR=$3
        cargo bench --no-run --message-format=json "${pkg_args[@]}"
    ) >"$list.json"
    artifacts "$list.json" bench >"$list"
}

# Head first: a pull request that does not compile fails before the long base build.
log "building head's bench binaries"
build_benches "$here" "$tmp/head.list"

# The command is its own package, qudag-bench-cli: BENCH_GATE_CLI names an installed one;
# otherwise -p finds the package in the workspace or among the dependencies, and the JSON
# names its path wherever CARGO_TARGET_DIR or build.target-dir put it.
if [[ -n ${BENCH_GATE_CLI:-} ]]; then
    cli=$BENCH_GATE_CLI
else
    log "building the qudag-bench CLI"
    cargo build --release -p qudag-bench-cli --bin qudag-bench --message-format=json >"$tmp/cli.json" ||
        die "cannot build package qudag-bench-cli here; install it (cargo install --path <qudag-bench>/cli) and set BENCH_GATE_CLI to the qudag-bench it installed"
    cli=$(artifacts "$tmp/cli.json" bin | awk -F '\t' '$1 == "qudag-bench" { print $2 }')
fi
[[ -x $cli ]] || die "no qudag-bench executable at '$cli'"

log "building base's bench binaries in $wt"
git -C "$top" worktree add --detach --quiet "$wt" "$base_sha"
if [[ -f $wt/.gitmodules ]]; then git -C "$wt" submodule update --init --recursive --quiet; fi
# A separate target dir, so base and head binaries do not overwrite each other. The base
# binaries keep reading config from $wt (their CARGO_MANIFEST_DIR): it stays until exit.
build_benches "$wt/$prefix" "$tmp/base.list" "$tmp/target"

declare -A base_exe head_exe
while IFS=$'\t' read -r name exe; do base_exe[$name]=$exe; done <"$tmp/base.list"
while IFS=$'\t' read -r name exe; do head_exe[$name]=$exe; done <"$tmp/head.list"

filter_args=()
[[ -z ${BENCH_GATE_FILTER:-} ]] || filter_args=(-- "$BENCH_GATE_FILTER")

compared=() added=() removed=() unselected=()
declare -A code nothing
any3=0 any101=0 any2=0
for t in $(printf '%s\n' "${!head_exe[@]}" | sort); do
    if [[ -z ${base_exe[$t]:-} ]]; then added+=("$t"); continue; fi
    compared+=("$t")
    # A stale report from an earlier run must not stand in for one this run failed to write.
    rm -f "$out/$t.json" "$out/$t.md"
    log "ab $t"
    cmd=("$cli" ab --base "${base_exe[$t]}" --head "${head_exe[$t]}"
        --json "$out/$t.json" --markdown "$out/$t.md" "${extra_args[@]}" "${filter_args[@]}")
    rc=0
    # Kept, so the summary can show why a target has no report (ab's error message), and to
    # tell a target the filter selects nothing in from a real input error.
    "${cmd[@]}" 2>"$tmp/$t.err" || rc=$?
    cat "$tmp/$t.err" >&2
    if ((rc == 2)) && [[ -n ${BENCH_GATE_FILTER:-} ]] &&
        grep -q 'no benchmark in common.*base has none, head has none' "$tmp/$t.err"; then
        unselected+=("$t") nothing[$t]=1 code[$t]=0
        continue
    fi
    code[$t]=$rc
    case $rc in
    0) ;;
    3) any3=1 ;;
    101) any101=1 ;;
    2) any2=1 ;;
    # A crash of the tool (a signal, anything unexpected) must not pass the gate.
    *) any101=1 ;;
    esac
done
for t in $(printf '%s\n' "${!base_exe[@]}" | sort); do
    [[ -n ${head_exe[$t]:-} ]] || removed+=("$t")
done

if ((${#compared[@]})) && ((${#unselected[@]} == ${#compared[@]})); then
    log "error: BENCH_GATE_FILTER '$BENCH_GATE_FILTER' selects no benchmark in any bench target"
    any2=1
fi
if ((any3)); then status=3; elif ((any101)); then status=101; elif ((any2)); then status=2; else status=0; fi
meaning() {
    case $1 in
    0) echo pass ;; 3) echo "confirmed regression" ;; 101) echo "a benchmark failed" ;;
    2) echo "usage or input error" ;; *) echo "unexpected exit" ;;
    esac
}

{
    echo "## Benchmark gate: $(meaning "$status") (exit $status)"
    echo
    echo "Base: $base_label \`${base_sha:0:12}\`; head: $head_label \`${head_sha:0:12}\`."
    [[ -z ${BENCH_GATE_FILTER:-} ]] || echo "Filter: \`$BENCH_GATE_FILTER\`."
    [[ -z ${BENCH_GATE_ARGS:-} ]] || echo "Arguments: \`$BENCH_GATE_ARGS\`."
    echo
    ((${#compared[@]})) || echo "No bench target is in both builds: nothing compared."$'\n'
    if ((${#compared[@]})); then
        echo "| target | result |"
        echo "|---|---|"
        for t in "${compared[@]}"; do
            if [[ -n ${nothing[$t]:-} ]]; then
                echo "| \`$t\` | nothing selected by the filter |"
            else
                echo "| \`$t\` | $(meaning "${code[$t]}") (exit ${code[$t]}) |"
            fi
        done
        echo
    fi
    ((${#added[@]} == 0)) || echo "New bench targets, not compared: ${added[*]}."$'\n'
    ((${#removed[@]} == 0)) || echo "Removed bench targets, not compared: ${removed[*]}."$'\n'
    for t in "${compared[@]}"; do
        [[ -z ${nothing[$t]:-} ]] || continue
        echo "**Target \`$t\`**"
        echo
        if [[ -f $out/$t.md ]]; then
            cat "$out/$t.md"
        elif [[ -s $tmp/$t.err ]]; then
            # shellcheck disable=SC2016 # the backticks are a Markdown code fence
            printf 'No report (exit %s):\n\n```\n%s\n```\n' "${code[$t]}" "$(tail -n 20 "$tmp/$t.err")"
        else
            echo "No report (exit ${code[$t]}); see the job log."
        fi
        echo
    done
} >"$out/summary.md"
[[ -z ${GITHUB_STEP_SUMMARY:-} ]] || cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
log "summary: $out/summary.md; exit $status ($(meaning "$status"))"
exit "$status"
