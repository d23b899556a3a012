//! criterion's command-line flags, turned into the harness's. Flags with a qudag-bench
//! meaning become that flag (`--sample-size` is `--samples`, `--noise-threshold 0.05` is
//! `--noise-threshold 5`); flags about plots are dropped; the rest are dropped with a note
//! saying why. Everything else (FILTER, `--exact`, `--list`, the harness's own flags) passes
//! through unchanged.

use std::ffi::OsString;

/// What becomes of one criterion flag.
enum Rule {
    /// The harness's flag of this name, with the same value.
    Rename(&'static str),
    /// `--noise-threshold`: criterion's fraction as the harness's percent.
    Fraction,
    /// Dropped without a word (plots); `true` if it takes a value.
    Silent(bool),
    /// Dropped with this note; `true` if it takes a value.
    Noted(bool, &'static str),
    /// `--profile-time SECS`: measure each benchmark for SECS.
    ProfileTime,
    /// `--baseline-lenient NAME`: `--baseline NAME` if that baseline exists.
    Lenient,
}

/// The harness's arguments, and what to tell the user.
#[derive(Debug, Default)]
pub struct Translated {
    /// The arguments for the harness.
    pub args: Vec<OsString>,
    /// Notes to print.
    pub notes: Vec<String>,
    /// The baseline of `--baseline-lenient`, passed on as `--baseline` only if it exists.
    pub lenient: Option<OsString>,
}

/// criterion 0.5's flags that differ from the harness's (the same-named ones, such as
/// `--save-baseline`, `--baseline`, `--load-baseline`, `--quick`, `--list`, `--exact`,
/// `--format`, `--color`, `--output-format`, need nothing).
fn rule(flag: &str) -> Option<Rule> {
    Some(match flag {
        "-s" => Rule::Rename("--save-baseline"),
        "-b" => Rule::Rename("--baseline"),
        "--baseline-lenient" => Rule::Lenient,
        "--sample-size" => Rule::Rename("--samples"),
        "--warm-up-time" => Rule::Rename("--warmup-time"),
        "--measurement-time" => Rule::Rename("--measure-time"),
        "-v" => Rule::Rename("--verbose"),
        "-c" => Rule::Rename("--color"),
        "--noise-threshold" => Rule::Fraction,
        "-n" | "--noplot" => Rule::Silent(false),
        "--plotting-backend" => Rule::Silent(true),
        "--nresamples" => Rule::Noted(true, "qudag-bench's bootstrap sets its own resample count"),
        "--confidence-level" => Rule::Noted(true, "qudag-bench's intervals are 95%"),
        "--significance-level" => Rule::Noted(true, "qudag-bench's comparisons test at 5%"),
        "--discard-baseline" => Rule::Noted(
            false,
            "qudag-bench keeps no implicit baseline; it saves one only with --save-baseline",
        ),
        "--profile-time" => Rule::ProfileTime,
        _ => return None,
    })
}

/// The harness's arguments for criterion-style `args` (the first is the program name).
pub fn translate(args: Vec<OsString>) -> Translated {
    let mut t = Translated::default();
    let mut rest = args.into_iter();
    t.args.extend(rest.next());
    while let Some(arg) = rest.next() {
        if arg == "--" {
            t.args.push(arg);
            t.args.extend(rest.by_ref());
            break;
        }
        let text = arg.to_string_lossy().into_owned();
        let (flag, inline) = match text.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f.to_string(), Some(OsString::from(v))),
            _ => (text.clone(), None),
        };
        let Some(rule) = rule(&flag) else {
            t.args.push(arg);
            continue;
        };
        let takes_value = !matches!(rule, Rule::Silent(false) | Rule::Noted(false, _));
        let value = if takes_value {
            inline.or_else(|| rest.next())
        } else {
            None
        };
        if matches!(rule, Rule::Lenient) {
            t.lenient = value;
            continue;
        }
        apply(rule, &flag, value, &mut t.args, &mut t.notes);
    }
    t
}

/// Appends what `rule` makes of `flag value` to `out`.
fn apply(
    rule: Rule,
    flag: &str,
    value: Option<OsString>,
    out: &mut Vec<OsString>,
    notes: &mut Vec<String>,
) {
    let mut push = |name: &str, value: Option<OsString>| {
        out.push(name.into());
        out.extend(value);
    };
    match rule {
        Rule::Rename(name) => push(name, value),
        Rule::Fraction => push("--noise-threshold", value.map(|v| percent(&v))),
        Rule::Silent(_) | Rule::Lenient => {}
        Rule::Noted(_, why) => notes.push(format!("note: {flag} is accepted and not used: {why}")),
        Rule::ProfileTime => {
            notes.push(format!(
                "note: {flag}: each benchmark is measured for that long (qudag-bench's \
                 --measure-time) and reported as usual"
            ));
            push("--measure-time", value);
        }
    }
}

/// criterion's fraction (`0.05`) as a percent (`5`); a value that is not a number is passed
/// on as it is, for the harness to refuse with its own message.
fn percent(value: &std::ffi::OsStr) -> OsString {
    match value.to_str().and_then(|v| v.parse::<f64>().ok()) {
        Some(fraction) => OsString::from(format!("{}", fraction * 100.0)),
        None => value.to_os_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (Vec<String>, Vec<String>) {
        let t = translate(args.iter().map(OsString::from).collect());
        let out = t
            .args
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect();
        (out, t.notes)
    }

    #[test]
    fn a_lenient_baseline_is_set_aside_for_the_existence_check() {
        let t = translate(
            ["b", "--baseline-lenient", "main", "x"]
                .map(OsString::from)
                .into(),
        );
        assert_eq!(t.args, ["b", "x"]);
        assert_eq!(t.lenient.as_deref(), Some("main".as_ref()));
    }

    #[test]
    fn criterion_flags_become_the_harness_flags() {
        let (out, notes) = run(&[
            "bench",
            "--bench",
            "--sample-size",
            "20",
            "--warm-up-time=0.5",
            "--measurement-time",
            "2",
            "--noise-threshold",
            "0.05",
            "-b",
            "main",
            "--noplot",
            "sign",
        ]);
        assert_eq!(
            out,
            [
                "bench",
                "--bench",
                "--samples",
                "20",
                "--warmup-time",
                "0.5",
                "--measure-time",
                "2",
                "--noise-threshold",
                "5",
                "--baseline",
                "main",
                "sign"
            ]
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn flags_without_a_meaning_here_are_dropped_with_a_note() {
        let (out, notes) = run(&["bench", "--nresamples", "1000", "--discard-baseline", "x"]);
        assert_eq!(out, ["bench", "x"]);
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("--nresamples"), "{notes:?}");
    }

    #[test]
    fn everything_after_a_double_dash_passes_unchanged() {
        let (out, _) = run(&["bench", "--", "--sample-size", "3"]);
        assert_eq!(out, ["bench", "--", "--sample-size", "3"]);
    }

    #[test]
    fn a_threshold_that_is_not_a_number_is_left_for_the_harness_to_refuse() {
        let (out, _) = run(&["bench", "--noise-threshold", "lots"]);
        assert_eq!(out, ["bench", "--noise-threshold", "lots"]);
    }
}
