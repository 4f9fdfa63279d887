//! `validate`'s options, typed: what the command line (`ValidateArgs`) asked for.

use crate::options::ProviderOptions;
use crate::output::OutputFormat;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// Files, directories or `-` (stdin); none: the live cluster.
    pub files: Vec<PathBuf>,
    /// Raw templates file.
    pub templates: Option<PathBuf>,
    pub output: OutputFormat,
    /// Print the rule catalog and exit.
    pub list_rules: bool,
    /// Rules turned off.
    pub disable: Vec<crate::lint::RuleId>,
    /// Fail on warnings too.
    pub strict: bool,
    pub provider: ProviderOptions,
}
