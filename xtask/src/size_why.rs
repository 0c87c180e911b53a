//! `cargo xtask size-why`: which functions, crates and sections the optimised bytes belong to.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use xshell::Shell;

use crate::attribution::{attribute, Attribution};
use crate::budget::ArtifactBudget;
use crate::wasm::{self, Step};
use crate::workspace::Workspace;
use crate::{flags, optimise, run};

impl flags::SizeWhy {
    pub(crate) fn run(self) -> Result<()> {
        let ws = Workspace::discover()?;
        let budget = wasm::load_budget(&ws)?;
        let artifact = run::find(&budget, &self.artifact)?;
        let sh = wasm::workspace_shell(&ws)?;
        wasm::ensure_wasm_target(&sh)?;
        let shipped = wasm::make(&sh, &ws, artifact, Step::Build, true)?;
        let shipped = attribute(
            &std::fs::read(&shipped.path)
                .with_context(|| format!("read {}", shipped.path.display()))?,
            &own_crate(artifact),
        )
        .with_context(|| format!("read the sections of {}", shipped.path.display()))?;
        let named = named_attribution(&sh, &ws, artifact)?;
        let shipped = Shipped {
            file: shipped.file,
            code: shipped.code,
        };
        print!(
            "{}",
            render(&artifact.name, &named, shipped, self.top, self.by)
        );
        Ok(())
    }
}

/// The artifact built with its symbols (in a target dir of its own, so neither build evicts the
/// other's cache) and optimised like the shipped module, but keeping the name section.
pub(crate) fn named_copy(sh: &Shell, ws: &Workspace, artifact: &ArtifactBudget) -> Result<PathBuf> {
    let _target = sh.push_env("CARGO_TARGET_DIR", ws.target_dir.join("named"));
    // The profile strips names from what ships; this copy keeps them, and only them.
    let _strip = sh.push_env("CARGO_PROFILE_WASM_RELEASE_STRIP", "debuginfo");
    eprintln!("{}: building a copy with names kept", artifact.name);
    let raw = wasm::build(sh, ws, artifact)
        .with_context(|| format!("build {} with names kept", artifact.name))?;
    let out = ws
        .target_dir
        .join("wasm-opt")
        .join("named")
        .join(format!("{}.wasm", artifact.name));
    optimise::optimise_if_changed(&raw, &out, true)
        .with_context(|| format!("optimise {} with names kept", artifact.name))?;
    Ok(out)
}

/// Code bytes by function and crate, from the named copy of `artifact`.
pub(crate) fn named_attribution(
    sh: &Shell,
    ws: &Workspace,
    artifact: &ArtifactBudget,
) -> Result<Attribution> {
    let path = named_copy(sh, ws, artifact)?;
    let module = std::fs::read(&path).with_context(|| format!("read {}", path.display()))?;
    attribute(&module, &own_crate(artifact))
        .with_context(|| format!("read the sections of {}", path.display()))
}

/// The crate name as paths spell it: `cortex_core` for the package `cortex-core`.
fn own_crate(artifact: &ArtifactBudget) -> String {
    artifact.krate.replace('-', "_")
}

/// What the listing groups code bytes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum By {
    Function,
    Crate,
}

/// Names longer than this are cut in the middle; generic instantiations can run to pages.
const NAME_WIDTH: usize = 100;

/// The shipped module's size, to show how far the named copy the listing comes from is off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shipped {
    pub(crate) file: u64,
    pub(crate) code: u64,
}

