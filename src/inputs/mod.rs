//! What CA reads, read for every verb in one place: `-f` files, stdin and directories
//! (`files.rs`), what they hold (`classify.rs`), the live ConfigMaps, CA's Deployment and the
//! nodes (`live.rs`), and which ConfigMap name CA reads. Reading only: findings are `lint`'s,
//! CA's rules are `provider`'s, API calls go through `cluster`. Which namespace CA reads is
//! decided once, in `namespace.rs`, whose `connect` every verb calls for its client.

pub mod classify;
pub mod files;
pub mod live;
pub mod namespace;
pub mod owners;

pub use namespace::connect;

use crate::error::{Error, Result};
use crate::lint::given::Inputs;
use crate::output::Ui;
use crate::provider::{CaVersion, DEFAULT_CONFIG_MAP_NAME, ENV_CONFIG_MAP};
pub use files::InputFile;
use std::path::{Path, PathBuf};

/// The `-f` files and the `--templates` file, as read from disk. Every verb that takes files
/// reads them here, before any connection: a bad file is exit 2 even with no cluster.
#[derive(Debug)]
pub struct GivenFiles {
    pub files: Vec<InputFile>,
    pub templates: Option<InputFile>,
}

impl GivenFiles {
    /// Reads `-f` (files, directories, `-`) and `--templates`; `None` when neither is given,
    /// and CA's inputs are then the live cluster's (`live::read_config_maps`).
    pub fn read(paths: &[PathBuf], templates: Option<&Path>) -> Result<Option<GivenFiles>> {
        if paths.is_empty() && templates.is_none() {
            return Ok(None);
        }
        let files = files::read_files(paths)?;
        let templates = templates
            .map(|t| files::read_templates(t, paths))
            .transpose()?;
        Ok(Some(GivenFiles { files, templates }))
    }

    /// What CA would read in them, for CA `version` reading the provider config from ConfigMap
    /// `config_map`: notes on how they were read go to stderr, `-v` lists what was recognised.
    pub fn classify(self, config_map: &str, version: CaVersion, ui: &Ui) -> Result<Inputs> {
        let inputs = classify::classify(self.files, self.templates, config_map, version)?;
        for note in &inputs.notes {
            ui.say(note);
        }
        for line in classify::describe(&inputs) {
            ui.detail(line);
        }
        Ok(inputs)
    }
}

/// The provider-config ConfigMap name: flag, else env, else the default; a name the API
/// server would reject is a usage error (exit 2), not an unreachable cluster.
pub fn config_map_name(flag: Option<&str>, env: Option<&str>) -> Result<String> {
    let (name, from) = match (flag, env.filter(|e| !e.trim().is_empty())) {
        (Some(name), _) => (name, "--config-map"),
        (None, Some(name)) => (name, ENV_CONFIG_MAP),
        (None, None) => (DEFAULT_CONFIG_MAP_NAME, "default"),
    };
    match crate::provider::names::why_not_subdomain(name) {
        None => Ok(name.to_owned()),
        Some(why) => Err(Error::usage(format!(
            "{from}: `{name}` is not a valid ConfigMap name: {why}"
        ))
        .with_hint("ConfigMap names use lowercase letters, digits, `-` and `.` (CA looks for exactly this name, so it would not find it either)")),
    }
}

/// The provider-config ConfigMap's name when reading files: the flag, else the environment's
/// `KWOK_PROVIDER_CONFIGMAP`, else what a CA Deployment in the files sets there (as it does for
/// CA), else the default. Returns the name, and a note to show when a Deployment named it.
pub fn config_map_name_for_files(
    flag: Option<&str>,
    env: Option<&str>,
    files: &[InputFile],
) -> Result<(String, Option<String>)> {
    let env_set = env.is_some_and(|e| !e.trim().is_empty());
    if flag.is_none()
        && !env_set
        && let Some((name, place)) = classify::config_map_from_deployments(files)
    {
        let note = format!(
            "reading the provider config from ConfigMap `{name}`: {place} sets {ENV_CONFIG_MAP}={name}, as CA would"
        );
        return Ok((config_map_name(Some(&name), None)?, Some(note)));
    }
    Ok((config_map_name(flag, env)?, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_map_name_precedence() {
        assert_eq!(config_map_name(Some("a"), Some("b")).unwrap(), "a");
        assert_eq!(config_map_name(None, Some("b")).unwrap(), "b");
        assert_eq!(
            config_map_name(None, Some(" ")).unwrap(),
            DEFAULT_CONFIG_MAP_NAME
        );
        assert_eq!(
            config_map_name(None, None).unwrap(),
            DEFAULT_CONFIG_MAP_NAME
        );
        let trailing = config_map_name(None, Some("my-config ")).unwrap_err();
        assert_eq!(trailing.exit_code(), 2);
        assert!(trailing.message.contains("KWOK_PROVIDER_CONFIGMAP: `my-config ` is not a valid ConfigMap name: it contains a space"), "{}", trailing.message);
    }
}
