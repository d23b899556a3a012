//! What can go wrong before or after measuring, as values: each variant carries what a
//! caller needs (the file, the name) and the text shown to the user, and maps to an exit
//! status in one place ([`Error::status`]), never by matching on the text.

use crate::config::ConfigError;
use crate::exit::ExitStatus;
use std::fmt;
use std::path::PathBuf;

/// An error that stops a command or a run.
#[derive(Debug)]
pub enum Error {
    /// A file that cannot be read: it does not exist, is not a regular file, is too large,
    /// or the system refused.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What happened, naming the file.
        message: String,
    },
    /// A file that was read but is not a valid document: not JSON, another schema, or a bad
    /// value.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the file and the field.
        message: String,
    },
    /// `--baseline NAME` (or a command's baseline argument) names no saved baseline of the
    /// bench target.
    MissingBaseline {
        /// The baseline's name.
        name: String,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// A file that cannot be written; whatever was there before is unchanged.
    Write {
        /// The file.
        path: PathBuf,
        /// What happened, naming the file.
        message: String,
    },
    /// The history cannot be used (another program's file, a newer schema, locked).
    History {
        /// The history file.
        path: PathBuf,
        /// What is wrong, naming the file.
        message: String,
    },
    /// The history server cannot be used: it is down, refuses the login, has a newer schema,
    /// or a query failed.
    HistoryServer {
        /// The server's URL without its password.
        url: String,
        /// What is wrong, naming the server.
        message: String,
    },
    /// A flag, an environment variable, a benchmark attribute or a setting with a bad value.
    Setting {
        /// What the user must change, naming the flag, variable or key and what was expected.
        message: String,
    },
    /// The configuration file is unreadable or has a bad key or value.
    Config(ConfigError),
    /// A tool the run needs cannot be used (valgrind, cargo).
    Tool {
        /// What happened.
        message: String,
    },
    /// A bench binary started as an A/B worker could not be started, or broke the protocol.
    Worker {
        /// What happened, naming the binary.
        message: String,
    },
    /// A system call that failed outside any file the user named (a socket, a temporary
    /// directory).
    Io {
        /// What could not be done, and the system's error.
        message: String,
    },
}

impl Error {
    /// The exit status of a run or command that stops on this error. Every kind is the
    /// caller's to fix, so all are usage errors (2) today; a kind that should end otherwise
    /// changes here and nowhere else.
    pub fn status(&self) -> ExitStatus {
        match self {
            Error::Unreadable { .. }
            | Error::Corrupt { .. }
            | Error::MissingBaseline { .. }
            | Error::Write { .. }
            | Error::History { .. }
            | Error::HistoryServer { .. }
            | Error::Setting { .. }
            | Error::Config(_)
            | Error::Tool { .. }
            | Error::Worker { .. }
            | Error::Io { .. } => ExitStatus::Usage,
        }
    }

    /// The same error with `context` (e.g. `baseline `main``) in front of its text. A
    /// missing baseline and a config error keep their own texts, which already say where.
    pub fn context(mut self, context: &str) -> Error {
        if let Some(message) = self.message_mut() {
            *message = format!("{context}: {message}");
        }
        self
    }

    /// The text of the variants that carry one.
    fn message_mut(&mut self) -> Option<&mut String> {
        match self {
            Error::Unreadable { message, .. }
            | Error::Corrupt { message, .. }
            | Error::Write { message, .. }
            | Error::History { message, .. }
            | Error::HistoryServer { message, .. }
            | Error::Setting { message }
            | Error::Tool { message }
            | Error::Worker { message }
            | Error::Io { message } => Some(message),
            Error::MissingBaseline { .. } | Error::Config(_) => None,
        }
    }

    /// A bad setting, from a parser's message.
    pub fn setting(message: impl Into<String>) -> Error {
        Error::Setting {
            message: message.into(),
        }
    }

    /// A worker process that failed, from its message.
    pub fn worker(message: impl Into<String>) -> Error {
        Error::Worker {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unreadable { message, .. }
            | Error::Corrupt { message, .. }
            | Error::Write { message, .. }
            | Error::History { message, .. }
            | Error::HistoryServer { message, .. }
            | Error::Setting { message }
            | Error::Tool { message }
            | Error::Worker { message }
            | Error::Io { message } => f.write_str(message),
            Error::MissingBaseline { name, path } => write!(
                f,
                "baseline `{name}`: {} does not exist (save one with --save-baseline)",
                path.display()
            ),
            Error::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

/// A value that does not parse or is out of range (a duration, a percentage, a target, a
/// name): what was wrong and what was expected. Where the value came from is its caller's to
/// say: a flag's parser hands it to clap, a key of the configuration file wraps it in a
/// [`ConfigError`], anything else becomes [`Error::Setting`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue(String);

impl BadValue {
    /// A bad value, from what is wrong with it.
    pub fn new(message: impl Into<String>) -> BadValue {
        BadValue(message.into())
    }

    /// The same error with `context` (e.g. the option's name) in front of its text.
    pub fn context(self, context: &str) -> BadValue {
        BadValue(format!("{context}: {}", self.0))
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadValue {}

impl From<BadValue> for Error {
    fn from(e: BadValue) -> Self {
        Error::Setting { message: e.0 }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_goes_in_front_and_the_kind_stays() {
        let e = Error::Corrupt {
            path: "b.json".into(),
            message: "b.json is corrupt or truncated".into(),
        }
        .context("baseline `main`");
        assert!(matches!(e, Error::Corrupt { .. }));
        assert_eq!(
            e.to_string(),
            "baseline `main`: b.json is corrupt or truncated"
        );
        assert_eq!(e.status(), ExitStatus::Usage);
    }

    #[test]
    fn a_missing_baseline_says_how_to_make_one() {
        let e = Error::MissingBaseline {
            name: "main".into(),
            path: "h/baselines/main/crypto.json".into(),
        };
        assert_eq!(
            e.to_string(),
            "baseline `main`: h/baselines/main/crypto.json does not exist (save one with \
             --save-baseline)"
        );
    }
}
