//! Rules that need the live cluster: where CA runs, kwok, pending pods, leftover nodes (pure).
//!
//! `inputs::live::gather_facts` reads the objects (through `crate::cluster`) and boils them
//! down to `ClusterFacts` with `provider`'s rules; these checks only look at those facts and at
//! the analysis of the ConfigMaps.

use super::analysis::Analysis;
use super::{Diagnostic, RuleId};
use crate::provider::deployment::CaDeployment;
use crate::provider::nodes::GroupedNode;
use crate::provider::pods::{PendingPod, tolerates_kwok_taint};
use crate::provider::{
    ANNOTATION_NODEGROUP_NAME, CaFailure, ENV_CONFIG_MAP, ENV_POD_NAMESPACE, ENV_PROVIDER_MODE,
    TAINT_EFFECT, TAINT_KEY, TAINT_VALUE, taint_string,
};
use crate::source::Source;
use std::collections::{BTreeMap, BTreeSet};

/// Everything the cluster rules look at. `None` means "could not be read" (e.g. RBAC): skip the rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterFacts {
    pub namespace: String,
    pub config_map: String,
    pub config_found: bool,
    /// Namespaces where a ConfigMap with the config's name exists instead.
    pub config_elsewhere: Option<Vec<String>>,
    pub ca_deployments: Option<Vec<CaDeployment>>,
    /// A kwok controller is at work (`KwokEvidence::present`).
    pub kwok_present: Option<bool>,
    pub pending_pods: Option<Vec<PendingPod>>,
    pub kwok_nodes: Option<Vec<GroupedNode>>,
    /// Nodes that are not kwok's (no `kwok` providerID, or not `fake`) but name a group.
    pub real_group_nodes: Option<Vec<GroupedNode>>,
    /// Nodes with a `kwok` providerID but no group at all (`provider::nodes::ungrouped_provider_node`).
    pub ungrouped_provider_nodes: Option<Vec<String>>,
}

/// What shows a kwok controller at work; each `None` when it could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KwokEvidence {
    /// A kwok controller Deployment (its release YAML or helm chart).
    pub deployment: Option<bool>,
    /// A node with `kwok.x-k8s.io/node: fake` that is Ready: a controller keeps it so, even
    /// kwok run as a process (as kwokctl runs it), which leaves no Deployment.
    pub ready_fake_nodes: Option<bool>,
    /// The `stages.kwok.x-k8s.io` CRD.
    pub stage_crd: Option<bool>,
    /// Some Stage object (readable even when the CRD is not).
    pub stage_objects: Option<bool>,
}

impl KwokEvidence {
    /// Present when any trace is found; missing only when the Deployments, the nodes and the
    /// Stages (their CRD or the objects) were all read and none shows one; else unknown.
    pub fn present(&self) -> Option<bool> {
        let traces = [
            self.deployment,
            self.ready_fake_nodes,
            self.stage_crd,
            self.stage_objects,
        ];
        if traces.contains(&Some(true)) {
            return Some(true);
        }
        let stages_read = self.stage_crd.is_some() || self.stage_objects.is_some();
        (self.deployment.is_some() && self.ready_fake_nodes.is_some() && stages_read)
            .then_some(false)
    }
}

/// Adds a label-only source (e.g. `deployment/kube-system/cluster-autoscaler`) and returns its id.
fn object_source(sources: &mut Vec<Source>, label: String) -> usize {
    if let Some(i) = sources
        .iter()
        .position(|s| s.label == label && !s.has_lines)
    {
        return i;
    }
    sources.push(Source {
        has_lines: false,
        ..Source::file(label)
    });
    sources.len() - 1
}

/// Runs every cluster rule, adding its diagnostics (and their sources) to the analysis.
pub fn check_cluster(facts: &ClusterFacts, analysis: &mut Analysis) {
    let mut found = Vec::new();
    let mut sources = std::mem::take(&mut analysis.sources);
    config_not_found(facts, &mut sources, &mut found);
    ca_deployment(facts, &mut sources, &mut found);
    kwok_controller(facts, &mut found);
    if analysis
        .verdict
        .settings
        .as_ref()
        .is_some_and(|s| !s.skip_taint)
    {
        untolerated(facts, analysis, &mut sources, &mut found);
    }
    orphans(facts, analysis, &mut sources, &mut found);
    real_nodes_in_groups(facts, analysis, &mut sources, &mut found);
    ungrouped_provider_nodes(facts, analysis, &mut sources, &mut found);
    analysis.sources = sources;
    analysis.diagnostics.extend(found);
    super::analysis::sort_diagnostics(&mut analysis.diagnostics);
}

