//! The JSON run report: to a file (atomically) or to stdout.

use crate::schema::RunReport;

/// Serializes `report` (pretty-printed, with a trailing newline).
pub fn render(report: &RunReport) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("a run report always serializes");
    bytes.push(b'\n');
    bytes
}

/// Writes `report` to `dest`: `-` is stdout, anything else a file written atomically.
pub fn write(report: &RunReport, dest: &str) -> Result<(), String> {
    super::files::emit(&render(report), dest, "JSON report")
}
