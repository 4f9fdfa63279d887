//! The one place that turns --kubeconfig/--context/-n into a kube client, and maps API errors to exit 3.

use crate::cli::GlobalArgs;
use crate::error::{Error, Result};
use crate::provider::ENV_POD_NAMESPACE;
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::time::Duration;

/// A connected client and what the user should be told about where it points.
pub struct Cluster {
    pub client: kube::Client,
    pub server: String,
    pub context: String,
    pub namespace: Namespace,
}

/// The namespace to use, and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub name: String,
    pub reason: String,
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// `-n`, else `POD_NAMESPACE` (what CA reads), else the context's namespace, else `default`.
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

/// The namespace of the kubeconfig context (--context, else the current one), read without
/// connecting; `None` when there is no usable kubeconfig.
pub fn context_namespace(global: &GlobalArgs) -> Option<String> {
    let kubeconfig = match &global.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).ok()?,
        None => Kubeconfig::read().ok()?,
    };
    let context = global
        .context
        .as_ref()
        .or(kubeconfig.current_context.as_ref())?;
    let named = kubeconfig.contexts.iter().find(|c| &c.name == context)?;
    named.context.as_ref()?.namespace.clone()
}

/// Connects as kubectl would: the kubeconfig (flag, else KUBECONFIG, else ~/.kube/config) and context.
pub async fn connect(global: &GlobalArgs) -> Result<Cluster> {
    let env_paths = std::env::var_os("KUBECONFIG").filter(|p| !p.is_empty());
    let missing = |path: &std::path::Path, from: &str| {
        Error::usage(format!("{from} `{}`: no such file", path.display()))
            .with_hint("pass a readable kubeconfig file")
    };
    let kubeconfig = match &global.kubeconfig {
        Some(path) if !path.exists() => return Err(missing(path, "--kubeconfig")),
        Some(path) => Kubeconfig::read_from(path).map_err(|e| {
            Error::usage(format!("--kubeconfig `{}`: {}", path.display(), chain(&e)))
                .with_hint("pass a readable kubeconfig file")
        })?,
        // Like kubectl, a KUBECONFIG list may name missing files, but not only missing ones.
        None if env_paths
            .as_ref()
            .is_some_and(|paths| std::env::split_paths(paths).all(|p| !p.exists())) =>
        {
            let paths = env_paths.unwrap_or_default();
            return Err(missing(std::path::Path::new(&paths), "KUBECONFIG"));
        }
        None => Kubeconfig::read().map_err(|e| {
            Error::cluster(format!("no usable kubeconfig: {}", chain(&e)))
                .with_hint("set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config (or pass -f to validate files)")
        })?,
    };
    let context = global
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone())
        .ok_or_else(|| {
            Error::usage("the kubeconfig has no current context").with_hint("pass --context NAME")
        })?;
    let Some(named) = kubeconfig.contexts.iter().find(|c| c.name == context) else {
        let known: Vec<&str> = kubeconfig
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(
            Error::usage(format!("context `{context}` is not in the kubeconfig"))
                .with_hint(format!("known contexts: {}", known.join(", "))),
        );
    };
    let context_namespace = named.context.as_ref().and_then(|c| c.namespace.clone());
    let namespace = resolve_namespace(
        global.namespace.as_deref(),
        global.env.pod_namespace.as_deref(),
        context_namespace.as_deref(),
        &context,
    );
    if let Some(why) = crate::provider::names::why_not_label(&namespace.name) {
        return Err(Error::usage(format!(
            "`{}` ({}) is not a valid namespace name: {why}",
            namespace.name, namespace.reason
        ))
        .with_hint("namespace names use lowercase letters, digits and `-`"));
    }
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..KubeConfigOptions::default()
    };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| {
            Error::usage(format!("kubeconfig context `{context}`: {}", chain(&e)))
                .with_hint("check the context's cluster and user entries")
        })?;
    if global.request_timeout > Duration::ZERO {
        config.connect_timeout = Some(global.request_timeout);
        config.read_timeout = Some(global.request_timeout);
        config.write_timeout = Some(global.request_timeout);
    }
    // kube's own retry layer allows 15 retries with delays up to 1000 s: fine for a controller,
    // not for a command. Reads go through `read_with_retries` instead, with a short budget.
    config.default_retry = false;
    let server = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| {
        Error::cluster(format!(
            "cannot set up a client for {server}: {}",
            chain(&e)
        ))
    })?;
    Ok(Cluster {
        client,
        server,
        context,
        namespace,
    })
}