fn config_not_found(facts: &ClusterFacts, sources: &mut Vec<Source>, out: &mut Vec<Diagnostic>) {
    if facts.config_found {
        return;
    }
    let (name, namespace) = (&facts.config_map, &facts.namespace);
    let source = object_source(sources, format!("configmap/{namespace}/{name}"));
    let elsewhere = facts.config_elsewhere.clone().unwrap_or_default();
    let (message, hint) = if elsewhere.is_empty() {
        (
            format!(
                "ConfigMap `{name}` does not exist in namespace `{namespace}`; CA fails at start-up (failed to get configmap '{name}')"
            ),
            format!(
                "create it (kubectl create configmap {name} -n {namespace} --from-file=config=config.yaml), or pass -n with the namespace it is in; CA reads the namespace in {ENV_POD_NAMESPACE}"
            ),
        )
    } else {
        (
            format!(
                "ConfigMap `{name}` is not in namespace `{namespace}`, but found in {}; CA reads only the namespace in {ENV_POD_NAMESPACE} (else its own)",
                elsewhere
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "set {ENV_POD_NAMESPACE}={} for CA (and validate with -n {}), or move the ConfigMaps to `{namespace}`",
                elsewhere[0], elsewhere[0]
            ),
        )
    };
    out.push(
        Diagnostic::new(RuleId::ConfigNotFound, message)
            .at(source, Default::default())
            .hint(hint),
    );
}

fn ca_deployment(facts: &ClusterFacts, sources: &mut Vec<Source>, out: &mut Vec<Diagnostic>) {
    let Some(deployments) = &facts.ca_deployments else {
        return;
    };
    if deployments.is_empty() {
        out.push(
            Diagnostic::new(
                RuleId::CaNotFound,
                "no cluster-autoscaler Deployment found in the cluster; if CA runs on your machine, it reads these ConfigMaps only with the right environment",
            )
            .hint(format!(
                "run CA with {ENV_PROVIDER_MODE}=local {ENV_POD_NAMESPACE}={} {ENV_CONFIG_MAP}={} --cloud-provider=kwok --kubeconfig …",
                facts.namespace, facts.config_map
            )),
        );
        return;
    }
    let kwok: Vec<&CaDeployment> = deployments
        .iter()
        .filter(|d| d.effective_cloud_provider() == Some("kwok"))
        .collect();
    if kwok.is_empty() {
        for d in deployments {
            let source = object_source(sources, format!("deployment/{}/{}", d.namespace, d.name));
            let flag = match &d.cloud_provider {
                Some(p) => format!("runs with --cloud-provider={p}"),
                None => "has no --cloud-provider flag (the default is not kwok)".to_owned(),
            };
            out.push(
                Diagnostic::new(RuleId::CaDeploymentMisconfigured, format!("cluster-autoscaler Deployment `{}/{}` {flag}; it does not read the kwok ConfigMaps", d.namespace, d.name))
                    .at(source, Default::default())
                    .hint("add `--cloud-provider=kwok` to its container args (helm: --set cloudProvider=kwok)"),
            );
        }
        return;
    }
    for d in kwok {
        let source = object_source(sources, format!("deployment/{}/{}", d.namespace, d.name));
        if d.reads_namespace() != facts.namespace {
            let why = match &d.pod_namespace {
                Some(ns) => format!("its {ENV_POD_NAMESPACE} is `{ns}`"),
                None => format!(
                    "it has no {ENV_POD_NAMESPACE}, so it uses its own namespace `{}`",
                    d.namespace
                ),
            };
            out.push(
                Diagnostic::new(
                    RuleId::CaDeploymentMisconfigured,
                    format!("cluster-autoscaler `{}/{}` reads the kwok ConfigMaps from namespace `{}` ({why}), not `{}` where they were validated", d.namespace, d.name, d.reads_namespace(), facts.namespace),
                )
                .at(source, Default::default())
                .hint(format!("move the ConfigMaps to `{}`, or set {ENV_POD_NAMESPACE}={} on CA", d.reads_namespace(), facts.namespace)),
            );
        }
        if d.reads_config_map() != facts.config_map {
            out.push(
                Diagnostic::new(
                    RuleId::CaDeploymentMisconfigured,
                    format!("cluster-autoscaler `{}/{}` reads ConfigMap `{}` ({ENV_CONFIG_MAP}), not `{}`", d.namespace, d.name, d.reads_config_map(), facts.config_map),
                )
                .at(source, Default::default())
                .hint(format!("set {ENV_CONFIG_MAP}={} on CA, or validate with --config-map {}", facts.config_map, d.reads_config_map())),
            );
        }
    }
}

fn kwok_controller(facts: &ClusterFacts, out: &mut Vec<Diagnostic>) {
    if facts.kwok_present == Some(false) {
        out.push(Diagnostic::new(
            RuleId::KwokControllerMissing,
            "no kwok controller: no kwok Deployment, no Ready `kwok.x-k8s.io/node: fake` node, no `stages.kwok.x-k8s.io` CRD or Stage: the nodes CA creates will stay NotReady and never take pods",
        ));
    }
}

