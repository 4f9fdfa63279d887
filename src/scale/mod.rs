//! `scale`: lists node groups, or brings them to a number of kwok nodes made exactly as CA makes them.
//!
//! The I/O lives here (reading the ConfigMaps, listing nodes and pods, the run, `--wait`);
//! what to do is decided by `plan` and shown by `render`, both pure.

pub mod apply;
pub mod lease;
pub mod options;
pub mod plan;
pub mod render;

use crate::cluster::{self, Cluster, ConnectOptions};
use crate::error::{Error, Result, exit};
use crate::inputs::GivenFiles;
use crate::lint::{self, analysis::Analysis};
use crate::output::Ui;
use crate::output::{ListOutput, OutputFormat};
use crate::provider::CaVersion;
use apply::{Outcome, Runner};
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::Api;
use lease::Taken;
use options::{DryRun, ScaleOptions};
use plan::{Change, GroupPlan, GroupState, MemberNode};
use render::{FailedNode, GroupResult, GroupRow, Summary};
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// What the command line asks for: a listing, or a change to some groups.
fn requested_change(args: &ScaleOptions) -> Result<Option<Change>> {
    let change = match (args.replicas, args.add, args.remove) {
        (Some(n), _, _) => Some(Change::Replicas(n)),
        (_, Some(k), _) => Some(Change::Add(k)),
        (_, _, Some(k)) => Some(Change::Remove(k)),
        _ => None,
    };
    let named = args.all || !args.groups.is_empty();
    match (change, named) {
        (Some(_), false) => Err(Error::usage("which node groups? Name them, or pass --all")
            .with_hint("kubectl kwokprovider scale GROUP --replicas N (run `scale` alone to list the groups)")),
        (None, true) => Err(Error::usage("how many nodes? Pass --replicas N, --add K or --remove K")
            .with_hint("e.g. kubectl kwokprovider scale GROUP --replicas 10")),
        _ => Ok(change),
    }
}

pub fn run(
    connection: &ConnectOptions,
    args: &ScaleOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let change = requested_change(args)?;
    let mut config_map = args.provider.config_map_name()?;
    // Files are read before any connection: a bad file is exit 2 even with no cluster.
    let file_inputs = match GivenFiles::read(&args.files, args.templates.as_deref())? {
        None => None,
        Some(given) => {
            let (name, from_deployment) = args.provider.config_map_name_for_files(&given.files)?;
            config_map = name;
            if let Some(note) = from_deployment {
                ui.say(note);
            }
            Some(given.classify(&config_map, args.provider.ca_version(), ui)?)
        }
    };
    cluster::runtime()?.block_on(async {
        let cluster = crate::inputs::connect(connection).await?;
        let analysis = match file_inputs {
            Some(inputs) => lint::analyze(&inputs, args.provider.ca_version()),
            None => {
                ui.say(format!(
                    "reading ConfigMap `{config_map}` in namespace `{}` ({}), context `{}` at {}",
                    cluster.namespace.name,
                    cluster.namespace.reason,
                    cluster.context,
                    cluster.server
                ));
                crate::inputs::live::analyze_config_maps(
                    &cluster,
                    &config_map,
                    args.provider.ca_version(),
                )
                .await?
            }
        };
        if !analysis.verdict.starts {
            crate::lint::report::render_text_to_stderr(&analysis, ui)?;
            return Err(Error::new(
                crate::error::ErrorKind::Findings,
                "CA would not start with this configuration, so it has no node groups to scale",
            )
            .with_hint("fix the errors above (kubectl kwokprovider validate shows them too)"));
        }
        match change {
            None => {
                let members = list_members(&cluster).await?;
                let groups = group_states(&analysis, &members);
                list(out, args, &analysis, &groups)
            }
            Some(change) => {
                let scale = Scale {
                    cluster: &cluster,
                    args,
                    analysis: &analysis,
                    ui: *ui,
                };
                scale.change(out, change).await
            }
        }
    })
}

/// Every node in the cluster, as `MemberNode`s, read a page at a time.
async fn list_members(cluster: &Cluster) -> Result<Vec<MemberNode>> {
    let api: Api<Node> = Api::all(cluster.client.clone());
    let mut members = Vec::new();
    cluster
        .list_each(&api, "", "nodes", None, |n| {
            members.push(MemberNode::from_node(n))
        })
        .await?;
    Ok(members)
}

