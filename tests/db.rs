//! `pickup db`: a dump restored is the store it was taken from, record for record; a bad dump is
//! refused before anything is written; `db check` tells a sound store from a damaged one and
//! says how to recover; a full disk stops a run with exit 1 naming the store, which reads again
//! once space is freed.

use std::path::{Path, PathBuf};

mod cli_support;

use cli_support::{Served, fixture_world, pickup, served};

/// The fixture world on 127.0.0.1 after two runs (placements, judged pages, sources, robots.txt
/// copies, runs, an alert outbox and export marks: every tree pickup keeps).
fn world_after_runs() -> Served {
    let w = served(&fixture_world(), "[alerts]\ncommand = 'cat > /dev/null'");
    for _ in 0..2 {
        w.ok(&["run", "--quiet"]);
    }
    // One placement re-checked and found gone, so records carry re-check fields besides proof.
    {
        let store = pickup::store::Store::open(&w.dir.path().join("data/pickup.sled")).unwrap();
        let (key, hit) = store.hit_entries().unwrap().remove(0);
        assert!(hit.proof.is_some(), "proof kept at record time");
        let at = "2030-01-02T03:04:05Z".parse().unwrap();
        let gone = pickup::recheck::Recheck::decided(at, pickup::recheck::LiveStatus::Gone, Some("http 410".into()));
        assert!(store.note_recheck(&key, &gone, None).unwrap());
    }
    w.ok(&["export", "--format", "json", "--mark"]);
    w
}

fn contents(path: &Path) -> pickup::backup::Contents {
    pickup::backup::contents(&pickup::store::Store::open(path).unwrap()).unwrap()
}

/// A copy of `config` whose store is `store`.
fn config_with_store(config: &Path, store: &Path) -> PathBuf {
    let text = std::fs::read_to_string(config).unwrap().replace(
        "path = \"data/pickup.sled\"",
        &format!("path = \"{}\"", store.display()),
    );
    let path = config.with_file_name("restored.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_dump_restored_is_the_same_store_record_for_record() {
    let w = world_after_runs();
    let original = w.dir.path().join("data/pickup.sled");
    let dump = w.dir.path().join("backup.jsonl");
    pickup()
        .args(["db", "dump", "-o"])
        .arg(&dump)
        .arg("--config")
        .arg(&w.config)
        .assert()
        .success();

    let restored = w.dir.path().join("restored.sled");
    let config = config_with_store(&w.config, &restored);
    pickup()
        .args(["db", "restore"])
        .arg(&dump)
        .arg("--config")
        .arg(&config)
        .assert()
        .success();

    let (before, after) = (contents(&original), contents(&restored));
    let trees: Vec<&str> = before.iter().map(|(t, _)| t.as_str()).collect();
    for tree in [
        "hits",
        "seen",
        "sources",
        "robots",
        "runs",
        "alerts",
        "exported",
        "__sled__default",
    ] {
        assert!(trees.contains(&tree), "the fixture has a {tree} tree: {trees:?}");
    }
    assert_eq!(before.len(), after.len());
    for ((tree, a), (tree2, b)) in before.iter().zip(&after) {
        assert_eq!(tree, tree2);
        assert_eq!(a.len(), b.len(), "{tree}: as many records");
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x, y, "{tree}: every key and value byte for byte");
        }
    }
    // And the restored store dumps to the same file, and works: exports the same placements.
    let again = pickup()
        .args(["db", "dump", "--config"])
        .arg(&config)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(again, std::fs::read(&dump).unwrap());
    // The placements read back with their proof and re-check findings exactly.
    let hits = |p: &Path| pickup::store::Store::open(p).unwrap().hits().unwrap();
    let (a, b) = (hits(&original), hits(&restored));
    assert_eq!(a, b);
    assert!(b.iter().all(|h| h.proof.is_some()));
    let gone: Vec<_> = b.iter().filter_map(|h| h.recheck.as_ref()).collect();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].status, Some(pickup::recheck::LiveStatus::Gone));
    let export = |c: &Path| {
        pickup()
            .args(["export", "--format", "json", "--config"])
            .arg(c)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(export(&w.config), export(&config));

    // A restore never overwrites a store that holds records.
    let err = pickup()
        .args(["db", "restore"])
        .arg(&dump)
        .arg("--config")
        .arg(&config)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("already holds records"));
}

