//! `pickup db dump|restore|check`: back the store up as JSON Lines, restore it exactly, and
//! check it, saying how to recover a damaged one.

use super::output::print;
use crate::backup;
use crate::config::Config;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// What `pickup db` was asked for.
#[derive(Debug, Clone)]
pub enum DbArgs {
    /// Dump the config's store (`--store` names another, such as a damaged one's remains) to
    /// `output` (else standard output).
    Dump { output: Option<PathBuf> },
    /// Restore the dump in `input` into the config's store, which must be empty.
    Restore { input: PathBuf },
    /// Check the config's store.
    Check,
}

/// Runs one `pickup db` action.
///
/// # Errors
/// Store errors (a damaged store, locked by a run), a bad dump ([`Error::Usage`] naming its
/// file and line), and for `check`, a store found damaged ([`Error::Store`], exit 1).
pub fn db(config: &Config, args: &DbArgs) -> Result<(), Error> {
    match args {
        DbArgs::Dump { output } => {
            let path = &config.store.path;
            // A dump is also how what is left of a damaged store is saved: no witness check.
            let store = crate::store_guard::open_salvage(path)?;
            match output {
                Some(file) => {
                    let mut tmp = tempfile::NamedTempFile::new_in(
                        file.parent()
                            .filter(|p| !p.as_os_str().is_empty())
                            .unwrap_or(Path::new(".")),
                    )
                    .map_err(|source| Error::Io {
                        path: file.clone(),
                        source,
                    })?;
                    let header = backup::dump(&store, &mut std::io::BufWriter::new(tmp.as_file_mut()), file)?;
                    tmp.persist(file).map_err(|e| Error::Io {
                        path: file.clone(),
                        source: e.error,
                    })?;
                    eprintln!(
                        "pickup db dump: {} records of {} trees written to {}",
                        header.records,
                        header.trees,
                        file.display()
                    );
                }
                None => {
                    let mut out = std::io::stdout().lock();
                    backup::dump(&store, &mut out, Path::new("standard output"))?;
                }
            }
            Ok(())
        }
        DbArgs::Restore { input } => {
            let file = std::fs::File::open(input).map_err(|source| Error::Io {
                path: input.clone(),
                source,
            })?;
            let store = crate::store_guard::open_checked(&config.store.path)?;
            let n = backup::restore(&store, &mut std::io::BufReader::new(file), input).map_err(|e| match e {
                backup::RestoreError::Store(s) => Error::Store(s),
                backup::RestoreError::Read { file, source } => Error::Io { path: file, source },
                other => Error::Usage(other.to_string()),
            })?;
            print(&format!(
                "pickup db restore: {n} records restored into {}\n",
                config.store.path.display()
            ))
        }
        DbArgs::Check => check(&config.store.path),
    }
}

fn check(path: &Path) -> Result<(), Error> {
    let store = match crate::store_guard::open_salvage(path) {
        Ok(s) => s,
        Err(e @ crate::store::StoreError::Locked(_)) => return Err(e.into()),
        Err(e) => {
            print(&format!("{e}\n{}\n", backup::recovery(path)))?;
            return Err(Error::Other(format!("the store {} is damaged", path.display())));
        }
    };
    let found = backup::check(&store)?;
    let mut text = format!("store {}:\n", path.display());
    for (tree, n) in &found.counts {
        text.push_str(&format!("  {tree:<16} {n} records\n"));
    }
    if found.problems.is_empty() {
        text.push_str("every record reads back; the store is sound\n");
        return print(&text);
    }
    for p in &found.problems {
        text.push_str(&format!("damaged: {p}\n"));
    }
    text.push_str(&backup::recovery(path));
    text.push('\n');
    print(&text)?;
    Err(Error::Other(format!(
        "the store {} is damaged: {} problems",
        path.display(),
        found.problems.len()
    )))
}
