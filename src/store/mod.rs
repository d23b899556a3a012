//! Files: the versioned run report, where files live, and atomic writes.

pub mod atomic;
pub mod baseline;
pub mod metrics;
pub mod paths;
pub mod process;
pub mod progress;
pub mod report;
pub mod spool;
pub mod validate;

pub use report::{BenchResult, RunReport, SCHEMA_ID, Status};
