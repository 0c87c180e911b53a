//! `cargo xtask`: parse the flags, build the context once, run the command, exit with its code.

use std::process::ExitCode;

use clap::Parser;
use xtask::failure;
use xtask::flags::{Command, Xtask};
use xtask::project::Context;

fn main() -> ExitCode {
    let flags = Xtask::parse();
    let result = Context::load().and_then(|cx| match flags.command {
        Command::Wasm(cmd) => cmd.run(&cx),
        Command::SizeCheck(cmd) => cmd.run(&cx),
        Command::SizeDiff(cmd) => cmd.run(&cx),
        Command::Run(cmd) => cmd.run(&cx),
        Command::SizeWhy(cmd) => cmd.run(&cx),
        Command::SizeHistory(cmd) => cmd.run(&cx),
        Command::Bench(cmd) => cmd.run(&cx),
        Command::Test(cmd) => cmd.run(&cx),
        Command::BenchGate(cmd) => cmd.run(&cx),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprint!("{}", failure::render(&err));
            failure::exit_code(&err)
        }
    }
}
