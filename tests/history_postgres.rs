//! The history on a real PostgreSQL server (issue 20): bench binaries spool their runs as
//! always, and every `qudag-bench` command given `--history postgres://…` imports them there
//! and answers from there exactly as from the SQLite file. Each test makes its own database
//! on the server `QUDAG_BENCH_TEST_POSTGRES` names (`ci/postgres.sh start` starts one; CI
//! sets `QUDAG_BENCH_REQUIRE_POSTGRES=1` so that a missing server fails instead of skipping).

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// `qudag-bench --home HOME --history URL ARGS…`; its exit code, stdout and stderr.
fn cli(home: &Path, url: &str, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--home", home.to_str().unwrap(), "--history", url];
    all.extend_from_slice(args);
    qudag_bench(all)
}

/// Runs the fixture's `tunable` once with `home`, spooling its run there.
fn run_tunable(home: &Path) {
    run_tunable_with(home, &[]);
}

/// [`run_tunable`] with `extra` flags.
fn run_tunable_with(home: &Path, extra: &[&str]) {
    let mut args = vec!["--bench", "tunable", "--exact"];
    args.extend_from_slice(FAST);
    args.extend_from_slice(extra);
    let run = run_exe(&bench_exe("work"), &args, home, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// The fixture's `crash` target killed (SIGKILL) in its second benchmark: an interrupted run.
fn run_killed(home: &Path) {
    let status = Command::new(bench_exe("crash"))
        .arg("--bench")
        .args(FAST)
        .current_dir(fixture_dir())
        .env("QUDAG_BENCH_HOME", home)
        .env("FIXTURE_CRASH", "kill")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the crash fixture was to be killed");
}

fn client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

#[test]
fn every_history_command_answers_from_postgres_as_from_sqlite() {
    let Some(url) = postgres_database("same") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Counted by callgrind too: the instruction series is read back from the server.
    for _ in 0..6 {
        run_tunable_with(h, &["--instructions"]);
    }
    run_killed(h);
    // The runs go into the home's SQLite file, then are pushed to the server.
    let sqlite = h.join("history.sqlite");
    let hs = h.to_str().unwrap();
    let (code, listed, err) = qudag_bench(["history", "--home", hs]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(h, &url, &["history", "push"]);
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, "pushed 7 of 7 run(s)");
    let (_, _, again) = cli(h, &url, &["history", "push"]);
    assert_contains(&again, "pushed 0 of 7 run(s)");
    assert_contains(&listed, "[interrupted while running c_crash]");

    let run_id = read_json(&h.join("results/work.json"))["run_id"]
        .as_str()
        .unwrap()
        .to_string();
    let queries: [&[&str]; 7] = [
        &["history"],
        &["history", "--bench", "tunable"],
        &["history", "--suite", "work", "--since", "1d"],
        &["history", "--changes", "--format", "json"],
        &["history", "--changes", "--instructions", "--format", "json"],
        &["report", &run_id, "--format", "csv"],
        &["report", &run_id, "--format", "markdown"],
    ];
    let file = sqlite.to_str().unwrap();
    for args in queries {
        let from_file = cli(h, file, args);
        let from_server = cli(h, &url, args);
        assert_eq!(from_file.0, 0, "{args:?}: {}", from_file.2);
        assert_eq!(from_server, from_file, "{args:?}");
    }
    // The six counted runs make one instruction series, on the server as in the file.
    let counted = cli(
        h,
        &url,
        &["history", "--changes", "--instructions", "--format", "json"],
    );
    let counted: serde_json::Value = serde_json::from_str(&counted.1).unwrap();
    assert_eq!(counted["series"], 1, "{counted}");
    // The HTML report charts the trend from the server.
    let out = h.join("report.html");
    let (code, _, err) = cli(
        h,
        &url,
        &[
            "report",
            "latest",
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");

    // A bench binary's spooled run reaches the server with the next command, and leaves the
    // spool.
    let runner = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "tunable", "--exact"];
    args.extend_from_slice(FAST);
    let env = [("QUDAG_BENCH_HISTORY", url.as_str())];
    let spooled = run_exe(&bench_exe("work"), &args, runner.path(), &env);
    assert_eq!(spooled.code, 0, "{}", spooled.stderr);
    assert_contains(&spooled.stderr, "the run is spooled for the history server");
    let (code, rows, err) = cli(runner.path(), &url, &["history", "--bench", "tunable"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows.lines().count(), 7, "{rows}");
    let spool = runner.path().join("history-spool");
    assert_eq!(std::fs::read_dir(spool).unwrap().count(), 0);
}

#[test]
fn a_server_that_is_down_or_refuses_the_login_stops_the_command_and_keeps_the_spool() {
    let Some(url) = postgres_database("refused") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    run_tunable(home.path());
    let (user, rest) = url.split_once('@').unwrap();
    let (scheme_user, password) = user.rsplit_once(':').unwrap();
    let wrong = format!("{scheme_user}:not-{password}@{rest}");
    let (code, _, err) = cli(home.path(), &wrong, &["history"]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "the login was refused");
    assert!(
        !err.contains(password),
        "the password is never shown: {err}"
    );
    // A port nothing listens on (this one was just closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("postgres://qudag@127.0.0.1:{port}/x");
    let (code, _, err) = cli(home.path(), &down, &["history"]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "Connection refused");
    let (code, _, err) = cli(home.path(), "postgres://a:b@host:notaport/x", &["history"]);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "--history");
    assert!(!err.contains(":b@"), "{err}");
    // Nothing was lost: the run waits in the spool and arrives once the server answers.
    let (code, rows, err) = cli(home.path(), &url, &["history"]);
    assert_eq!((code, rows.lines().count()), (0, 1), "{err}");
    // A history a newer qudag-bench migrated is refused, and left as it is.
    let mut db = client(&url);
    db.execute("UPDATE qudag_bench.meta SET version = 99", &[])
        .unwrap();
    let (code, _, err) = cli(home.path(), &url, &["history"]);
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        "has schema version 99; this qudag-bench knows up to 6",
    );
    let kept: i64 = db
        .query_one("SELECT version FROM qudag_bench.meta", &[])
        .unwrap()
        .get(0);
    assert_eq!(kept, 99);
}

/// Runs `each` on four threads released at one moment; their results.
fn four_at_once<T: Send + 'static>(each: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let start = Arc::new(Barrier::new(4));
    let each = Arc::new(each);
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (start, each) = (start.clone(), each.clone());
            std::thread::spawn(move || {
                start.wait();
                each(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

#[test]
fn four_runners_record_at_once_and_the_schema_is_made_once() {
    let (Some(fresh), Some(url)) = (postgres_database("race"), postgres_database("four")) else {
        return;
    };
    // Four commands meet a new database at the same moment: one makes the schema, the others
    // wait for it and find it made.
    let empty = tempfile::tempdir().unwrap();
    let home = empty.path().to_path_buf();
    for (code, _, err) in four_at_once(move |_| cli(&home, &fresh, &["history"])) {
        assert_eq!(code, 0, "{err}");
    }
    // Four runners, each a bench process then the command that records its run, at once.
    let homes: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let paths: Vec<_> = homes.iter().map(|h| h.path().to_path_buf()).collect();
    let shared = url.clone();
    for (code, _, err) in four_at_once(move |i| {
        run_tunable(&paths[i]);
        cli(&paths[i], &shared, &["history"])
    }) {
        assert_eq!(code, 0, "{err}");
    }
    let mut db = client(&url);
    let meta = db
        .query("SELECT application, version FROM qudag_bench.meta", &[])
        .unwrap();
    assert_eq!(meta.len(), 1);
    assert_eq!(meta[0].get::<_, i64>(1), 6); // the migrations in cli/src/history/schema.rs
    let runs: i64 = db
        .query_one(
            "SELECT count(DISTINCT run_id) FROM qudag_bench.runs WHERE state = 'complete'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(runs, 4);
}

/// `count` copies of the run spooled in `home` under new run ids, spooled beside it.
fn copy_spooled_run(home: &Path, count: usize) {
    let dir = home.join("history-spool");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let doc: serde_json::Value = read_json(&file);
    for i in 0..count {
        let mut copy = doc.clone();
        let id = format!("{}-copy{i:04}", doc["report"]["run_id"].as_str().unwrap());
        copy["report"]["run_id"] = id.clone().into();
        std::fs::write(dir.join(format!("{id}.json")), copy.to_string()).unwrap();
    }
}

#[test]
fn a_push_killed_midway_leaves_no_half_written_run_and_the_next_one_finishes() {
    let Some(url) = postgres_database("killed") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    run_tunable(h);
    copy_spooled_run(h, 399);
    let (code, _, err) = qudag_bench(["history", "--home", h.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut db = client(&url);
    // Make the schema, then push and kill the push once some runs are in.
    assert_eq!(cli(h, &url, &["history"]).0, 0);
    let mut push = Command::new(cli_exe())
        .args([
            "--home",
            h.to_str().unwrap(),
            "--history",
            &url,
            "history",
            "push",
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let count = |db: &mut postgres::Client| -> i64 {
        let row = db
            .query_one("SELECT count(*) FROM qudag_bench.runs", &[])
            .unwrap();
        row.get(0)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&mut db) < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    push.kill().unwrap();
    push.wait().unwrap();
    let pushed = count(&mut db);
    eprintln!("{pushed} of 400 runs were in when the push was killed");
    // Every run there is whole: complete, with its report and its one result.
    let half: i64 = db
        .query_one(
            "SELECT count(*) FROM qudag_bench.runs r
             WHERE r.state <> 'complete'
                OR NOT EXISTS (SELECT 1 FROM qudag_bench.reports p WHERE p.run = r.id)
                OR (SELECT count(*) FROM qudag_bench.results x WHERE x.run = r.id) <> 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(half, 0, "{pushed} runs pushed before the kill");
    let (code, _, err) = cli(h, &url, &["history", "push"]);
    assert_eq!(code, 0, "{err}");
    assert_contains(&err, &format!("pushed {} of 400 run(s)", 400 - pushed));
    assert_eq!(count(&mut db), 400);
}

#[test]
fn tls_is_used_as_the_url_asks_and_the_servers_certificate_is_verified() {
    let Some(tls) = postgres_database_on("QUDAG_BENCH_TEST_POSTGRES_TLS", "tls") else {
        return;
    };
    let ca = std::env::var("QUDAG_BENCH_TEST_POSTGRES_CA")
        .expect("QUDAG_BENCH_TEST_POSTGRES_CA names the TLS server's CA certificate");
    let home = tempfile::tempdir().unwrap();
    run_tunable(home.path());
    // A home of its own, so that no ~/.postgresql/root.crt of the caller's is found.
    let user_home = tempfile::tempdir().unwrap();
    let with_ca = |url: &str, ca: Option<&str>| {
        let mut cmd = Command::new(cli_exe());
        cmd.args([
            "--home",
            home.path().to_str().unwrap(),
            "--history",
            url,
            "history",
        ])
        .env("HOME", user_home.path())
        .env_remove("PGSSLROOTCERT")
        .env_remove("QUDAG_BENCH_HISTORY");
        if let Some(ca) = ca {
            cmd.env("PGSSLROOTCERT", ca);
        }
        let out = cmd.output().unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            out.status.code().unwrap(),
            text(&out.stdout),
            text(&out.stderr),
        )
    };
    let required = format!("{tls}?sslmode=require");
    // Its certificate is not signed by a known authority until PGSSLROOTCERT names its CA.
    let (code, _, err) = with_ca(&required, None);
    assert_eq!(code, 2, "{err}");
    assert_contains(&err, "set PGSSLROOTCERT");
    let (code, rows, err) = with_ca(&required, Some(&ca));
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows.lines().count(), 1, "{rows}");
    // `require` on a server without TLS is refused, not quietly sent in the clear.
    if let Some(plain) = postgres_database("plain") {
        let (code, _, err) = with_ca(&format!("{plain}?sslmode=require"), Some(&ca));
        assert_eq!(code, 2, "{err}");
        assert_contains(&err, "does not support TLS");
    }
}
