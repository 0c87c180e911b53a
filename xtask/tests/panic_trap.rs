//! End to end: `panic = "trap"` in size-budget.toml, on a fixture program that panics when its
//! argument is not a number. The oracle is the program's own panic message: std's handler prints it before
//! the module traps, and with `panic = "trap"` the module traps without it, smaller.
#![cfg(feature = "runtime")]
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_holds, exited, stderr, TinyCrate};

const MESSAGE: &str = "tiny wants a number";

/// Builds the program with `panic` set as given; returns its optimised size and what running it
/// with a word that is no number printed to stderr (the run must fail).
fn run_with_a_word(target: &str, panic: &str) -> (u64, String) {
    let budget = format!("[artifact.tiny]\nbudget = \"1 MiB\"\npanic = \"{panic}\"\n");
    let fixture = TinyCrate::new(target, &budget);
    fixture.write(
        "src/main.rs",
        &format!(
            "fn main() {{\n    if let Some(word) = std::env::args().nth(1) {{\n        \
             let n: u32 = word.parse().expect(\"{MESSAGE}\");\n        \
             println!(\"{{}}\", n * 2);\n    }}\n}}\n"
        ),
    );
    let output = fixture.xtask(&["size-check", "--json", "--update"]);
    exited(&output, 0);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let size = report["artifacts"][0]["opt_bytes"].as_u64().unwrap();

    let module = fixture.gate_dir().join("opt/tiny.wasm");
    let number = fixture.xtask(&["run", module.to_str().unwrap(), "--", "21"]);
    exited(&number, 0);
    assert_eq!(String::from_utf8_lossy(&number.stdout), "42\n");
    let word = fixture.xtask(&["run", module.to_str().unwrap(), "--", "four"]);
    assert!(!word.status.success(), "a panic ends the run");
    (size, stderr(&word))
}

#[test]
fn a_trapping_module_panics_without_std_s_message_and_is_smaller() {
    let (printing, printed) = run_with_a_word("panic-trap/print", "print");
    assert_holds(&printed, MESSAGE);
    let (trapping, trapped) = run_with_a_word("panic-trap/trap", "trap");
    assert!(!trapped.contains(MESSAGE), "{trapped}");
    assert!(
        trapping < printing,
        "{trapping} bytes trapping, {printing} printing"
    );
}

/// `--no-opt` builds the module as the profile says, without the names the trap is found by; a
/// check that reuses that build says so and how to rebuild, with exit 2, instead of measuring a
/// module whose panics still print.
#[test]
fn a_module_built_without_names_is_refused_with_the_fix() {
    let fixture = TinyCrate::new(
        "panic-trap/unnamed",
        "[artifact.tiny]\nbudget = \"1 MiB\"\npanic = \"trap\"\n",
    );
    let built = fixture.xtask(&["wasm", "--no-opt"]);
    exited(&built, 0);
    let reused = fixture.xtask(&["size-check", "--no-build", "--update"]);
    exited(&reused, 2);
    let said = stderr(&reused);
    assert_holds(&said, "the module has no function names");
    assert_holds(&said, "without --no-build");
}
