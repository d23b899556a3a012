#!/usr/bin/env python3
"""How the stored-baseline gate behaves on this machine (docs/gating.md), under both second
looks at a flagged benchmark, in interleaved runs against the very same stored results.

1. False alarms: each bench target of TARGETS (default: the four QuDAG suites) is saved once as
   a baseline, with its bench executable kept. A second home gets a copy of that baseline
   without the executable. Then the target is re-run unchanged REPEATS times against each copy,
   in random order within each repetition, with --gate at the default 2% noise threshold:
   - "A/B" (the gate now): a flagged benchmark is confirmed by a paired A/B run of the kept
     executable against the running one;
   - "re-measure" (the gate before): it is measured again in the same process.
   Every `regressed` is a false alarm; every `regressed` or `improved` is a false flag. The
   first pass (significance, the fastest samples' interval beyond the threshold, the median
   the same way) is counted for both.
2. Detection: the fixture's `tunable` (tests/fixture/benches/work.rs) built three times, with
   1000, 1050 (+5%) and 1300 (+30%) units of loop work compiled in (QUDAG_FIXTURE_BUILD_WORK):
   the 1000 build saved as the baseline, then each slower build run REPEATS_DETECT times against
   it under both second looks, interleaved.

Usage: python3 ci/gating-study.py [REPEATS] [TARGETS] [REPEATS_DETECT] (defaults 10,
crypto,dag,network,e2e and 30; TARGETS "" skips part 1). Needs the Rust toolchain and Python 3.
"""
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixture")
RULES = ("A/B", "re-measure")


def exe(cwd, target, env=None):
    out = subprocess.run(["cargo", "bench", "--no-run", "--message-format=json", "--bench", target],
                         cwd=cwd, check=True, capture_output=True, text=True,
                         env=dict(os.environ, **(env or {}))).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == target:
            return msg["executable"]
    raise SystemExit(f"no bench executable for {target}")


