#!/usr/bin/env bash
# Measures qudag-bench against criterion and divan on the same workloads, in one run on this
# machine (see docs/accuracy.md). Needs the Rust toolchain and Python 3 (standard library only).
# Extra arguments go to ci/accuracy.py (e.g. --rounds 3). Takes a few minutes after the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/peers"
echo "== building ci/peers (cargo bench --no-run; the examples)" >&2
cargo bench --no-run
cargo build --release --examples
echo "== measuring" >&2
exec python3 "$here/accuracy.py" "$@"
