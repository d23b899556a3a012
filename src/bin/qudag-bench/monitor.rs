//! `qudag-bench monitor`: a Prometheus exporter. Each scrape of `/metrics` reads every
//! `$QUDAG_BENCH_HOME/results/*.json` and `progress/*.json` afresh, so a new run shows up
//! without a restart, and answers with [`qudag_bench::report::prometheus`]'s text.
//!
//! The server is std's `TcpListener` with a thread per connection (at most
//! [`MAX_CONNECTIONS`] at once) and a deadline for each whole request, so a client that
//! connects and says nothing cannot hold up Prometheus's scrapes. A scrape endpoint on
//! loopback needs no more, and this keeps the binary free of an HTTP stack. SIGINT and
//! SIGTERM end it with exit 0.

use clap::Args;
use qudag_bench::report::escape::TermLines;
use qudag_bench::report::prometheus::{self, RunProgress};
use qudag_bench::store::{RunReport, baseline, progress};
use std::collections::{HashMap, HashSet};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `qudag-bench monitor` flags.
#[derive(Args)]
pub struct MonitorArgs {
    /// Address to serve on, HOST:PORT; port 0 picks a free port (the address is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9091")]
    listen: String,
    /// Allow a --listen address other than loopback: the metrics then reach other machines
    /// (they name the host's benchmarks, run times and results).
    #[arg(long)]
    allow_remote: bool,
}

/// Largest request head read (request line and headers).
const MAX_HEAD: usize = 8 * 1024;

/// Connections served at once; more are closed at once.
pub const MAX_CONNECTIONS: usize = 16;

