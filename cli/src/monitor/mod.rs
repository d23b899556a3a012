//! `qudag-bench monitor`: a Prometheus exporter. Each scrape of `/metrics` reads every
//! `$QUDAG_BENCH_HOME/results/<bench-target>.json` and `progress/<bench-target>.json` afresh
//! ([`scan`]), so a new run shows up without a restart, and answers with
//! [`prometheus`]'s text.
//!
//! The server ([`http`]) is std's `TcpListener` with a thread per connection: at most
//! [`http::MAX_CONNECTIONS`] at once, each with a deadline for its request head counted from
//! accept, and the oldest connection still sending its head closed when a new one needs the
//! room, so clients that connect and say nothing cannot keep Prometheus's scrapes out. A
//! scrape endpoint on loopback needs no more, and this keeps the binary free of an HTTP stack.
//! SIGINT and SIGTERM end it with exit 0.

mod http;
mod prometheus;
mod scan;

use clap::Args;
use http::Slots;
use qudag_bench::error::Error;
use qudag_bench::escape::TermLines;
use scan::ErrorLog;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
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

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Serves until SIGINT or SIGTERM. Errors (bad address, port in use) are exit 2 in `main`.
pub fn run(home: &Path, args: MonitorArgs) -> Result<ExitCode, Error> {
    let addr = parse_listen(&args.listen)?;
    if !addr.ip().is_loopback() && !args.allow_remote {
        return Err(Error::setting(format!(
            "--listen {}: {} is not a loopback address, so other machines could read the \
             metrics; pass --allow-remote to serve them anyway",
            args.listen,
            addr.ip()
        )));
    }
    let listener = TcpListener::bind(addr).map_err(|e| {
        let hint = if e.kind() == ErrorKind::AddrInUse {
            " (the port is in use: stop the other server or pick another port with --listen)"
        } else {
            ""
        };
        Error::setting(format!(
            "--listen {}: cannot listen on {addr}: {e}{hint}",
            args.listen
        ))
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::setting(format!("--listen {}: {e}", args.listen)))?;
    listener.set_nonblocking(true).map_err(|e| Error::Io {
        message: format!("cannot set up the listener: {e}"),
    })?;
    install_signal_handlers();
    if !addr.ip().is_loopback() {
        eprintln!("warning: serving metrics beyond loopback on {local} (--allow-remote)");
    }
    eprintln!(
        "qudag-bench monitor: serving http://{local}/metrics from {} (Ctrl-C stops)",
        TermLines(&home.display().to_string())
    );
    let errors = Arc::new(Mutex::new(ErrorLog::default()));
    let slots = Arc::new(Slots::default());
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
                let accepted = Instant::now();
                // None: every slot is answering a request; dropping the stream closes it.
                let Some(slot) = slots.admit(&stream) else {
                    continue;
                };
                let (home, errors) = (home.to_path_buf(), errors.clone());
                std::thread::spawn(move || {
                    if let Err(e) = http::serve(stream, slot, accepted, &home, &errors) {
                        eprintln!(
                            "qudag-bench monitor: a request failed: {}",
                            TermLines(&e.to_string())
                        );
                    }
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
fn parse_listen(text: &str) -> Result<SocketAddr, Error> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let expected = "expected HOST:PORT such as 127.0.0.1:9091, [::1]:9091 or localhost:0";
    if !text.contains(':') {
        return Err(Error::setting(format!(
            "--listen `{text}`: no port; {expected}"
        )));
    }
    text.to_socket_addrs()
        .map_err(|e| Error::setting(format!("--listen `{text}`: {e}; {expected}")))?
        .next()
        .ok_or_else(|| {
            Error::setting(format!(
                "--listen `{text}`: resolves to no address; {expected}"
            ))
        })
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
