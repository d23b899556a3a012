//! The JSON run report: to a file (atomically) or to stdout.

use crate::store::{RunReport, atomic};
use std::io::Write;
use std::path::Path;

/// Serializes `report` (pretty-printed, with a trailing newline).
pub fn render(report: &RunReport) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("a run report always serializes");
    bytes.push(b'\n');
    bytes
}

/// Writes `report` to `dest`: `-` is stdout, anything else a file written atomically.
pub fn write(report: &RunReport, dest: &str) -> Result<(), String> {
    let bytes = render(report);
    if dest == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(&bytes)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write the JSON report to stdout: {e}"))
    } else {
        atomic::write(Path::new(dest), &bytes)
    }
}
