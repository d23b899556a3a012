//! Every document qudag-bench writes to disk or to standard output, as serde types and nothing
//! else: the run report, the comparison with its verdicts, the A/B reports, the summary of a
//! `qudag-bench run`, the progress file and the recent medians. Measurement, analysis and gate code fill these
//! types; renderers and stores read them. Renaming a field here changes the on-disk format:
//! the JSON Schema files in `schema/` are generated from these types (`cargo run -p
//! schema-gen`), and a test fails when they differ from what the types generate.
//!
//! This module depends on serde only and is imported by everything else; it imports nothing
//! of the crate.

mod ab;
mod bench;
mod binary;
mod changes;
mod comparison;
pub mod criterion;
mod environment;
mod flat_read;
mod group;
mod metric;
mod notification;
mod progress;
mod recent;
mod run;
mod spool;
mod stats;
mod system;

#[cfg(feature = "json-schema")]
pub mod json_schema;

pub use ab::*;
pub use bench::*;
pub use binary::*;
pub use changes::*;
pub use comparison::*;
pub use environment::*;
pub use group::*;
pub use metric::*;
pub use notification::*;
pub use progress::*;
pub use recent::*;
pub use run::*;
pub use spool::*;
pub use stats::*;
pub use system::*;

/// The schema ids: the `schema` field of each document, versioned. A reader refuses an id it
/// does not know; a change that old readers would misread needs a new version.
pub mod ids {
    /// The run report of one bench target run ([`RunReport`](super::RunReport)).
    pub const RUN: &str = "qudag-bench/run/v1";
    /// The report of `qudag-bench ab` ([`AbReport`](super::AbReport)).
    pub const AB: &str = "qudag-bench/ab/v1";
    /// The report of `qudag-bench ab --instructions` ([`InstrReport`](super::InstrReport)).
    pub const AB_INSTRUCTIONS: &str = "qudag-bench/ab-instructions/v1";
    /// The summary of one `qudag-bench run` ([`GroupDocument`](super::GroupDocument)).
    pub const GROUP: &str = "qudag-bench/group/v1";
    /// The progress file of a bench target run ([`Progress`](super::Progress)).
    pub const PROGRESS: &str = "qudag-bench/progress/v1";
    /// A run spooled for the history ([`Spooled`](super::Spooled)).
    pub const SPOOL: &str = "qudag-bench/spool/v1";
    /// The recent medians of a bench target ([`RecentMedians`](super::RecentMedians)).
    pub const RECENT: &str = "qudag-bench/recent/v1";
    /// The level changes in the history ([`ChangeReport`](super::ChangeReport)).
    pub const CHANGES: &str = "qudag-bench/changes/v1";
    /// A webhook notification ([`Notification`](super::Notification)).
    pub const NOTIFICATION: &str = "qudag-bench/notification/v1";
}
