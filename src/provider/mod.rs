//! The cluster-autoscaler kwok provider, reproduced as pure code: what CA reads, checks and creates.
//!
//! Everything here follows the provider's Go code (see `provider-semantics.md` in the design
//! notes), not its README. No I/O: callers hand in YAML text or parsed trees.

pub(crate) mod api_validation;
pub(crate) mod config;
pub mod decision;
pub(crate) mod deployment;
pub(crate) mod event_view;
pub(crate) mod events;
pub(crate) mod go_yaml;
pub(crate) mod names;
pub mod nodegroups;
pub(crate) mod nodes;
pub(crate) mod pods;
pub(crate) mod quantity;
pub(crate) mod startup;
pub mod status;
pub(crate) mod tabs;
pub(crate) mod templates;
pub mod version;

pub use version::CaVersion;

/// Default name of the provider-config ConfigMap (env `KWOK_PROVIDER_CONFIGMAP` overrides it).
pub const DEFAULT_CONFIG_MAP_NAME: &str = "kwok-provider-config";
/// Conventional name of the templates ConfigMap (the real one is `configmap.name`).
pub const DEFAULT_TEMPLATES_CONFIG_MAP_NAME: &str = "kwok-provider-templates";
/// CA's `--namespace` default: where it runs, and reads its ConfigMaps unless POD_NAMESPACE says otherwise.
pub const DEFAULT_CA_NAMESPACE: &str = "kube-system";
/// CA's `--status-config-map-name` default.
pub const DEFAULT_STATUS_CONFIG_MAP: &str = "cluster-autoscaler-status";
/// Env var CA reads for the provider-config ConfigMap name.
pub const ENV_CONFIG_MAP: &str = "KWOK_PROVIDER_CONFIGMAP";
/// Env var CA reads for the namespace of both ConfigMaps.
pub const ENV_POD_NAMESPACE: &str = "POD_NAMESPACE";
/// Env var that makes CA use a kubeconfig instead of in-cluster config.
pub const ENV_PROVIDER_MODE: &str = "KWOK_PROVIDER_MODE";
/// Data key of the provider config.
pub const CONFIG_KEY: &str = "config";
/// Data key of the templates (fixed; `configmap.key` is read by nobody).
pub const TEMPLATES_KEY: &str = "templates";
/// The only documented provider-config `apiVersion`.
pub const CONFIG_API_VERSION: &str = "v1alpha1";

/// Annotation naming a template's node group (wins over the grouping value).
pub const ANNOTATION_NODEGROUP_NAME: &str = "cluster-autoscaler.kwok.nodegroup/name";
pub const ANNOTATION_MIN_COUNT: &str = "cluster-autoscaler.kwok.nodegroup/min-count";
pub const ANNOTATION_MAX_COUNT: &str = "cluster-autoscaler.kwok.nodegroup/max-count";
pub const ANNOTATION_DESIRED_COUNT: &str = "cluster-autoscaler.kwok.nodegroup/desired-count";
/// Annotation the kwok controller selects on; CA sets it to `fake` and deletes only such nodes.
pub const ANNOTATION_KWOK_NODE: &str = "kwok.x-k8s.io/node";
pub const KWOK_NODE_FAKE: &str = "fake";
/// Annotation CA 1.33+ sets on every node it creates.
pub const ANNOTATION_METRICS_PATH: &str = "metrics.k8s.io/resource-metrics-path";

pub const DEFAULT_MIN_COUNT: i64 = 0;
pub const DEFAULT_MAX_COUNT: i64 = 200;

/// The taint CA adds to every template unless `nodes.skipTaint`.
pub const TAINT_KEY: &str = "kwok-provider";
pub const TAINT_VALUE: &str = "true";
pub const TAINT_EFFECT: &str = "NoSchedule";
/// `spec.providerID` prefix of the nodes the provider owns.
pub const PROVIDER_ID_PREFIX: &str = "kwok:";
/// Name prefix CA gives prepared templates.
pub const TEMPLATE_NAME_PREFIX: &str = "kwok-fake-";

pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
pub const LABEL_INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
pub const LABEL_CONTROL_PLANE: &str = "node-role.kubernetes.io/control-plane";
pub const LABEL_ARCH: &str = "kubernetes.io/arch";
pub const LABEL_OS: &str = "kubernetes.io/os";
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";
pub const LABEL_REGION: &str = "topology.kubernetes.io/region";
pub const RESOURCE_GPU: &str = "nvidia.com/gpu";
/// CPU CA's simulated kube-proxy pod requests on every template node, in millicores.
pub const KUBE_PROXY_CPU_MILLIS: f64 = 100.0;

/// The taint in `kubectl taint` notation.
pub fn taint_string() -> String {
    format!("{TAINT_KEY}={TAINT_VALUE}:{TAINT_EFFECT}")
}

/// The most data (keys and values, in bytes) the API server accepts in one ConfigMap.
pub const MAX_CONFIG_MAP_BYTES: usize = 1024 * 1024;

/// CA's words when a ConfigMap it reads is not there (its `GetConfigMap` wrapping client-go's
/// NotFound); the provider config's start-up wraps them in `config_not_loaded`.
pub fn config_map_not_found(name: &str) -> String {
    format!("failed to get configmap '{name}': configmaps \"{name}\" not found")
}

/// CA's words when its start-up cannot load the provider config, for `reason`.
pub fn config_not_loaded(reason: &str) -> String {
    format!("failed to load kwok provider config: {reason}")
}

/// Why CA would not start (or crash right after), in CA's words and ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaFailure {
    /// What CA logs, as close to its own wording as we can.
    pub ca_message: String,
    /// A plain explanation of what that means.
    pub explanation: String,
    /// Whether CA panics (crash) rather than exiting with an error.
    pub panics: bool,
    /// What the API server answered first, when its refusal is why CA fails (a ConfigMap it
    /// would not store): printed as the API server's words, before CA's.
    pub api_server_message: Option<String>,
}

impl CaFailure {
    pub fn new(ca_message: impl Into<String>, explanation: impl Into<String>) -> Self {
        CaFailure {
            ca_message: ca_message.into(),
            explanation: explanation.into(),
            panics: false,
            api_server_message: None,
        }
    }

    /// The same failure, caused by the API server refusing something first (in its words).
    pub fn after_api_server(self, message: impl Into<String>) -> Self {
        CaFailure {
            api_server_message: Some(message.into()),
            ..self
        }
    }

    pub fn panic(ca_message: impl Into<String>, explanation: impl Into<String>) -> Self {
        CaFailure {
            panics: true,
            ..CaFailure::new(ca_message, explanation)
        }
    }
}
