//! The briefing as PDF (`pickup report --format pdf`): the HTML page printed by a headless
//! Chromium or Chrome, found on the PATH or named by `PICKUP_CHROME`. Chrome's printing honours
//! the page's print rules (paper size, rows kept whole, repeated table headers) and keeps links
//! clickable, which no PDF crate does from HTML.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable naming the browser to print with.
pub const CHROME_ENV: &str = "PICKUP_CHROME";

/// Browser commands looked for on the PATH, in this order.
pub const CHROME_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
];

/// Longest a print may take: a briefing of thousands of rows prints in seconds (a minute on a
/// loaded two-core machine); a browser stuck
/// on a first-run dialog or a broken profile would otherwise hang the command for ever.
pub const PRINT_TIMEOUT: Duration = Duration::from_secs(300);

/// Why the PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "no Chromium or Chrome found to print the PDF (looked for ${CHROME_ENV} and {} on the PATH). \
         Install one (Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or set \
         {CHROME_ENV}=/path/to/chrome; or write the HTML (pickup report -o briefing.html), open it in a browser \
         and print it to PDF",
        CHROME_NAMES.join(", ")
    )]
    NoBrowser,
    #[error("{path}: {source}", path = .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{browser} failed to print the PDF ({status}): {stderr}", browser = .browser.display())]
    Failed {
        browser: PathBuf,
        status: String,
        stderr: String,
    },
}

/// The browser to print with: `$PICKUP_CHROME` when set, else the first of [`CHROME_NAMES`] on
/// the PATH.
pub fn find_browser() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os(CHROME_ENV).filter(|v| !v.is_empty()) {
        let named = PathBuf::from(named);
        return if named.components().count() > 1 {
            named.is_file().then_some(named)
        } else {
            on_path(&named.to_string_lossy())
        };
    }
    CHROME_NAMES.iter().find_map(|name| on_path(name))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// Runs `browser` headless on `args` with a fresh profile in a temporary folder, waiting at most
/// [`PRINT_TIMEOUT`].
///
/// # Errors
/// [`PdfError::Failed`] with the browser's standard error when it exits unsuccessfully or takes
/// too long; [`PdfError::Io`] when it cannot be started.
pub fn run_headless(browser: &Path, args: &[String]) -> Result<(), PdfError> {
    let profile = tempfile::tempdir().map_err(|source| PdfError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let stderr_file = profile.path().join("stderr.txt");
    let stderr = std::fs::File::create(&stderr_file).map_err(|source| PdfError::Io {
        path: stderr_file.clone(),
        source,
    })?;
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().join("profile").display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|source| PdfError::Io {
            path: browser.to_path_buf(),
            source,
        })?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("no result after {} s", PRINT_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => break Err(e.to_string()),
        }
    };
    let failed = |status: String| {
        let text = std::fs::read_to_string(&stderr_file).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(6).collect();
        PdfError::Failed {
            browser: browser.to_path_buf(),
            status,
            stderr: tail.into_iter().rev().collect::<Vec<_>>().join(" | "),
        }
    };
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(failed(s.to_string())),
        Err(e) => Err(failed(e)),
    }
}

/// Prints `html` to PDF with `browser` and returns the PDF's bytes. Paper size comes from the
/// page's print rules and the browser's default (Letter or A4 by locale).
///
/// # Errors
/// As [`run_headless`]; [`PdfError::Failed`] when the browser exits without writing a PDF.
pub fn print(browser: &Path, html: &str) -> Result<Vec<u8>, PdfError> {
    let dir = tempfile::tempdir().map_err(|source| PdfError::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let page = dir.path().join("briefing.html");
    std::fs::write(&page, html).map_err(|source| PdfError::Io {
        path: page.clone(),
        source,
    })?;
    let pdf = dir.path().join("briefing.pdf");
    run_headless(
        browser,
        &[
            "--no-pdf-header-footer".to_string(),
            "--print-to-pdf-no-header".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
            file_url(&page),
        ],
    )?;
    match std::fs::read(&pdf) {
        Ok(bytes) if bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => Err(PdfError::Failed {
            browser: browser.to_path_buf(),
            status: "exit 0".into(),
            stderr: format!("no PDF written to {}", pdf.display()),
        }),
    }
}

/// `file:///…` for a local path.
pub fn file_url(path: &Path) -> String {
    url::Url::from_file_path(path)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| format!("file://{}", path.display()))
}
