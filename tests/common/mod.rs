//! Helpers shared by integration tests: where the shared real-world corpus lives.

use std::path::{Path, PathBuf};

/// `../shared/corpus/<sub>` beside the project (or, from a git worktree nested deeper, the
/// nearest ancestor that has it); `None`, saying so, when it is absent and the tests that need
/// it skip.
///
/// # Panics
/// When it is absent and `PICKUP_REQUIRE_SHARED=1` is set (as `.ci/run` sets it): CI has the
/// folder, so a missing one there is a broken set-up, not a reason to pass.
pub fn shared_corpus(sub: &str) -> Option<PathBuf> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared/corpus").join(sub))
        .find(|d| d.is_dir());
    if found.is_none() {
        assert!(
            std::env::var_os("PICKUP_REQUIRE_SHARED").is_none_or(|v| v != "1"),
            "../shared/corpus/{sub} not found, and PICKUP_REQUIRE_SHARED=1 says the tests that read it must run"
        );
        eprintln!("SKIPPED: ../shared/corpus/{sub} not found; the tests that read it did not run");
    }
    found
}
