//! The one place that turns --kubeconfig/--context into a kube client, and maps API errors to exit 3.
//!
//! It knows nothing of clap, nor of CA: the command line builds a `ConnectOptions` (the flags and
//! the environment variables read once); `inputs::connect`, which every verb calls, resolves the
//! kubeconfig here, decides the namespace (the rule for where CA reads) and builds the client here.

mod proxy;
mod request_log;

pub use proxy::{Proxy, ProxyEnv, Target, proxy_for, tidy_no_proxy};

use crate::error::{Error, Result};
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::ffi::OsString;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to reach the cluster: kubectl's global flags and the environment, as the command line
/// read them.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`.
    pub context: Option<String>,
    /// `-n`.
    pub namespace: Option<String>,
    /// `--request-timeout` (zero: no limit for the command).
    pub request_timeout: Duration,
    /// The kubectl log level: 6 and above log each request.
    pub verbosity: u8,
    /// kubectl's connection flags (`--server`, `--token`, `--as`, …).
    pub overrides: Overrides,
    /// `KUBECONFIG`.
    pub kubeconfig_env: Option<OsString>,
    /// `POD_NAMESPACE`: the namespace CA reads its ConfigMaps from.
    pub pod_namespace: Option<String>,
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case), as client-go reads them.
    pub proxy: ProxyEnv,
    /// `KWOKPROVIDER_WATCH_TIMEOUT`, as given (`watch_timeout` reads it).
    pub watch_timeout: Option<String>,
}

/// kubectl's connection flags: each overrides the kubeconfig entry of the same name, as
/// kubectl's ClientConfig overrides do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub server: Option<String>,
    pub token: Option<String>,
    pub impersonate: Option<String>,
    pub impersonate_groups: Vec<String>,
    pub impersonate_uid: Option<String>,
    pub cluster: Option<String>,
    pub user: Option<String>,
    pub certificate_authority: Option<PathBuf>,
    pub client_certificate: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    pub tls_server_name: Option<String>,
}

/// How long the server keeps one watch open (`timeoutSeconds`; client-go's reflectors ask 5
/// to 10 minutes, kube-rs refuses 295 s or more). `KWOKPROVIDER_WATCH_TIMEOUT` overrides it.
pub const DEFAULT_WATCH_TIMEOUT: Duration = Duration::from_secs(290);
pub const MAX_WATCH_TIMEOUT: Duration = Duration::from_secs(294);
/// A watch silent for its own timeout plus this is taken for a dead connection.
pub const IDLE_MARGIN: Duration = Duration::from_secs(30);

impl ConnectOptions {
    /// The `timeoutSeconds` each watch asks for: `KWOKPROVIDER_WATCH_TIMEOUT` (a knob for tests,
    /// which cannot wait minutes for a watch to end), else `DEFAULT_WATCH_TIMEOUT`.
    pub fn watch_timeout(&self) -> Result<Duration> {
        match self.watch_timeout.as_deref() {
            None | Some("") => Ok(DEFAULT_WATCH_TIMEOUT),
            Some(text) => crate::duration::parse_duration(text)
                .ok()
                .filter(|t| (Duration::from_secs(1)..=MAX_WATCH_TIMEOUT).contains(t))
                .ok_or_else(|| {
                    Error::usage(format!(
                        "KWOKPROVIDER_WATCH_TIMEOUT `{text}`: expected a duration from 1s to 294s"
                    ))
                }),
        }
    }
}

/// A connected client and what the user should be told about where it points.
pub struct Cluster {
    pub client: kube::Client,
    pub server: String,
    pub context: String,
    /// The kubeconfig user of the context (named when the server rejects its credentials).
    pub user: String,
    pub namespace: Namespace,
    /// `--request-timeout` (zero: none, kubectl's default): the command's deadline.
    pub request_timeout: Duration,
    /// How long one request may go unanswered (named when a read times out).
    pub per_request_timeout: Duration,
    /// When `connect` began: the command's deadline counts from here.
    connected_at: tokio::time::Instant,
    /// The Deployment `first_deployment` picked, listed at most once per command.
    deployments: tokio::sync::OnceCell<Vec<k8s_openapi::api::apps::v1::Deployment>>,
}

