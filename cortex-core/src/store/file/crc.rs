//! CRC-32 (the IEEE polynomial, as zlib computes it) of a header or a frame's body: crc32fast
//! natively, where it uses the CPU's carry-less multiply, and eight bytes a step on wasm32 through
//! eight tables: the first (1 KiB) is in the module, the other seven are derived from it on first
//! use, in memory, where crc32fast's 16 KiB of tables would be a tenth of the module.

#[cfg(not(target_family = "wasm"))]
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

#[cfg(target_family = "wasm")]
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    by_slices(bytes)
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

/// A byte at a time: the reference the eight-byte steps are checked against.
#[cfg(test)]
fn by_table(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc = (crc >> 8) ^ TABLE[((crc ^ u32::from(byte)) & 0xff) as usize];
    }
    !crc
}

/// `TABLE` and the seven tables that advance a CRC by one more zero byte each, so eight input bytes
/// take one lookup each: table k gives the CRC of a byte followed by k zero bytes.
#[cfg(any(target_family = "wasm", test))]
fn slices() -> &'static [[u32; 256]; 8] {
    static SLICES: std::sync::OnceLock<[[u32; 256]; 8]> = std::sync::OnceLock::new();
    SLICES.get_or_init(|| {
        let mut tables = [TABLE; 8];
        for k in 1..8 {
            let previous = tables[k - 1];
            for (entry, before) in tables[k].iter_mut().zip(previous) {
                *entry = (before >> 8) ^ TABLE[(before & 0xff) as usize];
            }
        }
        tables
    })
}

#[cfg(any(target_family = "wasm", test))]
fn by_slices(bytes: &[u8]) -> u32 {
    let t = slices();
    let mut crc = !0u32;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let low = u32::from_le_bytes([word[0], word[1], word[2], word[3]]) ^ crc;
        let high = u32::from_le_bytes([word[4], word[5], word[6], word[7]]);
        crc = t[7][(low & 0xff) as usize]
            ^ t[6][((low >> 8) & 0xff) as usize]
            ^ t[5][((low >> 16) & 0xff) as usize]
            ^ t[4][(low >> 24) as usize]
            ^ t[3][(high & 0xff) as usize]
            ^ t[2][((high >> 8) & 0xff) as usize]
            ^ t[1][((high >> 16) & 0xff) as usize]
            ^ t[0][(high >> 24) as usize];
    }
    for &byte in words.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ u32::from(byte)) & 0xff) as usize];
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
        assert_eq!(super::by_slices(b"123456789"), 0xcbf4_3926);
        let mut bytes = Vec::new();
        for n in 0..2000u32 {
            let expected = crc32fast::hash(&bytes);
            assert_eq!(super::by_table(&bytes), expected, "{n} bytes");
            assert_eq!(
                super::by_slices(&bytes),
                expected,
                "{n} bytes, eight at a time"
            );
            bytes.push((n.wrapping_mul(2_654_435_761) >> 13) as u8);
        }
    }
}
