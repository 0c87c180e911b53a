//! Unit tests of size-budget.toml parsing and tolerance arithmetic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::*;
use crate::project::workspace::WasmKind;

/// The crates of a workspace: a cdylib, a bin, a crate with two bins and one with no wasm target.
pub(super) fn crates() -> BTreeMap<String, WasmCrate> {
    let krate = |targets: Vec<WasmTarget>| WasmCrate {
        manifest_dir: PathBuf::from("/ws/x"),
        targets,
        uses_wasm_bindgen: false,
        features: BTreeSet::new(),
    };
    let target = |name: &str, kind| WasmTarget {
        name: name.into(),
        kind,
    };
    BTreeMap::from([
        (
            "cortex-core".to_owned(),
            WasmCrate {
                features: ["default", "fs", "native"].map(str::to_owned).into(),
                ..krate(vec![target("cortex_core", WasmKind::Cdylib)])
            },
        ),
        (
            "wasm-demo".to_owned(),
            krate(vec![target("wasm-demo", WasmKind::Bin)]),
        ),
        (
            "two-bins".to_owned(),
            krate(vec![target("a", WasmKind::Bin), target("b", WasmKind::Bin)]),
        ),
        ("only-rlib".to_owned(), krate(vec![])),
    ])
}

/// The profiles of a workspace that defines `wasm-release`.
pub(super) fn profiles() -> BTreeSet<String> {
    crate::project::workspace::profiles("[profile.wasm-release]\ninherits = \"release\"\n")
}

/// A budget with a default tolerance, an artifact overriding it and one naming its crate.
pub(super) const WITH_TOLERANCES: &str = r#"
[tolerance]
percent = 2
bytes = "1 KiB"

[artifact.wasm-demo]
budget = "1 MiB"
tolerance = { bytes = 100 }

[artifact.core]
crate = "cortex-core"
budget = 787456
"#;

fn parse_ok(text: &str) -> SizeBudget {
    parse("size-budget.toml", text, &crates(), &profiles()).unwrap()
}

fn parse_err(text: &str) -> String {
    parse("size-budget.toml", text, &crates(), &profiles())
        .unwrap_err()
        .to_string()
}

/// Parses `text`, which must fail with a message that begins with `start` (the file, the line and
/// the cause) and holds each of `parts`.
fn assert_refused(text: &str, start: &str, parts: &[&str]) {
    let err = parse_err(text);
    assert!(err.starts_with(start), "{err}");
    for part in parts {
        assert!(err.contains(part), "{err}");
    }
}

#[test]
fn reads_entries_in_file_order_with_default_and_overridden_tolerance() {
    let budget = parse_ok(WITH_TOLERANCES);
    let [demo, core] = budget.artifacts.as_slice() else {
        panic!("{budget:?}")
    };
    assert_eq!(
        (demo.name.as_str(), demo.krate.as_str(), demo.budget_bytes),
        ("wasm-demo", "wasm-demo", 1 << 20)
    );
    assert_eq!(
        demo.tolerance,
        Tolerance {
            percent: None,
            bytes: Some(100)
        }
    );
    assert_eq!(demo.target.file_name(), "wasm-demo.wasm");
    assert_eq!(
        (core.krate.as_str(), core.budget_bytes),
        ("cortex-core", 769 * 1024)
    );
    assert_eq!(
        core.tolerance,
        Tolerance {
            percent: Some(2.0),
            bytes: Some(1024)
        }
    );
    assert_eq!(core.target.file_name(), "cortex_core.wasm");
}

#[test]
fn default_tolerance_applies_without_a_tolerance_table() {
    let budget = parse_ok("[artifact.wasm-demo]\nbudget = \"1 MiB\"\n");
    assert_eq!(budget.artifacts[0].tolerance, DEFAULT_TOLERANCE);
}

#[test]
fn allowed_growth_is_the_larger_limit() {
    // (percent, bytes, baseline, allowed growth)
    let cases = [
        (Some(1.0), Some(500), 10_000, 500),
        (Some(1.0), Some(500), 100_000, 1_000),
        (Some(0.5), None, 1_001, 5),
        (None, Some(64), 1 << 20, 64),
        (Some(0.0), None, 1 << 20, 0),
    ];
    for (percent, bytes, baseline, allowed) in cases {
        let tolerance = Tolerance { percent, bytes };
        assert_eq!(
            tolerance.allowed_growth(baseline),
            allowed,
            "{tolerance:?} of {baseline}"
        );
    }
}