/// CA's groups with the nodes its lister counts in each (the name annotation equals the group).
fn group_states(analysis: &Analysis, members: &[MemberNode]) -> Vec<GroupState> {
    let mut by_group: HashMap<&str, Vec<MemberNode>> = HashMap::new();
    for m in members {
        if let Some(g) = &m.group {
            by_group.entry(g.as_str()).or_default().push(m.clone());
        }
    }
    analysis
        .verdict
        .node_groups
        .iter()
        .map(|g| GroupState {
            name: g.name.clone(),
            min: g.min,
            max: g.max,
            members: by_group.remove(g.name.as_str()).unwrap_or_default(),
        })
        .collect()
}

fn list(
    out: &mut impl Write,
    args: &ScaleOptions,
    analysis: &Analysis,
    groups: &[GroupState],
) -> Result<u8> {
    let rows: Vec<GroupRow> = groups
        .iter()
        .zip(&analysis.verdict.node_groups)
        .map(|(state, summary)| GroupRow {
            name: state.name.clone(),
            template: summary.template.clone(),
            min: state.min,
            max: state.max,
            current: state.members.len(),
            ready: state.members.iter().filter(|m| m.ready).count(),
        })
        .collect();
    let listing = render::Listing { node_groups: rows };
    match args.output {
        ListOutput::Text => render::render_listing(out, &listing.node_groups, !args.no_headers)?,
        ListOutput::Json => crate::output::write_data(out, OutputFormat::Json, &listing)?,
        ListOutput::Yaml => crate::output::write_data(out, OutputFormat::Yaml, &listing)?,
        ListOutput::Name => {
            let mut nodes: Vec<&str> = groups
                .iter()
                .flat_map(|g| g.members.iter().map(|m| m.name.as_str()))
                .collect();
            nodes.sort_unstable();
            render::render_names(out, "node", nodes)?;
        }
    }
    Ok(exit::OK)
}

/// One change run: the cluster, the flags and CA's view of the groups.
struct Scale<'a> {
    cluster: &'a Cluster,
    args: &'a ScaleOptions,
    analysis: &'a Analysis,
    ui: Ui,
}

