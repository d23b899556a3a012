#!/usr/bin/env python3
"""How the stored-baseline gate behaves on this machine (docs/gating.md).

1. False alarms: each bench target of TARGETS (default: crypto, 23 benchmarks) is saved as a
   baseline, then re-run unchanged REPEATS times against it with --gate at the default 2%
   noise threshold. Every `regressed` is a false alarm. From the same reports the script also
   reads what each stage of the verdict would have said on its own:
   - median rule: significant after Holm, and the whole interval of the median's change
     beyond the threshold (the rule before 2026-12);
   - first pass: significant, the whole interval of the fastest samples' change (1st
     percentile) beyond the threshold, and the median slower too;
   - confirmed: a re-measurement at the end of the run passed the same (the gate's verdict).
2. Detection: the fixture's `tunable` benchmark (tests/fixture/benches/work.rs) is saved with
   QUDAG_FIXTURE_WORK=1000 and re-run with 1050 (+5% loop work) and 1300 (+30%) REPEATS times.

Usage: python3 ci/gating-study.py [REPEATS] [TARGETS] (default 5 crypto; TARGETS is
comma-separated, "" for the detection part alone). Needs the Rust toolchain and Python 3.
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


def stages(b):
    """(median rule, first pass, final verdict) of one benchmark's comparison, as booleans."""
    c = b["comparison"]
    thr = c["noise_threshold"]
    ci = c.get("change_ci") or {"lower": float("-inf")}
    median_rule = c["significant"] and ci["lower"] > thr
    fast = c.get("fastest_change_ci") or {"lower": float("-inf")}
    first_pass = c["significant"] and fast["lower"] > thr and (c.get("change") or 0) > 0
    return median_rule, first_pass, c["verdict"] == "regressed"


def false_alarms(target, repeats):
    binary = exe(ROOT, target)
    with tempfile.TemporaryDirectory() as home:
        run(binary, home, ["--save-baseline", "study"])
        counts, runs_failed, compared = [0, 0, 0], [0, 0, 0], 0
        flagged = {}
        for _ in range(repeats):
            code, report = run(binary, home, ["--baseline", "study", "--gate"])
            any_stage = [False, False, False]
            for b in report["benchmarks"]:
                if not b.get("comparison") or b["comparison"]["verdict"] == "new":
                    continue
                compared += 1
                for k, hit in enumerate(stages(b)):
                    counts[k] += hit
                    any_stage[k] |= hit
                c = b["comparison"]
                if stages(b)[0] or stages(b)[1]:
                    again = (c.get("confirmation") or {}).get("change")
                    flagged.setdefault(b["id"], []).append((c["change"], c.get("fastest_change"),
                                                            again, c["verdict"]))
            for k in range(3):
                runs_failed[k] += any_stage[k]
            assert (code == 3) == any_stage[2], f"exit {code} but final stage {any_stage[2]}"
    print(f"\n{target}: {repeats} runs x {compared // repeats} benchmarks, unchanged, vs a "
          "baseline saved first")
    print("| stage | false regressions | runs that would fail |\n|---|---|---|")
    for k, name in enumerate(["median rule", "first pass", "confirmed (the gate)"]):
        print(f"| {name} | {counts[k]} of {compared} ({100 * counts[k] / compared:.1f}%) | "
              f"{runs_failed[k]} of {repeats} |")
    for bench, rows in sorted(flagged.items()):
        cells = "; ".join(
            f"{ch:+.1%} fastest {fa:+.1%}" + (f" again {ag:+.1%}" if ag is not None else "")
            + f" -> {v}" for ch, fa, ag, v in rows)
        print(f"|   flagged by a rule | `{bench}` | {cells} |")


def detection(repeats):
    work = exe(os.path.join(ROOT, "tests", "fixture"), "work")
    print("| injected | runs | median rule | first pass | confirmed (the gate, exit 3) | "
          "change of the median |\n|---|---|---|---|---|---|")
    for work_units, label in (("1050", "+5%"), ("1300", "+30%")):
        with tempfile.TemporaryDirectory() as home:
            args = ["--exact", "tunable"]
            run(work, home, [*args, "--save-baseline", "study"], {"QUDAG_FIXTURE_WORK": "1000"})
            hits, changes, misses = [0, 0, 0], [], []
            for _ in range(repeats):
                code, report = run(work, home, [*args, "--baseline", "study", "--gate"],
                                   {"QUDAG_FIXTURE_WORK": work_units})
                b = report["benchmarks"][0]
                c = b["comparison"]
                changes.append(c["change"])
                st = stages(b)
                for k in range(3):
                    hits[k] += st[k]
                assert (code == 3) == st[2], f"exit {code} but verdict {c['verdict']}"
                if not st[2]:
                    again = (c.get("confirmation") or {}).get("change")
                    misses.append(f"{c['change']:+.1%} fastest {c['fastest_change']:+.1%}"
                                  + (f" again {again:+.1%}" if again is not None else ""))
            print(f"| `tunable` {label} loop work | {repeats} | {hits[0]} | {hits[1]} | "
                  f"{hits[2]} | {min(changes):+.1%} to {max(changes):+.1%} |")
            for m in misses:
                print(f"|   missed | {m} |")


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    targets = [t for t in sys.argv[2].split(",") if t] if len(sys.argv) > 2 else ["crypto"]
    for target in targets:
        false_alarms(target, repeats)
    print()
    detection(repeats)


if __name__ == "__main__":
    main()
