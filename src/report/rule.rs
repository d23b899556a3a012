//! The verdict rules, worded once for every format: the baseline comparison's
//! ([`verdict_rule`]) and the A/B gate's ([`ab_rule`]). The rules themselves are applied in
//! `gate`; the reports only state them, from the facts the report recorded (an old report
//! keeps the alpha, family size and thresholds it was judged with).

use crate::schema::{AbReport, BaselineInfo};

/// The rule a comparison's verdicts were decided by, as facts and as plain text. The text
/// holds no user input; a caller still escapes it for its format (HTML, Markdown, terminal).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Benchmarks compared: the family Holm's correction runs over.
    pub compared: u64,
    /// Family-wise significance level.
    pub alpha: f64,
    /// The significance test in a few words:
    /// `Mann-Whitney U, Holm-corrected over 12 benchmarks at alpha 0.05`.
    pub significance: String,
    /// The whole rule, lower-case and without a full stop, to follow a format's own lead-in:
    /// `a change counts when it is significant (...), the whole 95% interval ... agrees`.
    pub sentence: String,
}

/// The rule that decided the verdicts of the comparison `info` describes.
pub fn verdict_rule(info: &BaselineInfo) -> Rule {
    let significance = format!(
        "Mann-Whitney U, Holm-corrected over {} benchmarks at alpha {}",
        info.compared, info.alpha
    );
    let sentence = format!(
        "a change counts when it is significant ({significance}), the whole 95% interval of \
         the fastest samples' change lies beyond the noise threshold, the median moved the same \
         way, and the second look agrees: a second measurement at the end of the run, or, \
         where the baseline kept its executable, a paired A/B run of this build against the \
         executable kept with the baseline, with the noise threshold as its margin, which then \
         decides the verdict in either direction, also for a benchmark whose median or fastest \
         samples moved by more than half the threshold"
    );
    Rule {
        compared: info.compared,
        alpha: info.alpha,
        significance,
        sentence,
    }
}

/// The rule an A/B comparison's verdicts were decided by, in two lengths. Plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct AbRule {
    /// The thresholds in a line:
    /// `margin 1.0%, must catch 2.0%, 95% one-sided bounds; regressions re-measured in fresh
    /// processes`.
    pub settings: String,
    /// The whole rule as a sentence, with its full stop.
    pub sentence: String,
}

/// The rule that decided the verdicts of the A/B comparison `report`.
pub fn ab_rule(report: &AbReport) -> AbRule {
    let t = &report.thresholds;
    let (margin, must_catch, confidence) =
        (100.0 * t.margin, 100.0 * t.must_catch, 100.0 * t.confidence);
    let (remeasured, confirmed) = if report.confirm {
        (
            "; regressions re-measured in fresh processes",
            ", confirmed in fresh processes",
        )
    } else {
        ("", "")
    };
    AbRule {
        settings: format!(
            "margin {margin:.1}%, must catch {must_catch:.1}%, {confidence:.0}% one-sided \
             bounds{remeasured}"
        ),
        sentence: format!(
            "Paired, interleaved runs of base and head; a regression is a slowdown whose \
             {confidence:.0}% lower bound exceeds {margin:.1}%{confirmed}; OK means any slowdown \
             is below {must_catch:.1}%."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::run;

    #[test]
    fn the_rule_names_every_condition_with_the_reports_facts() {
        let report = run("run-compare");
        let info = report.baseline.as_ref().unwrap();
        let rule = verdict_rule(info);
        assert_eq!((rule.compared, rule.alpha), (info.compared, info.alpha));
        assert!(rule.sentence.contains(&rule.significance));
        for part in [
            "Mann-Whitney U",
            "Holm-corrected",
            &format!("over {} benchmarks", info.compared),
            &format!("at alpha {}", info.alpha),
            "whole 95% interval of the fastest samples' change",
            "noise threshold",
            "median moved the same way",
            "paired A/B run of this build against the executable kept with the baseline",
            "a second measurement at the end of the run",
            "more than half the threshold",
        ] {
            assert!(
                rule.sentence.contains(part),
                "no {part:?} in {}",
                rule.sentence
            );
        }
        assert_eq!(
            crate::escape::markdown_cell(&rule.sentence),
            rule.sentence,
            "plain text a Markdown cell keeps as it is"
        );
    }

    #[test]
    fn the_ab_rule_names_its_thresholds_and_the_confirmation() {
        let mut report = crate::report::tests::ab();
        report.confirm = true;
        let rule = ab_rule(&report);
        let t = &report.thresholds;
        for part in [
            format!("{:.1}%", 100.0 * t.margin),
            format!("{:.1}%", 100.0 * t.must_catch),
            format!("{:.0}% ", 100.0 * t.confidence),
        ] {
            assert!(rule.settings.contains(&part), "{}", rule.settings);
            assert!(rule.sentence.contains(&part), "{}", rule.sentence);
        }
        assert!(rule.settings.contains("fresh processes"));
        assert!(rule.sentence.contains("confirmed in fresh processes"));
        report.confirm = false;
        let rule = ab_rule(&report);
        assert!(!rule.settings.contains("fresh") && !rule.sentence.contains("fresh"));
    }
}
