#!/usr/bin/env python3
"""Measures two overheads of qudag-bench and prints Markdown tables (docs/metrics.md):

1. The counting allocator: the same benchmarks built with CountingAlloc and with the system
   allocator (two bench targets of ci/overhead), run as alternating process pairs.
2. The system metrics sampler: a CPU-bound benchmark with the sampler at 10 Hz (default) and
   100 Hz versus --no-system-metrics, alternating in the same way.

Each pair runs in random order; the figure is the median over pairs of the ratio of medians,
with a 95% percentile-bootstrap interval of that median and the range of the pair ratios.
Timing differs between processes of the same binary (allocation-heavy routines here switch
between two speeds from one process to the next), so the allocator is also compared by
callgrind instruction counts, which do not vary. Usage: python3 ci/overhead.py [PAIRS]
(default 20). Needs the Rust toolchain, Python 3 and, for the instruction counts, valgrind.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.join(HERE, "overhead")


def build():
    out = subprocess.run(["cargo", "bench", "--no-run", "--message-format=json"], cwd=CRATE,
                         check=True, capture_output=True, text=True).stdout
    exes = {}
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["kind"] == ["bench"]:
            exes[msg["target"]["name"]] = msg["executable"]
    return exes


def bootstrap_median_ci(values, resamples=2000):
    rng = random.Random(7)
    meds = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(resamples))
    return meds[int(0.025 * resamples)], meds[int(0.975 * resamples) - 1]


def report(exe, args):
    with tempfile.TemporaryDirectory() as home:
        path = os.path.join(home, "r.json")
        env = dict(os.environ, QUDAG_BENCH_HOME=home)
        subprocess.run([exe, "--bench", "--json", path, *args], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path) as f:
            return json.load(f)


def medians(exe, args):
    return {b["id"]: b["time_ns"]["median"] for b in report(exe, args)["benchmarks"]}


def paired(pairs, a, b):
    """Runs a() and b() in random order `pairs` times; returns {id: [ratio a/b per pair]}."""
    ratios = {}
    for _ in range(pairs):
        order = [("a", a), ("b", b)]
        random.shuffle(order)
        got = {name: run() for name, run in order}
        for bench, value in got["a"].items():
            ratios.setdefault(bench, []).append(value / got["b"][bench])
    return ratios


def table(title, ratios, label):
    print(f"\n{title}\n")
    print(f"| benchmark | {label}: median ratio | 95% CI of the median | range over pairs |")
    print("|---|---:|---:|---:|")
    for bench, r in sorted(ratios.items()):
        med = statistics.median(r)
        lo, hi = bootstrap_median_ci(r)
        print(f"| `{bench}` | {med:.4f} ({100 * (med - 1):+.2f}%) | {lo:.4f} to {hi:.4f} "
              f"| {min(r):.4f} to {max(r):.4f} |")


def instructions(exes):
    counts = {}
    for name in ("counting", "system_alloc"):
        r = report(exes[name], ["--skip", "fib", "--instructions", "--quick",
                                "--no-system-metrics", "--no-perf"])
        for b in r["benchmarks"]:
            counts.setdefault(b["id"], {})[name] = b["instructions"]["per_iter"]
    print("\nCounting allocator: instructions per iteration (callgrind, deterministic)\n")
    print("| benchmark | System | CountingAlloc | added |")
    print("|---|---:|---:|---:|")
    for bench, c in sorted(counts.items()):
        added = c["counting"] - c["system_alloc"]
        print(f"| `{bench}` | {c['system_alloc']:.0f} | {c['counting']:.0f} | "
              f"{added:+.0f} ({100 * added / c['system_alloc']:+.1f}%) |")


def main():
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    random.seed(20261127)
    exes = build()
    quiet = ["--no-system-metrics", "--no-perf"]
    alloc = paired(pairs,
                   lambda: medians(exes["counting"], ["--skip", "fib", *quiet]),
                   lambda: medians(exes["system_alloc"], ["--skip", "fib", *quiet]))
    table(f"Counting allocator vs system allocator, time ({pairs} process pairs)", alloc,
          "CountingAlloc / System")
    instructions(exes)
    for hz in (10, 100):
        sampler = paired(pairs,
                         lambda: medians(exes["system_alloc"], ["--exact", "fib", "--no-perf",
                                                                 "--metrics-hz", str(hz)]),
                         lambda: medians(exes["system_alloc"], ["--exact", "fib", "--no-perf",
                                                                 "--no-system-metrics"]))
        table(f"System metrics sampler at {hz} Hz vs off ({pairs} process pairs)", sampler,
              "on / off")


if __name__ == "__main__":
    main()
