//! Lowercasing for the words `find_nodes` matches: Unicode's lowercase mapping, character by
//! character, from a table of runs. The standard library's `str::to_lowercase` carries a table of
//! every mapped character and the final-sigma rule, about 18 KB of a wasm module; these runs hold
//! the same mappings in about 1.5 KB. A test checks every character against the standard library.
//!
//! One departure, on purpose: final sigma `ς` reads as `σ` (as Unicode case folding has it), so
//! `ΟΔΟΣ`, `οδος` and `οδοσ` are one word wherever the sigma stands.

/// The lowercase of `word`, character by character.
pub(crate) fn lowercase(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '\0'..='\x7f' => out.push(c),
            // The one character whose lowercase is two: a dotless `i` and a combining dot above.
            '\u{130}' => out.push_str("i\u{307}"),
            FINAL_SIGMA => out.push(SIGMA),
            _ => out.push(lower(c)),
        }
    }
    out
}

const FINAL_SIGMA: char = 'ς';
const SIGMA: char = 'σ';

/// The lowercase of a character outside ASCII whose lowercase is one character.
fn lower(c: char) -> char {
    let code = c as u32;
    // The last run starting at or before `c`; runs never overlap, so no other can hold it.
    let next = RUNS.partition_point(|run| run.key & START <= code);
    let Some(run) = next.checked_sub(1).map(|i| RUNS[i]) else {
        return c;
    };
    let offset = code - (run.key & START);
    let step = if run.key & STEP_2 != 0 { 2 } else { 1 };
    let mapped = offset.is_multiple_of(step) && offset / step < (run.key >> LEN_SHIFT & LEN_MASK);
    match mapped {
        // The generator only records mappings onto valid characters.
        true => char::from_u32(code.wrapping_add_signed(run.delta)).unwrap_or(c),
        false => c,
    }
}

/// `len` characters from `start`, every `step`-th one (1 or 2), each lowercased by adding `delta`.
#[derive(Clone, Copy)]
struct Run {
    /// `start` in the low 21 bits, `len` in the next 8, then a bit for a step of 2.
    key: u32,
    delta: i32,
}

const START: u32 = (1 << 21) - 1;
const LEN_SHIFT: u32 = 21;
const LEN_MASK: u32 = 0x1ff;
const STEP_2: u32 = 1 << 30;

const fn run(start: u32, len: u32, step: u32, delta: i32) -> Run {
    let step_bit = if step == 2 { STEP_2 } else { 0 };
    Run {
        key: start | len << LEN_SHIFT | step_bit,
        delta,
    }
}

