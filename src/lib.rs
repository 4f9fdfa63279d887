//! kubectl-kwokprovider: build, lint and drive the cluster-autoscaler kwok provider's ConfigMaps.
//!
//! `run` is the whole program minus process concerns: one match over the commands.

pub mod cli;
pub mod cluster;
pub mod completion;
pub mod error;
pub(crate) mod events;
pub(crate) mod init;
pub(crate) mod inputs;
pub mod lint;
pub(crate) mod output;
pub mod provider;
pub(crate) mod scale;
pub(crate) mod source;
pub(crate) mod status;
pub(crate) mod validate;
pub(crate) mod why;
pub mod yaml;

use cli::{Cli, Command};
use error::Result;
use std::io::Write;

/// Runs a parsed command line, writing data to `out`; returns the exit code.
pub fn run(cli: &Cli, out: &mut impl Write) -> Result<u8> {
    let ui = output::Ui::new(cli.global.color, cli.global.verbosity, &cli.global.env);
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args, out, &ui),
        Command::Scale(args) => scale::run(&cli.global, args, out, &ui),
        Command::Events(args) => events::run(&cli.global, args, out, &ui),
        Command::Status(args) => status::run(&cli.global, args, out, &ui),
        Command::Init(args) => init::run(&cli.global, args, out, &ui),
        Command::Why(args) => why::run(&cli.global, args, out, &ui),
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
