//! Docs a test keeps true: the README names every command and option `pickup --help` shows,
//! and every key the config file accepts.

use assert_cmd::Command;
use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

fn help(args: &[&str]) -> String {
    let out = Command::cargo_bin("pickup")
        .unwrap()
        .args(args)
        .arg("--help")
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn the_readme_documents_every_command_and_option() {
    let readme = readme();
    for command in ["run", "export", "report", "check", "status", "demo", "add", "outlets"] {
        assert!(help(&[]).contains(command), "--help lists {command}");
        assert!(
            readme.contains(&format!("`pickup {command}")),
            "README documents pickup {command}"
        );
        for line in help(&[command]).lines() {
            let Some(flag) = line.split_whitespace().find(|w| w.starts_with("--")) else {
                continue;
            };
            let flag = flag.trim_end_matches(',');
            if flag != "--help" {
                assert!(readme.contains(flag), "README documents {command} {flag}");
            }
        }
    }
}

/// The keys a config section accepts, as the parser itself lists them for an unknown key.
fn accepted_keys(section: &str) -> Vec<String> {
    let text = format!("{section}\nno_such_key = 1\n");
    let err = pickup::config::Config::from_str(&text, Path::new("probe.toml"))
        .unwrap_err()
        .to_string();
    let expected = err.split("expected").nth(1).unwrap_or_else(|| panic!("{err}"));
    expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn the_readme_documents_every_config_key() {
    let readme = readme();
    for (section, prefix) in [
        ("[crawl]", "crawl."),
        ("[store]", "store."),
        ("[alerts]", "alerts."),
        ("[polling]", "polling."),
        ("[recheck]", "recheck."),
        ("[report]", "report."),
        ("[discovery]", "discovery."),
        ("", ""),
    ] {
        let keys = accepted_keys(section);
        assert!(!keys.is_empty());
        for key in keys {
            // A section is documented through its keys (`store.path`, `outlets[]`).
            let documented = readme.contains(&format!("`{prefix}{key}`"))
                || (prefix.is_empty() && readme.contains(&format!("`{key}")));
            assert!(documented, "README's config reference lacks {prefix}{key}");
        }
    }
    for section in ["[[outlets]]", "[[articles]]"] {
        for key in accepted_keys(section) {
            let documented = readme.contains(&format!("`{key}`")) || readme.contains(&format!("`{key}[]`"));
            assert!(documented, "README's config reference lacks {section} {key}");
        }
    }
}

#[test]
fn the_readme_documents_every_outlets_csv_column_and_the_adopt_command() {
    let readme = readme();
    for column in [
        "name", "homepage", "country", "language", "audience", "feeds", "id", "pitched",
    ] {
        assert!(
            readme.contains(&format!("`{column}`")),
            "README documents the CSV column {column}"
        );
    }
    assert!(readme.contains("`pickup outlets adopt ID`"));
}
