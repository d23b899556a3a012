#!/usr/bin/env python3
"""How the stored-baseline gate behaves on this machine (docs/gating.md).

1. False alarms: the crypto suite (23 benchmarks) is saved as a baseline, then re-run unchanged
   REPEATS times against it with --gate at the default 2% noise threshold; every benchmark
   reported `regressed` is a false alarm.
2. Detection: the fixture's `tunable` benchmark (tests/fixture/benches/work.rs) is saved with
   QUDAG_FIXTURE_WORK=1000 and re-run with 1050 (+5% loop work) and 1300 (+30%) REPEATS times.

Usage: python3 ci/gating-study.py [REPEATS] (default 5). Needs the Rust toolchain and Python 3.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def exe(cwd, target):
    out = subprocess.run(["cargo", "bench", "--no-run", "--message-format=json", "--bench", target],
                         cwd=cwd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == target:
            return msg["executable"]
    raise SystemExit(f"no bench executable for {target}")


def run(binary, home, args, env=None):
    path = os.path.join(home, "out.json")
    e = dict(os.environ, QUDAG_BENCH_HOME=home, **(env or {}))
    code = subprocess.run([binary, "--bench", "--json", path, *args], env=e, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    with open(path) as f:
        return code, json.load(f)


def verdicts(report):
    return [b["comparison"]["verdict"] for b in report["benchmarks"] if b.get("comparison")]


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    crypto = exe(ROOT, "crypto")
    work = exe(os.path.join(ROOT, "tests", "fixture"), "work")
    with tempfile.TemporaryDirectory() as home:
        run(crypto, home, ["--save-baseline", "study"])
        false_alarms, compared, failed_runs = 0, 0, 0
        flagged = {}
        for _ in range(repeats):
            code, report = run(crypto, home, ["--baseline", "study", "--gate"])
            v = verdicts(report)
            compared += len(v)
            false_alarms += v.count("regressed")
            failed_runs += code == 3
            for b in report["benchmarks"]:
                c = b.get("comparison") or {}
                if c.get("verdict") == "regressed":
                    flagged.setdefault(b["id"], []).append(c["change"])
        for bench, changes in sorted(flagged.items()):
            print(f"|   false regression | `{bench}` | {len(changes)} of {repeats} runs | "
                  f"{min(changes):+.1%} to {max(changes):+.1%} |")
        print(f"| unchanged crypto suite vs stored baseline | {repeats} runs x {compared // repeats} "
              f"benchmarks | {false_alarms} false regressions ({100 * false_alarms / compared:.1f}% of "
              f"comparisons) | {failed_runs} of {repeats} gated runs failed |")
    for work_units, label in (("1050", "+5%"), ("1300", "+30%")):
        with tempfile.TemporaryDirectory() as home:
            args = ["--exact", "tunable"]
            run(work, home, [*args, "--save-baseline", "study"], {"QUDAG_FIXTURE_WORK": "1000"})
            detected = 0
            changes = []
            for _ in range(repeats):
                code, report = run(work, home, [*args, "--baseline", "study", "--gate"],
                                   {"QUDAG_FIXTURE_WORK": work_units})
                c = report["benchmarks"][0]["comparison"]
                changes.append(c["change"])
                detected += c["verdict"] == "regressed"
            print(f"| `tunable` with {label} loop work | {repeats} runs | detected {detected} of "
                  f"{repeats} | measured change {min(changes):+.1%} to {max(changes):+.1%} |")


if __name__ == "__main__":
    main()
