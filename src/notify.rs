//! `--notify URL`: a [`Notification`] POSTed to a webhook as JSON when a gate fails (here, by
//! the harness) or the history shows a new level change (`qudag-bench run`). Sent with `curl`,
//! which CI runners have and which speaks HTTPS and proxies, so that bench binaries link no
//! HTTP or TLS stack (their build time is a measured cost: docs/build-time.md). Sending is
//! best effort: a webhook that cannot be reached is a warning, never a changed exit code. The
//! URL may hold a token (chat webhooks do), so no message shows it.

use crate::error::BadValue;
use crate::schema::{FailedGate, Notification, NotificationEvent, RunReport, ids};
use std::io::Write;
use std::process::{Command, Stdio};

/// How long one POST may take.
const TIMEOUT_SECS: &str = "10";

/// `--notify`'s value: an `http://` or `https://` URL.
pub fn check_url(value: &str) -> Result<String, BadValue> {
    let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    let ok = matches!(scheme.as_deref(), Some("http" | "https"))
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    match ok {
        true => Ok(value.to_string()),
        false => Err(BadValue::new(
            "expected an http:// or https:// URL without spaces",
        )),
    }
}

/// The notification of `report`'s failed gate; `None` when its gate did not fail.
pub fn gate_failed(report: &RunReport) -> Option<Notification> {
    let gate = report.gate.as_ref().filter(|g| g.failed)?;
    let env = &report.environment;
    let summary = format!(
        "qudag-bench: the gate failed for {} ({} reason(s)){}",
        report.bench_target,
        gate.reasons.len(),
        env.git
            .as_ref()
            .map(|g| format!(" at {}", g.commit.chars().take(10).collect::<String>()))
            .unwrap_or_default()
    );
    Some(Notification {
        schema: ids::NOTIFICATION.to_string(),
        event: NotificationEvent::GateFailed,
        summary,
        host: env.host.clone(),
        gate: Some(FailedGate {
            bench_target: report.bench_target.clone(),
            run_id: report.run_id.clone(),
            commit: env.git.as_ref().map(|g| g.commit.clone()),
            baseline: report.baseline.as_ref().map(|b| b.name.clone()),
            reasons: gate.reasons.clone(),
        }),
        changes: Vec::new(),
    })
}

/// POSTs `notification` to `url`; what went wrong, without the URL, if it was not delivered.
pub fn post(url: &str, notification: &Notification) -> Result<(), String> {
    // Pretty, like every document this crate writes: one JSON formatter compiled.
    let body = serde_json::to_vec_pretty(notification).expect("a notification serializes");
    let mut child = Command::new("curl")
        .args([
            "--silent",
            "--show-error",
            "--fail",
            "--proto",
            "=http,https",
        ])
        .args(["--max-time", TIMEOUT_SECS])
        .args(["--header", "Content-Type: application/json"])
        .args(["--data-binary", "@-", "--output", "/dev/null", "--url", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "curl is not installed".to_string(),
            _ => format!("cannot start curl: {e}"),
        })?;
    let written = child.stdin.take().map(|mut s| s.write_all(&body));
    let out = child.wait_with_output().map_err(|e| format!("curl: {e}"))?;
    if out.status.success() && !matches!(written, Some(Err(_))) {
        return Ok(());
    }
    // curl's message names the URL; only its error code is kept.
    Err(match out.status.code() {
        Some(22) => "the webhook answered with an HTTP error (curl exit 22)".to_string(),
        Some(28) => format!("the webhook did not answer within {TIMEOUT_SECS} s (curl exit 28)"),
        Some(6 | 7) => "cannot connect to the webhook (curl exit 6 or 7)".to_string(),
        Some(code) => format!("curl failed with exit code {code}"),
        None => "curl was killed".to_string(),
    })
}

/// [`post`], saying on stderr if it failed.
pub fn send(url: &str, notification: &Notification) {
    if let Err(e) = post(url, notification) {
        eprintln!(
            "warning: --notify: the {} notification was not sent: {e}",
            event_name(notification)
        );
    }
}

fn event_name(n: &Notification) -> &'static str {
    match n.event {
        NotificationEvent::GateFailed => "gate_failed",
        NotificationEvent::LevelChange => "level_change",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_without_spaces_are_taken() {
        assert!(check_url("https://hooks.example/T0/B1/xyz").is_ok());
        assert!(check_url("HTTP://127.0.0.1:8080/hook").is_ok());
        for bad in [
            "ftp://x/y",
            "127.0.0.1:8080",
            "http://a b/",
            "-o/etc/passwd",
            "",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_report_whose_gate_held_sends_nothing() {
        let mut report: RunReport =
            serde_json::from_str(include_str!("report/testdata/run-work.json")).unwrap();
        report.gate = None;
        assert!(gate_failed(&report).is_none());
        report.gate = Some(crate::schema::GateResult {
            failed: true,
            reasons: vec!["tunable regressed".into()],
        });
        let n = gate_failed(&report).unwrap();
        assert_eq!(n.gate.as_ref().unwrap().reasons, ["tunable regressed"]);
        assert!(
            n.summary.contains("the gate failed for work"),
            "{}",
            n.summary
        );
    }
}
