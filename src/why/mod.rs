//! `why`: explains every pending pod, per owner and per node group, with numbers, from the live
//! cluster or from files; the I/O lives here, the answers in `model`, their shape in `render`.

pub mod model;
pub mod options;
pub mod render;

use crate::cluster::ConnectOptions;
use crate::cluster::{self, read_with_retries};
use crate::error::{Error, ErrorKind, Result, exit};
use crate::lint::{self, analysis::Analysis};
use crate::output::OutputFormat;
use crate::output::Ui;
use crate::provider::deployment::ca_deployment;
use crate::provider::event_view::EventView;
use crate::provider::nodes::kwok_node;
use crate::provider::pods::is_unscheduled;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::{ConfigMap, Event, Node, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams};
use model::{DaemonSetPod, GroupInput};
use options::WhyOptions;
use render::{CaSide, Owner, OwnerReport, Report};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// The key of CA's status ConfigMap that holds its status.
const STATUS_KEY: &str = "status";

/// A `KIND/NAME` the user asked about, the kind spelled as the API does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub name: String,
}

/// The owner kinds `why` resolves, with the spellings kubectl accepts.
const KINDS: &[(&str, &[&str])] = &[
    ("Pod", &["pod", "pods", "po"]),
    ("Deployment", &["deployment", "deployments", "deploy"]),
    ("ReplicaSet", &["replicaset", "replicasets", "rs"]),
    ("StatefulSet", &["statefulset", "statefulsets", "sts"]),
    ("Job", &["job", "jobs"]),
    ("CronJob", &["cronjob", "cronjobs", "cj"]),
];

/// Parses `KIND/NAME` (a usage error otherwise).
pub fn parse_target(text: &str) -> Result<Target> {
    let bad = || {
        Error::usage(format!(
            "`{text}`: expected KIND/NAME, e.g. pod/web-1 or deployment/web"
        ))
        .with_hint("kinds: pod, deployment, replicaset, statefulset, job, cronjob")
    };
    let (kind, name) = text.split_once('/').ok_or_else(bad)?;
    let kind = kind.split('.').next().unwrap_or(kind).to_lowercase();
    let kind = KINDS
        .iter()
        .find(|(_, spellings)| spellings.contains(&kind.as_str()))
        .map(|(k, _)| *k)
        .ok_or_else(bad)?;
    if name.is_empty() || name.contains('/') {
        return Err(bad());
    }
    Ok(Target {
        kind,
        name: name.to_owned(),
    })
}

/// A pending pod with the chain of its controllers, itself first (Pod, ReplicaSet, Deployment…).
#[derive(Debug, Clone)]
struct PendingOne {
    spec: PodSpec,
    chain: Vec<Owner>,
    created: Option<i64>,
}

impl PendingOne {
    fn owner(&self) -> &Owner {
        self.chain.last().expect("a chain holds the pod")
    }

    fn matches(&self, targets: &[Target]) -> bool {
        targets.is_empty()
            || targets.iter().any(|t| {
                self.chain
                    .iter()
                    .any(|o| o.kind == t.kind && o.name == t.name)
            })
    }
}

pub fn run(
    connection: &ConnectOptions,
    args: &WhyOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let targets = args
        .targets
        .iter()
        .map(|t| parse_target(t))
        .collect::<Result<Vec<_>>>()?;
    let report = if args.files.is_empty() {
        if args.templates.is_some() {
            return Err(Error::usage("--templates goes with -f (files)"));
        }
        live(connection, args, &targets, ui)?
    } else {
        offline(connection, args, &targets, ui)?
    };
    match args.output {
        OutputFormat::Text => render::render_text(out, &report, ui.stdout_colors)?,
        format => crate::output::write_data(out, format, &report)?,
    }
    if report.owners.is_empty() && !targets.is_empty() {
        ui.say(format!("no pending pods of {}", args.targets.join(", ")));
    }
    Ok(exit::OK)
}

/// The node groups CA builds, each as a new node of it would look; sizes from `kwok_nodes`.
fn group_inputs(analysis: &Analysis, kwok_nodes: &HashMap<String, i64>) -> Vec<GroupInput> {
    analysis
        .verdict
        .node_groups
        .iter()
        .filter_map(|group| {
            let prepared = analysis.prepared_template(group)?;
            let node: Node = serde_json::from_value(prepared).ok()?;
            Some(GroupInput {
                name: group.name.clone(),
                node,
                max: group.max,
                size: kwok_nodes.get(&group.name).copied().unwrap_or(0),
                target: None,
                backoff: None,
            })
        })
        .collect()
}

