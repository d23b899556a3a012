//! Deterministic instruction counts with valgrind's callgrind. The bench binary runs itself
//! under callgrind in a worker mode that calls one benchmark's timed loop once with a given
//! number of iterations; collection is limited to the timed loops (`timed_loop_*`). Two runs
//! with N and 2N iterations are differenced, which removes the fixed cost of the set-up and of
//! entering the loop: what remains is the instructions of N iterations.

use crate::error::Error;
use crate::schema::InstructionCount;
use std::path::Path;
use std::process::Command;

/// The worker flag (hidden from `--help`).
pub const WORKER_FLAG: &str = "--qudag-bench-worker-iters";

/// Callgrind collects only inside functions matching this pattern.
pub const TOGGLE: &str = "--toggle-collect=*qudag_bench::measure::loops::timed_loop_*";

/// `valgrind --version`, or why valgrind cannot be run ([`Error::Tool`]).
pub fn valgrind_version() -> Result<String, Error> {
    match Command::new("valgrind").arg("--version").output() {
        Ok(out) if out.status.success() => {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        Ok(out) => Err(tool(format!(
            "`valgrind --version` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Err(e) => Err(tool(format!(
            "valgrind is not installed or not on PATH ({e}); install it, e.g. `apt-get install \
             valgrind`"
        ))),
    }
}

/// A valgrind failure.
fn tool(message: String) -> Error {
    Error::Tool { message }
}

/// Iterations for the first run: about 1 ms of native work (callgrind runs 50-100 times
/// slower), rounded to a power of two. Powers of two keep the count exact whatever the timing:
/// if the compiler unrolls the timed loop, both N and 2N are multiples of the unroll factor, so
/// no remainder iterations differ between the two runs, and a median that moves a little
/// between runs cannot change the result.
pub fn iterations_for(median_ns: f64) -> u64 {
    let target = (1e6 / median_ns.max(1.0)).clamp(1.0, 1_048_576.0);
    1u64 << target.log2().round() as u32
}

/// Counts benchmark `id` of the bench binary `exe` with `iterations` and twice as many.
pub fn count(exe: &Path, id: &str, iterations: u64, valgrind: &str) -> InstructionCount {
    let mut out = InstructionCount {
        per_iter: None,
        iterations,
        totals: Vec::new(),
        valgrind: valgrind.to_string(),
        error: None,
    };
    for n in [iterations, 2 * iterations] {
        match run_once(exe, id, n) {
            Ok(total) => out.totals.push(total),
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        }
    }
    out.per_iter = per_iteration(out.totals[0], out.totals[1], iterations);
    if out.per_iter.is_none() {
        out.error = Some(format!(
            "the run with {} iterations counted fewer instructions than the run with {iterations}",
            2 * iterations
        ));
    }
    out
}

/// `(twice - once) / iterations`, `None` if the difference is negative.
pub fn per_iteration(once: u64, twice: u64, iterations: u64) -> Option<f64> {
    (twice >= once && iterations > 0).then(|| (twice - once) as f64 / iterations as f64)
}

/// The instructions callgrind counted in `iterations` iterations of benchmark `id`; errors are
/// [`Error::Tool`], recorded in the report rather than stopping the run.
fn run_once(exe: &Path, id: &str, iterations: u64) -> Result<u64, Error> {
    let dir =
        ScratchDir::new().map_err(|e| tool(format!("cannot create a temporary directory: {e}")))?;
    let out_file = dir.0.join("callgrind.out");
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg("--collect-atstart=no")
        // Follow an exec: `exe` may be a wrapper script that sets up the binary's environment.
        .arg("--trace-children=yes")
        .arg(TOGGLE)
        .arg(exe)
        .args([
            "--bench",
            "--exact",
            id,
            "--include-ignored",
            WORKER_FLAG,
            &iterations.to_string(),
        ])
        .output()
        .map_err(|e| tool(format!("cannot run valgrind: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(tool(format!(
            "callgrind run with {iterations} iterations failed ({}): {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        )));
    }
    let text = std::fs::read_to_string(&out_file)
        .map_err(|e| tool(format!("cannot read {}: {e}", out_file.display())))?;
    parse_total(&text).ok_or_else(|| tool(format!("no `totals:` line in {}", out_file.display())))
}

/// A new directory under the system's temporary directory, removed with what it holds on drop.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new() -> std::io::Result<ScratchDir> {
        let base = std::env::temp_dir();
        let mut tries = 0;
        loop {
            let name = format!(
                "qudag-bench-callgrind-{}-{:016x}",
                std::process::id(),
                fastrand::u64(..)
            );
            match std::fs::create_dir(base.join(&name)) {
                Ok(()) => return Ok(ScratchDir(base.join(name))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 100 => {
                    tries += 1
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The instruction total of a callgrind output file (`totals:` or, failing that, `summary:`).
pub fn parse_total(text: &str) -> Option<u64> {
    let value = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    };
    value("totals:").or_else(|| value("summary:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_totals_and_differences() {
        let text = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nfn=(1) main\n5 10\nsummary: 1802610\ntotals: 1802610\n";
        assert_eq!(parse_total(text), Some(1_802_610));
        assert_eq!(parse_total("events: Ir\nsummary: 42\n"), Some(42));
        assert_eq!(parse_total("events: Ir\n"), None);
        assert_eq!(per_iteration(901_310, 1_802_610, 100), Some(9_013.0));
        assert_eq!(per_iteration(10, 5, 100), None);
    }

    #[test]
    fn about_a_millisecond_of_iterations() {
        assert_eq!(iterations_for(1_000.0), 1_024);
        assert_eq!(iterations_for(0.0), 1_048_576);
        assert_eq!(iterations_for(5e6), 1);
        assert_eq!(iterations_for(3_000.0), 256);
    }
}
