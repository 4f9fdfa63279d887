//! Which namespace CA reads its ConfigMaps from: one rule, decided here for every verb (pure).
//!
//! `-n`, else `POD_NAMESPACE` (what CA reads), else the namespace the cluster's CA Deployment
//! reads (its `POD_NAMESPACE`, else its own), else the kubeconfig context's, else `default`.
//! Finding the Deployment is an API call, `cluster::connect`'s; the choice is made here.

use super::ENV_POD_NAMESPACE;
use super::deployment::CaDeployment;

/// The namespace to use, and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub name: String,
    pub reason: String,
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
