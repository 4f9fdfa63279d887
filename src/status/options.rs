//! `status`' options, typed: what the command line (`StatusArgs`) asked for.

use crate::options::ProviderOptions;
use crate::output::ViewOutput;

#[derive(Debug, Clone)]
pub struct StatusOptions {
    /// CA's namespace, when no CA Deployment says it.
    pub ca_namespace: Option<String>,
    /// Name of CA's status ConfigMap.
    pub status_config_map: Option<String>,
    /// Redraw whenever the status ConfigMap changes.
    pub watch: bool,
    pub output: ViewOutput,
    pub no_headers: bool,
    pub provider: ProviderOptions,
}
