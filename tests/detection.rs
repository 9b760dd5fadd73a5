//! Detection on the labelled world (fixtures/labelled/): every page is classified as labelled,
//! with no false positives, and the engine holds up on hostile input.

#[path = "../fixtures/labelled/world.rs"]
mod world;

use pickup::config::Article;
use pickup::detect::{Detector, Kind, Verdict};
use pickup::extract::Document;
use std::sync::LazyLock;

static WORLD: LazyLock<world::World> = LazyLock::new(world::load);
static DETECTOR: LazyLock<Detector> = LazyLock::new(|| Detector::new(&WORLD.articles));

/// Recall reached per category; a drop below any of these fails.
const RECALL_FLOORS: &[(&str, f64)] = &[
    ("verbatim", 1.0),
    ("edited", 1.0),
    ("translation (official)", 1.0),
    ("excerpt", 1.0),
    ("excerpt (paywalled teaser)", 1.0),
    ("translation (outlet, Latin script)", 1.0),
    ("translation (outlet, Japanese)", 1.0),
    ("translation (outlet, Chinese)", 1.0),
    ("translation (outlet, Korean)", 1.0),
    ("translation (outlet, Thai)", 1.0),
    ("translation (outlet, Arabic)", 1.0),
    ("translation (outlet, Russian)", 1.0),
];

#[test]
fn labelled_world_is_classified_as_labelled() {
    let score = world::evaluate(&DETECTOR, &WORLD);
    let report = world::report(&score);
    eprintln!("{report}");
    assert_eq!(score.false_positive_count(), 0, "false positives:\n{report}");
    for (category, floor) in RECALL_FLOORS {
        assert!(score.recall.contains_key(category), "no labelled pages for {category}");
        let recall = score.recall_of(category);
        assert!(recall >= *floor, "{category}: recall {recall:.2} < {floor}\n{report}");
    }
    assert!(
        score.recall.keys().all(|c| RECALL_FLOORS.iter().any(|(f, _)| f == c)),
        "unlisted category:\n{report}"
    );
}

#[test]
fn every_near_miss_type_is_in_the_world() {
    let types: std::collections::BTreeSet<_> = WORLD
        .pages
        .iter()
        .filter_map(|p| p.label.near_miss.as_deref())
        .collect();
    for t in [
        "quote",
        "teaser",
        "comments",
        "last-year",
        "other-official",
        "interview",
        "same-author",
        "press-release",
        "letter",
        "section-front",
        "news-summary",
    ] {
        assert!(types.contains(t), "no {t} pages");
    }
    for lang in ["en", "es", "fr", "de", "id", "ja", "zh", "ko", "th", "ar", "ru"] {
        assert!(
            WORLD.pages.iter().any(|p| p.label.language == lang),
            "no page in {lang}"
        );
    }
}

fn judgement_for<'a>(judgements: &'a [pickup::detect::Judgement], article: &str) -> &'a Verdict {
    &judgements
        .iter()
        .find(|j| j.article == article)
        .expect("judgement")
        .verdict
}

fn page(file: &str) -> &'static Document {
    &WORLD
        .pages
        .iter()
        .find(|p| p.label.file.ends_with(file))
        .expect(file)
        .doc
}

#[test]
fn one_judgement_per_article_in_config_order() {
    let judgements = DETECTOR.judge(page("en-verbatim-health-classic.html"));
    let ids: Vec<_> = judgements.iter().map(|j| j.article.as_str()).collect();
    let want: Vec<_> = WORLD.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, want);
}

#[test]
fn edited_copy_reports_the_cut_paragraphs_and_evidence() {
    // en-edited-cybercrime-classic drops paragraphs 1 and 7 (0-based).
    let judgements = DETECTOR.judge(page("en-edited-cybercrime-classic.html"));
    let Verdict::Hit(hit) = judgement_for(&judgements, "cybercrime-2021") else {
        panic!("{judgements:?}")
    };
    assert_eq!(hit.kind, Kind::Edited);
    assert_eq!(hit.missing_paragraphs, [1, 7]);
    assert!((0.5..0.97).contains(&hit.coverage), "{}", hit.coverage);
    assert!(
        !hit.evidence.is_empty() && hit.evidence.chars().count() <= 310,
        "{}",
        hit.evidence
    );
    assert!(hit.score > 0.0 && hit.score <= 1.0);
}

