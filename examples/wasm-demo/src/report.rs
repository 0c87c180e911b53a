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

    /// Prints the summary (and any failures) to stdout; true when every check passed.
    pub fn print(&self) -> bool {
        println!("cortex wasm-demo: one scenario, the same answers on every target");
        for line in &self.lines {
            println!("{line}");
        }
        println!("{:<9} fnv1a64={:016x}", "checksum", self.checksum.finish());
        for failure in &self.failures {
            println!("FAILED   {failure}");
        }
        let passed = self.checks - self.failures.len();
        println!("{:<9} {passed}/{} passed", "checks", self.checks);
        self.failures.is_empty()
    }
}
