#!/usr/bin/env python3
"""The precision stop against the fixed plan on the QuDAG suites (issue 18, docs/measurement.md).

Both plans run on the same build, one QUDAG_BENCH_HOME, interleaved: ROUNDS rounds, each one
run of every suite target under each plan, the order alternating by round (old-new, new-old)
so that neither plan always follows the other. Before them SEED runs (alternating too) fill
this host's recent medians, as a developer's machine has them; the seed runs are not counted.

- old plan: --precision 0 (the fixed 200 ms warmup and 600 ms / 1,000 samples);
- new plan: --precision PCT (default 1): adaptive warmup, stop at +-PCT%.

Figures (each benchmark's per-run values come from the run reports):
1. time: the sum over benchmarks of warmup plus measurement wall time per run (and of
   wall_time_s, which adds setup), the median over runs of each plan and their ratio; the
   median wall time per benchmark;
2. reproducibility: per benchmark the spread of its per-run medians, max/min - 1, per plan;
   the ratio of the median spreads and the largest per-benchmark ratio. The same figures with
   the plans' labels swapped at random within rounds (PERMUTATIONS times) say how large they
   come out when both plans are the same;
3. agreement: per CPU-bound benchmark (all but channel:: and tcp::) the median over runs
   under each plan, and their difference; pooled over the CPU-bound benchmarks, the median of
   the per-round log ratios new/old with a bootstrap interval over rounds; and the same
   label-swap null for the count within 1%;
4. targets: new-plan results stopped by precision whose reported (bootstrap) interval is
   wider than the target, and results stopped by a cap (which say so);
5. coverage: over ordered pairs (run i, run j) of one plan, the share where run j's median lies
   inside run i's reported interval: `uncertainty.interval` (and, for comparison,
   `time_ns.median_ci`, this run's samples only), per CPU-bound benchmark, with the median
   relative half-width of those intervals.

Usage: python3 ci/precision-study.py [ROUNDS] [SEED] [PCT] (default 10 4 1). Writes the raw
per-run figures to precision-study.json in the current directory. Needs the Rust toolchain and
Python 3; about 20 minutes at the defaults on the project's 2-vCPU machine.

Whole runs on a shared machine move by more than the plans could differ, so agreement is also
measured paired: python3 ci/precision-study.py paired [PAIRS] [TARGETS] [PCT] (default 10
crypto,dag 1) runs each benchmark alone (--exact) under both plans back to back, PAIRS times,
the order alternating, so that both processes of a pair share the machine's phase; per
benchmark the median over pairs of new/old with a bootstrap interval over pairs. Raw figures
in precision-paired.json.
"""
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = ["crypto", "dag", "network", "e2e"]
NOT_CPU_BOUND = ("channel::", "tcp::")
PERMUTATIONS = 1000


