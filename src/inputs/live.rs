//! The live cluster's side of what CA reads: its ConfigMaps (and, with `readNodesFrom: cluster`,
//! the nodes), plus the facts the cluster rules need.
//!
//! The ConfigMaps (and nodes) are required: failing to read them is exit 3. Everything else
//! (Deployments, pods, the Stage CRD) is best effort: when RBAC hides it, the rules that need it
//! are skipped and `-v` says so.

use crate::cluster::{Cluster, LIST_PAGE, read_with_retries};
use crate::error::Result;
use crate::lint::analysis::Analysis;
use crate::lint::given::{Inputs, ReadFact, TemplatesInput, TextInput};
use crate::lint::{self, ClusterFacts, KwokEvidence};
use crate::output::Ui;
use crate::provider::config::{ProviderSettings, ReadNodesFrom};
use crate::provider::deployment::{ca_deployment, is_kwok_controller};
use crate::provider::nodes::{
    is_fake_node, is_ready, kwok_node, real_node_in_group, ungrouped_provider_node,
};
use crate::provider::pods::pending_pod;
use crate::provider::startup::{ParsedTexts, Startup};
use crate::provider::*;
use crate::source::{Location, Source};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Node, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams};

/// The cluster's CA Deployment: the first that runs the kwok provider
/// (`provider::deployment::runs_kwok_ca`), listed at most once per command whoever asks (the
/// namespace rule, `status`, `why`, `events`, `scale`).
pub async fn kwok_ca_deployment(
    cluster: &Cluster,
) -> std::result::Result<Option<&Deployment>, kube::Error> {
    let all = cluster.deployments().await?;
    Ok(all
        .iter()
        .find(|d| crate::provider::deployment::runs_kwok_ca(d)))
}

/// The field selector of CA's events: they carry its source component (`events`, `why`).
pub const CA_EVENTS: &str = "source=cluster-autoscaler";

/// CRD the kwok controller's stages use; its presence means kwok is installed somehow.
const KWOK_STAGE_CRD: &str = "stages.kwok.x-k8s.io";

/// The ConfigMaps (or nodes) CA reads in the live cluster, analysed as CA would: what `scale`,
/// `status` and completion know of CA's node groups. (No cluster rules: that is `validate`'s.)
pub(crate) async fn analyze_config_maps(
    cluster: &Cluster,
    config_map: &str,
    version: CaVersion,
) -> Result<Analysis> {
    let (inputs, _, _) = read_config_maps(cluster, config_map, version).await?;
    Ok(lint::analyze(&inputs, version))
}

/// What CA reads: the config ConfigMap, then the templates ConfigMap or the nodes (returned too).
pub(crate) async fn read_config_maps(
    cluster: &Cluster,
    config_map: &str,
    version: CaVersion,
) -> Result<(Inputs, ClusterFacts, Option<Vec<Node>>)> {
    let ns = cluster.namespace.name.as_str();
    let config_maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), ns);
    let everything = ListParams::default();
    let mut sources = Vec::new();
    let mut read_facts = Vec::new();
    let mut facts = ClusterFacts::default();
    let mut live_nodes = None;
    let found = read_with_retries(|| config_maps.get_opt(config_map))
        .await
        .map_err(|e| cluster.api_error(e, "get", "configmaps", Some(ns)))?;
    facts.config_found = found.is_some();
    let config_text = match found {
        None => {
            read_facts.push(ReadFact::ConfigMapNotFound {
                name: config_map.to_owned(),
                namespace: ns.to_owned(),
            });
            None
        }
        Some(cm) => match cm.data.as_ref().and_then(|d| d.get(CONFIG_KEY)) {
            Some(text) => Some(text.clone()),
            None => {
                sources.push(Source {
                    has_lines: false,
                    ..Source::file(format!("configmap/{ns}/{config_map}"))
                });
                let keys: Vec<String> = cm
                    .data
                    .unwrap_or_default()
                    .into_keys()
                    .map(|k| format!("`{k}`"))
                    .collect();
                read_facts.push(ReadFact::ConfigKeyMissing {
                    name: config_map.to_owned(),
                    keys,
                    at: Some(Location {
                        source: sources.len() - 1,
                        pos: Default::default(),
                    }),
                    hint: format!(
                        "kubectl -n {ns} edit configmap {config_map}: put the provider config under data.{CONFIG_KEY}"
                    ),
                });
                None
            }
        },
    };
    let (read_from, templates_name) = templates_source(config_text.as_deref(), version);
    let config = config_text.map(|text| {
        sources.push(Source::file(format!("configmap/{ns}/{config_map}")));
        TextInput {
            text,
            source: sources.len() - 1,
        }
    });
    let templates = match (read_from, templates_name) {
        (Some(Reading::Cluster), _) => {
            let nodes: Api<Node> = Api::all(cluster.client.clone());
            let list = read_with_retries(|| nodes.list(&everything))
                .await
                .map_err(|e| cluster.api_error(e, "list", "nodes", None))?;
            let text = list
                .items
                .iter()
                .filter_map(|n| serde_json::to_string(n).ok())
                .collect::<Vec<_>>()
                .join("\n---\n");
            live_nodes = Some(list.items);
            sources.push(Source {
                has_lines: false,
                ..Source::file("nodes (readNodesFrom: cluster)")
            });
            TemplatesInput::LiveNodes {
                input: TextInput {
                    text,
                    source: sources.len() - 1,
                },
            }
        }
        (_, Some(name)) => match read_with_retries(|| config_maps.get_opt(&name))
            .await
            .map_err(|e| cluster.api_error(e, "get", "configmaps", Some(ns)))?
        {
            None => TemplatesInput::ConfigMapNotFound {
                namespace: ns.to_owned(),
                elsewhere: None,
            },
            Some(cm) => {
                let text = cm
                    .data
                    .and_then(|mut d| d.remove(TEMPLATES_KEY))
                    .unwrap_or_default();
                sources.push(Source::file(format!("configmap/{ns}/{name}")));
                TemplatesInput::Text {
                    input: TextInput {
                        text,
                        source: sources.len() - 1,
                    },
                    config_map: Some((name, None)),
                }
            }
        },
        _ => TemplatesInput::NotGiven,
    };
    let inputs = Inputs {
        other_config_maps: Vec::new(),
        sources,
        config,
        templates,
        read_facts,
        notes: Vec::new(),
    };
    Ok((inputs, facts, live_nodes))
}

