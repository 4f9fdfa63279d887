//! CA's Deployment as CA itself reads it, read by one function (`ca_deployment`): which container
//! is CA, its flags (`--cloud-provider`, `--namespace`, ...), `POD_NAMESPACE` and
//! `KWOK_PROVIDER_CONFIGMAP` (pure). Every verb that looks at CA's Deployment, in the cluster or
//! in files, reads it here.

use super::{
    DEFAULT_CA_NAMESPACE, DEFAULT_CONFIG_MAP_NAME, DEFAULT_STATUS_CONFIG_MAP, ENV_CONFIG_MAP,
    ENV_POD_NAMESPACE,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Container;
use std::time::Duration;

/// CA's default `--scan-interval`: it writes its status once per loop.
pub const DEFAULT_SCAN_INTERVAL: Duration = Duration::from_secs(10);

/// Where CA writes its status ConfigMap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusConfigMap {
    pub namespace: String,
    pub name: String,
}

/// Where the CA of `ca` writes its status: its `--namespace` (else `kube-system`) and its
/// `--status-config-map-name` (else `cluster-autoscaler-status`); CA's defaults without one.
/// `status`, `why` and `events` all find CA's status here (their `--ca-namespace` overrides it).
pub fn status_config_map(ca: Option<&CaDeployment>) -> StatusConfigMap {
    let flag = |name: &str| ca.and_then(|ca| ca.flag(name));
    StatusConfigMap {
        namespace: flag("namespace").unwrap_or_else(|| DEFAULT_CA_NAMESPACE.to_owned()),
        name: flag("status-config-map-name")
            .unwrap_or_else(|| DEFAULT_STATUS_CONFIG_MAP.to_owned()),
    }
}

/// How often the CA of `ca` loops (and writes its status): its `--scan-interval` when it parses
/// and is not zero, else CA's default.
pub fn scan_interval(ca: Option<&CaDeployment>) -> Duration {
    ca.and_then(|ca| ca.flag("scan-interval"))
        .and_then(|v| crate::duration::parse_duration(&v).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(DEFAULT_SCAN_INTERVAL)
}

/// A cluster-autoscaler Deployment, reduced to what decides how it reads the kwok ConfigMaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaDeployment {
    pub namespace: String,
    pub name: String,
    pub image: String,
    /// `--cloud-provider` value, if the flag is given.
    pub cloud_provider: Option<String>,
    /// POD_NAMESPACE as the pod will see it (a fieldRef to metadata.namespace resolves to `namespace`).
    pub pod_namespace: Option<String>,
    pub config_map_env: Option<String>,
    /// The CA container's command and args, as CA's flag parser sees them.
    pub words: Vec<String>,
}

impl CaDeployment {
    /// The dedicated kwok image defaults `--cloud-provider` to kwok.
    pub fn effective_cloud_provider(&self) -> Option<&str> {
        match &self.cloud_provider {
            Some(provider) => Some(provider),
            None if self.image.contains("cluster-autoscaler-kwok") => Some("kwok"),
            None => None,
        }
    }

    /// The namespace CA reads its ConfigMaps from: POD_NAMESPACE, else its own.
    pub fn reads_namespace(&self) -> &str {
        self.pod_namespace
            .as_deref()
            .map(str::trim)
            .filter(|ns| !ns.is_empty())
            .unwrap_or(&self.namespace)
    }

    /// The value of one of CA's flags (`--NAME=value` or `--NAME value`), if the Deployment sets it.
    pub fn flag(&self, name: &str) -> Option<String> {
        flag_value(&self.words, name)
    }

    /// The CA version its image names (`None`: an image without a version tag).
    pub fn version(&self) -> Option<super::CaVersion> {
        super::CaVersion::from_image(&self.image)
    }

    pub fn reads_config_map(&self) -> &str {
        self.config_map_env
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(DEFAULT_CONFIG_MAP_NAME)
    }
}

fn labels_match(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    key: &str,
    value: &str,
) -> bool {
    meta.labels
        .as_ref()
        .and_then(|l| l.get(key))
        .is_some_and(|v| v == value)
}

/// Whether a Deployment is the kwok controller (release YAML, or its helm chart).
pub fn is_kwok_controller(d: &Deployment) -> bool {
    d.metadata.name.as_deref() == Some("kwok-controller")
        || labels_match(&d.metadata, "app", "kwok-controller")
        || labels_match(&d.metadata, "app.kubernetes.io/name", "kwok")
}

fn containers(d: &Deployment) -> &[Container] {
    d.spec
        .template
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or_default()
}

