//! Tests of how an artifact is built, as size-budget.toml says: its triple and profile, the glue
//! wasm-bindgen writes for it, its features, its run budgets and the export its check calls.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::*;
use crate::project::workspace::WasmKind;

#[test]
fn triple_defaults_to_wasip1_and_takes_the_browser_target() {
    let budget = parse_ok(
        "[artifact.wasm-demo]\nbudget = 1\n\n\
         [artifact.core]\ncrate = \"cortex-core\"\ntriple = \"wasm32-unknown-unknown\"\nbudget = 1\n",
    );
    let triples: Vec<_> = budget.artifacts.iter().map(|a| a.triple).collect();
    assert_eq!(triples, [Triple::Wasip1, Triple::Unknown]);
}

#[test]
fn an_unsupported_triple_names_its_line_and_the_supported_ones() {
    assert_refused(
        "[artifact.wasm-demo]\nbudget = 1\ntriple = \"wasm32-wasip2\"\n",
        "size-budget.toml:3: artifact `wasm-demo`: triple \"wasm32-wasip2\" is not a supported wasm target",
        &["fix: set `triple` to one of: \"wasm32-wasip1\", \"wasm32-unknown-unknown\""],
    );
}

#[test]
fn a_workspace_without_wasm_release_is_told_the_block_to_paste_or_to_name_a_profile() {
    let release_only = crate::project::workspace::profiles("[profile.release]\nlto = true\n");
    let text = "[artifact.wasm-demo]\nbudget = 1\n";
    let err = parse("size-budget.toml", text, &crates(), &release_only).unwrap_err();
    assert!(
        err.message.starts_with("size-budget.toml:1: artifact `wasm-demo` builds with the `wasm-release` profile, which neither the workspace's Cargo.toml nor a cargo config defines"),
        "{err}"
    );
    assert!(err.fix.contains(parse::WASM_PROFILE_TOML), "{err}");
    assert!(err.fix.contains("or set `profile = \"release\"`"), "{err}");

    let named = "[artifact.wasm-demo]\nbudget = 1\nprofile = \"release\"\n";
    let budget = parse("size-budget.toml", named, &crates(), &release_only).unwrap();
    assert_eq!(budget.artifacts[0].profile, "release");
    assert_eq!(budget.artifacts[0].unit().profile, "release");
}

#[test]
fn a_profile_that_does_not_exist_names_its_line_and_the_ones_that_do() {
    assert_refused(
        "[artifact.wasm-demo]\nbudget = 1\nprofile = \"tiny\"\n",
        "size-budget.toml:3: artifact `wasm-demo`: profile `tiny` is not defined",
        &["fix: set `profile` to one of: bench, dev, release, test, wasm-release"],
    );
}

/// The crates of [`crates`] and `browser`, a cdylib that depends on wasm-bindgen.
fn with_browser_crate() -> BTreeMap<String, WasmCrate> {
    let mut crates = crates();
    crates.insert(
        "browser".to_owned(),
        WasmCrate {
            manifest_dir: PathBuf::from("/ws/browser"),
            targets: vec![WasmTarget {
                name: "browser".into(),
                kind: WasmKind::Cdylib,
            }],
            uses_wasm_bindgen: true,
            features: BTreeSet::new(),
        },
    );
    crates
}

fn parse_browser(text: &str) -> Result<SizeBudget, ConfigError> {
    parse("size-budget.toml", text, &with_browser_crate(), &profiles())
}

#[test]
fn a_wasm_bindgen_crate_is_built_for_the_browser_with_web_glue_unless_told_otherwise() {
    let budget = parse_browser(
        "[artifact.browser]\nbudget = 1\nglue_budget = \"2 KiB\"\ncheck = \"answer\"\n\n\
         [artifact.node]\ncrate = \"browser\"\nbudget = 1\nbindgen = { target = \"nodejs\" }\n\n\
         [artifact.wasi]\ncrate = \"browser\"\nbudget = 1\ntriple = \"wasm32-wasip1\"\n",
    )
    .unwrap();
    let [web, node, wasi] = budget.artifacts.as_slice() else {
        panic!("{budget:?}")
    };
    assert_eq!(
        (web.triple, web.bindgen),
        (Triple::Unknown, Some(BindgenTarget::Web))
    );
    assert_eq!(
        (web.glue_budget_bytes, web.check.as_deref()),
        (Some(2048), Some("answer"))
    );
    assert_eq!(node.bindgen, Some(BindgenTarget::Nodejs));
    assert_eq!((wasi.triple, wasi.bindgen), (Triple::Wasip1, None));
}

