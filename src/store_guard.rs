//! Guards against a damaged store, so no command hangs on one or reads half of one in silence.
//!
//! sled 0.34 does not report damage well: with a few KiB of its `db` file overwritten it may
//! panic while opening, spin for ever, or — most often — recover silently to the last intact
//! point of its log, dropping every record written after it. So every command opens the store
//! through [`open_checked`], which
//!
//! - opens it and counts every record on a separate thread, and gives up after a bound
//!   proportional to the file's size ([`open_bound`]), so a spinning storage engine cannot hold
//!   the lock for ever: the command stops with exit 1 and the process, ending, frees the lock;
//! - turns a panic of the storage engine into the same error;
//! - compares the record counts with the ones written after the last run ([`WITNESS_FILE`]):
//!   placements, judged pages, sources and runs are only ever added, so fewer of them than the
//!   witness holds means the engine lost part of the store.
//!
//! Each failure is [`StoreError::Damaged`], whose message names the store and `pickup db check`.

use crate::store::{SCHEMA_VERSION, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file in the store's folder holding the record counts written after each run.
pub const WITNESS_FILE: &str = "pickup-counts.json";

/// Trees whose records are only ever added (none is deleted, some are rewritten): a smaller
/// count than the witness's means records were lost.
pub const GROWING_TREES: [&str; 4] = ["hits", "seen", "sources", "runs"];

/// The shortest time an open may take before it is called hung: a healthy store of 6 MB opens
/// and is counted in under a second (unoptimised build), so this leaves a wide margin for a
/// loaded machine.
const OPEN_BOUND_MIN: Duration = Duration::from_secs(30);
/// Bytes per second an open is granted on top of [`OPEN_BOUND_MIN`]; healthy opens read well
/// over 10 MB/s, so a large store is never cut off while working.
const OPEN_BYTES_PER_SEC: u64 = 1_000_000;

/// The name of the thread that opens the store; its panics are reported as damage, not printed.
const OPEN_THREAD: &str = "pickup-store-open";

/// Record counts at the end of a run, with the schema they were counted under.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Witness {
    pub schema: u32,
    pub counts: BTreeMap<String, usize>,
}

/// How long opening the store at `path` may take: [`OPEN_BOUND_MIN`] plus one second per
/// [`OPEN_BYTES_PER_SEC`] of its `db` file.
pub fn open_bound(path: &Path) -> Duration {
    let bytes = std::fs::metadata(path.join("db")).map(|m| m.len()).unwrap_or(0);
    OPEN_BOUND_MIN + Duration::from_secs(bytes / OPEN_BYTES_PER_SEC)
}

/// Opens the store as every command should: bounded in time, a panic of the storage engine
/// caught, and the record counts checked against the witness.
///
/// # Errors
/// [`StoreError::Locked`] and the other errors of [`Store::open`]; [`StoreError::Damaged`] when
/// the open crashed, did not finish within [`open_bound`], or found fewer records than the last
/// run left.
pub fn open_checked(path: &Path) -> Result<Store, StoreError> {
    open_bounded(path, true)
}

/// [`open_checked`] without the comparison with the witness: for reading what is left of a
/// store that lost records (`pickup db check`, `pickup db dump`). Still bounded in time, and a
/// crash of the storage engine is still an error.
///
/// # Errors
/// As [`open_checked`], but for fewer records than the witness says.
pub fn open_salvage(path: &Path) -> Result<Store, StoreError> {
    open_bounded(path, false)
}

