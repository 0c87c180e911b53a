//! Typed errors of cortex-core; no backend error type leaks into the public API.

/// Result alias used by every fallible cortex-core call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a caller (or a file on disk) can make go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An event kind was empty, longer than [`crate::event::MAX_KIND_LEN`] bytes or held a `*`, or a
    /// kind pattern held a `*` before its end.
    #[error("invalid event kind: {0}")]
    InvalidKind(String),
    /// A payload exceeded the store's configured limit.
    #[error("payload of {size} bytes exceeds the store limit of {limit} bytes; raise StoreConfig::max_payload_bytes")]
    PayloadTooLarge { size: usize, limit: usize },
    /// An edge referred to a node that does not exist.
    #[error("node {0} does not exist; put the node before connecting it")]
    MissingNode(crate::id::NodeId),
    /// A label, relation or property was not acceptable.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A stored record could not be decoded (truncated, garbled or written by an unknown version).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// A record carries an encoding version this build does not understand.
    #[error("unsupported record version {found} (this build reads up to {supported}); upgrade cortex-core")]
    UnsupportedVersion { found: u8, supported: u8 },
    /// The bus (or a subscription) has been closed.
    #[error("closed")]
    Closed,
    /// The bus was full and its policy is `BackpressurePolicy::Error`.
    #[error("bus is full ({capacity} events); consume faster or pick another backpressure policy")]
    Full { capacity: usize },
    /// A file-backed store's directory or one of its files cannot be opened as a store: `path`
    /// names it, `problem` says what is wrong. Nothing in the directory was changed.
    #[cfg(feature = "fs")]
    #[error("{}: {problem}", path.display())]
    StoreFile {
        path: std::path::PathBuf,
        problem: FileProblem,
    },
    /// The storage backend failed (I/O, locking, corruption detected by the engine).
    #[error("storage backend: {context}")]
    Backend {
        /// What failed, in cortex's terms: the operation and, where there is one, the path.
        context: String,
        /// The backend's own error, kept for `std::error::Error::source` and boxed so no backend type
        /// enters the API; `None` when cortex itself detected the failure (a poisoned lock).
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

/// What makes a file-backed store's directory or file unusable ([`Error::StoreFile`]).
#[cfg(feature = "fs")]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileProblem {
    /// The store's path exists and is not a directory.
    #[error("not a directory; open a store on a directory")]
    NotADirectory,
    /// The store's path does not exist and `create_if_missing` is off.
    #[error("no such directory; create it or set create_if_missing")]
    Missing,
    /// The file does not start with a cortex log header of the kind expected there.
    #[error("not a cortex {expected} log; move it away or open the store on another directory")]
    NotALog { expected: &'static str },
    /// The log was written by a newer format version than this build reads.
    #[error("log format version {found}, newer than this build reads ({supported}); upgrade cortex-core")]
    NewerVersion { found: u8, supported: u8 },
    /// Damage before the log's last frame, which a torn write cannot cause: the records after it
    /// are not dropped silently.
    #[error("damaged at byte offset {offset}: {what}; restore the file from a copy")]
    Corrupt { offset: u64, what: &'static str },
}

/// Shows caller input inside an error message: in double quotes, with quotes and backslashes
/// escaped and control characters written as `\u{..}`, so the message stays on one line and the
/// input's ends are visible. `{:?}` would do much the same, but its escaping of every non-printable
/// Unicode character brings the Unicode printable tables into the wasm module (about 3 KB).
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' => {
                    f.write_char('\\')?;
                    f.write_char(c)?;
                }
                // Control characters all lie below U+00A0: two hex digits each.
                c if c.is_control() => {
                    let code = c as usize;
                    f.write_str("\\u{")?;
                    f.write_char(char::from(crate::id::HEX_DIGITS[code >> 4]))?;
                    f.write_char(char::from(crate::id::HEX_DIGITS[code & 15]))?;
                    f.write_char('}')?;
                }
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::Quoted;

    /// The oracle is the escaping written out by hand for each character class.
    #[test]
    fn quoted_input_escapes_quotes_backslashes_and_control_characters_only() {
        assert_eq!(Quoted("sensor.*").to_string(), r#""sensor.*""#);
        assert_eq!(Quoted("a\"b\\c").to_string(), r#""a\"b\\c""#);
        assert_eq!(
            Quoted("line\nnext\t\u{1b}\u{9f}").to_string(),
            r#""line\u{0a}next\u{09}\u{1b}\u{9f}""#
        );
        assert_eq!(Quoted("größe ✓").to_string(), "\"größe ✓\"");
    }
}
