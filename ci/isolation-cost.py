#!/usr/bin/env python3
"""What --isolate costs: the QuDAG suites measured in-process and isolated, interleaved.

Usage: python3 ci/isolation-cost.py [ROUNDS] [SUITES]   (defaults: 3, crypto,dag,network,e2e)

Each round runs every suite's bench executable three times with --quick, twice in-process
and once with --isolate, in a random order, each in a fresh home (no history). Prints per run
the wall time and the number of benchmarks, then:
  - the added wall time per benchmark, (isolated - in-process) / benchmarks, for each suite
    and round, and its median over them;
  - the ratio of each benchmark's median time isolated to in-process, its median and spread
    over all benchmarks and rounds, next to the same ratio between the two in-process runs
    (the control: how far two runs differ anyway).
Run it on a quiet machine; it takes about ROUNDS x 3 x the suites' --quick time.
"""
import json, os, random, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def executable(suite):
    out = subprocess.run(
        ["cargo", "bench", "--no-run", "--message-format=json", "--bench", suite],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") \
                and msg["target"]["name"] == suite:
            return msg["executable"]
    sys.exit(f"isolation-cost.py: no executable for bench target {suite}")


def run(exe, isolated):
    with tempfile.TemporaryDirectory() as home:
        report = os.path.join(home, "run.json")
        args = [exe, "--bench", "--quick", "--no-history", "--json", report]
        if isolated:
            args.append("--isolate")
        env = dict(os.environ, QUDAG_BENCH_HOME=home)
        start = time.monotonic()
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.monotonic() - start
        if done.returncode != 0:
            sys.exit(f"isolation-cost.py: {exe} exited {done.returncode}:\n{done.stderr[-2000:]}")
        with open(report) as f:
            doc = json.load(f)
    medians = {b["id"]: b["time_ns"]["median"] for b in doc["benchmarks"] if b["time_ns"]}
    return wall, medians


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    suites = (sys.argv[2] if len(sys.argv) > 2 else "crypto,dag,network,e2e").split(",")
    exes = {s: executable(s) for s in suites}
    added, ratios, control = [], [], []
    for r in range(rounds):
        for suite in suites:
            order = ["in", "again", "isolated"]
            random.shuffle(order)
            got = {how: run(exes[suite], how == "isolated") for how in order}
            (w_in, m_in), (w_iso, m_iso) = got["in"], got["isolated"]
            m_again = got["again"][1]
            n = len(m_in)
            per = (w_iso - w_in) / n
            added.append(per)
            ratios += [m_iso[i] / m_in[i] for i in m_in if i in m_iso and m_in[i] > 0]
            control += [m_again[i] / m_in[i] for i in m_in if i in m_again and m_in[i] > 0]
            print(f"round {r + 1} {suite:8} {n:3} benchmarks  in-process {w_in:6.2f} s  "
                  f"isolated {w_iso:6.2f} s  added {1000 * per:6.1f} ms per benchmark",
                  flush=True)
    print(f"\nadded wall time per benchmark: median {1000 * statistics.median(added):.1f} ms "
          f"(min {1000 * min(added):.1f}, max {1000 * max(added):.1f}) over "
          f"{len(added)} suite runs")
    for name, values in [("isolated / in-process", ratios), ("in-process / in-process", control)]:
        q = statistics.quantiles(values, n=10)
        print(f"median time {name}: median {statistics.median(values):.3f}, "
              f"10th-90th percentile {q[0]:.3f}-{q[-1]:.3f} over {len(values)} benchmarks")


if __name__ == "__main__":
    main()
