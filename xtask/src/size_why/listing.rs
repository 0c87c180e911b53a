//! The `size-why` listing: functions or crates largest first, then the sections, adding up to the file.

use std::fmt::Write as _;

use crate::attribution::Attribution;
use crate::flags::By;

/// Names longer than this are cut in the middle; generic instantiations can run to pages.
const NAME_WIDTH: usize = 100;

/// The shipped module's size, to show how far the named copy the listing comes from is off.
#[derive(Debug, Clone, Copy)]
pub struct Shipped {
    pub file: u64,
    pub code: u64,
}

/// The whole listing: a header, the code by function or crate, then the sections.
pub fn render(artifact: &str, named: &Attribution, shipped: Shipped, top: usize, by: By) -> String {
    let code_delta = named.code as i64 - shipped.code as i64;
    let mut out = format!(
        "{artifact}: {} bytes optimised with names kept; shipped without names: {} bytes, code {} bytes \
         (the named copy's code differs by {code_delta:+} bytes, {:+.2}%)\n\n",
        named.file,
        shipped.file,
        shipped.code,
        percent(code_delta.unsigned_abs(), shipped.code) * code_delta.signum() as f64,
    );
    code(&mut out, named, top, by);
    sections(&mut out, named);
    out
}

/// `    2004  74.6%  text`: bytes, their share of `whole`, and what they are.
fn line(out: &mut String, bytes: u64, whole: u64, text: &str) {
    let _ = writeln!(out, "{bytes:>9} {:>5.1}%  {text}", percent(bytes, whole));
}

/// The largest `top` functions or crates, the rest summed, and the total of the code.
fn code(out: &mut String, named: &Attribution, top: usize, by: By) {
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
            let count = |krate: &str| named.functions.iter().filter(|f| f.krate == krate).count();
            let rows = named.by_crate().into_iter().map(|(krate, bytes)| {
                let text = format!("{krate} ({})", plural(count(&krate), "function"));
                (bytes, text)
            });
            (rows.collect(), "crate", "crates")
        }
    };
    let _ = writeln!(out, "{:>9} {:>6}  {label}", "bytes", "code%");
    for (bytes, text) in rows.iter().take(top) {
        line(out, *bytes, functions, text);
    }
    if rows.len() > top {
        let rest: u64 = rows[top..].iter().map(|(bytes, _)| bytes).sum();
        let text = format!("({} more {unit})", rows.len() - top);
        line(out, rest, functions, &text);
    }
    let all = format!("all {} functions", named.functions.len());
    line(out, functions, functions, &all);
    out.push('\n');
}

/// The file by section, adding up to its size.
fn sections(out: &mut String, named: &Attribution) {
    let _ = writeln!(out, "{:>9} {:>6}  section", "bytes", "file%");
    let sections = [
        (
            named.code,
            format!(
                "code: {} in functions + {} of section framing",
                named.function_bytes(),
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
        line(out, *bytes, named.file, text);
    }
    let total: u64 = sections.iter().map(|(bytes, _)| bytes).sum();
    let text = format!("total (the file is {} bytes)", named.file);
    line(out, total, named.file, &text);
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
    use crate::attribution::{attribute, fixture};

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
        let (code, sections) = by_crate.split_at(by_crate.find("    bytes  file%").unwrap());
        expect_test::expect![[r#"
            fixture: 3275 bytes optimised with names kept; shipped without names: 3108 bytes, code 2692 bytes (the named copy's code differs by +0 bytes, +0.00%)

                bytes  code%  crate
                 2004  74.6%  cortex_core (1 function)
                  504  18.8%  core (1 function)
                  154   5.7%  tokio (1 function)
                   13   0.5%  [extern] (1 function)
                   13   0.5%  fixture (1 function)
                 2688 100.0%  all 5 functions

        "#]].assert_eq(code);
        assert!(
            by_function.ends_with(sections),
            "the sections do not depend on the grouping:\n{by_crate}"
        );
        assert!(by_function.contains(&format!(
            "{:>9} 100.0%  total (the file is {} bytes)",
            module.len(),
            module.len()
        )));
    }
}
