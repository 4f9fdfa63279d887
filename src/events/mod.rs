//! `events`: lists cluster-autoscaler's events and follows new ones, decoded, resuming after cut watches.
//!
//! The backlog is listed a page at a time (an expired continue token falls back to one full
//! list, as client-go's pager does) and printed oldest first. Following watches from the
//! list's resourceVersion with the server's `timeoutSeconds` and bookmarks, on a client without
//! the per-request read timeout; a watch that ends (the server's timeout, or cut) is resumed
//! at once and silently from the last version seen; 410 Gone relists. Each occurrence is
//! printed once (an event's uid and count identify it: a raised count is a new occurrence),
//! and counts as seen only once written. A failed write ends the command (a gone reader: exit
//! 0, quietly). Decoding, filters and rendering are pure (`view`).
//!
//! Why not kube-runtime's `watcher` (which `scale --wait` uses): on an expired continue token
//! its relist starts the paged list over (which a steady burst can expire again) instead of
//! reading one full list, and a relist re-sends every event, so the occurrence bookkeeping
//! here would stay anyway; what is left is this one loop.

pub mod options;
pub mod reader;
pub mod view;

use crate::cluster::ConnectOptions;
use crate::cluster::{self, Cluster, IDLE_MARGIN};
use crate::error::{Error, ErrorKind, Result, exit};
use crate::output::ListOutput;
use crate::output::Ui;
use crate::provider::events::{GroupFacts, HintContext};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Pod};
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use options::EventsOptions;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::time::Duration;
use view::{EventView, Filter, OwnerPods, PendingPods};

/// The kinds whose `--for` stands for their pods.
const OWNER_KINDS: &[&str] = &["Deployment", "ReplicaSet", "StatefulSet", "Job", "CronJob"];

/// The first pause after a watch could not be started; it doubles up to `MAX_BACKOFF`, and
/// resets once a watch runs.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// After this many failed starts in a row, say so (events are being held up, not lost).
const FAILURES_WORTH_A_NOTE: u32 = 3;

pub fn run(
    connection: &ConnectOptions,
    args: &EventsOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let object = args
        .for_object
        .as_deref()
        .map(|text| {
            view::parse_object(text).ok_or_else(|| {
                Error::usage(format!("--for {text}: expected KIND/NAME"))
                    .with_hint("e.g. --for pod/web-1 or --for node/general-x2x9k")
            })
        })
        .transpose()?;
    let now = k8s_openapi::jiff::Timestamp::now().as_second();
    let mut filter = Filter {
        reasons: args.reason.clone(),
        event_type: args.event_type,
        object,
        nodegroup: args.nodegroup.clone(),
        since: now - i64::try_from(args.since.as_secs()).unwrap_or(i64::MAX / 2),
        owner: None,
        pending: None,
    };
    let watch_timeout = connection.watch_timeout()?;
    let outcome: Result<u8> = cluster::runtime()?.block_on(async {
        let cluster = crate::inputs::connect(connection).await?;
        let namespace = (connection.namespace.is_some() && !args.all_namespaces)
            .then(|| cluster.namespace.name.clone());
        let api_for = |client: kube::Client| -> Api<Event> {
            match &namespace {
                Some(ns) => Api::namespaced(client, ns),
                None => Api::all(client),
            }
        };
        pod_scope(&cluster, namespace.as_deref(), args, &mut filter).await?;
        let context = hint_context(&cluster, args.ca_namespace.as_deref(), ui).await;
        let watch_api = if args.follow {
            api_for(cluster::connect_for_watches(connection).await?.client)
        } else {
            api_for(cluster.client.clone())
        };
        let mut tail = Tail {
            cluster: &cluster,
            api: api_for(cluster.client.clone()),
            watch_api,
            namespace: namespace.clone(),
            args,
            watch_timeout,
            filter,
            context,
            seen: HashMap::new(),
            printed: 0,
            ui: *ui,
            zone: jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC),
        };
        let limit = async {
            match args.timeout {
                Some(limit) => tokio::time::sleep(limit).await,
                None => std::future::pending().await,
            }
        };
        let outcome = tokio::select! {
            r = tail.run(out) => r,
            () = limit => Ok(Finish::Done),
            _ = tokio::signal::ctrl_c() => Ok(Finish::Interrupted),
            () = reader::stdout_reader_gone(), if args.follow => Ok(Finish::ReaderGone),
        };
        match outcome? {
            Finish::Done => {
                out.flush()?;
                Ok(exit::OK)
            }
            Finish::Interrupted => {
                out.flush()?;
                Ok(exit::INTERRUPTED)
            }
            // Nothing is left to flush to: stop, as kubectl does when its reader goes.
            Finish::ReaderGone => Ok(exit::OK),
        }
    });
    match outcome {
        // The reader went away (`events -f | head -1`): done, quietly.
        Err(e) if e.kind == ErrorKind::BrokenPipe => Ok(exit::OK),
        other => other,
    }
}