fn untolerated(
    facts: &ClusterFacts,
    analysis: &Analysis,
    sources: &mut Vec<Source>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(pods) = &facts.pending_pods else {
        return;
    };
    let shapes = analysis.group_shapes();
    for pod in pods {
        if pod.tolerations.iter().any(tolerates_kwok_taint) {
            continue;
        }
        let fits: Vec<&str> = shapes
            .iter()
            .filter(|shape| {
                pod.node_selector
                    .iter()
                    .all(|(k, v)| shape.labels.get(k) == Some(v))
                    && shape.cpu.is_some_and(|cpu| pod.cpu <= cpu)
                    && shape.memory.is_some_and(|memory| pod.memory <= memory)
            })
            .map(|shape| shape.name.as_str())
            .collect();
        if fits.is_empty() {
            continue;
        }
        let source = object_source(sources, format!("pod/{}/{}", pod.namespace, pod.name));
        out.push(
            Diagnostic::new(
                RuleId::PodsDoNotTolerateTaint,
                format!(
                    "pending pod `{}/{}` would fit node group{} {} but does not tolerate `{}`; CA will not scale up for it",
                    pod.namespace,
                    pod.name,
                    if fits.len() == 1 { "" } else { "s" },
                    fits.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
                    taint_string()
                ),
            )
            .at(source, Default::default())
            .hint(format!(
                "add to the pod spec: `tolerations: [{{key: {TAINT_KEY}, operator: Equal, value: \"{TAINT_VALUE}\", effect: {TAINT_EFFECT}}}]`, or set nodes.skipTaint: true"
            )),
        );
    }
}

/// The names of the node groups CA builds.
fn group_names(analysis: &Analysis) -> BTreeSet<&str> {
    analysis
        .verdict
        .node_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect()
}

/// The first three names, and ` and N more` when there are others (for messages).
fn first_few<'n>(names: &[&'n str]) -> (Vec<&'n str>, String) {
    let shown = names.iter().take(3).copied().collect();
    let more = match names.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    (shown, more)
}

fn orphans(
    facts: &ClusterFacts,
    analysis: &Analysis,
    sources: &mut Vec<Source>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(nodes) = &facts.kwok_nodes else {
        return;
    };
    if !analysis.verdict.node_groups_known {
        return;
    }
    let groups = group_names(analysis);
    let mut orphaned: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in nodes {
        if let Some(group) = node.group.as_deref()
            && !groups.contains(group)
        {
            orphaned.entry(group).or_default().push(&node.name);
        }
    }
    for (group, names) in orphaned {
        let source = object_source(sources, format!("node/{}", names[0]));
        let (shown, more) = first_few(&names);
        out.push(
            Diagnostic::new(
                RuleId::NodesOrphaned,
                format!(
                    "{} kwok node{} ({}{more}) belong to node group `{group}`, which the templates no longer define; CA will not manage or remove {}",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if names.len() == 1 { "it" } else { "them" }
                ),
            )
            .at(source, Default::default())
            .hint(format!(
                "delete them (kubectl delete node {}), or restore node group `{group}` in the templates",
                shown.join(" ")
            )),
        );
    }
}

/// Real nodes that name a node group: from CA 1.30, `Refresh()` counts every node whose group
/// name matches into the group's target, while only kwok nodes are its instances. The real CA
/// 1.36 then logs "Node group G is not ready for scaleup - unhealthy" every loop (the tests run it).
fn real_nodes_in_groups(
    facts: &ClusterFacts,
    analysis: &Analysis,
    sources: &mut Vec<Source>,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(nodes), Some(settings)) = (&facts.real_group_nodes, &analysis.verdict.settings)
    else {
        return;
    };
    if !analysis.verdict.version.recounts_target_sizes() {
        return;
    }
    let groups = group_names(analysis);
    let from_cluster = settings.read_nodes_from == crate::provider::config::ReadNodesFrom::Cluster;
    let mut by_group: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in nodes {
        if let Some(group) = node.group.as_deref()
            && (groups.contains(group) || (from_cluster && !analysis.verdict.node_groups_known))
        {
            by_group.entry(group).or_default().push(&node.name);
        }
    }
    let key = &settings.grouping_key;
    for (group, names) in by_group {
        let source = object_source(sources, format!("node/{}", names[0]));
        let (shown, more) = first_few(&names);
        let why = if from_cluster {
            " (with readNodesFrom: cluster, the nodes CA copies as templates always do this)"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                RuleId::RealNodesInNodeGroup,
                format!(
                    "{} ({}{more}) {} not kwok's but carr{} `{key}: {group}`: CA {} counts {} into node group `{group}`'s size every loop, finds no instance for {}, and never scales the group up (\"Node group {group} is not ready for scaleup - unhealthy\"){why}",
                    if names.len() == 1 { "a real node" } else { "real nodes" },
                    shown.join(", "),
                    if names.len() == 1 { "is" } else { "are" },
                    if names.len() == 1 { "ies" } else { "y" },
                    analysis.verdict.version,
                    if names.len() == 1 { "it" } else { "them" },
                    if names.len() == 1 { "it" } else { "them" },
                ),
            )
            .at(source, Default::default())
            .hint(format!(
                "remove the key from the real nodes (kubectl label node {} {key}-), or group by a dedicated key such as `kwok-nodegroup` (with readNodesFrom: configmap)",
                shown.join(" ")
            )),
        );
    }
}

