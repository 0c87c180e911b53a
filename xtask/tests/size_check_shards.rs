//! Sharded size checks: the parts of a run, each a separate process, merged, report what one run
//! reports; and a merge refuses anything but the whole set of one run's shards.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_holds, exited, stderr, stdout, TinyCrate, WITH_CHECKSUM};

/// Five artifacts of the fixture crate: its own program and four more binaries.
const BINS: [&str; 4] = ["one", "two", "three", "four"];

fn budget() -> String {
    let mut text = String::from("[tolerance]\npercent = 0.0\nbytes = 0\n\n[artifact.tiny]\nbudget = \"1 MiB\"\ntarget = \"tiny\"\n");
    for bin in BINS {
        text += &format!(
            "\n[artifact.{bin}]\ncrate = \"tiny\"\ntarget = \"{bin}\"\nbudget = \"1 MiB\"\n"
        );
    }
    text
}

fn program(word: &str) -> String {
    format!("//! One of the fixture's programs.\n\nfn main() {{\n    println!(\"{word}\");\n}}\n")
}

/// The artifacts a `size-check --json` report lists, in its order.
fn reported_names(json: &[u8]) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(json).unwrap();
    report["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A report less its wall times, which each process measures for itself when a module is not in
/// its cache: the values of `compile_ms` and `instantiate_ms` in JSON, and the last column of the
/// run table (`compile / instantiate`, right-aligned, so its width is its own).
fn less_timings(report: &str) -> String {
    let mut run_table = false;
    report
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("\"compile_ms\"") || trimmed.starts_with("\"instantiate_ms\"") {
                return line.split(':').next().unwrap_or(line).to_owned() + ": …";
            }
            run_table |= line.ends_with("compile / instantiate");
            if run_table && !line.is_empty() {
                return line
                    .trim_end()
                    .rsplit_once("  ")
                    .map_or(line, |(rest, _)| rest)
                    .trim_end()
                    .to_owned();
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a run says failed: its stderr from the first `error:` line on, which ends it.
fn failure_report(text: &str) -> &str {
    text.find("error:").map_or("", |start| &text[start..])
}

#[test]
fn four_shards_merged_report_what_one_run_reports() {
    let fixture = TinyCrate::new("shards", &budget());
    std::fs::create_dir_all(fixture.path("src/bin")).unwrap();
    for bin in BINS {
        fixture.write(&format!("src/bin/{bin}.rs"), &program(bin));
    }
    let output = fixture.xtask(&["size-check", "--update"]);
    exited(&output, 0);

    // `tiny` grows past a zero tolerance: the run fails, and says what grew.
    fixture.write("src/main.rs", WITH_CHECKSUM);
    let whole = fixture.xtask(&["size-check", "--json"]);
    exited(&whole, 1);
    assert_eq!(
        reported_names(&whole.stdout),
        ["tiny", "one", "two", "three", "four"]
    );
    assert_holds(&stderr(&whole), "error: tiny: grew beyond its tolerance");

    // Each shard in a process of its own, then the merge, given the files in another order.
    let mut files = Vec::new();
    for index in 1..=4 {
        let part = fixture.xtask(&["size-check", "--shard", &format!("{index}/4")]);
        let file = fixture.path(&format!("shard-{index}.json"));
        std::fs::write(&file, &part.stdout).unwrap();
        files.push(file.to_str().unwrap().to_owned());
    }
    files.reverse();
    let merge = |extra: &[&str]| {
        let mut args = vec!["size-check", "--merge"];
        args.extend(files.iter().map(String::as_str));
        args.extend_from_slice(extra);
        fixture.xtask(&args)
    };
    let merged = merge(&["--json"]);
    assert_eq!(
        merged.status.code(),
        whole.status.code(),
        "{}",
        stderr(&merged)
    );
    assert_eq!(
        less_timings(&stdout(&merged)),
        less_timings(&stdout(&whole)),
        "the merged JSON is the run's, byte for byte but for wall times"
    );
    assert_eq!(
        failure_report(&stderr(&merged)),
        failure_report(&stderr(&whole))
    );
    assert!(failure_report(&stderr(&whole)).contains("functions that grew most"));
    let table = fixture.xtask(&["size-check"]);
    assert_eq!(
        less_timings(&stdout(&merge(&[]))),
        less_timings(&stdout(&table)),
        "and so is the table"
    );

    // A merge of anything but the whole set of one run's shards is refused with 2.
    let refused = |args: &[&str], says: &str| {
        let output = fixture.xtask(args);
        exited(&output, 2);
        assert_holds(&stderr(&output), says);
        assert_holds(&stderr(&output), "fix: ");
    };
    let (first, second) = (files[0].as_str(), files[1].as_str());
    refused(
        &["size-check", "--merge", first, second],
        "missing from --merge",
    );
    refused(
        &[
            "size-check",
            "--merge",
            first,
            first,
            second,
            files[2].as_str(),
            files[3].as_str(),
        ],
        "are both shard",
    );
    fixture.write("not-a-shard.json", "{\"passed\": true, \"artifacts\": []}");
    refused(
        &[
            "size-check",
            "--merge",
            fixture.path("not-a-shard.json").to_str().unwrap(),
        ],
        "is not a size-check shard file",
    );
    // The shards judged another budget than this checkout's.
    fixture.write(
        "size-budget.toml",
        &budget().replace("percent = 0.0", "percent = 50.0"),
    );
    let mut args = vec!["size-check", "--merge"];
    args.extend(files.iter().map(String::as_str));
    refused(&args, "was judged against another size-budget.toml");
    // A part that does not exist is a usage error, whose message shows a right one.
    for part in ["0/3", "4/3", "2"] {
        let output = fixture.xtask(&["size-check", "--shard", part]);
        exited(&output, 2);
        assert_holds(
            &stderr(&output),
            "is not I/N with 1 <= I <= N (e.g. `--shard 2/4`)",
        );
    }
}

#[test]
fn an_artifact_that_does_not_build_leaves_the_others_reported() {
    let budget = "[artifact.tiny]\nbudget = \"1 MiB\"\ntarget = \"tiny\"\n\n\
                  [artifact.broken]\ncrate = \"tiny\"\ntarget = \"broken\"\nbudget = \"1 MiB\"\n\n\
                  [artifact.one]\ncrate = \"tiny\"\ntarget = \"one\"\nbudget = \"1 MiB\"\n";
    let fixture = TinyCrate::new("shards-broken", budget);
    std::fs::create_dir_all(fixture.path("src/bin")).unwrap();
    fixture.write("src/bin/one.rs", &program("one"));
    fixture.write("src/bin/broken.rs", "fn main() { let x: u8 = \"text\"; }\n");
    let output = fixture.xtask(&["size-check", "--json", "-j", "2"]);
    exited(&output, 1);
    assert_eq!(
        reported_names(&output.stdout),
        ["tiny", "one"],
        "both built artifacts are measured, in order"
    );
    let err = stderr(&output);
    assert_holds(&err, "error: build broken");
    // Without a baseline, the measured ones fail closed as well, each named.
    assert_holds(&err, "error: tiny: size-baseline.json is missing");
    assert_holds(&err, "error: one: size-baseline.json is missing");

    // Nor does --update accept a run in which an artifact did not build.
    let output = fixture.xtask(&["size-check", "--update"]);
    exited(&output, 1);
    assert!(stderr(&output).contains("error: build broken"));
    assert!(!fixture.path("size-baseline.json").exists());
}
