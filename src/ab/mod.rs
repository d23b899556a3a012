//! The A/B machinery: the worker protocol a bench binary speaks (`protocol`, served by
//! `harness::ab_mode`), and the controller that starts two builds as workers and alternates them
//! sample by sample (`worker`, `runner`, `paired`). `qudag-bench ab` and the stored-baseline
//! gate's confirmation (`--baseline NAME --gate` against the baseline's kept binary) both drive
//! it; the controller uses only std, so it costs a user's bench build little.

pub mod paired;
pub mod protocol;
pub mod runner;
pub mod worker;