/// The namespace a command reads in, and why it was chosen (said on stderr). `inputs::connect`
/// decides it; `connect_for_watches` gives the kubeconfig's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub name: String,
    pub reason: String,
}

/// The namespace of the kubeconfig context (--context, else the current one), read without
/// connecting; `None` when there is no usable kubeconfig.
pub fn context_namespace(options: &ConnectOptions) -> Option<String> {
    let kubeconfig = load_kubeconfig(options).ok()?;
    let context = options
        .context
        .as_ref()
        .or(kubeconfig.current_context.as_ref())?;
    let named = kubeconfig.contexts.iter().find(|c| &c.name == context)?;
    named.context.as_ref()?.namespace.clone()
}

/// The files of a `KUBECONFIG` value, in order, empty entries left out.
pub fn kubeconfig_list(value: &std::ffi::OsStr) -> Vec<PathBuf> {
    std::env::split_paths(value)
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

/// Reads a `KUBECONFIG` list as kubectl does: files that do not exist are skipped, the rest
/// are merged, the first file to name a cluster, user, context or current-context winning.
/// `Ok(None)` when none of them exists.
pub fn read_kubeconfig_list(paths: &[PathBuf]) -> Result<Option<Kubeconfig>> {
    let mut merged: Option<Kubeconfig> = None;
    for path in paths.iter().filter(|p| p.exists()) {
        let next = Kubeconfig::read_from(path).map_err(|e| {
            Error::usage(format!(
                "KUBECONFIG file `{}`: {}",
                path.display(),
                chain(&e)
            ))
            .with_hint("fix or remove that file from the KUBECONFIG list")
            .with_source(e)
        })?;
        merged = Some(match merged {
            None => next,
            Some(first) => first.merge(next).map_err(|e| {
                Error::usage(format!(
                    "KUBECONFIG file `{}` cannot be merged with the files before it: {}",
                    path.display(),
                    chain(&e)
                ))
                .with_source(e)
            })?,
        });
    }
    Ok(merged)
}

/// The kubeconfig kubectl would use: --kubeconfig, else the KUBECONFIG list, else ~/.kube/config.
pub(crate) fn load_kubeconfig(options: &ConnectOptions) -> Result<Kubeconfig> {
    let missing = |path: &Path, from: &str| {
        Error::usage(format!("{from} `{}`: no such file", path.display()))
            .with_hint("pass a readable kubeconfig file")
    };
    if let Some(path) = &options.kubeconfig {
        if !path.exists() {
            return Err(missing(path, "--kubeconfig"));
        }
        return Kubeconfig::read_from(path).map_err(|e| {
            Error::usage(format!("--kubeconfig `{}`: {}", path.display(), chain(&e)))
                .with_hint("pass a readable kubeconfig file")
                .with_source(e)
        });
    }
    if let Some(value) = options.kubeconfig_env.as_ref().filter(|v| !v.is_empty()) {
        let paths = kubeconfig_list(value);
        if !paths.is_empty() {
            // Like kubectl, a KUBECONFIG list may name missing files, but not only missing ones.
            return read_kubeconfig_list(&paths)?
                .ok_or_else(|| missing(Path::new(value), "KUBECONFIG"));
        }
    }
    let home_config = Kubeconfig::read();
    if home_config.is_err() && options.overrides.server.is_some() {
        // As kubectl: --server (with --token or certificates) needs no kubeconfig.
        return Ok(Kubeconfig::default());
    }
    home_config.map_err(|e| {
        Error::cluster(format!("no usable kubeconfig: {}", chain(&e)))
            .with_hint("set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config (or pass -f to validate files)")
            .with_source(e)
    })
}

/// The context named when --server comes without a kubeconfig context to attach it to.
const FLAGS_CONTEXT: &str = "(--server)";

/// Puts kubectl's connection flags into the kubeconfig, as kubectl's ClientConfig overrides
/// do: `--cluster`/`--user` repoint the context, `--server` and the TLS flags change its
/// cluster, `--token`, client certificates and `--as…` its user. Returns the context's name.
pub fn apply_overrides(
    kubeconfig: &mut Kubeconfig,
    context: Option<&str>,
    flags: &Overrides,
) -> Result<String> {
    use kube::config::{
        AuthInfo, Cluster as ClusterEntry, Context, NamedAuthInfo, NamedCluster, NamedContext,
    };
    let context = match context
        .map(str::to_owned)
        .or_else(|| kubeconfig.current_context.clone())
    {
        Some(name) => name,
        None if flags.server.is_some() => FLAGS_CONTEXT.to_owned(),
        None => {
            return Err(Error::usage("the kubeconfig has no current context")
                .with_hint("pass --context NAME (or --server URL)"));
        }
    };
    if !kubeconfig.contexts.iter().any(|c| c.name == context) {
        if flags.server.is_none() || context != FLAGS_CONTEXT {
            let known: Vec<&str> = kubeconfig
                .contexts
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            return Err(
                Error::usage(format!("context `{context}` is not in the kubeconfig"))
                    .with_hint(format!("known contexts: {}", known.join(", "))),
            );
        }
        kubeconfig.contexts.push(NamedContext {
            name: context.clone(),
            context: Some(Context::default()),
            ..NamedContext::default()
        });
    }
    let entry = kubeconfig
        .contexts
        .iter_mut()
        .find(|c| c.name == context)
        .expect("the context exists")
        .context
        .get_or_insert_with(Context::default);
    if let Some(cluster) = &flags.cluster {
        entry.cluster = cluster.clone();
    }
    if let Some(user) = &flags.user {
        entry.user = Some(user.clone());
    }
    if entry.cluster.is_empty() {
        entry.cluster = FLAGS_CONTEXT.to_owned();
    }
    let (cluster_name, user_name) = (entry.cluster.clone(), entry.user.clone());
    if !kubeconfig.clusters.iter().any(|c| c.name == cluster_name) {
        if flags.server.is_none() {
            return Err(Error::usage(format!(
                "cluster `{cluster_name}` is not in the kubeconfig"
            ))
            .with_hint("name a cluster of the kubeconfig with --cluster, or give its address with --server"));
        }
        kubeconfig.clusters.push(NamedCluster {
            name: cluster_name.clone(),
            cluster: Some(ClusterEntry::default()),
            ..NamedCluster::default()
        });
    }
    let cluster = kubeconfig
        .clusters
        .iter_mut()
        .find(|c| c.name == cluster_name)
        .expect("the cluster exists")
        .cluster
        .get_or_insert_with(ClusterEntry::default);
    if let Some(server) = &flags.server {
        cluster.server = Some(server.clone());
    }
    if let Some(ca) = &flags.certificate_authority {
        cluster.certificate_authority = Some(ca.display().to_string());
        cluster.certificate_authority_data = None;
    }
    if flags.insecure_skip_tls_verify {
        cluster.insecure_skip_tls_verify = Some(true);
    }
    if let Some(name) = &flags.tls_server_name {
        cluster.tls_server_name = Some(name.clone());
    }
    let user_flags = flags.token.is_some()
        || flags.client_certificate.is_some()
        || flags.client_key.is_some()
        || flags.impersonate.is_some()
        || !flags.impersonate_groups.is_empty()
        || flags.impersonate_uid.is_some();
    let user_name = match user_name {
        Some(name) if !name.is_empty() => name,
        _ if user_flags => {
            let name = FLAGS_CONTEXT.to_owned();
            if let Some(entry) = kubeconfig.contexts.iter_mut().find(|c| c.name == context)
                && let Some(ctx) = &mut entry.context
            {
                ctx.user = Some(name.clone());
            }
            name
        }
        _ => return Ok(context),
    };
    if !kubeconfig.auth_infos.iter().any(|u| u.name == user_name) {
        if flags.user.is_some() && !user_flags {
            return Err(Error::usage(format!("user `{user_name}` is not in the kubeconfig"))
                .with_hint("name a user of the kubeconfig with --user, or give credentials with --token or --client-certificate/--client-key"));
        }
        kubeconfig.auth_infos.push(NamedAuthInfo {
            name: user_name.clone(),
            auth_info: Some(AuthInfo::default()),
            ..NamedAuthInfo::default()
        });
    }
    let user = kubeconfig
        .auth_infos
        .iter_mut()
        .find(|u| u.name == user_name)
        .expect("the user exists")
        .auth_info
        .get_or_insert_with(AuthInfo::default);
    if let Some(token) = &flags.token {
        // The flag's token is the credential: nothing else of the user's may replace it.
        user.token = Some(token.clone().into());
        user.token_file = None;
        user.exec = None;
        user.auth_provider = None;
        user.username = None;
        user.password = None;
    }
    if let Some(cert) = &flags.client_certificate {
        user.client_certificate = Some(cert.display().to_string());
        user.client_certificate_data = None;
    }
    if let Some(key) = &flags.client_key {
        user.client_key = Some(key.display().to_string());
        user.client_key_data = None;
    }
    if let Some(name) = &flags.impersonate {
        user.impersonate = Some(name.clone());
    }
    if !flags.impersonate_groups.is_empty() {
        user.impersonate_groups = Some(flags.impersonate_groups.clone());
    }
    if let Some(uid) = &flags.impersonate_uid {
        user.impersonate_uid = Some(uid.clone());
    }
    Ok(context)
}

/// A kubeconfig read and its context chosen (kubectl's flags applied), before any client is
/// built: reading files is all it has done. `connect` builds the client.
pub struct Resolved {
    kubeconfig: Kubeconfig,
    /// The context's name (`--context`, else the current one).
    pub context: String,
    /// The context's namespace, if it names one.
    pub context_namespace: Option<String>,
    cluster_name: String,
    user: String,
    /// When resolving began: the command's deadline counts from here.
    started_at: tokio::time::Instant,
}

/// Reads the kubeconfig (flag, else KUBECONFIG, else ~/.kube/config) and picks the context, with
/// kubectl's connection flags applied.
pub fn resolve(options: &ConnectOptions) -> Result<Resolved> {
    let started_at = tokio::time::Instant::now();
    let mut kubeconfig = load_kubeconfig(options)?;
    let context = apply_overrides(
        &mut kubeconfig,
        options.context.as_deref(),
        &options.overrides,
    )?;
    let named = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context)
        .expect("apply_overrides made the context")
        .context
        .clone()
        .unwrap_or_default();
    Ok(Resolved {
        kubeconfig,
        context,
        context_namespace: named.namespace,
        cluster_name: named.cluster,
        user: named.user.unwrap_or_default(),
        started_at,
    })
}

