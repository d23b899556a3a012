//! The A/B worker protocol, `qudag-bench-ab/1`: how `qudag-bench ab` drives a bench binary.
//!
//! The controller starts the bench binary as `BIN --bench --qudag-bench-ab-worker [FILTER]
//! [--exact] [--skip P]...` with piped stdin and stdout. Commands are single lines on the
//! worker's stdin; every reply is a single line on its stdout that starts with [`MARKER`], so
//! anything the benchmark code itself prints to stdout is ignored (the marker may follow such
//! output on the same line).
//!
//! ```text
//! worker:     hello 1 ["id", ...]             the selected benchmarks (JSON array)
//! controller: open ID                         run benchmark ID up to its timing call
//! worker:     opened SAMPLE_NS ITER_NS        its calibrated loop overheads, or: failed TEXT
//! controller: sample N                        run one sample of N iterations
//! worker:     elapsed NS                      or: failed TEXT (the benchmark panicked)
//! controller: close                           leave the timing call, run the teardown
//! worker:     closed                          or: failed TEXT
//! controller: quit (or end of input)          the worker exits with 0
//! ```
//! With the environment variable [`CPU_ENV`] set to a CPU number, the worker runs
//! single-threaded benchmarks pinned to that CPU (the controller gives both workers of a round
//! the same one); benchmarks with `threads` run on every CPU the worker was allowed.
//!
//! The protocol owns the worker's stdin: a benchmark that reads stdin itself would take
//! commands meant for the worker (the controller then times out and reports it failed).
//!
//! A command the worker cannot take is answered with `failed TEXT`; after a failure inside a
//! benchmark the worker is ready for the next `open`.

use crate::error::Error;
use std::fmt;

/// Protocol version, the second word of `hello`.
pub const VERSION: u32 = 1;
/// The hidden harness flag that starts worker mode.
pub const WORKER_FLAG: &str = "--qudag-bench-ab-worker";
/// Environment variable naming the CPU a worker pins single-threaded benchmarks to.
pub const CPU_ENV: &str = "QUDAG_BENCH_AB_CPU";
/// Start of every reply line (an ASCII record separator, then a tag).
pub const MARKER: &str = "\u{1e}qbab ";

/// A line from the controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the benchmark with this id up to its timing call.
    Open(String),
    /// One sample of this many iterations.
    Sample(u64),
    /// Leave the timing call.
    Close,
    /// Exit.
    Quit,
}

/// A line from the worker (after the marker).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The worker's protocol version and its selected benchmark ids.
    Hello {
        /// Protocol version.
        version: u32,
        /// Selected benchmark ids.
        ids: Vec<String>,
    },
    /// The benchmark reached its timing call; its loop's calibrated overheads (ns).
    Opened {
        /// Subtracted once per sample.
        sample_ns: f64,
        /// Subtracted per iteration.
        iter_ns: f64,
    },
    /// One sample's elapsed time (ns).
    Elapsed(u64),
    /// The benchmark's teardown ran.
    Closed,
    /// The command failed; the text says why.
    Failed(String),
}

/// A line that breaks the protocol. The worker answers a bad command with `failed TEXT`; the
/// controller stops a worker that sends a bad reply ([`Error::Worker`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// `sample` without a positive integer: what followed it.
    BadSample(String),
    /// A command line the worker does not know.
    UnknownCommand(String),
    /// A reply (after the marker) that does not parse.
    MalformedReply(String),
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::BadSample(rest) => {
                write!(f, "`sample` needs a positive integer, got `{rest}`")
            }
            ProtocolError::UnknownCommand(line) => write!(f, "unknown command `{line}`"),
            ProtocolError::MalformedReply(body) => write!(f, "malformed worker reply `{body}`"),
        }
    }
}

impl std::error::Error for ProtocolError {}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Error::worker(e.to_string())
    }
}

impl Command {
    /// The command as a line (without the newline).
    pub fn to_line(&self) -> String {
        match self {
            Command::Open(id) => format!("open {id}"),
            Command::Sample(n) => format!("sample {n}"),
            Command::Close => "close".into(),
            Command::Quit => "quit".into(),
        }
    }

