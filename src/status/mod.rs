//! `status`: CA's view of its node groups (its status ConfigMap) joined with the ConfigMaps'
//! node groups and the kwok nodes that exist; points out where they disagree, and whether CA
//! still writes it (its age, stale after a few scan intervals, or missing and why).

pub mod options;
pub mod view;

use crate::cluster::ConnectOptions;
use crate::cluster::{self, Cluster, Deadline, read_with_retries};
use crate::error::{Error, ErrorKind, Result, exit};
use crate::output::Ui;
use crate::output::{OutputFormat, ViewOutput};
use crate::provider::status::{self as ca_status};
use k8s_openapi::api::core::v1::{ConfigMap, Node};
use kube::api::Api;
use options::StatusOptions;
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

pub fn run(
    connection: &ConnectOptions,
    args: &StatusOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let colors = ui.stdout_colors;
    let config_map = args.provider.config_map_name()?;
    cluster::runtime()?.block_on(async {
        let cluster = crate::inputs::connect(connection).await?;
        // One deadline for the whole command (each redraw of `-w` gets its own).
        let mut deadline = cluster.command_deadline();
        let place = locate(&cluster, args, deadline).await?;
        ui.say(format!(
            "reading ConfigMap `{}` in namespace `{}` ({}), context `{}`",
            place.status_name, place.namespace, place.why, cluster.context
        ));
        loop {
            let snapshot = match read(&cluster, args, &config_map, &place, ui, deadline).await? {
                Read::Status(snapshot) => snapshot,
                Read::Missing { kwok_nodes } => {
                    let missing = missing_error(&place, &kwok_nodes);
                    if !args.watch {
                        return Err(missing);
                    }
                    ui.say(format!(
                        "{}; waiting for CA to write it (Ctrl-C to stop)",
                        missing.message
                    ));
                    appeared(&cluster, &place).await?;
                    deadline = cluster.deadline();
                    continue;
                }
            };
            match args.output {
                ViewOutput::Json => {
                    crate::output::write_data(out, OutputFormat::Json, &snapshot.view)?
                }
                // A stream under -w: one document per redraw, `---` between, as kubectl's -w -o yaml.
                ViewOutput::Yaml => {
                    if args.watch {
                        writeln!(out, "---")?;
                    }
                    crate::output::write_data(out, OutputFormat::Yaml, &snapshot.view)?
                }
                ViewOutput::Text => {
                    if args.watch && colors {
                        write!(out, "\x1b[2J\x1b[H")?; // redraw in place on a terminal
                    }
                    view::render_text(out, &snapshot.view, colors, !args.no_headers)?;
                }
            }
            out.flush()?;
            if !args.watch {
                // A stale status is a finding: CA is stuck or gone.
                return Ok(if snapshot.view.stale {
                    exit::FINDINGS
                } else {
                    exit::OK
                });
            }
            let change = changed(
                &cluster,
                connection,
                &place.namespace,
                &place.status_name,
                &snapshot.resource_version,
            );
            // A CA that dies writes nothing more: redraw when the status turns stale, too.
            match snapshot.view.until_stale() {
                Some(wait) => {
                    tokio::select! {
                        changed = change => if !changed? { return Ok(exit::OK) },
                        () = tokio::time::sleep(wait) => {}
                    }
                }
                None => {
                    if !change.await? {
                        return Ok(exit::OK);
                    }
                }
            }
            if args.output == ViewOutput::Text && !colors {
                writeln!(out)?;
            }
            deadline = cluster.deadline();
        }
    })
}

/// Where CA writes its status, why we think so, and how often.
struct Place {
    namespace: String,
    status_name: String,
    why: String,
    /// CA's `--scan-interval`, from its Deployment, else CA's default.
    scan_interval: Duration,
}

/// Where CA writes its status: the flags of a CA Deployment, else `--ca-namespace`. A
/// Deployments list that times out is a timeout; one that fails otherwise is said and skipped.
async fn locate(cluster: &Cluster, args: &StatusOptions, deadline: Deadline) -> Result<Place> {
    use crate::provider::deployment::{CaDeployment, scan_interval, status_config_map};
    // CA's rule (`provider::deployment`), then the flags of this command over it.
    let from_flags = |ca: Option<&CaDeployment>, why: String| {
        let written = status_config_map(ca);
        Place {
            namespace: args.ca_namespace.clone().unwrap_or(written.namespace),
            status_name: args.status_config_map.clone().unwrap_or(written.name),
            why,
            scan_interval: scan_interval(ca),
        }
    };
    if args.ca_namespace.is_some() {
        return Ok(from_flags(None, "from --ca-namespace".to_owned()));
    }
    let what = "list deployments in all namespaces (to find CA's flags)";
    // The same list the namespace rule made in `connect`, if it made one (one per command).
    let listed = deadline
        .bound(cluster, what, async {
            match crate::inputs::live::kwok_ca_deployment(cluster).await {
                Ok(found) => Ok(Ok(found)),
                Err(e) if cluster::is_timeout(&e) => Err(cluster.timed_out(what)),
                Err(e) => Ok(Err(cluster.api_error(e, "list", "deployments", None))),
            }
        })
        .await?;
    let found = match listed {
        Ok(found) => found,
        Err(e) => {
            return Ok(from_flags(
                None,
                format!(
                    "CA's default; cannot look for a CA Deployment ({}), pass --ca-namespace",
                    e.message
                ),
            ));
        }
    };
    if let Some(ca) = found.and_then(crate::provider::deployment::ca_deployment) {
        let why = format!("from the flags of Deployment {}/{}", ca.namespace, ca.name);
        return Ok(from_flags(Some(&ca), why));
    }
    Ok(from_flags(
        None,
        "CA's default; no CA Deployment found, pass --ca-namespace".to_owned(),
    ))
}

