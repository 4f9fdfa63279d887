//! `init`'s options, typed: what the command line (`InitArgs`) asked for.

use crate::init::plan::Answers;
use crate::options::ProviderOptions;
use crate::output::OutputFormat;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The answers the flags give (`-n` among them); saved defaults and the wizard fill the rest.
    pub flags: Answers,
    /// Never prompt; a missing answer is an error.
    pub non_interactive: bool,
    /// Print the preset catalog and exit.
    pub list_presets: bool,
    pub output_dir: Option<PathBuf>,
    pub output: Option<OutputFormat>,
    /// Create or update the ConfigMaps in the cluster.
    pub apply: bool,
    pub create_namespace: bool,
    pub force: bool,
    pub save_defaults: bool,
    pub provider: ProviderOptions,
    /// The user config directory (presets.yaml, defaults.yaml), if the platform has one.
    pub config_dir: Option<PathBuf>,
}
