//! `network = "none"`: the benchmark runs in a network namespace of its own, with only
//! loopback; where none can be made it is skipped with the reason, never run with the host's
//! network (`tests/fixture/benches/sandbox.rs`).

mod common;
use common::*;
use std::net::TcpListener;
use std::process::Command;

/// Whether this host lets us make network namespaces (root, or user namespaces).
fn namespaces_allowed() -> bool {
    let probe = Command::new("unshare").args(["--net", "true"]).output();
    let user = Command::new("unshare")
        .args(["--user", "--net", "true"])
        .output();
    probe.is_ok_and(|o| o.status.success()) || user.is_ok_and(|o| o.status.success())
}

#[test]
fn a_benchmark_without_network_cannot_reach_the_host_but_talks_over_its_own_loopback() {
    if !namespaces_allowed() {
        eprintln!("skipped: this host cannot make network namespaces (the next test covers it)");
        return;
    }
    let host = TcpListener::bind("127.0.0.1:0").unwrap();
    host.set_nonblocking(true).unwrap();
    let port = host.local_addr().unwrap().port().to_string();
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("s.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let run = run_bench(
        "sandbox",
        &args,
        home.path(),
        &[("QUDAG_FIXTURE_HOST_PORT", &port)],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    // `loopback_only` panics if its connection to the host's port succeeds.
    let sandboxed = bench(&report, "loopback_only");
    assert_eq!(sandboxed["status"], "ok", "{sandboxed}");
    assert_eq!(sandboxed["isolation"]["network"], "none");
    assert!(sandboxed["time_ns"]["median"].as_f64().unwrap() > 0.0);
    assert_eq!(bench(&report, "with_the_host")["status"], "ok");
    assert!(
        host.accept().is_err(),
        "nothing reached the host's listener"
    );
}

#[test]
fn where_no_network_namespace_can_be_made_the_benchmark_is_skipped_with_the_reason() {
    // A user namespace whose limit on network namespaces is 0: inside it, as on a host that
    // forbids them, neither root's nor a user namespace's way to make one works.
    let limited = Command::new("unshare")
        .args(["--user", "--map-root-user", "sh", "-c"])
        .arg("echo 0 > /proc/sys/user/max_net_namespaces")
        .output();
    if !limited.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: cannot make a user namespace with a network namespace limit here");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("s.json");
    let mut cmd = Command::new("unshare");
    cmd.args(["--user", "--map-root-user", "sh", "-c"])
        .arg("echo 0 > /proc/sys/user/max_net_namespaces && exec \"$@\"")
        .arg("sh")
        .arg(bench_exe("sandbox"))
        .args(["--bench", "--json", json.to_str().unwrap()])
        .args(FAST)
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home.path());
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = read_json(&json);
    let skipped = bench(&report, "loopback_only");
    assert_eq!(skipped["status"], "skipped", "{skipped}");
    let reason = skipped["skip_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("network = \"none\" needs a network namespace"),
        "{reason}"
    );
    assert!(
        reason.contains("not run with the host's network"),
        "{reason}"
    );
    assert_eq!(bench(&report, "with_the_host")["status"], "ok");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 skipped;"), "{stdout}");
}

#[test]
fn a_smoke_test_never_runs_it_with_the_hosts_network() {
    let home = tempfile::tempdir().unwrap();
    let run = run_bench("sandbox", &[], home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("test loopback_only ") && l.contains("ignored (network")),
        "{}",
        run.stdout
    );
}
