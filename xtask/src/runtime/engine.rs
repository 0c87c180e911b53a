//! An embedded WASI preview1 runtime, so running an artifact needs nothing installed.

use std::fmt;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use wasmtime::{Config, Engine, Instance, Linker, Module, OptLevel, Store, Trap};

use super::wasi::{self, Exited, Host};

/// Captured output beyond this is an error rather than an unbounded allocation.
pub(crate) const CAPTURE_LIMIT: usize = 64 << 20;

/// How a program is run: its output streamed through to ours, or captured in a
/// deterministic environment (fixed clocks and randomness) so two runs can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Stream,
    Capture {
        limit: Duration,
    },
    /// Real clocks with the output captured, for a program that times itself.
    Timed,
}

/// How a program ended without trapping.
#[derive(Debug)]
pub struct Exit {
    pub code: i32,
    /// Empty unless the output was captured.
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// What the run cost, on an engine that meters fuel ([`Runtime::metered`]).
    pub metered: Option<Metered>,
}

/// The fuel a store starts with on a metering engine: far more than any run the gate makes, so
/// running out is a runaway module rather than a budget.
pub(crate) const FUEL: u64 = 1 << 50;

/// What a run cost on a metering engine: wasm instructions executed, through startup and in all,
/// and the bytes of linear memory when it ended (its peak, as memory never shrinks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metered {
    pub startup: u64,
    pub total: u64,
    pub memory: u64,
}

impl Metered {
    /// The cost of a run that started with [`FUEL`] and has `left`; startup ends where
    /// `left_at_startup` was read (the whole run when it never was).
    pub(crate) fn of(left: u64, left_at_startup: Option<u64>, memory: u64) -> Self {
        let total = FUEL - left;
        Self {
            startup: left_at_startup.map_or(total, |at| FUEL - at),
            total,
            memory,
        }
    }
}

/// A module stopped by a trap (or by the time limit) rather than by exiting.
#[derive(Debug)]
pub struct Trapped {
    pub artifact: String,
    pub reason: String,
    /// What the module had written to stderr before it trapped, when captured.
    pub stderr: Vec<u8>,
}

