//! `events`: lists cluster-autoscaler's events and follows new ones, decoded, resuming after cut watches.
//!
//! The backlog is listed a page at a time and printed oldest first; following watches from
//! the list's resourceVersion, resumes from the last one seen when a watch ends, relists on
//! 410 Gone, and prints each occurrence once (an event's uid and count identify it: a raised
//! count is a new occurrence). Decoding, filters and rendering are pure (`view`).

pub mod view;

use crate::cli::{EventsArgs, GlobalArgs, ScaleOutput};
use crate::cluster::{self, Cluster};
use crate::error::{Error, Result, exit};
use crate::output::Ui;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, WatchEvent, WatchParams};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;
use view::{EventView, Filter};

/// CA's events carry this source component.
pub const SOURCE_SELECTOR: &str = "source=cluster-autoscaler";
/// How long the server keeps one watch open (kube's maximum is 295 s).
const WATCH_TIMEOUT: Duration = Duration::from_secs(290);
pub fn run(global: &GlobalArgs, args: &EventsArgs, out: &mut impl Write, ui: &Ui) -> Result<u8> {
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
    let filter = Filter {
        reasons: args.reason.clone(),
        event_type: args.event_type,
        object,
        nodegroup: args.nodegroup.clone(),
        since: now - i64::try_from(args.since.as_secs()).unwrap_or(i64::MAX / 2),
    };
    cluster::runtime()?.block_on(async {
        let cluster = cluster::connect(global).await?;
        let namespace = (global.namespace.is_some() && !args.all_namespaces)
            .then(|| cluster.namespace.name.clone());
        let api: Api<Event> = match &namespace {
            Some(ns) => Api::namespaced(cluster.client.clone(), ns),
            None => Api::all(cluster.client.clone()),
        };
        let mut tail = Tail {
            cluster: &cluster,
            api,
            namespace,
            args,
            filter,
            seen: HashMap::new(),
            printed: 0,
            ui: *ui,
            zone: jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC),
        };
        let work = tail.run(out);
        let outcome = match args.timeout {
            Some(limit) => tokio::select! {
                r = tokio::time::timeout(limit, work) => r.unwrap_or(Ok(Finish::Done)),
                _ = tokio::signal::ctrl_c() => Ok(Finish::Interrupted),
            },
            None => tokio::select! {
                r = work => r,
                _ = tokio::signal::ctrl_c() => Ok(Finish::Interrupted),
            },
        };
        out.flush()?;
        Ok(match outcome? {
            Finish::Done => exit::OK,
            Finish::Interrupted => crate::error::exit::INTERRUPTED,
        })
    })
}

enum Finish {
    Done,
    Interrupted,
}

