//! `--isolate`: each benchmark in a child process of its own; one that dies fails alone, with
//! its cause, and the run goes on (`tests/fixture/benches/isolation.rs`).

mod common;
use common::*;

const DIE: (&str, &str) = ("QUDAG_FIXTURE_DIE", "1");

#[test]
fn each_way_of_dying_fails_that_benchmark_alone_and_the_run_is_written() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let json = h.join("i.json");
    let mut args = vec!["--bench", "--isolate", "--json", json.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let run = run_bench("isolation", &args, h, &[DIE]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_valid(&report);
    let error = |id: &str| {
        let b = bench(&report, id);
        assert_eq!(b["status"], "failed", "{b}");
        b["error"].as_str().unwrap().to_string()
    };
    for (id, cause) in [
        ("segfaults", "killed by SIGSEGV (segmentation fault"),
        ("aborts", "killed by SIGABRT (abort)"),
        ("overflows_its_stack", "stack overflow"),
        ("exits_3", "ended its process with exit code 3"),
        ("allocates_past_its_limit", "exceeded memory_limit = 256MiB"),
    ] {
        let e = error(id);
        assert!(e.contains(cause), "{id}: {e}");
    }
    assert!(error("overflows_its_stack").contains("has overflowed its stack"));
    for id in [
        "a_fine",
        "stays_within_its_limit",
        "reserves_address_space",
        "z_after",
    ] {
        let b = bench(&report, id);
        assert_eq!(b["status"], "ok", "{b}");
        assert!(b["time_ns"]["median"].as_f64().unwrap() >= 0.0);
    }
    assert_eq!(report["summary"]["failed"], 5);
    // Each says how it ran: the limits as set, and by what.
    let limited = &bench(&report, "allocates_past_its_limit")["isolation"];
    assert_eq!(limited["memory_limit_bytes"], 256 << 20);
    let by = limited["memory_limit_by"].as_str().unwrap();
    assert!(["cgroup-v1", "rlimit"].contains(&by), "{limited}");
    assert_eq!(limited["limits_by"], by, "memory is its only limit");
    let plain = &bench(&report, "a_fine")["isolation"];
    assert_eq!(
        (&plain["network"], &plain["limits_by"]),
        (&"host".into(), &serde_json::Value::Null)
    );
    // The run's own files: the latest results and the history's spool.
    let results = read_json(&h.join("results/isolation.json"));
    assert_eq!(ids(&results).len(), 9);
    let spooled = std::fs::read_dir(h.join("history-spool")).unwrap().count();
    assert_eq!(spooled, 1);
}

/// A benchmark that reserves four times its `memory_limit` of address space and touches none of
/// it runs under a memory cgroup (which limits memory used) and fails under `RLIMIT_AS` (which
/// limits address space); the report says which one applied, and the fallback is said once.
#[test]
fn a_memory_cgroup_limits_memory_used_not_address_space_reserved() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let json = h.join("i.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap()];
    // Those that die in-process are left out (no --isolate here).
    for id in ["segfaults", "aborts", "overflows_its_stack", "exits_3"] {
        args.extend(["--skip", id]);
    }
    args.extend_from_slice(FAST);
    let run = run_bench(
        "isolation",
        &args,
        h,
        &[DIE, ("QUDAG_FIXTURE_RESERVE", "1")],
    );
    let report = read_json(&json);
    let reserves = bench(&report, "reserves_address_space");
    let notice = "memory_limit is set as RLIMIT_AS (address space), not by a memory cgroup";
    match reserves["isolation"]["memory_limit_by"].as_str().unwrap() {
        "cgroup-v1" => {
            assert_eq!(reserves["status"], "ok", "{reserves}");
            assert!(!run.stderr.contains(notice), "{}", run.stderr);
            // Touching past the limit is still the cgroup's out-of-memory kill.
            let e = bench(&report, "allocates_past_its_limit")["error"]
                .as_str()
                .unwrap();
            assert!(
                e.starts_with("exceeded memory_limit = 256MiB (the memory cgroup's"),
                "{e}"
            );
        }
        "rlimit" => {
            eprintln!("no writable memory cgroup here: checking the RLIMIT_AS fallback");
            let e = reserves["error"].as_str().unwrap();
            assert!(e.starts_with("exceeded memory_limit = 256MiB"), "{e}");
            assert_eq!(run.stderr.matches(notice).count(), 1, "{}", run.stderr);
        }
        other => panic!("memory_limit_by {other}"),
    }
    assert_eq!(bench(&report, "stays_within_its_limit")["status"], "ok");
}

#[test]
fn a_benchmark_with_a_limit_is_isolated_without_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let json = h.join("i.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap(), "its_limit"];
    args.extend_from_slice(FAST);
    let run = run_bench("isolation", &args, h, &[DIE]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    let failed = bench(&report, "allocates_past_its_limit");
    let e = failed["error"].as_str().unwrap();
    assert!(e.starts_with("exceeded memory_limit = 256MiB"), "{e}");
    assert_eq!(bench(&report, "stays_within_its_limit")["status"], "ok");
}

#[test]
fn an_isolated_run_of_healthy_benchmarks_matches_the_in_process_one() {
    // Without QUDAG_FIXTURE_DIE every benchmark measures a trivial routine.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let json = h.join("i.json");
    let mut args = vec!["--bench", "--isolate", "--json", json.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let run = run_bench("isolation", &args, h, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_eq!(report["summary"]["ok"], 9);
    // The children subtract the parent's calibrated overheads: one binary, one machine.
    let timer = &report["environment"]["timer"];
    let overhead = &bench(&report, "a_fine")["overhead"];
    assert_eq!(
        overhead["per_sample_ns"], timer["overhead_ns"],
        "{overhead}"
    );
    assert_eq!(overhead["per_iter_ns"], timer["iter_loop_ns"], "{overhead}");
    // What the parent says about this host (missing counters, ...) is said once, not again
    // by each child.
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("qudag-bench:"))
        .collect();
    for line in &said {
        assert_eq!(
            said.iter().filter(|l| *l == line).count(),
            1,
            "{}",
            run.stderr
        );
    }
}

#[test]
fn the_configuration_file_isolates_a_benchmark_and_limits_it() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let config = h.join("qudag-bench.toml");
    std::fs::write(
        &config,
        "[bench.exits_3]\nisolate = true\n[bench.a_fine]\nmemory_limit = \"64MiB\"\n",
    )
    .unwrap();
    let json = h.join("i.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap()];
    args.extend(["--config", config.to_str().unwrap()]);
    // The other benchmarks that die here would end an in-process run.
    for id in [
        "segfaults",
        "aborts",
        "overflows_its_stack",
        "allocates_past_its_limit",
    ] {
        args.extend(["--skip", id]);
    }
    args.extend_from_slice(FAST);
    let run = run_bench("isolation", &args, h, &[DIE]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    let e = bench(&report, "exits_3")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(e.contains("exit code 3"), "{e}");
    for id in ["a_fine", "z_after"] {
        assert_eq!(bench(&report, id)["status"], "ok");
    }
    assert!(bench(&report, "a_fine")["isolation"].is_object());
    assert!(
        bench(&report, "z_after").get("isolation").is_none(),
        "measured in-process"
    );
}

/// A harness killed outright (SIGKILL: no handler runs) takes its isolated child with it,
/// rather than leaving it measuring until its own timeout.
#[test]
fn a_killed_harness_takes_its_isolated_child_with_it() {
    let home = tempfile::tempdir().unwrap();
    let mut harness = std::process::Command::new(bench_exe("isolation"))
        .args([
            "--bench",
            "--isolate",
            "a_fine",
            "--exact",
            "--precision",
            "0",
        ])
        .args([
            "--samples",
            "1000000",
            "--warmup-time",
            "1s",
            "--measure-time",
            "120s",
        ])
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let child = wait_for(|| isolated_child_of(harness.id()))
        .expect("the harness started its isolated child");
    harness.kill().unwrap();
    harness.wait().unwrap();
    // A bound against a hang, not a speed claim: the kernel kills it at once.
    assert!(
        wait_for(|| (!alive(child)).then_some(())).is_some(),
        "child {child} outlived its harness"
    );
}

/// Polls `found` every 50 ms for up to 60 s.
fn wait_for<T>(mut found: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if let Some(t) = found() {
            return Some(t);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    None
}

/// The pid of a process whose parent is `parent` and that runs `--qudag-bench-isolated`.
fn isolated_child_of(parent: u32) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid: u32 = stat.rsplit(") ").next()?.split(' ').nth(1)?.parse().ok()?;
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let isolated = String::from_utf8_lossy(&cmdline).contains("--qudag-bench-isolated");
            (ppid == parent && isolated).then_some(pid)
        })
}

/// Whether `pid` runs (a zombie waiting for its reaper does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit(") ").next().map(|rest| !rest.starts_with('Z')))
        .unwrap_or(false)
}