#[test]
fn near_miss_rejections_say_why() {
    // The extractor drops a "related stories" box, so give the detector the teaser itself: the
    // article's first paragraph on another article's page.
    let article = WORLD.articles.iter().find(|a| a.id == "cybercrime-2021").unwrap();
    let teaser_page = Document {
        title: Some("City council passes budget".into()),
        paragraphs: vec![
            "The city council approved a budget of $4.2 billion on Tuesday after a long debate.".into(),
            "Council members added money for snow removal and library hours.".into(),
            article.text.split("\n\n").next().unwrap().to_string(),
        ],
        ..Document::default()
    };
    let judgements = DETECTOR.judge(&teaser_page);
    let Verdict::Rejected { reason, .. } = judgement_for(&judgements, "cybercrime-2021") else {
        panic!("{judgements:?}")
    };
    assert!(reason.contains("teaser"), "{reason}");
    let judgements = DETECTOR.judge(page("en-lastyear-cybercrime.html"));
    let Verdict::Rejected { reason, .. } = judgement_for(&judgements, "cybercrime-2021") else {
        panic!()
    };
    assert!(reason.contains("scattered"), "{reason}");
}

#[test]
fn outlet_translation_says_its_language() {
    let judgements = DETECTOR.judge(page("de-outlet-cybercrime-classic.html"));
    let Verdict::Hit(hit) = judgement_for(&judgements, "cybercrime-2021") else {
        panic!("{judgements:?}")
    };
    assert_eq!((hit.kind, hit.language.as_str()), (Kind::Translation, "de"));
    assert!(!hit.evidence.is_empty());
}

#[test]
fn verdicts_serialise_as_the_contract_says() {
    let judgements = DETECTOR.judge(page("en-verbatim-cybercrime-classic.html"));
    let json = serde_json::to_value(&judgements[0]).unwrap();
    assert_eq!(json["verdict"], "hit");
    assert_eq!(json["kind"], "verbatim");
    assert_eq!(json["article"], "cybercrime-2021");
    let json = serde_json::to_value(&judgements[1]).unwrap();
    assert_eq!(json["verdict"], "rejected");
    assert!(json["reason"].is_string());
}

fn article(id: &str, author: Option<&str>, text: String) -> Article {
    Article {
        id: id.into(),
        title: "A Title For Testing".into(),
        author: author.map(Into::into),
        published: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        language: "en".into(),
        text,
        translations: vec![],
    }
}

#[test]
fn a_byline_alone_is_never_evidence() {
    let doc = Document {
        title: Some("Another op-ed by Wen Li-ming".into()),
        byline: Some("Wen Li-ming".into()),
        paragraphs: vec!["By Wen Li-ming, Commissioner of the Criminal Investigation Bureau".into()],
        ..Document::default()
    };
    assert!(
        DETECTOR
            .judge(&doc)
            .iter()
            .all(|j| matches!(j.verdict, Verdict::Rejected { .. }))
    );
}

#[test]
fn hostile_input_gives_verdicts_not_panics() {
    let detector = Detector::new(&[
        article("empty", None, String::new()),
        article("blank", Some(""), "\n\n \n".into()),
    ]);
    let huge = Document {
        paragraphs: vec!["word ".repeat(300_000), "１,２ ¿? 。".repeat(10_000)],
        ..Document::default()
    };
    for doc in [&Document::default(), &huge, page("en-verbatim-cybercrime-classic.html")] {
        let judgements = detector.judge(doc);
        assert_eq!(judgements.len(), 2);
        assert!(judgements.iter().all(|j| matches!(j.verdict, Verdict::Rejected { .. })));
    }
    assert!(Detector::new(&[]).judge(&huge).is_empty());
}

#[test]
fn detector_is_shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Detector>();
}

/// Prints every verdict that found anything, to see the margins:
/// `cargo test --test detection dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump() {
    for p in &WORLD.pages {
        for j in DETECTOR.judge(&p.doc) {
            let v = match &j.verdict {
                Verdict::Hit(h) => format!(
                    "HIT {} {} s={:.2} c={:.2} miss={:?}",
                    h.kind, h.language, h.score, h.coverage, h.missing_paragraphs
                ),
                Verdict::Rejected { score, reason } => format!("rej s={score:.2} {reason}"),
            };
            if !v.starts_with("rej s=0.00 no passage") {
                eprintln!(
                    "{:45} {:16} {}",
                    p.label.file.trim_start_matches("pages/"),
                    j.article,
                    v
                );
            }
        }
    }
}
