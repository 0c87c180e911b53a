//! `cargo xtask …` and the test build compile the xtask from the very same units: every crate the
//! xtask needs (binaryen and wasmtime above all) with the same features, profile and dependencies,
//! so a fresh clone compiles each once, whichever of the README's two commands comes first.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The units a cargo command would compile, each with an identity that covers what makes cargo
/// compile it again: package, target, mode, platform, features, profile settings, and the
/// identities of its dependencies.
struct UnitGraph {
    units: Vec<Value>,
    identities: Vec<String>,
}

impl UnitGraph {
    /// Asks cargo for the unit graph of `args`. It is an unstable flag, so `RUSTC_BOOTSTRAP` lets
    /// stable cargo print it; nothing is compiled.
    fn of(args: &[&str]) -> UnitGraph {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(args)
            .args(["-Z", "unstable-options", "--unit-graph"])
            .current_dir(root)
            .env("RUSTC_BOOTSTRAP", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo {args:?} --unit-graph failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let graph: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(graph["version"], 1, "a unit graph format this test knows");
        let units = graph["units"].as_array().unwrap().clone();
        let mut identities = vec![None; units.len()];
        for index in 0..units.len() {
            identity(&units, index, &mut identities);
        }
        UnitGraph {
            units,
            identities: identities.into_iter().map(Option::unwrap).collect(),
        }
    }
}

fn identity(units: &[Value], index: usize, memo: &mut Vec<Option<String>>) -> String {
    if let Some(known) = &memo[index] {
        return known.clone();
    }
    let unit = &units[index];
    let mut profile = unit["profile"].clone();
    // `dev` and `test` name the same settings for dependencies; only the settings count.
    profile.as_object_mut().unwrap().remove("name");
    let mut dependencies: Vec<String> = unit["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|dep| identity(units, dep["index"].as_u64().unwrap() as usize, memo))
        .collect();
    dependencies.sort();
    let own = serde_json::json!([
        unit["pkg_id"],
        unit["target"]["name"],
        unit["target"]["kind"],
        unit["mode"],
        unit["platform"],
        unit["features"],
        profile,
        dependencies,
    ]);
    // A digest, not the text: dependencies are shared, and nesting their texts would grow without bound.
    let id = format!("{:x}", Sha256::digest(own.to_string()));
    memo[index] = Some(id.clone());
    id
}

fn describe(unit: &Value) -> String {
    let package = unit["pkg_id"].as_str().unwrap();
    let package = package.rsplit('#').next().unwrap_or(package);
    format!(
        "{package} ({} {}, features {})",
        unit["target"]["name"], unit["mode"], unit["features"]
    )
}

#[test]
fn the_xtask_is_built_from_the_units_the_test_build_compiles() {
    let xtask = UnitGraph::of(&["build", "--package", "xtask", "--locked"]);
    let tests = UnitGraph::of(&["test", "--workspace", "--no-run", "--locked"]);
    let compiled_for_tests: BTreeSet<&String> = tests.identities.iter().collect();
    // Listed by package, so the crate whose features drifted is named, then what it drags along.
    let extra: BTreeSet<String> = xtask
        .units
        .iter()
        .zip(&xtask.identities)
        .filter(|(_, id)| !compiled_for_tests.contains(id))
        .map(|(unit, _)| describe(unit))
        .collect();
    for heavy in ["wasm-opt-sys", "wasmtime@", "cranelift-codegen"] {
        assert!(
            xtask
                .units
                .iter()
                .any(|u| u["pkg_id"].as_str().unwrap().contains(heavy)),
            "the xtask no longer builds {heavy}; this test would prove nothing for it"
        );
    }
    assert!(
        extra.is_empty(),
        "`cargo xtask` would compile {} units that the test build compiles differently, so a fresh \
         clone builds them twice:\n  {}\nfix: name the features the test build turns on under \
         [dependencies] in xtask/Cargo.toml (or align the profiles)",
        extra.len(),
        extra.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}
