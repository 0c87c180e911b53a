//! Compressed sizes of a module, as a server would send it.

use std::io::Write;

use anyhow::Context;
use flate2::write::GzEncoder;

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
}
