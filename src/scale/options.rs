//! `scale`'s options, typed: what the command line (`ScaleArgs`) asked for.

use crate::options::ProviderOptions;
use crate::output::ListOutput;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ScaleOptions {
    /// Node groups to change (none: list the groups).
    pub groups: Vec<String>,
    /// Every node group the config defines.
    pub all: bool,
    pub replicas: Option<u32>,
    pub add: Option<u32>,
    pub remove: Option<u32>,
    /// Config and templates from files instead of the cluster's ConfigMaps.
    pub files: Vec<PathBuf>,
    /// Raw templates file, with `files`.
    pub templates: Option<PathBuf>,
    pub dry_run: DryRun,
    /// Go past the group's min-count and max-count.
    pub ignore_limits: bool,
    /// Requests in flight at once.
    pub concurrency: u32,
    /// Client-side requests per second (0: none).
    pub qps: f64,
    pub burst: u32,
    /// How long to wait for the nodes to be Ready: `None`, do not wait.
    pub wait_timeout: Option<Duration>,
    /// How long to wait for another run's Lease on the same group; 0: do not wait.
    pub lock_timeout: Duration,
    /// Give each node its own `kubernetes.io/hostname` label.
    pub set_hostname: bool,
    pub output: ListOutput,
    pub no_headers: bool,
    pub provider: ProviderOptions,
}

/// `--dry-run`, as kubectl's: none, client (nothing sent), server (`dryRun=All`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// Whether anything is to be left unchanged (client or server).
    pub fn any(self) -> bool {
        self != DryRun::None
    }
}
