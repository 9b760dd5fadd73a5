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
    /// Every source failed: the network is probably down.
    #[error("nothing could be fetched: all {sources} sources failed (the first: {example})")]
    NothingFetched { sources: usize, example: String },
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
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Config(_) | Error::Usage(_) => ExitCode::Usage,
            Error::Store(StoreError::Locked(_)) => ExitCode::Locked,
            Error::NothingFetched { .. } => ExitCode::NothingFetched,
            Error::Store(_) | Error::Io { .. } | Error::Other(_) => ExitCode::Fatal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
