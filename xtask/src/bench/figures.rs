//! What the suite prints, read back: one `NAME OPS NANOS` line per timed run, turned into the
//! median operations per second of each scenario, and a `NAME peak BYTES` line per process, the
//! most memory it held; then the two targets side by side.

use std::collections::BTreeMap;

use serde::Serialize;

/// The operations per second of each run, by scenario, in the order the suite ran them.
#[derive(Debug, Default, PartialEq)]
pub struct Runs {
    pub order: Vec<String>,
    pub per_sec: BTreeMap<String, Vec<f64>>,
    /// The memory each process (or instance) held at most, by scenario.
    pub peak_bytes: BTreeMap<String, Vec<u64>>,
}

/// Reads the suite's stdout; a line that is neither `NAME OPS NANOS` (OPS and NANOS positive
/// integers) nor `NAME peak BYTES` is an error that quotes it.
pub fn parse(stdout: &str) -> Result<Runs, String> {
    let mut runs = Runs::default();
    for (at, line) in stdout.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let malformed = || {
            format!(
                "line {}: `{line}` is not `NAME OPS NANOS` or `NAME peak BYTES`",
                at + 1
            )
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [name, ops, nanos] = fields.as_slice() else {
            return Err(malformed());
        };
        if *ops == "peak" {
            let bytes: u64 = nanos.parse().map_err(|_| malformed())?;
            runs.peak_bytes
                .entry((*name).to_owned())
                .or_default()
                .push(bytes);
            continue;
        }
        let ops: u64 = ops.parse().map_err(|_| malformed())?;
        let nanos: u64 = nanos.parse().map_err(|_| malformed())?;
        if ops == 0 || nanos == 0 {
            return Err(malformed());
        }
        let name = (*name).to_owned();
        if !runs.per_sec.contains_key(&name) {
            runs.order.push(name.clone());
        }
        runs.per_sec
            .entry(name)
            .or_default()
            .push(ops as f64 * 1e9 / nanos as f64);
    }
    Ok(runs)
}

/// The middle value (the mean of the two middle ones for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// One scenario on both targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub name: String,
    pub native_per_sec: f64,
    pub wasm_per_sec: f64,
    /// wasm / native: 1.0 is as fast as native.
    pub ratio: f64,
    /// The most memory a native process of the scenario held (its resident high-water mark), when
    /// the system reports it.
    pub native_peak_bytes: Option<u64>,
    /// The most linear memory a wasm instance of the scenario held.
    pub wasm_peak_bytes: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub scenarios: Vec<Row>,
}

/// The scenarios of `native` in their order, each with its median on both targets; a scenario
/// missing from `wasm` is an error naming it.
pub fn rows(native: &Runs, wasm: &Runs) -> Result<Vec<Row>, String> {
    native
        .order
        .iter()
        .map(|name| {
            let native_per_sec = median(&native.per_sec[name]).unwrap_or(0.0);
            let wasm_per_sec = wasm
                .per_sec
                .get(name)
                .and_then(|runs| median(runs))
                .ok_or_else(|| format!("the wasm run printed no figure for `{name}`"))?;
            let peak = |runs: &Runs| {
                runs.peak_bytes
                    .get(name)
                    .and_then(|p| p.iter().max().copied())
            };
            Ok(Row {
                name: name.clone(),
                native_per_sec,
                wasm_per_sec,
                ratio: wasm_per_sec / native_per_sec,
                native_peak_bytes: peak(native),
                wasm_peak_bytes: peak(wasm),
            })
        })
        .collect()
}

/// `13.1 M`, `574 k`, `812`: three significant figures are what a shared machine can vouch for.
pub fn per_sec(value: f64) -> String {
    let (scaled, unit) = if value >= 1e6 {
        (value / 1e6, " M")
    } else if value >= 1e3 {
        (value / 1e3, " k")
    } else {
        (value, "")
    };
    let decimals = if scaled >= 100.0 {
        0
    } else if scaled >= 10.0 {
        1
    } else {
        2
    };
    format!("{scaled:.decimals$}{unit}")
}

