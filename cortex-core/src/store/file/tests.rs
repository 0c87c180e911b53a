//! The log's framing on its own: which damage is a torn tail, which is corruption, and where.

use super::crc::crc32;
use super::frame::{check_header, frames, Content, FRAME_HEADER_LEN, HEADER_LEN, VERSION};
use crate::error::FileProblem;

/// Frames of the bodies, as `LogFile::commit` writes them.
fn framed(bodies: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for body in bodies {
        let len = body.len() as u32;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(&crc32(body).to_le_bytes());
        out.extend_from_slice(body);
    }
    out
}

fn bodies(log: &[u8]) -> Result<(Vec<Vec<u8>>, usize), FileProblem> {
    let mut seen = Vec::new();
    let end = frames(log, &mut |body| {
        seen.push(body.to_vec());
        Ok(())
    })?;
    Ok((seen, end))
}

#[test]
fn a_log_cut_anywhere_reads_as_the_frames_wholly_before_the_cut() {
    let all: [&[u8]; 3] = [b"first", b"", b"third body"];
    let log = framed(&all);
    for cut in 0..=log.len() {
        let (seen, end) = bodies(&log[..cut]).expect("a cut log is a torn tail");
        let whole = (0..=all.len())
            .rev()
            .find(|&n| framed(&all[..n]).len() <= cut)
            .unwrap_or(0);
        assert_eq!(seen, all[..whole].to_vec(), "cut at {cut}");
        assert_eq!(end, framed(&all[..whole]).len(), "cut at {cut}");
    }
}

#[test]
fn damage_before_the_last_frame_is_corruption_at_that_frame() {
    let log = framed(&[b"first", b"second"]);
    let second = FRAME_HEADER_LEN + 5;
    for at in 0..second {
        let mut bad = log.clone();
        bad[at] ^= 0x10;
        match bodies(&bad) {
            Err(FileProblem::Corrupt { offset, .. }) => {
                assert_eq!(offset, HEADER_LEN as u64, "flip at {at}")
            }
            other => panic!("flip at {at}: {other:?}"),
        }
    }
    // Damage in the last frame's body or checksum is a torn write: that frame is dropped.
    for at in second + 8..log.len() {
        let mut bad = log.clone();
        bad[at] ^= 0x10;
        assert_eq!(bodies(&bad), Ok((vec![b"first".to_vec()], second)));
    }
}

#[test]
fn zeros_after_the_last_frame_are_a_torn_tail() {
    let mut log = framed(&[b"first"]);
    let end = log.len();
    log.extend_from_slice(&[0; 40]);
    assert_eq!(bodies(&log), Ok((vec![b"first".to_vec()], end)));
}

#[test]
fn headers_are_told_apart() {
    let mut header = [0u8; HEADER_LEN];
    header[..8].copy_from_slice(b"CORTEXLG");
    header[8] = VERSION;
    header[9] = Content::Graph as u8;
    let crc = crc32(&header[..12]);
    header[12..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(check_header(&header, Content::Graph), Ok(()));
    assert_eq!(
        check_header(&header, Content::Events),
        Err(FileProblem::NotALog { expected: "event" })
    );
    assert_eq!(
        check_header(b"not a log at all", Content::Graph),
        Err(FileProblem::NotALog { expected: "graph" })
    );
}