enum Reading {
    Cluster,
    ConfigMap,
}

/// Where CA would take templates from: its start-up's settings, or, from a config CA
/// rejects, what it says leniently (so that the templates are linted too).
fn templates_source(
    config_text: Option<&str>,
    version: CaVersion,
) -> (Option<Reading>, Option<String>) {
    let texts = ParsedTexts::parse(config_text, None, version);
    let mut startup = Startup::new(&texts, None);
    startup.read_config();
    if let Some(settings) = startup.settings() {
        return match &settings.read_nodes_from {
            ReadNodesFrom::Cluster => (Some(Reading::Cluster), None),
            ReadNodesFrom::ConfigMap { name } => (Some(Reading::ConfigMap), Some(name.clone())),
        };
    }
    let Some(decoded) = startup.config() else {
        return (None, None);
    };
    let name = decoded
        .string("configmap.name")
        .filter(|n| !n.trim().is_empty());
    let reading = match decoded.string("readNodesFrom").as_deref() {
        Some("cluster") => Some(Reading::Cluster),
        _ => name.as_ref().map(|_| Reading::ConfigMap),
    };
    (reading, name)
}

/// The version of the CA Deployment that reads these ConfigMaps (kwok provider, this
/// namespace, this name), from its image tag; `None` when there is none.
pub(crate) fn deployed_ca_version(
    deployments: &[Deployment],
    namespace: &str,
    config_map: &str,
) -> Option<(CaVersion, String, String)> {
    deployments
        .iter()
        .filter_map(ca_deployment)
        .filter(|d| {
            d.effective_cloud_provider() == Some("kwok")
                && d.reads_namespace() == namespace
                && d.reads_config_map() == config_map
        })
        .find_map(|d| {
            let version = CaVersion::from_image(&d.image)?;
            Some((
                version,
                format!("deployment/{}/{}", d.namespace, d.name),
                d.image,
            ))
        })
}

/// Every Deployment in the cluster (the command's one paged list, `Cluster::deployments`).
pub(crate) async fn list_deployments(cluster: &Cluster) -> Result<Vec<Deployment>, kube::Error> {
    cluster.deployments().await.map(<[Deployment]>::to_vec)
}

/// Whether a kwok controller is at work in the cluster (`validate`'s traces: its Deployment,
/// a Ready kwok node, the Stage CRD, a Stage), best effort; `scale` and `init` ask it.
pub async fn kwok_controller_evidence(cluster: &Cluster, ui: &Ui) -> KwokEvidence {
    let deployment = cluster
        .deployments()
        .await
        .ok()
        .map(|items| items.iter().any(is_kwok_controller));
    kwok_evidence(&cluster.client, deployment, None, ui).await
}