fn refuse_broken(analysis: &Analysis, ui: &Ui) -> Result<()> {
    if analysis.verdict.starts {
        return Ok(());
    }
    crate::lint::report::render_text_to_stderr(analysis, ui)?;
    Err(Error::new(
        ErrorKind::Findings,
        "CA would not start with this configuration: it has no node groups, and scales nothing",
    )
    .with_hint("fix the errors above (kubectl kwokprovider validate shows them too)"))
}

/// Groups the pending pods by owner and answers for each.
fn explain_all(
    pending: &[PendingOne],
    groups: &[GroupInput],
    daemonsets: &[DaemonSetPod],
    ca_side: impl Fn(&Owner, &[&PendingOne], &[model::GroupAnswer]) -> CaSide,
) -> Report {
    let mut by_owner: BTreeMap<&Owner, Vec<&PendingOne>> = BTreeMap::new();
    for p in pending {
        by_owner.entry(p.owner()).or_default().push(p);
    }
    let owners = by_owner
        .into_iter()
        .map(|(owner, pods)| {
            let specs: Vec<&PodSpec> = pods.iter().map(|p| &p.spec).collect();
            let answers = model::explain(&specs, groups, daemonsets);
            OwnerReport {
                owner: owner.clone(),
                pending: pods.len(),
                requests: model::shown_requests(&model::pod_requests(specs[0])),
                ca: ca_side(owner, &pods, &answers),
                groups: answers,
            }
        })
        .collect();
    Report { owners }
}

// ---------------------------------------------------------------------------------------------
// Live

