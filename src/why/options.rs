//! `why`'s options, typed: what the command line (`WhyArgs`) asked for.

use crate::options::ProviderOptions;
use crate::output::OutputFormat;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct WhyOptions {
    /// Only these pods or their owners, as KIND/NAME.
    pub targets: Vec<String>,
    /// Pending pods of every namespace.
    pub all_namespaces: bool,
    /// CA's namespace (its ConfigMaps and status), when given.
    pub ca_namespace: Option<String>,
    /// Only pods with these labels.
    pub selector: Option<String>,
    /// Offline: ConfigMaps and workload manifests from files.
    pub files: Vec<PathBuf>,
    /// Raw templates file, with `files`.
    pub templates: Option<PathBuf>,
    pub output: OutputFormat,
    pub provider: ProviderOptions,
}