/// The value of `--NAME=value` or `--NAME value` (Go's flag package takes `-NAME` too) in a
/// container's command and args.
pub fn flag_value(words: &[String], name: &str) -> Option<String> {
    let long = format!("--{name}");
    let short = format!("-{name}");
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        let word = word.trim();
        for prefix in [&long, &short] {
            if let Some(value) = word.strip_prefix(prefix.as_str()) {
                if let Some(value) = value.strip_prefix('=') {
                    return Some(value.to_owned());
                }
                if value.is_empty() {
                    return iter.next().cloned();
                }
            }
        }
    }
    None
}

/// Whether a Deployment runs cluster-autoscaler with the kwok provider (`--cloud-provider=kwok`,
/// or the kwok image's default): the CA that reads the kwok ConfigMaps.
pub fn runs_kwok_ca(d: &Deployment) -> bool {
    ca_deployment(d).is_some_and(|ca| ca.effective_cloud_provider() == Some("kwok"))
}

/// A Deployment that runs cluster-autoscaler, as CA reads its flags and env: `None` otherwise.
pub fn ca_deployment(d: &Deployment) -> Option<CaDeployment> {
    let name = d.metadata.name.clone().unwrap_or_default();
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let is_ca_name = name.contains("cluster-autoscaler")
        || labels_match(&d.metadata, "app.kubernetes.io/name", "cluster-autoscaler");
    let container = containers(d).iter().find(|c| {
        c.image
            .as_deref()
            .is_some_and(|i| i.contains("cluster-autoscaler"))
            || c.command
                .iter()
                .flatten()
                .any(|w| w.contains("cluster-autoscaler"))
    });
    let container = match container {
        Some(c) => c,
        None if is_ca_name => containers(d).first()?,
        None => return None,
    };
    let words: Vec<String> = container
        .command
        .iter()
        .flatten()
        .chain(container.args.iter().flatten())
        .cloned()
        .collect();
    let env = |key: &str| container.env.iter().flatten().find(|e| e.name == key);
    let pod_namespace = env(ENV_POD_NAMESPACE).and_then(|e| match (&e.value, &e.value_from) {
        (Some(value), _) => Some(value.clone()),
        (None, Some(from)) => from
            .field_ref
            .as_ref()
            .filter(|f| f.field_path == "metadata.namespace")
            .map(|_| namespace.clone()),
        _ => None,
    });
    Some(CaDeployment {
        image: container.image.clone().unwrap_or_default(),
        cloud_provider: flag_value(&words, "cloud-provider"),
        pod_namespace,
        config_map_env: env(ENV_CONFIG_MAP).and_then(|e| e.value.clone()),
        namespace,
        name,
        words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn where_ca_writes_its_status_and_how_often() {
        let ca = |words: &[&str]| CaDeployment {
            namespace: "autoscaling".into(),
            name: "ca".into(),
            image: String::new(),
            cloud_provider: Some("kwok".into()),
            pod_namespace: None,
            config_map_env: None,
            words: words.iter().map(|w| w.to_string()).collect(),
        };
        let defaults = StatusConfigMap {
            namespace: DEFAULT_CA_NAMESPACE.into(),
            name: DEFAULT_STATUS_CONFIG_MAP.into(),
        };
        assert_eq!(status_config_map(None), defaults);
        assert_eq!(
            status_config_map(Some(&ca(&["--cloud-provider=kwok"]))),
            defaults,
            "CA runs in its own namespace but writes to kube-system without --namespace"
        );
        let flagged = ca(&[
            "--namespace=ca",
            "--status-config-map-name",
            "st",
            "--scan-interval=1m",
        ]);
        assert_eq!(
            status_config_map(Some(&flagged)),
            StatusConfigMap {
                namespace: "ca".into(),
                name: "st".into()
            }
        );
        assert_eq!(scan_interval(Some(&flagged)), Duration::from_secs(60));
        assert_eq!(
            scan_interval(Some(&ca(&["--scan-interval=0s"]))),
            DEFAULT_SCAN_INTERVAL
        );
        assert_eq!(
            scan_interval(Some(&ca(&["--scan-interval=x"]))),
            DEFAULT_SCAN_INTERVAL
        );
        assert_eq!(scan_interval(None), DEFAULT_SCAN_INTERVAL);
    }

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_the_cloud_provider_flag() {
        let cloud_provider = |w: &[&str]| flag_value(&words(w), "cloud-provider");
        assert_eq!(
            cloud_provider(&["./cluster-autoscaler", "--cloud-provider=kwok"]),
            Some("kwok".into())
        );
        assert_eq!(
            cloud_provider(&["--v=4", "--cloud-provider", "aws"]),
            Some("aws".into())
        );
        assert_eq!(
            cloud_provider(&[" -cloud-provider=kwok "]),
            Some("kwok".into())
        );
        assert_eq!(cloud_provider(&["--cloud-provider-x=kwok"]), None);
        assert_eq!(cloud_provider(&["--v=4"]), None);
    }

    #[test]
    fn flags_in_both_forms() {
        let words = words(&[
            "./cluster-autoscaler",
            "--namespace=ca",
            "--status-config-map-name",
            "st",
        ]);
        assert_eq!(flag_value(&words, "namespace").as_deref(), Some("ca"));
        assert_eq!(
            flag_value(&words, "status-config-map-name").as_deref(),
            Some("st")
        );
        assert_eq!(flag_value(&words, "v"), None);
    }

    fn deployment(value: serde_json::Value) -> Deployment {
        serde_json::from_value(value).expect("a Deployment")
    }

    #[test]
    fn reads_a_helm_rendered_ca_deployment_as_ca_does() {
        let d = deployment(json!({
            "metadata": {"name": "ca-cluster-autoscaler", "namespace": "autoscaling"},
            "spec": {"selector": {}, "template": {"spec": {"containers": [
                {"name": "sidecar", "image": "busybox"},
                {"name": "cluster-autoscaler", "image": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.2",
                 "command": ["./cluster-autoscaler"], "args": ["--cloud-provider", "kwok", "--v=4"],
                 "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                         {"name": "KWOK_PROVIDER_CONFIGMAP", "value": "my-kwok"}]}
            ]}}}
        }));
        let ca = ca_deployment(&d).expect("runs CA");
        assert_eq!(ca.effective_cloud_provider(), Some("kwok"));
        assert_eq!(ca.reads_namespace(), "autoscaling");
        assert_eq!(ca.reads_config_map(), "my-kwok");
        assert!(runs_kwok_ca(&d));
        assert_eq!(
            ca.words,
            words(&["./cluster-autoscaler", "--cloud-provider", "kwok", "--v=4"])
        );
        assert_eq!(ca.flag("v").as_deref(), Some("4"));
    }

    #[test]
    fn the_kwok_image_defaults_the_provider_and_pod_namespace_defaults_to_its_own() {
        let d = deployment(json!({
            "metadata": {"name": "autoscaler", "namespace": "kube-system"},
            "spec": {"selector": {}, "template": {"spec": {"containers": [
                {"name": "main", "image": "registry.k8s.io/autoscaling/cluster-autoscaler-kwok:v1.30.0"}
            ]}}}
        }));
        let ca = ca_deployment(&d).expect("runs CA");
        assert_eq!(ca.effective_cloud_provider(), Some("kwok"));
        assert_eq!(ca.reads_namespace(), "kube-system");
        assert_eq!(ca.reads_config_map(), DEFAULT_CONFIG_MAP_NAME);
        let other = deployment(json!({
            "metadata": {"name": "web", "namespace": "default", "labels": {"app": "kwok-controller"}},
            "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
        }));
        assert!(ca_deployment(&other).is_none());
        assert!(is_kwok_controller(&other));
        let aws = deployment(json!({
            "metadata": {"name": "cluster-autoscaler", "namespace": "kube-system"},
            "spec": {"selector": {}, "template": {"spec": {"containers": [
                {"name": "cluster-autoscaler", "image": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.0",
                 "command": ["./cluster-autoscaler", "--cloud-provider=aws"]}
            ]}}}
        }));
        assert!(ca_deployment(&aws).is_some(), "a CA all the same");
        assert!(!runs_kwok_ca(&aws), "but not the kwok provider's");
    }

    #[test]
    fn ca_deployment_defaults() {
        let d = CaDeployment {
            namespace: "kube-system".into(),
            name: "ca".into(),
            image: "registry.k8s.io/autoscaling/cluster-autoscaler-kwok:v1.34.0".into(),
            cloud_provider: None,
            pod_namespace: None,
            config_map_env: None,
            words: Vec::new(),
        };
        assert_eq!(d.effective_cloud_provider(), Some("kwok"));
        assert_eq!(d.reads_namespace(), "kube-system");
        assert_eq!(d.reads_config_map(), "kwok-provider-config");
        let blank_env = CaDeployment {
            pod_namespace: Some(" ".into()),
            ..d
        };
        assert_eq!(blank_env.reads_namespace(), "kube-system");
    }
}
