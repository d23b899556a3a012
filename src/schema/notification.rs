//! The webhook notification, `qudag-bench/notification/v1`: what `--notify URL` POSTs when a
//! gate fails (the harness) or the history shows a new level change (`qudag-bench run`).

use super::LevelChange;
use serde::{Deserialize, Serialize};

/// One notification: a failed gate or new level changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Notification {
    /// Always `qudag-bench/notification/v1`.
    pub schema: String,
    /// What happened.
    pub event: NotificationEvent,
    /// One line saying it, for a chat message.
    pub summary: String,
    /// The host it happened on, if known.
    pub host: Option<String>,
    /// The failed gate (`gate_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<FailedGate>,
    /// The new level changes (`level_change`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<LevelChange>,
}

/// The kind of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationEvent {
    /// A bench target's run failed its gate (exit code 3).
    GateFailed,
    /// The history shows level changes it did not show before the latest runs.
    LevelChange,
}

/// A run whose gate failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct FailedGate {
    /// The bench target.
    pub bench_target: String,
    /// The run's id.
    pub run_id: String,
    /// Its git commit, if known.
    pub commit: Option<String>,
    /// The baseline it was compared with, if any.
    pub baseline: Option<String>,
    /// Why it failed: one line per regression or missed target, as the report says.
    pub reasons: Vec<String>,
}