/// An error and its sources, joined: "a: b: c".
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let part = inner.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = inner.source();
    }
    text
}

impl Cluster {
    /// Maps a failed API call to exit 3 with what failed and how to check it.
    pub fn api_error(
        &self,
        e: kube::Error,
        verb: &str,
        resource: &str,
        namespace: Option<&str>,
    ) -> Error {
        let scope = namespace
            .map(|ns| format!(" in namespace `{ns}`"))
            .unwrap_or_default();
        let ns_flag = namespace
            .map(|ns| format!(" -n {ns}"))
            .unwrap_or_else(|| " -A".to_owned());
        match &e {
            kube::Error::Api(status) if status.code == 401 || status.code == 403 => Error::cluster(format!(
                "access denied: cannot {verb} {resource}{scope} (context `{}`): {}",
                self.context, status.message
            ))
            .with_hint(format!(
                "check with: kubectl auth can-i {verb} {resource}{ns_flag} --context {}",
                self.context
            )),
            kube::Error::Api(status) if status.code == 429 => Error::cluster(format!(
                "the API server at {} kept throttling requests (429 TooManyRequests) to {verb} {resource}{scope}, {READ_ATTEMPTS} attempts",
                self.server
            ))
            .with_hint("the cluster is overloaded or rate-limits this user; try again later"),
            kube::Error::Api(status) => Error::cluster(format!(
                "the API server at {} failed to {verb} {resource}{scope}: {} {} {}",
                self.server, status.code, status.reason, status.message
            ))
            .with_hint("retry; if it persists, check the API server's health"),
            _ => Error::cluster(format!(
                "cannot reach the cluster at {} (context `{}`): {}",
                self.server,
                self.context,
                chain(&e)
            ))
            .with_hint("check that the cluster is up and `kubectl cluster-info` works; pick another with --kubeconfig/--context"),
        }
    }
}

/// Page size for lists: memory stays flat however large the cluster.
pub const LIST_PAGE: u32 = 500;

impl Cluster {
    /// Lists `api` a page at a time (`fields` is a field selector, or empty), handing each
    /// object to `each`; returns the list's resourceVersion. A failed page is exit 3, naming
    /// `resource` (and `namespace`).
    pub async fn list_each<K>(
        &self,
        api: &kube::Api<K>,
        fields: &str,
        resource: &str,
        namespace: Option<&str>,
        mut each: impl FnMut(&K),
    ) -> Result<String>
    where
        K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let mut token: Option<String> = None;
        loop {
            let mut params = kube::api::ListParams::default().limit(LIST_PAGE);
            if !fields.is_empty() {
                params = params.fields(fields);
            }
            if let Some(t) = &token {
                params = params.continue_token(t);
            }
            let page = read_with_retries(|| api.list(&params))
                .await
                .map_err(|e| self.api_error(e, "list", resource, namespace))?;
            page.items.iter().for_each(&mut each);
            token = page.metadata.continue_.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok(page.metadata.resource_version.unwrap_or_default());
            }
        }
    }
}

/// How many times a read is tried when the server throttles (429) or fails (5xx).
pub const READ_ATTEMPTS: u32 = 5;

/// Runs an idempotent read, retrying on 429 and 5xx with exponential backoff, as client-go does.
pub async fn read_with_retries<T, F, Fut>(mut call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    let mut delay = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(kube::Error::Api(status))
                if attempt < READ_ATTEMPTS && (status.code == 429 || status.code >= 500) =>
            {
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// A single-threaded runtime for the short-lived async parts of a command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::cluster(format!("cannot start the async runtime: {e}")))
}

/// A client for long watches: as `connect`, but without `--request-timeout` as a read timeout
/// (a quiet watch is not a dead one: the server ends it at its `timeoutSeconds`, and the
/// watch loop gives up on a silence longer than that).
pub async fn connect_for_watches(global: &GlobalArgs) -> Result<Cluster> {
    let mut unlimited = global.clone();
    unlimited.request_timeout = Duration::ZERO; // kube's defaults: 30 s to connect, no read timeout
    connect(&unlimited).await
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
}
