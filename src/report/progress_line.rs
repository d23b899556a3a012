//! The progress line of a bench-mode run on a terminal, e.g.
//! `[12/61] ml_kem::keygen  0:14 elapsed, ~0:40 left`, redrawn in place on stderr (carriage
//! return and erase-line) once a second and cleared before every result line and at the end.
//!
//! [`ProgressReporter`] wraps the terminal reporter: it holds back the reporter's
//! `bench_started` (the pretty format's pending `id  ` would otherwise share its line with the
//! progress line) and prints each result line whole when the benchmark finishes. It is used only
//! when [`enabled`] says so: stderr is a terminal, the format is pretty, `--json` is not `-` and
//! neither `--no-progress` nor `QUDAG_BENCH_NO_PROGRESS` is set.

use super::{Reporter, StartInfo};
use crate::channel::{self, RecvTimeoutError, Sender};
use crate::cli::{Cli, OutputFormat};
use crate::schema::BenchResult;
use crate::schema::RunSummary;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the line is redrawn while a benchmark runs.
const TICK: Duration = Duration::from_secs(1);

/// Whether a bench-mode run with `cli` shows the progress line.
pub fn enabled(cli: &Cli) -> bool {
    let h = &cli.harness;
    !h.no_progress
        && h.output_format == OutputFormat::Pretty
        && h.json.as_deref() != Some("-")
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        && std::io::stderr().is_terminal()
}

/// `m:ss` (or `h:mm:ss` from an hour on).
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The progress text, at most `width` characters: position, the running benchmark, elapsed
/// time and, once a benchmark has finished, an estimate of the time left.
pub fn line(
    done: usize,
    total: usize,
    current: Option<&str>,
    elapsed: Duration,
    left: Option<Duration>,
    width: usize,
) -> String {
    let position = (done + usize::from(current.is_some())).min(total);
    let mut text = format!("[{position}/{total}]");
    if let Some(id) = current {
        text.push(' ');
        text.push_str(&crate::escape::terminal(id));
    }
    text.push_str(&format!("  {} elapsed", clock(elapsed)));
    if let Some(left) = left {
        text.push_str(&format!(", ~{} left", clock(left)));
    }
    text.chars().take(width).collect()
}

/// The time left: the mean time of the finished benchmarks times those not finished, less the
/// time the running one has had. `None` before the first finishes.
pub fn estimate(
    done: usize,
    total: usize,
    finished_time: Duration,
    current: Duration,
) -> Option<Duration> {
    if done == 0 {
        return None;
    }
    let mean = finished_time / done as u32;
    Some((mean * (total.saturating_sub(done)) as u32).saturating_sub(current))
}

/// Columns of the terminal on stderr, or 80.
fn columns() -> usize {
    // SAFETY: TIOCGWINSZ writes a `winsize` into the struct we pass; nothing else is touched.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    if ok && ws.ws_col > 0 {
        ws.ws_col as usize
    } else {
        80
    }
}

struct State {
    started: Instant,
    total: usize,
    done: usize,
    finished_time: Duration,
    current: Option<(String, Instant)>,
    drawn: bool,
}