impl Resolved {
    /// kubectl's namespace without `-n`: the context's, else `default`.
    pub fn kubeconfig_namespace(&self) -> Namespace {
        match self
            .context_namespace
            .as_deref()
            .map(str::trim)
            .filter(|ns| !ns.is_empty())
        {
            Some(ns) => Namespace {
                name: ns.to_owned(),
                reason: format!("from kubeconfig context `{}`", self.context),
            },
            None => Namespace {
                name: "default".to_owned(),
                reason: "the default".to_owned(),
            },
        }
    }

    /// Builds the client for the context, through the proxy client-go would use, pointed at
    /// `namespace`; `for_watches`: no read timeout (a quiet watch is not a dead one). No
    /// request is made.
    pub async fn connect(
        self,
        options: &ConnectOptions,
        namespace: Namespace,
        for_watches: bool,
    ) -> Result<Cluster> {
        let Resolved {
            mut kubeconfig,
            context,
            cluster_name,
            user,
            started_at,
            ..
        } = self;
        let kubeconfig_options = KubeConfigOptions {
            context: Some(context.clone()),
            ..KubeConfigOptions::default()
        };
        // The proxy is decided here, as client-go decides it (see `proxy`); kube is left to read
        // the rest of the context, with the cluster's proxy-url taken out of its sight.
        let mut proxy_url = None;
        for named_cluster in &mut kubeconfig.clusters {
            if named_cluster.name == cluster_name
                && let Some(cluster) = &mut named_cluster.cluster
            {
                proxy_url = cluster.proxy_url.take();
            }
        }
        let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &kubeconfig_options)
            .await
            .map_err(|e| {
                Error::usage(format!("kubeconfig context `{context}`: {}", chain(&e)))
                    .with_hint("check the context's cluster and user entries (and HTTPS_PROXY/NO_PROXY, which kube also reads)")
                    .with_source(e)
            })?;
        let target = Target {
            scheme: config.cluster_url.scheme_str().unwrap_or("https"),
            host: config.cluster_url.host().unwrap_or_default(),
            port: config.cluster_url.port_u16(),
        };
        config.proxy_url =
            match proxy_for(&target, proxy_url.as_deref(), &cluster_name, &options.proxy) {
                None => None,
                Some(proxy) => Some(proxy.url.parse().map_err(|e| {
                    Error::usage(format!(
                        "the proxy `{}` ({}) is not a URL: {e}",
                        proxy.url, proxy.from
                    ))
                    .with_hint(
                        "a proxy is http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT",
                    )
                    .with_source(e)
                })?),
            };
        // --request-timeout bounds the whole command (`Cluster::deadline`) and each request; with
        // none (kubectl's default, 0), a request still gives up after PER_REQUEST_TIMEOUT of silence.
        // Watches get no read timeout: the server ends them at their timeoutSeconds.
        let per_request = match options.request_timeout {
            Duration::ZERO => PER_REQUEST_TIMEOUT,
            flag => flag,
        };
        config.connect_timeout = Some(per_request);
        if !for_watches {
            config.read_timeout = Some(per_request);
            config.write_timeout = Some(per_request);
            // The read timeout counts from the request, not from when a pooled connection went idle.
            config.reset_reader_on_write = true;
        }
        // kube's own retry layer allows 15 retries with delays up to 1000 s: fine for a controller,
        // not for a command. Reads go through `read_with_retries` instead, with a short budget.
        config.default_retry = false;
        let server = config.cluster_url.to_string();
        let builder = kube::client::ClientBuilder::try_from(config).map_err(|e| {
            Error::cluster(format!(
                "cannot set up a client for {server}: {}",
                chain(&e)
            ))
            .with_source(e)
        })?;
        let client = builder
            .with_layer(&request_log::RequestLogLayer::new(
                options.verbosity,
                server.trim_end_matches('/'),
            ))
            .build();
        Ok(Cluster {
            client,
            server,
            context,
            user,
            namespace,
            request_timeout: options.request_timeout,
            per_request_timeout: per_request,
            connected_at: started_at,
            deployments: tokio::sync::OnceCell::new(),
        })
    }
}