/// Nodes with a kwok providerID and no group: CA 1.29's `NodeGroupForNode` asks `getNGName` for
/// their group once CA has a node group, and `getNGName` ends CA with `klog.Fatalf` (exit 255) at
/// its first loop. CA 1.30+ skip such nodes. This changes the verdict: CA does not keep running.
fn ungrouped_provider_nodes(
    facts: &ClusterFacts,
    analysis: &mut Analysis,
    sources: &mut Vec<Source>,
    out: &mut Vec<Diagnostic>,
) {
    let verdict = &analysis.verdict;
    let (Some(names), Some(settings)) = (&facts.ungrouped_provider_nodes, &verdict.settings) else {
        return;
    };
    if names.is_empty()
        || !verdict.version.timestamps_group_names()
        || verdict.failure.is_some()
        || verdict.node_groups.is_empty()
    {
        return;
    }
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    names.sort_unstable();
    let (by, key) = (settings.group_by.noun(), settings.grouping_key.clone());
    let ca_message = format!(
        "{by} '{key}' for node '{}' not present in the manifest",
        names[0]
    );
    let source = object_source(sources, format!("node/{}", names[0]));
    let (shown, more) = first_few(&names);
    out.push(
        Diagnostic::new(
            RuleId::KwokNodesWithoutGroup,
            format!(
                "{} ({}{more}) {} a kwok providerID but neither `{ANNOTATION_NODEGROUP_NAME}` nor `{key}`: CA {} exits in the first loop that meets it (\"{ca_message}\", exit 255)",
                if names.len() == 1 { "a node" } else { "nodes" },
                shown.join(", "),
                if names.len() == 1 { "has" } else { "have" },
                verdict.version,
            ),
        )
        .at(source, Default::default())
        .hint(format!(
            "delete the leftovers (kubectl delete node {}), or give them `{key}`; CA 1.30 and later skip such nodes",
            shown.join(" ")
        )),
    );
    let verdict = &mut analysis.verdict;
    verdict.starts = false;
    verdict.failure = Some(CaFailure::new(
        ca_message,
        format!(
            "CA {} starts, then asks every node whose providerID starts with `kwok` for its node group; a node with neither the name annotation nor `{key}` ends CA (klog.Fatalf, exit 255; it names the first such node it meets)",
            verdict.version
        ),
    ));
}

#[cfg(test)]
mod kwok_evidence_tests {
    use super::KwokEvidence;

    #[test]
    fn any_trace_proves_a_controller_and_only_a_full_read_proves_none() {
        let none_found = KwokEvidence {
            deployment: Some(false),
            ready_fake_nodes: Some(false),
            stage_crd: Some(false),
            stage_objects: Some(false),
        };
        assert_eq!(none_found.present(), Some(false));
        for trace in [
            KwokEvidence {
                deployment: Some(true),
                ..none_found
            },
            KwokEvidence {
                ready_fake_nodes: Some(true),
                ..none_found
            },
            KwokEvidence {
                stage_crd: Some(true),
                ..none_found
            },
            KwokEvidence {
                stage_objects: Some(true),
                stage_crd: None,
                ..none_found
            },
        ] {
            assert_eq!(trace.present(), Some(true), "{trace:?}");
        }
        // A Ready fake node counts even when nothing else could be read.
        let only_nodes = KwokEvidence {
            ready_fake_nodes: Some(true),
            ..KwokEvidence::default()
        };
        assert_eq!(only_nodes.present(), Some(true));
        for unknown in [
            KwokEvidence {
                deployment: None,
                ..none_found
            },
            KwokEvidence {
                ready_fake_nodes: None,
                ..none_found
            },
            KwokEvidence {
                stage_crd: None,
                stage_objects: None,
                ..none_found
            },
        ] {
            assert_eq!(unknown.present(), None, "{unknown:?}");
        }
        // The CRD unreadable, but its objects read: none.
        let objects_read = KwokEvidence {
            stage_crd: None,
            ..none_found
        };
        assert_eq!(objects_read.present(), Some(false));
    }
}
