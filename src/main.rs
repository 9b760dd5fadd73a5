//! The `pickup` command: parses arguments, calls the library, maps the outcome to an exit code.

use clap::{Parser, Subcommand, ValueEnum};
use pickup::config::Config;
use pickup::error::{Error, ExitCode};
use pickup::store::Store;
use pickup::{check, demo, report, run, status};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Finds where an op-ed has been republished.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Config file [default: config/pickup.toml]
    #[arg(long, global = true, env = "PICKUP_CONFIG")]
    config: Option<PathBuf>,
    /// Print only errors
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what happens to every source and page
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Poll every outlet once, record new placements, print a summary (for cron)
    Run,
    /// Print every recorded placement, one record each
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// Only this article's placements
        #[arg(long)]
        article: Option<String>,
        /// Only placements published on or after this day (YYYY-MM-DD)
        #[arg(long)]
        since: Option<String>,
        /// Write to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Extract and judge one page (a URL or a saved HTML file); records nothing unless --record
    Check {
        /// An http(s) URL, or the path of an HTML file (.html or .html.gz)
        target: String,
        /// Judge against this article only
        #[arg(long)]
        article: Option<String>,
        /// Print one JSON object: every extracted field, the full text, the verdicts
        #[arg(long)]
        json: bool,
        /// Record a hit found on the page (the URL's site must be a configured outlet)
        #[arg(long)]
        record: bool,
    },
    /// Show every source's health and the last run's figures
    Status,
    /// Serve a small built-in world on 127.0.0.1 and run the whole pipeline on it
    Demo,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One array of records
    Json,
    /// The same columns, for spreadsheets
    Csv,
    /// A briefing page: headline figures, counts, a chart by day, every placement with its link
    Html,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.quiet, cli.verbose);
    let code = match tokio_main(cli) {
        Ok(()) => ExitCode::Ok,
        Err(e) => {
            eprintln!("pickup: {e}");
            e.exit_code()
        }
    };
    std::process::ExitCode::from(code as u8)
}

fn init_logging(quiet: bool, verbose: bool) {
    let level = if quiet {
        "error"
    } else if verbose {
        "pickup=debug"
    } else {
        "pickup=warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PICKUP_LOG").unwrap_or_else(|_| level.into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none())
        .without_time()
        .init();
}

/// The tracked article `--article ID` names.
fn tracked<'a>(config: &'a Config, id: &str) -> Result<&'a pickup::config::Article, Error> {
    config
        .article(id)
        .ok_or_else(|| Error::Usage(format!("--article {id}: no such article in {}", config.path.display())))
}

fn config_path(cli: &Cli) -> PathBuf {
    cli.config
        .clone()
        .unwrap_or_else(|| PathBuf::from("config/pickup.toml"))
}

#[tokio::main]
async fn tokio_main(cli: Cli) -> Result<(), Error> {
    let quiet = cli.quiet;
    match &cli.command {
        Command::Demo => {
            let text = demo::run().await?;
            print(&text)
        }
        Command::Run => {
            let config = Config::load(&config_path(&cli))?;
            let store = Store::open(&config.store.path)?;
            let progress = ProgressBar::for_terminal(quiet);
            let summary = tokio::select! {
                s = run::run_with(&config, &store, progress.clone()) => s,
                _ = tokio::signal::ctrl_c() => {
                    store.flush()?;
                    progress.finish();
                    return Err(Error::Other("interrupted; every hit found so far is recorded".into()));
                }
            };
            progress.finish();
            let summary = summary?;
            if !quiet {
                print(&summary.to_string())?;
            }
            Ok(())
        }
        Command::Export {
            format,
            article,
            since,
            output,
        } => {
            let config = Config::load(&config_path(&cli))?;
            if let Some(id) = article {
                tracked(&config, id)?;
            }
            let since = since
                .as_deref()
                .map(|s| {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map_err(|_| Error::Usage(format!("--since {s}: not a date like 2021-11-10")))
                })
                .transpose()?;
            let store = Store::open(&config.store.path)?;
            let filter = report::Filter {
                article: article.clone(),
                since,
            };
            let records = report::records(&store.hits()?, &filter);
            let mut buf = Vec::new();
            match format {
                Format::Json => report::json::write(&mut buf, &records),
                Format::Csv => report::csv::write(&mut buf, &records),
                Format::Html => {
                    let audience = config
                        .outlets
                        .iter()
                        .filter_map(|o| Some((o.id.clone(), o.audience?)))
                        .collect();
                    report::html::write(&mut buf, &records, &audience)
                }
            }
            .map_err(|e| Error::Other(format!("cannot write export: {e}")))?;
            match output {
                Some(path) => write_file(path, &buf),
                None => print_bytes(&buf),
            }
        }
        Command::Check {
            target,
            article,
            json,
            record,
        } => {
            let config = Config::load(&config_path(&cli))?;
            let articles: Vec<_> = match article {
                Some(id) => vec![tracked(&config, id)?.clone()],
                None => config.articles.clone(),
            };
            if *record {
                // Say so before fetching anything: the record would have no outlet.
                check::recording_outlet(&config, url::Url::parse(target).ok().as_ref())?;
            }
            let (url, html) = check::load(&config, target).await?;
            let (report, recorded) = tokio::task::spawn_blocking({
                let config = config.clone();
                let record = *record;
                move || check::check(&config, &articles, url.as_ref(), &html, record)
            })
            .await
            .map_err(|e| Error::Other(format!("check crashed: {e}")))??;
            if *json {
                let text = serde_json::to_string_pretty(&report).map_err(|e| Error::Other(e.to_string()))?;
                print(&format!("{text}\n"))?;
            } else {
                print(&report.to_string())?;
                for r in recorded {
                    print(&format!("recorded: {} {} on {}\n", r.article, r.kind, r.outlet))?;
                }
            }
            Ok(())
        }
        Command::Status => {
            let config = Config::load(&config_path(&cli))?;
            let store = Store::open(&config.store.path)?;
            print(&status::render(&config, &store)?)
        }
    }
}

/// The progress of a run, drawn on standard error only when it is a terminal (never in a pipe
/// or under cron) and not `--quiet`.
struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    pages: std::sync::atomic::AtomicUsize,
}

impl ProgressBar {
    fn for_terminal(quiet: bool) -> std::sync::Arc<ProgressBar> {
        let show = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = show.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            let style =
                indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} sources {wide_bar} {msg} {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        std::sync::Arc::new(ProgressBar {
            bar,
            pages: Default::default(),
        })
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl run::Progress for ProgressBar {
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
        let pages = self.pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{pages} pages"));
        }
    }
}

/// Writes to standard output; a closed pipe (`pickup export | head`) is not an error.
fn print(text: &str) -> Result<(), Error> {
    print_bytes(text.as_bytes())
}

fn print_bytes(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Other(format!("cannot write output: {e}"))),
        _ => Ok(()),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
