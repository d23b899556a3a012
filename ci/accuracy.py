#!/usr/bin/env python3
"""Runs the peer comparison of ci/peers: criterion, divan and qudag-bench on the same three
workloads, each tool with its default settings, interleaved over several rounds so that drift of
the machine hits every tool alike. Prints a Markdown report on stdout and keeps the raw results.

Called by ci/accuracy.sh (which builds first); standard library only.

For every round, workload and tool, one process of that tool's bench binary runs that one
benchmark (exact filter), started directly (not through cargo) with `--bench` as cargo would
pass it. The order of the tools rotates from round to round. Recorded per run:
  - the median the tool reports, in ns:
      criterion:   median.point_estimate of <CRITERION_HOME>/<name>/new/estimates.json
      divan:       the `median` column of its terminal table
      qudag-bench: benchmarks[].time_ns.median of the report written by `--json PATH`
  - the wall time of the process (time.monotonic() around the subprocess call);
  - the fastest sample (time per iteration) the tool took;
  - how busy the rest of the machine was meanwhile (from /proc/stat).
Harness-free references (ci/peers/examples/hand_timed.rs: Instant-timed chunks of back-to-back
calls, median time per call over the chunks) run once per round and workload as a sanity check,
with chunks of 100 us, 1 ms and 1 s. ci/peers/examples/interruptions.rs measures, before and
after, how often the machine interrupts a running thread.

Raw results go to ci/peers/target/accuracy/: results.json (every figure above), report.md (the
printed report) and logs/ (each run's terminal output, criterion's estimates.json and
sample.json, qudag-bench's JSON report).
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "ci" / "peers"
WORKLOADS = ["empty", "cpu_50ns", "cpu_20us"]
TOOLS = ["criterion", "divan", "qudag-bench"]
BENCH_TARGETS = {"criterion": "with_criterion", "divan": "with_divan", "qudag-bench": "with_qudag"}
# Harness-free references: hand_timed runs with chunks of 100 us, 1 ms and 1 s (chunk length in
# us, number of chunks).
REFERENCES = {"hand-timed 100us": ("100", "2001"), "hand-timed 1ms": ("1000", "301"),
              "hand-timed 1s": ("1000000", "3")}
DIVAN_UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def die(message):
    print(f"accuracy.py: {message}", file=sys.stderr)
    sys.exit(1)


def cargo_executables(args):
    """Builds (or finds the already built) targets and returns {target name: executable}."""
    cmd = ["cargo"] + args + ["--message-format=json-render-diagnostics"]
    proc = subprocess.run(cmd, cwd=PEERS, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        die(f"`{' '.join(cmd)}` failed with exit code {proc.returncode}")
    found = {}
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            found[msg["target"]["name"]] = msg["executable"]
    return found


CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds():
    """(busy, steal) CPU seconds of the whole machine so far, from /proc/stat (None if absent)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...
    busy = sum(fields[:8]) - fields[3] - fields[4]
    steal = fields[7] if len(fields) > 7 else 0
    return busy / CLK_TCK, steal / CLK_TCK


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Disturbance of the last run_timed call: CPUs' worth of work done by everything other than the
# measured process during it (other processes, the kernel, and steal time), e.g. 0.0 = idle
# machine, 1.0 = one core's worth of other work on average. None where /proc/stat is missing.
LAST_OTHER_LOAD = [None]


