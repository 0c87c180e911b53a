//! The bodies of log frames: little-endian integers, 32-byte node ids, length-prefixed byte strings;
//! and a reader that reports a short or malformed body instead of panicking.

use crate::event::NodeId;

/// Appends the parts of a body to a frame's buffer.
pub(super) struct Encoder<'a>(pub(super) &'a mut Vec<u8>);

impl Encoder<'_> {
    pub(super) fn u8(&mut self, value: u8) {
        self.0.push(value);
    }

    pub(super) fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub(super) fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub(super) fn id(&mut self, id: &NodeId) {
        self.0.extend_from_slice(&id.0);
    }

    /// A name of at most 255 bytes (validation holds kinds to that), after its one-byte length.
    pub(super) fn short_str(&mut self, text: &str) {
        self.u8(text.len() as u8);
        self.0.extend_from_slice(text.as_bytes());
    }

    /// A length (at most `u32::MAX`: payloads and names are validated far below it) and the bytes.
    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        self.u32(bytes.len() as u32);
        self.0.extend_from_slice(bytes);
    }
}

/// Why a body did not decode; the log names the file and the frame's offset.
pub(super) type Malformed = &'static str;

/// Reads a body front to back.
pub(super) struct Decoder<'a> {
    bytes: &'a [u8],
}

impl<'a> Decoder<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.bytes.len() < n {
            return Err("a record runs past the end of its frame");
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(super) fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32, Malformed> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(super) fn u64(&mut self) -> Result<u64, Malformed> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub(super) fn id(&mut self) -> Result<NodeId, Malformed> {
        Ok(NodeId(self.array()?))
    }

    pub(super) fn bytes(&mut self) -> Result<&'a [u8], Malformed> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    pub(super) fn string(&mut self) -> Result<String, Malformed> {
        let bytes = self.bytes()?;
        utf8(bytes)
    }

    /// A name written by [`Encoder::short_str`].
    pub(super) fn short_string(&mut self) -> Result<String, Malformed> {
        let len = usize::from(self.u8()?);
        let bytes = self.take(len)?;
        utf8(bytes)
    }

    /// A count of items still to read, each at least `min_len` bytes: a garbled count fails here
    /// rather than asking for a huge allocation.
    pub(super) fn count(&mut self, min_len: usize) -> Result<usize, Malformed> {
        let count = self.u32()? as usize;
        match count.checked_mul(min_len) {
            Some(len) if len <= self.bytes.len() => Ok(count),
            _ => Err("a count exceeds what its frame holds"),
        }
    }

    /// Succeeds when the whole body was read.
    pub(super) fn end(&self) -> Result<(), Malformed> {
        match self.bytes.is_empty() {
            true => Ok(()),
            false => Err("a frame holds bytes after its records"),
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<String, Malformed> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| "a name is not UTF-8")
}