/// What one read found.
enum Read {
    Status(Box<Drawn>),
    /// No status ConfigMap; the kwok nodes per node group that remain.
    Missing {
        kwok_nodes: BTreeMap<String, i64>,
    },
}

/// A view and the status ConfigMap's resourceVersion it was drawn from.
struct Drawn {
    view: view::Snapshot,
    resource_version: String,
}

/// The kwok nodes per node group, as CA's `Nodes()` lists them (`provider::nodes::listed_group`).
async fn kwok_nodes_by_group(cluster: &Cluster) -> Result<BTreeMap<String, i64>> {
    let nodes: Api<Node> = Api::all(cluster.client.clone());
    let mut kwok_nodes: BTreeMap<String, i64> = BTreeMap::new();
    cluster
        .list_each(&nodes, "", "nodes", None, |node| {
            if let Some(group) = crate::provider::nodes::listed_group(node) {
                *kwok_nodes.entry(group.to_owned()).or_default() += 1;
            }
        })
        .await?;
    Ok(kwok_nodes)
}

/// Reads CA's status, the ConfigMaps' groups and the kwok nodes, and joins them, all by `deadline`.
async fn read(
    cluster: &Cluster,
    args: &StatusOptions,
    config_map: &str,
    place: &Place,
    ui: &Ui,
    deadline: Deadline,
) -> Result<Read> {
    let (ca_namespace, status_name) = (place.namespace.as_str(), place.status_name.as_str());
    let config_maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), ca_namespace);
    let found = deadline
        .bound(
            cluster,
            &format!("get configmap `{status_name}` in namespace `{ca_namespace}`"),
            async {
                read_with_retries(|| config_maps.get_opt(status_name))
                    .await
                    .map_err(|e| cluster.api_error(e, "get", "configmaps", Some(ca_namespace)))
            },
        )
        .await?;
    let list_nodes = "list nodes";
    let Some(cm) = found else {
        let kwok_nodes = deadline
            .bound(cluster, list_nodes, kwok_nodes_by_group(cluster))
            .await?;
        return Ok(Read::Missing { kwok_nodes });
    };
    let resource_version = cm.metadata.resource_version.clone().unwrap_or_default();
    let annotations = cm.metadata.annotations.clone();
    let text = cm
        .data
        .and_then(|mut d| d.remove("status"))
        .unwrap_or_default();
    let status = ca_status::parse(&text).ok_or_else(|| {
        Error::new(ErrorKind::Findings, format!("configmap/{ca_namespace}/{status_name}: `status` is neither CA's YAML nor its text format"))
            .with_hint("is this ConfigMap CA's? (--status-config-map names it)")
    })?;

    // The node groups the ConfigMaps define (best effort: CA's view stands without them).
    let analysis = deadline
        .bound(
            cluster,
            &format!(
                "read the provider ConfigMaps in namespace `{}`",
                cluster.namespace.name
            ),
            async {
                Ok(crate::inputs::live::analyze_config_maps(
                    cluster,
                    config_map,
                    args.provider.ca_version(),
                )
                .await)
            },
        )
        .await?;
    let config_groups: Option<Vec<(String, i64, i64)>> = match analysis {
        Ok(analysis) => {
            if analysis.verdict.starts {
                Some(
                    analysis
                        .verdict
                        .node_groups
                        .iter()
                        .map(|g| (g.name.clone(), g.min, g.max))
                        .collect(),
                )
            } else {
                ui.say(format!(
                    "note: CA would not start with the ConfigMaps in `{}` (kubectl kwokprovider validate says why)",
                    cluster.namespace.name
                ));
                None
            }
        }
        Err(e) => {
            ui.say(format!(
                "note: cannot read the provider ConfigMaps ({}); showing CA's view only",
                e.message
            ));
            None
        }
    };
    let kwok_nodes = deadline
        .bound(cluster, list_nodes, kwok_nodes_by_group(cluster))
        .await?;
    let mut view = view::join(&status, config_groups.as_deref(), &kwok_nodes);
    view.set_age(
        ca_status::last_written(annotations.as_ref(), &status.time),
        jiff::Timestamp::now(),
        place.scan_interval,
    );
    Ok(Read::Status(Box::new(Drawn {
        view,
        resource_version,
    })))
}

