//! The exit statuses of a bench binary and of the `qudag-bench` command, and how several
//! combine: one place for the numbers and their order.

/// What a bench target or a `qudag-bench` command tells its caller. The discriminants are the
/// codes, so that even an `as` cast gives the right number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ExitStatus {
    /// 0: every benchmark ran, everything was written, and no gate failed.
    Success = 0,
    /// 2: a usage, configuration or input error (bad flag, unreadable or corrupt file), or a
    /// result that could not be written.
    Usage = 2,
    /// 3: a gate failed (a confirmed regression, or a missed performance target).
    GateFailed = 3,
    /// 101: a benchmark failed (panic, timeout), as libtest reports a failed test.
    BenchFailed = 101,
}

impl ExitStatus {
    /// Most important first: a failed benchmark outranks an error, which outranks a failed
    /// gate, so that 3 means that everything ran and was recorded and only the gate failed.
    pub const PRECEDENCE: [ExitStatus; 4] = [
        ExitStatus::BenchFailed,
        ExitStatus::Usage,
        ExitStatus::GateFailed,
        ExitStatus::Success,
    ];

    /// The process exit code.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The status of a documented exit code; `None` for any other code.
    pub fn from_code(code: i32) -> Option<ExitStatus> {
        Self::PRECEDENCE.into_iter().find(|s| s.code() == code)
    }

    /// The more important of two statuses (see [`PRECEDENCE`](Self::PRECEDENCE)).
    pub fn max(self, other: ExitStatus) -> ExitStatus {
        let rank = |s: ExitStatus| Self::PRECEDENCE.iter().position(|p| *p == s);
        if rank(self) <= rank(other) {
            self
        } else {
            other
        }
    }

    /// The status of several runs (the targets of `qudag-bench run`); a code that is not
    /// documented, or an end by a signal (`None`), counts as a failed benchmark.
    pub fn combine(codes: impl IntoIterator<Item = Option<i32>>) -> ExitStatus {
        codes
            .into_iter()
            .map(|c| {
                c.and_then(ExitStatus::from_code)
                    .unwrap_or(ExitStatus::BenchFailed)
            })
            .fold(ExitStatus::Success, ExitStatus::max)
    }

    /// What the status means, in a few words.
    pub fn meaning(self) -> &'static str {
        match self {
            ExitStatus::Success => "ok",
            ExitStatus::Usage => "usage, configuration or input error",
            ExitStatus::GateFailed => "the gate failed",
            ExitStatus::BenchFailed => "a benchmark failed",
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus::{self, *};

    #[test]
    fn codes_are_the_documented_ones_and_read_back() {
        assert_eq!(ExitStatus::PRECEDENCE.map(ExitStatus::code), [101, 2, 3, 0]);
        for s in ExitStatus::PRECEDENCE {
            assert_eq!(ExitStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ExitStatus::from_code(1), None);
    }

    #[test]
    fn a_failed_benchmark_outranks_an_error_which_outranks_the_gate() {
        assert_eq!(GateFailed.max(Usage), Usage);
        assert_eq!(Usage.max(BenchFailed), BenchFailed);
        assert_eq!(Success.max(GateFailed), GateFailed);
        assert_eq!(ExitStatus::combine([Some(0), Some(3), Some(0)]), GateFailed);
        assert_eq!(ExitStatus::combine([Some(3), Some(2)]), Usage);
        assert_eq!(ExitStatus::combine([Some(2), None]), BenchFailed);
        assert_eq!(ExitStatus::combine([Some(0), Some(7)]), BenchFailed);
        assert_eq!(ExitStatus::combine([]), Success);
    }
}
