//! End to end: the xtask binary measures a wasm-bindgen crate (`fixtures/bindgen`) as it ships: the
//! module wasm-bindgen and wasm-opt make of it, and the JS glue beside it.
//!
//! The first run installs wasm-bindgen-cli into the tests' shared target dir (minutes, once);
//! every later run reuses it.
#![allow(clippy::unwrap_used)]

mod bindgen_fixture;
mod common;

use std::path::{Path, PathBuf};

use bindgen_fixture::{BindgenCrate, BUDGET, VERSION};
use common::{assert_holds, exited, stdout};
use wasm_opt::{FeatureBaseline, OptimizationOptions, Pass};

/// The module names of the functions `module` imports.
fn import_modules(module: &[u8]) -> Vec<String> {
    let mut modules = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ImportSection(imports) = payload.unwrap() {
            for import in imports {
                modules.push(import.unwrap().module.to_owned());
            }
        }
    }
    modules
}

/// wasm-opt as docs/size-budget.md describes it, through binaryen's own API: the reshaping run,
/// then -Oz with the module's features, without the target_features and producers sections.
fn wasm_opt_by_hand(input: &Path, output: &Path) {
    let module = std::fs::read(input).unwrap();
    let section = xtask::pipeline::target_features::read(&module)
        .unwrap()
        .unwrap();
    let mut options = OptimizationOptions::new_optimize_for_size_aggressively();
    options.passopts.validate = true;
    options.features.baseline = FeatureBaseline::MvpOnly;
    for name in &section.features {
        let feature = xtask::pipeline::target_features::binaryen_feature(name).unwrap();
        options.features.enabled.insert(feature);
    }
    let mut reshape = options.clone();
    reshape.passes.add_default_passes = false;
    for pass in [Pass::MergeSimilarFunctions, Pass::Flatten, Pass::Rereloop] {
        reshape.add_pass(pass);
    }
    options.add_pass(Pass::StripTargetFeatuers);
    options.add_pass(Pass::StripProducers);
    let reshaped = output.with_extension("reshaped.wasm");
    reshape.run(input, &reshaped).unwrap();
    options.run(&reshaped, output).unwrap();
}

