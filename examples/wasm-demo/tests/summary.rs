//! Runs the native demo binary: it must pass its own checks and print the same summary every time.

use std::collections::BTreeMap;
use std::process::Command;

/// `EVENT_COUNT` and `ACTORS.len()` of the scenario.
const EVENTS: u64 = 96;
const ACTORS: u64 = 8;

fn run_demo() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_wasm-demo"))
        .output()
        .expect("run wasm-demo");
    let stdout = String::from_utf8(output.stdout).expect("utf-8 stdout");
    assert!(
        output.status.success(),
        "wasm-demo failed ({}):\n{stdout}",
        output.status
    );
    stdout
}

/// The `key=value` fields of each summary line, by the line's label.
fn fields(stdout: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    stdout
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let label = words.next()?.to_owned();
            let pairs = words
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()));
            Some((label, pairs.collect()))
        })
        .collect()
}

fn number(summary: &BTreeMap<String, BTreeMap<String, String>>, label: &str, key: &str) -> u64 {
    summary[label][key]
        .parse()
        .unwrap_or_else(|_| panic!("{label} {key} is not a number"))
}

#[test]
fn passes_its_checks_and_reports_the_scenario_counts() {
    let stdout = run_demo();
    assert!(!stdout.contains("FAILED"), "{stdout}");
    let summary = fields(&stdout);

    assert_eq!(number(&summary, "bus", "published"), EVENTS);
    assert_eq!(number(&summary, "bus", "appended"), EVENTS);
    assert_eq!(number(&summary, "bus", "lost"), 0);
    let kinds: u64 = summary["kinds"]
        .values()
        .map(|v| v.parse::<u64>().expect("kind count"))
        .sum();
    assert_eq!(kinds, EVENTS, "kind counts add up to every event");
    assert_eq!(summary["sources"].len() as u64, ACTORS);
    let sources: u64 = summary["sources"]
        .values()
        .map(|v| v.parse::<u64>().expect("source count"))
        .sum();
    assert_eq!(sources, EVENTS, "source counts add up to every event");
    assert_eq!(
        number(&summary, "pages", "events"),
        number(&summary, "kinds", "post.like")
    );
    // The kind patterns split the log into its two families, and the live pattern subscription
    // saw the same links the query finds.
    let links = number(&summary, "kinds", "link.follow") + number(&summary, "kinds", "link.share");
    assert_eq!(number(&summary, "patterns", "link.*"), links);
    assert_eq!(number(&summary, "patterns", "post.*"), EVENTS - links);
    assert_eq!(
        number(&summary, "patterns", "post"),
        0,
        "no kind is just \"post\""
    );
    assert_eq!(number(&summary, "bus", "live_links"), links);
    assert_eq!(
        number(&summary, "overrun", "kept"),
        number(&summary, "overrun", "capacity")
    );
    assert_eq!(number(&summary, "graph", "nodes"), ACTORS);
    let reached = number(&summary, "traverse", "reached");
    assert!((1..=ACTORS).contains(&reached), "reached {reached}");
    assert_eq!(
        summary["traverse"]["order"].split(',').count() as u64,
        reached
    );
    assert!(summary["path"]["route"].starts_with("ada>"), "{stdout}");

    // Recall: every actor by label, by a time window around the puts and by the page walk; none by
    // windows that miss the puts, nor by a text that is only part of a word; a text finds what the
    // tags (and the label) it names find.
    let every_actor = summary["find"]["label:actor"].split(',').count() as u64;
    assert_eq!(every_actor, ACTORS);
    assert_eq!(number(&summary, "created", "around_puts"), ACTORS);
    assert_eq!(number(&summary, "created", "before_puts"), 0);
    assert_eq!(number(&summary, "created", "after_puts"), 0);
    assert_eq!(number(&summary, "walk", "nodes"), ACTORS);
    assert_eq!(
        summary["text"]["pop"], "none",
        "a text matches whole words only"
    );
    assert_eq!(
        summary["text"]["Popular-SOUTH"], summary["find"]["tags:south+popular"],
        "the words of a text match the tags they name, whatever their case"
    );
    assert_eq!(summary["text"]["ACTOR.north"], summary["find"]["tag:north"]);

    let checksum = &summary["checksum"]["fnv1a64"];
    assert!(
        checksum.len() == 16 && checksum.chars().all(|c| c.is_ascii_hexdigit()),
        "{checksum}"
    );
    let checks = stdout
        .lines()
        .find(|l| l.starts_with("checks "))
        .expect("a checks line");
    let (passed, total) = checks
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.split_once('/'))
        .expect("passed/total");
    assert_eq!(passed, total, "{checks}");
}

#[test]
fn prints_the_same_summary_every_run() {
    assert_eq!(run_demo(), run_demo());
}

/// A summary that cannot be written fails the run with the reason, where `print!` would panic.
#[cfg(target_os = "linux")]
#[test]
fn a_summary_it_cannot_write_fails_the_run_and_says_why() {
    let full = std::fs::File::create("/dev/full").expect("open /dev/full");
    let output = Command::new(env!("CARGO_BIN_EXE_wasm-demo"))
        .stdout(full)
        .output()
        .expect("run wasm-demo");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // ENOSPC, in the standard library's words for `io::ErrorKind::StorageFull`.
    let expected = format!(
        "wasm-demo: cannot write the summary to stdout: {}\n",
        std::io::ErrorKind::StorageFull
    );
    assert_eq!(stderr, expected);
}