impl Scale<'_> {
    /// Selects the groups, takes their Leases (a real run), plans, applies, re-lists, and
    /// reports what the groups hold in the end.
    async fn change(&self, out: &mut impl Write, change: Change) -> Result<u8> {
        let args = self.args;
        let names = self.select()?;
        let locks = if args.dry_run.any() {
            None
        } else {
            match lease::acquire(self.cluster, &names, args.lock_timeout, self.ui).await? {
                Taken::Locks(locks) => Some(locks),
                Taken::Unguarded => None,
                Taken::Interrupted => {
                    self.ui
                        .say("interrupted while waiting for another run: nothing was changed");
                    return Ok(exit::INTERRUPTED);
                }
            }
        };
        // The group is listed once its Lease is held: what another run did is seen.
        let mut applied = self.plan_and_apply(change, &names).await;
        if let Some(locks) = locks {
            if locks.lost.load(Ordering::Relaxed)
                && let Ok(applied) = applied.as_mut()
            {
                for result in &mut applied.results {
                    result.notes.push("this run's Lease was taken over by another run before it finished (it renewed too late)".to_owned());
                }
            }
            locks.release().await;
        }
        let Applied {
            mut results,
            interrupted,
            denied,
            retries,
            recovered,
            started,
        } = applied?;
        if let (Some(timeout), false, false) = (
            args.wait_timeout,
            args.dry_run.any(),
            interrupted || denied.is_some(),
        ) {
            self.wait_ready(&mut results, timeout).await?;
        }
        let summary = Summary {
            node_groups: results,
            retries,
            recovered,
            dry_run: args.dry_run.any(),
            dry_run_strategy: args.dry_run.any().then_some(args.dry_run),
            elapsed_seconds: started.elapsed().as_secs_f64(),
            interrupted,
        };
        match args.output {
            ListOutput::Text => render::render_summary(out, &summary)?,
            ListOutput::Json => crate::output::write_data(out, OutputFormat::Json, &summary)?,
            ListOutput::Yaml => crate::output::write_data(out, OutputFormat::Yaml, &summary)?,
            // As `kubectl create -o name` and `kubectl delete -o name`: the nodes made and removed.
            ListOutput::Name => render::render_names(
                out,
                "node",
                summary
                    .node_groups
                    .iter()
                    .flat_map(|g| g.created.iter().chain(&g.deleted).map(String::as_str)),
            )?,
        }
        if let Some((verb, error)) = denied {
            out.flush()?;
            return Err(Error::cluster(format!(
                "access denied: cannot {verb} nodes (context `{}`): {error}",
                self.cluster.context
            ))
            .with_hint(format!(
                "check with: kubectl auth can-i {verb} nodes --context {}",
                self.cluster.context
            )));
        }
        if interrupted {
            return Ok(exit::INTERRUPTED);
        }
        let complete = summary.node_groups.iter().all(|g| {
            g.failed.is_empty()
                && g.refused.is_none()
                && g.off_target.is_none()
                && g.ready.is_none_or(|r| r == g.after)
        });
        Ok(if complete { exit::OK } else { exit::FINDINGS })
    }

    /// Lists the groups, plans and applies (or shows, with --dry-run) each, then re-lists.
    async fn plan_and_apply(&self, change: Change, names: &[String]) -> Result<Applied> {
        let args = self.args;
        let members = list_members(self.cluster).await?;
        let mut by_name: HashMap<String, GroupState> = group_states(self.analysis, &members)
            .into_iter()
            .map(|g| (g.name.clone(), g))
            .collect();
        let selected: Vec<GroupState> = names.iter().filter_map(|n| by_name.remove(n)).collect();
        let pods = if selected
            .iter()
            .any(|g| plan::plan(g, change, true, |_| 0).target < g.members.len())
        {
            self.pods_per_node().await?
        } else {
            HashMap::new()
        };
        let plans: Vec<GroupPlan> = selected
            .iter()
            .map(|g| {
                plan::plan(g, change, args.ignore_limits, |n| {
                    pods.get(n).copied().unwrap_or(0)
                })
            })
            .collect();
        if !args.dry_run.any() {
            self.preflight().await;
        }
        let started = Instant::now();
        let runner = Runner::new(
            self.cluster.client.clone(),
            args.qps,
            args.burst,
            args.concurrency,
            args.dry_run == DryRun::Server,
        );
        let mut results = Vec::with_capacity(plans.len());
        let mut interrupted = false;
        let mut denied = None;
        for plan in &plans {
            if interrupted || denied.is_some() {
                results.push(untouched(plan));
                continue;
            }
            // A server dry run sends every request as a real run does, with `dryRun=All`.
            let (result, stop) = if args.dry_run == DryRun::Client {
                (self.dry_run(plan, &runner).await, None)
            } else {
                self.apply(plan, &runner).await
            };
            results.push(result);
            match stop {
                Some(Stop::Interrupted) => interrupted = true,
                Some(Stop::Denied(e)) => denied = Some(e),
                None => {}
            }
        }
        if !args.dry_run.any() {
            self.settle(&mut results, interrupted || denied.is_some())
                .await;
        }
        Ok(Applied {
            results,
            interrupted,
            denied,
            retries: runner.retries.load(Ordering::Relaxed),
            recovered: runner.recovered.load(Ordering::Relaxed),
            started,
        })
    }

    /// Re-lists the nodes and makes each result say what the group holds now: `after` is
    /// the count, a create that failed on a lost response but exists is created, and a group
    /// not at its target says so (another writer, CA, or a failed node).
    async fn settle(&self, results: &mut [GroupResult], stopped: bool) {
        let members = match list_members(self.cluster).await {
            Ok(members) => members,
            Err(e) => {
                self.ui.say(format!(
                    "warning: could not list the nodes again to check the counts: {}",
                    e.message
                ));
                return;
            }
        };
        for result in results.iter_mut() {
            let now: Vec<&MemberNode> = members
                .iter()
                .filter(|m| m.group.as_deref() == Some(result.name.as_str()))
                .collect();
            let settled = plan::settle(
                &result.name,
                &now,
                &result.created,
                &result
                    .failed
                    .iter()
                    .map(|f| f.name.clone())
                    .collect::<Vec<_>>(),
            );
            result
                .failed
                .retain(|f| !settled.made_after_all.contains(&f.name));
            result.created.extend(settled.made_after_all);
            result.created.sort();
            result.after = settled.after;
            if !settled.vanished.is_empty() {
                result.notes.push(format!(
                    "{} node(s) this run created are gone again (deleted by another writer): {}",
                    settled.vanished.len(),
                    settled.vanished.join(", ")
                ));
            }
            // A stopped run (Ctrl-C, a denial) says so itself; it was not meant to reach the target.
            if result.after != result.target && result.refused.is_none() && !stopped {
                result.off_target = Some(format!(
                    "the group holds {} nodes, not its target {}{}",
                    result.after,
                    result.target,
                    if result.failed.is_empty() {
                        ": another writer (a second run, CA, a user) changed it meanwhile"
                    } else {
                        ""
                    }
                ));
            }
        }
    }

    /// The groups named on the command line (or all); an unknown name is an error, before any change.
    fn select(&self) -> Result<Vec<String>> {
        let known: Vec<&str> = self
            .analysis
            .verdict
            .node_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        if self.args.all {
            return Ok(known.iter().map(|n| (*n).to_owned()).collect());
        }
        let unknown: Vec<&String> = self
            .args
            .groups
            .iter()
            .filter(|n| !known.contains(&n.as_str()))
            .collect();
        if let Some(name) = unknown.first() {
            let hint = match lint::did_you_mean(name, &known) {
                Some(s) => format!(
                    "did you mean `{s}`? Known node groups: {}",
                    known.join(", ")
                ),
                None if known.is_empty() => "the configuration defines no node groups".to_owned(),
                None => format!("known node groups: {}", known.join(", ")),
            };
            return Err(Error::new(
                crate::error::ErrorKind::Findings,
                format!("no node group `{name}` in CA's configuration"),
            )
            .with_hint(hint));
        }
        let mut seen = HashSet::new();
        Ok(self
            .args
            .groups
            .iter()
            .filter(|n| seen.insert(n.as_str()))
            .cloned()
            .collect())
    }

    /// Pods bound to each node (nodes without pods are deleted first).
    async fn pods_per_node(&self) -> Result<HashMap<String, usize>> {
        let api: Api<Pod> = Api::all(self.cluster.client.clone());
        let mut counts = HashMap::new();
        self.cluster
            // Finished pods (Succeeded, Failed) hold nothing on a node.
            .list_each(
                &api,
                "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed",
                "pods",
                None,
                |pod| {
                    if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
                        *counts.entry(node).or_insert(0) += 1;
                    }
                },
            )
            .await?;
        Ok(counts)
    }

    /// Best-effort checks before changing anything: a running CA, a missing kwok controller.
    async fn preflight(&self) {
        // The same (paged, once per command) list the namespace rule made in `connect`.
        if let Ok(Some(ca)) = crate::inputs::live::kwok_ca_deployment(self.cluster).await {
            self.ui.say(format!(
                "note: cluster-autoscaler runs here ({}/{}): from CA 1.30 it counts these nodes into its groups and may scale them down when unneeded; it deletes them all when it stops gracefully",
                ca.metadata.namespace.as_deref().unwrap_or_default(),
                ca.metadata.name.as_deref().unwrap_or_default()
            ));
        }
        // The same traces `validate` looks for: a Deployment, a Ready kwok node (kwok run
        // as a process, as kwokctl does), the Stage CRD or a Stage.
        let evidence = crate::inputs::live::kwok_controller_evidence(self.cluster, &self.ui).await;
        if evidence.present() == Some(false) {
            self.ui.say("warning: found no kwok controller (no kwok Deployment, no Ready kwok node, no Stage); without one the new nodes stay NotReady");
        }
    }

    fn prepared_template(&self, group: &str) -> Option<serde_json::Value> {
        self.analysis
            .prepared_template(self.analysis.node_group(group)?)
    }

    async fn dry_run(&self, plan: &GroupPlan, runner: &Runner) -> GroupResult {
        let mut result = untouched(plan);
        if plan.refusal.is_none() || !plan.delete.is_empty() {
            for _ in 0..plan.create {
                result
                    .created
                    .push(format!("{}-{}", plan.name, runner.suffix()));
            }
            result.deleted = plan.delete.iter().map(|m| m.name.clone()).collect();
            result.with_pods = plan.busy.clone();
            result.after = plan.before + result.created.len() - result.deleted.len();
        }
        result
    }

    async fn apply(&self, plan: &GroupPlan, runner: &Arc<Runner>) -> (GroupResult, Option<Stop>) {
        let mut result = untouched(plan);
        let work = plan.create + plan.delete.len();
        if work == 0 {
            return (result, None);
        }
        let Some(prepared) = self.prepared_template(&plan.name) else {
            result.refused = Some(
                "the group's template has no metadata.annotations (CA itself would panic)"
                    .to_owned(),
            );
            return (result, None);
        };
        let prepared = Arc::new(prepared);
        if !plan.busy.is_empty() {
            self.ui.say(format!(
                "warning: {}: no empty nodes are left to delete; {} {}",
                plan.name,
                if self.args.dry_run.any() {
                    "would delete"
                } else {
                    "deleting"
                },
                render::busy_list(&plan.busy)
            ));
        }
        let started = Instant::now();
        runner.done.store(0, Ordering::Relaxed);
        let progress = Progress::start(&plan.name, work, Arc::clone(runner), self.ui);
        let version: CaVersion = self.args.provider.ca_version();
        let set_hostname = self.args.set_hostname;
        let outcomes = {
            let creates = (0..plan.create).map(|_| {
                let (runner, prepared, group) =
                    (Arc::clone(runner), Arc::clone(&prepared), plan.name.clone());
                Job::Create(runner, prepared, group)
            });
            let deletes = plan
                .delete
                .iter()
                .map(|m| Job::Delete(Arc::clone(runner), m.name.clone(), m.uid.clone()));
            let jobs: Vec<_> = creates
                .chain(deletes)
                .map(|job| move || job.run(version, set_hostname))
                .collect();
            let interrupt = Arc::clone(runner);
            let ui = self.ui;
            let watch_ctrl_c = async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    interrupt.stop.store(true, Ordering::Relaxed);
                    ui.say("\ninterrupted: finishing the requests in flight, starting no new ones");
                }
                std::future::pending::<()>().await;
            };
            tokio::select! {
                outcomes = runner.run_all(jobs) => outcomes,
                () = watch_ctrl_c => unreachable!("the Ctrl-C watcher never returns"),
            }
        };
        progress.finish();
        let mut stop = None;
        let deleting: HashSet<&str> = plan.delete.iter().map(|m| m.name.as_str()).collect();
        let is_create = |name: &str| !deleting.contains(name);
        for outcome in outcomes {
            match outcome {
                Outcome::Done(name) if is_create(&name) => result.created.push(name),
                Outcome::Done(name) => result.deleted.push(name),
                Outcome::Gone(name) => result.gone.push(name),
                Outcome::Failed { name, error } => result.failed.push(FailedNode { name, error }),
                Outcome::Denied { name, error } => {
                    let verb = if is_create(&name) { "create" } else { "delete" };
                    stop.get_or_insert(Stop::Denied((verb, error.clone())));
                    result.failed.push(FailedNode { name, error });
                }
                Outcome::Skipped => {}
            }
        }
        if stop.is_none() && runner.stop.load(Ordering::Relaxed) {
            stop = Some(Stop::Interrupted);
        }
        result.created.sort();
        result.deleted.sort();
        result.gone.sort();
        let deleted: HashSet<&str> = result.deleted.iter().map(String::as_str).collect();
        result.with_pods = plan.busy.clone();
        result
            .with_pods
            .retain(|b| deleted.contains(b.name.as_str()));
        result.after =
            plan.before + result.created.len() - result.deleted.len() - result.gone.len();
        result.seconds = started.elapsed().as_secs_f64();
        (result, stop)
    }

    /// Waits (watching, not polling) until the changed groups' nodes are Ready, or `timeout`.
    async fn wait_ready(&self, results: &mut [GroupResult], timeout: Duration) -> Result<()> {
        use futures::StreamExt;
        use kube::runtime::watcher;
        let groups: HashSet<String> = results.iter().map(|r| r.name.clone()).collect();
        let api: Api<Node> = Api::all(self.cluster.client.clone());
        let mut ready: HashMap<String, (String, bool)> = HashMap::new();
        let all_ready = |ready: &HashMap<String, (String, bool)>, results: &[GroupResult]| {
            results
                .iter()
                .all(|r| ready.values().filter(|(g, ok)| *g == r.name && *ok).count() >= r.after)
        };
        let mut stream = watcher(api, watcher::Config::default()).boxed();
        let mut listed = false;
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        self.ui.say(format!(
            "waiting up to {} for the nodes to be Ready",
            humanize(timeout)
        ));
        loop {
            tokio::select! {
                () = &mut deadline => break,
                event = stream.next() => match event {
                    Some(Ok(watcher::Event::Apply(node) | watcher::Event::InitApply(node))) => {
                        let m = MemberNode::from_node(&node);
                        if let Some(g) = m.group.filter(|g| groups.contains(g)) {
                            ready.insert(m.name, (g, m.ready));
                        }
                    }
                    Some(Ok(watcher::Event::Delete(node))) => {
                        ready.remove(node.metadata.name.as_deref().unwrap_or_default());
                    }
                    Some(Ok(watcher::Event::InitDone)) => listed = true,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(Error::cluster(format!("watching nodes failed: {}", cluster::chain(&e)))),
                    None => break,
                }
            }
            // Judged once the initial list is in (a group scaled to 0 is ready at once).
            if listed && all_ready(&ready, results) {
                break;
            }
        }
        for r in results.iter_mut() {
            r.ready = Some(ready.values().filter(|(g, ok)| *g == r.name && *ok).count());
        }
        Ok(())
    }
}