#[test]
fn a_cut_or_garbled_dump_is_refused_naming_its_line_and_nothing_is_written() {
    let w = world_after_runs();
    let dump = pickup()
        .args(["db", "dump", "--config"])
        .arg(&w.config)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(dump).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines[..lines.len() - 3].join("\n");
    let mut garbled: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    garbled[4] = "{\"tree\":\"hits\",\"key\":".into();
    for (name, body, expected) in [
        ("cut.jsonl", cut, "it was cut short"),
        (
            "garbled.jsonl",
            garbled.join("\n"),
            "garbled.jsonl:5: not a dump record",
        ),
    ] {
        let file = w.dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let store = w.dir.path().join(format!("{name}.sled"));
        let config = config_with_store(&w.config, &store);
        let out = pickup()
            .args(["db", "restore"])
            .arg(&file)
            .arg("--config")
            .arg(&config)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(expected), "{err}");
        let left: usize = contents(&store)
            .iter()
            .filter(|(t, _)| t != "__sled__default")
            .map(|(_, r)| r.len())
            .sum();
        assert_eq!(left, 0, "nothing restored from {name}");
    }
}

#[test]
fn db_check_passes_a_sound_store_and_names_damage_with_the_way_back() {
    let w = world_after_runs();
    let out = pickup()
        .args(["db", "check", "--config"])
        .arg(&w.config)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("the store is sound") && text.contains("hits"), "{text}");

    // Damage the start of the store's log: the storage engine drops what follows.
    let store = w.dir.path().join("data/pickup.sled");
    {
        use std::io::{Seek, Write};
        let mut db = std::fs::OpenOptions::new().write(true).open(store.join("db")).unwrap();
        db.seek(std::io::SeekFrom::Start(0)).unwrap();
        db.write_all(&[0x5a; 4096]).unwrap();
    }
    let out = pickup()
        .args(["db", "check", "--config"])
        .arg(&w.config)
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("damaged:") || text.contains("is damaged"), "{text}");
    assert!(
        text.contains("To recover") && text.contains("pickup db restore"),
        "{text}"
    );
}

/// A 1 MiB tmpfs, unmounted when dropped; `None` where mounting is not allowed (not root).
struct SmallFs(tempfile::TempDir);

impl SmallFs {
    fn mount() -> Option<SmallFs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallFs(dir))
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_stops_a_run_with_exit_1_naming_the_store_which_reads_again_once_freed() {
    let Some(fs) = SmallFs::mount() else {
        eprintln!(
            "SKIPPED: cannot mount a small tmpfs here (needs root); the storage error path is still covered by the damaged-store tests"
        );
        return;
    };
    let w = world_after_runs();
    let store = fs.0.path().join("store");
    let config = config_with_store(&w.config, &store);
    pickup()
        .args(["run", "--quiet", "--config"])
        .arg(&config)
        .assert()
        .success();
    let filler = fs.0.path().join("filler");
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", "bs=4096"])
        .arg(format!("of={}", filler.display()))
        .stderr(std::process::Stdio::null())
        .status();
    let out = pickup().args(["run", "--config"]).arg(&config).assert().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains(&store.display().to_string()) && err.contains("No space left"),
        "{err}"
    );
    std::fs::remove_file(&filler).unwrap();
    pickup().args(["status", "--config"]).arg(&config).assert().success();
    pickup()
        .args(["db", "check", "--config"])
        .arg(&config)
        .assert()
        .success();
}