impl State {
    fn draw(&mut self) {
        let now = Instant::now();
        let running = self.current.as_ref().map_or(Duration::ZERO, |c| now - c.1);
        let left = estimate(self.done, self.total, self.finished_time, running);
        let text = line(
            self.done,
            self.total,
            self.current.as_ref().map(|c| c.0.as_str()),
            now - self.started,
            left,
            columns().saturating_sub(1),
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

/// A [`Reporter`] that shows the progress line around another reporter's output.
pub struct ProgressReporter {
    inner: Box<dyn Reporter>,
    state: Arc<Mutex<State>>,
    ticker: Option<(Sender<()>, JoinHandle<()>)>,
}

impl ProgressReporter {
    /// Wraps `inner`, whose output must go to stdout (or another stream than stderr's line).
    pub fn new(inner: Box<dyn Reporter>) -> Self {
        ProgressReporter {
            inner,
            state: Arc::new(Mutex::new(State {
                started: Instant::now(),
                total: 0,
                done: 0,
                finished_time: Duration::ZERO,
                current: None,
                drawn: false,
            })),
            ticker: None,
        }
    }

    fn stop_ticker(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            drop(stop);
            let _ = handle.join();
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Reporter for ProgressReporter {
    fn start(&mut self, info: &StartInfo) {
        self.inner.start(info);
        {
            let mut s = self.state();
            s.started = Instant::now();
            s.total = info.ids.len();
            s.draw();
        }
        let (stop, ticks) = channel::channel::<()>();
        let state = self.state.clone();
        let handle = std::thread::spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = ticks.recv_timeout(TICK) {
                state.lock().unwrap_or_else(|e| e.into_inner()).draw();
            }
        });
        self.ticker = Some((stop, handle));
    }

    fn bench_started(&mut self, id: &str) {
        let mut s = self.state();
        s.current = Some((id.to_string(), Instant::now()));
        s.draw();
    }

    fn bench_finished(&mut self, result: &BenchResult) {
        let state = self.state.clone();
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.clear();
        self.inner.bench_started(&result.id);
        self.inner.bench_finished(result);
        if let Some((_, since)) = s.current.take() {
            s.finished_time += since.elapsed();
        }
        s.done += 1;
        // The next `bench_started` draws the line again; `finish` leaves it cleared.
    }

    fn finish(&mut self, results: &[BenchResult], summary: &RunSummary, elapsed: Duration) {
        self.stop_ticker();
        self.state().clear();
        self.inner.finish(results, summary, elapsed);
    }
}

impl Drop for ProgressReporter {
    fn drop(&mut self) {
        self.stop_ticker();
        self.state().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_position_id_elapsed_and_time_left() {
        let s = Duration::from_secs;
        assert_eq!(
            line(
                11,
                61,
                Some("crypto::ml_kem::keygen"),
                s(14),
                Some(s(40)),
                200
            ),
            "[12/61] crypto::ml_kem::keygen  0:14 elapsed, ~0:40 left"
        );
        assert_eq!(line(0, 3, None, s(0), None, 200), "[0/3]  0:00 elapsed");
        assert_eq!(
            line(2, 3, Some("x"), s(3725), None, 200),
            "[3/3] x  1:02:05 elapsed"
        );
        assert_eq!(line(1, 9, Some("abcdef"), s(1), None, 10), "[2/9] abcd");
        assert_eq!(
            line(0, 1, Some("a\u{1b}]0;t\u{7}"), s(0), None, 200),
            "[1/1] a\\u{1b}]0;t\\u{7}  0:00 elapsed"
        );
    }

    #[test]
    fn the_estimate_uses_the_mean_of_finished_benchmarks() {
        let s = Duration::from_secs;
        assert_eq!(estimate(0, 10, s(0), s(5)), None);
        assert_eq!(estimate(2, 10, s(4), s(0)), Some(s(16)));
        assert_eq!(estimate(2, 10, s(4), s(1)), Some(s(15)));
        assert_eq!(estimate(10, 10, s(4), s(1)), Some(s(0)));
    }

    /// Records the calls it gets.
    struct Recorder(std::rc::Rc<std::cell::RefCell<Vec<String>>>);

    impl Reporter for Recorder {
        fn start(&mut self, info: &StartInfo) {
            self.0
                .borrow_mut()
                .push(format!("start {}", info.ids.len()));
        }
        fn bench_started(&mut self, id: &str) {
            self.0.borrow_mut().push(format!("started {id}"));
        }
        fn bench_finished(&mut self, result: &BenchResult) {
            self.0.borrow_mut().push(format!("finished {}", result.id));
        }
        fn finish(&mut self, results: &[BenchResult], _: &RunSummary, _: Duration) {
            self.0
                .borrow_mut()
                .push(format!("finish {}", results.len()));
        }
    }

    #[test]
    fn the_wrapped_reporter_gets_each_result_line_whole() {
        // The progress line itself goes to the process's stderr: what is checked here is what
        // the wrapped reporter is told, and when.
        let report = crate::report::tests::run("run-faults");
        let calls = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut progress = ProgressReporter::new(Box::new(Recorder(calls.clone())));
        let ids: Vec<String> = report.benchmarks.iter().map(|r| r.id.clone()).collect();
        progress.start(&StartInfo {
            ids: &ids,
            ignored: &[],
            precision_ns: 20.0,
            overhead_ns: 23.0,
        });
        let mut expected = vec![format!("start {}", ids.len())];
        for r in &report.benchmarks {
            progress.bench_started(&r.id);
            assert_eq!(*calls.borrow(), expected, "held back while {} runs", r.id);
            progress.bench_finished(r);
            expected.push(format!("started {}", r.id));
            expected.push(format!("finished {}", r.id));
            assert_eq!(*calls.borrow(), expected);
        }
        progress.finish(&report.benchmarks, &report.summary, Duration::ZERO);
        expected.push(format!("finish {}", ids.len()));
        assert_eq!(*calls.borrow(), expected);
    }
}