/// Time a client has to send its whole request head.
const REQUEST_DEADLINE: Duration = Duration::from_secs(2);

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Serves until SIGINT or SIGTERM. Errors (bad address, port in use) are exit 2 in `main`.
pub fn run(home: &Path, args: MonitorArgs) -> Result<ExitCode, String> {
    let addr = parse_listen(&args.listen)?;
    if !addr.ip().is_loopback() && !args.allow_remote {
        return Err(format!(
            "--listen {}: {} is not a loopback address, so other machines could read the \
             metrics; pass --allow-remote to serve them anyway",
            args.listen,
            addr.ip()
        ));
    }
    let listener = TcpListener::bind(addr).map_err(|e| {
        let hint = if e.kind() == ErrorKind::AddrInUse {
            " (the port is in use: stop the other server or pick another port with --listen)"
        } else {
            ""
        };
        format!(
            "--listen {}: cannot listen on {addr}: {e}{hint}",
            args.listen
        )
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("--listen {}: {e}", args.listen))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot set up the listener: {e}"))?;
    install_signal_handlers();
    if !addr.ip().is_loopback() {
        eprintln!("warning: serving metrics beyond loopback on {local} (--allow-remote)");
    }
    eprintln!(
        "qudag-bench monitor: serving http://{local}/metrics from {} (Ctrl-C stops)",
        home.display()
    );
    let errors = Arc::new(Mutex::new(ErrorLog::default()));
    let active = Arc::new(AtomicUsize::new(0));
    while !STOP.load(Ordering::SeqCst) {
        let mut fds = [libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        // A signal interrupts poll (EINTR) at once; the timeout is only a backstop.
        // SAFETY: `fds` is a valid array of one pollfd for the duration of the call.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), 1, 1000) };
        if ready <= 0 {
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    active.fetch_sub(1, Ordering::SeqCst);
                    continue; // dropping the stream closes it
                }
                let (home, errors, active) = (home.to_path_buf(), errors.clone(), active.clone());
                std::thread::spawn(move || {
                    if let Err(e) = serve(stream, &home, &errors) {
                        eprintln!(
                            "qudag-bench monitor: a request failed: {}",
                            TermLines(&e.to_string())
                        );
                    }
                    active.fetch_sub(1, Ordering::SeqCst);
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("qudag-bench monitor: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
    eprintln!("qudag-bench monitor: stopped");
    Ok(ExitCode::SUCCESS)
}

/// `HOST:PORT` as a socket address (a name resolves to its first address).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let expected = "expected HOST:PORT such as 127.0.0.1:9091, [::1]:9091 or localhost:0";
    if !text.contains(':') {
        return Err(format!("--listen `{text}`: no port; {expected}"));
    }
    text.to_socket_addrs()
        .map_err(|e| format!("--listen `{text}`: {e}; {expected}"))?
        .next()
        .ok_or_else(|| format!("--listen `{text}`: resolves to no address; {expected}"))
}

fn install_signal_handlers() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe; no
        // SA_RESTART, so a blocked poll returns at once.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Answers one request on `stream`, then closes it.
fn serve(mut stream: TcpStream, home: &Path, errors: &Mutex<ErrorLog>) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let deadline = Instant::now() + REQUEST_DEADLINE;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    // The head ends at an empty line; bare `\n` line ends are accepted too.
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                ErrorKind::TimedOut,
                "the client sent no complete request in time",
            ));
        }
        stream.set_read_timeout(Some(left))?;
        if head.len() > MAX_HEAD {
            return respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                "",
                b"",
                true,
            );
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/") => (m, t),
        _ => {
            return respond(
                &mut stream,
                "400 Bad Request",
                "text/plain",
                b"bad request\n",
                true,
            );
        }
    };
    let with_body = method != "HEAD";
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"only GET and HEAD\n",
            true,
        );
    }
    let path = target.split('?').next().unwrap_or("");
    match path {
        "/metrics" => {
            let body = {
                let mut errors = errors.lock().unwrap_or_else(|e| e.into_inner());
                metrics(home, &mut errors)
            };
            respond(
                &mut stream,
                "200 OK",
                prometheus::CONTENT_TYPE,
                body.as_bytes(),
                with_body,
            )
        }
        "/" => respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            b"<!doctype html><title>qudag-bench monitor</title>\n<h1>qudag-bench monitor</h1>\n\
              <p>Prometheus metrics of the latest benchmark results and runs in flight: \
              <a href=\"/metrics\">/metrics</a></p>\n",
            with_body,
        ),
        _ => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found; try /metrics\n",
            with_body,
        ),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if !content_type.is_empty() {
        out.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if status.starts_with("405") {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if with_body {
        bytes.extend_from_slice(body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Reads the home and encodes it.
fn metrics(home: &Path, errors: &mut ErrorLog) -> String {
    errors.begin();
    let reports: Vec<RunReport> = json_files(&home.join("results"), errors)
        .into_iter()
        .filter_map(|f| errors.check(&f, baseline::read_report(&f)))
        .collect();
    let runs: Vec<RunProgress> = json_files(&home.join("progress"), errors)
        .into_iter()
        .filter_map(|f| errors.check(&f, progress::read(&f)))
        .map(|p| RunProgress {
            running: !p.finished && process_alive(p.pid),
            progress: p,
        })
        .collect();
    errors.end();
    prometheus::encode(&reports, &runs, errors.this_scrape)
}

/// The `*.json` files of `dir`, sorted; none if `dir` does not exist yet.
fn json_files(dir: &Path, errors: &mut ErrorLog) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            let result: Result<(), String> = Err(format!("cannot read {}: {e}", dir.display()));
            errors.check(dir, result);
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Whether process `pid` exists (a run whose process died is not in flight).
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Unreadable files: each error is printed once (again only if it changes, or comes back
/// after the file was fixed or removed), and counted at every scrape.
#[derive(Default)]
struct ErrorLog {
    printed: HashMap<PathBuf, String>,
    seen: HashSet<PathBuf>,
    this_scrape: u64,
}

impl ErrorLog {
    fn begin(&mut self) {
        self.this_scrape = 0;
        self.seen.clear();
    }

    fn end(&mut self) {
        let seen = &self.seen;
        self.printed.retain(|p, _| seen.contains(p));
    }

    fn check<T>(&mut self, path: &Path, result: Result<T, String>) -> Option<T> {
        self.seen.insert(path.to_path_buf());
        match result {
            Ok(v) => {
                self.printed.remove(path);
                Some(v)
            }
            Err(e) => {
                self.this_scrape += 1;
                if self.printed.get(path) != Some(&e) {
                    eprintln!("qudag-bench monitor: skipped: {}", TermLines(&e));
                    self.printed.insert(path.to_path_buf(), e);
                }
                None
            }
        }
    }
}
