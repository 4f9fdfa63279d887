//! Which namespace CA reads its ConfigMaps from: one rule, decided here for every verb, and
//! `connect`, which applies it to the client every verb uses.
//!
//! `-n`, else `POD_NAMESPACE` (what CA reads), else the namespace the cluster's CA Deployment
//! reads (its `POD_NAMESPACE`, else its own), else the kubeconfig context's, else `default`.
//! How a Deployment reads it is CA's rule (`provider::deployment`); the API calls are `cluster`'s.

use crate::cluster::{self, Cluster, ConnectOptions, Namespace};
use crate::error::{Error, Result};
use crate::provider::ENV_POD_NAMESPACE;
use crate::provider::deployment::{CaDeployment, ca_deployment};

/// Connects for a verb: the kubeconfig and context (`cluster::resolve`), the namespace by the
/// rule (a name the API server would reject is exit 2, before any request), then, when neither
/// `-n` nor `POD_NAMESPACE` is given, where the cluster's CA Deployment reads its ConfigMaps.
pub async fn connect(options: &ConnectOptions) -> Result<Cluster> {
    let resolved = cluster::resolve(options)?;
    let namespace = resolve_namespace(
        options.namespace.as_deref(),
        options.pod_namespace.as_deref(),
        resolved.context_namespace.as_deref(),
        &resolved.context,
    );
    if let Some(why) = crate::provider::names::why_not_label(&namespace.name) {
        return Err(Error::usage(format!(
            "`{}` ({}) is not a valid namespace name: {why}",
            namespace.name, namespace.reason
        ))
        .with_hint("namespace names use lowercase letters, digits and `-`"));
    }
    let mut cluster = resolved.connect(options, namespace, false).await?;
    if deployment_decides(
        options.namespace.as_deref(),
        options.pod_namespace.as_deref(),
    ) && let Some(namespace) = ca_deployment_namespace(&cluster).await?
    {
        cluster.namespace = namespace;
    }
    Ok(cluster)
}

/// The namespace the cluster's CA Deployment (one running the kwok provider) reads its
/// ConfigMaps from: its POD_NAMESPACE, else its own (`provider::deployment`). `None` when there
/// is none, or Deployments cannot be listed (the kubeconfig's namespace then stands).
/// A server that cannot answer (a timeout, throttling, credentials) fails here as the verb's own
/// first read would; only a denied list (RBAC) falls back quietly.
async fn ca_deployment_namespace(cluster: &Cluster) -> Result<Option<Namespace>> {
    let what = "list deployments in all namespaces (to find where CA reads its ConfigMaps)";
    let found = match super::live::kwok_ca_deployment(cluster).await {
        Ok(found) => found,
        Err(kube::Error::Api(status)) if status.code == 403 || status.code == 404 => {
            return Ok(None);
        }
        Err(e) if cluster::is_timeout(&e) => return Err(cluster.timed_out(what)),
        Err(e) => return Err(cluster.api_error(e, "list", "deployments", None)),
    };
    Ok(found.and_then(ca_deployment).map(|ca| read_by(&ca)))
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Without the cluster: `-n`, else `POD_NAMESPACE` (what CA reads), else the context's
/// namespace, else `default`.
pub fn resolve_namespace(
    flag: Option<&str>,
    pod_namespace_env: Option<&str>,
    context_namespace: Option<&str>,
    context: &str,
) -> Namespace {
    let pick = |name: &str, reason: String| Namespace {
        name: name.to_owned(),
        reason,
    };
    if let Some(ns) = non_empty(flag) {
        return pick(ns, "from -n".to_owned());
    }
    if let Some(ns) = non_empty(pod_namespace_env) {
        return pick(ns, format!("from {ENV_POD_NAMESPACE}, as CA reads it"));
    }
    if let Some(ns) = non_empty(context_namespace) {
        return pick(ns, format!("from kubeconfig context `{context}`"));
    }
    pick(
        "default",
        "the default; set -n or POD_NAMESPACE to CA's namespace".to_owned(),
    )
}

/// Whether the cluster's CA Deployment decides the namespace: only when neither `-n` nor
/// `POD_NAMESPACE` is given.
pub fn deployment_decides(flag: Option<&str>, pod_namespace_env: Option<&str>) -> bool {
    non_empty(flag).is_none() && non_empty(pod_namespace_env).is_none()
}

/// Where CA reads its ConfigMaps for a verb whose `-n` names other things (`why`'s pods,
/// `events`' events): `--ca-namespace`, else where CA's Deployment reads them; `None` without
/// either (the verb's own fallback then stands).
pub fn ca_namespace(flag: Option<&str>, ca: Option<&CaDeployment>) -> Option<Namespace> {
    match (flag, ca) {
        (Some(name), _) => Some(Namespace {
            name: name.to_owned(),
            reason: "from --ca-namespace".to_owned(),
        }),
        (None, Some(d)) => Some(Namespace {
            name: d.reads_namespace().to_owned(),
            reason: format!("where Deployment {}/{} reads them", d.namespace, d.name),
        }),
        (None, None) => None,
    }
}

/// The namespace a CA Deployment reads its ConfigMaps from, and why, to say on stderr.
pub fn read_by(ca: &CaDeployment) -> Namespace {
    Namespace {
        name: ca.reads_namespace().to_owned(),
        reason: format!(
            "where Deployment {}/{} reads its ConfigMaps ({ENV_POD_NAMESPACE}, else its own namespace); -n overrides",
            ca.namespace, ca.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_precedence() {
        assert_eq!(
            resolve_namespace(Some("a"), Some("b"), Some("c"), "x").name,
            "a"
        );
        let env = resolve_namespace(None, Some("b"), Some("c"), "x");
        assert_eq!(env.name, "b");
        assert!(env.reason.contains("POD_NAMESPACE"));
        let ctx = resolve_namespace(None, None, Some("c"), "x");
        assert_eq!(ctx.name, "c");
        assert!(ctx.reason.contains("`x`"));
        assert_eq!(resolve_namespace(None, Some(""), None, "x").name, "default");
    }

    #[test]
    fn the_deployment_decides_only_when_nothing_is_given() {
        assert!(deployment_decides(None, None));
        assert!(deployment_decides(Some(" "), Some("")));
        assert!(!deployment_decides(Some("a"), None));
        assert!(!deployment_decides(None, Some("b")));
    }
}