impl Cluster {
    /// Every Deployment of the cluster, from one paged list made at most once per command
    /// whoever asks (the namespace rule, `validate`'s facts, `scale`'s and `init`'s checks);
    /// a failed list is not remembered.
    pub async fn deployments(
        &self,
    ) -> std::result::Result<&[k8s_openapi::api::apps::v1::Deployment], kube::Error> {
        use k8s_openapi::api::apps::v1::Deployment;
        let all = self
            .deployments
            .get_or_try_init(|| async {
                let api: kube::Api<Deployment> = kube::Api::all(self.client.clone());
                let mut all = Vec::new();
                list_pages(&api, &kube::api::ListParams::default(), |page| {
                    match page {
                        Page::Items(items) => all.extend(items),
                        Page::Restart => all.clear(),
                    }
                    ControlFlow::Continue(())
                })
                .await?;
                Ok::<_, kube::Error>(all)
            })
            .await?;
        Ok(all)
    }

    /// The same connection, reading CA's ConfigMaps from `namespace` (`why`: the pods' namespace
    /// and CA's differ).
    pub fn in_namespace(&self, namespace: Namespace) -> Cluster {
        Cluster {
            client: self.client.clone(),
            server: self.server.clone(),
            context: self.context.clone(),
            user: self.user.clone(),
            namespace,
            request_timeout: self.request_timeout,
            per_request_timeout: self.per_request_timeout,
            connected_at: self.connected_at,
            deployments: self.deployments.clone(),
        }
    }
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

/// Why a request never got an HTTP answer, read from the error's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TransportFailure {
    /// The server's certificate does not verify (its detail).
    UntrustedCertificate(String),
    /// Connecting or reading timed out.
    TimedOut,
    /// Anything else: refused, no route, DNS.
    Unreachable,
}

