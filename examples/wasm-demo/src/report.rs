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
            self.fail(name, &detail());
        }
    }

    /// Records an operation that must succeed, returning its value if it did.
    pub fn ok<T, E: std::fmt::Display>(&mut self, name: &str, result: Result<T, E>) -> Option<T> {
        self.checks += 1;
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(name, &e);
                None
            }
        }
    }

    /// Notes a failure. One function for every check, out of line: inlined, its formatting would be
    /// copied into each of the scenario's hundred-odd checks.
    #[inline(never)]
    fn fail(&mut self, name: &str, detail: &dyn std::fmt::Display) {
        self.failures.push(format!("{name}: {detail}"));
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

/// `value` in decimal. One out-of-line copy for every count the summary prints, where
/// `to_string` would inline integer formatting at each of them, once per integer type.
#[inline(never)]
pub fn number(value: u64) -> String {
    value.to_string()
}

/// `value` as the summary prints it: a whole number without a fraction ("7", "-1"), anything else
/// with up to six decimals ("2.5"). Written out here rather than with `{}`: the standard float
/// formatting (shortest round trip, Grisu with a Dragon fallback) is the largest single piece of
/// code a program that prints an `f64` ships, and the scenario's costs are sums of whole weights.
pub fn decimal(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let magnitude = value.abs();
    // Past what a u64 holds, the leading digits and a power of ten (no f64 past 2^53 has a fraction).
    if magnitude >= 1e19 {
        let (mut mantissa, mut exponent) = (magnitude, 0);
        while mantissa >= 1e19 {
            mantissa /= 10.0;
            exponent += 1;
        }
        return format!("{sign}{}e{exponent}", mantissa as u64);
    }
    let whole = magnitude as u64;
    let millionths = ((magnitude - whole as f64) * 1e6 + 0.5) as u64;
    let (whole, millionths) = if millionths == 1_000_000 {
        (whole + 1, 0)
    } else {
        (whole, millionths)
    };
    if millionths == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{millionths:06}");
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::{decimal, Report};

    #[test]
    fn decimals_read_as_the_standard_formatting_for_the_values_printed() {
        // Whole numbers, halves and other short fractions: `{}` is the oracle where it is exact.
        for value in [
            0.0, 1.0, -1.0, 7.0, 13.0, 2.5, -0.25, 3.125, 1e6, 123_456.75,
        ] {
            assert_eq!(decimal(value), format!("{value}"), "{value}");
        }
        assert_eq!(decimal(f64::NAN), "NaN");
        assert_eq!(decimal(f64::INFINITY), "inf");
        assert_eq!(decimal(f64::NEG_INFINITY), "-inf");
        // Rounded to six decimals, and carried into the whole part.
        assert_eq!(decimal(0.1 + 0.2), "0.3");
        assert_eq!(decimal(1.999_999_9), "2");
        assert_eq!(decimal(-2.5e20), "-2500000000000000000e2");
    }

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
