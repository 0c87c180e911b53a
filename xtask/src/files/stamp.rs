//! Content stamps: a SHA-256 of everything a result depends on, kept beside the result, so work
//! whose inputs did not change is skipped.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The stamp file that vouches for `output`: `<output>.<what>` (e.g. `demo.wasm.input-sha256`).
#[derive(Debug, Clone)]
pub struct Stamp {
    path: PathBuf,
    digest: String,
}

impl Stamp {
    /// The stamp of `output` over `inputs`; each part is length-prefixed, so moving a byte from
    /// one part to the next changes it.
    pub fn new(output: &Path, what: &str, inputs: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        for part in inputs {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        let mut path = output.as_os_str().to_owned();
        path.push(format!(".{what}"));
        Self {
            path: path.into(),
            digest: format!("{:x}\n", hasher.finalize()),
        }
    }

    /// Whether `output` exists and the stamp beside it was written for these very inputs.
    pub fn is_current(&self, output: &Path) -> bool {
        output.exists() && std::fs::read_to_string(&self.path).is_ok_and(|old| old == self.digest)
    }

    /// Records that the output now matches these inputs.
    pub fn record(&self) -> anyhow::Result<()> {
        crate::files::atomic::write(&self.path, self.digest.as_bytes())
    }

    /// The value recorded with [`Stamp::record_value`] for these very inputs, if any: for results
    /// small enough to live in the stamp itself (compressed sizes).
    pub fn recorded_value(&self) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        text.strip_prefix(&self.digest).map(str::to_owned)
    }

    /// Records `value` as the result of these inputs.
    pub fn record_value(&self, value: &str) -> anyhow::Result<()> {
        crate::files::atomic::write(&self.path, format!("{}{value}", self.digest).as_bytes())
    }
}

/// The running xtask, by size and modification time: a rebuilt xtask may compute a result
/// differently (another check, another compressor), so what an older one vouched for is redone.
pub fn xtask_identity() -> String {
    match std::env::current_exe().and_then(std::fs::metadata) {
        Ok(xtask) => format!("{} {:?}", xtask.len(), xtask.modified().ok()),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_only_for_the_same_inputs_and_an_existing_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("m.wasm");
        let stamp = Stamp::new(&output, "input-sha256", &[b"opts", b"module"]);
        assert!(!stamp.is_current(&output), "nothing recorded yet");
        std::fs::write(&output, b"x").unwrap();
        stamp.record().unwrap();
        assert!(dir.path().join("m.wasm.input-sha256").exists());
        assert!(stamp.is_current(&output));
        assert!(!Stamp::new(&output, "input-sha256", &[b"opts", b"module2"]).is_current(&output));
        assert!(
            !Stamp::new(&output, "input-sha256", &[b"optsm", b"odule"]).is_current(&output),
            "parts are length-prefixed"
        );
        std::fs::remove_file(&output).unwrap();
        assert!(
            !stamp.is_current(&output),
            "a stamp without its output vouches for nothing"
        );
    }

    #[test]
    fn a_recorded_value_comes_back_only_for_the_same_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("m.wasm");
        let stamp = Stamp::new(&module, "compressed", &[b"tag", b"bytes"]);
        assert_eq!(stamp.recorded_value(), None);
        stamp.record_value("12 34").unwrap();
        assert_eq!(stamp.recorded_value().as_deref(), Some("12 34"));
        let other = Stamp::new(&module, "compressed", &[b"tag", b"bytes2"]);
        assert_eq!(other.recorded_value(), None, "other bytes, other sizes");
        other.record_value("56 78").unwrap();
        assert_eq!(
            stamp.recorded_value(),
            None,
            "overwritten for the other bytes"
        );
    }
}