fn transport_failure(e: &(dyn std::error::Error + 'static)) -> TransportFailure {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(rustls::Error::InvalidCertificate(why)) = err.downcast_ref::<rustls::Error>() {
            return TransportFailure::UntrustedCertificate(format!("{why:?}"));
        }
        if err.is::<tokio::time::error::Elapsed>() {
            return TransportFailure::TimedOut;
        }
        current = match err.downcast_ref::<std::io::Error>() {
            Some(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                return TransportFailure::TimedOut;
            }
            // io::Error's `source` skips the error it wraps (an io::Error may wrap another,
            // which wraps rustls' error): step into it instead.
            Some(io) => match io.get_ref() {
                Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
                None => err.source(),
            },
            None => err.source(),
        };
    }
    TransportFailure::Unreachable
}

/// Whether a request failed because the server did not answer in time.
pub fn is_timeout(e: &kube::Error) -> bool {
    !matches!(e, kube::Error::Api(_)) && transport_failure(e) == TransportFailure::TimedOut
}

/// kube's reason for an error body that is not a Kubernetes `Status`.
const NOT_A_STATUS: &str = "Failed to parse error data";

/// The first non-blank line of a body, cut to 80 characters: enough to recognise it.
fn excerpt(body: &str) -> String {
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut cut: String = line.chars().take(80).collect();
    if cut.len() < line.len() {
        cut.push('…');
    }
    cut
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
        let not_kubernetes = |what: String| {
            Error::cluster(format!(
                "the server at {} (context `{}`) is not a Kubernetes API server: asked to {verb} {resource}{scope}, it answered {what}",
                self.server, self.context
            ))
            .with_hint("check the `server` of the context's cluster in the kubeconfig: a web page, proxy or ingress answers there")
        };
        let error = match &e {
            kube::Error::Api(status) if status.reason == NOT_A_STATUS => not_kubernetes(format!(
                "HTTP {} with a body that is not a Kubernetes Status (`{}`)",
                status.code,
                excerpt(&status.message)
            )),
            kube::Error::Api(status) if status.code == 401 => {
                let user = if self.user.is_empty() {
                    "no user (the context names none)".to_owned()
                } else {
                    format!("user `{}`", self.user)
                };
                Error::cluster(format!(
                    "credentials rejected (401 Unauthorized): the API server at {} does not accept {user} of context `{}` (to {verb} {resource}{scope})",
                    self.server, self.context
                ))
                .with_hint(format!(
                    "the token, client certificate or exec plugin of {user} in the kubeconfig is wrong or expired: log in again or refresh the credentials, or pick another context with --context"
                ))
            }
            kube::Error::Api(status) if status.code == 403 => Error::cluster(format!(
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
            kube::Error::SerdeError(parse) => not_kubernetes(format!(
                "something that is not Kubernetes JSON ({parse})"
            )),
            _ => match transport_failure(&e) {
                TransportFailure::TimedOut => self.timed_out(&format!("{verb} {resource}{scope}")),
                TransportFailure::UntrustedCertificate(why) => Error::cluster(format!(
                    "the certificate of the API server at {} is not trusted ({why}; context `{}`)",
                    self.server, self.context
                ))
                .with_hint("point the cluster's certificate-authority (or certificate-authority-data) in the kubeconfig at the CA that signed the server's certificate, as kubectl's --certificate-authority does; only for a throwaway test cluster, skip the check with insecure-skip-tls-verify: true (kubectl's --insecure-skip-tls-verify)"),
                TransportFailure::Unreachable => Error::cluster(format!(
                    "cannot reach the cluster at {} (context `{}`): {}",
                    self.server,
                    self.context,
                    chain(&e)
                ))
                .with_hint("check that the cluster is up and `kubectl cluster-info` works; pick another with --kubeconfig/--context"),
            },
        };
        error.with_source(e)
    }

    /// A read that got no answer in time: names what was asked and the timeout.
    pub fn timed_out(&self, what: &str) -> Error {
        let source = if self.request_timeout.is_zero() {
            "the per-request timeout; --request-timeout sets it"
        } else {
            "--request-timeout"
        };
        Error::cluster(format!(
            "timed out: the API server at {} (context `{}`) did not answer within {} ({source}) to {what}",
            self.server,
            self.context,
            crate::output::format_duration(self.per_request_timeout)
        ))
        .with_hint("the server or the network is slow or stuck: retry, or raise --request-timeout (0 = no timeout)")
    }

    /// The command's deadline passed with a read still waiting: names it and the timeout.
    pub fn deadline_passed(&self, what: &str) -> Error {
        Error::cluster(format!(
            "timed out: the API server at {} (context `{}`) had not answered by the end of the command's {} (--request-timeout, one deadline for all its reads) to {what}",
            self.server,
            self.context,
            crate::output::format_duration(self.request_timeout)
        ))
        .with_hint("the server or the network is slow or stuck: retry, or raise --request-timeout (0 = no timeout)")
    }

    /// One deadline for a whole command (or one redraw of a watch): `--request-timeout` from now.
    pub fn deadline(&self) -> Deadline {
        self.deadline_from(tokio::time::Instant::now())
    }

    /// The command's deadline: `--request-timeout` from when it connected, so that the reads
    /// `inputs::connect` makes (the namespace rule's Deployments list) count too.
    pub fn command_deadline(&self) -> Deadline {
        self.deadline_from(self.connected_at)
    }

    fn deadline_from(&self, start: tokio::time::Instant) -> Deadline {
        Deadline {
            at: (self.request_timeout > Duration::ZERO).then(|| start + self.request_timeout),
        }
    }
}

/// When a command's reads must be done (`None`: no limit).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<tokio::time::Instant>,
}

