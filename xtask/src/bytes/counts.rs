//! Instruction counts in human units: parsing `"2.5 M"` and printing `2.50 M`.

use super::units::{change, scaled, Scaled, Units};

/// The units a count is written in, with their multipliers.
const COUNT_UNITS: Units = &[
    (&[""], 1),
    (&["k", "K"], 1_000),
    (&["M"], 1_000_000),
    (&["G"], 1_000_000_000),
];

/// Parse `"2.5 M"`, `"250 k"`, `"1 G"` or `"1500000"` (decimal: k = 10^3, M = 10^6, G = 10^9);
/// the error says what is accepted.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let text = text.trim();
    match scaled(text, COUNT_UNITS).ok_or_else(|| count_hint(text))? {
        Scaled::Whole(count) => Ok(count),
        Scaled::Fraction(count) if count.round() <= u64::MAX as f64 => Ok(count.round() as u64),
        Scaled::Fraction(_) => Err(count_hint(text)),
    }
}

fn count_hint(text: &str) -> String {
    format!("`{text}` is not a count; write an integer or a string like \"2.5 M\", \"250 k\" or \"1 G\"")
}

/// `2.50 M`, `812.3 k`, `950`: short enough for a table column.
pub fn human_count(count: u64) -> String {
    let c = count as f64;
    if count < 1_000 {
        count.to_string()
    } else if count < 1_000_000 {
        format!("{:.1} k", c / 1e3)
    } else if count < 1_000_000_000 {
        format!("{:.2} M", c / 1e6)
    } else {
        format!("{:.2} G", c / 1e9)
    }
}

/// `+1234 (+0.4%)` or `-88 (-0.1%)`; the percentage is of `old`.
pub fn count_delta(old: u64, new: u64) -> String {
    let (diff, percent) = change(old, new);
    format!("{diff:+} ({percent:+.1}%)")
}

#[cfg(test)]
mod tests {
    use super::super::units::tests::{assert_reads, assert_refuses};
    use super::*;

    #[test]
    fn parses_decimal_multiples() {
        assert_reads(
            parse_count,
            &[
                ("2.5 M", 2_500_000),
                ("250 k", 250_000),
                ("250K", 250_000),
                ("1 G", 1_000_000_000),
                (" 1500000 ", 1_500_000),
                ("1.0000005 M", 1_000_001),
            ],
        );
    }

    #[test]
    fn rejects_what_is_not_a_count() {
        assert_refuses(
            parse_count,
            &[
                "",
                "M",
                "-3 M",
                "2.5 MiB",
                "1..5 k",
                ".5 M",
                "5.",
                "1 m",
                "2 KB",
                "99999999999999999999 G",
            ],
            ("x", "\"2.5 M\""),
        );
    }

    #[test]
    fn prints_a_short_unit_and_a_signed_delta() {
        for (count, shown) in [
            (950, "950"),
            (812_345, "812.3 k"),
            (2_504_000, "2.50 M"),
            (3_100_000_000, "3.10 G"),
        ] {
            assert_eq!(human_count(count), shown);
        }
        for (old, new, shown) in [(1000, 1010, "+10 (+1.0%)"), (1000, 900, "-100 (-10.0%)")] {
            assert_eq!(count_delta(old, new), shown);
        }
    }
}