/// The error for a missing status ConfigMap: what the kwok nodes left say about how CA ended.
fn missing_error(place: &Place, kwok_nodes: &BTreeMap<String, i64>) -> Error {
    let (status_name, ca_namespace) = (&place.status_name, &place.namespace);
    let total: i64 = kwok_nodes.values().sum();
    let nodes = if total == 0 {
        "; no kwok node of any node group is left: CA is not running, or it stopped gracefully (on SIGTERM CA deletes its status ConfigMap and then every node of its node groups)".to_owned()
    } else {
        let groups: Vec<&str> = kwok_nodes.keys().map(String::as_str).collect();
        format!(
            "; {total} kwok node(s) of node group(s) {} remain: CA is not running (a crash or SIGKILL leaves its nodes), or it writes its status elsewhere",
            groups.join(", ")
        )
    };
    Error::new(
        ErrorKind::Findings,
        format!("CA's status ConfigMap `{status_name}` is not in namespace `{ca_namespace}`{nodes}"),
    )
    .with_hint(
        "is CA running? It writes it at start and deletes it when it stops; --write-status-configmap=false turns it off. Point at it with --ca-namespace and --status-config-map",
    )
}

/// Waits until the status ConfigMap exists (a watch from "0" sends it at once if it does).
async fn appeared(cluster: &Cluster, place: &Place) -> Result<()> {
    use futures::StreamExt;
    use kube::api::{WatchEvent, WatchParams};
    let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), &place.namespace);
    let params = WatchParams::default()
        .fields(&format!("metadata.name={}", place.status_name))
        .timeout(290);
    loop {
        let stream = api
            .watch(&params, "0")
            .await
            .map_err(|e| cluster.api_error(e, "watch", "configmaps", Some(&place.namespace)))?;
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            match event {
                Ok(WatchEvent::Added(_) | WatchEvent::Modified(_)) => return Ok(()),
                Ok(WatchEvent::Deleted(_) | WatchEvent::Bookmark(_)) => {}
                // A broken watch: watch again (the next one sends the map if it exists).
                Ok(WatchEvent::Error(_)) | Err(_) => break,
            }
        }
    }
}

/// Waits until the status ConfigMap changes after `resource_version` (the one drawn): true.
/// Watches on a client without the request timeout (a quiet watch is not a dead one), each
/// for the server's `timeoutSeconds`; a watch that ends or is cut resumes from the last version
/// seen (nothing is missed), so only a change, or history compacted past it (410: read
/// again), draws again.
async fn changed(
    cluster: &Cluster,
    connection: &ConnectOptions,
    ca_namespace: &str,
    status_name: &str,
    resource_version: &str,
) -> Result<bool> {
    use futures::StreamExt;
    use kube::api::{WatchEvent, WatchParams};
    let watcher = cluster::connect_for_watches(connection).await?;
    let api: Api<ConfigMap> = Api::namespaced(watcher.client, ca_namespace);
    let params = WatchParams::default()
        .fields(&format!("metadata.name={status_name}"))
        .timeout(cluster::DEFAULT_WATCH_TIMEOUT.as_secs() as u32);
    // Silent past its own timeout plus this: a dead connection.
    let idle_limit = cluster::DEFAULT_WATCH_TIMEOUT + cluster::IDLE_MARGIN;
    let mut version = resource_version.to_owned();
    loop {
        let stream = match api.watch(&params, &version).await {
            Ok(stream) => stream,
            Err(kube::Error::Api(status)) if status.code == 410 => return Ok(true),
            Err(e) => return Err(cluster.api_error(e, "watch", "configmaps", Some(ca_namespace))),
        };
        let started = std::time::Instant::now();
        let mut stream = std::pin::pin!(stream);
        while let Ok(Some(event)) = tokio::time::timeout(idle_limit, stream.next()).await {
            match event {
                Ok(WatchEvent::Added(_) | WatchEvent::Modified(_) | WatchEvent::Deleted(_)) => {
                    return Ok(true);
                }
                Ok(WatchEvent::Bookmark(bookmark)) => version = bookmark.metadata.resource_version,
                Ok(WatchEvent::Error(status)) if status.code == 410 => return Ok(true),
                // Cut: resume from `version` below.
                Ok(WatchEvent::Error(_)) | Err(_) => break,
            }
        }
        if started.elapsed() < std::time::Duration::from_secs(1) {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await; // no hot loop
        }
    }
}
