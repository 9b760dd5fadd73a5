//! Publication dates measured on the dates corpus (`../shared/corpus/dates/`): exact-day
//! accuracy in the page's own local time, correct / wrong / missing, and which source gave the
//! date and how often it was right.
//!
//! `cargo bench --bench dates`; add `-- --wrong` to list the pages whose day was wrong or
//! missing, with the source that gave it.

#[path = "../tests/dates_support/mod.rs"]
mod dates_support;

fn main() {
    let outcomes = match dates_support::measure() {
        Ok(o) => o,
        Err(why) => {
            println!("dates bench skipped: {why}");
            return;
        }
    };
    let score = dates_support::Score::of(&outcomes);
    print!("{}", score.report());
    if std::env::args().any(|a| a == "--wrong") {
        for o in outcomes.iter().filter(|o| o.got != Some(o.expected)) {
            let got = o.got.map_or("-".to_string(), |d| d.to_string());
            let source = o.source.map_or("-", |s| s.name());
            println!("{} expected {} got {got} from {source}  {}", o.key, o.expected, o.url);
        }
    }
}