impl fmt::Display for Trapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` trapped: {}", self.artifact, self.reason)
    }
}

impl std::error::Error for Trapped {}

/// One compiling engine, shared by every module run through it.
#[derive(Debug, Clone)]
pub struct Runtime {
    engine: Engine,
}

/// An instantiated library module and the store that owns it.
pub struct Library {
    pub store: Store<Host>,
    pub instance: Instance,
}

impl fmt::Debug for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Library")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// An engine that compiles quickly: for runs that check behaviour, not speed.
    pub fn new() -> Result<Self> {
        Self::with(OptLevel::None, true)
    }

    /// An engine that compiles for speed, as a production embedder would, for runs that are timed.
    /// Without epoch interruption: its check on every loop and call halves the bus's publish rate,
    /// so a time limit ([`Mode::Capture`]) does not stop a module run on it.
    pub fn optimising() -> Result<Self> {
        Self::with(OptLevel::Speed, false)
    }

    /// An engine that compiles quickly and counts the wasm instructions a store executes (fuel),
    /// for the run that measures what a module costs: the count does not depend on how the
    /// module was compiled.
    pub fn metered() -> Result<Self> {
        Self::configured(OptLevel::None, true, true)
    }

    fn with(level: OptLevel, interruptible: bool) -> Result<Self> {
        Self::configured(level, interruptible, false)
    }

    fn configured(level: OptLevel, interruptible: bool, fuel: bool) -> Result<Self> {
        let mut config = Config::new();
        config.cranelift_opt_level(level);
        config.epoch_interruption(interruptible);
        config.consume_fuel(fuel);
        let engine = Engine::new(&config)
            .map_err(anyhow::Error::from)
            .context("start the embedded wasm runtime")?;
        Ok(Self { engine })
    }

    pub fn compile(&self, artifact: &str, wasm: &[u8]) -> Result<Module> {
        Module::new(&self.engine, wasm)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("compile `{artifact}` for the embedded runtime"))
    }

    pub(crate) fn linker(&self, module: &Module) -> Result<Linker<Host>> {
        let mut linker = Linker::new(&self.engine);
        wasi::link(&mut linker, module).context("link the wasi preview1 imports")?;
        Ok(linker)
    }

    /// Runs a command module's `_start` with `args` (the artifact's name is `argv[0]`).
    ///
    /// A trap is returned as a [`Trapped`] error; every exit code, zero or not, is an `Ok`.
    pub fn run(&self, artifact: &str, wasm: &[u8], args: &[String], mode: Mode) -> Result<Exit> {
        let module = self.compile(artifact, wasm)?;
        self.run_compiled(artifact, &module, args, mode)
    }

    /// [`Runtime::run`] on a module this runtime compiled already, for running it more than once.
    pub fn run_compiled(
        &self,
        artifact: &str,
        module: &Module,
        args: &[String],
        mode: Mode,
    ) -> Result<Exit> {
        let host = Self::host(artifact, args, mode);
        self.run_in(artifact, module, host, mode)
    }

    /// The world a program run in `mode` sees: `argv` is the artifact's name, then `args`.
    pub fn host(artifact: &str, args: &[String], mode: Mode) -> Host {
        let argv = std::iter::once(artifact.to_owned())
            .chain(args.iter().cloned())
            .collect();
        match mode {
            Mode::Stream => Host::inherit(argv),
            Mode::Capture { .. } => Host::deterministic(argv, CAPTURE_LIMIT),
            Mode::Timed => Host::timed(argv, CAPTURE_LIMIT),
        }
    }

    /// [`Runtime::run_compiled`] in a world of the caller's making (one granted a directory, say),
    /// made by [`Runtime::host`] for `mode`.
    pub fn run_in(&self, artifact: &str, module: &Module, host: Host, mode: Mode) -> Result<Exit> {
        let mut store = Store::new(&self.engine, host);
        // Refused, harmlessly, by an engine that does not meter fuel.
        let _ = store.set_fuel(FUEL);
        let instance = self
            .linker(module)?
            .instantiate(&mut store, module)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("instantiate `{artifact}`"))?;
        let start = instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .map_err(anyhow::Error::from)
            .with_context(|| format!("`{artifact}` has no `_start` export; is it a binary?"))?;
        let _timer = match mode {
            Mode::Capture { limit } => Some(self.deadline(&mut store, limit)),
            Mode::Stream | Mode::Timed => {
                store.set_epoch_deadline(1);
                None
            }
        };
        let result = start.call(&mut store, ());
        let (stdout, stderr) = store.data_mut().take_output();
        let code = match result {
            Ok(()) => 0,
            Err(error) => match error.downcast_ref::<Exited>() {
                Some(exit) => exit.0,
                None => {
                    return Err(Trapped {
                        artifact: artifact.to_owned(),
                        reason: describe(&error, mode),
                        stderr,
                    }
                    .into())
                }
            },
        };
        // A command that never writes to stdout spends its whole run starting.
        let metered = store.get_fuel().ok().map(|left| {
            let memory = instance
                .get_memory(&mut store, "memory")
                .map_or(0, |memory| memory.data_size(&store) as u64);
            Metered::of(left, store.data().fuel_at_first_stdout(), memory)
        });
        Ok(Exit {
            code,
            stdout,
            stderr,
            metered,
        })
    }

    /// Instantiates a library module (calling `_initialize` when it has one) with no output.
    pub fn instantiate(&self, artifact: &str, wasm: &[u8]) -> Result<Library> {
        self.instantiate_module(artifact, &self.compile(artifact, wasm)?)
    }

    /// [`Runtime::instantiate`] for a module compiled (by [`Runtime::compile`]) once and instantiated often.
    pub fn instantiate_module(&self, artifact: &str, module: &Module) -> Result<Library> {
        let host = Host::deterministic(vec![artifact.to_owned()], CAPTURE_LIMIT);
        self.instantiate_in(artifact, module, host)
    }

    /// [`Runtime::instantiate_module`] with a host of the caller's making (one granted a
    /// directory, say). On a metered runtime the store starts with [`FUEL`]; a caller that wants a
    /// call stopped sets less.
    pub fn instantiate_in(&self, artifact: &str, module: &Module, host: Host) -> Result<Library> {
        let mut store = Store::new(&self.engine, host);
        // Fails only on an engine that does not meter fuel, which needs none.
        let _ = store.set_fuel(FUEL);
        store.set_epoch_deadline(1);
        let instance = self
            .linker(module)?
            .instantiate(&mut store, module)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("instantiate `{artifact}`"))?;
        if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
            init.call(&mut store, ()).map_err(|error| Trapped {
                artifact: artifact.to_owned(),
                reason: describe(&error, Mode::Stream),
                stderr: Vec::new(),
            })?;
        }
        Ok(Library { store, instance })
    }

    /// Interrupts the store's wasm once `limit` has passed, unless the returned guard is dropped first.
    pub(crate) fn deadline(&self, store: &mut Store<Host>, limit: Duration) -> mpsc::Sender<()> {
        store.set_epoch_deadline(1);
        let (cancel, cancelled) = mpsc::channel::<()>();
        let engine = self.engine.clone();
        thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = cancelled.recv_timeout(limit) {
                engine.increment_epoch();
            }
        });
        cancel
    }
}

/// The reason a call failed, for a message that names the artifact.
pub fn describe(error: &wasmtime::Error, mode: Mode) -> String {
    match (error.downcast_ref::<Trap>(), mode) {
        (Some(Trap::Interrupt), Mode::Capture { limit }) => {
            format!("did not finish within {limit:?}")
        }
        (Some(trap), _) => trap.to_string(),
        (None, _) => format!("{error:#}"),
    }
}