fn humanize(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Why a run stopped early.
enum Stop {
    Interrupted,
    Denied((&'static str, String)),
}

/// One create or delete, ready to run.
enum Job {
    Create(Arc<Runner>, Arc<serde_json::Value>, String),
    Delete(Arc<Runner>, String, String),
}

impl Job {
    async fn run(self, version: CaVersion, set_hostname: bool) -> Outcome {
        match self {
            Job::Create(runner, prepared, group) => {
                runner
                    .create(&prepared, &group, version, set_hostname)
                    .await
            }
            Job::Delete(runner, name, uid) => runner.delete(&name, &uid).await,
        }
    }
}

/// A group's result before anything is done to it.
fn untouched(plan: &GroupPlan) -> GroupResult {
    GroupResult {
        name: plan.name.clone(),
        before: plan.before,
        target: plan.target,
        after: plan.before,
        created: Vec::new(),
        deleted: Vec::new(),
        gone: Vec::new(),
        with_pods: Vec::new(),
        failed: Vec::new(),
        refused: plan.refusal.clone(),
        off_target: None,
        notes: plan.notes.clone(),
        ready: None,
        seconds: 0.0,
    }
}

/// What applying the plans did, before `--wait` and rendering.
struct Applied {
    results: Vec<GroupResult>,
    interrupted: bool,
    denied: Option<(&'static str, String)>,
    retries: u64,
    recovered: u64,
    started: Instant,
}

/// Progress on stderr: a bar on a terminal, a line every two seconds otherwise; never stdout.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    fn start(group: &str, total: usize, runner: Arc<Runner>, ui: Ui) -> Progress {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} nodes  {per_sec}  ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(group.to_owned());
            let ticking = bar.clone();
            let ticker = tokio::spawn(async move {
                loop {
                    ticking.set_position(runner.done.load(Ordering::Relaxed) as u64);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            });
            return Progress {
                bar: Some(bar),
                ticker: Some(ticker),
            };
        }
        let group = group.to_owned();
        let started = Instant::now();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(2)).await;
                let done = runner.done.load(Ordering::Relaxed);
                let rate = done as f64 / started.elapsed().as_secs_f64();
                ui.say(format!("{group}: {done}/{total} nodes, {rate:.0}/s"));
            }
        });
        Progress {
            bar: None,
            ticker: Some(ticker),
        }
    }

    fn finish(self) {
        if let Some(ticker) = self.ticker {
            ticker.abort();
        }
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
