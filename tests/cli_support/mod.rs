//! The `pickup` binary as the command-line tests drive it: the command with a hang bound, a
//! config folder holding the example article, and the fixture world served on 127.0.0.1 with a
//! config written for it.
//!
//! Each test crate uses only some of these, hence the `dead_code` allowance.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// No command may take longer than this in a test: a bound against hangs, not a timing.
pub const HANG_BOUND: Duration = Duration::from_secs(120);

/// The example op-ed every config folder holds as `articles/op-ed.txt`.
pub const ARTICLE: &str = "config/articles/cybercrime-2021.en.txt";

/// `[store]` and one `[[articles]]` entry for `articles/op-ed.txt`; tests append outlets.
pub const ARTICLE_TOML: &str = r#"
[store]
path = "store"

[[articles]]
id = "op-ed"
title = "Taiwan Can Help Fight Cybercrime in the Post-Pandemic Era"
published = "2021-11-10"
language = "en"
text = "articles/op-ed.txt"
"#;

/// The `pickup` binary, without a `PICKUP_CONFIG` from the environment, without colour, and
/// killed after [`HANG_BOUND`].
pub fn pickup() -> Command {
    let mut cmd = Command::cargo_bin("pickup").unwrap();
    cmd.env_remove("PICKUP_CONFIG").env("NO_COLOR", "1").timeout(HANG_BOUND);
    cmd
}

/// Runs `cmd`, which must exit with `code`; its standard error.
pub fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

/// A config folder with the example article and `body` as `pickup.toml`: the folder (removed
/// when dropped) and the config's path.
pub fn config_dir(body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("articles")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join(ARTICLE), dir.path().join("articles/op-ed.txt")).unwrap();
    let path = dir.path().join("pickup.toml");
    std::fs::write(&path, body).unwrap();
    (dir, path)
}

/// `fixtures/world`, as [`served`] starts it.
pub fn fixture_world() -> pickup::localweb::World {
    pickup::localweb::World::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/world")).unwrap()
}

/// A world served on 127.0.0.1 for as long as this lives, with the config `pickup demo` writes
/// for it in a temporary folder.
pub struct Served {
    pub web: pickup::localweb::LocalWeb,
    pub config: PathBuf,
    pub dir: tempfile::TempDir,
    _rt: tokio::runtime::Runtime,
}

/// Serves `world` and writes its config, with `extra_toml` appended (`DIR` in it stands for the
/// temporary folder).
pub fn served(world: &pickup::localweb::World, extra_toml: &str) -> Served {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let web = rt.block_on(pickup::localweb::LocalWeb::start(world)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = pickup::demo::write_config(&web, world, dir.path()).unwrap();
    if !extra_toml.is_empty() {
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push('\n');
        text.push_str(&extra_toml.replace("DIR", &dir.path().display().to_string()));
        text.push('\n');
        std::fs::write(&config, text).unwrap();
    }
    Served {
        web,
        config,
        dir,
        _rt: rt,
    }
}

/// The fixture world served on 127.0.0.1, with relay-wire's feed hanging on its first request
/// (longer than any test waits), so a run is mid-flight until it is stopped.
pub fn hanging_world() -> Served {
    let mut world = fixture_world();
    world
        .hosts
        .get_mut("relay-wire")
        .unwrap()
        .insert("_script".into(), b"/feed/ hang\n".to_vec());
    world.config = world.config.replace("timeout_secs = 5", "timeout_secs = 600");
    served(&world, "")
}

impl Served {
    /// `pickup ARGS --config CONFIG`, which must succeed; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = pickup().args(args).arg("--config").arg(&self.config).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }
}
