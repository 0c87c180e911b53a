//! `cargo xtask`: wasm builds of the workspace's crates and the size gate over them.

mod atomic;
mod baseline;
mod budget;
mod failure;
mod flags;
mod optimise;
mod report;
mod size;
mod size_check;
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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            failure::exit_code(&err)
        }
    }
}
