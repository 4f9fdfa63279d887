//! `init`'s options, typed: what the command line (`InitArgs`) asked for.

use crate::init::plan::ReadNodesFrom;
use crate::options::ProviderOptions;
use crate::output::OutputFormat;
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Never prompt; a missing answer is an error.
    pub non_interactive: bool,
    /// Print the preset catalog and exit.
    pub list_presets: bool,
    pub read_nodes_from: Option<ReadNodesFrom>,
    pub group_by_label: Option<String>,
    pub group_by_annotation: Option<String>,
    /// Catalog templates, `NAME[=GROUP]`.
    pub presets: Vec<String>,
    /// Templates copied from live nodes, `NODE[=GROUP]`.
    pub from_nodes: Vec<String>,
    pub templates_file: Option<PathBuf>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub desired: Option<i64>,
    /// Sizes of one group each, `GROUP=MIN:MAX[:DESIRED]`.
    pub sizes: Vec<String>,
    pub skip_taint: bool,
    pub gpu_label: Option<String>,
    pub templates_config_map: Option<String>,
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
