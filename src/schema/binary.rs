//! The bench executable kept with a baseline (`--save-baseline NAME`), so that a later
//! `--baseline NAME --gate` can confirm a flagged benchmark by a paired A/B run against the
//! very build that measured the baseline (docs/gating.md).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A bench executable kept in a baseline's directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct KeptBinary {
    /// `sha256:` and the executable's SHA-256 in hex (what `sha256sum` prints): the kept
    /// file's name, and checked again before the file is run.
    pub digest: String,
    /// The kept file, relative to the baseline's directory (`bin/sha256-HEX`), so that the
    /// directory still works when copied elsewhere (a CI cache restored into another home).
    pub file: String,
    /// Its size in bytes.
    pub size: u64,
    /// The platform it was built for, `ARCH-OS` as Rust names them (`x86_64-linux`).
    pub platform: String,
    /// The A/B worker protocol version it speaks.
    pub protocol: u32,
    /// The working directory cargo ran it in: the bench target's package directory.
    pub package_dir: String,
    /// Where the executable was, relative to `package_dir`
    /// (`../target/release/deps/crypto-0123abcd`).
    pub exe_relative: String,
    /// The `CARGO*` variables cargo gave it (`CARGO_MANIFEST_DIR`, `CARGO_PKG_NAME`, ...).
    /// `qudag-bench ab --base baseline:NAME` runs both sides with them, as cargo would.
    pub cargo_env: BTreeMap<String, String>,
}
