//! Verdicts against a baseline, and the gate that turns regressions and missed targets into
//! exit code 3.

pub mod compare;