impl Deadline {
    /// Runs `step` (`what` it does, e.g. "list deployments") unless the deadline passes first:
    /// then a timeout error that names it.
    pub async fn bound<T>(
        &self,
        cluster: &Cluster,
        what: &str,
        step: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        match self.at {
            None => step.await,
            Some(at) => tokio::time::timeout_at(at, step)
                .await
                .unwrap_or_else(|_| Err(cluster.deadline_passed(what))),
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
        each: impl FnMut(&K),
    ) -> Result<String>
    where
        K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let mut params = kube::api::ListParams::default();
        if !fields.is_empty() {
            params = params.fields(fields);
        }
        self.list_each_with(api, params, resource, namespace, each)
            .await
    }

    /// As `list_each`, with the caller's selectors (`selected`: fields and labels).
    pub async fn list_each_with<K>(
        &self,
        api: &kube::Api<K>,
        selected: kube::api::ListParams,
        resource: &str,
        namespace: Option<&str>,
        mut each: impl FnMut(&K),
    ) -> Result<String>
    where
        K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        list_pages(api, &selected, |page| match page {
            Page::Items(items) => {
                items.iter().for_each(&mut each);
                ControlFlow::Continue(())
            }
            // `each` has seen objects that a full list would repeat: the 410 is the error.
            Page::Restart => ControlFlow::Break(()),
        })
        .await
        .map_err(|e| self.api_error(e, "list", resource, namespace))
    }
}