    /// Parses a command line.
    pub fn parse(line: &str) -> Result<Command, ProtocolError> {
        let line = line.trim_end_matches(['\r', '\n']);
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "open" if !rest.is_empty() => Ok(Command::Open(rest.to_string())),
            "sample" => rest
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .map(Command::Sample)
                .ok_or_else(|| ProtocolError::BadSample(rest.to_string())),
            "close" if rest.is_empty() => Ok(Command::Close),
            "quit" if rest.is_empty() => Ok(Command::Quit),
            _ => Err(ProtocolError::UnknownCommand(line.to_string())),
        }
    }
}

impl Reply {
    /// The reply as a line: marker included, newline not.
    pub fn to_line(&self) -> String {
        let body = match self {
            Reply::Hello { version, ids } => format!(
                "hello {version} {}",
                serde_json::to_string(ids).expect("a list of strings serializes")
            ),
            Reply::Opened { sample_ns, iter_ns } => format!("opened {sample_ns} {iter_ns}"),
            Reply::Elapsed(ns) => format!("elapsed {ns}"),
            Reply::Closed => "closed".into(),
            // One line: newlines in a panic message would end the reply early.
            Reply::Failed(text) => format!("failed {}", text.replace(['\n', '\r'], " / ")),
        };
        format!("{MARKER}{body}")
    }

    /// Finds and parses the reply in an output line; `None` when the line holds no marker
    /// (output of the benchmark itself).
    pub fn find(line: &str) -> Option<Result<Reply, ProtocolError>> {
        let at = line.find(MARKER)?;
        Some(Reply::parse_body(
            line[at + MARKER.len()..].trim_end_matches(['\r', '\n']),
        ))
    }

    fn parse_body(body: &str) -> Result<Reply, ProtocolError> {
        let (word, rest) = body.split_once(' ').unwrap_or((body, ""));
        let bad = || ProtocolError::MalformedReply(body.to_string());
        match word {
            "hello" => {
                let (version, ids) = rest.split_once(' ').ok_or_else(bad)?;
                Ok(Reply::Hello {
                    version: version.parse().map_err(|_| bad())?,
                    ids: serde_json::from_slice(ids.as_bytes()).map_err(|_| bad())?,
                })
            }
            "opened" => {
                let (a, b) = rest.split_once(' ').ok_or_else(bad)?;
                Ok(Reply::Opened {
                    sample_ns: a.parse().map_err(|_| bad())?,
                    iter_ns: b.parse().map_err(|_| bad())?,
                })
            }
            "elapsed" => rest.parse().map(Reply::Elapsed).map_err(|_| bad()),
            "closed" => Ok(Reply::Closed),
            "failed" => Ok(Reply::Failed(rest.to_string())),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_round_trip() {
        for c in [
            Command::Open("ml_kem::keygen/768".into()),
            Command::Sample(12_345),
            Command::Close,
            Command::Quit,
        ] {
            assert_eq!(Command::parse(&c.to_line()), Ok(c));
        }
        assert!(Command::parse("sample 0").is_err());
        assert!(Command::parse("sample x").is_err());
        assert!(Command::parse("open").is_err());
        assert!(Command::parse("explode").is_err());
    }

    #[test]
    fn replies_round_trip_and_survive_benchmark_output() {
        let replies = [
            Reply::Hello {
                version: 1,
                ids: vec!["a::b".into(), "c/1 2".into()],
            },
            Reply::Opened {
                sample_ns: 20.5,
                iter_ns: 0.27,
            },
            Reply::Elapsed(600_123),
            Reply::Closed,
            Reply::Failed("panicked: boom".into()),
        ];
        for r in replies {
            assert_eq!(Reply::find(&r.to_line()), Some(Ok(r.clone())));
            // A benchmark printed without a newline before the reply.
            let line = format!("progress: 50%{}", r.to_line());
            assert_eq!(Reply::find(&line), Some(Ok(r)));
        }
        assert_eq!(Reply::find("hello 1 [] from the benchmark"), None);
        assert!(matches!(
            Reply::find(&format!("{MARKER}elapsed soon")),
            Some(Err(_))
        ));
    }

    #[test]
    fn a_multi_line_failure_stays_one_line() {
        let line = Reply::Failed("panicked: a\nb".into()).to_line();
        assert!(!line.contains('\n'));
        assert_eq!(
            Reply::find(&line),
            Some(Ok(Reply::Failed("panicked: a / b".into())))
        );
    }
}
