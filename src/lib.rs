//! kubectl-kwokprovider: build, lint and drive the cluster-autoscaler kwok provider's ConfigMaps.
//!
//! `run` is the whole program minus process concerns: one match over the commands.

pub mod cli;
pub mod cluster;
pub mod completion;
pub mod error;
pub mod events;
pub mod init;
pub mod lint;
pub mod output;
pub mod provider;
pub mod scale;
pub mod status;
pub mod validate;
pub mod yaml;

use cli::{Cli, Command};
use error::Result;
use std::io::Write;

/// Runs a parsed command line, writing data to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut impl Write) -> Result<u8> {
    let stdout_colors = output::configure_colors(cli.global.color);
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args, out, stdout_colors),
        Command::Scale(args) => scale::run(&cli.global, args, out),
        Command::Events(args) => events::run(&cli.global, args, out, stdout_colors),
        Command::Status(args) => status::run(&cli.global, args, out, stdout_colors),
        Command::Init(args) => init::run(&cli.global, args, out, stdout_colors),
        Command::Completion(args) => {
            out.write_all(&completion::script(args.shell))?;
            Ok(error::exit::OK)
        }
        Command::Man => {
            out.write_all(&completion::man_page()?)?;
            Ok(error::exit::OK)
        }
    }
}