#[test]
fn unknown_key_names_file_line_and_fields() {
    assert_refused(
        "[artifact.wasm-demo]\nbudget = \"1 MiB\"\nbugdet = 3\n",
        "size-budget.toml:3: unknown field `bugdet`",
        &["fix:"],
    );
}

#[test]
fn unparsable_size_names_line_and_example() {
    assert_refused(
        "[artifact.wasm-demo]\n\nbudget = \"1 MB-ish\"\n",
        "size-budget.toml:3: artifact `wasm-demo`: budget `1 MB-ish` is not a size",
        &["fix: e.g. `budget = \"769 KiB\"`"],
    );
    assert_refused(
        "[artifact.wasm-demo]\nbudget = -5\n",
        "size-budget.toml:2:",
        &["negative"],
    );
}

#[test]
fn crate_outside_the_workspace_lists_the_members() {
    assert_refused(
        "[artifact.x]\ncrate = \"cortex-cor\"\nbudget = 1\n",
        "size-budget.toml:2: artifact `x`: crate `cortex-cor` is not a member",
        &["cortex-core, only-rlib, two-bins, wasm-demo"],
    );
}

#[test]
fn crate_without_wasm_target_says_to_add_a_cdylib() {
    let err = parse_err("\n[artifact.only-rlib]\nbudget = 1\n");
    assert!(
        err.starts_with(
            "size-budget.toml:2: artifact `only-rlib`: crate `only-rlib` has no bin or cdylib"
        ),
        "{err}"
    );
    assert!(
        err.contains("crate-type = [\\\"rlib\\\", \\\"cdylib\\\"]") || err.contains("cdylib\"]"),
        "{err}"
    );
}

#[test]
fn several_targets_need_an_explicit_choice() {
    assert_refused(
        "[artifact.two-bins]\nbudget = 1\n",
        "size-budget.toml:1: artifact `two-bins`: crate `two-bins` has several wasm targets",
        &["a, b"],
    );
    let budget = parse_ok("[artifact.two-bins]\nbudget = 1\ntarget = \"b\"\n");
    assert_eq!(budget.artifacts[0].target.name, "b");
    assert_refused(
        "[artifact.two-bins]\nbudget = 1\ntarget = \"c\"\n",
        "size-budget.toml:3:",
        &["no bin or cdylib target `c`"],
    );
}

#[test]
fn missing_budget_and_empty_file_are_errors() {
    assert!(parse_err("[artifact.wasm-demo]\n").contains("missing field `budget`"));
    assert!(parse_err("# nothing\n").contains("no artifacts"));
}

#[test]
fn bad_tolerances_are_errors() {
    assert_refused(
        "[tolerance]\npercent = -1\n[artifact.wasm-demo]\nbudget = 1\n",
        "size-budget.toml:2:",
        &["negative"],
    );
    assert_refused(
        "[tolerance]\n[artifact.wasm-demo]\nbudget = 1\n",
        "size-budget.toml:1: tolerance sets neither `percent` nor `bytes`",
        &[],
    );
    assert_refused(
        "[tolerance]\nbytes = \"lots\"\n[artifact.wasm-demo]\nbudget = 1\n",
        "size-budget.toml:2: tolerance bytes `lots` is not a size",
        &[],
    );
}

#[test]
fn config_errors_exit_with_2() {
    let err: anyhow::Error = parse("size-budget.toml", "nonsense", &crates(), &profiles())
        .unwrap_err()
        .into();
    assert_eq!(
        crate::failure::exit_code(&err),
        std::process::ExitCode::from(2)
    );
}

fn three_artifacts() -> SizeBudget {
    parse_ok(
        r#"
[artifact.wasm-demo]
budget = "1 MiB"

[artifact.a]
crate = "two-bins"
target = "a"
budget = 100

[artifact.b]
crate = "two-bins"
target = "b"
budget = 100
"#,
    )
}

fn picked(budget: &SizeBudget, names: &[&str]) -> Vec<String> {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    budget
        .select(&names)
        .unwrap()
        .iter()
        .map(|a| a.name.clone())
        .collect()
}

#[test]
fn names_pick_artifacts_by_name_then_by_crate_in_file_order() {
    let budget = three_artifacts();
    assert_eq!(picked(&budget, &[]), ["wasm-demo", "a", "b"]);
    assert_eq!(picked(&budget, &["b", "wasm-demo"]), ["wasm-demo", "b"]);
    assert_eq!(picked(&budget, &["two-bins"]), ["a", "b"]);
    assert_eq!(
        picked(&budget, &["a", "two-bins"]),
        ["a", "b"],
        "no artifact twice"
    );
    assert_eq!(budget.find("a").unwrap().name, "a");
    assert_eq!(budget.find("wasm-demo").unwrap().krate, "wasm-demo");
}

