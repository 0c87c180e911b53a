//! README.md stays a short manual whose commands are real: at most 250 lines, every `cargo xtask`
//! command it and docs/ name is one the xtask has, with flags its `--help` lists, every relative
//! link points at a file, and its Rust example compiles against cortex-core.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const MAX_README_LINES: usize = 250;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// README.md and every Markdown file of docs/, as (path relative to the root, text).
fn manuals() -> Vec<(String, String)> {
    let mut paths = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| path.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(root().join(&path)).unwrap();
            (path.display().to_string(), text)
        })
        .collect()
}

/// One `cargo xtask …` a manual gives: the subcommand and the flags used with it.
#[derive(Debug, PartialEq)]
struct Invocation {
    command: String,
    flags: Vec<String>,
    /// As written, for the failure message.
    text: String,
}

/// Every `cargo xtask <command> …` in `text`, read up to the end of its code span, line or comment.
/// Placeholders (`<command>`, `…`) are not commands; flags after `--` belong to another program.
fn invocations(text: &str) -> Vec<Invocation> {
    const START: &str = "cargo xtask ";
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(START) {
        rest = &rest[at + START.len()..];
        let end = rest
            .find(['`', '\n', '#', ')', ';', '|', '"', '\\'])
            .unwrap_or(rest.len());
        let written = rest[..end].trim();
        let mut words = written
            .split_whitespace()
            .map(|word| word.trim_end_matches([',', '.', ':']));
        let Some(command) = words.next() else {
            continue;
        };
        if command.is_empty() || !command.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            continue;
        }
        let flags = words
            .take_while(|word| *word != "--")
            .filter(|word| word.starts_with('-'))
            .map(|word| word.split('=').next().unwrap().to_owned())
            .collect();
        found.push(Invocation {
            command: command.to_owned(),
            flags,
            text: format!("cargo xtask {written}"),
        });
    }
    found
}

/// What `cargo xtask <command> --help` prints, or why it failed.
fn help(command: &str) -> Result<String, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([command, "--help"])
        .output()
        .unwrap();
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The flags a help text lists (`-p`, `--package`, `--html`, …).
fn listed_flags(help: &str) -> BTreeSet<String> {
    help.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| word.starts_with('-') && word.len() > 1)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_is_at_most_250_lines() {
    let lines = std::fs::read_to_string(root().join("README.md"))
        .unwrap()
        .lines()
        .count();
    assert!(
        lines <= MAX_README_LINES,
        "README.md is {lines} lines, more than {MAX_README_LINES}: move reference material to docs/"
    );
}

#[test]
fn every_xtask_command_the_manuals_give_exists_with_its_flags() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, text) in manuals() {
        for invocation in invocations(&text) {
            checked += 1;
            let help = match help(&invocation.command) {
                Ok(help) => help,
                Err(stderr) => {
                    problems.push(format!(
                        "{path}: `{}`: no command `{}`: {}",
                        invocation.text,
                        invocation.command,
                        stderr.lines().next().unwrap_or_default()
                    ));
                    continue;
                }
            };
            let listed = listed_flags(&help);
            for flag in &invocation.flags {
                if !listed.contains(flag) {
                    problems.push(format!(
                        "{path}: `{}`: `cargo xtask {} --help` lists no {flag}",
                        invocation.text, invocation.command
                    ));
                }
            }
        }
    }
    assert!(
        checked >= 10,
        "found only {checked} `cargo xtask` commands in README.md and docs/"
    );
    assert!(
        problems.is_empty(),
        "the manuals give commands the xtask does not take; fix the text or the command:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_readme_opens_with_its_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("```sh\n").expect("README.md has a ```sh block") + 6;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    for command in ["cargo xtask size-check", "cargo xtask test"] {
        assert!(
            block
                .lines()
                .any(|line| line.starts_with(&format!("{command} "))),
            "README.md's first sh block no longer gives `{command}` (CI and users run it)"
        );
    }
}

#[test]
fn every_relative_link_of_the_manuals_points_at_a_file() {
    let mut broken = Vec::new();
    for (path, text) in manuals() {
        let dir = root().join(&path).parent().unwrap().to_path_buf();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = rest[..end].split('#').next().unwrap();
            if target.is_empty() || target.contains("://") {
                continue;
            }
            if !dir.join(target).exists() {
                broken.push(format!("{path}: ({target})"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
}

/// The first ```rust block of README.md, compiled (`cargo check`) as the body of a `main` in a
/// crate that depends on cortex-core without default features, offline, from the workspace's lock.
#[test]
fn the_readme_rust_example_compiles() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```rust\n")
        .expect("README.md has a ```rust block")
        + 8;
    let body = &readme[start..start + readme[start..].find("```").unwrap()];

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("readme-rust-example");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"readme-example\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ncortex-core = {{ path = {:?}, default-features = false }}\n\n[workspace]\n",
        root().join("cortex-core")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let main =
        format!("#![allow(unused)]\nfn main() -> cortex_core::Result<()> {{\n{body}\nOk(())\n}}\n");
    std::fs::write(dir.join("src/main.rs"), main).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    common::succeeded(
        Command::new(cargo)
            .args(["check", "--offline", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env_remove("RUSTFLAGS"),
        "compiling README.md's Rust example",
    );
}

#[test]
fn invocations_are_read_up_to_the_end_of_their_span() {
    let text = "run `cargo xtask size-why cortex-core --html --base main`, then\n\
                cargo xtask bench --filter traversal # one scenario\n\
                `cargo xtask test -- -p cortex-core` and `cargo xtask <command> --help` or `cargo xtask …`";
    let found: Vec<(String, Vec<String>)> = invocations(text)
        .into_iter()
        .map(|i| (i.command, i.flags))
        .collect();
    let owned = |flags: &[&str]| flags.iter().map(|f| f.to_string()).collect::<Vec<_>>();
    assert_eq!(
        found,
        vec![
            ("size-why".to_owned(), owned(&["--html", "--base"])),
            ("bench".to_owned(), owned(&["--filter"])),
            ("test".to_owned(), owned(&[])),
        ]
    );
}