enum Finish {
    Done,
    Interrupted,
    ReaderGone,
}

struct Tail<'a> {
    cluster: &'a Cluster,
    /// For lists: bounded by --request-timeout.
    api: Api<Event>,
    /// For watches: no read timeout (see `cluster::connect_for_watches`).
    watch_api: Api<Event>,
    namespace: Option<String>,
    args: &'a EventsOptions,
    /// The `timeoutSeconds` each watch asks for.
    watch_timeout: Duration,
    filter: Filter,
    /// The node groups, for hints that name them.
    context: HintContext,
    /// uid → the highest count printed (or skipped by the filter): each occurrence once.
    seen: HashMap<String, i32>,
    printed: u64,
    ui: Ui,
    /// Where absolute times are shown: the system's zone (`TZ`, /etc/localtime), else UTC.
    zone: jiff::tz::TimeZone,
}

impl Tail<'_> {
    async fn run(&mut self, out: &mut impl Write) -> Result<Finish> {
        let mut resource_version = self.backlog(out).await?;
        if !self.args.follow && self.printed == 0 {
            self.ui.say("No events found."); // as kubectl's get events, on stderr
        }
        if !self.args.follow || self.done() {
            return Ok(Finish::Done);
        }
        let mut failures = 0u32;
        let mut pauses = start_backoff();
        loop {
            match self.watch(out, &resource_version).await? {
                // The server's timeout, or a cut connection (kube tells them apart no
                // better than this): nothing was missed, so resume at once and silently.
                Watched::Ended { rv, ran } => {
                    resource_version = rv;
                    if ran {
                        failures = 0;
                        pauses = start_backoff();
                        // The groups move while following: the hints name them as they are
                        // now (read again at each resumed watch, every few minutes).
                        self.context =
                            hint_context(self.cluster, self.args.ca_namespace.as_deref(), &self.ui)
                                .await;
                    } else {
                        // It ended as soon as it began: pause a little, no hot loop.
                        tokio::time::sleep(FIRST_BACKOFF).await;
                    }
                    self.ui.detail(format!(
                        "events: the watch ended; resuming from resourceVersion {resource_version}"
                    ));
                }
                Watched::NotStarted(reason) => {
                    failures += 1;
                    let pause = pauses.next().unwrap_or(MAX_BACKOFF);
                    if failures == FAILURES_WORTH_A_NOTE {
                        self.ui.say(format!(
                            "events: cannot watch ({reason}); retrying every {} s at most, new events will follow",
                            MAX_BACKOFF.as_secs()
                        ));
                    } else {
                        self.ui.detail(format!(
                            "events: cannot watch ({reason}); retrying in {:.1} s",
                            pause.as_secs_f64()
                        ));
                    }
                    tokio::time::sleep(pause).await;
                }
                Watched::Gone => {
                    self.ui
                        .detail("events: the watch's history was compacted (410 Gone); relisting");
                    resource_version = self.relist(out).await?;
                }
                Watched::Enough => return Ok(Finish::Done),
            }
            if self.done() {
                return Ok(Finish::Done);
            }
        }
    }

    fn done(&self) -> bool {
        self.args.max_events.is_some_and(|max| self.printed >= max)
    }

    /// Lists every CA event a page at a time, returning them and the list's resourceVersion.
    /// If the snapshot the pages come from is compacted before the last page (a burst of
    /// events with a short history: 410 "continue parameter is too old"), reads one full list
    /// of the current state instead, as client-go's pager does: nothing lost, and the caller's
    /// `seen` keeps anything from being repeated.
    async fn list(&self) -> Result<(Vec<EventView>, String)> {
        let mut views = Vec::new();
        let selected = ListParams::default().fields(crate::inputs::live::CA_EVENTS);
        let version = cluster::list_pages(&self.api, &selected, |page| {
            match page {
                cluster::Page::Items(events) => {
                    views.extend(
                        events
                            .iter()
                            .map(|e| EventView::from_event_in(e, &self.context)),
                    );
                }
                cluster::Page::Restart => {
                    self.ui.detail(
                        "events: the list's snapshot was compacted between pages; reading it whole",
                    );
                    views.clear();
                }
            }
            std::ops::ControlFlow::Continue(())
        })
        .await
        .map_err(|e| {
            self.cluster
                .api_error(e, "list", "events", self.namespace.as_deref())
        })?;
        Ok((views, version))
    }

    /// Prints the backlog, oldest first.
    async fn backlog(&mut self, out: &mut impl Write) -> Result<String> {
        let rv = self.list_and_show(out, false).await?;
        out.flush()?;
        Ok(rv)
    }

    /// After a 410: list again and print only what was not printed.
    async fn relist(&mut self, out: &mut impl Write) -> Result<String> {
        let since = self.filter.since;
        self.filter.since = i64::MIN; // anything new since we started counts, however old its timestamp
        let rv = self.list_and_show(out, true).await?;
        self.filter.since = since;
        Ok(rv)
    }

    /// Lists the events and shows them oldest first, until done (`flush`: each as shown).
    async fn list_and_show(&mut self, out: &mut impl Write, flush: bool) -> Result<String> {
        let (mut views, rv) = self.list().await?;
        views.sort_by(|a, b| a.seconds.cmp(&b.seconds).then_with(|| a.time.cmp(&b.time)));
        for view in views {
            self.show(out, &view, flush)?;
            if self.done() {
                break;
            }
        }
        Ok(rv)
    }

    /// Prints one occurrence unless it was seen (or filtered) before. It counts as seen only
    /// once written (and flushed, with `flush`): a failed write is returned, and ends the run.
    fn show(&mut self, out: &mut impl Write, view: &EventView, flush: bool) -> Result<()> {
        let (uid, count) = view.occurrence();
        if self.seen.get(&uid).is_some_and(|seen| *seen >= count) {
            return Ok(());
        }
        if self.filter.matches(view) {
            match self.args.output {
                ListOutput::Json => {
                    serde_json::to_writer(&mut *out, view).map_err(std::io::Error::other)?;
                    writeln!(out)?;
                }
                // A stream: one document per event, each opened by `---`.
                ListOutput::Yaml => {
                    writeln!(out, "---")?;
                    crate::output::write_data(out, crate::output::OutputFormat::Yaml, view)?;
                }
                ListOutput::Name => writeln!(out, "event/{}", view.name)?,
                ListOutput::Text => {
                    let now = k8s_openapi::jiff::Timestamp::now().as_second();
                    let line = view::render_text(
                        view,
                        self.args.timestamps,
                        now,
                        &self.zone,
                        self.ui.stdout_colors,
                    );
                    writeln!(out, "{line}")?;
                }
            }
            if flush {
                out.flush()?;
            }
            self.printed += 1;
        }
        self.seen.insert(uid, count);
        Ok(())
    }

    /// One watch from `rv`, until it ends or enough events were printed. Errors are the ones
    /// that end the command: access denied, a failed write.
    async fn watch(&mut self, out: &mut impl Write, rv: &str) -> Result<Watched> {
        let params = WatchParams::default()
            .fields(crate::inputs::live::CA_EVENTS)
            .timeout(u32::try_from(self.watch_timeout.as_secs()).unwrap_or(290)); // bookmarks: kube asks by default
        let idle_limit = self.watch_timeout + IDLE_MARGIN;
        let stream = match self.watch_api.watch(&params, rv).await {
            Ok(stream) => stream,
            Err(kube::Error::Api(s)) if s.code == 410 => return Ok(Watched::Gone),
            // Denied, or refused as asked (4xx but 429): retrying cannot help.
            Err(e @ kube::Error::Api(_)) if is_permanent(&e) => {
                return Err(self.cluster.api_error(
                    e,
                    "watch",
                    "events",
                    self.namespace.as_deref(),
                ));
            }
            Err(e) => return Ok(Watched::NotStarted(cluster::chain(&e))),
        };
        let started = std::time::Instant::now();
        let mut last = rv.to_owned();
        let mut delivered = false;
        let mut stream = std::pin::pin!(stream);
        loop {
            let Ok(item) = tokio::time::timeout(idle_limit, stream.next()).await else {
                break; // silent past its own timeout: a dead connection
            };
            match item {
                None => break,
                Some(Ok(WatchEvent::Added(event) | WatchEvent::Modified(event))) => {
                    delivered = true;
                    let view = EventView::from_event_in(&event, &self.context);
                    self.show(out, &view, true)?;
                    if let Some(v) = &event.metadata.resource_version {
                        last = v.clone();
                    }
                    if self.done() {
                        return Ok(Watched::Enough);
                    }
                }
                Some(Ok(WatchEvent::Deleted(event))) => {
                    if let Some(v) = &event.metadata.resource_version {
                        last = v.clone();
                    }
                }
                Some(Ok(WatchEvent::Bookmark(bookmark))) => {
                    last = bookmark.metadata.resource_version;
                }
                Some(Ok(WatchEvent::Error(status))) if status.code == 410 => {
                    return Ok(Watched::Gone);
                }
                // Any other error ends this watch; the next resumes from `last`.
                Some(Ok(WatchEvent::Error(_)) | Err(_)) => break,
            }
        }
        Ok(Watched::Ended {
            rv: last,
            ran: delivered || started.elapsed() >= Duration::from_secs(1),
        })
    }
}

