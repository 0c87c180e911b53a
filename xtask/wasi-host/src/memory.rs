//! The caller's linear memory and the little-endian values read and written through its pointers.

use wasmtime::{Caller, Extern};

use crate::errno::EFAULT;
use crate::Host;

/// The caller's linear memory, through which every pointer argument is read or written.
///
/// A host lives in one store and serves the one instance in it, so the memory found is kept.
#[inline]
pub(crate) fn memory<'a>(
    caller: &'a mut Caller<'_, Host>,
) -> Result<(&'a mut [u8], &'a mut Host), i32> {
    let memory = match caller.data().memory {
        Some(memory) => memory,
        None => {
            let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                return Err(EFAULT);
            };
            caller.data_mut().memory = Some(memory);
            memory
        }
    };
    Ok(memory.data_and_store_mut(caller))
}

/// `len` bytes at `ptr`, or `EFAULT` when they are not all inside memory.
#[inline]
pub(crate) fn region(memory: &mut [u8], ptr: i32, len: usize) -> Result<&mut [u8], i32> {
    let start = ptr as u32 as usize;
    let end = start.checked_add(len).ok_or(EFAULT)?;
    memory.get_mut(start..end).ok_or(EFAULT)
}

#[inline]
pub(crate) fn put_u32(memory: &mut [u8], ptr: i32, value: u32) -> Result<(), i32> {
    region(memory, ptr, 4)?.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

#[inline]
pub(crate) fn put_u64(memory: &mut [u8], ptr: i32, value: u64) -> Result<(), i32> {
    region(memory, ptr, 8)?.copy_from_slice(&value.to_le_bytes());
    Ok(())
}

#[inline]
pub(crate) fn get_u32(memory: &mut [u8], ptr: i32) -> Result<u32, i32> {
    let bytes = region(memory, ptr, 4)?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

#[inline]
pub(crate) fn get_u64(memory: &mut [u8], ptr: i32) -> Result<u64, i32> {
    let bytes = region(memory, ptr, 8)?;
    let mut word = [0; 8];
    word.copy_from_slice(bytes);
    Ok(u64::from_le_bytes(word))
}

/// Hands the bytes of each of the `count` iovecs at `iovs` to `io` in turn, stopping after one it
/// did not use whole; the bytes used in all.
#[inline]
pub(crate) fn each_iovec(
    memory: &mut [u8],
    iovs: i32,
    count: i32,
    mut io: impl FnMut(&mut [u8]) -> Result<usize, i32>,
) -> Result<u32, i32> {
    let mut total: u32 = 0;
    for i in 0..count.max(0) {
        let iov = iovs.wrapping_add(8 * i);
        let (ptr, len) = (get_u32(memory, iov)?, get_u32(memory, iov.wrapping_add(4))?);
        let n = io(region(memory, ptr as i32, len as usize)?)?;
        total = total.wrapping_add(n as u32);
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}
