//! CRC-32 (the IEEE polynomial, as zlib computes it) of a header or a frame's body: crc32fast
//! natively, where it uses the CPU's carry-less multiply, and a byte-at-a-time table on wasm32,
//! where crc32fast's 16 KiB of tables would be a tenth of the module.

#[cfg(not(target_family = "wasm"))]
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

#[cfg(target_family = "wasm")]
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    by_table(bytes)
}

/// The CRC-32 of every byte value: 1 KiB, computed at compile time.
#[cfg(any(target_family = "wasm", test))]
const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

#[cfg(any(target_family = "wasm", test))]
fn by_table(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc = (crc >> 8) ^ TABLE[((crc ^ u32::from(byte)) & 0xff) as usize];
    }
    !crc
}

#[cfg(test)]
mod tests {
    /// The table against crc32fast (an implementation of its own) and the check value of the
    /// CRC catalogue.
    #[test]
    fn the_table_computes_what_crc32fast_does() {
        assert_eq!(super::by_table(b"123456789"), 0xcbf4_3926);
        let mut bytes = Vec::new();
        for n in 0..2000u32 {
            assert_eq!(
                super::by_table(&bytes),
                crc32fast::hash(&bytes),
                "{n} bytes"
            );
            bytes.push((n.wrapping_mul(2_654_435_761) >> 13) as u8);
        }
    }
}
