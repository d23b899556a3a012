//! The child's side of `--isolate` (`--qudag-bench-isolated ID`): measure one benchmark as
//! bench mode does and write its result as JSON to stdout, which nothing else may write to.

use super::super::bench_mode::measure_one;
use super::super::{exit_guard, preflight, stdout_guard};
use crate::cli::Cli;
use crate::config::Resolver;
use crate::exit::ExitStatus;
use crate::registry::Benchmark;
use crate::schema::Calibration;
use std::io::Write;

/// The calibration the parent passed ([`super::CALIBRATION_ENV`]), or this process's own
/// when there is none or it does not read.
fn parents_calibration() -> Calibration {
    std::env::var(super::CALIBRATION_ENV)
        .ok()
        // From bytes, like every document this crate reads (one deserializer type compiled).
        .and_then(|json| serde_json::from_slice(json.as_bytes()).ok())
        .unwrap_or_else(Calibration::measure)
}

/// Measures benchmark `id` of `benches` and writes its result; returns the exit code.
pub fn run(cli: &Cli, resolver: &Resolver, benches: &[Benchmark], id: &str) -> ExitStatus {
    exit_guard::pass_exit_codes_through();
    // Whatever the benchmark prints goes to stderr, which the parent captures.
    let mut out = match stdout_guard::redirect() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: --qudag-bench-isolated: cannot keep stdout for the result: {e}");
            return ExitStatus::Usage;
        }
    };
    let Some(bench) = benches.iter().find(|b| b.id == id) else {
        eprintln!("error: --qudag-bench-isolated: no benchmark has the id `{id}`");
        return ExitStatus::Usage;
    };
    let instruments = preflight::quiet_instruments(cli);
    let analyzed = measure_one(bench, resolver, parents_calibration(), instruments);
    let json = serde_json::to_vec_pretty(&analyzed.result).expect("a result serializes");
    match out.write_all(&json).and_then(|()| out.flush()) {
        Ok(()) => ExitStatus::Success,
        Err(e) => {
            eprintln!("error: --qudag-bench-isolated: cannot write the result: {e}");
            ExitStatus::Usage
        }
    }
}
