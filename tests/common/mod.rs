//! Helpers shared by integration tests: where the shared real-world corpus lives.

use std::path::{Path, PathBuf};

/// `../shared/corpus/<sub>` beside the project (or, from a git worktree nested deeper, the
/// nearest ancestor that has it); `None`, saying so, when it is absent and the tests that need
/// it skip.
pub fn shared_corpus(sub: &str) -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared/corpus").join(sub))
        .find(|d| d.is_dir());
    if found.is_none() {
        eprintln!("SKIPPED: ../shared/corpus/{sub} not found; the tests that read it did not run");
    }
    found
}