struct Tail<'a> {
    cluster: &'a Cluster,
    api: Api<Event>,
    namespace: Option<String>,
    args: &'a EventsArgs,
    filter: Filter,
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
        if !self.args.follow || self.done() {
            return Ok(Finish::Done);
        }
        let mut backoff = Duration::from_millis(250);
        loop {
            let started = std::time::Instant::now();
            match self.watch(out, &resource_version).await {
                // The server ends a watch at its timeout; earlier means the stream was cut.
                Ok(Watched::Ended(rv))
                    if started.elapsed() < WATCH_TIMEOUT - Duration::from_secs(10) =>
                {
                    self.ui.say(format!(
                        "events: the watch was cut; resuming from resourceVersion {rv}"
                    ));
                    resource_version = rv;
                    if started.elapsed() < Duration::from_secs(1) {
                        tokio::time::sleep(Duration::from_millis(100)).await; // no hot loop
                    }
                }
                Ok(Watched::Ended(rv)) => {
                    resource_version = rv;
                    backoff = Duration::from_millis(250);
                }
                Ok(Watched::Gone) => {
                    self.ui
                        .say("events: the watch's history was compacted (410 Gone); relisting");
                    resource_version = self.relist(out).await?;
                }
                Ok(Watched::Enough) => return Ok(Finish::Done),
                Ok(Watched::Fatal(e)) => return Err(e),
                Err(Resume { rv, reason }) => {
                    resource_version = rv;
                    self.ui.say(format!(
                        "events: watch interrupted ({reason}); reconnecting in {:.1} s",
                        backoff.as_secs_f64()
                    ));
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            }
            if self.done() {
                return Ok(Finish::Done);
            }
        }
    }

    fn done(&self) -> bool {
        self.args.max_events.is_some_and(|max| self.printed >= max)
    }

    /// Lists every CA event (paginated), returning them and the list's resourceVersion.
    async fn list(&self) -> Result<(Vec<EventView>, String)> {
        let mut views = Vec::new();
        let rv = self
            .cluster
            .list_each(
                &self.api,
                SOURCE_SELECTOR,
                "events",
                self.namespace.as_deref(),
                |e| views.push(EventView::from_event(e)),
            )
            .await?;
        Ok((views, rv))
    }

    /// Prints the backlog, oldest first.
    async fn backlog(&mut self, out: &mut impl Write) -> Result<String> {
        let (mut views, rv) = self.list().await?;
        views.sort_by(|a, b| a.seconds.cmp(&b.seconds).then_with(|| a.time.cmp(&b.time)));
        for view in views {
            self.show(out, &view, false)?;
            if self.done() {
                break;
            }
        }
        out.flush()?;
        Ok(rv)
    }

    /// After a 410: list again and print only what was not printed.
    async fn relist(&mut self, out: &mut impl Write) -> Result<String> {
        let since = self.filter.since;
        self.filter.since = i64::MIN; // anything new since we started counts, however old its timestamp
        let (mut views, rv) = self.list().await?;
        views.sort_by_key(|v| v.seconds);
        for view in views {
            self.show(out, &view, true)?;
            if self.done() {
                break;
            }
        }
        self.filter.since = since;
        Ok(rv)
    }

    /// Prints one occurrence unless it was seen (or filtered) before.
    fn show(&mut self, out: &mut impl Write, view: &EventView, flush: bool) -> Result<()> {
        let (uid, count) = view.occurrence();
        if self.seen.get(&uid).is_some_and(|seen| *seen >= count) {
            return Ok(());
        }
        self.seen.insert(uid, count);
        if !self.filter.matches(view) {
            return Ok(());
        }
        match self.args.output {
            ScaleOutput::Json => {
                serde_json::to_writer(&mut *out, view).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
            ScaleOutput::Text => {
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
        self.printed += 1;
        if flush {
            out.flush()?;
        }
        Ok(())
    }

    /// One watch from `rv`, until it ends, is cut, or enough events were printed.
    async fn watch(&mut self, out: &mut impl Write, rv: &str) -> Result<Watched, Resume> {
        let params = WatchParams::default()
            .fields(SOURCE_SELECTOR)
            .timeout(WATCH_TIMEOUT.as_secs() as u32);
        let mut last = rv.to_owned();
        let resume = |rv: &str, reason: String| Resume {
            rv: rv.to_owned(),
            reason,
        };
        let stream = match self.api.watch(&params, rv).await {
            Ok(stream) => stream,
            Err(kube::Error::Api(s)) if s.code == 410 => return Ok(Watched::Gone),
            Err(e @ kube::Error::Api(_)) if is_denied(&e) => {
                return Ok(Watched::Fatal(self.cluster.api_error(
                    e,
                    "watch",
                    "events",
                    self.namespace.as_deref(),
                )));
            }
            Err(e) => return Err(resume(rv, cluster::chain(&e))),
        };
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            match item {
                Ok(WatchEvent::Added(event) | WatchEvent::Modified(event)) => {
                    if let Some(v) = &event.metadata.resource_version {
                        last = v.clone();
                    }
                    let view = EventView::from_event(&event);
                    self.show(out, &view, true)
                        .map_err(|e| resume(&last, e.message))?;
                    if self.done() {
                        return Ok(Watched::Enough);
                    }
                }
                Ok(WatchEvent::Deleted(event)) => {
                    if let Some(v) = &event.metadata.resource_version {
                        last = v.clone();
                    }
                }
                Ok(WatchEvent::Bookmark(bookmark)) => last = bookmark.metadata.resource_version,
                Ok(WatchEvent::Error(status)) if status.code == 410 => return Ok(Watched::Gone),
                Ok(WatchEvent::Error(status)) => return Err(resume(&last, status.message)),
                Err(e) => return Err(resume(&last, cluster::chain(&e))),
            }
        }
        Ok(Watched::Ended(last))
    }
}

/// How a watch ended.
enum Watched {
    /// The server closed it (timeout): resume from this resourceVersion.
    Ended(String),
    /// 410 Gone: the history is compacted; relist.
    Gone,
    /// --max-events reached.
    Enough,
    /// Access denied: no point in retrying.
    Fatal(Error),
}

fn is_denied(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 401 || s.code == 403)
}

/// A watch that failed: resume from `rv` after a pause.
struct Resume {
    rv: String,
    reason: String,
}