#[test]
fn an_unknown_or_ambiguous_name_is_a_config_error_with_the_choices() {
    let budget = three_artifacts();
    let unknown = budget.find("nope").unwrap_err();
    assert_eq!(unknown.message, "no artifact `nope` in size-budget.toml");
    assert_eq!(
        unknown.fix,
        "use one of: wasm-demo, a, b (or add `[artifact.nope]` to size-budget.toml)"
    );
    let names = vec!["wasm-demo".to_owned(), "nope".to_owned()];
    assert_eq!(budget.select(&names).unwrap_err(), unknown);
    let ambiguous = budget.find("two-bins").unwrap_err();
    assert_eq!(
        ambiguous.message,
        "`two-bins` is the crate of several artifacts in size-budget.toml: a, b"
    );
}

#[test]
fn a_missing_file_says_how_to_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = SizeBudget::load(&dir.path().join(FILE_NAME), &crates(), &profiles()).unwrap_err();
    assert!(err.message.starts_with("cannot read "), "{err}");
    assert!(err.fix.contains("[artifact.NAME]"), "{err}");
}

#[test]
fn compressed_budgets_are_optional_sizes_and_a_bad_one_names_its_line() {
    let budget = parse_ok(
        "[artifact.wasm-demo]\nbudget = \"1 MiB\"\ngzip_budget = \"300 KiB\"\nbrotli_budget = 200000\n",
    );
    let demo = &budget.artifacts[0];
    assert_eq!(
        (demo.gzip_budget_bytes, demo.brotli_budget_bytes),
        (Some(300 * 1024), Some(200_000))
    );
    let plain = parse_ok("[artifact.wasm-demo]\nbudget = \"1 MiB\"\n");
    assert_eq!(
        (
            plain.artifacts[0].gzip_budget_bytes,
            plain.artifacts[0].brotli_budget_bytes
        ),
        (None, None)
    );
    assert_refused(
        "[artifact.wasm-demo]\nbudget = \"1 MiB\"\n\nbrotli_budget = \"lots\"\n",
        "size-budget.toml:4: artifact `wasm-demo`: brotli_budget `lots` is not a size",
        &[],
    );
}

#[test]
fn exports_are_read_in_order_and_absent_means_every_export() {
    let budget = parse_ok(
        "[artifact.cortex-core]\nbudget = \"1 MiB\"\nexports = [\"cortex_*\", \"memory\"]\n\
         [artifact.wasm-demo]\nbudget = \"1 MiB\"\n",
    );
    assert_eq!(
        budget.artifacts[0].exports.as_deref(),
        Some(&["cortex_*".to_owned(), "memory".to_owned()][..])
    );
    assert_eq!(budget.artifacts[1].exports, None);
}

#[test]
fn an_export_pattern_with_an_inner_star_names_its_line_and_the_fix() {
    assert_refused(
        "[artifact.cortex-core]\nbudget = \"1 MiB\"\nexports = [\n  \"memory\",\n  \"cor*tex\",\n]\n",
        "size-budget.toml:5: artifact `cortex-core`: export pattern \"cor*tex\" holds `*` before its end",
        &["fix: `exports` takes names and prefixes ending in `*`"],
    );
    assert_refused(
        "[artifact.cortex-core]\nbudget = \"1 MiB\"\nexports = [\"\"]\n",
        "size-budget.toml:3: artifact `cortex-core`: export pattern \"\" is empty",
        &[],
    );
}

#[test]
fn panic_is_print_unless_set_to_trap_and_anything_else_names_its_line() {
    let budget = parse_ok(
        "[artifact.cortex-core]\nbudget = \"1 MiB\"\npanic = \"trap\"\n\
         [artifact.wasm-demo]\nbudget = \"1 MiB\"\n",
    );
    assert_eq!(budget.artifacts[0].panic, super::PanicMode::Trap);
    assert_eq!(budget.artifacts[1].panic, super::PanicMode::Print);
    let budget = parse_ok("[artifact.cortex-core]\nbudget = \"1 MiB\"\npanic = \"print\"\n");
    assert_eq!(budget.artifacts[0].panic, super::PanicMode::Print);

    assert_refused(
        "[artifact.cortex-core]\nbudget = \"1 MiB\"\n\npanic = \"abort\"\n",
        "size-budget.toml:4: artifact `cortex-core`: panic \"abort\" is not a panic mode",
        &["fix: `panic` is \"print\""],
    );
}

mod builds;
