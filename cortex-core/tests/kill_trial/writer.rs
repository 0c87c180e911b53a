//! The machinery of a crash trial: a writer child (this test binary run again) that announces each
//! write before making it and acknowledges it after, killed with SIGKILL at a random point.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use super::splitmix::SplitMix64;

/// Set in the child: the store it writes to.
const WRITER_ENV: &str = "CORTEX_DURABILITY_WRITER";
/// Set in the child: its [`Plan`], as `seed first sync`.
const PLAN_ENV: &str = "CORTEX_DURABILITY_PLAN";
/// Replays a run: the seed every choice (writes, kill points, `sync`) derives from, printed by each test.
/// Where inside a write a kill lands still depends on timing, so a replay retraces, not repeats, a run.
const SEED_ENV: &str = "CORTEX_DURABILITY_SEED";
/// How many kills a test makes, when more (or fewer) than [`DEFAULT_KILLS`] are wanted.
const KILLS_ENV: &str = "CORTEX_DURABILITY_KILLS";
const DEFAULT_KILLS: u64 = 24;
/// Most writes the parent lets the writer start before it kills it.
const MAX_WRITES: u64 = 60;

/// The seed of this run (from `CORTEX_DURABILITY_SEED`, else the clock) and the number of kills; both printed.
pub fn seed_and_kills(test: &str) -> (u64, u64) {
    let seed = std::env::var(SEED_ENV)
        .ok()
        .map(|s| s.parse().expect("CORTEX_DURABILITY_SEED is a u64"))
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.expect("a clock after 1970").as_nanos() as u64
        });
    let kills = std::env::var(KILLS_ENV)
        .ok()
        .map(|s| s.parse().expect("CORTEX_DURABILITY_KILLS is a count"))
        .unwrap_or(DEFAULT_KILLS);
    eprintln!("{test}: {kills} kills, seed {seed}; replay with {SEED_ENV}={seed}");
    (seed, kills)
}

/// What one writer child does: where its random choices start, the first sequence number it may use
/// (so no two writes of a run share one), and whether it writes with `sync: true`.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub seed: u64,
    pub first: u64,
    pub sync: bool,
}

/// In the child: the store path and plan the parent passed, or `None` in the parent.
pub fn writer_plan() -> Option<(PathBuf, Plan)> {
    let path = std::env::var_os(WRITER_ENV)?;
    let plan = std::env::var(PLAN_ENV).expect("the plan is set with the store path");
    let mut fields = plan.split(' ').map(|f| f.parse::<u64>().expect("a number"));
    let mut field = || fields.next().expect("three fields in the plan");
    let plan = Plan {
        seed: field(),
        first: field(),
        sync: field() == 1,
    };
    Some((path.into(), plan))
}

/// The child's side of the protocol: `op …` before a write starts, `ack …` once it returned, each flushed
/// at once so the parent knows of every write that may have reached the store.
#[derive(Debug)]
pub struct Transcript(std::io::StdoutLock<'static>);

impl Transcript {
    pub fn new() -> Self {
        let mut transcript = Transcript(std::io::stdout().lock());
        // Ends the test harness's `test name ... ` line, so the first announcement starts a line of its own.
        transcript.line("", "");
        transcript
    }

    pub fn op(&mut self, op: &str) {
        self.line("op", op);
    }

    pub fn ack(&mut self, outcome: &str) {
        self.line("ack", outcome);
    }

    fn line(&mut self, tag: &str, text: &str) {
        writeln!(self.0, "{tag} {text}").expect("write to the parent");
        self.0.flush().expect("flush to the parent");
    }
}

/// One write the writer announced, with its acknowledgement if it printed one before it died.
#[derive(Debug)]
pub struct Announced {
    pub op: String,
    pub ack: Option<String>,
}

/// Runs `test` again as a writer child on `store`, kills it with SIGKILL at a random point and returns
/// everything it announced. The point: a random number of writes in, a random pause after the last
/// announcement (mostly shorter than a write, so the kill tends to land inside one); or, one time in
/// eight, a random pause after the start, so it can land while the writer opens and recovers the store.
pub fn kill_a_writer(test: &str, store: &Path, plan: Plan, rng: &mut SplitMix64) -> Vec<Announced> {
    let mut writer = Writer::spawn(test, store, plan);
    let mut lines = BufReader::new(writer.stdout.take().expect("piped stdout")).lines();
    let mut announced = Vec::new();
    let (writes, pause_micros) = match rng.below(8) {
        0 => (0, rng.below(30_000)),
        _ => (1 + rng.below(MAX_WRITES), rng.below(1_000)),
    };
    while (announced.len() as u64) < writes {
        let line = lines
            .next()
            .expect("the writer stopped before it was killed")
            .expect("read the writer's output");
        record(&mut announced, &line);
    }
    std::thread::sleep(Duration::from_micros(pause_micros));
    writer.kill();
    // Whatever the writer printed before it died counts too.
    for line in lines.map_while(Result::ok) {
        record(&mut announced, &line);
    }
    announced
}

/// Files one protocol line; the test harness's own lines are skipped.
fn record(announced: &mut Vec<Announced>, line: &str) {
    if let Some(op) = line.strip_prefix("op ") {
        announced.push(Announced {
            op: op.to_owned(),
            ack: None,
        });
    } else if let Some(ack) = line.strip_prefix("ack ") {
        let last = announced
            .last_mut()
            .expect("an acknowledgement follows its op");
        assert!(last.ack.is_none(), "two acknowledgements for {}", last.op);
        last.ack = Some(ack.to_owned());
    }
}

/// The writer child; killed on drop, so a failing parent leaves no process behind.
struct Writer {
    child: Child,
    stdout: Option<ChildStdout>,
}

impl Writer {
    fn spawn(test: &str, store: &Path, plan: Plan) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("the test binary"))
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(WRITER_ENV, store)
            .env(
                PLAN_ENV,
                format!("{} {} {}", plan.seed, plan.first, u8::from(plan.sync)),
            )
            .stdout(Stdio::piped())
            // A writer that fails on its own says why in the test's output.
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the writer");
        let stdout = child.stdout.take();
        Writer { child, stdout }
    }

    fn kill(&mut self) {
        // SIGKILL: no destructor, no flush; RocksDB gets no chance to close the store.
        self.child.kill().expect("kill the writer");
        self.child.wait().expect("reap the writer");
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}
