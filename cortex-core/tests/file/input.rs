//! What is not a store: a path that is not a directory, a missing directory, a log of a newer
//! format, a file that is not ours. Each is a `StoreFile` error naming the path, and nothing on
//! disk changes.

use std::path::Path;

use cortex_core::{Error, FileEventStore, FileGraphStore, FileOptions, FileProblem};

/// The problem `opened` failed with, after checking it names `path`.
fn problem<S: std::fmt::Debug>(opened: cortex_core::Result<S>, path: &Path) -> FileProblem {
    match opened {
        Err(Error::StoreFile {
            path: named,
            problem,
        }) => {
            assert_eq!(named, path);
            problem
        }
        other => panic!(
            "expected a StoreFile error naming {}: {other:?}",
            path.display()
        ),
    }
}

#[test]
fn a_file_where_the_directory_belongs_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("plain-file");
    std::fs::write(&path, b"mine").expect("write");
    let opened = FileEventStore::open(&path, FileOptions::default());
    assert_eq!(problem(opened, &path), FileProblem::NotADirectory);
    let opened = FileGraphStore::open(&path, FileOptions::default());
    let error = opened.expect_err("a file is not a directory").to_string();
    assert!(
        error.contains("plain-file") && error.contains("not a directory"),
        "{error}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), b"mine");
}

#[test]
fn a_missing_directory_is_created_only_when_allowed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("not-yet");
    let options = FileOptions {
        create_if_missing: false,
        ..FileOptions::default()
    };
    let opened = FileEventStore::open(&path, options);
    assert_eq!(problem(opened, &path), FileProblem::Missing);
    assert!(!path.exists());
    FileEventStore::open(&path, FileOptions::default()).expect("created");
    assert!(path.join("events.log").is_file());
}

#[test]
fn a_log_of_a_newer_format_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("dir");
    drop(FileGraphStore::open(dir.path(), FileOptions::default()).expect("open"));
    let path = dir.path().join("graph.log");
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[8] = 2;
    let crc = crc32fast::hash(&bytes[..12]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    bytes.extend_from_slice(b"frames of a format to come");
    std::fs::write(&path, &bytes).expect("write");
    let opened = FileGraphStore::open(dir.path(), FileOptions::default());
    assert_eq!(
        problem(opened, &path),
        FileProblem::NewerVersion {
            found: 2,
            supported: 1
        }
    );
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn a_file_that_is_not_ours_is_refused_and_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("events.log");
    let theirs = b"2024-01-01 12:00 somebody else's log line\n".repeat(3);
    std::fs::write(&path, &theirs).expect("write");
    let opened = FileEventStore::open(dir.path(), FileOptions::default());
    assert_eq!(
        problem(opened, &path),
        FileProblem::NotALog { expected: "event" }
    );
    assert_eq!(std::fs::read(&path).expect("read"), theirs);

    // A graph log where the event log belongs is not an event log either.
    drop(FileGraphStore::open(dir.path(), FileOptions::default()).expect("open"));
    std::fs::copy(dir.path().join("graph.log"), &path).expect("copy");
    let opened = FileEventStore::open(dir.path(), FileOptions::default());
    assert_eq!(
        problem(opened, &path),
        FileProblem::NotALog { expected: "event" }
    );
}
