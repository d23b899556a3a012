//! What a bench binary in A/B worker mode and the `qudag-bench ab` controller say to each other.
//! The controller (which starts worker processes, alternates them sample by sample and counts
//! instructions) is in the command's package, `cli/src/paired`: a user's bench build carries
//! only the worker's side (`harness::ab_mode`) and this protocol.

pub mod protocol;
