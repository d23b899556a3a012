//! The verdict rule of a baseline comparison, worded once for every format. The rule itself
//! is applied in `gate::compare`; the reports only state it, from the facts the run report
//! recorded (an old report keeps the alpha and family size it was judged with).

use crate::schema::BaselineInfo;

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
         way, and, where it was measured again at the end of the run, that second measurement \
         agrees"
    );
    Rule {
        compared: info.compared,
        alpha: info.alpha,
        significance,
        sentence,
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
            "measured again",
        ] {
            assert!(rule.sentence.contains(part), "no {part:?} in {}", rule.sentence);
        }
        assert_eq!(
            crate::escape::markdown_cell(&rule.sentence),
            rule.sentence,
            "plain text a Markdown cell keeps as it is"
        );
    }
}
