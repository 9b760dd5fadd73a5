//! The library's error type. Each variant carries the file, URL or store it concerns; the CLI
//! turns it into a message and an exit code.

use crate::config::ConfigError;
use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// No source could be fetched: every one polled failed and the rest are resting after
    /// failures. The network is probably down; `outage` says since when.
    #[error(
        "nothing could be fetched: all {sources} sources failed or are resting after failures (the first: {example}); {outage}"
    )]
    NothingFetched {
        sources: usize,
        example: String,
        outage: String,
    },
    /// A run stopped by a signal; the message is its one-line summary.
    #[error("{summary}")]
    Interrupted { signal: Signal, summary: String },
    /// Bad command-line input that clap could not catch (an unknown article id, a bad date).
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

/// The process exit codes DESIGN.md promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    Fatal = 1,
    Usage = 2,
    NothingFetched = 3,
    Locked = 4,
    /// 128 + SIGINT (2), as shells report a process Ctrl-C ended.
    Interrupted = 130,
    /// 128 + SIGTERM (15).
    Terminated = 143,
}

/// The signals a run stops cleanly on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Ctrl-C.
    Interrupt,
    /// `kill`, `systemctl stop`, a shutdown.
    Terminate,
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        })
    }
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Config(_) | Error::Usage(_) => ExitCode::Usage,
            Error::Store(StoreError::Locked(_)) => ExitCode::Locked,
            Error::NothingFetched { .. } => ExitCode::NothingFetched,
            Error::Interrupted {
                signal: Signal::Interrupt,
                ..
            } => ExitCode::Interrupted,
            Error::Interrupted {
                signal: Signal::Terminate,
                ..
            } => ExitCode::Terminated,
            Error::Store(_) | Error::Io { .. } | Error::Other(_) => ExitCode::Fatal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
