//! Carries out a scale plan against the API server: concurrent creates and deletes under a
//! client-side rate limit, bounded retries, progress on stderr, and a clean stop on Ctrl-C.

use super::plan::MemberNode;
use crate::provider::nodegroups::{name_suffix, new_node};
use crate::provider::{CaVersion, LABEL_HOSTNAME};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, DeleteParams, DynamicObject, PostParams, Preconditions};
use kube::core::ApiResource;
use serde_json::Value as Json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How often one request is tried when the server throttles (429), fails (5xx) or times out.
pub const WRITE_ATTEMPTS: u32 = 6;
/// Name collisions (409 AlreadyExists) redrawn before giving up on a node.
const NAME_ATTEMPTS: u32 = 5;

/// Client-side rate limit: a token bucket, as client-go's QPS and Burst.
pub struct RateLimiter {
    qps: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    pub fn new(qps: f64, burst: u32) -> RateLimiter {
        let burst = f64::from(burst.max(1));
        RateLimiter {
            qps,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Waits for a token (no limit when qps is 0 or negative).
    pub async fn acquire(&self) {
        if self.qps <= 0.0 {
            return;
        }
        let wait = {
            let mut state = self.state.lock().await;
            let (tokens, last) = &mut *state;
            let now = Instant::now();
            *tokens =
                (*tokens + now.duration_since(*last).as_secs_f64() * self.qps).min(self.burst);
            *last = now;
            *tokens -= 1.0;
            if *tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-*tokens / self.qps)
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// The outcome of one node's create or delete.
#[derive(Debug)]
pub enum Outcome {
    Done(String),
    /// A delete found the node gone already: not done by this run.
    Gone(String),
    Failed {
        name: String,
        error: String,
    },
    /// Denied (401/403): the whole run stops, exit 3.
    Denied {
        name: String,
        error: String,
    },
    /// Not started because the run was interrupted or denied.
    Skipped,
}

/// Shared state of one run: limits, counters, the stop flag.
pub struct Runner {
    pub client: kube::Client,
    pub limiter: RateLimiter,
    pub concurrency: usize,
    pub retries: AtomicU64,
    pub done: AtomicUsize,
    /// Creates whose response was lost after the server made the node: the retry got 409,
    /// and reading the node showed it to be this run's own.
    pub recovered: AtomicU64,
    pub stop: AtomicBool,
    /// Every write asks the server's `dryRun=All`: checked, never stored.
    pub dry_run: bool,
}

impl Runner {
    pub fn new(
        client: kube::Client,
        qps: f64,
        burst: u32,
        concurrency: u32,
        dry_run: bool,
    ) -> Arc<Runner> {
        Arc::new(Runner {
            client,
            limiter: RateLimiter::new(qps, burst),
            concurrency: concurrency as usize,
            retries: AtomicU64::new(0),
            done: AtomicUsize::new(0),
            recovered: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            dry_run,
        })
    }

    /// A fresh `rand.String(5)`-style suffix (fastrand: seeded per thread, no crypto needed).
    pub fn suffix(&self) -> String {
        name_suffix(|| fastrand::u64(..))
    }

    fn nodes(&self) -> Api<DynamicObject> {
        Api::all_with(self.client.clone(), &ApiResource::erase::<Node>(&()))
    }

    /// Runs `call` until it succeeds, fails for good, or the attempts are spent; 429s honour
    /// Retry-After (as the server words it in the Status details), 5xx and timeouts back off.
    /// `maybe_done` is set when an attempt failed in a way that leaves it unknown whether the
    /// server carried it out (a lost connection, a timeout, a 5xx): a later "already exists"
    /// or "not found" may then be that very attempt's doing.
    async fn with_retries<T, F, Fut>(
        &self,
        maybe_done: &mut bool,
        mut call: F,
    ) -> Result<T, kube::Error>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, kube::Error>>,
    {
        use backon::{ExponentialBuilder, Retryable};
        let backoff = ExponentialBuilder::new()
            .with_min_delay(Duration::from_millis(200))
            .with_factor(2.0)
            .with_max_delay(Duration::from_secs(5))
            .with_max_times(WRITE_ATTEMPTS as usize - 1)
            .with_jitter();
        let limiter = &self.limiter;
        let mut maybe = false;
        let outcome = (|| {
            let request = call();
            async move {
                limiter.acquire().await;
                request.await
            }
        })
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(retryable)
        .notify(|e, _| {
            // A 429 is the API server's flow control turning the request away unread.
            maybe |= !matches!(e, kube::Error::Api(s) if s.code == 429);
            self.retries.fetch_add(1, Ordering::Relaxed);
        })
        // The server's Retry-After wins over the backoff (while attempts remain).
        .adjust(|e, pause| pause.map(|p| retry_after(e).unwrap_or(p)))
        .await;
        *maybe_done |= maybe;
        outcome
    }

    /// Creates one node of `group` from its prepared template, as CA's IncreaseSize does.
    pub async fn create(
        &self,
        prepared: &Json,
        group: &str,
        version: CaVersion,
        set_hostname: bool,
    ) -> Outcome {
        let mut name = String::new();
        for _ in 0..NAME_ATTEMPTS {
            if self.stop.load(Ordering::Relaxed) {
                return Outcome::Skipped;
            }
            name = format!("{group}-{}", self.suffix());
            let node = build_node(prepared, group, &name, version, set_hostname);
            let object: DynamicObject = match serde_json::from_value(node) {
                Ok(object) => object,
                Err(e) => {
                    return Outcome::Failed {
                        name,
                        error: format!("the template is not a valid object: {e}"),
                    };
                }
            };
            let api = self.nodes();
            let params = PostParams {
                dry_run: self.dry_run,
                ..PostParams::default()
            };
            let mut maybe_done = false;
            let result = self
                .with_retries(&mut maybe_done, || api.create(&params, &object))
                .await;
            match result {
                Ok(_) => {
                    self.done.fetch_add(1, Ordering::Relaxed);
                    return Outcome::Done(name);
                }
                // A retry answered "already exists": perhaps the earlier attempt made the
                // node and only its response was lost. The node itself tells.
                Err(kube::Error::Api(s)) if s.code == 409 && maybe_done => {
                    match self.is_own(&name, group).await {
                        Ok(true) => {
                            self.recovered.fetch_add(1, Ordering::Relaxed);
                            self.done.fetch_add(1, Ordering::Relaxed);
                            return Outcome::Done(name);
                        }
                        Ok(false) => continue,
                        Err(e) => return failure(name, e),
                    }
                }
                // Another node has this name: draw a new one, as CA's rand.String would.
                Err(kube::Error::Api(s)) if s.code == 409 => continue,
                Err(e) => return failure(name, e),
            }
        }
        Outcome::Failed {
            name,
            error: format!("{NAME_ATTEMPTS} names in a row were taken (409 AlreadyExists)"),
        }
    }

    /// Whether the node `name` is the one this run's create of it makes (not a stranger's).
    async fn is_own(&self, name: &str, group: &str) -> Result<bool, kube::Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let node = crate::cluster::read_with_retries(|| api.get_opt(name)).await?;
        Ok(node.is_some_and(|n| MemberNode::from_node(&n).made_as(group, name)))
    }

    /// Deletes one node, only if it is still the node that was listed (same uid).
    pub async fn delete(&self, name: &str, uid: &str) -> Outcome {
        if self.stop.load(Ordering::Relaxed) {
            return Outcome::Skipped;
        }
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                uid: Some(uid.to_owned()),
                resource_version: None,
            }),
            dry_run: self.dry_run,
            ..DeleteParams::default()
        };
        let api = self.nodes();
        let mut maybe_done = false;
        match self
            .with_retries(&mut maybe_done, || api.delete(name, &params))
            .await
        {
            Ok(_) => {
                self.done.fetch_add(1, Ordering::Relaxed);
                Outcome::Done(name.to_owned())
            }
            // Gone on a retry: the earlier attempt deleted it, and its response was lost.
            Err(kube::Error::Api(s)) if s.code == 404 && maybe_done => {
                self.done.fetch_add(1, Ordering::Relaxed);
                Outcome::Done(name.to_owned())
            }
            // Gone before this run touched it: someone else deleted it (not counted as done).
            Err(kube::Error::Api(s)) if s.code == 404 => {
                self.done.fetch_add(1, Ordering::Relaxed);
                Outcome::Gone(name.to_owned())
            }
            Err(kube::Error::Api(s)) if s.code == 409 => Outcome::Failed {
                name: name.to_owned(),
                error: "the node was replaced since it was listed (uid changed); not deleted"
                    .to_owned(),
            },
            Err(e) => failure(name.to_owned(), e),
        }
    }