fn open_bounded(path: &Path, compare: bool) -> Result<Store, StoreError> {
    quiet_open_panics();
    let bound = open_bound(path);
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    let spawned = std::thread::Builder::new().name(OPEN_THREAD.into()).spawn(move || {
        let result = Store::open(&owned).and_then(|store| {
            if compare {
                check_counts(&store, &owned)?;
            } else {
                // Still read every record, so a hang or crash happens here, within the bound.
                counts(&store)?;
            }
            Ok(store)
        });
        let _ = tx.send(result);
    });
    if let Err(e) = spawned {
        return Err(damaged(path, format!("cannot start reading it: {e}")));
    }
    match rx.recv_timeout(bound) {
        Ok(Err(StoreError::Sled { path, source })) => Err(StoreError::from_engine(&path, source)),
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(damaged(
            path,
            format!("reading it did not finish within {} s", bound.as_secs()),
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err(damaged(path, "the storage engine crashed reading it".into()))
        }
    }
}

fn damaged(path: &Path, reason: String) -> StoreError {
    StoreError::Damaged {
        path: path.to_path_buf(),
        reason,
    }
}

/// Every tree's record count, by tree name (sled's default tree included, as `__sled__default`).
///
/// # Errors
/// A storage error while reading.
pub fn counts(store: &Store) -> Result<BTreeMap<String, usize>, StoreError> {
    let db = store.db();
    let mut out = BTreeMap::new();
    for name in db.tree_names() {
        let tree = db.open_tree(&name).map_err(|e| store.engine_error(e))?;
        let mut n = 0;
        for kv in tree.iter() {
            kv.map_err(|e| store.engine_error(e))?;
            n += 1;
        }
        out.insert(String::from_utf8_lossy(&name).into_owned(), n);
    }
    Ok(out)
}

fn witness_path(path: &Path) -> PathBuf {
    path.join(WITNESS_FILE)
}

/// The witness the last run left, if any (an unreadable one counts as none: it is a check, not
/// a record, and the next run rewrites it).
pub fn read_witness(path: &Path) -> Option<Witness> {
    let text = std::fs::read(witness_path(path)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Writes the store's current counts as its witness, atomically (a temporary file renamed).
///
/// # Errors
/// A storage error while counting; [`StoreError::Io`] naming the file when it cannot be written.
pub fn write_witness(store: &Store) -> Result<(), StoreError> {
    let witness = Witness {
        schema: SCHEMA_VERSION,
        counts: counts(store)?
            .into_iter()
            .filter(|(name, _)| GROWING_TREES.contains(&name.as_str()))
            .collect(),
    };
    let path = witness_path(store.path());
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    let mut tmp = tempfile::NamedTempFile::new_in(store.path()).map_err(io)?;
    serde_json::to_writer(&mut tmp, &witness).map_err(|e| io(e.into()))?;
    tmp.persist(&path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The first growing tree holding fewer records than the witness says it held, as a sentence.
fn shrunk(witness: &Witness, now: &BTreeMap<String, usize>) -> Option<String> {
    if witness.schema != SCHEMA_VERSION {
        // Counted under another layout (before a migration): not comparable.
        return None;
    }
    witness.counts.iter().find_map(|(tree, &before)| {
        let found = now.get(tree).copied().unwrap_or(0);
        (found < before).then(|| {
            format!("its {tree} tree holds {found} records where the last run left {before}: part of it was lost")
        })
    })
}

fn check_counts(store: &Store, path: &Path) -> Result<(), StoreError> {
    match lost_records(store, path)? {
        Some(reason) => Err(damaged(path, reason)),
        None => Ok(()),
    }
}

/// The sentence saying which tree lost records against the witness, if one did.
///
/// # Errors
/// A storage error while counting.
pub fn lost_records(store: &Store, path: &Path) -> Result<Option<String>, StoreError> {
    let now = counts(store)?;
    Ok(read_witness(path).and_then(|w| shrunk(&w, &now)))
}

/// A panic on the opening thread is reported as [`StoreError::Damaged`]; the default hook's
/// message and backtrace would only add noise to that one line.
fn quiet_open_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(OPEN_THREAD) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_records_than_the_witness_is_damage_and_more_is_growth() {
        let witness = Witness {
            schema: SCHEMA_VERSION,
            counts: [("hits".to_string(), 5), ("seen".to_string(), 9)].into(),
        };
        let now = |hits, seen| -> BTreeMap<String, usize> { [("hits".into(), hits), ("seen".into(), seen)].into() };
        assert_eq!(shrunk(&witness, &now(5, 9)), None);
        assert_eq!(shrunk(&witness, &now(7, 12)), None);
        let lost = shrunk(&witness, &now(5, 3)).unwrap();
        assert!(
            lost.contains("seen tree holds 3 records where the last run left 9"),
            "{lost}"
        );
        let older = Witness {
            schema: SCHEMA_VERSION - 1,
            ..witness
        };
        assert_eq!(
            shrunk(&older, &now(0, 0)),
            None,
            "another schema's counts are not compared"
        );
    }
}
