//! Where the history is: the SQLite file in the home (the default), another file, or a
//! PostgreSQL server (`--history URL`, `QUDAG_BENCH_HISTORY`), and each query asked of
//! whichever it is.

use super::list::{Filter, Row, RunState};
use super::recorder::State;
use super::server::{self, Server};
use qudag_bench::error::{BadValue, Error};
use qudag_bench::report::trend::Trends;
use qudag_bench::schema::{RunReport, Spooled};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A history.
#[derive(Debug, Clone)]
pub enum Location {
    /// An SQLite file.
    File(PathBuf),
    /// A PostgreSQL server.
    Server(Box<Server>),
}

/// The history of a command: `--history` / `QUDAG_BENCH_HISTORY` (`flag`) if given, else the
/// file in `home`. A bad value is a setting error naming the flag, never echoing the value (a
/// URL may hold a password).
pub fn resolve(flag: Option<&str>, home: Option<&Path>) -> Result<Location, Error> {
    match (flag, home) {
        (Some(value), _) => Location::parse(value)
            .map_err(|e| Error::setting(format!("--history (or QUDAG_BENCH_HISTORY): {e}"))),
        (None, Some(home)) => Ok(Location::File(super::path(home))),
        (None, None) => Err(Error::setting(
            "no history: give --history URL (or QUDAG_BENCH_HISTORY), or a home with --home",
        )),
    }
}

impl Location {
    /// The history `value` names: a `postgres://` URL, `sqlite://PATH` or a path.
    pub fn parse(value: &str) -> Result<Location, BadValue> {
        if server::is_url(value) {
            return Server::parse(value).map(|s| Location::Server(Box::new(s)));
        }
        let path = value.strip_prefix("sqlite://").unwrap_or(value);
        match path.is_empty() {
            true => Err(BadValue::new(format!(
                "`{value}` names no history: expected postgres://USER@HOST:PORT/DATABASE, \
                 sqlite://PATH or a path"
            ))),
            false => Ok(Location::File(PathBuf::from(path))),
        }
    }

    /// The history for messages: its path, or its URL without the password.
    pub fn shown(&self) -> String {
        match self {
            Location::File(path) => path.display().to_string(),
            Location::Server(server) => server.shown().to_string(),
        }
    }

    /// Imports the runs spooled under `home` (see [`super::import`]); on a server, also checks
    /// that it can be used: down, a refused login or a newer schema is an error.
    pub fn import(&self, home: &Path) -> Result<(), Error> {
        match self {
            Location::File(path) => super::import::import_file(home, path),
            Location::Server(s) => {
                let mut client = server::open(s)?;
                super::import::import_with(home, |doc, state| {
                    server::store(&mut client, s, doc, state)
                })
            }
        }
    }

    /// Stores one spooled run (see [`super::recorder::store`]).
    pub fn store_all(&self, runs: &[(Spooled, State)]) -> Result<usize, Error> {
        let mut written = 0;
        match self {
            Location::File(path) => {
                let mut conn = super::open(path)?;
                for (doc, state) in runs {
                    written += usize::from(super::recorder::store(&mut conn, path, doc, *state)?);
                }
            }
            Location::Server(s) => {
                let mut client = server::open(s)?;
                for (doc, state) in runs {
                    written += usize::from(server::store(&mut client, s, doc, *state)?);
                }
            }
        }
        Ok(written)
    }

    /// Records the finished run `report`; false when the history holds it already.
    pub fn record(&self, report: &RunReport) -> Result<bool, Error> {
        match self {
            Location::File(path) => super::record(path, report),
            Location::Server(_) => {
                let doc = super::recorder::spooled(report);
                Ok(self.store_all(&[(doc, State::Complete)])? == 1)
            }
        }
    }

    /// The results `filter` selects, oldest run first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Row>, Error> {
        match self {
            Location::File(path) => super::list(path, filter),
            Location::Server(s) => server::list(&mut server::open(s)?, s, filter),
        }
    }

    /// The stored reports of run `run_id` (or a unique prefix) with their run's state.
    pub fn load_run_states(&self, run_id: &str) -> Result<Vec<(RunReport, RunState)>, Error> {
        match self {
            Location::File(path) => super::load_run_states(path, run_id),
            Location::Server(s) => {
                let rows = server::load_run_states(&mut server::open(s)?, s, run_id)?;
                let refuse = |message| s.refuse(message);
                super::decode_runs(rows, run_id, s.shown(), refuse, refuse)
            }
        }
    }

    /// The trend of every benchmark in `reports` (the last `limit` runs of each).
    pub fn trends(&self, reports: &[RunReport], limit: usize) -> Result<Trends, Error> {
        let s = match self {
            Location::File(path) => return super::trends(path, reports, limit),
            Location::Server(s) => s,
        };
        let mut client = server::open(s)?;
        let mut out = Trends::new();
        for report in reports {
            for b in &report.benchmarks {
                let points = server::trends(&mut client, s, &report.bench_target, &b.id, limit)?;
                out.insert((report.bench_target.clone(), b.id.clone()), points);
            }
        }
        Ok(out)
    }

    /// Wall time in seconds of each bench target's latest complete run.
    pub fn latest_durations(&self) -> Result<BTreeMap<String, f64>, Error> {
        match self {
            Location::File(path) => super::latest_durations(path),
            Location::Server(s) => server::latest_durations(&mut server::open(s)?, s),
        }
    }
}
