//! What the run prints: summary lines, the checks that passed or failed, and the running checksum.

use crate::checksum::Fnv1a;

/// Collects the summary as the scenario runs; nothing is printed until the end, so output order is fixed.
#[derive(Debug)]
pub struct Report {
    lines: Vec<String>,
    failures: Vec<String>,
    checks: usize,
    pub checksum: Fnv1a,
}

impl Report {
    pub fn new() -> Self {
        Report {
            lines: Vec::new(),
            failures: Vec::new(),
            checks: 0,
            checksum: Fnv1a::new(),
        }
    }

    /// Adds a summary line: a label, then `key=value` pairs.
    pub fn line(&mut self, label: &str, fields: &[(&str, String)]) {
        let mut line = format!("{label:<9}");
        for (key, value) in fields {
            line.push_str(&format!(" {key}={value}"));
        }
        self.lines.push(line);
    }

    /// Records one check; `detail` explains a failure.
    pub fn check(&mut self, name: &str, ok: bool, detail: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.failures.push(format!("{name}: {}", detail()));
        }
    }

    /// Records an operation that must succeed, returning its value if it did.
    pub fn ok<T, E: std::fmt::Display>(&mut self, name: &str, result: Result<T, E>) -> Option<T> {
        self.checks += 1;
        result
            .map_err(|e| self.failures.push(format!("{name}: {e}")))
            .ok()
    }

    /// The summary (and any failures) as printed on stdout.
    pub fn render(&self) -> String {
        let mut out =
            String::from("cortex wasm-demo: one scenario, the same answers on every target\n");
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!(
            "{:<9} fnv1a64={:016x}\n",
            "checksum",
            self.checksum.finish()
        ));
        for failure in &self.failures {
            out.push_str(&format!("FAILED   {failure}\n"));
        }
        let passed = self.checks - self.failures.len();
        out.push_str(&format!(
            "{:<9} {passed}/{} passed\n",
            "checks", self.checks
        ));
        out
    }

    /// True when every check passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Report;

    #[test]
    fn a_failed_check_is_named_and_fails_the_run() {
        let mut report = Report::new();
        report.check("holds", true, || unreachable!());
        report.check("counts agree", false, || "3 of 4".into());
        let _ = report.ok::<(), _>("append", Err("kind is empty"));
        assert!(!report.passed());
        let text = report.render();
        assert!(text.contains("FAILED   counts agree: 3 of 4\n"), "{text}");
        assert!(text.contains("FAILED   append: kind is empty\n"), "{text}");
        assert!(text.ends_with("checks    1/3 passed\n"), "{text}");
    }

    #[test]
    fn lines_are_labelled_key_value_pairs() {
        let mut report = Report::new();
        report.line("graph", &[("nodes", "8".into()), ("edges", "39".into())]);
        assert!(report.passed());
        assert!(report.render().contains("\ngraph     nodes=8 edges=39\n"));
    }
}
