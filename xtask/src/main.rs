//! `cargo xtask`: wasm builds of the workspace's crates and the size gate over them.

#[cfg(feature = "runtime")]
mod abi_session;
mod atomic;
mod attribution;
mod baseline;
mod behaviour;
mod budget;
#[cfg(feature = "runtime")]
mod cortex_abi;
mod failure;
#[cfg(all(test, feature = "runtime"))]
mod fixtures;
mod flags;
mod growth;
mod optimise;
mod report;
mod run;
#[cfg(feature = "runtime")]
mod runtime;
mod size;
mod size_check;
mod size_why;
mod verdict;
mod wasm;
mod workspace;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let flags = flags::Xtask::parse();
    let result = match flags.command {
        flags::Command::Wasm(cmd) => cmd.run(),
        flags::Command::SizeCheck(cmd) => cmd.run(),
        flags::Command::Run(cmd) => cmd.run(),
        flags::Command::SizeWhy(cmd) => cmd.run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            failure::exit_code(&err)
        }
    }
}