def run_timed(cmd, env=None):
    """Runs cmd in ci/peers; returns (stdout, wall seconds). Exits on failure."""
    machine0, own0 = cpu_seconds(), children_cpu()
    start = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=PEERS, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wall = time.monotonic() - start
    machine1, own1 = cpu_seconds(), children_cpu()
    if proc.returncode != 0:
        die(f"{cmd} exited with {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    if machine0 is not None and machine1 is not None and wall > 0:
        other = (machine1[0] - machine0[0]) - (own1 - own0)
        LAST_OTHER_LOAD[0] = max(other, 0.0) / wall
    else:
        LAST_OTHER_LOAD[0] = None
    return proc.stdout, wall


def run_criterion(exe, name, out, tag):
    home = out / "criterion"
    estimates = home / name / "new" / "estimates.json"
    if estimates.exists():
        estimates.unlink()
    env = dict(os.environ, CRITERION_HOME=str(home))
    stdout, wall = run_timed([exe, "--bench", "--exact", name], env=env)
    with open(estimates) as f:
        median = json.load(f)["median"]["point_estimate"]
    with open(home / name / "new" / "sample.json") as f:
        sample = json.load(f)
    fastest = min(t / n for t, n in zip(sample["times"], sample["iters"]))
    for kind in ("estimates", "sample"):
        shutil.copy(home / name / "new" / f"{kind}.json", out / "logs" / f"{tag}-{kind}.json")
    return median, fastest, wall, stdout


def divan_value(cell):
    m = re.fullmatch(r"([0-9.]+)\s*(\S+)", cell.strip())
    if not m or m.group(2) not in DIVAN_UNITS:
        die(f"cannot read divan's time {cell!r}")
    return float(m.group(1)) * DIVAN_UNITS[m.group(2)]


def parse_divan(stdout, name):
    """(median, fastest) in ns of benchmark `name` in divan's table."""
    lines = stdout.splitlines()
    header = next((l for l in lines if "median" in l and "│" in l), None)
    if header is None:
        die(f"no divan table in:\n{stdout}")
    column = [c.strip() for c in header.split("│")].index("median")
    for line in lines:
        cells = line.split("│")
        if len(cells) <= column:
            continue
        # The first cell holds the tree branch, the name and the `fastest` column.
        first = cells[0].replace("├─", " ").replace("╰─", " ").split(None, 1)
        if first and first[0] == name and len(first) == 2:
            return divan_value(cells[column]), divan_value(first[1])
    die(f"benchmark {name} not in divan's table:\n{stdout}")


def run_divan(exe, name, out, tag):
    # divan's exact filter matches the full path, which starts with the bench target's name.
    stdout, wall = run_timed([exe, "--bench", "--exact", f"{BENCH_TARGETS['divan']}::{name}"])
    median, fastest = parse_divan(stdout, name)
    return median, fastest, wall, stdout


def run_qudag(exe, name, out, tag):
    report = out / "logs" / f"{tag}-report.json"
    stdout, wall = run_timed([exe, "--exact", name, "--json", str(report), "--bench"])
    with open(report) as f:
        data = json.load(f)
    bench = next((b for b in data["benchmarks"] if b["id"] == name), None)
    if bench is None or bench.get("time_ns") is None:
        die(f"no result for {name} in {report}")
    return bench["time_ns"]["median"], bench["time_ns"]["min"], wall, stdout


def run_reference(exe, name, out, tag, chunk_us, chunks):
    stdout, wall = run_timed([exe, name, chunk_us, chunks])
    fields = stdout.split()
    return float(fields[1]), float(fields[2]), wall, stdout


RUNNERS = {"criterion": run_criterion, "divan": run_divan, "qudag-bench": run_qudag}


def run_one(tool, exe, name, out, tag):
    if tool in REFERENCES:
        return run_reference(exe, name, out, tag, *REFERENCES[tool])
    return RUNNERS[tool](exe, name, out, tag)


def interruptions(exe):
    """Gaps > 500 ns between back-to-back clock reads over 2 s (see examples/interruptions.rs)."""
    stdout, _ = run_timed([exe, "2"])
    keys = ("gaps_per_s", "lost_percent", "median_gap_us", "p90_gap_us", "max_gap_us")
    return dict(zip(keys, (float(x) for x in stdout.split())))


def fmt_interruptions(i):
    return (f"{i['gaps_per_s']:.0f} gaps/s longer than 0.5 us, {i['lost_percent']:.2f}% of the "
            f"time lost in them (gap median {i['median_gap_us']:.1f} us, p90 "
            f"{i['p90_gap_us']:.1f} us, max {i['max_gap_us']:.0f} us)")


def machine_facts():
    facts = {"nproc": os.cpu_count(), "cpu_model": None, "rustc": None, "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for key, cmd in (("rustc", ["rustc", "-V"]),
                     ("qudag_bench_git", ["git", "-C", str(ROOT), "describe", "--always", "--dirty"])):
        try:
            facts[key] = subprocess.run(
                cmd, cwd=PEERS, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
            ).stdout.strip() or None
        except OSError:
            pass
    return facts


def locked_versions():
    versions = {}
    text = (PEERS / "Cargo.lock").read_text()
    for pkg in ("criterion", "divan"):
        m = re.search(rf'name = "{pkg}"\nversion = "([^"]+)"', text)
        versions[pkg] = m.group(1) if m else "?"
    return versions


def loadavg():
    try:
        return Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        return None


def fmt_ns(ns):
    if ns == 0:
        return "0 ns"
    if ns < 0.01:
        return f"{ns:.1e} ns"
    if ns < 10:
        return f"{ns:.3f} ns"
    if ns < 1000:
        return f"{ns:.2f} ns"
    return f"{ns / 1000:.3f} us"


def fmt_load(load):
    return "?" if load is None else f"{load:.2f}"


def fmt_ratio(a, b):
    """qudag-bench / peer; not meaningful (n/a) when either median is below 1 ns."""
    return f"{a / b:.4f}" if a >= 1 and b >= 1 else "n/a"


def markdown(results, rounds, facts, versions, load, gaps):
    out = []
    out.append(f"Machine: {facts['nproc']} logical CPUs, `{facts['cpu_model']}`, "
               f"kernel {facts['kernel']}, `{facts['rustc']}`; criterion {versions['criterion']}, "
               f"divan {versions['divan']}, qudag-bench from this repository "
               f"(`git describe --always --dirty`: {facts.get('qudag_bench_git')}).")
    out.append(f"Load average (1/5/15 min) at start {' '.join(load[0] or [])}, "
               f"at end {' '.join(load[1] or [])}.")
    out.append(f"Interruptions of a running thread, 2 s before the rounds: {fmt_interruptions(gaps[0])}; "
               f"2 s after: {fmt_interruptions(gaps[1])}.")
    out.append("")
    out.append("`fastest sample`: the time per iteration of the fastest sample each tool took (for "
               "qudag-bench after its overhead subtraction; criterion from sample.json; divan's "
               "`fastest` column; hand-timed: fastest chunk). hand-timed N: median time per call over "
               "Instant-timed chunks of about N of back-to-back calls, nothing subtracted.")
    out.append("`other load`: CPUs' worth of work done by anything but the measured process while it "
               "ran (other processes, kernel, steal), from /proc/stat; 0 is an idle machine, "
               f"{facts['nproc']} a fully busy one.")
    out.append("")
    for workload in WORKLOADS:
        rows = results[workload]
        med = {tool: statistics.median(r["median_ns"] for r in rows[tool]) for tool in rows}
        q = med["qudag-bench"]
        out.append(f"### `{workload}`")
        out.append("")
        head = ["tool"] + [f"round {i + 1}" for i in range(rounds)] + [
            "median of rounds", "qudag-bench / tool", "fastest sample (median of rounds)",
            "wall s per run (median)", "wall s per run (each round)",
            "other load (each round)"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for tool in TOOLS + list(REFERENCES):
            runs = rows[tool]
            walls = [r["wall_s"] for r in runs]
            ratio = "-" if tool == "qudag-bench" else fmt_ratio(q, med[tool])
            cells = [tool] + [fmt_ns(r["median_ns"]) for r in runs] + [
                f"**{fmt_ns(med[tool])}**", ratio,
                fmt_ns(statistics.median(r["fastest_ns"] for r in runs)),
                f"{statistics.median(walls):.3f}",
                " / ".join(f"{w:.3f}" for w in walls),
                " / ".join(fmt_load(r["other_load"]) for r in runs)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        for peer in ["criterion", "divan"] + list(REFERENCES):
            ratios = [fmt_ratio(rows["qudag-bench"][i]["median_ns"], rows[peer][i]["median_ns"])
                      for i in range(rounds)]
            out.append(f"Per-round ratio qudag-bench / {peer}: " + ", ".join(ratios) + ".")
        out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--out", type=Path, default=PEERS / "target" / "accuracy",
                        help="directory for raw results (default ci/peers/target/accuracy)")
    args = parser.parse_args()
    if args.rounds < 1:
        die("--rounds must be at least 1")

    benches = cargo_executables(["bench", "--no-run"])
    examples = cargo_executables(["build", "--release", "--examples"])
    exes = {tool: benches.get(target) for tool, target in BENCH_TARGETS.items()}
    for ref in REFERENCES:
        exes[ref] = examples.get("hand_timed")
    gap_exe = examples.get("interruptions")
    if not gap_exe:
        die("the interruptions example was not built")
    missing = [tool for tool, exe in exes.items() if not exe]
    if missing:
        die(f"executables not found for {missing}")

    out = args.out
    if out.exists():
        shutil.rmtree(out)
    (out / "logs").mkdir(parents=True)

    facts = machine_facts()
    versions = locked_versions()
    load_start = loadavg()
    gaps_start = interruptions(gap_exe)
    results = {w: {t: [] for t in TOOLS + list(REFERENCES)} for w in WORKLOADS}
    started = time.monotonic()
    for rnd in range(args.rounds):
        order = TOOLS[rnd % len(TOOLS):] + TOOLS[:rnd % len(TOOLS)]
        for workload in WORKLOADS:
            for tool in order + list(REFERENCES):
                tag = f"r{rnd + 1}-{workload}-{tool.replace(' ', '-')}"
                median, fastest, wall, stdout = run_one(tool, exes[tool], workload, out, tag)
                results[workload][tool].append({"round": rnd + 1, "median_ns": median,
                                                "fastest_ns": fastest, "wall_s": wall,
                                                "other_load": LAST_OTHER_LOAD[0]})
                (out / "logs" / f"{tag}.txt").write_text(stdout)
                print(f"round {rnd + 1}/{args.rounds} {workload:9} {tool:16} median {fmt_ns(median):>12}"
                      f"  wall {wall:7.3f} s  other load {fmt_load(LAST_OTHER_LOAD[0])}",
                      file=sys.stderr, flush=True)
    load_end = loadavg()
    gaps_end = interruptions(gap_exe)

    raw = {"facts": facts, "versions": versions, "rounds": args.rounds,
           "loadavg_start": load_start, "loadavg_end": load_end,
           "interruptions_start": gaps_start, "interruptions_end": gaps_end,
           "total_wall_s": time.monotonic() - started, "results": results}
    (out / "results.json").write_text(json.dumps(raw, indent=2) + "\n")
    report = markdown(results, args.rounds, facts, versions, (load_start, load_end),
                      (gaps_start, gaps_end))
    (out / "report.md").write_text(report + "\n")
    print(report)
    print(f"\nRaw results: {out / 'results.json'}; per-run output: {out / 'logs'}", file=sys.stderr)


if __name__ == "__main__":
    main()
