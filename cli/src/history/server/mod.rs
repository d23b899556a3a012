//! The history in a PostgreSQL server, shared by every CI runner of a team: the same tables
//! as the SQLite file, in a schema of their own (`qudag_bench`) so that they sit beside other
//! programs' tables, migrated under an advisory lock, each run written in one transaction.
//! The connection takes a `postgres://` URL as the `postgres` crate documents it; a password
//! comes from the URL, `PGPASSWORD` or a `.pgpass` file, and is never printed or stored; TLS
//! follows the URL's `sslmode` ([`tls`]).

mod password;
mod read;
mod schema;
mod tls;
mod write;

pub use read::{latest_durations, list, load_run_states, trends};
pub use schema::open;
pub use write::store;

use qudag_bench::error::{BadValue, Error};
use std::str::FromStr;
use std::time::Duration;

/// How long connecting may take before the server counts as down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL history: where it is and how to log in.
#[derive(Clone)]
pub struct Server {
    config: postgres::Config,
    shown: String,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Server {
    /// The server of a `postgres://` or `postgresql://` URL. A password missing from the URL
    /// is taken from `PGPASSWORD`, else from the `.pgpass` file (`PGPASSFILE`, else
    /// `~/.pgpass`), as libpq does.
    pub fn parse(url: &str) -> Result<Server, BadValue> {
        let mut config = postgres::Config::from_str(url).map_err(|e| {
            // The parser's message never holds the URL; the URL may hold a password.
            BadValue::new(format!(
                "not a PostgreSQL URL ({e}): expected postgres://USER@HOST:PORT/DATABASE"
            ))
        })?;
        let shown = shown(&config);
        if config.get_password().is_none()
            && let Some(password) = password::find(&config)
        {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("qudag-bench");
        Ok(Server { config, shown })
    }

    /// The URL without its password, for messages.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A connection, over TLS when the URL's `sslmode` asks for it (`require`) or allows it
    /// and the server offers it (`prefer`, the default). A server that is down, refuses the
    /// login, or whose certificate cannot be verified is an error saying so.
    pub fn connect(&self) -> Result<postgres::Client, Error> {
        let tls = tls::connector().map_err(|message| self.refuse(message))?;
        self.config
            .connect(tls)
            .map_err(|e| self.error(&e, "cannot connect to"))
    }

    /// The error `e` of something done on the server, in words that say the cause.
    pub fn error(&self, e: &postgres::Error, doing: &str) -> Error {
        Error::HistoryServer {
            url: self.shown.clone(),
            message: format!("{doing} the history {}: {}", self.shown, words(e)),
        }
    }

    /// An error about the history's contents (a newer schema, a missing run).
    pub fn refuse(&self, message: String) -> Error {
        Error::HistoryServer {
            url: self.shown.clone(),
            message,
        }
    }
}

/// `postgres://user@host:port/db` of `config`, without the password.
fn shown(config: &postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                postgres::config::Host::Tcp(name) => name.clone(),
                postgres::config::Host::Unix(dir) => dir.display().to_string(),
            };
            let port = config.get_ports().get(i).or(config.get_ports().first());
            port.map_or(name.clone(), |p| format!("{name}:{p}"))
        })
        .collect();
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{db}", hosts.join(","))
}

/// What went wrong, in words: the server's own message for what it refused, the system's for
/// a connection that failed.
fn words(e: &postgres::Error) -> String {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let hint = match db.code() {
            c if *c == SqlState::INVALID_PASSWORD
                || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                " (the login was refused: check the user and the password in the URL, \
                 PGPASSWORD or .pgpass)"
            }
            c if *c == SqlState::INVALID_CATALOG_NAME => " (create the database first)",
            c if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                " (the user needs the right to create a schema, or the tables made already)"
            }
            _ => "",
        };
        return format!("{}{hint}", db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    if text.contains("Connection refused") {
        text.push_str(" (is the server running, on that host and port?)");
    }
    if text.contains("invalid peer certificate") {
        text.push_str(
            " (the server's certificate is not signed by a known authority: set PGSSLROOTCERT \
             to the file of its CA certificate)",
        );
    }
    text
}

/// Whether `value` names a PostgreSQL server rather than a file.
pub fn is_url(value: &str) -> bool {
    ["postgres://", "postgresql://"].iter().any(|scheme| {
        value.len() >= scheme.len() && value[..scheme.len()].eq_ignore_ascii_case(scheme)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_shown_without_its_password() {
        let server = Server::parse("postgres://ci:s3cret@db.example:6543/bench").unwrap();
        assert_eq!(server.shown(), "postgres://ci@db.example:6543/bench");
        assert!(!format!("{server:?}").contains("s3cret"));
        let e = Server::parse("postgres://ci:s3cret@db.example:notaport/bench").unwrap_err();
        assert!(!e.to_string().contains("s3cret"), "{e}");
        assert!(is_url("PostgreSQL://x/y") && !is_url("history.sqlite"));
    }
}
