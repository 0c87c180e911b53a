//! What `bench-gate` reports: per workspace size, the cold and warm `size-check` times and how often
//! the cold run compiled `serde_json`, as a table or JSON.

use serde::Serialize;

/// The package every generated crate depends on, whose compilations the report counts.
pub const COUNTED_PACKAGE: &str = "serde_json";

/// One generated workspace, measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub artifacts: usize,
    /// `size-check --update` with an empty target dir: every build, optimisation and check.
    pub cold_seconds: f64,
    /// `size-check` right after it, nothing changed.
    pub warm_seconds: f64,
    /// The cargo runs of the cold check that compiled [`COUNTED_PACKAGE`].
    pub serde_json_compilations: usize,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub runs: Vec<Row>,
}

/// How many of cargo's `Compiling NAME vX` lines in `stderr` name `package`: cargo prints one per
/// run that compiles any unit of it.
pub fn compilations(stderr: &str, package: &str) -> usize {
    let prefix = format!("Compiling {package} v");
    stderr
        .lines()
        .filter(|line| line.trim_start().starts_with(&prefix))
        .count()
}

/// The table `cargo xtask bench-gate` prints.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:>9}  {:>8}  {:>8}  {:>23}\n",
        "artifacts", "cold s", "warm s", "serde_json compilations"
    );
    for row in rows {
        out += &format!(
            "{:>9}  {:>8.1}  {:>8.2}  {:>23}\n",
            row.artifacts, row.cold_seconds, row.warm_seconds, row.serde_json_compilations
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_package_s_own_compiling_lines_count() {
        let stderr = "   Compiling serde v1.0.229\n   Compiling serde_json v1.0.154\n\
                      building app-1 in /x\n   Compiling serde_json_x v0.1.0\n\
                      Compiling serde_json v1.0.154\n    Finished `wasm-release` profile\n";
        assert_eq!(compilations(stderr, COUNTED_PACKAGE), 2);
        assert_eq!(compilations("", COUNTED_PACKAGE), 0);
    }

    #[test]
    fn the_table_has_a_row_per_workspace() {
        let rows = [
            Row {
                artifacts: 1,
                cold_seconds: 10.74,
                warm_seconds: 0.094,
                serde_json_compilations: 1,
            },
            Row {
                artifacts: 32,
                cold_seconds: 321.0,
                warm_seconds: 1.5,
                serde_json_compilations: 1,
            },
        ];
        expect_test::expect![[r#"
            artifacts    cold s    warm s  serde_json compilations
                    1      10.7      0.09                        1
                   32     321.0      1.50                        1
        "#]]
        .assert_eq(&table(&rows));
        let json = serde_json::to_value(Report {
            runs: rows[..1].to_vec(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"runs": [{"artifacts": 1, "cold_seconds": 10.74,
                "warm_seconds": 0.094, "serde_json_compilations": 1}]})
        );
    }
}