#[test]
fn a_wasm_bindgen_crate_is_measured_as_wasm_bindgen_and_wasm_opt_make_it_with_its_glue() {
    let fixture = BindgenCrate::new(BUDGET);
    let (report, err) = fixture.size_check_json();
    let greet = &report["artifacts"][0];
    assert_eq!(greet["target"], "wasm32-unknown-unknown", "{greet}");
    let optimised = PathBuf::from(greet["path"].as_str().unwrap());
    assert_eq!(
        optimised,
        fixture.gate_dir().join("opt/greet/greet_bg.wasm")
    );
    // In headless Chromium where one is found (`cargo xtask test` installs it), else in Node.
    assert_holds(
        &err,
        "greet: optimised module loads through its web glue in ",
    );

    // The named copy went through wasm-bindgen with its symbols, so bytes have crates.
    let baseline = std::fs::read_to_string(fixture.dir.path().join("size-baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&baseline).unwrap();
    assert_eq!(baseline["toolchain"]["wasm_bindgen"], VERSION, "{baseline}");
    let crates = &baseline["artifacts"]["greet"]["crates"];
    assert!(
        crates["greet"].as_u64().unwrap() > 0 && crates["dlmalloc"].as_u64().unwrap() > 0,
        "{crates}"
    );

    // The module measured imports from the glue, not from WASI.
    let module = std::fs::read(&optimised).unwrap();
    assert_eq!(greet["opt_bytes"], module.len() as u64);
    let imports = import_modules(&module);
    assert!(
        !imports.is_empty(),
        "the fixture's module calls into its glue"
    );
    assert!(
        imports
            .iter()
            .all(|m| m == "wbg" || m.starts_with("__wbindgen")),
        "{imports:?}"
    );

    // The same wasm-bindgen and wasm-opt, run by hand on cargo's module, give the same bytes.
    let by_hand = fixture.bind_by_hand("web");
    let hand_optimised = by_hand.path().join("greet_opt.wasm");
    wasm_opt_by_hand(&by_hand.path().join("greet_bg.wasm"), &hand_optimised);
    assert!(
        std::fs::read(&hand_optimised).unwrap() == module,
        "the gate's optimised module differs from wasm-bindgen + wasm-opt by hand"
    );

    // The glue ships beside the module and is counted: its bytes are the bytes wasm-bindgen wrote.
    let glue = std::fs::read(by_hand.path().join("greet.js")).unwrap();
    assert_eq!(greet["glue"]["bytes"], glue.len() as u64, "{greet}");
    assert_eq!(
        std::fs::read(fixture.gate_dir().join("opt/greet/greet.js")).unwrap(),
        glue
    );
    let gzip = greet["glue"]["gzip_bytes"].as_u64().unwrap();
    assert!(gzip > 0 && gzip < glue.len() as u64, "{greet}");

    // Warm: nothing runs again, and the table has the glue column.
    let output = fixture.xtask(&["size-check"], &[]);
    assert_holds(&exited(&output, 0), "wasm-opt skipped (input unchanged)");
    let table = stdout(&output);
    assert!(
        table.lines().next().unwrap().contains("glue (gzip)"),
        "{table}"
    );

    // `check` names an export whose result must not change with wasm-opt; one the glue lacks is
    // a mistake of the budget file.
    for (export, code, said) in [
        (
            "checksum",
            0,
            "and `checksum()` returns 338350 as before wasm-opt",
        ),
        (
            "no_such_export",
            2,
            "error: artifact `greet`: check `no_such_export` is not a function its glue exports",
        ),
    ] {
        fixture.write_budget(&format!("{BUDGET}check = \"{export}\"\n"));
        let output = fixture.xtask(&["size-check", "--no-build"], &[]);
        assert_holds(&exited(&output, code), said);
    }

    // A glue budget below the glue's size fails the check, naming the glue.
    let budget = glue.len() - 1;
    fixture.write_budget(&format!("{BUDGET}glue_budget = {budget}\n"));
    let output = fixture.xtask(&["size-check", "--no-build"], &[]);
    assert_holds(
        &exited(&output, 1),
        &format!(
            "greet: JS glue size {} B is over its glue budget of {budget} B by 1 B",
            glue.len()
        ),
    );

    // Bundler glue is split in two files, the entry and the `_bg.js` it imports: both are counted.
    fixture.write_budget(&format!("{BUDGET}bindgen = {{ target = \"bundler\" }}\n"));
    let (report, _) = fixture.size_check_json();
    let package = fixture.gate_dir().join("opt/greet");
    let len = |file: &str| std::fs::metadata(package.join(file)).unwrap().len();
    assert!(len("greet_bg.js") > 0);
    assert_eq!(
        report["artifacts"][0]["glue"]["bytes"],
        len("greet.js") + len("greet_bg.js"),
        "{report}"
    );
}

#[test]
fn a_wasm_bindgen_cli_of_another_version_is_refused_with_the_fix() {
    let fixture = BindgenCrate::new(BUDGET);
    let fake = fixture.dir.path().join("wasm-bindgen-0.2.99");
    std::fs::write(&fake, "#!/bin/sh\necho 'wasm-bindgen 0.2.99'\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let output = fixture.xtask(&["size-check"], &[("WASM_BINDGEN", &fake)]);
    let err = exited(&output, 2);
    assert_holds(
        &err,
        &format!("is wasm-bindgen 0.2.99, and Cargo.lock pins wasm-bindgen {VERSION}"),
    );
    assert_holds(
        &err,
        &format!("fix: unset WASM_BINDGEN to let the gate install {VERSION} under the target dir"),
    );
    assert!(
        !fixture.gate_dir().join("modules/greet").exists(),
        "refused before the build"
    );
}

#[test]
fn a_workspace_without_the_wasm_release_profile_is_told_what_to_paste() {
    let fixture = BindgenCrate::new(BUDGET);
    let manifest = fixture.dir.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let without = &text[..text.find("[profile.wasm-release]").unwrap()];
    std::fs::write(&manifest, without).unwrap();
    let output = fixture.xtask(&["size-check"], &[]);
    let err = exited(&output, 2);
    assert_holds(&err, "size-budget.toml:1: artifact `greet` builds with the `wasm-release` profile, which neither the workspace's Cargo.toml nor a cargo config defines");
    assert_holds(&err, "[profile.wasm-release]\ninherits = \"release\"\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true");
}

#[test]
fn a_module_that_throws_on_load_fails_with_the_engines_message() {
    let fixture = BindgenCrate::new(BUDGET);
    let lib = fixture.dir.path().join("src/lib.rs");
    let mut source = std::fs::read_to_string(&lib).unwrap();
    source += "\n/// Runs when the glue instantiates the module.\n#[wasm_bindgen(start)]\n\
               pub fn start() {\n    panic!(\"refusing to start\");\n}\n";
    std::fs::write(&lib, source).unwrap();
    let output = fixture.xtask(&["size-check", "--update"], &[]);
    let err = exited(&output, 1);
    assert_holds(
        &err,
        "error: `greet`'s optimised module does not load through its glue in ",
    );
    assert_holds(&err, "unreachable");
    assert!(
        !fixture.dir.path().join("size-baseline.json").exists(),
        "a module that does not load is not accepted"
    );
}
