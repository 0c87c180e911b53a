//! The wire primitives of the records: little-endian lengths and integers, read in order.

use anyhow::{ensure, Context, Result};

/// Appends `bytes` with its u32 length in front.
pub(super) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Appends a u32 count, then each string as [`put_bytes`] does.
pub(super) fn put_strs(out: &mut Vec<u8>, strs: &[String]) {
    out.extend_from_slice(&(strs.len() as u32).to_le_bytes());
    for s in strs {
        put_bytes(out, s.as_bytes());
    }
}

/// Appends a u32 count, then each pair's key and value as [`put_bytes`] does.
pub(super) fn put_pairs(out: &mut Vec<u8>, pairs: &[(String, String)]) {
    out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
    for (key, value) in pairs {
        put_bytes(out, key.as_bytes());
        put_bytes(out, value.as_bytes());
    }
}

/// The flags word of a record: bit `i` set when `on[i]` is.
pub(super) fn flags(on: &[bool]) -> u32 {
    on.iter()
        .enumerate()
        .fold(0, |flags, (bit, &on)| flags | (u32::from(on) << bit))
}

/// Records laid end to end in `bytes`, each read with `read`, until none is left.
pub(super) fn records<T>(
    bytes: &[u8],
    mut read: impl FnMut(&mut Fields<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut fields = Fields::new(bytes);
    let mut records = Vec::new();
    while !fields.is_empty() {
        records.push(read(&mut fields)?);
    }
    Ok(records)
}

/// Reads record fields in order, failing on a record cut short.
pub(super) struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    pub(super) fn new(record: &'a [u8]) -> Self {
        Fields(record)
    }
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        ensure!(
            self.0.len() >= n,
            "record truncated: {n} bytes wanted, {} left",
            self.0.len()
        );
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    pub(super) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into()?))
    }
    pub(super) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into()?))
    }
    pub(super) fn id(&mut self) -> Result<[u8; 32]> {
        Ok(self.take(32)?.try_into()?)
    }
    pub(super) fn bytes(&mut self) -> Result<Vec<u8>> {
        let len = self.u32()? as usize;
        Ok(self.take(len)?.to_vec())
    }
    pub(super) fn str(&mut self) -> Result<String> {
        String::from_utf8(self.bytes()?).context("a record string is not UTF-8")
    }
}