fn live(
    connection: &ConnectOptions,
    args: &WhyOptions,
    targets: &[Target],
    ui: &Ui,
) -> Result<Report> {
    cluster::runtime()?.block_on(async {
        let cluster = crate::inputs::connect(connection).await?;
        let context_namespace = cluster::context_namespace(connection);
        let pods_namespace = (!args.all_namespaces).then(|| {
            connection
                .namespace
                .clone()
                .filter(|n| !n.trim().is_empty())
                .or_else(|| context_namespace.clone())
                .unwrap_or_else(|| "default".to_owned())
        });
        // Where CA reads its ConfigMaps: its Deployment says; else as the other verbs resolve it.
        let everything = ListParams::default();
        let deployments_seen: Option<&Deployment> = match crate::inputs::live::kwok_ca_deployment(&cluster).await {
            Ok(found) => found,
            Err(e) => {
                ui.detail(format!("cannot look for CA's Deployment: {e}"));
                None
            }
        };
        let ca = deployments_seen.and_then(ca_deployment);
        let config_namespace =
            crate::inputs::namespace::ca_namespace(args.ca_namespace.as_deref(), ca.as_ref())
                // Not -n: that is the pods' namespace.
                .unwrap_or_else(|| {
                    crate::inputs::namespace::resolve_namespace(
                        None,
                        connection.pod_namespace.as_deref(),
                        context_namespace.as_deref(),
                        &cluster.context,
                    )
                });
        // The Deployment's ConfigMap name when it decides the namespace, unless --config-map.
        let config_map = match &ca {
            Some(d) if args.ca_namespace.is_none() && args.provider.config_map.is_none() => {
                d.reads_config_map().to_owned()
            }
            _ => args.provider.config_map_name()?,
        };
        ui.say(format!(
            "reading ConfigMap `{config_map}` in namespace `{}` ({}); pending pods in {}, context `{}`",
            config_namespace.name,
            config_namespace.reason,
            pods_namespace
                .as_deref()
                .map_or_else(|| "all namespaces".to_owned(), |n| format!("namespace `{n}`")),
            cluster.context
        ));
        let ca_cluster = cluster.in_namespace(config_namespace);
        let version = args
            .provider
            .ca_version
            .or_else(|| ca.as_ref().and_then(crate::provider::deployment::CaDeployment::version))
            .unwrap_or(crate::provider::CaVersion::LATEST);
        let analysis =
            crate::inputs::live::analyze_config_maps(&ca_cluster, &config_map, version).await?;
        refuse_broken(&analysis, ui)?;
        let settings = analysis.verdict.settings.clone();

        // The kwok nodes per group, and those not Ready yet (a scale-up in flight).
        let mut kwok_nodes: HashMap<String, i64> = HashMap::new();
        let mut not_ready: HashMap<String, i64> = HashMap::new();
        let nodes: Api<Node> = Api::all(cluster.client.clone());
        cluster
            .list_each(&nodes, "", "nodes", None, |n| {
                if let Some(group) = kwok_node(n, settings.as_ref()).and_then(|g| g.group) {
                    *kwok_nodes.entry(group.clone()).or_default() += 1;
                    if !crate::provider::nodes::is_ready(n) {
                        *not_ready.entry(group).or_default() += 1;
                    }
                }
            })
            .await?;
        let mut groups = group_inputs(&analysis, &kwok_nodes);

        // CA's status: its targets and backoffs (best effort).
        let written = crate::provider::deployment::status_config_map(ca.as_ref());
        let status_namespace = args.ca_namespace.clone().unwrap_or(written.namespace);
        let status_name = written.name;
        let status_maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), &status_namespace);
        let status_map = match read_with_retries(|| status_maps.get_opt(&status_name)).await {
            Ok(found) => found,
            Err(e) => {
                ui.detail(format!("cannot read CA's status ConfigMap: {e}"));
                None
            }
        };
        let status = status_map
            .as_ref()
            .and_then(|cm| cm.data.as_ref()?.get(STATUS_KEY))
            .and_then(|text| crate::provider::status::parse(text));
        let stale = status_map.as_ref().zip(status.as_ref()).and_then(|(cm, status)| {
            let scan_interval = crate::provider::deployment::scan_interval(ca.as_ref());
            stale_for(cm, &status.time, scan_interval)
        });
        if let Some(status) = &status {
            for group in &mut groups {
                if let Some(ca_group) = status.groups.iter().find(|g| g.name == group.name) {
                    group.target = Some(ca_group.target);
                    group.backoff = ca_group
                        .backoff
                        .as_ref()
                        .map(|b| (b.error_code.clone(), b.error_message.clone()));
                }
            }
        }

        // DaemonSets (best effort: CA counts their pods on new nodes too).
        let daemonsets_api: Api<DaemonSet> = Api::all(cluster.client.clone());
        let daemonsets: Vec<DaemonSetPod> =
            match read_with_retries(|| daemonsets_api.list(&everything)).await {
                Ok(list) => list
                    .items
                    .into_iter()
                    .filter_map(|d| {
                        Some(DaemonSetPod {
                            name: format!(
                                "daemonset {}/{}",
                                d.metadata.namespace.clone().unwrap_or_default(),
                                d.metadata.name.clone().unwrap_or_default()
                            ),
                            spec: d.spec.template.spec?,
                        })
                    })
                    .collect(),
                Err(e) => {
                    ui.detail(format!("cannot list DaemonSets (their pods are not counted): {e}"));
                    Vec::new()
                }
            };

        // The pending pods, with their owners.
        let pods: Api<Pod> = match &pods_namespace {
            Some(ns) => Api::namespaced(cluster.client.clone(), ns),
            None => Api::all(cluster.client.clone()),
        };
        let mut params = ListParams::default().fields("status.phase=Pending");
        if let Some(selector) = &args.selector {
            params = params.labels(selector);
        }
        let mut found: Vec<Pod> = Vec::new();
        cluster
            .list_each_with(&pods, params, "pods", pods_namespace.as_deref(), |p| {
                if is_unscheduled(p) {
                    // Only what `why` reads: thousands of pods stay small.
                    found.push(Pod {
                        metadata: ObjectMeta {
                            name: p.metadata.name.clone(),
                            namespace: p.metadata.namespace.clone(),
                            owner_references: p.metadata.owner_references.clone(),
                            creation_timestamp: p.metadata.creation_timestamp.clone(),
                            ..ObjectMeta::default()
                        },
                        spec: p.spec.clone(),
                        status: None,
                    });
                }
            })
            .await?;
        let mut owners = crate::inputs::owners::OwnerCache::default();
        let mut pending = Vec::new();
        for pod in found {
            let chain = owners.chain(&cluster, &pod).await;
            let one = PendingOne {
                created: pod.metadata.creation_timestamp.as_ref().map(|t| t.0.as_second()),
                spec: pod.spec.unwrap_or_default(),
                chain,
            };
            if one.matches(targets) {
                pending.push(one);
            }
        }

        // CA's last decision about each pod.
        let events_api: Api<Event> = match &pods_namespace {
            Some(ns) => Api::namespaced(cluster.client.clone(), ns),
            None => Api::all(cluster.client.clone()),
        };
        let mut decisions: HashMap<(String, String), EventView> = HashMap::new();
        let fields = format!("{},involvedObject.kind=Pod", crate::inputs::live::CA_EVENTS);
        // The decisions' hints name groups as `events` does.
        let context = hint_context(&groups);
        let listed = cluster
            .list_each(&events_api, &fields, "events", pods_namespace.as_deref(), |e| {
                let view = EventView::from_event_in(e, &context);
                if view.reason != "TriggeredScaleUp" && view.reason != "NotTriggerScaleUp" {
                    return;
                }
                let key = (view.object.namespace.clone(), view.object.name.clone());
                if decisions.get(&key).is_none_or(|old| old.seconds <= view.seconds) {
                    decisions.insert(key, view);
                }
            })
            .await;
        if let Err(e) = listed {
            ui.detail(format!("cannot read CA's events: {}", e.message));
        }
        let now = k8s_openapi::jiff::Timestamp::now().as_second();
        let status_found = status.is_some();
        Ok(explain_all(&pending, &groups, &daemonsets, |_, pods, answers| {
            let last = pods
                .iter()
                .filter_map(|p| {
                    let pod = p.chain.first()?;
                    decisions.get(&(pod.namespace.clone(), pod.name.clone()))
                })
                .max_by_key(|v| v.seconds)
                .cloned();
            let in_flight: Vec<String> = answers
                .iter()
                .filter_map(|a| {
                    let n = not_ready.get(&a.name).copied().unwrap_or(0);
                    (n > 0).then(|| format!("{n} of {} not Ready yet", a.name))
                })
                .collect();
            let youngest = pods.iter().filter_map(|p| p.created).max();
            let state = if !status_found {
                format!(
                    "CA's status ConfigMap `{status_name}` is not in `{status_namespace}`: CA is not running there, or has not started"
                )
            } else if let Some(stale) = &stale {
                stale.clone()
            } else if !in_flight.is_empty() {
                format!("scale-up in flight: {}", in_flight.join(", "))
            } else if last.is_none() && youngest.is_some_and(|c| now - c < 10) {
                "the pods are seconds old: CA has not looked at them yet".to_owned()
            } else if last.is_none() {
                "no decision of CA about these pods in the events".to_owned()
            } else {
                render::DECIDED.to_owned()
            };
            CaSide {
                age: last.as_ref().map(|v| render::age(now - v.seconds)),
                last_decision: last,
                state,
            }
        }))
    })
}

