//! Files: the versioned run report, where files live, and atomic writes.

pub mod atomic;
pub mod baseline;
pub mod document;
pub mod kept_binary;
pub mod merge;
pub mod paths;
pub mod process;
pub mod progress;
pub mod recent;
pub mod spool;
pub mod validate;