/// For `--for` an owner and for `--pending`: lists the pods (in `namespace`, else all) once,
/// and sets the filter's pods: an owner's by each pod's controller chain, the pending ones by
/// their phase and node.
async fn pod_scope(
    cluster: &Cluster,
    namespace: Option<&str>,
    args: &EventsOptions,
    filter: &mut Filter,
) -> Result<()> {
    let owner = filter.object.as_ref().and_then(|(kind, name)| {
        OWNER_KINDS
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind))
            .map(|k| (*k, name.clone()))
    });
    if owner.is_none() && !args.pending {
        return Ok(());
    }
    let api: Api<Pod> = match namespace {
        Some(ns) => Api::namespaced(cluster.client.clone(), ns),
        None => Api::all(cluster.client.clone()),
    };
    let listed_at = k8s_openapi::jiff::Timestamp::now().as_second();
    let mut pods = Vec::new();
    cluster
        .list_each(&api, "", "pods", namespace, |p: &Pod| pods.push(p.clone()))
        .await?;
    let key = |p: &Pod| {
        (
            p.metadata.namespace.clone().unwrap_or_default(),
            p.metadata.name.clone().unwrap_or_default(),
        )
    };
    if args.pending {
        let pending = pods
            .iter()
            .filter(|p| {
                let status = p.status.as_ref();
                status.and_then(|s| s.phase.as_deref()) == Some("Pending")
                    && p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none()
            })
            .map(key)
            .collect();
        filter.pending = Some(PendingPods {
            pods: pending,
            listed: pods.iter().map(key).collect(),
            listed_at,
        });
    }
    if let Some((kind, name)) = owner {
        let mut owners = crate::inputs::owners::OwnerCache::default();
        let mut of_owner = HashSet::new();
        for pod in &pods {
            let chain = owners.chain(cluster, pod).await;
            if chain.iter().any(|o| o.kind == kind && o.name == name) {
                of_owner.insert(key(pod));
            }
        }
        filter.owner = Some(OwnerPods {
            kind: kind.to_owned(),
            name,
            namespace: namespace.map(str::to_owned),
            pods: of_owner,
            listed: pods.iter().map(key).collect(),
        });
    }
    Ok(())
}

