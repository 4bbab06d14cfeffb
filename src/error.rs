//! The top-level error type and the exit codes of DESIGN.md.

use std::path::PathBuf;

/// Process exit codes, as DESIGN.md defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything went as asked.
    Ok = 0,
    /// `check` found the update not ready, a send failed, or an operation
    /// was refused to protect the user's text.
    NotReady = 1,
    /// Bad usage or a bad config.
    Usage = 2,
}

/// Every failure a command can report. Each variant's message says what went
/// wrong and, where there is one, what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The config file could not be read or is invalid; the message is a full
    /// diagnostic naming the file, line and column.
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    /// An update document could not be used as it is; it was left untouched.
    #[error("{0}")]
    Doc(#[from] crate::doc::DocError),
    /// Exporting or sending failed.
    #[error("{0}")]
    Export(#[from] crate::export::ExportError),
    /// A file operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Wrong arguments that clap could not catch.
    #[error("{0}")]
    Usage(String),
    /// The command ran but the answer is "not ready" (exit 1).
    #[error("{0}")]
    NotReady(String),
}

impl Error {
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Config(_) | Error::Usage(_) => ExitCode::Usage,
            Error::Export(e) if e.is_config() => ExitCode::Usage,
            Error::Doc(_) | Error::Export(_) | Error::Io { .. } | Error::NotReady(_) => {
                ExitCode::NotReady
            }
        }
    }

    /// Shorthand for an [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
