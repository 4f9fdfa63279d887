//! `status`: CA's view of its node groups (its status ConfigMap) joined with the ConfigMaps'
//! node groups and the kwok nodes that exist; points out where they disagree.

pub mod view;

use crate::cli::{GlobalArgs, ScaleOutput, StatusArgs};
use crate::cluster::{self, Cluster, read_with_retries};
use crate::error::{Error, ErrorKind, Result, exit};
use crate::output::Ui;
use crate::provider::status::{self as ca_status};
use crate::provider::{ANNOTATION_NODEGROUP_NAME, DEFAULT_CA_NAMESPACE, DEFAULT_STATUS_CONFIG_MAP};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Node};
use kube::api::{Api, ListParams};
use std::collections::BTreeMap;
use std::io::Write;

pub fn run(global: &GlobalArgs, args: &StatusArgs, out: &mut impl Write, ui: &Ui) -> Result<u8> {
    let colors = ui.stdout_colors;
    let config_map = args.provider.config_map_name(&global.env)?;
    cluster::runtime()?.block_on(async {
        let cluster = cluster::connect(global).await?;
        let (ca_namespace, status_name, why) = locate(&cluster, args).await;
        ui.say(format!(
            "reading ConfigMap `{status_name}` in namespace `{ca_namespace}` ({why}), context `{}`",
            cluster.context
        ));
        loop {
            let (snapshot, resource_version) =
                read(&cluster, args, &config_map, &ca_namespace, &status_name, ui).await?;
            match args.output {
                ScaleOutput::Json => {
                    crate::output::write_data(out, crate::cli::OutputFormat::Json, &snapshot)?
                }
                ScaleOutput::Text => {
                    if args.watch && colors {
                        write!(out, "\x1b[2J\x1b[H")?; // redraw in place on a terminal
                    }
                    view::render_text(out, &snapshot, colors)?;
                }
            }
            out.flush()?;
            if !args.watch {
                return Ok(exit::OK);
            }
            if !changed(
                &cluster,
                global,
                &ca_namespace,
                &status_name,
                &resource_version,
            )
            .await?
            {
                return Ok(exit::OK);
            }
            if args.output == ScaleOutput::Text && !colors {
                writeln!(out)?;
            }
        }
    })
}

/// Where CA writes its status: the flags of a CA Deployment, else `--ca-namespace`.
async fn locate(cluster: &Cluster, args: &StatusArgs) -> (String, String, String) {
    let from_flags = |namespace: Option<String>, name: Option<String>, why: String| {
        (
            args.ca_namespace
                .clone()
                .or(namespace)
                .unwrap_or_else(|| DEFAULT_CA_NAMESPACE.to_owned()),
            args.status_config_map
                .clone()
                .or(name)
                .unwrap_or_else(|| DEFAULT_STATUS_CONFIG_MAP.to_owned()),
            why,
        )
    };
    if args.ca_namespace.is_some() {
        return from_flags(None, None, "from --ca-namespace".to_owned());
    }
    let deployments: Api<Deployment> = Api::all(cluster.client.clone());
    let everything = ListParams::default();
    if let Ok(list) = read_with_retries(|| deployments.list(&everything)).await
        && let Some(d) = list
            .items
            .iter()
            .find(|d| crate::provider::deployment::runs_kwok_ca(d))
    {
        let words = crate::provider::deployment::container_words(d);
        let flag = |name: &str| view::flag_value(&words, name);
        let deployment_ns = d.metadata.namespace.clone().unwrap_or_default();
        return from_flags(
            Some(flag("namespace").unwrap_or_else(|| DEFAULT_CA_NAMESPACE.to_owned())),
            flag("status-config-map-name"),
            format!(
                "from the flags of Deployment {deployment_ns}/{}",
                d.metadata.name.as_deref().unwrap_or_default()
            ),
        );
    }
    from_flags(
        None,
        None,
        "CA's default; no CA Deployment found, pass --ca-namespace".to_owned(),
    )
}

/// Reads CA's status, the ConfigMaps' groups and the kwok nodes, and joins them.
async fn read(
    cluster: &Cluster,
    args: &StatusArgs,
    config_map: &str,
    ca_namespace: &str,
    status_name: &str,
    ui: &Ui,
) -> Result<(view::Snapshot, String)> {
    let config_maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), ca_namespace);
    let found = read_with_retries(|| config_maps.get_opt(status_name))
        .await
        .map_err(|e| cluster.api_error(e, "get", "configmaps", Some(ca_namespace)))?;
    let Some(cm) = found else {
        return Err(Error::new(
            ErrorKind::Findings,
            format!("CA's status ConfigMap `{status_name}` is not in namespace `{ca_namespace}`"),
        )
        .with_hint(
            "is CA running? It writes it at start and deletes it when it stops; --write-status-configmap=false turns it off. Point at it with --ca-namespace and --status-config-map",
        ));
    };
    let resource_version = cm.metadata.resource_version.clone().unwrap_or_default();
    let text = cm
        .data
        .and_then(|mut d| d.remove("status"))
        .unwrap_or_default();
    let status = ca_status::parse(&text).ok_or_else(|| {
        Error::new(ErrorKind::Findings, format!("configmap/{ca_namespace}/{status_name}: `status` is neither CA's YAML nor its text format"))
            .with_hint("is this ConfigMap CA's? (--status-config-map names it)")
    })?;

    // The node groups the ConfigMaps define (best effort: CA's view stands without them).
    let analysis =
        crate::validate::live::analyze_config_maps(cluster, config_map, args.provider.ca_version())
            .await;
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

    let nodes: Api<Node> = Api::all(cluster.client.clone());
    let mut kwok_nodes: BTreeMap<String, i64> = BTreeMap::new();
    cluster
        .list_each(&nodes, "", "nodes", None, |node| {
            if let Some(group) = node
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(ANNOTATION_NODEGROUP_NAME))
            {
                *kwok_nodes.entry(group.clone()).or_default() += 1;
            }
        })
        .await?;
    Ok((
        view::join(&status, config_groups.as_deref(), &kwok_nodes),
        resource_version,
    ))
}

/// Waits until the status ConfigMap changes after `resource_version` (the one drawn): true.
/// Watches on a client without the request timeout (a quiet watch is not a dead one), each
/// for the server's `timeoutSeconds`; a watch that ends or is cut resumes from the last version
/// seen (nothing is missed), so only a change, or history compacted past it (410: read
/// again), draws again.
async fn changed(
    cluster: &Cluster,
    global: &GlobalArgs,
    ca_namespace: &str,
    status_name: &str,
    resource_version: &str,
) -> Result<bool> {
    use futures::StreamExt;
    use kube::api::{WatchEvent, WatchParams};
    const WATCH_SECONDS: u32 = 290;
    let watcher = cluster::connect_for_watches(global).await?;
    let api: Api<ConfigMap> = Api::namespaced(watcher.client, ca_namespace);
    let params = WatchParams::default()
        .fields(&format!("metadata.name={status_name}"))
        .timeout(WATCH_SECONDS);
    // Silent past its own timeout plus this: a dead connection.
    let idle_limit = std::time::Duration::from_secs(u64::from(WATCH_SECONDS) + 30);
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
