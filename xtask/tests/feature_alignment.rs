//! `cargo xtask …` and the test build compile the xtask from the very same units: every crate the
//! xtask needs (binaryen and wasmtime above all) with the same features, profile and dependencies,
//! so a fresh clone compiles each once, whichever of the README's two commands comes first. The
//! native demo that `demo_behaviour.rs` runs is one of the test build's units too.
#![allow(clippy::unwrap_used)]

mod common;

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
        let output = common::succeeded(
            Command::new(cargo)
                .args(args)
                .args(["-Z", "unstable-options", "--unit-graph"])
                .current_dir(root)
                .env("RUSTC_BOOTSTRAP", "1"),
            &format!("cargo {args:?} --unit-graph"),
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

impl UnitGraph {
    /// The units of `self` that `other` does not compile, each described, sorted by package.
    fn not_in(&self, other: &UnitGraph) -> BTreeSet<String> {
        let compiled: BTreeSet<&String> = other.identities.iter().collect();
        self.units
            .iter()
            .zip(&self.identities)
            .filter(|(_, id)| !compiled.contains(id))
            .map(|(unit, _)| describe(unit))
            .collect()
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
    // Listed by package, so the crate whose features drifted is named, then what it drags along.
    let extra = xtask.not_in(&tests);
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

#[test]
fn the_native_demo_that_demo_behaviour_runs_is_built_by_the_test_build() {
    let demo = UnitGraph::of(common::NATIVE_DEMO_BUILD);
    let tests = UnitGraph::of(&["test", "--workspace", "--no-run"]);
    assert!(
        demo.units.iter().any(|u| u["target"]["name"] == "wasm-demo"
            && u["target"]["kind"] == serde_json::json!(["bin"])
            && u["mode"] == "build"),
        "{:?} no longer builds the wasm-demo binary; this test would prove nothing",
        common::NATIVE_DEMO_BUILD
    );
    let extra = demo.not_in(&tests);
    assert!(
        extra.is_empty(),
        "the native demo's build ({:?}) would compile {} units that the test build compiles \
         differently:\n  {}\nfix: build it with the test build's selection (`--workspace`, tests)",
        common::NATIVE_DEMO_BUILD,
        extra.len(),
        extra.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}
