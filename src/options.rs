//! Typed options that more than one verb takes (which CA, which provider ConfigMap), built by
//! the command line; the rule that names the ConfigMap stays with the inputs it reads.

use crate::error::Result;
use crate::provider::CaVersion;

/// Which CA and which provider ConfigMap: `--ca-version`, `--config-map` and
/// `KWOK_PROVIDER_CONFIGMAP`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderOptions {
    /// `--ca-version`.
    pub ca_version: Option<CaVersion>,
    /// `--config-map`.
    pub config_map: Option<String>,
    /// `KWOK_PROVIDER_CONFIGMAP`, as the environment holds it.
    pub config_map_env: Option<String>,
}

impl ProviderOptions {
    /// `--ca-version`, else the newest behaviour.
    pub fn ca_version(&self) -> CaVersion {
        self.ca_version.unwrap_or(CaVersion::LATEST)
    }

    /// The provider-config ConfigMap's name: the flag, else `KWOK_PROVIDER_CONFIGMAP`, else
    /// the default; an invalid name is a usage error.
    pub fn config_map_name(&self) -> Result<String> {
        self.config_map_name_or(None)
    }

    /// As `config_map_name`, for files: with neither the flag nor the environment, a CA
    /// Deployment in the files that sets `KWOK_PROVIDER_CONFIGMAP` names it, as it does for CA.
    /// Returns the name, and a note to show when a Deployment named it.
    pub fn config_map_name_for_files(
        &self,
        files: &[crate::inputs::InputFile],
    ) -> Result<(String, Option<String>)> {
        crate::inputs::config_map_name_for_files(
            self.config_map.as_deref(),
            self.config_map_env.as_deref(),
            files,
        )
    }

    /// As `config_map_name`, with `fallback` (a saved answer) between the flag and the environment.
    pub fn config_map_name_or(&self, fallback: Option<&str>) -> Result<String> {
        crate::inputs::config_map_name(
            self.config_map.as_deref().or(fallback),
            self.config_map_env.as_deref(),
        )
    }
}