    /// Runs `jobs` with at most `concurrency` in flight; a denial stops new ones.
    pub async fn run_all<F, Fut>(self: &Arc<Self>, jobs: Vec<F>) -> Vec<Outcome>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Outcome>,
    {
        futures::stream::iter(jobs.into_iter().map(|job| {
            let runner = Arc::clone(self);
            async move {
                if runner.stop.load(Ordering::Relaxed) {
                    return Outcome::Skipped;
                }
                let outcome = job().await;
                if matches!(outcome, Outcome::Denied { .. }) {
                    runner.stop.store(true, Ordering::Relaxed);
                }
                outcome
            }
        }))
        .buffer_unordered(self.concurrency)
        .collect()
        .await
    }
}

/// The node CA would create, named `name` (and with its own hostname label if asked).
pub fn build_node(
    prepared: &Json,
    group: &str,
    name: &str,
    version: CaVersion,
    set_hostname: bool,
) -> Json {
    let suffix = name.strip_prefix(&format!("{group}-")).unwrap_or(name);
    let mut node = new_node(prepared, group, suffix, version);
    if set_hostname
        && let Some(labels) = node
            .pointer_mut("/metadata/labels")
            .and_then(Json::as_object_mut)
    {
        labels.insert(LABEL_HOSTNAME.to_owned(), name.into());
    }
    node["apiVersion"] = "v1".into();
    node["kind"] = "Node".into();
    node
}

