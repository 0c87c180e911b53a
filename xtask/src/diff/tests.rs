//! Tests of the diff engine on two small modules whose function sizes are known from their text.

use super::*;
use crate::attribution::attribute;
use crate::pipeline::run_cost::RunFigures;

/// `n` × (`i32.const 123456`, `drop`): 5 bytes each.
fn body(n: usize) -> String {
    "(drop (i32.const 123456))".repeat(n)
}

/// A function body's bytes as the code section holds it: its size prefix, the locals count (0),
/// the instructions and `end`.
fn body_bytes(n: usize) -> u64 {
    let len = 1 + 5 * n as u64 + 1;
    len + if len < 128 { 1 } else { 2 }
}

/// A module with the named functions, each `(mangled name, instructions)`.
fn module(functions: &[(&str, usize)]) -> Vec<u8> {
    let funcs: String = functions
        .iter()
        .map(|(name, n)| format!("(func ${name} {})\n", body(*n)))
        .collect();
    wat::parse_str(format!(
        "(module (memory 1) (data (i32.const 16) \"abc\") {funcs} (export \"m\" (memory 0)))"
    ))
    .unwrap()
}

const KEEPS: &str = "_ZN4demo5keeps17h0123456789abcdefE";
const GONE: &str = "_ZN4demo4gone17h0123456789abcdefE";
const GROWS: &str = "_ZN4demo5grows17h0123456789abcdefE";
const ADDED: &str = "_ZN4demo5added17h0123456789abcdefE";
const DROP_U8: &str = "_ZN4core3ptr23drop_in_place$LT$u8$GT$17h0123456789abcdefE";
const DROP_U32: &str = "_ZN4core3ptr24drop_in_place$LT$u32$GT$17h0123456789abcdefE";

fn side(functions: &[(&str, usize)]) -> Side {
    let bytes = module(functions);
    let attribution = attribute(&bytes, "demo").unwrap();
    let file = bytes.len() as u64;
    let sizes = Sizes {
        opt_bytes: file,
        gzip_bytes: file / 2,
        brotli_bytes: file / 3,
        glue_bytes: None,
        run: None,
    };
    Side::of(sizes, &attribution, &attribution)
}

/// What a run of a side costs, for the run rows of a diff.
fn run(instructions: u64, pages: u64) -> Option<RunFigures> {
    Some(RunFigures {
        startup_instructions: 40,
        instructions,
        initial_memory: 65_536,
        peak_memory: pages * 65_536,
    })
}

fn report() -> Report {
    let mut before = side(&[(KEEPS, 10), (GONE, 30), (GROWS, 20), (DROP_U8, 1)]);
    before.sizes.run = run(10_000, 2);
    let mut after = side(&[
        (KEEPS, 10),
        (GROWS, 40),
        (ADDED, 50),
        (DROP_U8, 1),
        (DROP_U32, 2),
    ]);
    after.sizes.run = run(10_500, 3);
    Report {
        base: BaseRef {
            reference: "HEAD~1".into(),
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
        },
        artifacts: vec![ArtifactDiff::between("demo", "demo", Some(&before), &after)],
    }
}

