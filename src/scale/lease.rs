//! Per-group `coordination.k8s.io/v1` Leases, so that two `scale` runs never change one node group at once.

// The Lease lives in the namespace `scale` reads CA's ConfigMaps from, is named
// `kwokprovider-scale-<group>`, lasts 15 s and is renewed every 5 s; a Lease not renewed in
// time is stale and taken over (a killed run blocks others for 15 s at most). Every write
// carries the resourceVersion it read, so two runs racing for a free Lease cannot both win.

use crate::cluster::{Cluster, read_with_retries};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Ui;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, DeleteParams, PostParams, Preconditions};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a Lease holds without renewal.
pub const LEASE_SECONDS: i32 = 15;
/// How often a held Lease is renewed (a third of its duration, as client-go's leader election).
const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How often a waiting run looks at the Lease again.
const POLL_EVERY: Duration = Duration::from_millis(500);

/// The Lease's name for `group`: `kwokprovider-scale-<group>`, made a valid object name
/// (group names are label values: `_`, `.` and capitals are allowed there, not all in names).
pub fn lease_name(group: &str) -> String {
    let clean: String = group
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '.') => c,
            _ => '-',
        })
        .collect();
    let clean = clean.trim_matches(|c| c == '-' || c == '.');
    if clean == group {
        return format!("kwokprovider-scale-{group}");
    }
    // Two groups that clean to the same text must not share a Lease.
    let hash = group.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("kwokprovider-scale-{clean}-{:08x}", hash as u32)
}

/// Who this run is, as the Lease's holderIdentity: `kubectl-kwokprovider@<host>/<pid>`.
pub fn holder_identity() -> String {
    let host = hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned());
    format!("kubectl-kwokprovider@{host}/{}", std::process::id())
}

/// What a Lease means to a run that wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Nobody holds it, or its holder stopped renewing it: it may be taken.
    Free,
    /// Another run holds it; renewed `renewed_ago` ago.
    Held {
        holder: String,
        renewed_ago: Duration,
    },
}

/// Judges `lease` at `now` (pure).
pub fn standing(lease: &Lease, now: jiff::Timestamp) -> Standing {
    let Some(spec) = &lease.spec else {
        return Standing::Free;
    };
    let holder = spec.holder_identity.clone().unwrap_or_default();
    if holder.is_empty() {
        return Standing::Free;
    }
    let Some(renewed) = spec
        .renew_time
        .as_ref()
        .or(spec.acquire_time.as_ref())
        .map(|t| t.0)
    else {
        return Standing::Free;
    };
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(LEASE_SECONDS).max(1));
    let age = now.as_millisecond() - renewed.as_millisecond();
    if age > duration * 1000 {
        return Standing::Free;
    }
    Standing::Held {
        holder,
        renewed_ago: Duration::from_millis(age.max(0) as u64),
    }
}

/// The Leases one run holds; renewed in the background until released.
pub struct Locks {
    api: Api<Lease>,
    renewer: tokio::task::JoinHandle<()>,
    /// Set when a renewal found the Lease taken by another run.
    pub lost: Arc<AtomicBool>,
    held: Arc<tokio::sync::Mutex<Vec<Lease>>>,
}

/// How taking the Leases ended.
pub enum Taken {
    Locks(Box<Locks>),
    /// Leases cannot be used here (denied, or not served): the run goes on unguarded.
    Unguarded,
    /// Ctrl-C while waiting.
    Interrupted,
}

