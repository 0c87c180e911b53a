//! The log format: a 16-byte header (magic, format version, what the log holds, CRC-32 of those), then
//! frames, each its body's length, the length inverted, the body's CRC-32 and the body; and the
//! reading of frames that tells a torn last write from damage.

use super::codec::Malformed;
use super::crc::crc32;
use crate::error::{Error, FileProblem, Result};

/// The first bytes of every log.
const MAGIC: [u8; 8] = *b"CORTEXLG";
/// The format version this build writes and the newest it reads.
pub(super) const VERSION: u8 = 1;
/// Magic, version, content, two reserved bytes, and a CRC-32 of those twelve.
pub(super) const HEADER_LEN: usize = 16;
/// A frame's length, the length inverted (so a garbled length is told from a torn write), and the
/// CRC-32 of its body.
pub(super) const FRAME_HEADER_LEN: usize = 12;

/// What a log holds; one file of each kind per directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Content {
    Events = 1,
    Graph = 2,
}

impl Content {
    pub(super) fn name(self) -> &'static str {
        match self {
            Content::Events => "event",
            Content::Graph => "graph",
        }
    }

    pub(super) fn file_name(self) -> &'static str {
        match self {
            Content::Events => "events.log",
            Content::Graph => "graph.log",
        }
    }

    /// Where a fresh log is written before it is renamed into place.
    pub(super) fn fresh_file_name(self) -> &'static str {
        match self {
            Content::Events => "events.log.new",
            Content::Graph => "graph.log.new",
        }
    }
}

/// The header of a `content` log of this version.
pub(super) fn header(content: Content) -> [u8; HEADER_LEN] {
    let mut header = [0; HEADER_LEN];
    header[..8].copy_from_slice(&MAGIC);
    header[8] = VERSION;
    header[9] = content as u8;
    let crc = crc32(&header[..12]);
    header[12..].copy_from_slice(&crc.to_le_bytes());
    header
}

/// Checks that `bytes` start with the header of a `content` log this build reads.
pub(super) fn check_header(bytes: &[u8], content: Content) -> Result<(), FileProblem> {
    let not_ours = FileProblem::NotALog {
        expected: content.name(),
    };
    if bytes.len() < HEADER_LEN || bytes[..8] != MAGIC {
        return Err(not_ours);
    }
    let crc = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    if crc != crc32(&bytes[..12]) {
        return Err(FileProblem::Corrupt {
            offset: 0,
            what: "the header's checksum does not match",
        });
    }
    if bytes[8] > VERSION {
        return Err(FileProblem::NewerVersion {
            found: bytes[8],
            supported: VERSION,
        });
    }
    if bytes[8] == 0 || bytes[9] != content as u8 {
        return Err(not_ours);
    }
    Ok(())
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Calls `each` with the body of every committed frame of `log` (the bytes after the header), in
/// order, and returns where the last one ends: short of `log.len()` when the last frame is torn. A
/// frame is torn when it is cut short, or when it is the last and its checksum fails, or when its
/// length is garbled and nothing but zeros follows (a file extended but never written). Any other
/// damage, and any body `each` refuses, is [`FileProblem::Corrupt`] at the frame's offset in the file.
pub(super) fn frames(
    log: &[u8],
    each: &mut dyn FnMut(&[u8]) -> Result<(), Malformed>,
) -> Result<usize, FileProblem> {
    let corrupt = |at: usize, what| FileProblem::Corrupt {
        offset: (HEADER_LEN + at) as u64,
        what,
    };
    let mut at = 0;
    while at < log.len() {
        let rest = &log[at..];
        if rest.len() < FRAME_HEADER_LEN {
            break;
        }
        let len = u32_at(rest, 0);
        if len != !u32_at(rest, 4) {
            if rest.iter().all(|&b| b == 0) {
                break;
            }
            return Err(corrupt(at, "a frame's length is garbled"));
        }
        let end = FRAME_HEADER_LEN + len as usize;
        if rest.len() < end {
            break;
        }
        let body = &rest[FRAME_HEADER_LEN..end];
        if crc32(body) != u32_at(rest, 8) {
            if rest.len() == end {
                break;
            }
            return Err(corrupt(at, "a frame's checksum does not match"));
        }
        each(body).map_err(|what| corrupt(at, what))?;
        at += end;
    }
    Ok(at)
}

/// Starts a frame at the end of `out`: room for its header, which [`seal`] fills once the body
/// follows. Returns where the frame starts.
pub(super) fn begin_frame(out: &mut Vec<u8>) -> usize {
    let start = out.len();
    out.extend_from_slice(&[0; FRAME_HEADER_LEN]);
    start
}

/// Fills the header of `frame` (its header's room, then its body): the length, inverted, the CRC.
pub(super) fn seal(frame: &mut [u8]) -> Result<()> {
    let (header, body) = frame.split_at_mut(FRAME_HEADER_LEN);
    let Ok(len) = u32::try_from(body.len()) else {
        return Err(Error::InvalidInput(format!(
            "a write of {} bytes; a file store writes at most 4 GiB at once",
            body.len()
        )));
    };
    header[..4].copy_from_slice(&len.to_le_bytes());
    header[4..8].copy_from_slice(&(!len).to_le_bytes());
    header[8..].copy_from_slice(&crc32(body).to_le_bytes());
    Ok(())
}
