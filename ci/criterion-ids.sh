#!/usr/bin/env bash
# Builds tests/fixture/benches/criterion_style.rs, unchanged, three ways: against the real
# criterion 0.5, the newest criterion 0.8, and qudag-bench-criterion (renamed to `criterion`),
# and checks that `--list` gives the same ids in all three. Run by .ci/run; about 3 minutes on
# 2 idle cores (three clean builds).
#
# Usage: ci/criterion-ids.sh [--keep]
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
bench="$repo/tests/fixture/benches/criterion_style.rs"
tmp="$(mktemp -d /tmp/criterion-ids.XXXXXX)"
[ "${1:-}" = "--keep" ] && echo "keeping $tmp" || trap 'rm -rf "$tmp"' EXIT

# make_crate NAME CRITERION-DEPENDENCY-LINE
make_crate() {
    mkdir -p "$tmp/$1/benches" "$tmp/$1/src"
    : >"$tmp/$1/src/lib.rs"
    cp "$bench" "$tmp/$1/benches/criterion_style.rs"
    cat >"$tmp/$1/Cargo.toml" <<TOML
[package]
name = "ids-${1//./-}"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dev-dependencies]
$2
tokio = { version = "1", features = ["rt"] }

[[bench]]
name = "criterion_style"
harness = false
TOML
}

make_crate criterion-0.5 'criterion = { version = "0.5", default-features = false, features = ["async_tokio"] }'
make_crate criterion-0.8 'criterion = { version = "0.8", default-features = false, features = ["async_tokio"] }'
make_crate compat "criterion = { package = \"qudag-bench-criterion\", path = \"$repo/criterion-compat\", features = [\"async_tokio\"] }"

for name in criterion-0.5 criterion-0.8 compat; do
    echo "== building against $name" >&2
    (cd "$tmp/$name" && CARGO_TARGET_DIR="$tmp/target-$name" cargo bench --quiet --no-run 2>"$tmp/$name.build") ||
        { cat "$tmp/$name.build" >&2; echo "criterion-ids: the bench file does not build against $name" >&2; exit 1; }
    # Both list as libtest does (`NAME: benchmark`); only those lines are compared.
    (cd "$tmp/$name" && CARGO_TARGET_DIR="$tmp/target-$name" cargo bench --quiet --bench criterion_style -- --list 2>/dev/null) |
        grep ': benchmark$' >"$tmp/$name.ids"
done

status=0
for name in criterion-0.5 criterion-0.8; do
    if diff -u "$tmp/$name.ids" "$tmp/compat.ids" >"$tmp/$name.diff"; then
        echo "criterion-ids: $(wc -l <"$tmp/compat.ids") ids, identical to $name's"
    else
        echo "criterion-ids: ids differ from $name's (- $name, + qudag-bench-criterion):" >&2
        cat "$tmp/$name.diff" >&2
        status=1
    fi
done
[ "$(wc -l <"$tmp/compat.ids")" -gt 0 ] || { echo "criterion-ids: no ids listed" >&2; status=1; }
exit $status