/// What `list_pages` hands over: a page's objects, or word that the pages so far are void.
pub enum Page<K> {
    Items(Vec<K>),
    /// The snapshot the pages came from was compacted before the last page (410 "continue
    /// parameter is too old"): a full list of the current state follows, as client-go's pager
    /// reads it. Breaking here makes the 410 the list's error instead.
    Restart,
}

/// Lists `api` a page at a time (`selected`: the selectors), each read retried as
/// `read_with_retries` does, handing each page to `each` until it breaks or the pages end;
/// returns the last resourceVersion read. The one paging loop of the plugin.
pub async fn list_pages<K>(
    api: &kube::Api<K>,
    selected: &kube::api::ListParams,
    mut each: impl FnMut(Page<K>) -> ControlFlow<()>,
) -> Result<String, kube::Error>
where
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let mut token: Option<String> = None;
    loop {
        let mut params = selected.clone().limit(LIST_PAGE);
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        let page = match read_with_retries(|| api.list(&params)).await {
            Ok(page) => page,
            Err(kube::Error::Api(status)) if status.code == 410 && token.is_some() => {
                if each(Page::Restart).is_break() {
                    return Err(kube::Error::Api(status));
                }
                let whole = read_with_retries(|| api.list(selected)).await?;
                let version = whole.metadata.resource_version.unwrap_or_default();
                let _ = each(Page::Items(whole.items));
                return Ok(version);
            }
            Err(e) => return Err(e),
        };
        let version = page.metadata.resource_version.unwrap_or_default();
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if each(Page::Items(page.items)).is_break() || token.is_none() {
            return Ok(version);
        }
    }
}

