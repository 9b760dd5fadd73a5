//! Backups of the store as JSON Lines (`pickup db dump` / `pickup db restore`), and its check
//! (`pickup db check`).
//!
//! A dump is generic over the store: its first line is a header
//! (`{"pickup_dump":1,"schema":N,"trees":T,"records":R}`), then one line per record of every
//! sled tree, `{"tree":"hits","key":K,"value":V}`, trees and keys in order. A key or value that
//! is UTF-8 text (every JSON record, every URL key) is written as a JSON string; other bytes
//! (a judged page's timestamp, the schema number) as `{"hex":"…"}`. So a restore writes back
//! exactly the bytes that were dumped, whatever the schema: a dump taken by an older pickup is
//! restored as that schema, and migrated when next opened.

use crate::store::{HitRecord, RunRecord, SCHEMA_VERSION, SourceState, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The dump format's version, in the header line.
pub const DUMP_FORMAT: u32 = 1;

/// The first line of a dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub pickup_dump: u32,
    /// The schema this pickup writes (the store's own is in its default tree's record).
    pub schema: u32,
    pub trees: usize,
    pub records: usize,
}

/// Bytes as a dump line holds them: text when UTF-8, hex otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Bytes {
    Text(String),
    Hex { hex: String },
}

impl Bytes {
    fn of(b: &[u8]) -> Bytes {
        match std::str::from_utf8(b) {
            Ok(s) => Bytes::Text(s.to_string()),
            Err(_) => Bytes::Hex {
                hex: b.iter().map(|x| format!("{x:02x}")).collect(),
            },
        }
    }

    fn into_vec(self) -> Result<Vec<u8>, String> {
        match self {
            Bytes::Text(s) => Ok(s.into_bytes()),
            Bytes::Hex { hex } => {
                if hex.len() % 2 != 0 {
                    return Err("odd number of hex digits".into());
                }
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string()))
                    .collect()
            }
        }
    }
}

/// One record of one tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Line {
    tree: String,
    key: Bytes,
    value: Bytes,
}

/// Every tree's records, in order: (tree name, [(key, value)]).
pub type Contents = Vec<(String, Vec<(Vec<u8>, Vec<u8>)>)>;

/// Reads every record of every tree.
///
/// # Errors
/// Storage errors.
pub fn contents(store: &Store) -> Result<Contents, StoreError> {
    let db = store.db();
    let mut names: Vec<String> = db
        .tree_names()
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let tree = store.tree(&name)?;
        let mut records = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv.map_err(|e| store.engine_error(e))?;
            records.push((k.to_vec(), v.to_vec()));
        }
        out.push((name, records));
    }
    Ok(out)
}

/// Writes the whole store to `out` as JSON Lines. Returns the header written.
///
/// # Errors
/// Storage errors; [`StoreError::Io`] naming `dest` when it cannot be written.
pub fn dump(store: &Store, out: &mut dyn Write, dest: &Path) -> Result<Header, StoreError> {
    let all = contents(store)?;
    let header = Header {
        pickup_dump: DUMP_FORMAT,
        schema: SCHEMA_VERSION,
        trees: all.len(),
        records: all.iter().map(|(_, r)| r.len()).sum(),
    };
    let io = |source| StoreError::Io {
        path: dest.to_path_buf(),
        source,
    };
    let text = serde_json::to_string(&header).expect("a dump header always serialises");
    writeln!(out, "{text}").map_err(io)?;
    for (tree, records) in &all {
        for (k, v) in records {
            let l = Line {
                tree: tree.clone(),
                key: Bytes::of(k),
                value: Bytes::of(v),
            };
            let text = serde_json::to_string(&l).expect("dump lines always serialise");
            writeln!(out, "{text}").map_err(io)?;
        }
    }
    out.flush().map_err(io)?;
    Ok(header)
}

/// Why a dump cannot be restored: the file and line, and what is wrong there.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("{}:{line}: {reason}", .file.display())]
    Line { file: PathBuf, line: usize, reason: String },
    #[error("{}: {source}", .file.display())]
    Read { file: PathBuf, source: std::io::Error },
    #[error("the store {} already holds records; move it aside first (a restore never overwrites one)", .0.display())]
    NotEmpty(PathBuf),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Restores a dump into `store`, which must hold nothing but a fresh store's schema record.