pub(crate) fn render(
    artifact: &str,
    named: &Attribution,
    shipped: Shipped,
    top: usize,
    by: By,
) -> String {
    let mut out = String::new();
    let code_delta = named.code as i64 - shipped.code as i64;
    let _ = writeln!(
        out,
        "{artifact}: {} bytes optimised with names kept; shipped without names: {} bytes, code {} bytes \
         (the named copy's code differs by {code_delta:+} bytes, {:+.2}%)\n",
        named.file,
        shipped.file,
        shipped.code,
        percent(code_delta.unsigned_abs(), shipped.code) * code_delta.signum() as f64,
    );
    let functions = named.function_bytes();
    let (rows, label, unit) = match by {
        By::Function => {
            let w = width(named, top);
            let rows = named
                .functions
                .iter()
                .map(|f| (f.bytes, format!("{:<w$}  {}", short(&f.name), f.krate)));
            (rows.collect::<Vec<_>>(), "function", "functions")
        }
        By::Crate => {
            let crates = named.by_crate();
            let count = |krate: &str| named.functions.iter().filter(|f| f.krate == krate).count();
            let rows = crates.iter().map(|(krate, bytes)| {
                (
                    *bytes,
                    format!("{krate} ({})", plural(count(krate), "function")),
                )
            });
            (rows.collect(), "crate", "crates")
        }
    };
    let _ = writeln!(out, "{:>9} {:>6}  {label}", "bytes", "code%");
    for (bytes, text) in rows.iter().take(top) {
        let _ = writeln!(
            out,
            "{bytes:>9} {:>5.1}%  {text}",
            percent(*bytes, functions)
        );
    }
    if rows.len() > top {
        let rest: u64 = rows[top..].iter().map(|(bytes, _)| bytes).sum();
        let _ = writeln!(
            out,
            "{rest:>9} {:>5.1}%  ({} more {unit})",
            percent(rest, functions),
            rows.len() - top
        );
    }
    let _ = writeln!(
        out,
        "{functions:>9} {:>5.1}%  all {} functions\n",
        100.0,
        named.functions.len()
    );

    let _ = writeln!(out, "{:>9} {:>6}  section", "bytes", "file%");
    let sections = [
        (
            named.code,
            format!(
                "code: {functions} in functions + {} of section framing",
                named.code_framing
            ),
        ),
        (named.data, "data".to_owned()),
        (
            named.custom,
            format!(
                "custom: {} names, {} other",
                named.name_section,
                named.custom - named.name_section
            ),
        ),
        (
            named.other,
            "other: header, types, imports, functions, tables, memory, globals, exports, elements"
                .to_owned(),
        ),
    ];
    for (bytes, text) in &sections {
        let _ = writeln!(
            out,
            "{bytes:>9} {:>5.1}%  {text}",
            percent(*bytes, named.file)
        );
    }
    let total: u64 = sections.iter().map(|(bytes, _)| bytes).sum();
    let _ = writeln!(
        out,
        "{total:>9} {:>5.1}%  total (the file is {} bytes)",
        percent(total, named.file),
        named.file
    );
    out
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn width(named: &Attribution, top: usize) -> usize {
    named
        .functions
        .iter()
        .take(top)
        .map(|f| short(&f.name).chars().count())
        .max()
        .unwrap_or(0)
}

fn short(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= NAME_WIDTH {
        return name.to_owned();
    }
    let half = (NAME_WIDTH - 1) / 2;
    let (head, tail): (String, String) = (
        chars[..half].iter().collect(),
        chars[chars.len() - half..].iter().collect(),
    );
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{attribute, tests::fixture};

    #[test]
    fn lists_the_largest_first_and_sums_to_the_file() {
        let module = fixture();
        let named = attribute(&module, "fixture").unwrap();
        let shipped = Shipped {
            file: module.len() as u64 - named.custom,
            code: named.code,
        };
        let by_function = render("fixture", &named, shipped, 2, By::Function);
        expect_test::expect![[r#"
            fixture: 3275 bytes optimised with names kept; shipped without names: 3108 bytes, code 2692 bytes (the named copy's code differs by +0 bytes, +0.00%)

                bytes  code%  function
                 2004  74.6%  cortex_core::store::big  cortex_core
                  504  18.8%  core::fmt::write         core
                  180   6.7%  (3 more functions)
                 2688 100.0%  all 5 functions

                bytes  file%  section
                 2692  82.2%  code: 2688 in functions + 4 of section framing
                  311   9.5%  data
                  167   5.1%  custom: 167 names, 0 other
                  105   3.2%  other: header, types, imports, functions, tables, memory, globals, exports, elements
                 3275 100.0%  total (the file is 3275 bytes)
        "#]].assert_eq(&by_function);
        let by_crate = render("fixture", &named, shipped, 10, By::Crate);
        expect_test::expect![[r#"
            fixture: 3275 bytes optimised with names kept; shipped without names: 3108 bytes, code 2692 bytes (the named copy's code differs by +0 bytes, +0.00%)

                bytes  code%  crate
                 2004  74.6%  cortex_core (1 function)
                  504  18.8%  core (1 function)
                  154   5.7%  tokio (1 function)
                   13   0.5%  [extern] (1 function)
                   13   0.5%  fixture (1 function)
                 2688 100.0%  all 5 functions

                bytes  file%  section
                 2692  82.2%  code: 2688 in functions + 4 of section framing
                  311   9.5%  data
                  167   5.1%  custom: 167 names, 0 other
                  105   3.2%  other: header, types, imports, functions, tables, memory, globals, exports, elements
                 3275 100.0%  total (the file is 3275 bytes)
        "#]].assert_eq(&by_crate);
        assert!(by_function.contains(&format!(
            "{:>9} 100.0%  total (the file is {} bytes)",
            module.len(),
            module.len()
        )));
    }
}