/// Best-effort reads for the cluster rules; a failed read leaves its fact unknown.
pub(crate) async fn gather_facts(
    cluster: &Cluster,
    facts: &mut ClusterFacts,
    nodes: Option<Vec<Node>>,
    deployments: Result<Vec<Deployment>, kube::Error>,
    settings: Option<&ProviderSettings>,
    ui: &Ui,
) {
    let client = cluster.client.clone();
    let everything = ListParams::default();
    let note = |what: &str, e: &kube::Error| {
        ui.detail(format!(
            "note: cannot read {what} ({}); skipping the rules that need it",
            crate::cluster::chain(e)
        ));
    };
    if !facts.config_found {
        let all: Api<ConfigMap> = Api::all(client.clone());
        let params = ListParams::default().fields(&format!("metadata.name={}", facts.config_map));
        match read_with_retries(|| all.list(&params)).await {
            Ok(list) => {
                facts.config_elsewhere = Some(
                    list.items
                        .iter()
                        .filter_map(|cm| cm.metadata.namespace.clone())
                        .collect(),
                );
            }
            Err(e) => note("ConfigMaps in other namespaces", &e),
        }
    }
    let mut kwok_deployment = None;
    match deployments {
        Ok(items) => {
            facts.ca_deployments = Some(items.iter().filter_map(ca_deployment).collect());
            kwok_deployment = Some(items.iter().any(is_kwok_controller));
        }
        Err(e) => note("Deployments", &e),
    }
    let pods: Api<Pod> = Api::all(client.clone());
    let pending = ListParams::default().fields("status.phase=Pending");
    match read_with_retries(|| pods.list(&pending)).await {
        Ok(list) => facts.pending_pods = Some(list.items.iter().filter_map(pending_pod).collect()),
        Err(e) => note("pods", &e),
    }
    let nodes = match nodes {
        Some(nodes) => Some(nodes),
        None => {
            let api: Api<Node> = Api::all(client.clone());
            match read_with_retries(|| api.list(&everything)).await {
                Ok(list) => Some(list.items),
                Err(e) => {
                    note("nodes", &e);
                    None
                }
            }
        }
    };
    let evidence = kwok_evidence(&client, kwok_deployment, nodes.as_deref(), ui).await;
    facts.kwok_present = evidence.present();
    if facts.kwok_present.is_none() {
        ui.detail("note: found no trace of a kwok controller, but could not read them all; skipping kwok-controller-missing");
    }
    facts.real_group_nodes = nodes.as_ref().map(|nodes| {
        nodes
            .iter()
            .filter_map(|n| real_node_in_group(n, settings))
            .collect()
    });
    facts.ungrouped_provider_nodes = match (&nodes, settings) {
        (Some(nodes), Some(settings)) => Some(
            nodes
                .iter()
                .filter_map(|n| ungrouped_provider_node(n, settings))
                .collect(),
        ),
        _ => None,
    };
    facts.kwok_nodes = nodes.map(|nodes| {
        nodes
            .iter()
            .filter_map(|n| kwok_node(n, settings))
            .collect()
    });
}

/// What shows a kwok controller at work besides its Deployment (`deployment`, read by the
/// caller): a Ready fake node in `nodes` (read here when `None`), the Stage CRD, a Stage
/// object. Best effort: what cannot be read stays unknown; the first trace found ends the search.
async fn kwok_evidence(
    client: &kube::Client,
    deployment: Option<bool>,
    nodes: Option<&[Node]>,
    ui: &Ui,
) -> KwokEvidence {
    let mut evidence = KwokEvidence {
        deployment,
        ..KwokEvidence::default()
    };
    if deployment == Some(true) {
        return evidence;
    }
    let note = |what: &str, e: &kube::Error| {
        ui.detail(format!(
            "note: cannot read {what} ({}) while looking for a kwok controller",
            crate::cluster::chain(e)
        ));
    };
    evidence.ready_fake_nodes = match nodes {
        Some(nodes) => Some(nodes.iter().any(is_ready_fake_node)),
        None => {
            let api: Api<Node> = Api::all(client.clone());
            let page = ListParams::default().limit(LIST_PAGE);
            match read_with_retries(|| api.list(&page)).await {
                Ok(list) => Some(list.items.iter().any(is_ready_fake_node)),
                Err(e) => {
                    note("nodes", &e);
                    None
                }
            }
        }
    };
    if evidence.ready_fake_nodes == Some(true) {
        return evidence;
    }
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    evidence.stage_crd = match read_with_retries(|| crds.get_opt(KWOK_STAGE_CRD)).await {
        Ok(found) => Some(found.is_some()),
        Err(e) => {
            note("CustomResourceDefinitions", &e);
            None
        }
    };
    evidence.stage_objects = match evidence.stage_crd {
        Some(true) => return evidence,
        // No CRD, no Stage.
        Some(false) => Some(false),
        // The CRD could not be read: its objects may be readable still.
        None => {
            let resource = kube::core::ApiResource {
                group: "kwok.x-k8s.io".to_owned(),
                version: "v1alpha1".to_owned(),
                api_version: "kwok.x-k8s.io/v1alpha1".to_owned(),
                kind: "Stage".to_owned(),
                plural: "stages".to_owned(),
            };
            let stages: Api<kube::api::DynamicObject> = Api::all_with(client.clone(), &resource);
            let one = ListParams::default().limit(1);
            match read_with_retries(|| stages.list(&one)).await {
                Ok(list) => Some(!list.items.is_empty()),
                Err(kube::Error::Api(s)) if s.code == 404 => Some(false),
                Err(e) => {
                    note("Stages", &e);
                    None
                }
            }
        }
    };
    evidence
}

/// A node kwok manages (`kwok.x-k8s.io/node: fake`) whose Ready condition is True: only a
/// kwok controller keeps one so.
fn is_ready_fake_node(node: &Node) -> bool {
    let fake = is_fake_node(
        node.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ANNOTATION_KWOK_NODE))
            .map(String::as_str),
    );
    fake && is_ready(node)
}
