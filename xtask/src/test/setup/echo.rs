//! Where a set-up command's output goes: to the terminal as it comes, or kept and shown only when the
//! command fails, for set-up that runs while the test build prints its own progress.

use std::cell::RefCell;
use std::process::ExitStatus;

use xshell::Cmd;

/// How a set-up command shows itself and its output.
#[derive(Debug, Clone, Copy)]
pub enum Echo<'a> {
    /// The command echoed on stderr, its output shown as it comes.
    Live,
    /// The command and its output appended to this log, for the caller to show if the set-up fails.
    Kept(&'a RefCell<String>),
}

impl Echo<'_> {
    /// Runs `cmd`; a non-zero exit is an error worded as xshell words it, so a failure reads the same
    /// whichever way the output went.
    pub fn run(self, cmd: Cmd<'_>) -> anyhow::Result<()> {
        let Echo::Kept(log) = self else {
            return Ok(cmd.run()?);
        };
        let shown = cmd.to_string();
        let output = cmd.quiet().ignore_status().output()?;
        let mut log = log.borrow_mut();
        log.push_str(&format!("$ {shown}\n"));
        log.push_str(&String::from_utf8_lossy(&output.stdout));
        log.push_str(&String::from_utf8_lossy(&output.stderr));
        match failure(&shown, output.status) {
            None => Ok(()),
            Some(message) => Err(anyhow::Error::msg(message)),
        }
    }
}

/// What xshell says when a command it ran exits with `status`, or `None` for success.
fn failure(shown: &str, status: ExitStatus) -> Option<String> {
    use std::os::unix::process::ExitStatusExt as _;
    if status.success() {
        return None;
    }
    Some(match (status.code(), status.signal()) {
        (Some(code), _) => format!("command exited with non-zero code `{shown}`: {code}"),
        (None, Some(signal)) => format!("command was terminated by a signal `{shown}`: {signal}"),
        (None, None) => format!("command was terminated by a signal `{shown}`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xshell::{cmd, Shell};

    #[test]
    fn a_kept_failure_reads_as_a_live_one_and_its_output_is_in_the_log() {
        let sh = Shell::new().unwrap();
        let script = "echo to-stdout; echo to-stderr >&2; exit 3";
        let live = Echo::Live
            .run(
                cmd!(sh, "sh -c {script}")
                    .quiet()
                    .ignore_stderr()
                    .ignore_stdout(),
            )
            .unwrap_err();
        let log = RefCell::new(String::new());
        let kept = Echo::Kept(&log)
            .run(cmd!(sh, "sh -c {script}"))
            .unwrap_err();
        assert_eq!(kept.to_string(), live.to_string());
        assert!(live.to_string().contains(": 3"), "{live}");
        let log = log.into_inner();
        assert!(log.starts_with("$ sh -c "), "{log}");
        assert!(
            log.contains("to-stdout\n") && log.contains("to-stderr\n"),
            "{log}"
        );
    }

    #[test]
    fn a_kept_success_is_ok_and_logged() {
        let sh = Shell::new().unwrap();
        let log = RefCell::new(String::new());
        Echo::Kept(&log).run(cmd!(sh, "echo fine")).unwrap();
        assert_eq!(log.into_inner(), "$ echo fine\nfine\n");
    }

    #[test]
    fn a_killed_command_is_worded_as_xshell_words_it() {
        let sh = Shell::new().unwrap();
        let script = "kill -9 $$";
        let live = cmd!(sh, "sh -c {script}").quiet().run().unwrap_err();
        let log = RefCell::new(String::new());
        let kept = Echo::Kept(&log)
            .run(cmd!(sh, "sh -c {script}"))
            .unwrap_err();
        assert_eq!(kept.to_string(), live.to_string());
    }
}
