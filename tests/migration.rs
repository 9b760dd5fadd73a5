//! A store written by the schema-1 release (fixtures/store-v1) opens in this one: it is copied
//! beside itself, migrated, and every placement comes through re-keyed with nothing lost.

use pickup::store::{HitRecord, SCHEMA_VERSION, Store, StoreError, hit_key};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/store-v1")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The schema version a store directory holds, read without pickup (which would migrate it).
fn schema_of(path: &Path) -> u32 {
    let db = sled::Config::new().path(path).flush_every_ms(None).open().unwrap();
    let v = db.get(b"schema_version").unwrap().unwrap();
    u32::from_be_bytes(v.as_ref().try_into().unwrap())
}

#[test]
fn a_schema_1_store_is_backed_up_and_migrated_with_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pickup.sled");
    copy_dir(&fixture().join("store"), &path);
    assert_eq!(schema_of(&path), 1, "the fixture is a schema-1 store");

    // What the schema-1 pickup read from this store, read by this one's record type.
    let before: Vec<HitRecord> =
        serde_json::from_str(&std::fs::read_to_string(fixture().join("records.json")).unwrap()).unwrap();
    assert_eq!(before.len(), 7);

    let store = Store::open(&path).unwrap();
    let mut after = store.hits().unwrap();
    assert_eq!(after.len(), before.len(), "nothing lost, nothing split");
    let mut expected = before.clone();
    let key = |h: &HitRecord| hit_key(&h.article, &h.canonical_url);
    expected.sort_by_key(key);
    after.sort_by_key(key);
    assert_eq!(after, expected, "every field of every record as schema 1 had it");

    // Fields schema 1 did not keep read as unknown, not as invented values.
    for h in &after {
        assert_eq!(h.found_via, None);
        assert_eq!(
            (&h.syndicated_from, &h.group, &h.date_note, h.audience),
            (&None, &None, &None, None)
        );
        assert!(h.missing_paragraphs.is_empty());
    }
    // UTC timestamps written by schema 1 read as offset +00:00 and export unchanged.
    let ct = after
        .iter()
        .find(|h| h.outlet == "capital-tribune" && h.article == "cybercrime-2021")
        .unwrap();
    assert_eq!(
        ct.published.map(|p| p.to_rfc3339()),
        Some("2021-11-12T13:00:00+00:00".to_string())
    );
    // The schema-1 record of a page seen under three URLs keeps the other two as variants.
    let energy = after.iter().find(|h| h.article == "energy-2022").unwrap();
    assert_eq!(
        energy.url,
        "https://www.capital-tribune.example/opinion/2022/03/03/energy-security"
    );
    assert_eq!(
        energy.variants,
        [
            "https://www.capital-tribune.example/news/2022/03/02/energy-teaser",
            "https://www.capital-tribune.example/opinion/2022/03/03/energy-security/amp"
        ]
    );
    assert_eq!(energy.first_seen.to_rfc3339(), "2022-03-02T08:00:00+00:00");

    // The rest of the store came through as it was.
    assert_eq!(store.seen_count(), 18);
    assert_eq!(store.sources().unwrap().len(), 11);
    assert!(store.last_run().unwrap().is_some());

    // The new key: the same page under another URL is still that placement.
    let amp = HitRecord {
        url: format!("{}/amp?utm_source=x", ct.url),
        canonical_url: format!("{}/amp?utm_source=x", ct.canonical_url.replace("http://", "https://")),
        first_seen: "2030-01-01T00:00:00Z".parse().unwrap(),
        ..ct.clone()
    };
    assert!(
        !store.record_hit(&amp).unwrap(),
        "an AMP URL of a migrated page is not new"
    );
    assert_eq!(store.hits().unwrap().len(), 7);
    drop(store);

    // The copy beside it is the schema-1 store, untouched; the store itself is schema 2 now.
    let backup = dir.path().join("pickup.sled.v1-backup");
    assert_eq!(schema_of(&backup), 1);
    assert_eq!(schema_of(&path), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);
    // Opening again migrates nothing and makes no second copy.
    let again = Store::open(&path).unwrap();
    assert_eq!(again.hits().unwrap().len(), 7);
    assert!(!dir.path().join("pickup.sled.v1-backup.2").exists());
}

#[test]
fn a_newer_schema_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    {
        let db = sled::Config::new().path(&path).flush_every_ms(None).open().unwrap();
        db.insert(b"schema_version", &(SCHEMA_VERSION + 1).to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    match Store::open(&path) {
        Err(StoreError::Schema { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert!(
        !dir.path().join("s.v1-backup").exists(),
        "no copy of a store it cannot read"
    );
}
