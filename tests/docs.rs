//! Docs a test keeps true: the README's command table is the commands, options and arguments
//! `pickup --help` shows, and the README names every key the config file accepts.

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

/// The README's Commands table: each row's usage (`pickup db dump [-o FILE]`) as the command
/// path (`["db", "dump"]`), the options it names, and how many bare arguments it takes.
fn readme_commands() -> Vec<(Vec<String>, Vec<String>, usize)> {
    let readme = readme();
    let table = readme.split("## Commands").nth(1).unwrap();
    let table = &table[..table.find("\n## ").unwrap_or(table.len())];
    let mut rows = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| `pickup ")) {
        let usage = line.split('`').nth(1).unwrap().replace("\\|", "|");
        let words: Vec<&str> = usage.split_whitespace().skip(1).collect();
        let path: Vec<String> = words
            .iter()
            .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase()))
            .map(|w| w.to_string())
            .collect();
        let mut flags = Vec::new();
        for word in &words {
            for part in word.trim_matches(|c| c == '[' || c == ']').split('|') {
                if part.starts_with('-') {
                    flags.push(part.to_string());
                }
            }
        }
        let (mut depth, mut bare) = (0, 0);
        for word in &words[path.len()..] {
            if depth == 0 && !word.starts_with('[') && !word.starts_with('-') {
                bare += 1;
            }
            depth += word.matches('[').count();
            depth -= word.matches(']').count();
        }
        rows.push((path, flags, bare));
    }
    rows
}

/// The subcommands a `--help` lists (its "Commands:" block, without `help`).
fn subcommands(help: &str) -> Vec<String> {
    let Some(block) = help.split("Commands:\n").nth(1) else {
        return Vec::new();
    };
    block
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The options a `--help` lists, short and long (`-o`, `--output`).
fn options(help: &str) -> Vec<String> {
    let block = help.split("Options:\n").nth(1).unwrap_or("");
    let mut found = Vec::new();
    for line in block.lines().map(str::trim_start).filter(|l| l.starts_with('-')) {
        for word in line.split_whitespace() {
            let word = word.trim_end_matches(',');
            if word.starts_with('-') && word.len() > 1 {
                found.push(word.to_string());
            } else {
                break;
            }
        }
    }
    found
}

#[test]
fn the_readme_command_table_is_what_help_says() {
    let rows = readme_commands();
    // Every leaf command --help lists has a row, and every row is a command --help lists.
    let mut leaves = Vec::new();
    for command in subcommands(&help(&[])) {
        let subs = subcommands(&help(&[&command]));
        if subs.is_empty() {
            leaves.push(vec![command]);
        } else {
            leaves.extend(subs.into_iter().map(|s| vec![command.clone(), s]));
        }
    }
    let mut documented: Vec<Vec<String>> = rows.iter().map(|(path, _, _)| path.clone()).collect();
    leaves.sort();
    documented.sort();
    assert_eq!(documented, leaves, "README command table against --help");

    let global = options(&help(&[]));
    for (path, flags, bare) in &rows {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&path);
        let accepted = options(&text);
        for flag in flags {
            assert!(
                accepted.contains(flag),
                "pickup {path:?} has no {flag}, as the README says"
            );
        }
        for flag in accepted.iter().filter(|f| !global.contains(f)) {
            assert!(
                flags.contains(flag),
                "the README's row for pickup {path:?} lacks {flag}"
            );
        }
        let usage = text.lines().find(|l| l.starts_with("Usage:")).unwrap();
        let arguments = usage.matches('<').count() - usize::from(usage.contains("<COMMAND>"));
        assert_eq!(*bare, arguments, "arguments of pickup {path:?}: {usage}");
    }
}

#[test]
fn every_global_option_is_documented() {
    let readme = readme();
    for flag in options(&help(&[]))
        .iter()
        .filter(|f| f.starts_with("--") && *f != "--help")
    {
        assert!(readme.contains(&format!("`{flag}")), "README documents {flag}");
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
fn the_readme_documents_every_outlets_csv_column_by_every_name_and_the_adopt_command() {
    let readme = readme();
    // The table of "Outlets from a spreadsheet": `column` | also called, comma-separated | …
    let section = readme.split("### Outlets from a spreadsheet").nth(1).unwrap();
    let section = &section[..section.find("\n#").unwrap_or(section.len())];
    let documented: std::collections::BTreeMap<&str, Vec<&str>> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let aliases = cells[2].split(", ").filter(|a| !a.is_empty()).collect();
            (cells[1].trim_matches('`'), aliases)
        })
        .collect();
    let accepted: std::collections::BTreeMap<&str, Vec<&str>> = pickup::config::outlets_csv_columns()
        .into_iter()
        .map(|names| (names[0], names[1..].to_vec()))
        .collect();
    assert_eq!(documented, accepted, "README's outlets CSV table against the loader");
    assert!(readme.contains("`pickup outlets adopt ID`"));
}
