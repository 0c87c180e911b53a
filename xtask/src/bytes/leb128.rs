//! Unsigned LEB128, the variable-length integers of the wasm binary format.

/// Reads one unsigned LEB128 value that fits in a `u32` from the front of `data`, advancing it.
/// `None` when the bytes run out or the encoding is longer than a `u32` allows.
pub fn read_u32(data: &mut &[u8]) -> Option<u32> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let (&byte, rest) = data.split_first()?;
        *data = rest;
        // The fifth byte may carry only the top four bits of a u32.
        if shift == 28 && byte & 0x70 != 0 {
            return None;
        }
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Appends the shortest unsigned LEB128 encoding of `value` to `out`.
pub fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// How many bytes the shortest LEB128 encoding of `value` takes.
pub fn encoded_len(value: u64) -> u64 {
    let bits = 64 - u64::from(value.max(1).leading_zeros());
    bits.div_ceil(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The encoder from the format's definition: seven bits at a time, low first.
    fn encode(mut value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    #[test]
    fn reads_what_the_reference_encoder_writes_and_advances() {
        for value in [0u32, 1, 127, 128, 300, 16_383, 16_384, u32::MAX] {
            let mut bytes = encode(u64::from(value));
            bytes.push(0xaa);
            let mut data = bytes.as_slice();
            assert_eq!(read_u32(&mut data), Some(value), "{value}");
            assert_eq!(data, [0xaa], "{value}: the next byte is left");
        }
    }

    #[test]
    fn writes_what_the_reference_encoder_writes() {
        for value in [0u32, 1, 127, 128, 300, 16_383, 16_384, u32::MAX] {
            let mut out = vec![0xaa];
            write_u32(&mut out, value);
            assert_eq!(out[1..], encode(u64::from(value)), "{value}");
        }
    }

    #[test]
    fn truncated_or_overlong_input_is_refused() {
        assert_eq!(read_u32(&mut &[0x80, 0x80][..]), None);
        assert_eq!(read_u32(&mut &[][..]), None);
        assert_eq!(
            read_u32(&mut &encode(1 << 32)[..]),
            None,
            "too large for a u32"
        );
        assert_eq!(read_u32(&mut &[0xff; 6][..]), None);
    }

    #[test]
    fn encoded_len_matches_the_reference_encoder() {
        for value in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            1 << 21,
            (1 << 28) - 1,
            u64::MAX,
        ] {
            assert_eq!(encoded_len(value), encode(value).len() as u64, "{value}");
        }
    }
}