pub(super) fn retryable(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => s.code == 429 || s.code >= 500,
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}

/// The server's Retry-After, which kube surfaces in the Status details (`retryAfterSeconds`).
fn retry_after(e: &kube::Error) -> Option<Duration> {
    let kube::Error::Api(s) = e else { return None };
    if s.code != 429 {
        return None;
    }
    s.details
        .as_ref()
        .map(|d| d.retry_after_seconds)
        .filter(|s| *s > 0)
        .map(|s| Duration::from_secs(u64::from(s).min(30)))
}

fn failure(name: String, e: kube::Error) -> Outcome {
    match &e {
        kube::Error::Api(s) if s.code == 401 || s.code == 403 => Outcome::Denied {
            name,
            error: s.message.clone(),
        },
        kube::Error::Api(s) => Outcome::Failed {
            name,
            error: format!("{} {}: {}", s.code, s.reason, s.message),
        },
        _ => Outcome::Failed {
            name,
            error: crate::cluster::chain(&e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_rate_limiter_allows_a_burst_then_paces() {
        let limiter = RateLimiter::new(100.0, 5);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(20),
            "the burst waited"
        );
        for _ in 0..10 {
            limiter.acquire().await;
        }
        // 10 more tokens at 100/s take about 100 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(80),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_built_node_is_cas_node_with_an_optional_own_hostname() {
        let prepared = serde_json::json!({
            "metadata": {"name": "kwok-fake-t", "annotations": {}, "labels": {"kubernetes.io/hostname": "t"}},
            "spec": {"providerID": "kwok:kwok-fake-t"},
        });
        let node = build_node(&prepared, "g", "g-bcdfg", CaVersion::LATEST, false);
        assert_eq!(node["metadata"]["name"], "g-bcdfg");
        assert_eq!(node["spec"]["providerID"], "kwok:g-bcdfg");
        assert_eq!(node["metadata"]["labels"]["kubernetes.io/hostname"], "t");
        assert_eq!(node["kind"], "Node");
        let own = build_node(&prepared, "g", "g-bcdfg", CaVersion::LATEST, true);
        assert_eq!(
            own["metadata"]["labels"]["kubernetes.io/hostname"],
            "g-bcdfg"
        );
    }
}