/// `22.0 MiB`, or `-` when there is no figure.
pub fn mebibytes(bytes: Option<u64>) -> String {
    bytes.map_or("-".to_owned(), |b| {
        format!("{:.1} MiB", b as f64 / f64::from(1 << 20))
    })
}

/// The table `cargo xtask bench` prints.
pub fn table(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(8);
    let mut out = format!(
        "{:width$}  {:>10}  {:>10}  {:>11}  {:>11}  {:>11}\n",
        "scenario", "native/s", "wasm/s", "wasm/native", "native peak", "wasm peak"
    );
    for row in rows {
        out += &format!(
            "{:width$}  {:>10}  {:>10}  {:>11.2}  {:>11}  {:>11}\n",
            row.name,
            per_sec(row.native_per_sec),
            per_sec(row.wasm_per_sec),
            row.ratio,
            mebibytes(row.native_peak_bytes),
            mebibytes(row.wasm_peak_bytes)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 10.0]), Some(3.5));
        assert_eq!(median(&[2.0]), Some(2.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn parse_keeps_order_and_turns_runs_into_rates() {
        let runs = parse("b 10 1000000000\na 3 1000\n\nb 20 1000000000\n").unwrap();
        assert_eq!(runs.order, ["b", "a"]);
        assert_eq!(runs.per_sec["b"], [10.0, 20.0]);
        assert_eq!(runs.per_sec["a"], [3e6]);
    }

    #[test]
    fn peak_lines_are_kept_apart_from_the_rates_and_the_largest_is_reported() {
        let native = parse("a 3 1000\na peak 5000\na 3 1000\na peak 7000\n").unwrap();
        assert_eq!(native.per_sec["a"], [3e6, 3e6]);
        assert_eq!(native.peak_bytes["a"], [5000, 7000]);
        let wasm = parse("a 1 1000\n").unwrap();
        let rows = rows(&native, &wasm).unwrap();
        assert_eq!(rows[0].native_peak_bytes, Some(7000));
        assert_eq!(rows[0].wasm_peak_bytes, None);
        assert_eq!(mebibytes(Some(22 << 20)), "22.0 MiB");
        assert_eq!(mebibytes(None), "-");
        assert!(parse("a peak lots\n")
            .unwrap_err()
            .starts_with("line 1: `a peak lots`"));
    }

    #[test]
    fn parse_quotes_the_line_it_cannot_read() {
        for (text, line) in [
            ("a 1 2\nnot a figure line\n", "line 2: `not a figure line`"),
            ("a 1\n", "line 1: `a 1`"),
            ("a -1 5\n", "line 1: `a -1 5`"),
            ("a 1 0\n", "line 1: `a 1 0`"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.starts_with(line), "{text:?}: {err}");
        }
    }

    #[test]
    fn rows_pair_medians_and_divide_wasm_by_native() {
        let native = parse("a 4 1000\na 2 1000\na 3 1000\n").unwrap();
        let wasm = parse("a 1 1000\na 1 1000\na 1 2000\n").unwrap();
        let rows = rows(&native, &wasm).unwrap();
        // Medians by hand: native 3 ops/µs, wasm 1 op/µs.
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].native_per_sec, 3e6);
        assert_eq!(rows[0].wasm_per_sec, 1e6);
        assert!((rows[0].ratio - 1.0 / 3.0).abs() < 1e-12);
        let missing = super::rows(&native, &Runs::default()).unwrap_err();
        assert!(missing.contains("`a`"), "{missing}");
    }

    #[test]
    fn rates_print_with_three_significant_figures() {
        assert_eq!(per_sec(13_123_456.0), "13.1 M");
        assert_eq!(per_sec(574_321.0), "574 k");
        assert_eq!(per_sec(2_500.0), "2.50 k");
        assert_eq!(per_sec(812.4), "812");
    }
}