/// The node groups as CA's status ConfigMap (targets, max) and the provider ConfigMaps (each
/// template's resources) describe them, for hints that name groups; best effort: what cannot
/// be read is left out (`-v` says why), and the hints stay generic. Both are read where CA's
/// Deployment says, else in `ca_namespace` (which overrides the Deployment, as `why`'s).
async fn hint_context(cluster: &Cluster, ca_namespace: Option<&str>, ui: &Ui) -> HintContext {
    let deployment = match crate::inputs::live::kwok_ca_deployment(cluster).await {
        Ok(found) => found,
        Err(e) => {
            ui.detail(format!("events: cannot look for CA's Deployment: {e}"));
            None
        }
    };
    let mut groups: Vec<GroupFacts> = Vec::new();
    let ca = deployment.and_then(crate::provider::deployment::ca_deployment);
    let written = crate::provider::deployment::status_config_map(ca.as_ref());
    let status_namespace = ca_namespace.map_or(written.namespace, str::to_owned);
    let maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), &status_namespace);
    match crate::cluster::read_with_retries(|| maps.get_opt(&written.name)).await {
        Ok(found) => {
            let status = found
                .as_ref()
                .and_then(|cm| cm.data.as_ref()?.get("status"))
                .and_then(|text| crate::provider::status::parse(text));
            for g in status.iter().flat_map(|s| &s.groups) {
                groups.push(GroupFacts {
                    name: g.name.clone(),
                    size: Some(g.target),
                    max: Some(g.max),
                    resources: None,
                });
            }
        }
        Err(e) => ui.detail(format!("events: cannot read CA's status ConfigMap: {e}")),
    }
    let config_cluster = cluster.in_namespace(
        crate::inputs::namespace::ca_namespace(ca_namespace, ca.as_ref())
            .unwrap_or_else(|| cluster.namespace.clone()),
    );
    let config_map = ca.as_ref().map_or_else(
        || crate::provider::DEFAULT_CONFIG_MAP_NAME.to_owned(),
        |d| d.reads_config_map().to_owned(),
    );
    let version = ca
        .as_ref()
        .and_then(crate::provider::deployment::CaDeployment::version)
        .unwrap_or(crate::provider::CaVersion::LATEST);
    match crate::inputs::live::analyze_config_maps(&config_cluster, &config_map, version).await {
        Ok(analysis) => {
            for group in &analysis.verdict.node_groups {
                let resources = group
                    .template_node
                    .json_at(&["status", "allocatable"])
                    .as_object()
                    .map(|a| {
                        a.iter()
                            .filter(|(_, v)| v.as_str() != Some("0") && v.as_i64() != Some(0))
                            .map(|(k, _)| k.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                match groups.iter_mut().find(|g| g.name == group.name) {
                    Some(g) => g.resources = Some(resources),
                    None => groups.push(GroupFacts {
                        name: group.name.clone(),
                        size: None,
                        max: Some(group.max),
                        resources: Some(resources),
                    }),
                }
            }
        }
        Err(e) => ui.detail(format!(
            "events: cannot read the provider ConfigMaps: {}",
            e.message
        )),
    }
    HintContext { groups }
}

/// How a watch ended.
enum Watched {
    /// The stream ended (the server's timeout, or cut): resume from `rv`. `ran`: it delivered
    /// something or stayed open a while (not a watch that fails as it starts).
    Ended { rv: String, ran: bool },
    /// The watch could not be started (unreachable, 5xx, 429): retry after a pause.
    NotStarted(String),
    /// 410 Gone: the history is compacted; relist.
    Gone,
    /// --max-events reached.
    Enough,
}

/// The pauses between failed starts in a row: from 250 ms, doubling, jittered (each pause gains
/// up to itself again), never over MAX_BACKOFF; backon, which kube-runtime brings.
fn start_backoff() -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;
    backon::ExponentialBuilder::new()
        .with_min_delay(FIRST_BACKOFF)
        .with_factor(2.0)
        .with_max_delay(MAX_BACKOFF / 2)
        .without_max_times()
        .with_jitter()
        .build()
        .map(|pause| pause.min(MAX_BACKOFF))
}

fn is_permanent(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if (400..500).contains(&s.code) && s.code != 429)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_to_a_cap() {
        let pauses: Vec<Duration> = start_backoff().take(12).collect();
        assert!(
            (FIRST_BACKOFF..FIRST_BACKOFF * 2).contains(&pauses[0]),
            "{pauses:?}"
        );
        assert!(
            (FIRST_BACKOFF * 2..FIRST_BACKOFF * 4).contains(&pauses[1]),
            "{pauses:?}"
        );
        assert!(pauses.iter().all(|p| *p <= MAX_BACKOFF), "{pauses:?}");
        assert!(pauses[11] >= MAX_BACKOFF / 2, "{pauses:?}");
    }
}
