//! Helpers for the tests that read the shared real-world corpus.

use std::path::{Path, PathBuf};

/// `../shared/corpus/<sub>` beside the project (or, from a git worktree nested deeper, the
/// nearest ancestor that has it); `$PICKUP_CORPUS_DIR/<sub>` when that is set. `None`, saying
/// so, when it is absent and the tests that need it skip; but with `PICKUP_REQUIRE_SHARED=1`
/// (set by `.ci/run`, whose checkout has the corpus) an absent corpus is a failure, so those
/// tests cannot pass without running.
pub fn shared_corpus(sub: &str) -> Option<PathBuf> {
    let found = match std::env::var_os("PICKUP_CORPUS_DIR") {
        Some(dir) => Some(PathBuf::from(dir).join(sub)).filter(|d| d.is_dir()),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .skip(1)
            .map(|a| a.join("shared/corpus").join(sub))
            .find(|d| d.is_dir()),
    };
    if found.is_none() {
        if std::env::var("PICKUP_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
            panic!("../shared/corpus/{sub} not found, and PICKUP_REQUIRE_SHARED=1 requires it");
        }
        eprintln!("SKIPPED: ../shared/corpus/{sub} not found; the tests that read it did not run");
    }
    found
}