/// Says so when CA has not written its status for more than `STALE_SCANS` scan intervals
/// (its last-updated annotation, else the status' time), as `status` does.
fn stale_for(
    cm: &ConfigMap,
    status_time: &str,
    scan_interval: std::time::Duration,
) -> Option<String> {
    use crate::provider::status::{STALE_SCANS, is_stale, last_written, parse_go_time};
    let written = last_written(cm.metadata.annotations.as_ref(), status_time);
    let age = (k8s_openapi::jiff::Timestamp::now() - parse_go_time(written)?).get_seconds();
    is_stale(age, scan_interval).then(|| {
        format!(
            "CA's status is stale: not written for {}, more than {STALE_SCANS} scan intervals ({}s each): CA is stuck or gone, and decides nothing",
            render::age(age),
            scan_interval.as_secs()
        )
    })
}

/// The groups as the hints of CA's decisions name them: size, max, the template's resources.
fn hint_context(groups: &[GroupInput]) -> crate::provider::events::HintContext {
    crate::provider::events::HintContext {
        groups: groups
            .iter()
            .map(|g| crate::provider::events::GroupFacts {
                name: g.name.clone(),
                size: Some(g.target.unwrap_or(g.size).max(g.size)),
                max: Some(g.max),
                resources: Some(
                    model::allocatable(&g.node)
                        .into_iter()
                        .filter(|(_, v)| *v > 0.0)
                        .map(|(k, _)| k)
                        .collect(),
                ),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Offline

/// A workload manifest's pod template and how many pods it makes pending.
fn workload(doc: &Json) -> Option<(Owner, PodSpec, i64, Option<Json>)> {
    let kind = doc.get("kind")?.as_str()?;
    let meta = doc.get("metadata")?;
    let owner = Owner {
        kind: kind.to_owned(),
        namespace: meta
            .get("namespace")
            .and_then(Json::as_str)
            .unwrap_or("default")
            .to_owned(),
        name: meta.get("name").and_then(Json::as_str)?.to_owned(),
    };
    let count = |v: Option<&Json>, default: i64| v.and_then(Json::as_i64).unwrap_or(default);
    let (template, replicas) = match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" => (
            doc.pointer("/spec/template")?,
            count(doc.pointer("/spec/replicas"), 1),
        ),
        "DaemonSet" => (doc.pointer("/spec/template")?, 0),
        "Job" => (
            doc.pointer("/spec/template")?,
            count(doc.pointer("/spec/parallelism"), 1),
        ),
        "CronJob" => (
            doc.pointer("/spec/jobTemplate/spec/template")?,
            count(doc.pointer("/spec/jobTemplate/spec/parallelism"), 1),
        ),
        "Pod" => (doc, 1),
        _ => return None,
    };
    let spec: PodSpec = serde_json::from_value(template.get("spec")?.clone()).ok()?;
    let labels = template.pointer("/metadata/labels").cloned();
    Some((owner, spec, replicas, labels))
}

/// `-l` on manifests: `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated (set forms refused).
fn selector_matches(selector: &str, labels: Option<&Json>) -> Result<bool> {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Json::as_str);
    for part in selector.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let holds = if let Some((k, v)) = part.split_once("!=") {
            get(k.trim()) != Some(v.trim())
        } else if let Some((k, v)) = part.split_once('=') {
            get(k.trim()) == Some(v.trim_start_matches('=').trim())
        } else if let Some(k) = part.strip_prefix('!') {
            get(k.trim()).is_none()
        } else if part.contains(' ') || part.contains('(') {
            return Err(Error::usage(format!(
                "-l `{selector}`: with -f only k=v, k!=v, k and !k are understood"
            )));
        } else {
            get(part).is_some()
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

fn offline(
    connection: &ConnectOptions,
    args: &WhyOptions,
    targets: &[Target],
    ui: &Ui,
) -> Result<Report> {
    let given = crate::inputs::GivenFiles::read(&args.files, args.templates.as_deref())?.unwrap_or(
        crate::inputs::GivenFiles {
            files: Vec::new(),
            templates: None,
        },
    );
    let mut workloads = Vec::new();
    for file in &given.files {
        // Files that are not YAML are the config reader's to report.
        let Ok(docs) = crate::yaml::parse_stream(&file.text) else {
            continue;
        };
        for doc in docs {
            let json = doc.root.to_json();
            let items = match json.get("kind").and_then(Json::as_str) {
                Some(kind) if kind.ends_with("List") => json
                    .get("items")
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default(),
                _ => vec![json],
            };
            workloads.extend(items.iter().filter_map(workload));
        }
    }
    let (config_map, note) = args.provider.config_map_name_for_files(&given.files)?;
    if let Some(note) = note {
        ui.say(note);
    }
    let inputs = given.classify(&config_map, args.provider.ca_version(), ui)?;
    let analysis = lint::analyze(&inputs, args.provider.ca_version());
    refuse_broken(&analysis, ui)?;
    let groups = group_inputs(&analysis, &HashMap::new());
    let daemonsets: Vec<DaemonSetPod> = workloads
        .iter()
        .filter(|(o, ..)| o.kind == "DaemonSet")
        .map(|(o, spec, ..)| DaemonSetPod {
            name: format!("daemonset {}/{}", o.namespace, o.name),
            spec: spec.clone(),
        })
        .collect();
    let namespace = connection
        .namespace
        .clone()
        .filter(|n| !n.trim().is_empty());
    let mut pending = Vec::new();
    for (owner, spec, replicas, labels) in &workloads {
        if owner.kind == "DaemonSet" {
            continue;
        }
        if !args.all_namespaces && namespace.as_ref().is_some_and(|n| n != &owner.namespace) {
            continue;
        }
        if let Some(selector) = &args.selector
            && !selector_matches(selector, labels.as_ref())?
        {
            continue;
        }
        let one = PendingOne {
            spec: spec.clone(),
            chain: vec![owner.clone()],
            created: None,
        };
        if !one.matches(targets) {
            continue;
        }
        for _ in 0..(*replicas).max(0) {
            pending.push(one.clone());
        }
    }
    ui.detail(format!(
        "{} workloads, {} DaemonSets, {} node groups read from files",
        workloads.len() - daemonsets.len(),
        daemonsets.len(),
        groups.len()
    ));
    Ok(explain_all(&pending, &groups, &daemonsets, |_, _, _| {
        CaSide {
            last_decision: None,
            age: None,
            state: "from files: CA's side is not known".to_owned(),
        }
    }))
}
