//! The `pickup` command: parses arguments, calls the library, maps the outcome to an exit code.

use clap::{Parser, Subcommand};
use pickup::cmd::{self, check::CheckArgs, db::DbArgs, export::ExportArgs, report::ReportArgs};
use pickup::config::Config;
use pickup::error::{Error, ExitCode};
use std::path::PathBuf;

/// Finds where an op-ed has been republished.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Config file [default: config/pickup.toml]
    #[arg(long, global = true, env = "PICKUP_CONFIG")]
    config: Option<PathBuf>,
    /// The store to use instead of the config's store.path (one per --shard job); export takes
    /// it more than once and merges the stores by placement
    #[arg(long, global = true, value_name = "PATH")]
    store: Vec<PathBuf>,
    /// Print only errors
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what happens to every source and page
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Log lines as text, or as one JSON object per event (for log shippers)
    #[arg(long, value_enum, global = true, default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log events are written to standard error.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// One line of text per event
    Text,
    /// One JSON object per event: timestamp, level, fields (with the message)
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Poll every outlet once, record new placements, print a summary (for cron)
    Run {
        /// Poll only shard i of n (like 3/8), by a stable hash of the outlet id; each shard
        /// keeps its own store (give each job its own --config with its own store.path)
        #[arg(long)]
        shard: Option<pickup::run::Shard>,
        /// Poll every source now, whether or not its interval is due (see `status`)
        #[arg(long)]
        all: bool,
    },
    /// Print every recorded placement, one record each
    Export(ExportArgs),
    /// Write the briefing: title block, headline figures, charts, top outlets, every placement
    Report(ReportArgs),
    /// Extract and judge one page (a URL or a saved HTML file); records nothing unless --record
    Check(CheckArgs),
    /// Show every source's health and the last run's figures; with --article, its pitch lists
    Status {
        /// Also show this article's pitch lists: pitched and ran, pitched and not yet, ran without a pitch
        #[arg(long)]
        article: Option<String>,
    },
    /// Fetch and judge a link emailed in; record it (found_via = manual) if it is a placement
    Add {
        /// The page's http(s) URL
        url: String,
        /// Judge against this article only
        #[arg(long)]
        article: Option<String>,
        /// The outlet's country (ISO 3166-1 alpha-2), for a site no outlet in the config has
        #[arg(long)]
        country: Option<String>,
        /// The outlet's name, for a site no outlet in the config has
        #[arg(long)]
        outlet_name: Option<String>,
        /// Record it even if pickup does not judge it a placement (marked as the team's judgement)
        #[arg(long)]
        force: bool,
    },
    /// Auto outlets: sites where placements were found that no configured outlet owns
    Outlets {
        #[command(subcommand)]
        action: OutletsAction,
    },
    /// Serve a small built-in world on 127.0.0.1 and run the whole pipeline on it
    Demo,
    /// Back up, restore and check the store
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
}

#[derive(Subcommand)]
enum DbAction {
    /// Write every record of the store as JSON Lines
    Dump {
        /// Write to this file instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Restore a dump into the config's store, which must be empty
    Restore {
        /// A file written by `pickup db dump`
        file: PathBuf,
    },
    /// Read every record, compare with the last run's counts, and say how to recover
    Check,
}

#[derive(Subcommand)]
enum OutletsAction {
    /// Print the config TOML of an auto outlet, to paste into the config
    Adopt {
        /// The auto outlet's id, as `pickup status` lists it
        id: String,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let format = cli.log_format;
    init_logging(cli.quiet, cli.verbose, format);
    let code = match tokio_main(cli) {
        Ok(()) => ExitCode::Ok,
        Err(e) => {
            let code = e.exit_code();
            if format == LogFormat::Json {
                // The last event too is one JSON object, with the exit code as a field.
                tracing::error!(exit_code = code as u8, "{e}");
            } else {
                eprintln!("pickup: {e}");
            }
            code
        }
    };
    std::process::ExitCode::from(code as u8)
}

fn init_logging(quiet: bool, verbose: bool, format: LogFormat) {
    let level = if quiet {
        "error"
    } else if verbose {
        "pickup=debug"
    } else {
        "pickup=warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PICKUP_LOG").unwrap_or_else(|_| level.into());
    if format == LogFormat::Json {
        // Shippers want the time and the level of every event, and no colour codes.
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_target(false)
            .init();
        return;
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none())
        .without_time()
        .init();
}

#[tokio::main]
async fn tokio_main(cli: Cli) -> Result<(), Error> {
    let merges_stores = matches!(cli.command, Command::Export { .. });
    let config = || {
        let mut config = Config::load(
            &cli.config
                .clone()
                .unwrap_or_else(|| PathBuf::from("config/pickup.toml")),
        )?;
        // Bad rows of an outlets CSV: the other rows loaded, and the command goes on.
        for problem in &config.problems {
            tracing::error!("{problem}");
        }
        match cli.store.as_slice() {
            [] => {}
            [one] => config.store.path = one.clone(),
            [_, _, ..] if merges_stores => {}
            [..] => return Err(Error::Usage("--store: this command takes one store".into())),
        }
        Ok::<_, Error>(config)
    };
    match cli.command {
        Command::Demo => cmd::output::print(&pickup::demo::run().await?),
        Command::Run { shard, all } => {
            let options = pickup::run::RunOptions {
                shard,
                all,
                ..Default::default()
            };
            cmd::run::run(&config()?, &options, cli.quiet).await
        }
        Command::Export(mut args) => {
            args.stores = cli.store.clone();
            cmd::export::export(&config()?, &args)
        }
        Command::Report(args) => cmd::report::report(&config()?, &args),
        Command::Check(args) => cmd::check::check(&config()?, &args).await,
        Command::Status { article } => cmd::status::status(&config()?, article.as_deref()),
        Command::Add {
            url,
            article,
            country,
            outlet_name,
            force,
        } => {
            let options = pickup::add::AddOptions {
                article,
                country,
                outlet_name,
                force,
            };
            cmd::add::add(&config()?, &url, &options).await
        }
        Command::Outlets {
            action: OutletsAction::Adopt { id },
        } => cmd::outlets::adopt(&config()?, &id),
        Command::Db { action } => {
            let args = match action {
                DbAction::Dump { output } => DbArgs::Dump { output },
                DbAction::Restore { file } => DbArgs::Restore { input: file },
                DbAction::Check => DbArgs::Check,
            };
            cmd::db::db(&config()?, &args)
        }
    }
}