def exe(target):
    out = subprocess.run(["cargo", "bench", "--no-run", "--message-format=json", "--bench", target],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == target:
            return msg["executable"]
    raise SystemExit(f"no bench executable for {target}")


def run_plan(binaries, home, pct):
    """One run of every target at precision `pct`; {id: figures} of the measured benchmarks."""
    out = {}
    for target, binary in binaries.items():
        path = os.path.join(home, "out.json")
        env = dict(os.environ, QUDAG_BENCH_HOME=home)
        subprocess.run([binary, "--bench", "--precision", str(pct), "--json", path], env=env,
                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path) as f:
            report = json.load(f)
        for b in report["benchmarks"]:
            if b["status"] != "ok":
                continue
            t = b["time_ns"]
            u = b.get("uncertainty") or {}
            out[b["id"]] = {
                "median": t["median"],
                "ci": [t["median_ci"]["lower"], t["median_ci"]["upper"]],
                "uncertainty": [u["interval"]["lower"], u["interval"]["upper"]] if u else None,
                "between_runs": u.get("runs"),
                "wall_s": b["wall_time_s"],
                "warmup_s": b["warmup"]["wall_ns"] / 1e9,
                "measure_s": b["measure_wall_ns"] / 1e9,
                "stop": b.get("stop_reason"),
                "samples": len(b["samples_ns"]),
            }
    return out


def spread(values):
    return max(values) / min(values) - 1


def coverage(runs, bid, key):
    """Share of ordered pairs (i, j), i != j, with run j's median in run i's interval `key`,
    and the median relative half-width of those intervals."""
    hits = pairs = 0
    widths = []
    for i, ri in enumerate(runs):
        lo, hi = ri[bid][key]
        widths.append((hi - lo) / 2 / ri[bid]["median"])
        for j, rj in enumerate(runs):
            if i != j:
                pairs += 1
                hits += lo <= rj[bid]["median"] <= hi
    return hits / pairs, statistics.median(widths)


def swapped(old, new, rng):
    """The two plans' runs with the labels swapped at random within each round."""
    a, b = [], []
    for o, n in zip(old, new):
        if rng.random() < 0.5:
            o, n = n, o
        a.append(o)
        b.append(n)
    return a, b


def spread_null(old, new, ids):
    """Under label swaps: the share with a median-spread ratio and a largest per-benchmark
    ratio at least the observed ones."""
    def figures(a, b):
        sa = {i: spread([r[i]["median"] for r in a]) for i in ids}
        sb = {i: spread([r[i]["median"] for r in b]) for i in ids}
        med = statistics.median(sb.values()) / statistics.median(sa.values())
        return med, max(sb[i] / sa[i] for i in ids if sa[i])
    obs_med, obs_max = figures(old, new)
    rng = random.Random(18)
    null = [figures(*swapped(old, new, rng)) for _ in range(PERMUTATIONS)]
    return (sum(m >= obs_med for m, _ in null) / PERMUTATIONS,
            sum(x >= obs_max for _, x in null) / PERMUTATIONS,
            sum(x >= 2 for _, x in null) / PERMUTATIONS)


def pooled_ratio(old, new, cpu):
    """Median over benchmarks of the median over rounds of ln(new/old), as a ratio - 1, with
    a percentile bootstrap over rounds."""
    def pooled(rounds):
        per = [statistics.median(math.log(new[k][i]["median"] / old[k][i]["median"])
                                 for k in rounds) for i in cpu]
        return math.expm1(statistics.median(per))
    rounds = list(range(len(old)))
    rng = random.Random(18)
    boot = sorted(pooled([rng.choice(rounds) for _ in rounds]) for _ in range(PERMUTATIONS))
    return pooled(rounds), boot[int(0.025 * PERMUTATIONS)], boot[int(0.975 * PERMUTATIONS) - 1]


def agreement_null(old, new, cpu):
    """Median over label swaps of the count of benchmarks whose medians over runs agree
    within 1%."""
    rng = random.Random(18)
    counts = []
    for _ in range(PERMUTATIONS):
        a, b = swapped(old, new, rng)
        counts.append(sum(abs(statistics.median(r[i]["median"] for r in b) /
                              statistics.median(r[i]["median"] for r in a) - 1) < 0.01
                          for i in cpu))
    return statistics.median(counts)


def report(runs, pct):
    old, new = runs["old"], runs["new"]
    ids = sorted(set.intersection(*(set(r) for r in old + new)))
    cpu = [i for i in ids if not i.startswith(NOT_CPU_BOUND)]
    print(f"{len(ids)} benchmarks measured in every run ({len(cpu)} CPU-bound), "
          f"{len(old)} runs per plan\n")

    total = {p: [sum(r[i]["warmup_s"] + r[i]["measure_s"] for i in ids) for r in runs[p]]
             for p in runs}
    walls = {p: [sum(r[i]["wall_s"] for i in ids) for r in runs[p]] for p in runs}
    w_old, w_new = statistics.median(walls["old"]), statistics.median(walls["new"])
    t_old, t_new = statistics.median(total["old"]), statistics.median(total["new"])
    per_bench = {p: statistics.median(r[i]["wall_s"] for r in runs[p] for i in ids) for p in runs}
    warm = {p: statistics.median(r[i]["warmup_s"] for r in runs[p] for i in ids) for p in runs}
    print("1. time (sum over benchmarks per run, median over runs)")
    print(f"   warmup + measurement: old {t_old:.1f} s, new {t_new:.1f} s: "
          f"new/old = {t_new / t_old:.3f}")
    print(f"   wall_time_s (setup too): old {w_old:.1f} s, new {w_new:.1f} s: "
          f"new/old = {w_new / w_old:.3f}")
    print(f"   median wall time per benchmark: old {per_bench['old']:.3f} s, "
          f"new {per_bench['new']:.3f} s; median warmup old {warm['old'] * 1e3:.1f} ms, "
          f"new {warm['new'] * 1e3:.1f} ms\n")

    spreads = {p: {i: spread([r[i]["median"] for r in runs[p]]) for i in ids} for p in runs}
    med_old = statistics.median(spreads["old"].values())
    med_new = statistics.median(spreads["new"].values())
    ratios = sorted(((spreads["new"][i] / spreads["old"][i] if spreads["old"][i] else
                      float("inf"), i) for i in ids), reverse=True)
    print("2. reproducibility (spread of per-run medians, max/min - 1)")
    print(f"   median over benchmarks: old {med_old:.2%}, new {med_new:.2%}: "
          f"new/old = {med_new / med_old:.2f}")
    print("   largest per-benchmark ratios new/old: " +
          ", ".join(f"{i} {r:.2f} ({spreads['old'][i]:.1%} -> {spreads['new'][i]:.1%})"
                    for r, i in ratios[:5]))
    null_med, null_max, null_double = spread_null(old, new, ids)
    print(f"   same plans (labels swapped within rounds, {PERMUTATIONS} times): median-spread "
          f"ratio above {med_new / med_old:.2f} in {null_med:.0%}; a largest ratio of "
          f"{ratios[0][0]:.2f} or more in {null_max:.0%}, of 2 or more in {null_double:.0%}\n")

    diffs = sorted(((statistics.median(r[i]["median"] for r in new) /
                     statistics.median(r[i]["median"] for r in old) - 1, i) for i in cpu),
                   key=lambda d: -abs(d[0]))
    print("3. agreement (CPU-bound: median over runs, new/old - 1)")
    print(f"   largest: " + ", ".join(f"{i} {d:+.2%}" for d, i in diffs[:5]))
    within = sum(abs(d) < 0.01 for d, _ in diffs)
    print(f"   within 1%: {within} of {len(diffs)}")
    pooled, lo, hi = pooled_ratio(old, new, cpu)
    print(f"   pooled (median over benchmarks of the median per-round log ratio): "
          f"{pooled:+.2%} (95% bootstrap interval over rounds {lo:+.2%} to {hi:+.2%})")
    print(f"   same plans: within 1% for {agreement_null(old, new, cpu)} benchmarks (median "
          f"over {PERMUTATIONS} label swaps)\n")

    wide = capped = stopped = 0
    for r in new:
        for i in ids:
            b = r[i]
            if b["stop"] == "precision":
                stopped += 1
                lo, hi = b["ci"]
                wide += max(b["median"] - lo, hi - b["median"]) / b["median"] > pct / 100 + 1e-12
            else:
                capped += 1
    print("4. targets (new plan, all results)")
    print(f"   stopped at the target: {stopped}, of which the bootstrap interval is wider than "
          f"+-{pct}%: {wide}; stopped by a cap (marked in the report and terminal): {capped}\n")

    print("5. coverage (CPU-bound; share of run pairs where run j's median is inside run i's "
          "interval; median relative half-width)")
    for plan in ("old", "new"):
        for key, name in (("ci", "this run's interval (median_ci)"),
                          ("uncertainty", "uncertainty.interval")):
            cov = [coverage(runs[plan], i, key) for i in cpu]
            print(f"   {plan} plan, {name}: median coverage "
                  f"{statistics.median(c for c, _ in cov):.0%} (lowest "
                  f"{min(c for c, _ in cov):.0%}), median half-width "
                  f"{statistics.median(w for _, w in cov):.2%}")
    print()


def paired(pairs, targets, pct):
    binaries = {t: exe(t) for t in targets}
    ratios = {}
    with tempfile.TemporaryDirectory() as home:
        for target, binary in binaries.items():
            ids = subprocess.run([binary, "--list", "--format", "terse"], capture_output=True,
                                 text=True, check=True).stdout.split("\n")
            ids = [line[:-len(": benchmark")] for line in ids if line.endswith(": benchmark")]
            for bid in ids:
                if bid.startswith(NOT_CPU_BOUND):
                    continue
                ratios[bid] = []
                for k in range(pairs):
                    order = (0, pct) if k % 2 == 0 else (pct, 0)
                    got = {}
                    for p in order:
                        path = os.path.join(home, "out.json")
                        env = dict(os.environ, QUDAG_BENCH_HOME=home)
                        subprocess.run([binary, "--bench", "--exact", bid, "--no-history",
                                        "--precision", str(p), "--json", path], env=env, cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        with open(path) as f:
                            b = json.load(f)["benchmarks"][0]
                        got[p] = b["time_ns"]["median"] if b["status"] == "ok" else None
                    if got[0] and got[pct]:
                        ratios[bid].append(math.log(got[pct] / got[0]))
                print(f"{bid} done", file=sys.stderr)
    with open("precision-paired.json", "w") as f:
        json.dump({"pairs": pairs, "pct": pct, "log_ratios": ratios}, f)
    rng = random.Random(18)
    rows = []
    for bid, logs in ratios.items():
        boot = sorted(statistics.median(rng.choice(logs) for _ in logs) for _ in range(1000))
        rows.append((math.expm1(statistics.median(logs)), math.expm1(boot[25]),
                     math.expm1(boot[974]), bid))
    rows.sort(key=lambda r: -abs(r[0]))
    within = sum(abs(r[0]) < 0.01 for r in rows)
    beyond = sum(r[1] > 0.01 or r[2] < -0.01 for r in rows)
    def pooled(logs_by_bench):
        return math.expm1(statistics.median(statistics.median(v) for v in logs_by_bench))
    boot = sorted(pooled([[rng.choice(v) for _ in v] for v in ratios.values()])
                  for _ in range(1000))
    print(f"paired agreement, {len(rows)} CPU-bound benchmarks, {pairs} pairs each")
    print(f"   median over pairs of new/old - 1 within 1%: {within} of {len(rows)}; whole 95% "
          f"interval beyond 1% either way: {beyond}; pooled (median over benchmarks) "
          f"{pooled(ratios.values()):+.2%} (95% bootstrap interval {boot[25]:+.2%} to "
          f"{boot[974]:+.2%})")
    for d, lo, hi, bid in rows:
        print(f"   {bid:36} {d:+7.2%}  [{lo:+.2%}, {hi:+.2%}]")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "paired":
        pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
        targets = sys.argv[3].split(",") if len(sys.argv) > 3 else ["crypto", "dag"]
        pct = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
        return paired(pairs, targets, pct)
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    pct = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    binaries = {t: exe(t) for t in TARGETS}
    plans = {"old": 0, "new": pct}
    runs = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as home:
        for k in range(seed):
            run_plan(binaries, home, plans["old" if k % 2 == 0 else "new"])
        for k in range(rounds):
            order = ("old", "new") if k % 2 == 0 else ("new", "old")
            for plan in order:
                runs[plan].append(run_plan(binaries, home, plans[plan]))
            print(f"round {k + 1} of {rounds} done", file=sys.stderr)
    with open("precision-study.json", "w") as f:
        json.dump({"rounds": rounds, "seed": seed, "pct": pct, "runs": runs}, f)
    report(runs, pct)


if __name__ == "__main__":
    main()
