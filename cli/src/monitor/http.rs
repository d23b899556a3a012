//! The HTTP side of `qudag-bench monitor`: one request per connection, `Connection: close`.
//!
//! Connections are counted in [`Slots`]: at most [`MAX_CONNECTIONS`] at once, each on its own
//! thread. A connection still sending its request head has [`REQUEST_DEADLINE`] from accept
//! to finish it, and when every slot is taken the oldest such connection is closed to make
//! room, so clients that connect and say nothing (or trickle bytes) cannot keep a real scrape
//! out: it sends its head at once and is served. Only a full house of requests actually being
//! answered turns a new connection away.

use super::prometheus;
use super::scan::{self, ErrorLog};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Largest request head read (request line and headers).
const MAX_HEAD: usize = 8 * 1024;

/// Connections open at once (each a thread).
pub const MAX_CONNECTIONS: usize = 32;

/// Time a client has, from accept, to send its whole request head.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(2);

/// Time to write a response.
const WRITE_DEADLINE: Duration = Duration::from_secs(5);

/// The open connections: those still sending their head (oldest first, with a handle to close
/// them) and the number being answered.
#[derive(Default)]
pub struct Slots {
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    next_id: u64,
    waiting: VecDeque<(u64, TcpStream)>,
    answering: usize,
}

impl Slots {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot for `stream`, closing the oldest connection still sending its head if
    /// every slot is taken; `None` (turn it away) when all are answering requests.
    pub fn admit(self: &Arc<Self>, stream: &TcpStream) -> Option<Slot> {
        let handle = stream.try_clone().ok()?;
        let mut s = self.lock();
        if s.waiting.len() + s.answering >= MAX_CONNECTIONS {
            let (_, oldest) = s.waiting.pop_front()?;
            // Its thread's read returns at once and it ends quietly (see `Slot::answer`).
            let _ = oldest.shutdown(Shutdown::Both);
        }
        let id = s.next_id;
        s.next_id += 1;
        s.waiting.push_back((id, handle));
        Some(Slot {
            slots: self.clone(),
            id,
            answering: false,
        })
    }
}

/// One connection's slot, given back on drop.
pub struct Slot {
    slots: Arc<Slots>,
    id: u64,
    answering: bool,
}

impl Slot {
    /// Moves the connection from sending its head to being answered; false if it was closed
    /// to make room meanwhile.
    fn answer(&mut self) -> bool {
        let mut s = self.slots.lock();
        let Some(i) = s.waiting.iter().position(|(id, _)| *id == self.id) else {
            return false;
        };
        s.waiting.remove(i);
        s.answering += 1;
        self.answering = true;
        true
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut s = self.slots.lock();
        if self.answering {
            s.answering -= 1;
        } else {
            s.waiting.retain(|(id, _)| *id != self.id);
        }
    }
}

/// Answers one request on `stream`, accepted at `accepted`, then closes it.
pub fn serve(
    mut stream: TcpStream,
    mut slot: Slot,
    accepted: Instant,
    home: &Path,
    errors: &Mutex<ErrorLog>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_write_timeout(Some(WRITE_DEADLINE))?;
    let head = match read_head(&mut stream, accepted + REQUEST_DEADLINE)? {
        Head::Complete(head) => head,
        Head::TooLarge => {
            if !slot.answer() {
                return Ok(());
            }
            return respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                "",
                b"",
                true,
            );
        }
    };
    if !slot.answer() || head.is_empty() {
        return Ok(()); // closed to make room, or the client left without a word
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/") => (m, t),
        _ => {
            let body = b"bad request\n";
            return respond(&mut stream, "400 Bad Request", "text/plain", body, true);
        }
    };
    route(&mut stream, method, target, home, errors)
}

/// Answers a well-formed request for `target`.
fn route(
    stream: &mut TcpStream,
    method: &str,
    target: &str,
    home: &Path,
    errors: &Mutex<ErrorLog>,
) -> std::io::Result<()> {
    let with_body = method != "HEAD";
    if method != "GET" && method != "HEAD" {
        let body = b"only GET and HEAD\n";
        return respond(stream, "405 Method Not Allowed", "text/plain", body, true);
    }
    let path = target.split('?').next().unwrap_or("");
    match path {
        "/metrics" => {
            // Read without holding the log: one slow scrape never holds up another.
            let scan = scan::scan(home);
            errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .note(&scan.skipped);
            let body = prometheus::encode(&scan.reports, &scan.runs, scan.skipped.len() as u64);
            let content_type = prometheus::CONTENT_TYPE;
            respond(stream, "200 OK", content_type, body.as_bytes(), with_body)
        }
        "/" => respond(
            stream,
            "200 OK",
            "text/html; charset=utf-8",
            b"<!doctype html><title>qudag-bench monitor</title>\n<h1>qudag-bench monitor</h1>\n\
              <p>Prometheus metrics of the latest benchmark results and runs in flight: \
              <a href=\"/metrics\">/metrics</a></p>\n",
            with_body,
        ),
        _ => {
            let body = b"not found; try /metrics\n";
            respond(stream, "404 Not Found", "text/plain", body, with_body)
        }
    }
}

enum Head {
    /// Up to the empty line, or what came before the client closed its side.
    Complete(Vec<u8>),
    /// Longer than [`MAX_HEAD`].
    TooLarge,
}

/// Reads the request head until its empty line (bare `\n` line ends are accepted too).
fn read_head(stream: &mut TcpStream, deadline: Instant) -> std::io::Result<Head> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
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
            return Ok(Head::TooLarge);
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Head::Complete(head))
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