// Generated from the standard library's `char::to_lowercase` by `tests::runs_source` (characters
// outside ASCII whose lowercase is one other character); the test prints a new table when a Rust
// release brings a new Unicode version.
#[rustfmt::skip]
const RUNS: [Run; 184] = [
    run(0xc0, 23, 1, 32), run(0xd8, 7, 1, 32), run(0x100, 24, 2, 1), run(0x132, 3, 2, 1),
    run(0x139, 8, 2, 1), run(0x14a, 23, 2, 1), run(0x178, 1, 1, -121), run(0x179, 3, 2, 1),
    run(0x181, 1, 1, 210), run(0x182, 2, 2, 1), run(0x186, 1, 1, 206), run(0x187, 1, 1, 1),
    run(0x189, 2, 1, 205), run(0x18b, 1, 1, 1), run(0x18e, 1, 1, 79), run(0x18f, 1, 1, 202),
    run(0x190, 1, 1, 203), run(0x191, 1, 1, 1), run(0x193, 1, 1, 205), run(0x194, 1, 1, 207),
    run(0x196, 1, 1, 211), run(0x197, 1, 1, 209), run(0x198, 1, 1, 1), run(0x19c, 1, 1, 211),
    run(0x19d, 1, 1, 213), run(0x19f, 1, 1, 214), run(0x1a0, 3, 2, 1), run(0x1a6, 1, 1, 218),
    run(0x1a7, 1, 1, 1), run(0x1a9, 1, 1, 218), run(0x1ac, 1, 1, 1), run(0x1ae, 1, 1, 218),
    run(0x1af, 1, 1, 1), run(0x1b1, 2, 1, 217), run(0x1b3, 2, 2, 1), run(0x1b7, 1, 1, 219),
    run(0x1b8, 1, 1, 1), run(0x1bc, 1, 1, 1), run(0x1c4, 1, 1, 2), run(0x1c5, 1, 1, 1),
    run(0x1c7, 1, 1, 2), run(0x1c8, 1, 1, 1), run(0x1ca, 1, 1, 2), run(0x1cb, 9, 2, 1),
    run(0x1de, 9, 2, 1), run(0x1f1, 1, 1, 2), run(0x1f2, 2, 2, 1), run(0x1f6, 1, 1, -97),
    run(0x1f7, 1, 1, -56), run(0x1f8, 20, 2, 1), run(0x220, 1, 1, -130), run(0x222, 9, 2, 1),
    run(0x23a, 1, 1, 10795), run(0x23b, 1, 1, 1), run(0x23d, 1, 1, -163), run(0x23e, 1, 1, 10792),
    run(0x241, 1, 1, 1), run(0x243, 1, 1, -195), run(0x244, 1, 1, 69), run(0x245, 1, 1, 71),
    run(0x246, 5, 2, 1), run(0x370, 2, 2, 1), run(0x376, 1, 1, 1), run(0x37f, 1, 1, 116),
    run(0x386, 1, 1, 38), run(0x388, 3, 1, 37), run(0x38c, 1, 1, 64), run(0x38e, 2, 1, 63),
    run(0x391, 17, 1, 32), run(0x3a3, 9, 1, 32), run(0x3cf, 1, 1, 8), run(0x3d8, 12, 2, 1),
    run(0x3f4, 1, 1, -60), run(0x3f7, 1, 1, 1), run(0x3f9, 1, 1, -7), run(0x3fa, 1, 1, 1),
    run(0x3fd, 3, 1, -130), run(0x400, 16, 1, 80), run(0x410, 32, 1, 32), run(0x460, 17, 2, 1),
    run(0x48a, 27, 2, 1), run(0x4c0, 1, 1, 15), run(0x4c1, 7, 2, 1), run(0x4d0, 48, 2, 1),
    run(0x531, 38, 1, 48), run(0x10a0, 38, 1, 7264), run(0x10c7, 1, 1, 7264),
    run(0x10cd, 1, 1, 7264), run(0x13a0, 80, 1, 38864), run(0x13f0, 6, 1, 8), run(0x1c89, 1, 1, 1),
    run(0x1c90, 43, 1, -3008), run(0x1cbd, 3, 1, -3008), run(0x1e00, 75, 2, 1),
    run(0x1e9e, 1, 1, -7615), run(0x1ea0, 48, 2, 1), run(0x1f08, 8, 1, -8), run(0x1f18, 6, 1, -8),
    run(0x1f28, 8, 1, -8), run(0x1f38, 8, 1, -8), run(0x1f48, 6, 1, -8), run(0x1f59, 4, 2, -8),
    run(0x1f68, 8, 1, -8), run(0x1f88, 8, 1, -8), run(0x1f98, 8, 1, -8), run(0x1fa8, 8, 1, -8),
    run(0x1fb8, 2, 1, -8), run(0x1fba, 2, 1, -74), run(0x1fbc, 1, 1, -9), run(0x1fc8, 4, 1, -86),
    run(0x1fcc, 1, 1, -9), run(0x1fd8, 2, 1, -8), run(0x1fda, 2, 1, -100), run(0x1fe8, 2, 1, -8),
    run(0x1fea, 2, 1, -112), run(0x1fec, 1, 1, -7), run(0x1ff8, 2, 1, -128),
    run(0x1ffa, 2, 1, -126), run(0x1ffc, 1, 1, -9), run(0x2126, 1, 1, -7517),
    run(0x212a, 1, 1, -8383), run(0x212b, 1, 1, -8262), run(0x2132, 1, 1, 28),
    run(0x2160, 16, 1, 16), run(0x2183, 1, 1, 1), run(0x24b6, 26, 1, 26), run(0x2c00, 48, 1, 48),
    run(0x2c60, 1, 1, 1), run(0x2c62, 1, 1, -10743), run(0x2c63, 1, 1, -3814),
    run(0x2c64, 1, 1, -10727), run(0x2c67, 3, 2, 1), run(0x2c6d, 1, 1, -10780),
    run(0x2c6e, 1, 1, -10749), run(0x2c6f, 1, 1, -10783), run(0x2c70, 1, 1, -10782),
    run(0x2c72, 1, 1, 1), run(0x2c75, 1, 1, 1), run(0x2c7e, 2, 1, -10815), run(0x2c80, 50, 2, 1),
    run(0x2ceb, 2, 2, 1), run(0x2cf2, 1, 1, 1), run(0xa640, 23, 2, 1), run(0xa680, 14, 2, 1),
    run(0xa722, 7, 2, 1), run(0xa732, 31, 2, 1), run(0xa779, 2, 2, 1), run(0xa77d, 1, 1, -35332),
    run(0xa77e, 5, 2, 1), run(0xa78b, 1, 1, 1), run(0xa78d, 1, 1, -42280), run(0xa790, 2, 2, 1),
    run(0xa796, 10, 2, 1), run(0xa7aa, 1, 1, -42308), run(0xa7ab, 1, 1, -42319),
    run(0xa7ac, 1, 1, -42315), run(0xa7ad, 1, 1, -42305), run(0xa7ae, 1, 1, -42308),
    run(0xa7b0, 1, 1, -42258), run(0xa7b1, 1, 1, -42282), run(0xa7b2, 1, 1, -42261),
    run(0xa7b3, 1, 1, 928), run(0xa7b4, 8, 2, 1), run(0xa7c4, 1, 1, -48), run(0xa7c5, 1, 1, -42307),
    run(0xa7c6, 1, 1, -35384), run(0xa7c7, 2, 2, 1), run(0xa7cb, 1, 1, -42343),
    run(0xa7cc, 8, 2, 1), run(0xa7dc, 1, 1, -42561), run(0xa7f5, 1, 1, 1), run(0xff21, 26, 1, 32),
    run(0x10400, 40, 1, 40), run(0x104b0, 36, 1, 40), run(0x10570, 11, 1, 39),
    run(0x1057c, 15, 1, 39), run(0x1058c, 7, 1, 39), run(0x10594, 2, 1, 39),
    run(0x10c80, 51, 1, 64), run(0x10d50, 22, 1, 32), run(0x118a0, 32, 1, 32),
    run(0x16e40, 32, 1, 32), run(0x16ea0, 25, 1, 27), run(0x1e900, 34, 1, 34),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The table this module should hold, computed from the standard library alone.
    fn runs_source() -> String {
        let mut mapped = Vec::new();
        for c in ('\u{80}'..=char::MAX).filter(|&c| c != FINAL_SIGMA) {
            let mut lower = c.to_lowercase();
            if let (Some(l), None) = (lower.next(), lower.next()) {
                if l != c {
                    mapped.push((c as u32, l as i64 - c as i64));
                }
            }
        }
        let mut runs = Vec::new();
        let mut i = 0;
        while i < mapped.len() {
            let (start, delta) = mapped[i];
            let extent = |step: u32| {
                let mut j = i;
                while j + 1 < mapped.len()
                    && j - i < 255
                    && mapped[j + 1] == (mapped[j].0 + step, delta)
                {
                    j += 1;
                }
                j - i + 1
            };
            let (len, step) = match (extent(1), extent(2)) {
                (one, two) if one >= two => (one, 1),
                (_, two) => (two, 2),
            };
            runs.push(format!("run({start:#x}, {len}, {step}, {delta})"));
            i += len;
        }
        format!("const RUNS: [Run; {}] = [{}];", runs.len(), runs.join(", "))
    }

    /// What the standard library says, character by character, with the one departure.
    fn expected(c: char) -> String {
        match c {
            FINAL_SIGMA => SIGMA.to_string(),
            c => c.to_lowercase().collect(),
        }
    }

    #[test]
    fn every_character_lowercases_as_the_standard_library_says() {
        let wrong: Vec<char> = ('\0'..=char::MAX)
            .filter(|&c| lowercase(c.encode_utf8(&mut [0; 4])) != expected(c))
            .collect();
        assert!(
            wrong.is_empty(),
            "{} characters differ, the first {:?}; the table for this Unicode version:\n{}",
            wrong.len(),
            &wrong[..wrong.len().min(8)],
            runs_source()
        );
    }

    #[test]
    fn words_lowercase_whole_with_final_sigma_as_sigma() {
        assert_eq!(
            lowercase("ÆON Straße ΟΔΟΣ οδος İ"),
            "æon straße οδοσ οδοσ i\u{307}"
        );
        assert_eq!(lowercase(""), "");
    }
}