/// Every line is read and checked before anything is written, so a damaged dump leaves the
/// store as it was. Returns the number of records written.
///
/// # Errors
/// [`RestoreError::Line`] naming the file and line of a bad line (or a count that disagrees
/// with the header), [`RestoreError::NotEmpty`], storage errors.
pub fn restore(store: &Store, input: &mut dyn BufRead, file: &Path) -> Result<usize, RestoreError> {
    let bad = |line: usize, reason: String| RestoreError::Line {
        file: file.to_path_buf(),
        line,
        reason,
    };
    let already: usize = contents(store)?
        .iter()
        .filter(|(name, _)| name != DEFAULT_TREE)
        .map(|(_, r)| r.len())
        .sum();
    if already > 0 {
        return Err(RestoreError::NotEmpty(store.path().to_path_buf()));
    }
    let mut header = None;
    let mut lines = Vec::new();
    for (i, text) in input.lines().enumerate() {
        let n = i + 1;
        let text = text.map_err(|source| RestoreError::Read {
            file: file.to_path_buf(),
            source,
        })?;
        if text.trim().is_empty() {
            continue;
        }
        if header.is_none() {
            let h: Header =
                serde_json::from_str(&text).map_err(|e| bad(n, format!("not a pickup dump header: {e}")))?;
            if h.pickup_dump != DUMP_FORMAT {
                return Err(bad(
                    n,
                    format!("dump format {} (this pickup reads {DUMP_FORMAT})", h.pickup_dump),
                ));
            }
            header = Some(h);
            continue;
        }
        let l: Line = serde_json::from_str(&text).map_err(|e| bad(n, format!("not a dump record: {e}")))?;
        let key = l.key.into_vec().map_err(|e| bad(n, format!("key: {e}")))?;
        let value = l.value.into_vec().map_err(|e| bad(n, format!("value: {e}")))?;
        lines.push((l.tree, key, value));
    }
    let header = header.ok_or_else(|| bad(1, "empty file: not a pickup dump".into()))?;
    if header.records != lines.len() {
        return Err(bad(
            lines.len() + 1,
            format!(
                "the header promises {} records, the file holds {}: it was cut short",
                header.records,
                lines.len()
            ),
        ));
    }
    for (tree, key, value) in &lines {
        store
            .tree(tree)?
            .insert(key.as_slice(), value.as_slice())
            .map_err(|e| store.engine_error(e))?;
    }
    store.flush()?;
    crate::store_guard::write_witness(store)?;
    Ok(lines.len())
}

/// sled's default tree (it holds the schema record).
const DEFAULT_TREE: &str = "__sled__default";

/// What `pickup db check` found.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Records per tree.
    pub counts: Vec<(String, usize)>,
    /// Each problem found, as a sentence.
    pub problems: Vec<String>,
}

/// Reads every record of every tree and decodes the ones pickup reads (placements, sources,
/// runs; judged pages' timestamps), and compares the counts with the witness of the last run.
///
/// # Errors
/// Storage errors while reading (a store too damaged to read is reported by the caller).
pub fn check(store: &Store) -> Result<Checked, StoreError> {
    let mut found = Checked::default();
    if let Some(lost) = crate::store_guard::lost_records(store, store.path())? {
        found.problems.push(lost);
    }
    for (tree, records) in contents(store)? {
        for (k, v) in &records {
            let key = String::from_utf8_lossy(k);
            let problem = match tree.as_str() {
                "hits" => serde_json::from_slice::<HitRecord>(v).err().map(|e| e.to_string()),
                "sources" => serde_json::from_slice::<SourceState>(v).err().map(|e| e.to_string()),
                "runs" => serde_json::from_slice::<RunRecord>(v).err().map(|e| e.to_string()),
                "seen" => (v.len() != 8).then(|| format!("a timestamp of {} bytes, not 8", v.len())),
                _ => None,
            };
            if let Some(p) = problem {
                found.problems.push(format!("{tree} record {key:?}: {p}"));
            }
        }
        found.counts.push((tree, records.len()));
    }
    Ok(found)
}

/// The steps that recover a damaged store, for `pickup db check` and its error messages.
pub fn recovery(path: &Path) -> String {
    let p = path.display();
    format!(
        "To recover:\n  \
         1. keep the damaged copy: mv {p} {p}.damaged\n  \
         2. restore the last backup: pickup db restore BACKUP.jsonl (back up daily with pickup db dump -o BACKUP.jsonl)\n  \
         3. with no backup, save what is still readable first: pickup db dump --store {p}.damaged -o salvage.jsonl, then pickup db restore salvage.jsonl\n  \
         The next run polls every source again; placements still in the outlets' feeds are found again."
    )
}
