//! The home directory of a `qudag-bench` command, resolved by
//! [`qudag_bench::store::paths::resolve_home`] when the command first needs it: `compare` of
//! two report files or `ab` need none, so they work outside any cargo workspace.

use qudag_bench::error::Error;
use qudag_bench::store::paths::{self, Fallback, HomeError};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `--home`, and the home it resolves to once asked.
pub struct Home {
    flag: Option<PathBuf>,
    history: Option<String>,
    resolved: OnceLock<Result<PathBuf, HomeError>>,
}

impl Home {
    /// The home given by `--home` (if any) or found from the current directory.
    pub fn new(flag: Option<PathBuf>, history: Option<String>) -> Home {
        Home {
            flag,
            history,
            resolved: OnceLock::new(),
        }
    }

    /// The home directory: `--home`, `$QUDAG_BENCH_HOME`, or the target directory of the
    /// cargo workspace around the current directory plus `qudag-bench`.
    pub fn get(&self) -> Result<&Path, &HomeError> {
        self.resolved
            .get_or_init(|| paths::resolve_home(self.flag.as_deref(), Fallback::Workspace(None)))
            .as_ref()
            .map(PathBuf::as_path)
    }

    /// [`Home::get`] for a command that cannot go on without a home: no home is a setting to
    /// give ([`Error::Setting`]: `--home` or the variable).
    pub fn dir(&self) -> Result<&Path, Error> {
        self.get().map_err(|e| e.clone().into())
    }

    /// The history: `--history` (or `QUDAG_BENCH_HISTORY`), else the file in the home.
    pub fn history(&self) -> Result<crate::history::Location, Error> {
        match &self.history {
            Some(flag) => crate::history::resolve(Some(flag), None),
            None => crate::history::resolve(None, Some(self.dir()?)),
        }
    }

    /// `--history` (or `QUDAG_BENCH_HISTORY`), as given.
    pub fn history_flag(&self) -> Option<&str> {
        self.history.as_deref()
    }
}
