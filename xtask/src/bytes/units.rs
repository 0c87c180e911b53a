//! Byte sizes in human units: parsing `"769 KiB"` and printing `612.3 KiB`.

/// Parse `"769 KiB"`, `"1 MiB"`, `"1.5 MiB"`, `"800 kB"` or `"4096 B"`; the error says what is accepted.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    match scaled(text, SIZE_UNITS).ok_or_else(|| size_hint(text))? {
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

/// Units by their names, each with the multiplier it stands for.
pub(super) type Units = &'static [(&'static [&'static str], u64)];

/// The units a size is written in, with their multipliers; no unit means bytes.
const SIZE_UNITS: Units = &[
    (&["", "B"], 1),
    (&["KiB"], 1 << 10),
    (&["MiB"], 1 << 20),
    (&["GiB"], 1 << 30),
    (&["kB", "KB"], 1_000),
    (&["MB"], 1_000_000),
    (&["GB"], 1_000_000_000),
];

/// A number with a unit, scaled by the unit's multiplier.
pub(super) enum Scaled {
    /// The number was an integer, and the product fits.
    Whole(u64),
    /// The number had a fraction: the product, to round or refuse.
    Fraction(f64),
}

/// `text` (trimmed) as a number of digits and at most one `.`, then one of `units`, scaled by its
/// multiplier; `None` when it is not such a thing, or an integer's product overflows.
pub(super) fn scaled(text: &str, units: Units) -> Option<Scaled> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let &(_, multiplier) = units
        .iter()
        .find(|(names, _)| names.contains(&unit.trim()))?;
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
pub(super) mod tests {
    use super::*;

    /// `parse` reads each text of `reads` as its number.
    pub(in crate::bytes) fn assert_reads(
        parse: fn(&str) -> Result<u64, String>,
        reads: &[(&str, u64)],
    ) {
        for &(text, number) in reads {
            assert_eq!(parse(text), Ok(number), "{text:?}");
        }
    }

    /// `parse` refuses each of `refused`, and its refusal of `hinted.0` holds `hinted.1`, the hint
    /// at what it reads.
    pub(in crate::bytes) fn assert_refuses(
        parse: fn(&str) -> Result<u64, String>,
        refused: &[&str],
        hinted: (&str, &str),
    ) {
        for bad in refused {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let (text, hint) = hinted;
        assert!(parse(text).unwrap_err().contains(hint), "{text:?}");
    }

    #[test]
    fn parses_binary_and_decimal_units() {
        assert_reads(
            parse_size,
            &[
                ("769 KiB", 769 * 1024),
                ("1 MiB", 1 << 20),
                ("1.5 MiB", 3 << 19),
                ("800 kB", 800_000),
                ("2MB", 2_000_000),
                ("4096 B", 4096),
                (" 12345 ", 12345),
            ],
        );
    }

    #[test]
    fn rejects_what_is_not_a_size() {
        assert_refuses(
            parse_size,
            &[
                "",
                "KiB",
                "12 KiBs",
                "1..5 MiB",
                "1.5",
                "-3 KiB",
                "12 kib",
                "1.1 B",
                ".5 MiB",
                "99999999999999999999 GiB",
            ],
            ("12 kib", "\"769 KiB\""),
        );
    }

    #[test]
    fn human_sizes_pick_a_readable_unit() {
        for (bytes, shown) in [
            (512, "512 B"),
            (769 * 1024, "769.0 KiB"),
            (1 << 20, "1.00 MiB"),
        ] {
            assert_eq!(human(bytes), shown);
        }
    }

    #[test]
    fn delta_is_signed_with_percent_of_old() {
        for (old, new, shown) in [
            (1000, 1010, "+10 B (+1.0%)"),
            (1000, 900, "-100 B (-10.0%)"),
            (0, 5, "+5 B (+0.0%)"),
        ] {
            assert_eq!(delta(old, new), shown);
        }
    }
}
