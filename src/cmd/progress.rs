//! The progress bar of `pickup run`, drawn on standard error only when it is a terminal (never
//! in a pipe or under cron) and not `--quiet`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A [`crate::run::Progress`] that draws sources done and pages fetched.
pub(crate) struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    pages: AtomicUsize,
}

impl ProgressBar {
    /// A bar that draws only when standard error is a terminal and `quiet` is off.
    pub(crate) fn for_terminal(quiet: bool) -> Arc<ProgressBar> {
        let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = show.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            let style =
                indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} sources {wide_bar} {msg} {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Arc::new(ProgressBar {
            bar,
            pages: AtomicUsize::new(0),
        })
    }

    /// Clears the bar from the terminal.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl crate::run::Progress for ProgressBar {
    fn start(&self, sources: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(sources as u64);
        }
    }

    fn source_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn page_done(&self) {
        let pages = self.pages.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{pages} pages"));
        }
    }
}
