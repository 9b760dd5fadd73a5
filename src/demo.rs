//! `pickup demo`: serves the built-in world (fixtures/world) on 127.0.0.1 and runs the whole
//! pipeline on it twice with a temporary store, so a newcomer sees pickup work offline.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::localweb::{LocalWeb, World};
use crate::report;
use crate::store::Store;
use std::fmt::Write;
use std::time::Instant;

/// The example article's texts, shared with config/.
const ARTICLES: &[(&str, &str)] = &[
    (
        "cybercrime-2021.en.txt",
        include_str!("../config/articles/cybercrime-2021.en.txt"),
    ),
    (
        "cybercrime-2021.es.txt",
        include_str!("../config/articles/cybercrime-2021.es.txt"),
    ),
];

/// Writes a world's config (addresses filled in) and the article texts into `dir`.
pub fn write_config(web: &LocalWeb, world: &World, dir: &std::path::Path) -> Result<std::path::PathBuf> {
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let articles = dir.join("articles");
    std::fs::create_dir_all(&articles).map_err(io(&articles))?;
    for (name, text) in ARTICLES {
        let p = articles.join(name);
        std::fs::write(&p, text).map_err(io(&p))?;
    }
    let p = dir.join("pickup.toml");
    std::fs::write(&p, web.expand(&world.config)).map_err(io(&p))?;
    Ok(p)
}

/// Runs the demo and returns what it has to say.
pub async fn run() -> Result<String> {
    let world = World::embedded();
    let web = LocalWeb::start(&world)
        .await
        .map_err(|e| Error::Other(format!("cannot start the demo web: {e}")))?;
    let dir = tempfile::tempdir().map_err(|source| Error::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let config = Config::load(&write_config(&web, &world, dir.path())?)?;
    let store = Store::open(&config.store.path)?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "pickup demo: {} outlets served on 127.0.0.1, tracking {:?}\n",
        config.outlets.len(),
        config.articles[0].title
    );
    let started = Instant::now();
    let first = crate::run::run(&config, &store).await?;
    let _ = writeln!(out, "First run ({} ms):\n{first}", started.elapsed().as_millis());

    let hits = store.hits()?;
    let records = report::records(&hits, &report::Filter::default());
    let _ = writeln!(out, "Recorded: {}", report::placements_on_outlets(&hits));
    for r in &records {
        let _ = writeln!(
            out,
            "  {:<15} {:<11} {:.2}  {} ({}, {}, via {})",
            r.outlet,
            r.kind,
            r.score,
            r.url,
            r.country,
            r.language,
            r.found_via.unwrap_or("?")
        );
        if let Some(from) = &r.syndicated_from {
            let _ = writeln!(out, "      syndicated from {from}");
        }
        let _ = writeln!(out, "      \"{}\"", crate::text::shorten(&r.evidence, 110));
    }

    let autos = store.auto_outlets()?;
    let _ = writeln!(
        out,
        "\nNews search ({} queries to a local fake of the GDELT API) found placements on {} outlet(s) nobody listed:",
        first.record.search_queries,
        autos.len()
    );
    for a in &autos {
        let _ = writeln!(
            out,
            "  {} (auto): country {} from the search service, language {}; `pickup outlets adopt {}` prints its config",
            a.id, a.country, a.language, a.id
        );
    }

    let started = Instant::now();
    let second = crate::run::run(&config, &store).await?;
    let _ = writeln!(
        out,
        "\nSecond run on the unchanged web ({} ms): {} requests, {} pages fetched, {} new placements.",
        started.elapsed().as_millis(),
        second.record.requests,
        second.record.pages_fetched,
        second.record.new_hits
    );
    let _ = writeln!(
        out,
        "\nNext: edit config/pickup.toml (articles to track, outlets with their feeds), then\n  cargo run --release -- run\n  cargo run --release -- export --format csv -o placements.csv\n  cargo run --release -- report -o briefing.html\n  cargo run --release -- report --format xlsx -o briefing.xlsx\n  cargo run --release -- check https://example.com/some-article\n"
    );
    Ok(out)
}