/// Takes the Lease of every group in `groups` (in name order, so that two runs over
/// overlapping groups cannot deadlock), waiting at most `timeout` for each one another run
/// holds. A held Lease past the timeout is exit 1, naming the holder.
pub async fn acquire(
    cluster: &Cluster,
    groups: &[String],
    timeout: Duration,
    ui: Ui,
) -> Result<Taken> {
    let namespace = cluster.namespace.name.clone();
    let api: Api<Lease> = Api::namespaced(cluster.client.clone(), &namespace);
    let me = holder_identity();
    let mut names: Vec<(String, &str)> =
        groups.iter().map(|g| (lease_name(g), g.as_str())).collect();
    names.sort();
    names.dedup();
    let mut held: Vec<Lease> = Vec::new();
    let started = Instant::now();
    let outcome: Result<Option<Taken>> = async {
        for (name, group) in &names {
            let mut told = false;
            let mut failures = 0;
            loop {
                match try_take(&api, name, &me).await {
                    Ok(Ok(lease)) => {
                        held.push(lease);
                        break;
                    }
                    Ok(Err(None)) => continue,
                    Ok(Err(Some((holder, renewed_ago)))) => {
                        if timeout.is_zero() || started.elapsed() >= timeout {
                            return Err(Error::new(
                                ErrorKind::Findings,
                                format!(
                                    "node group `{group}` is being changed by another run: `{holder}` holds Lease {namespace}/{name} (renewed {} s ago){}",
                                    renewed_ago.as_secs(),
                                    if timeout.is_zero() { String::new() } else { format!("; gave up after waiting {} s", timeout.as_secs()) }
                                ),
                            )
                            .with_hint(format!(
                                "wait for it and run again, or pass --lock-timeout=DURATION to wait longer; a Lease its holder stops renewing expires {LEASE_SECONDS} s after its last renewal"
                            )));
                        }
                        if !told {
                            ui.say(format!(
                                "node group `{group}` is being changed by `{holder}` (Lease {namespace}/{name}, renewed {} s ago): waiting for it (up to {} s, --lock-timeout)",
                                renewed_ago.as_secs(),
                                timeout.as_secs()
                            ));
                            told = true;
                        }
                        tokio::select! {
                            () = tokio::time::sleep(POLL_EVERY) => {}
                            _ = tokio::signal::ctrl_c() => return Ok(Some(Taken::Interrupted)),
                        }
                    }
                    // Throttled, a server error or a lost connection: try again shortly.
                    Err(e) if super::apply::retryable(&e) && failures < TRANSIENT_ATTEMPTS => {
                        failures += 1;
                        tokio::time::sleep(POLL_EVERY).await;
                    }
                    Err(e) => match unusable(&e) {
                        Some(why) => {
                            ui.say(format!(
                                "warning: {why} (Lease {namespace}/{name}): this run is not guarded against another `scale` on the same group; the count is still checked at the end"
                            ));
                            ui.say(format!(
                                "  check with: kubectl auth can-i create leases.coordination.k8s.io -n {namespace} --context {}",
                                cluster.context
                            ));
                            return Ok(Some(Taken::Unguarded));
                        }
                        None => return Err(cluster.api_error(e, "update", "leases", Some(&namespace))),
                    },
                }
            }
        }
        Ok(None)
    }
    .await;
    let held = Arc::new(tokio::sync::Mutex::new(held));
    let lost = Arc::new(AtomicBool::new(false));
    let renewer = tokio::spawn(renew(api.clone(), Arc::clone(&held), Arc::clone(&lost), ui));
    let locks = Locks {
        api,
        renewer,
        lost,
        held,
    };
    match outcome {
        Ok(None) => Ok(Taken::Locks(Box::new(locks))),
        Ok(Some(other)) => {
            locks.release().await;
            Ok(other)
        }
        Err(e) => {
            locks.release().await;
            Err(e)
        }
    }
}

/// Transient failures tolerated per Lease while taking it.
const TRANSIENT_ATTEMPTS: u32 = 10;

/// Why Leases cannot be used at all here, if that is what `e` says.
fn unusable(e: &kube::Error) -> Option<String> {
    match e {
        kube::Error::Api(s) if s.code == 401 || s.code == 403 => {
            Some(format!("may not use Leases: {}", s.message))
        }
        // A create answered 404: Leases are not served (or the namespace is missing).
        kube::Error::Api(s) if s.code == 404 => {
            Some(format!("cannot create Leases: {}", s.message))
        }
        _ => None,
    }
}

/// Who holds a Lease and how long ago they renewed it; `None` when a race was lost just now
/// (look again at once).
type Holder = Option<(String, Duration)>;

/// One attempt at the Lease `name`: the Lease now ours, or who holds it.
async fn try_take(
    api: &Api<Lease>,
    name: &str,
    me: &str,
) -> std::result::Result<std::result::Result<Lease, Holder>, kube::Error> {
    let now = jiff::Timestamp::now();
    let spec = |transitions: i32| LeaseSpec {
        holder_identity: Some(me.to_owned()),
        lease_duration_seconds: Some(LEASE_SECONDS),
        acquire_time: Some(MicroTime(now)),
        renew_time: Some(MicroTime(now)),
        lease_transitions: Some(transitions),
        ..LeaseSpec::default()
    };
    match read_with_retries(|| api.get_opt(name)).await? {
        None => {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(name.to_owned()),
                    ..ObjectMeta::default()
                },
                spec: Some(spec(0)),
            };
            match api.create(&PostParams::default(), &lease).await {
                Ok(lease) => Ok(Ok(lease)),
                // Another run created it first: look again at once.
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(Err(None)),
                Err(e) => Err(e),
            }
        }
        // Ours already: an earlier attempt took it and its answer was lost.
        Some(current)
            if current
                .spec
                .as_ref()
                .and_then(|s| s.holder_identity.as_deref())
                == Some(me) =>
        {
            let mut taken = current.clone();
            taken.spec = Some(spec(0));
            match api.replace(name, &PostParams::default(), &taken).await {
                Ok(lease) => Ok(Ok(lease)),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(Err(None)),
                Err(e) => Err(e),
            }
        }
        Some(current) => match standing(&current, now) {
            Standing::Held {
                holder,
                renewed_ago,
            } => Ok(Err(Some((holder, renewed_ago)))),
            Standing::Free => {
                let transitions = current
                    .spec
                    .as_ref()
                    .and_then(|s| s.lease_transitions)
                    .unwrap_or(0);
                let mut taken = current.clone();
                taken.spec = Some(spec(transitions + 1));
                // The resourceVersion read above: if another run took it meanwhile, 409.
                match api.replace(name, &PostParams::default(), &taken).await {
                    Ok(lease) => Ok(Ok(lease)),
                    Err(kube::Error::Api(s)) if s.code == 409 => Ok(Err(None)),
                    Err(e) => Err(e),
                }
            }
        },
    }
}

