//! Tests of `attribution`: symbol names, crates, and section totals that add up.

use super::symbols::crate_of_path;
use super::*;

fn krate(raw: &str) -> String {
    crate_of(raw, &demangle(raw))
}

#[test]
fn demangles_legacy_and_v0_symbols_without_hashes() {
    assert_eq!(
        demangle("_ZN4core3fmt5write17h0123456789abcdefE"),
        "core::fmt::write"
    );
    assert_eq!(
        demangle("_RNvNtCs1234_5tokio7runtime5spawn"),
        "tokio::runtime::spawn"
    );
    assert_eq!(demangle("memcpy"), "memcpy");
    assert_eq!(demangle("foo.llvm.123456"), "foo");
}

#[test]
fn crate_is_the_path_root() {
    assert_eq!(
        krate("_ZN11cortex_core5store6append17h0123456789abcdefE"),
        "cortex_core"
    );
    assert_eq!(krate("_RNvNtCs1234_5tokio7runtime5spawn"), "tokio");
}

#[test]
fn trait_impls_take_the_crate_of_the_type_then_of_the_trait() {
    assert_eq!(
        crate_of_path("<alloc::vec::Vec<u8> as core::ops::drop::Drop>::drop"),
        "alloc"
    );
    assert_eq!(
        crate_of_path("<&mut cortex_core::Event as core::fmt::Debug>::fmt"),
        "cortex_core"
    );
    assert_eq!(crate_of_path("<u64 as core::fmt::Display>::fmt"), "core");
    assert_eq!(
        crate_of_path("<[T] as alloc::slice::hack::ConvertVec>::to_vec"),
        "alloc"
    );
    assert_eq!(crate_of_path("<char>::escape_debug_ext"), "core");
}

#[test]
fn unmangled_symbols_are_extern_unless_std_shims() {
    assert_eq!(krate("memcpy"), "[extern]");
    assert_eq!(krate("cortex_append"), "[extern]");
    assert_eq!(krate("__rust_alloc"), "std");
    assert_eq!(
        crate_of("_RNvCs1_7___rustc12___rust_alloc", "__rustc::__rust_alloc"),
        "std"
    );
}

#[test]
fn the_largest_functions_and_their_crates_come_first() {
    let attribution = attribute(&fixture(), "fixture").unwrap();
    let names: Vec<(&str, &str)> = attribution
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.krate.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("cortex_core::store::big", "cortex_core"),
            ("core::fmt::write", "core"),
            ("tokio::runtime::spawn", "tokio"),
            ("exported_abi", "fixture"),
            ("memcpy", "[extern]"),
        ]
    );
    assert_eq!(
        attribution.functions[0].bytes,
        2 + 1 + 400 * 5 + 1,
        "size, locals, 400 × (i32.const + drop), end"
    );
    let crates: Vec<String> = attribution
        .by_crate()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(crates[..3], ["cortex_core", "core", "tokio"]);
}

#[test]
fn sections_add_up_to_the_file() {
    let module = fixture();
    let a = attribute(&module, "fixture").unwrap();
    assert_eq!(a.code + a.data + a.custom + a.other, module.len() as u64);
    assert_eq!(
        a.functions.iter().map(|f| f.bytes).sum::<u64>() + a.code_framing,
        a.code
    );
    assert!(
        a.data > 300 && a.name_section > 0 && a.name_section == a.custom,
        "{a:?}"
    );
    assert!(a.code_framing >= 3, "section id, size and count");
}

#[test]
fn a_module_without_names_attributes_everything_to_unnamed() {
    let stripped = wat::parse_str("(module (func (drop (i32.const 1))) (func))").unwrap();
    let a = attribute(&stripped, "fixture").unwrap();
    assert!(a
        .functions
        .iter()
        .all(|f| f.name == "[unnamed]" && f.krate == "[unnamed]"));
    assert_eq!((a.custom, a.code + a.other), (0, stripped.len() as u64));
}

#[test]
fn a_merged_body_belongs_to_the_crate_of_its_first_function() {
    assert_eq!(
        demangle("byn$mgfn-shared$_ZN4core3fmt5write17h0123456789abcdefE"),
        "byn$mgfn-shared$core::fmt::write"
    );
    assert_eq!(
        krate("byn$mgfn-shared$_RNvNtCs1234_5tokio7runtime5spawn"),
        "tokio"
    );
    // Merged from an export of the module: its own code, as the export is.
    let module = wat::parse_str(
        r#"(module
            (func $cortex_poll (drop (i32.const 1)))
            (func $byn$mgfn-shared$cortex_poll (drop (i32.const 2)))
            (func $byn$mgfn-shared$memcpy (drop (i32.const 3)))
            (export "cortex_poll" (func $cortex_poll)))"#,
    )
    .unwrap();
    let attribution = attribute(&module, "own").unwrap();
    let mut crates: Vec<(&str, &str)> = attribution
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.krate.as_str()))
        .collect();
    crates.sort();
    assert_eq!(
        crates,
        [
            ("byn$mgfn-shared$cortex_poll", "own"),
            ("byn$mgfn-shared$memcpy", "[extern]"),
            ("cortex_poll", "own"),
        ]
    );
}
