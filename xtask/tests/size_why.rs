//! `size-why` and the growth report under a size-check failure, on a copy of the `tiny` fixture crate.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_holds, TinyCrate};

/// Shared between runs and tests, so only the first build is cold.
fn tiny() -> TinyCrate {
    TinyCrate::new("size-why-tiny", "[artifact.tiny]\nbudget = \"1 MiB\"\n")
}

#[test]
fn size_why_lists_functions_and_sections_that_sum_to_the_named_file() {
    let fixture = tiny();
    let output = fixture.xtask(&["size-why", "tiny", "--top", "5"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let named = std::fs::metadata(fixture.gate_dir().join("opt/named/tiny.wasm"))
        .unwrap()
        .len();
    assert_holds(
        &stdout,
        &format!("100.0%  total (the file is {named} bytes)"),
    );
    assert!(
        stdout.contains("differs by +0 bytes"),
        "the named copy's code matches what ships: {stdout}"
    );
    let listed: Vec<u64> = stdout
        .lines()
        .skip_while(|line| !line.contains("function"))
        .skip(1)
        .take_while(|line| !line.contains("all "))
        .map(|line| line.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(listed.len(), 6, "five functions and the rest: {stdout}");
    assert!(
        listed[..5].windows(2).all(|w| w[0] >= w[1]),
        "largest first: {stdout}"
    );
    let output = fixture.xtask(&["size-why", "tiny", "--top", "1000"]);
    let all = String::from_utf8_lossy(&output.stdout);
    let main = all
        .lines()
        .find(|line| line.contains("tiny::main"))
        .expect("tiny::main is listed");
    assert!(
        main.trim_end().ends_with(" tiny"),
        "the program's own function is in its crate: {main}"
    );
}

#[test]
fn a_failed_size_check_says_what_grew_since_the_baseline() {
    let fixture = tiny();
    let output = fixture.xtask(&["size-check", "--update"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path = fixture.path("size-baseline.json");
    let mut baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let tiny = &mut baseline["artifacts"]["tiny"];
    assert!(
        tiny["crates"]["std"].as_u64().unwrap() > 0,
        "--update records the crates: {tiny}"
    );
    // Pretend the module, std and one function of it were smaller when the baseline was taken.
    let opt = tiny["opt_bytes"].as_u64().unwrap();
    tiny["opt_bytes"] = (opt / 2).into();
    tiny["crates"]["std"] = (tiny["crates"]["std"].as_u64().unwrap() - 900).into();
    let functions = tiny["functions"].as_object_mut().unwrap();
    let (name, bytes) = functions
        .iter()
        .max_by_key(|(_, b)| b.as_u64())
        .map(|(n, b)| (n.clone(), b.as_u64()))
        .unwrap();
    functions.insert(name.clone(), (bytes.unwrap() - 400).into());
    std::fs::write(&path, serde_json::to_string_pretty(&baseline).unwrap()).unwrap();

    let output = fixture.xtask(&["size-check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let failure = stderr
        .find("error: tiny: grew beyond its tolerance")
        .expect("the failure line");
    let below = &stderr[failure..];
    assert!(
        below.contains("crates that grew most since the baseline:"),
        "{stderr}"
    );
    assert!(
        below
            .lines()
            .any(|l| l.contains("+900 B") && l.trim_end().ends_with("std")),
        "{stderr}"
    );
    assert!(
        below
            .lines()
            .any(|l| l.contains("+400 B") && l.trim_end().ends_with(name.as_str())),
        "{stderr}"
    );
}
