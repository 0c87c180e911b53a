//! Compressed sizes of a module, as a server would send it.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use flate2::write::GzEncoder;

use crate::files::stamp::{xtask_identity, Stamp};

/// Compressed sizes of the module at `path`, remembered beside it: brotli at quality 11 takes a
/// good part of a second, and a module that did not change has the sizes it had.
pub fn compressed_lens(path: &Path, module: &[u8]) -> anyhow::Result<(u64, u64)> {
    let stamp = Stamp::new(
        path,
        "compressed",
        &[
            b"gzip best, brotli 11/24",
            xtask_identity().as_bytes(),
            module,
        ],
    );
    let recorded = stamp.recorded_value().and_then(|value| {
        let (gzip, brotli) = value.trim().split_once(' ')?;
        Some((gzip.parse().ok()?, brotli.parse().ok()?))
    });
    if let Some(sizes) = recorded {
        return Ok(sizes);
    }
    let sizes = (gzip_len(module)?, brotli_len(module)?);
    stamp.record_value(&format!("{} {}\n", sizes.0, sizes.1))?;
    Ok(sizes)
}

/// Brotli at its best quality and largest window, as a CDN would serve the module.
pub fn brotli_len(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut compressed = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &params).context("brotli")?;
    Ok(compressed.len() as u64)
}

/// Gzip at its best compression.
pub fn gzip_len(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).context("gzip")?;
    Ok(encoder.finish().context("gzip")?.len() as u64)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn compressed_lengths_are_of_streams_that_decompress_to_the_input() {
        let input: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut gz = Vec::new();
        let mut encoder = GzEncoder::new(&mut gz, flate2::Compression::best());
        encoder.write_all(&input).unwrap();
        encoder.finish().unwrap();
        assert_eq!(gzip_len(&input).unwrap(), gz.len() as u64);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, input);
        let brotli = brotli_len(&input).unwrap();
        assert!(brotli > 0 && brotli < input.len() as u64 / 10, "{brotli}");
    }

    #[test]
    fn remembered_sizes_are_those_of_the_bytes_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.wasm");
        let first: Vec<u8> = (0..5_000u32).map(|i| (i % 7) as u8).collect();
        let second: Vec<u8> = (0..5_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let expected = |bytes: &[u8]| (gzip_len(bytes).unwrap(), brotli_len(bytes).unwrap());
        assert_eq!(compressed_lens(&path, &first).unwrap(), expected(&first));
        assert_eq!(compressed_lens(&path, &first).unwrap(), expected(&first));
        assert_eq!(
            compressed_lens(&path, &second).unwrap(),
            expected(&second),
            "new bytes are measured again, not served from the record"
        );
    }
}
