#!/usr/bin/env python3
"""Summarises qudag-bench run reports (JSON, schema qudag-bench/run/v1) as a Markdown table:
median, 95% CI half-width relative to the median, samples, wall time per benchmark.

Usage: python3 ci/figures.py REPORT.json [REPORT.json ...]
"""
import json
import sys


def main(paths):
    print("| target | benchmark | median | CI half-width | samples | wall time |")
    print("|---|---|---:|---:|---:|---:|")
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        for b in report["benchmarks"]:
            t = b["time_ns"]
            if t is None:
                print(f"| {report['bench_target']} | `{b['id']}` | {b['status']} | | | {b['wall_time_s']:.3f} s |")
                continue
            m = t["median"]
            ci = t["median_ci"]
            half = max(m - ci["lower"], ci["upper"] - m)
            rel = f"±{100 * half / m:.3f}%" if m > 0 else f"±{half:.3f} ns"
            print(f"| {report['bench_target']} | `{b['id']}` | {m:,.3f} ns | {rel} | "
                  f"{len(b['samples_ns'])} | {b['wall_time_s']:.3f} s |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
