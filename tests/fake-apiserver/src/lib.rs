//! A test-only, in-memory Kubernetes API server with watch support and fault injection.
//!
//! Use [`TestServer::spawn`] from plain `#[test]` functions, or [`start`] from async code.

pub mod api;
pub mod events_v1;
pub mod faults;
pub mod patch;
pub mod protobuf;
pub mod resources;
pub mod selectors;
pub mod status;
pub mod store;
pub mod tables;
pub mod util;
pub mod validation;

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::{Value, json};
use tokio::sync::oneshot;

pub use faults::Faults;

use api::AppState;

/// What the server starts with.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Objects preloaded into the store (any served kind).
    pub seed: Vec<Value>,
    /// Initial fault settings.
    pub faults: Faults,
}

/// Builds the shared state: default namespaces plus the seed objects.
fn build_state(config: ServerConfig, verbose: bool) -> io::Result<Arc<AppState>> {
    let state = Arc::new(AppState::new(config.faults, verbose));
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        state
            .upsert(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}))
            .map_err(io::Error::other)?;
    }
    for obj in config.seed {
        state.upsert(obj).map_err(io::Error::other)?;
    }
    Ok(state)
}

fn verbose_from_env() -> bool {
    std::env::var("FAKE_APISERVER_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A server running on the current tokio runtime.
#[derive(Debug)]
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl RunningServer {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shared state (store, faults).
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Stops accepting connections.
    pub fn shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Starts serving on `listen` (use port 0 for an ephemeral port) on the current runtime.
pub async fn start(config: ServerConfig, listen: SocketAddr) -> io::Result<RunningServer> {
    start_with(config, listen, verbose_from_env()).await
}

/// Like [`start`], with explicit request logging.
pub async fn start_with(
    config: ServerConfig,
    listen: SocketAddr,
    verbose: bool,
) -> io::Result<RunningServer> {
    let state = build_state(config, verbose)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = api::router(state.clone());
    tokio::spawn(async move {
        let server = axum::serve(listener, app);
        tokio::select! {
            r = server => {
                if let Err(e) = r {
                    eprintln!("fake-apiserver: server error: {e}");
                }
            }
            _ = rx => {}
        }
    });
    Ok(RunningServer {
        addr,
        state,
        shutdown: Some(tx),
    })
}

/// Renders a kubeconfig for `server` (cluster, user and context all named `fake`).
pub fn kubeconfig_for(server: &str, namespace: Option<&str>) -> String {
    let ns = namespace
        .map(|n| format!("    namespace: {n}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {server}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n{ns}current-context: fake\nusers:\n- name: fake\n  user:\n    token: fake-token\npreferences: {{}}\n"
    )
}

/// Parses a multi-document YAML file into objects (`List` kinds are flattened).
pub fn parse_seed(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(text).map_err(|e| format!("invalid seed YAML: {e}"))?;
    let mut out = Vec::new();
    for v in docs {
        match v {
            Value::Null => {}
            Value::Object(_) => {
                let is_list = v["kind"].as_str().is_some_and(|k| k.ends_with("List"))
                    && v["items"].is_array();
                if is_list {
                    out.extend(v["items"].as_array().cloned().unwrap_or_default());
                } else {
                    out.push(v);
                }
            }
            other => return Err(format!("seed document is not an object: {other}")),
        }
    }
    Ok(out)
}

/// A server on its own tokio runtime, for synchronous tests. Dropping it stops the server.
#[derive(Debug)]
pub struct TestServer {
    server: Option<RunningServer>,
    runtime: Option<tokio::runtime::Runtime>,
    url: String,
}

impl TestServer {
    /// Starts on 127.0.0.1 with an ephemeral port. Panics if it cannot start (test helper).
    pub fn spawn(config: ServerConfig) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("fake-apiserver")
            .build()
            .expect("build tokio runtime");
        let (tx, rx) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let r = start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await;
            let _ = tx.send(r);
        });
        let server = rx
            .recv()
            .expect("server task ended")
            .expect("start fake-apiserver");
        let url = server.url();
        TestServer {
            server: Some(server),
            runtime: Some(runtime),
            url,
        }
    }

    fn state(&self) -> &Arc<AppState> {
        self.server.as_ref().expect("server running").state()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// A kubeconfig pointing at this server; context `fake`, optional default namespace.
    pub fn kubeconfig_yaml(&self, namespace: Option<&str>) -> String {
        kubeconfig_for(&self.url, namespace)
    }

    /// Writes [`TestServer::kubeconfig_yaml`] to `path`.
    pub fn write_kubeconfig(&self, path: &Path, namespace: Option<&str>) -> io::Result<()> {
        std::fs::write(path, self.kubeconfig_yaml(namespace))
    }

    /// Creates (or replaces) an object directly in the store, bypassing validation and faults.
    /// Namespaced objects without a namespace go to `default`. Panics on unknown kinds.
    pub fn insert(&self, obj: Value) -> Value {
        self.state()
            .upsert(obj)
            .unwrap_or_else(|e| panic!("TestServer::insert: {e}"))
    }

    /// Fetches one object by plural resource name (e.g. `configmaps`). Panics on unknown resources.
    pub fn get(&self, resource: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let rt = resources::by_plural(resource)
            .unwrap_or_else(|| panic!("unknown resource {resource:?}"));
        let ns = if rt.namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        self.state().store().get(rt, ns, name).cloned()
    }

    /// Lists objects (all namespaces when `namespace` is None), sorted by namespace and name.
    pub fn list(&self, resource: &str, namespace: Option<&str>) -> Vec<Value> {
        let rt = resources::by_plural(resource)
            .unwrap_or_else(|| panic!("unknown resource {resource:?}"));
        let ns = if rt.namespaced { namespace } else { None };
        self.state().store().list(rt, ns)
    }

    /// Replaces the fault settings.
    pub fn set_faults(&self, faults: Faults) {
        self.state().set_faults(faults);
    }

    /// From now on, writes of this object (plural resource; namespace `None` for
    /// cluster-scoped ones) fail with 500 InternalError, as if storage failed; dry runs pass.
    pub fn fail_storage_of(&self, resource: &str, namespace: Option<&str>, name: &str) {
        self.state().fail_storage_of(resource, namespace, name);
    }

    /// Current fault settings.
    pub fn faults(&self) -> Faults {
        self.state().faults()
    }

    /// Total API requests served (the admin endpoint is not counted).
    pub fn request_count(&self) -> usize {
        self.state().requests.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(mut s) = self.server.take() {
            s.shutdown();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