#[test]
fn added_removed_grown_functions_carry_their_bytes_and_the_deltas_add_up() {
    let report = report();
    let diff = &report.artifacts[0];
    let found: Vec<(&str, u64, u64, Option<ChangeKind>)> = diff
        .functions
        .iter()
        .map(|f| {
            let c = &f.change;
            (c.name.as_str(), c.before, c.after, c.kind())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("demo::added", 0, body_bytes(50), Some(ChangeKind::Added)),
            ("demo::gone", body_bytes(30), 0, Some(ChangeKind::Removed)),
            (
                "demo::grows",
                body_bytes(20),
                body_bytes(40),
                Some(ChangeKind::Grown)
            ),
            (
                "core::ptr::drop_in_place<u32>",
                0,
                body_bytes(2),
                Some(ChangeKind::Added)
            ),
        ],
        "largest |Δ| first; the unchanged ones left out"
    );
    let before = module(&[(KEEPS, 10), (GONE, 30), (GROWS, 20), (DROP_U8, 1)]).len();
    let after = module(&[
        (KEEPS, 10),
        (GROWS, 40),
        (ADDED, 50),
        (DROP_U8, 1),
        (DROP_U32, 2),
    ])
    .len();
    assert_eq!(diff.file_delta(), after as i128 - before as i128);
    assert_eq!(
        diff.function_delta() + diff.section_delta(),
        diff.file_delta(),
        "functions and sections make up the file"
    );
    let generic: Vec<_> = diff
        .generics
        .iter()
        .map(|g| {
            (
                g.change.name.as_str(),
                g.instances_before,
                g.instances_after,
            )
        })
        .collect();
    assert_eq!(generic, [("core::ptr::drop_in_place<…>", 1, 2)]);
    let demo = diff.crates.iter().find(|c| c.name == "demo").unwrap();
    assert_eq!(
        demo.delta(),
        (body_bytes(40) + body_bytes(50)) as i128 - (body_bytes(30) + body_bytes(20)) as i128
    );
}

#[test]
fn an_artifact_missing_from_the_base_is_all_added() {
    let after = side(&[(KEEPS, 10)]);
    let diff = ArtifactDiff::between("demo", "demo", None, &after);
    assert!(!diff.in_base);
    assert_eq!(diff.functions[0].change.kind(), Some(ChangeKind::Added));
    assert_eq!(
        diff.function_delta() + diff.section_delta(),
        diff.file_delta()
    );
}

#[test]
fn numbered_bodies_of_one_name_are_one_function() {
    let renamed = |number: &str| {
        let bytes = wat::parse_str(format!(
            "(module (func $write_char.{number} {}) (func $write_char.{number}9 {}))",
            body(3),
            body(4)
        ))
        .unwrap();
        let attribution = attribute(&bytes, "demo").unwrap();
        Side::of(Sizes::default(), &attribution, &attribution)
    };
    let diff = ArtifactDiff::between("demo", "demo", Some(&renamed("67")), &renamed("69"));
    assert!(diff.functions.is_empty(), "{:?}", diff.functions);
    assert_eq!(
        renamed("1").by_function(),
        BTreeMap::from([("write_char".to_owned(), body_bytes(3) + body_bytes(4))])
    );
}

#[test]
fn generic_arguments_collapse_but_qualified_paths_stay() {
    for (name, key) in [
        (
            "core::ptr::drop_in_place::<alloc::vec::Vec<u8>>",
            "core::ptr::drop_in_place::<…>",
        ),
        (
            "<alloc::vec::Vec<u8> as core::ops::drop::Drop>::drop",
            "<alloc::vec::Vec<…> as core::ops::drop::Drop>::drop",
        ),
        (
            "<alloc::raw_vec::RawVecInner<_>>::reserve::<alloc::alloc::Global>",
            "<alloc::raw_vec::RawVecInner<…>>::reserve::<…>",
        ),
        (
            "std::thread::spawn::<fn() -> u8, u8>",
            "std::thread::spawn::<…>",
        ),
        (
            "<[T] as alloc::slice::hack::ConvertVec>::to_vec",
            "<[T] as alloc::slice::hack::ConvertVec>::to_vec",
        ),
        ("memcpy", "memcpy"),
    ] {
        assert_eq!(generic_key(name), key, "{name}");
    }
}

#[test]
fn changes_of_maps_order_by_largest_change_either_way() {
    let map = |entries: &[(&str, u64)]| -> BTreeMap<String, u64> {
        entries.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    let found: Vec<(String, i128)> = changes(
        &map(&[("a", 10), ("b", 100), ("c", 5)]),
        &map(&[("a", 12), ("b", 40), ("d", 7)]),
    )
    .into_iter()
    .map(|c| (c.name.clone(), c.delta()))
    .collect();
    let expected = [("b", -60), ("d", 7), ("c", -5), ("a", 2)];
    assert_eq!(found, expected.map(|(n, d)| (n.to_owned(), d)),);
}

mod rendered;
