//! kubectl-kwokprovider: build, lint and drive the cluster-autoscaler kwok provider's ConfigMaps.
//!
//! `run` is the whole program minus process concerns: one match over the verbs, each given
//! its typed options (`cli::Invocation`).

pub mod cli;
pub mod cluster;
pub mod completion;
pub(crate) mod duration;
pub mod error;
pub(crate) mod events;
pub(crate) mod init;
pub(crate) mod inputs;
pub mod lint;
pub(crate) mod options;
pub mod output;
pub mod provider;
pub(crate) mod scale;
pub(crate) mod source;
pub(crate) mod status;
pub(crate) mod validate;
pub(crate) mod why;
pub mod yaml;

use cli::{Invocation, Verb};
use error::Result;
use std::io::Write;

/// Runs a parsed command line, writing data to `out`; returns the exit code.
pub fn run(invocation: &Invocation, out: &mut impl Write) -> Result<u8> {
    let ui = output::Ui::new(&invocation.ui);
    let connect = &invocation.connect;
    match &invocation.verb {
        Verb::Validate(options) => validate::run(connect, options, out, &ui),
        Verb::Scale(options) => scale::run(connect, options, out, &ui),
        Verb::Events(options) => events::run(connect, options, out, &ui),
        Verb::Status(options) => status::run(connect, options, out, &ui),
        Verb::Init(options) => init::run(connect, options, out, &ui),
        Verb::Why(options) => why::run(connect, options, out, &ui),
        Verb::Completion(shell) => {
            out.write_all(&completion::script(*shell))?;
            Ok(error::exit::OK)
        }
        Verb::Man => {
            out.write_all(&completion::man_page()?)?;
            Ok(error::exit::OK)
        }
    }
}