#[test]
fn bindgen_keys_on_what_is_not_built_through_wasm_bindgen_name_their_line() {
    let refused = |text: &str| parse_browser(text).unwrap_err().to_string();
    let err = refused("[artifact.wasm-demo]\nbudget = 1\nbindgen = { target = \"web\" }\n");
    assert!(
        err.starts_with("size-budget.toml:3: artifact `wasm-demo`: `bindgen` is set, and crate `wasm-demo` does not depend on wasm-bindgen"),
        "{err}"
    );
    let err = refused("[artifact.wasm-demo]\nbudget = 1\nglue_budget = 5\n");
    assert!(
        err.starts_with("size-budget.toml:3: artifact `wasm-demo`: glue_budget gates"),
        "{err}"
    );
    let err = refused("[artifact.wasm-demo]\nbudget = 1\ncheck = \"f\"\n");
    assert!(
        err.starts_with(
            "size-budget.toml:3: artifact `wasm-demo`: check calls an export of a library"
        ),
        "{err}"
    );
    let err = refused("[artifact.browser]\nbudget = 1\nbindgen = { target = \"deno\" }\n");
    assert!(
        err.starts_with("size-budget.toml:3: artifact `browser`: bindgen target \"deno\" is not one wasm-bindgen writes")
            && err.contains("\"web\", \"bundler\", \"nodejs\", \"no-modules\""),
        "{err}"
    );
    let err = refused(
        "[artifact.browser]\nbudget = 1\ntriple = \"wasm32-wasip1\"\nbindgen = { target = \"web\" }\n",
    );
    assert!(
        err.contains("`bindgen` is set, and the artifact is built for wasm32-wasip1"),
        "{err}"
    );
}

#[test]
fn features_are_the_crates_own_and_become_cargo_flags() {
    let budget = parse_ok(
        "[artifact.cortex-core]\nbudget = 1\n\n\
         [artifact.cortex-core-fs]\ncrate = \"cortex-core\"\nbudget = 1\nfeatures = [\"fs\", \"fs\"]\n\n\
         [artifact.bare]\ncrate = \"cortex-core\"\nbudget = 1\ndefault_features = false\nfeatures = [\"fs\"]\n",
    );
    let [plain, fs, bare] = budget.artifacts.as_slice() else {
        panic!("{budget:?}")
    };
    assert!(plain.features.is_default());
    assert!(plain.features.cargo_flags().is_empty());
    assert!(!fs.features.is_default());
    assert_eq!(fs.features.cargo_flags(), ["--features", "fs"]);
    assert_eq!(
        bare.features.cargo_flags(),
        ["--no-default-features", "--features", "fs"]
    );
    assert_eq!(bare.unit().features, &bare.features);
}

#[test]
fn a_feature_the_crate_does_not_define_names_its_line_and_the_ones_it_does() {
    assert_refused(
        "[artifact.cortex-core]\nbudget = 1\nfeatures = [\"fs\",\n  \"file\"]\n",
        "size-budget.toml:4: artifact `cortex-core`: crate `cortex-core` has no feature `file`",
        &["fix: use features cortex-core defines: default, fs, native"],
    );
    assert_refused(
        "[artifact.wasm-demo]\nbudget = 1\nfeatures = [\"fs\"]\n",
        "size-budget.toml:3: artifact `wasm-demo`: crate `wasm-demo` has no feature `fs`",
        &["fix: drop `features`, or define the feature under [features] in wasm-demo's Cargo.toml"],
    );
}

#[test]
fn run_budgets_take_a_size_for_memory_and_counts_for_instructions() {
    let budget = parse_ok(
        "[artifact.wasm-demo]\nbudget = 1\nmemory_budget = \"3 MiB\"\nstartup_budget = \"4.5 M\"\nrun_budget = 5000000\n",
    );
    assert_eq!(
        budget.artifacts[0].run_budgets,
        RunBudgets {
            peak_memory: Some(3 << 20),
            startup_instructions: Some(4_500_000),
            instructions: Some(5_000_000),
            set_at: Some("size-budget.toml:3".to_owned()),
        }
    );
    assert!(!parse_ok("[artifact.wasm-demo]\nbudget = 1\n").artifacts[0]
        .run_budgets
        .any());
}

#[test]
fn bad_run_budgets_name_their_line_and_an_example() {
    assert_refused(
        "[artifact.wasm-demo]\nbudget = 1\nrun_budget = -5\n",
        "size-budget.toml:3: artifact `wasm-demo`: run_budget `-5` is negative",
        &["fix: e.g. `run_budget = \"2.5 M\"` (instructions)"],
    );
    assert_refused(
        "[artifact.wasm-demo]\nbudget = 1\n\nstartup_budget = \"2.5 MiB\"\n",
        "size-budget.toml:4: artifact `wasm-demo`: startup_budget `2.5 MiB` is not a count",
        &["fix: e.g. `startup_budget = \"2.5 M\"` (instructions)"],
    );
    assert_refused(
        "[artifact.wasm-demo]\nbudget = 1\nmemory_budget = \"lots\"\n",
        "size-budget.toml:3: artifact `wasm-demo`: memory_budget `lots` is not a size",
        &["fix: e.g. `memory_budget = \"2 MiB\"`"],
    );
}

#[test]
fn a_run_budget_on_a_browser_artifact_is_refused_at_its_line() {
    let err = parse_browser("[artifact.browser]\nbudget = 1\nrun_budget = \"1 M\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("size-budget.toml:3: artifact `browser`: run_budget holds a run in the embedded WASI runtime, and `browser` is built for wasm32-unknown-unknown, which it cannot run"),
        "{err}"
    );
    assert!(err.contains("drop `run_budget`"), "{err}");
}

#[test]
fn a_wasi_library_may_name_a_check_export() {
    let budget = parse_ok("[artifact.cortex-core]\nbudget = 1\ncheck = \"answer\"\n");
    assert_eq!(budget.artifacts[0].check.as_deref(), Some("answer"));
}
