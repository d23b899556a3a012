//! `qudag-bench monitor` over real runs of the fixture's `work` bench target: `/metrics`
//! fetched over a plain TCP connection, corrupt, non-regular and copied files in the home, a
//! run in flight, idle connections, bad `--listen` values, and SIGTERM.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running monitor; its stderr is collected on a thread.
struct Monitor {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Monitor {
    fn start(home: &Path) -> Monitor {
        let mut child = Command::new(cli_exe())
            .arg("--home")
            .arg(home)
            .args(["monitor", "--listen", "127.0.0.1:0"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (addr, seen, lines) = monitor_address(&mut child);
        let stderr = Arc::new(Mutex::new(seen));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        Monitor {
            child,
            addr,
            stderr,
        }
    }

    /// GET `path`: the status line, the headers and the body.
    fn get(&self, path: &str) -> (String, String, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        // Generous: a bound against a hang, not a speed claim.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/openmetrics-text\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .unwrap_or_else(|e| panic!("GET {path}: no answer: {e}"));
        let (head, body) = response.split_once("\r\n\r\n").expect("a header end");
        let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
        (status.to_string(), headers.to_lowercase(), body.to_string())
    }

    fn metrics(&self) -> String {
        let (status, headers, body) = self.get("/metrics");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_contains(
            &headers,
            "content-type: application/openmetrics-text; version=1.0.0; charset=utf-8",
        );
        assert!(body.ends_with("# EOF\n"), "{body}");
        body
    }

    /// Sends SIGTERM and returns the exit code and all of stderr.
    fn stop(mut self) -> (i32, String) {
        // SAFETY: plain kill(2) of our own child.
        let r = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(r, 0);
        let code = self
            .child
            .wait()
            .unwrap()
            .code()
            .expect("exited, not killed");
        // The reader thread ends at EOF, after the exit; give it a moment to drain.
        let until = Instant::now() + Duration::from_secs(5);
        while !self.stderr.lock().unwrap().contains("stopped") && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        let stderr = self.stderr.lock().unwrap().clone();
        (code, stderr)
    }
}

impl Drop for Monitor {
    /// A failed test must not leave the server running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The value of the sample `name{labels}` in `text`.
fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let prefix = format!("{name}{{{labels}}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.parse().unwrap())
}

fn run_work(home: &Path, work: &str, extra: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bench_exe("work"));
    cmd.args(["--bench", "--exact", "tunable"])
        .args(FAST)
        .args(extra)
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home)
        .env("QUDAG_FIXTURE_WORK", work)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

#[test]
fn serves_latest_results_skips_corrupt_files_and_stops_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // A baseline, then a run three times slower against it: one regression.
    // Without the executable: the "slower build" is the environment (see tests/gate.rs).
    let status = run_work(
        h,
        "1000",
        &["--save-baseline", "main", "--no-save-binary"],
        &[],
    )
    .status()
    .unwrap();
    assert!(status.success());
    let args = ["--baseline", "main", "--noise-threshold", "50"];
    assert!(run_work(h, "3000", &args, &[]).status().unwrap().success());
    let report = read_json(&h.join("results/work.json"));

    let monitor = Monitor::start(h);
    let text = monitor.metrics();
    let tunable = r#"bench_target="work",suite="work",benchmark="tunable""#;
    let p99 = report["benchmarks"][0]["percentiles_ns"]["p99"]
        .as_f64()
        .unwrap();
    let granularity = report["benchmarks"][0]["percentiles_ns"]["granularity"]
        .as_str()
        .unwrap();
    let latency = |q: &str| {
        let labels = format!(r#"{tunable},quantile="{q}",granularity="{granularity}""#);
        sample(&text, "qudag_bench_latency_seconds", &labels)
            .unwrap_or_else(|| panic!("no latency {labels} in:\n{text}"))
    };
    assert!((latency("0.99") - p99 / 1e9).abs() < 1e-15, "{text}");
    for q in ["0.5", "0.9", "0.999", "1"] {
        assert!(latency(q) > 0.0);
    }
    assert_contains(&text, "# TYPE qudag_bench_latency_seconds gauge");
    let target = r#"bench_target="work""#;
    assert_eq!(sample(&text, "qudag_bench_regressions", target), Some(1.0));
    assert_eq!(sample(&text, "qudag_bench_regressed", tunable), Some(1.0));
    assert!(sample(&text, "qudag_bench_median_seconds", tunable).is_some());
    let finished = sample(&text, "qudag_bench_run_timestamp_seconds", target).unwrap();
    let started = humantime::parse_rfc3339(report["started_at"].as_str().unwrap()).unwrap();
    let started = started.duration_since(std::time::UNIX_EPOCH).unwrap();
    assert!(finished >= started.as_secs_f64(), "{finished}");
    // The finished run's progress.
    assert_eq!(sample(&text, "qudag_bench_progress", target), Some(1.0));
    assert_eq!(sample(&text, "qudag_bench_running", target), Some(0.0));
    assert_contains(&text, "qudag_bench_report_errors 0\n");

    // A corrupt file is skipped and counted; the good report is still served.
    std::fs::write(h.join("results/broken.json"), b"{ \"schema\": ").unwrap();
    for _ in 0..2 {
        let text = monitor.metrics();
        assert_contains(&text, "qudag_bench_report_errors 1\n");
        assert!(sample(&text, "qudag_bench_regressions", target).is_some());
    }
    // A new run shows up without a restart: without a baseline, no regression count.
    assert!(run_work(h, "1000", &[], &[]).status().unwrap().success());
    let text = monitor.metrics();
    assert_eq!(sample(&text, "qudag_bench_regressions", target), None);
    assert!(sample(&text, "qudag_bench_median_seconds", tunable).is_some());

    let (status, _, body) = monitor.get("/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_contains(&body, "/metrics");
    let (status, _, _) = monitor.get("/nothing-here");
    assert_eq!(status, "HTTP/1.1 404 Not Found");

    // A client that trickles a byte a second never finishes its request: it must not hold up
    // the others (one at a time, it would block scrapes for the whole minute).
    let addr = monitor.addr.clone();
    let drip = std::thread::spawn(move || {
        let mut slow = TcpStream::connect(&addr).unwrap();
        for _ in 0..60 {
            if slow.write_all(b"G").is_err() {
                return true; // closed by the server's deadline
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        false
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut stream = TcpStream::connect(&monitor.addr).unwrap();
    // Generous: a bound against a hang, not a speed claim.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("answered while another client dawdles");
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(drip.join().unwrap(), "the dawdling client was cut off");

    let (code, stderr) = monitor.stop();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.matches("broken.json").count(),
        1,
        "reported once:\n{stderr}"
    );
}

#[test]
fn shows_a_run_in_flight_and_its_progress_file() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let hold = h.join("hold");
    let progress_file = h.join("progress/work.json");
    // The whole `work` target; `tunable`, the last of its five, waits in its setup for `hold`.
    let mut run = Command::new(bench_exe("work"))
        .arg("--bench")
        .args(FAST)
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", h)
        .env("QUDAG_FIXTURE_HOLD", &hold)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let held = loop {
        if let Ok(text) = std::fs::read_to_string(&progress_file) {
            let p: serde_json::Value = serde_json::from_str(&text).expect("never half-written");
            if p["current"] == "tunable" {
                break p;
            }
        }
        assert!(Instant::now() < until, "the run never reached tunable");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(held["schema"], "qudag-bench/progress/v1");
    assert_eq!(
        (held["done"].as_u64(), held["total"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(held["finished"], false);
    assert_eq!(held["pid"].as_u64(), Some(u64::from(run.id())));

    let monitor = Monitor::start(h);
    let text = monitor.metrics();
    let target = r#"bench_target="work""#;
    let in_flight = r#"bench_target="work",current="tunable""#;
    assert_eq!(sample(&text, "qudag_bench_progress", in_flight), Some(0.8));
    assert_eq!(sample(&text, "qudag_bench_running", target), Some(1.0));
    assert_eq!(
        sample(&text, "qudag_bench_progress_done", target),
        Some(4.0)
    );
    assert_eq!(
        sample(&text, "qudag_bench_progress_total", target),
        Some(5.0)
    );

    std::fs::write(&hold, b"go").unwrap();
    assert!(run.wait().unwrap().success());
    let done = read_json(&progress_file);
    assert_eq!(done["finished"], true);
    assert_eq!(done["done"].as_u64(), Some(5));
    assert!(done["current"].is_null());
    let report = read_json(&h.join("results/work.json"));
    assert_eq!(
        done["run_id"], report["run_id"],
        "progress and report share the run id"
    );
    let text = monitor.metrics();
    assert_eq!(sample(&text, "qudag_bench_progress", target), Some(1.0));
    assert_eq!(sample(&text, "qudag_bench_running", target), Some(0.0));
    let (code, stderr) = monitor.stop();
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn bad_listen_addresses_are_exit_2_naming_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = busy.local_addr().unwrap().to_string();
    for (listen, needle) in [
        ("nonsense", "--listen `nonsense`"),
        ("127.0.0.1:70000", "--listen `127.0.0.1:70000`"),
        ("0.0.0.0:0", "--allow-remote"),
        (busy.as_str(), "in use"),
    ] {
        let home = home.path().to_str().unwrap();
        let (code, _, stderr) = qudag_bench(["--home", home, "monitor", "--listen", listen]);
        assert_eq!(code, 2, "{listen}: {stderr}");
        assert_contains(&stderr, needle);
    }
}

/// The sample lines of `text` named `name` exactly whose labels are `labels`.
fn count_series(text: &str, name: &str, labels: &str) -> usize {
    let prefix = format!("{name}{{{labels}}} ");
    text.lines().filter(|l| l.starts_with(&prefix)).count()
}

#[test]
fn fifos_copies_and_huge_files_in_the_home_are_skipped_without_blocking_a_scrape() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    assert!(run_work(h, "1000", &[], &[]).status().unwrap().success());
    let (results, progress) = (h.join("results"), h.join("progress"));
    // A FIFO nobody writes to: opening it for reading the usual way blocks forever.
    let fifo = results.join("stuck.json");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    // Copies that hold the same bench target as the real files: their series would clash.
    std::fs::copy(results.join("work.json"), results.join("work-backup.json")).unwrap();
    std::fs::copy(progress.join("work.json"), progress.join("old.json")).unwrap();
    // A directory, and a (sparse) file larger than the monitor reads.
    std::fs::create_dir(results.join("dir.json")).unwrap();
    let huge = std::fs::File::create(results.join("huge.json")).unwrap();
    huge.set_len(65 << 20).unwrap();

    let monitor = Monitor::start(h);
    let tunable = r#"bench_target="work",suite="work",benchmark="tunable""#;
    let target = r#"bench_target="work""#;
    for _ in 0..2 {
        let text = monitor.metrics();
        assert_eq!(
            count_series(&text, "qudag_bench_median_seconds", tunable),
            1,
            "one series per label set:\n{text}"
        );
        assert_eq!(count_series(&text, "qudag_bench_running", target), 1);
        assert_eq!(
            count_series(
                &text,
                "qudag_bench_benchmarks",
                &format!("{target},status=\"ok\"")
            ),
            1
        );
        assert_contains(&text, "qudag_bench_report_errors 5\n");
    }
    // Gone, the FIFO no longer counts; nothing was left waiting on it.
    std::fs::remove_file(&fifo).unwrap();
    let text = monitor.metrics();
    assert_contains(&text, "qudag_bench_report_errors 4\n");
    assert_eq!(
        count_series(&text, "qudag_bench_median_seconds", tunable),
        1
    );

    let (code, stderr) = monitor.stop();
    assert_eq!(code, 0, "{stderr}");
    for (name, why) in [
        ("stuck.json", "not a regular file"),
        ("dir.json", "not a regular file"),
        ("huge.json", "MiB"),
        ("work-backup.json", "bench target `work`"),
        ("old.json", "bench target `work`"),
    ] {
        let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name} reported once:\n{stderr}");
        assert_contains(lines[0], why);
    }
}

#[test]
fn idle_connections_do_not_starve_a_scrape() {
    let home = tempfile::tempdir().unwrap();
    let monitor = Monitor::start(home.path());
    // More idle clients than the server has threads for; they connect and say nothing.
    let idle: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(&monitor.addr).unwrap())
        .collect();
    let text = monitor.metrics();
    assert_contains(&text, "qudag_bench_report_errors 0\n");
    // And again while the idle ones are still open.
    let (status, _, _) = monitor.get("/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    drop(idle);
    let (code, stderr) = monitor.stop();
    assert_eq!(code, 0, "{stderr}");
}
