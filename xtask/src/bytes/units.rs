//! Byte sizes in human units: parsing `"769 KiB"` and printing `612.3 KiB`.

/// Parse `"769 KiB"`, `"1 MiB"`, `"1.5 MiB"`, `"800 kB"` or `"4096 B"`; the error says what is accepted.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let multiplier = |unit: &str| -> Option<u64> {
        Some(match unit {
            "" | "B" => 1,
            "KiB" => 1 << 10,
            "MiB" => 1 << 20,
            "GiB" => 1 << 30,
            "kB" | "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            _ => return None,
        })
    };
    let text = text.trim();
    match scaled(text, multiplier).ok_or_else(|| size_hint(text))? {
        Scaled::Whole(bytes) => Ok(bytes),
        Scaled::Fraction(bytes) if bytes.fract() == 0.0 && bytes <= u64::MAX as f64 => {
            Ok(bytes as u64)
        }
        Scaled::Fraction(bytes) => Err(format!(
            "`{text}` is not a whole number of bytes; round it, e.g. \"{} B\"",
            bytes.round()
        )),
    }
}

/// A number with a unit, scaled by the unit's multiplier.
pub(super) enum Scaled {
    /// The number was an integer, and the product fits.
    Whole(u64),
    /// The number had a fraction: the product, to round or refuse.
    Fraction(f64),
}

/// `text` (trimmed) as a number of digits and at most one `.`, then a unit `multiplier` knows,
/// scaled by it; `None` when it is not such a thing, or an integer's product overflows.
pub(super) fn scaled(text: &str, multiplier: impl Fn(&str) -> Option<u64>) -> Option<Scaled> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let multiplier = multiplier(unit.trim())?;
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return None;
    }
    if let Ok(whole) = number.parse::<u64>() {
        return whole.checked_mul(multiplier).map(Scaled::Whole);
    }
    let value: f64 = number.parse().ok()?;
    Some(Scaled::Fraction(value * multiplier as f64))
}

fn size_hint(text: &str) -> String {
    format!(
        "`{text}` is not a size; write an integer of bytes or a string like \"769 KiB\", \"1 MiB\" or \"800 kB\""
    )
}

/// `612.3 KiB`, `1.00 MiB`, `512 B`: short enough for a table column.
pub fn human(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.2} MiB", b / (KIB * KIB))
    }
}

/// `+1234 B (+0.4%)` or `-88 B (-0.1%)`; the percentage is of `old`.
pub fn delta(old: u64, new: u64) -> String {
    let (diff, percent) = change(old, new);
    format!("{diff:+} B ({percent:+.1}%)")
}

/// `new - old`, and that as a percentage of `old` (0 when `old` is).
pub(super) fn change(old: u64, new: u64) -> (i128, f64) {
    let diff = new as i128 - old as i128;
    let percent = if old == 0 {
        0.0
    } else {
        diff as f64 * 100.0 / old as f64
    };
    (diff, percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binary_and_decimal_units() {
        assert_eq!(parse_size("769 KiB"), Ok(769 * 1024));
        assert_eq!(parse_size("1 MiB"), Ok(1 << 20));
        assert_eq!(parse_size("1.5 MiB"), Ok(3 << 19));
        assert_eq!(parse_size("800 kB"), Ok(800_000));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("4096 B"), Ok(4096));
        assert_eq!(parse_size(" 12345 "), Ok(12345));
    }

    #[test]
    fn rejects_what_is_not_a_size() {
        for bad in [
            "", "KiB", "12 KiBs", "1..5 MiB", "1.5", "-3 KiB", "12 kib", "1.1 B", ".5 MiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} parsed");
        }
        assert!(parse_size("99999999999999999999 GiB").is_err());
        assert!(parse_size("12 kib").unwrap_err().contains("\"769 KiB\""));
    }

    #[test]
    fn human_sizes_pick_a_readable_unit() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(769 * 1024), "769.0 KiB");
        assert_eq!(human(1 << 20), "1.00 MiB");
    }

    #[test]
    fn delta_is_signed_with_percent_of_old() {
        assert_eq!(delta(1000, 1010), "+10 B (+1.0%)");
        assert_eq!(delta(1000, 900), "-100 B (-10.0%)");
        assert_eq!(delta(0, 5), "+5 B (+0.0%)");
    }
}