/// How many times a read is tried when the server throttles (429) or fails (5xx).
pub const READ_ATTEMPTS: u32 = 5;

/// Runs an idempotent read, retrying on 429 and 5xx with jittered exponential backoff (250 ms,
/// doubling), as client-go does: `backon`, which kube-runtime already brings.
pub async fn read_with_retries<T, F, Fut>(call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, kube::Error>>,
{
    use backon::{ExponentialBuilder, Retryable};
    let backoff = ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(250))
        .with_factor(2.0)
        .with_max_delay(Duration::from_secs(4))
        .with_max_times(READ_ATTEMPTS as usize - 1)
        .with_jitter();
    call.retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|e| matches!(e, kube::Error::Api(status) if status.code == 429 || status.code >= 500))
        .await
}

/// A single-threaded runtime for the short-lived async parts of a command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::cluster(format!("cannot start the async runtime: {e}")))
}

/// A client for long watches, in the kubeconfig's namespace (a watch needs only the client): as
/// `inputs::connect`, but without `--request-timeout` as a read timeout (a quiet watch is not a
/// dead one: the server ends it at its `timeoutSeconds`, and the watch loop gives up on a
/// silence longer than that).
pub async fn connect_for_watches(options: &ConnectOptions) -> Result<Cluster> {
    let resolved = resolve(options)?;
    let namespace = resolved.kubeconfig_namespace();
    resolved.connect(options, namespace, true).await
}

/// How long one request may go unanswered when --request-timeout is 0 (kubectl's default, no
/// limit for the command): client-go has no such limit, but a command that hangs for ever on a
/// stuck server helps no one.
pub const PER_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kubeconfig_list_skips_missing_files_and_the_first_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, server: &str, current: &str| {
            let path = dir.path().join(name);
            std::fs::write(
                &path,
                format!(
                    "apiVersion: v1\nkind: Config\ncurrent-context: {current}\nclusters:\n- name: c\n  cluster: {{server: '{server}'}}\n- name: {name}\n  cluster: {{server: '{server}'}}\ncontexts:\n- name: {name}\n  context: {{cluster: {name}}}\n"
                ),
            )
            .unwrap();
            path
        };
        let first = write("one", "https://one:6443", "one");
        let second = write("two", "https://two:6443", "two");
        let gone = dir.path().join("gone");
        let value = std::env::join_paths([&gone, &first, &gone, &second]).unwrap();
        let paths = kubeconfig_list(&value);
        assert_eq!(paths.len(), 4);
        let merged = read_kubeconfig_list(&paths).unwrap().unwrap();
        assert_eq!(merged.current_context.as_deref(), Some("one"));
        let names: Vec<&str> = merged.contexts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["one", "two"]);
        let c = merged.clusters.iter().find(|c| c.name == "c").unwrap();
        assert_eq!(
            c.cluster.as_ref().unwrap().server.as_deref(),
            Some("https://one:6443"),
            "the first file to name a cluster wins"
        );
        assert!(
            read_kubeconfig_list(std::slice::from_ref(&gone))
                .unwrap()
                .is_none()
        );
        std::fs::write(dir.path().join("bad"), "clusters: [").unwrap();
        let err = read_kubeconfig_list(&[dir.path().join("bad")]).unwrap_err();
        assert!(err.message.contains("KUBECONFIG file"), "{}", err.message);
    }
}