def run(binary, home, cwd, args):
    path = os.path.join(home, "out.json")
    env = dict(os.environ, QUDAG_BENCH_HOME=home)
    started = time.monotonic()
    code = subprocess.run([binary, "--bench", "--no-history", "--json", path, *args], env=env,
                          cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.monotonic() - started
    with open(path) as f:
        return code, json.load(f), wall


def without_binary(home, copy):
    """A copy of `home`'s baselines whose JSON files name no kept executable."""
    shutil.copytree(os.path.join(home, "baselines"), os.path.join(copy, "baselines"))
    for name in os.listdir(os.path.join(copy, "baselines")):
        d = os.path.join(copy, "baselines", name)
        shutil.rmtree(os.path.join(d, "bin"), ignore_errors=True)
        for f in os.listdir(d):
            if f.endswith(".json"):
                p = os.path.join(d, f)
                with open(p) as fh:
                    doc = json.load(fh)
                doc.pop("binary", None)
                with open(p, "w") as fh:
                    json.dump(doc, fh)


def first_pass(c):
    fast = c.get("fastest_change_ci") or {"lower": float("-inf"), "upper": float("inf")}
    thr, change = c["noise_threshold"], c.get("change") or 0
    return c["significant"] and ((fast["lower"] > thr and change > 0)
                                 or (fast["upper"] < -thr and change < 0))


def wilson(k, n, z=1.959964):
    if n == 0:
        return "n/a"
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{100 * max(0, centre - half):.1f}-{100 * min(1, centre + half):.1f}%"


def rate(k, n):
    return f"{k} of {n} ({100 * k / n:.1f}%; 95% CI {wilson(k, n)})" if n else "0 of 0"


class Tally:
    def __init__(self):
        self.runs = self.failed = self.compared = self.first = self.flagged = 0
        self.regressed = 0
        self.wall = []
        self.notes = []

    def add(self, code, report, wall):
        self.runs += 1
        self.failed += code == 3
        self.wall.append(wall)
        for b in report["benchmarks"]:
            c = b.get("comparison")
            if not c or c["verdict"] == "new":
                continue
            self.compared += 1
            self.first += first_pass(c)
            final = c["verdict"] in ("regressed", "improved")
            self.flagged += final
            self.regressed += c["verdict"] == "regressed"
            again = c.get("confirmation")
            if again:
                ab = again.get("ab") or {}
                second = ab.get("change", again.get("change"))
                pct = lambda v: "n/a" if v is None else format(v, "+.1%")
                self.notes.append(f"`{b['id']}` first {pct(c.get('change'))} (fastest "
                                  f"{pct(c.get('fastest_change'))}), {again.get('method')} "
                                  f"{pct(second)} -> {c['verdict']}")


def false_alarms(targets, repeats):
    tallies = {rule: Tally() for rule in RULES}
    per_target = {}
    for target in targets:
        binary = exe(ROOT, target)
        with tempfile.TemporaryDirectory() as new, tempfile.TemporaryDirectory() as old:
            code, _, _ = run(binary, new, ROOT, ["--save-baseline", "study"])
            assert code == 0, f"saving {target} failed: {code}"
            without_binary(new, old)
            homes = {"A/B": new, "re-measure": old}
            local = {rule: Tally() for rule in RULES}
            for _ in range(repeats):
                for rule in random.sample(RULES, 2):
                    result = run(binary, homes[rule], ROOT, ["--baseline", "study", "--gate"])
                    tallies[rule].add(*result)
                    local[rule].add(*result)
            per_target[target] = local
    return tallies, per_target


def detection(repeats):
    builds = {}
    for work in ("1000", "1050", "1300"):
        path = exe(FIXTURE, "work", {"QUDAG_FIXTURE_BUILD_WORK": work})
        copy = os.path.join(tempfile.gettempdir(), f"qudag-study-work-{work}")
        shutil.copy2(path, copy)
        builds[work] = copy
    args = ["--exact", "tunable"]
    results = {}
    with tempfile.TemporaryDirectory() as new, tempfile.TemporaryDirectory() as old:
        code, _, _ = run(builds["1000"], new, FIXTURE, [*args, "--save-baseline", "study"])
        assert code == 0
        without_binary(new, old)
        homes = {"A/B": new, "re-measure": old}
        for work, label in (("1050", "+5%"), ("1300", "+30%")):
            for rule in RULES:
                results[(label, rule)] = {"caught": 0, "runs": 0, "changes": [], "ab": []}
            for _ in range(repeats):
                for rule in random.sample(RULES, 2):
                    code, report, _ = run(builds[work], homes[rule], FIXTURE,
                                          [*args, "--baseline", "study", "--gate"])
                    c = report["benchmarks"][0]["comparison"]
                    r = results[(label, rule)]
                    r["runs"] += 1
                    r["caught"] += code == 3 and c["verdict"] == "regressed"
                    r["changes"].append(c["change"])
                    ab = (c.get("confirmation") or {}).get("ab")
                    if ab and ab.get("change") is not None:
                        r["ab"].append(ab["change"])
                    if c["verdict"] != "regressed":
                        r.setdefault("misses", []).append(
                            f"median {c['change']:+.1%}, fastest {c['fastest_change']:+.1%}, "
                            f"first look {'flagged' if first_pass(c) else 'not flagged'}, "
                            f"second look {(c.get('confirmation') or {}).get('method', 'none')}"
                            + (f" {ab['verdict']} {ab['change']:+.1%}" if ab else ""))
    return results


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    targets = ([t for t in sys.argv[2].split(",") if t] if len(sys.argv) > 2
               else ["crypto", "dag", "network", "e2e"])
    repeats_detect = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    random.seed(17)
    if targets:
        tallies, per_target = false_alarms(targets, repeats)
        print(f"\nUnchanged re-runs ({repeats} per target and second look, interleaved): "
              f"{', '.join(targets)}")
        print("| second look | runs that fail | false regressions | false flags (regressed or "
              "improved) | first pass flagged | median wall s/run |\n|---|---|---|---|---|---|")
        for rule in RULES:
            t = tallies[rule]
            wall = sorted(t.wall)[len(t.wall) // 2]
            print(f"| {rule} | {rate(t.failed, t.runs)} | {rate(t.regressed, t.compared)} | "
                  f"{rate(t.flagged, t.compared)} | {rate(t.first, t.compared)} | {wall:.1f} |")
        print("\n| target | second look | runs that fail | false flags | first pass |\n"
              "|---|---|---|---|---|")
        for target, local in per_target.items():
            for rule in RULES:
                t = local[rule]
                print(f"| {target} | {rule} | {t.failed} of {t.runs} | {t.flagged} of "
                      f"{t.compared} | {t.first} |")
        for rule in RULES:
            for note in tallies[rule].notes:
                print(f"- {rule}: {note}")
    if repeats_detect:
        results = detection(repeats_detect)
        print(f"\nInjected work, real builds ({repeats_detect} runs each, interleaved)")
        print("| injected | second look | caught (regressed, exit 3) | change of the median | "
              "A/B change |\n|---|---|---|---|---|")
        for (label, rule), r in results.items():
            ab = f"{min(r['ab']):+.1%} to {max(r['ab']):+.1%}" if r["ab"] else ""
            print(f"| {label} | {rule} | {rate(r['caught'], r['runs'])} | "
                  f"{min(r['changes']):+.1%} to {max(r['changes']):+.1%} | {ab} |")
        for (label, rule), r in results.items():
            for miss in r.get("misses", []):
                print(f"- missed {label}, {rule}: {miss}")


if __name__ == "__main__":
    main()
