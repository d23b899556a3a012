//! Importing the history spool: each run a bench binary spooled under
//! `$QUDAG_BENCH_HOME/history-spool/` goes into `history.sqlite` in one transaction, and its
//! spool file is deleted once the run is committed complete or interrupted. A run still in
//! flight is imported as far as it got and its file kept, to be imported again.

#[cfg(test)]
use super::path;
use super::recorder::{self, State};
use super::{needs_upgrade, open};
use qudag_bench::error::Error;
use qudag_bench::escape::TermLines;
use qudag_bench::schema::Spooled;
use qudag_bench::store::spool;
use std::path::Path;

/// Imports every spool file under `home` into the history there (creating or migrating it);
/// also migrates a history of an older qudag-bench when there is nothing to import. A spool
/// file that cannot be read is skipped with a warning naming it. Errors (the history cannot be
/// written, or is not a qudag-bench history) name the file.
#[cfg(test)]
pub fn import(home: &Path) -> Result<(), Error> {
    import_file(home, &path(home))
}

/// [`import`] into the history file `history`.
pub(super) fn import_file(home: &Path, history: &Path) -> Result<(), Error> {
    if spool::files(home)?.is_empty() && !needs_upgrade(history)? {
        return Ok(());
    }
    let mut conn = open(history)?;
    import_with(home, |doc, state| {
        recorder::store(&mut conn, history, doc, state)
    })
}

/// Imports every spool file under `home` with `store`, which writes one run in one
/// transaction and says whether it wrote it (false: the history holds it complete already).
/// A file is deleted once its run is stored complete or interrupted.
pub(super) fn import_with(
    home: &Path,
    mut store: impl FnMut(&Spooled, State) -> Result<bool, Error>,
) -> Result<(), Error> {
    let files = spool::files(home)?;
    let this_host = qudag_bench::measure::procfs::host_name();
    for file in files {
        let Some((doc, state)) = settle(&file, this_host.as_deref()) else {
            continue;
        };
        // A run the history holds complete already needs its file no more either.
        let written = store(&doc, state)?;
        if state == State::Interrupted && written {
            // For the bench target's next run, which says where the run went.
            let _ = std::fs::write(spool::imported_mark(home, &doc.report.run_id), b"");
        }
        if (state != State::Running || !written)
            && let Err(e) = std::fs::remove_file(&file)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!(
                "warning: cannot remove {}, imported into the history: {e}",
                file.display()
            );
        }
    }
    Ok(())
}

/// The spooled run at `file` and what it is now; `None` when it is gone (another command
/// imported it) or cannot be read (a warning says so).
fn settle(file: &Path, this_host: Option<&str>) -> Option<(Spooled, State)> {
    let read = |file: &Path| match spool::read(file) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!(
                "warning: the history spool: {}; skipped",
                TermLines(&e.to_string())
            );
            None
        }
    };
    let doc = read(file)?;
    if doc.report.incomplete.is_none() {
        return Some((doc, State::Complete));
    }
    if !doc.interrupted(this_host) {
        return Some((doc, State::Running));
    }
    // Its process is gone, so what the file holds now is final: read it again, since the run
    // may have finished between the first read and the look at its process.
    let doc = read(file)?;
    let state = match doc.report.incomplete {
        None => State::Complete,
        Some(_) => State::Interrupted,
    };
    Some((doc, state))
}
