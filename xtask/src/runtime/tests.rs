//! Tests of the embedded runtime and of the behaviour check, on small WAT programs.

use std::time::Duration;

use super::behaviour::{check_command, check_library, first_difference, LineDifference};
use super::engine::{Mode, Runtime, Trapped};
use super::fixtures::{command, trapping};
use crate::failure::GateFailure;

fn capture() -> Mode {
    Mode::Capture {
        limit: Duration::from_secs(30),
    }
}

#[test]
fn captures_stdout_and_the_exit_code() {
    let runtime = Runtime::new().unwrap();
    let exit = runtime
        .run("hello", &command("hello\nworld\n", Some(3)), &[], capture())
        .unwrap();
    assert_eq!(
        (exit.code, exit.stdout.as_slice()),
        (3, &b"hello\nworld\n"[..])
    );
    let exit = runtime
        .run("hello", &command("done\n", None), &[], capture())
        .unwrap();
    assert_eq!(
        (exit.code, exit.stdout.as_slice()),
        (0, &b"done\n"[..]),
        "returning from _start exits with 0"
    );
}

#[test]
fn a_trap_is_an_error_naming_the_artifact() {
    let runtime = Runtime::new().unwrap();
    let error = runtime
        .run("crasher", &trapping(), &[], capture())
        .unwrap_err();
    let trapped = error.downcast_ref::<Trapped>().expect("a Trapped error");
    assert_eq!(trapped.artifact, "crasher");
    assert!(
        error.to_string().starts_with("`crasher` trapped: ")
            && error.to_string().contains("unreachable"),
        "{error}"
    );
}

#[test]
fn an_endless_loop_stops_at_the_limit() {
    let module = wat::parse_str(r#"(module (func (export "_start") (loop $l (br $l))))"#).unwrap();
    let runtime = Runtime::new().unwrap();
    let error = runtime
        .run(
            "spin",
            &module,
            &[],
            Mode::Capture {
                limit: Duration::from_millis(200),
            },
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("did not finish within"),
        "{error}"
    );
}

#[test]
fn a_library_without_start_is_not_a_command() {
    let module =
        wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 1))"#).unwrap();
    let runtime = Runtime::new().unwrap();
    let error = runtime.run("lib", &module, &[], capture()).unwrap_err();
    assert!(format!("{error:#}").contains("no `_start`"), "{error:#}");
    assert!(runtime.instantiate("lib", &module).is_ok());
}

/// The difference at `line`, as the line reads before and after (`None`: there is no such line).
fn differs(line: usize, before: Option<&str>, after: Option<&str>) -> Option<LineDifference> {
    Some(LineDifference {
        line,
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
    })
}

#[test]
fn identical_outputs_have_no_difference() {
    assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
}

#[test]
fn reports_the_first_differing_line_with_both_versions() {
    assert_eq!(
        first_difference(b"same\nsum 41\ntail\n", b"same\nsum 42\ntail\n"),
        differs(2, Some("sum 41"), Some("sum 42"))
    );
}

#[test]
fn a_missing_line_or_newline_counts_as_a_difference() {
    assert_eq!(
        first_difference(b"a\nb\n", b"a\n"),
        differs(2, Some("b"), None)
    );
    assert_eq!(
        first_difference(b"a\n", b"a"),
        differs(1, Some("a\n"), Some("a"))
    );
}

/// The behaviour check of the artifact `demo`, its unoptimised module `before`, optimised `after`.
fn check_demo(before: &[u8], after: &[u8]) -> anyhow::Result<i32> {
    check_command(&Runtime::new().unwrap(), "demo", before, after).map(|(code, _)| code)
}

#[test]
fn same_output_and_exit_passes() {
    let code = check_demo(&command("a\nb\n", Some(0)), &command("a\nb\n", None));
    assert_eq!(code.unwrap(), 0, "returning from _start is exit 0");
}

#[test]
fn a_program_that_fails_before_wasm_opt_fails_even_when_the_optimised_one_agrees() {
    let failing = command("partial\n", Some(4));
    let error = check_demo(&failing, &failing).unwrap_err();
    assert!(error.is::<GateFailure>(), "exit 1: {error:#}");
    assert_eq!(
        error.to_string(),
        "`demo` fails before wasm-opt: the unoptimised module exits with 4"
    );
    let error = check_demo(&trapping(), &trapping()).unwrap_err();
    assert!(error.is::<GateFailure>(), "exit 1: {error:#}");
    assert!(
        error
            .to_string()
            .starts_with("`demo` fails before wasm-opt: the unoptimised module trapped ("),
        "{error}"
    );
}

#[test]
fn a_different_line_fails_naming_the_artifact_and_the_line() {
    let (before, after) = (
        command("count 3\nsum 41\n", None),
        command("count 3\nsum 42\n", None),
    );
    let error = check_demo(&before, &after).unwrap_err();
    assert!(
        error.is::<GateFailure>(),
        "a behaviour difference fails the gate (exit 1)"
    );
    expect_test::expect![[r#"
        `demo` behaves differently after wasm-opt: stdout line 2 differs
          unoptimised: "sum 41"
          optimised:   "sum 42""#]]
    .assert_eq(&error.to_string());
}

#[test]
fn a_different_exit_code_or_a_new_trap_fails() {
    let error = check_demo(&command("x\n", Some(0)), &command("x\n", Some(1))).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("exits with 0, the optimised one with 1"),
        "{error}"
    );
    let error = check_demo(&command("x\n", Some(0)), &trapping()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("`demo` behaves differently after wasm-opt: the optimised module trapped"),
        "{error}"
    );
}

#[test]
fn a_library_without_the_cortex_abi_only_has_to_instantiate() {
    let runtime = Runtime::new().unwrap();
    let module = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
    assert_eq!(
        check_library(&runtime, "lib", &module, None).unwrap(),
        ("instantiates".to_owned(), None)
    );
}

/// A library exporting `answer`, a function of no arguments returning `value`, and `add`, which
/// takes arguments and so cannot be a check.
fn answering(value: i32) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module (memory (export "memory") 1)
            (func (export "answer") (result i32) i32.const {value})
            (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#
    ))
    .unwrap()
}

#[test]
fn a_library_check_export_must_return_what_it_did_before_wasm_opt() {
    let runtime = Runtime::new().unwrap();
    let (same, before) = (answering(42), answering(42));
    let (what, _) = check_library(&runtime, "lib", &same, Some(("answer", &before))).unwrap();
    assert_eq!(
        what,
        "instantiates and `answer` returns 42 as before wasm-opt"
    );

    let error =
        check_library(&runtime, "lib", &answering(43), Some(("answer", &before))).unwrap_err();
    assert!(error.is::<GateFailure>(), "exit 1: {error:#}");
    assert_eq!(
        error.to_string(),
        "`lib` behaves differently after wasm-opt: `answer` returned 42 before and 43 after"
    );
}

#[test]
fn a_check_that_names_no_such_export_is_a_configuration_error_listing_those_that_qualify() {
    let runtime = Runtime::new().unwrap();
    let module = answering(1);
    for name in ["missing", "add"] {
        let error = check_library(&runtime, "lib", &module, Some((name, &module))).unwrap_err();
        assert_eq!(
            crate::failure::exit_code(&error),
            std::process::ExitCode::from(2),
            "{error:#}"
        );
        let text = crate::failure::render(&error);
        assert!(
            text.contains(&format!("artifact `lib`: check names `{name}`, which the module does not export as a function of no arguments returning a number"))
                && text.contains("fix: set `check` under [artifact.lib] in size-budget.toml to one of: `answer`"),
            "{text}"
        );
    }
}