/// Renews every held Lease every few seconds, each with the resourceVersion it last wrote.
async fn renew(
    api: Api<Lease>,
    held: Arc<tokio::sync::Mutex<Vec<Lease>>>,
    lost: Arc<AtomicBool>,
    ui: Ui,
) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let mut held = held.lock().await;
        for lease in held.iter_mut() {
            let name = lease.metadata.name.clone().unwrap_or_default();
            let mut renewed = lease.clone();
            if let Some(spec) = renewed.spec.as_mut() {
                spec.renew_time = Some(MicroTime(jiff::Timestamp::now()));
            }
            match api.replace(&name, &PostParams::default(), &renewed).await {
                Ok(new) => *lease = new,
                Err(kube::Error::Api(s)) if s.code == 409 || s.code == 404 => {
                    if !lost.swap(true, Ordering::Relaxed) {
                        ui.say(format!(
                            "warning: Lease {name} was taken over by another run (this run renewed it too late); the count is checked at the end"
                        ));
                    }
                }
                // A failed renewal is tried again at the next tick; the Lease lasts three ticks.
                Err(_) => {}
            }
        }
    }
}

impl Locks {
    /// Stops renewing and deletes the Leases this run still holds (each only if unchanged
    /// since this run last wrote it).
    pub async fn release(self) {
        self.renewer.abort();
        let held = self.held.lock().await;
        for lease in held.iter() {
            let Some(name) = lease.metadata.name.as_deref() else {
                continue;
            };
            let params = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: lease.metadata.uid.clone(),
                    resource_version: lease.metadata.resource_version.clone(),
                }),
                ..DeleteParams::default()
            };
            // Best effort: a Lease left behind expires in LEASE_SECONDS.
            let _ = read_with_retries(|| self.api.delete(name, &params)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(
        holder: Option<&str>,
        renewed_secs_ago: Option<i64>,
        duration: i32,
    ) -> (Lease, jiff::Timestamp) {
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let renewed = renewed_secs_ago
            .map(|s| MicroTime(jiff::Timestamp::from_second(1_800_000_000 - s).unwrap()));
        let lease = Lease {
            metadata: ObjectMeta::default(),
            spec: Some(LeaseSpec {
                holder_identity: holder.map(str::to_owned),
                lease_duration_seconds: Some(duration),
                renew_time: renewed,
                ..LeaseSpec::default()
            }),
        };
        (lease, now)
    }

    #[test]
    fn a_lease_renewed_within_its_duration_is_held_and_a_stale_one_is_free() {
        let (fresh, now) = lease(Some("a@h/1"), Some(3), 15);
        assert_eq!(
            standing(&fresh, now),
            Standing::Held {
                holder: "a@h/1".into(),
                renewed_ago: Duration::from_secs(3)
            }
        );
        let (stale, now) = lease(Some("a@h/1"), Some(16), 15);
        assert_eq!(standing(&stale, now), Standing::Free);
        let (released, now) = lease(None, Some(1), 15);
        assert_eq!(standing(&released, now), Standing::Free);
        let (never_renewed, now) = lease(Some("a@h/1"), None, 15);
        assert_eq!(standing(&never_renewed, now), Standing::Free);
    }

    #[test]
    fn lease_names_are_valid_and_distinct() {
        assert_eq!(lease_name("general"), "kwokprovider-scale-general");
        let a = lease_name("GPU_big");
        let b = lease_name("gpu-big");
        assert_ne!(a, b);
        assert!(a.starts_with("kwokprovider-scale-gpu-big-"), "{a}");
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
            "{a}"
        );
        assert!(holder_identity().ends_with(&format!("/{}", std::process::id())));
    }
}
