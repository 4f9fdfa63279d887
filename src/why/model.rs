//! `why`'s model (pure): does one pod of an owner fit a new node of each group, every reason with numbers, and how many new nodes the owner's pods need (first fit, decreasing, as CA's estimator).

pub use crate::provider::pods::{RESOURCE_PODS, Resources, pod_requests};
use crate::provider::pods::{add_quantities, sum_into, tolerates};
use crate::provider::{KUBE_PROXY_CPU_MILLIS, TAINT_KEY, TAINT_VALUE};
use k8s_openapi::api::core::v1::{Node, NodeSelectorRequirement, PodSpec, Taint, Toleration};
use serde::Serialize;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

/// Slack for float sums of quantities (well under 1 milli-unit).
const EPSILON: f64 = 1e-6;

/// A node group as a new node of it would look, with its size and CA's view of it.
#[derive(Debug, Clone)]
pub struct GroupInput {
    pub name: String,
    /// The template as CA prepares it (`nodegroups::prepare_template`), kwok taint included.
    pub node: Node,
    pub max: i64,
    /// The group's kwok nodes that exist.
    pub size: i64,
    /// CA's target size (its status ConfigMap), when known.
    pub target: Option<i64>,
    /// CA's scale-up backoff of the group: (error code, message).
    pub backoff: Option<(String, String)>,
}

/// A DaemonSet's pod template, for the pods it would put on a new node.
#[derive(Debug, Clone)]
pub struct DaemonSetPod {
    /// `namespace/name`.
    pub name: String,
    pub spec: PodSpec,
}

/// What kind of refusal a reason is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasonKind {
    Taint,
    Selector,
    Affinity,
    Resource,
    Max,
    Backoff,
    Pods,
    Other,
}

/// One reason a group cannot take the pod, with its numbers (`details`, kind-specific).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub message: String,
    #[serde(flatten)]
    pub details: Map<String, Json>,
}

/// The answer for one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupAnswer {
    pub name: String,
    pub fits: bool,
    pub nodes_needed: Option<u64>,
    pub reasons: Vec<Reason>,
}

fn reason(kind: ReasonKind, message: String, details: Json) -> Reason {
    Reason {
        kind,
        message,
        details: match details {
            Json::Object(map) => map,
            _ => Map::new(),
        },
    }
}

/// A node's allocatable resources.
pub fn allocatable(node: &Node) -> Resources {
    let mut out = Resources::new();
    add_quantities(
        &mut out,
        node.status.as_ref().and_then(|s| s.allocatable.as_ref()),
    );
    out
}

fn labels(node: &Node) -> BTreeMap<String, String> {
    node.metadata.labels.clone().unwrap_or_default()
}

/// The taints that keep `tolerations` off the node (NoSchedule and NoExecute ones).
fn untolerated<'n>(tolerations: &[Toleration], node: &'n Node) -> Vec<&'n Taint> {
    node.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .filter(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
        .collect()
}

fn taint_text(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

fn toleration_for(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!(
            "{{key: {}, operator: Equal, value: \"{v}\", effect: {}}}",
            t.key, t.effect
        ),
        None => format!("{{key: {}, operator: Exists, effect: {}}}", t.key, t.effect),
    }
}

/// Whether one node-selector requirement holds on `labels`.
fn requirement_holds(req: &NodeSelectorRequirement, labels: &BTreeMap<String, String>) -> bool {
    let value = labels.get(&req.key);
    let values = req.values.as_deref().unwrap_or_default();
    let number = |v: &str| v.parse::<i64>().ok();
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => match (
            value.and_then(|v| number(v)),
            values.first().and_then(|v| number(v)),
        ) {
            (Some(have), Some(bound)) if req.operator == "Gt" => have > bound,
            (Some(have), Some(bound)) => have < bound,
            _ => false,
        },
        _ => false,
    }
}

/// The scheduling refusals (taints, selector, affinity) of a pod on a node, resources apart.
fn placement_reasons(spec: &PodSpec, node: &Node, extra_tolerations: &[Toleration]) -> Vec<Reason> {
    let mut reasons = Vec::new();
    let node_labels = labels(node);
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    tolerations.extend_from_slice(extra_tolerations);
    for taint in untolerated(&tolerations, node) {
        let is_kwok = taint.key == TAINT_KEY && taint.value.as_deref() == Some(TAINT_VALUE);
        let add = toleration_for(taint);
        reasons.push(reason(
            ReasonKind::Taint,
            format!(
                "the pod does not tolerate the taint {}{}; add `tolerations: [{add}]`",
                taint_text(taint),
                if is_kwok {
                    " (every kwok node has it)"
                } else {
                    ""
                }
            ),
            json!({"taint": taint_text(taint), "toleration": add}),
        ));
    }
    for (key, wanted) in spec.node_selector.iter().flatten() {
        let has = node_labels.get(key);
        if has != Some(wanted) {
            let shown = has.map_or_else(|| "no such label".to_owned(), |v| format!("`{v}`"));
            reasons.push(reason(
                ReasonKind::Selector,
                format!("nodeSelector wants {key}={wanted}; the template has {shown}"),
                json!({"key": key, "wants": wanted, "template": has}),
            ));
        }
    }
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|s| s.node_selector_terms.as_slice());
    if let Some(terms) = terms {
        let term_matches = |term: &k8s_openapi::api::core::v1::NodeSelectorTerm| {
            let exprs = term.match_expressions.as_deref().unwrap_or_default();
            let fields = term.match_fields.as_deref().unwrap_or_default();
            (!exprs.is_empty() || !fields.is_empty())
                && fields.is_empty()
                && exprs.iter().all(|r| requirement_holds(r, &node_labels))
        };
        if !terms.iter().any(term_matches) {
            let fields_only = terms
                .iter()
                .any(|t| t.match_fields.as_ref().is_some_and(|f| !f.is_empty()));
            let failing = terms
                .iter()
                .flat_map(|t| t.match_expressions.iter().flatten())
                .find(|r| !requirement_holds(r, &node_labels));
            match failing {
                Some(req) => {
                    let has = node_labels.get(&req.key);
                    let values = req.values.clone().unwrap_or_default();
                    reasons.push(reason(
                        ReasonKind::Affinity,
                        format!(
                            "required node affinity wants {} {} [{}]; the template has {}",
                            req.key,
                            req.operator,
                            values.join(", "),
                            has.map_or_else(|| "no such label".to_owned(), |v| format!("`{v}`"))
                        ),
                        json!({"key": req.key, "operator": req.operator, "wants": values, "template": has}),
                    ));
                }
                None if fields_only => reasons.push(reason(
                    ReasonKind::Other,
                    "required node affinity matches node fields (a node's name); a new node has a new name".to_owned(),
                    json!({}),
                )),
                None => reasons.push(reason(
                    ReasonKind::Affinity,
                    "required node affinity has no term a node can match (an empty term matches nothing)".to_owned(),
                    json!({}),
                )),
            }
        }
    }
    reasons
}

/// The tolerations a DaemonSet controller adds to its pods (those that can matter on a new node).
fn daemonset_tolerations() -> Vec<Toleration> {
    let exists = |key: &str, effect: &str| Toleration {
        key: Some(key.to_owned()),
        operator: Some("Exists".to_owned()),
        effect: Some(effect.to_owned()),
        ..Default::default()
    };
    vec![
        exists("node.kubernetes.io/not-ready", "NoExecute"),
        exists("node.kubernetes.io/unreachable", "NoExecute"),
        exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
        exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
        exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
        exists("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
}

/// What a new node of the group has taken before the pending pods come: CA's simulated
/// kube-proxy pod and the DaemonSet pods that would land on it (their names, their sum).
pub fn daemon_load(node: &Node, daemonsets: &[DaemonSetPod]) -> (Vec<String>, Resources) {
    let mut load = Resources::new();
    load.insert("cpu".to_owned(), KUBE_PROXY_CPU_MILLIS / 1000.0);
    load.insert(RESOURCE_PODS.to_owned(), 1.0);
    let mut names = vec!["kube-proxy (CA's simulated pod)".to_owned()];
    let extra = daemonset_tolerations();
    for ds in daemonsets {
        if placement_reasons(&ds.spec, node, &extra).is_empty() {
            sum_into(&mut load, &pod_requests(&ds.spec));
            names.push(ds.name.clone());
        }
    }
    (names, load)
}

/// What is left for the pending pods on a new node: allocatable minus the daemon load.
fn room(allocatable: &Resources, load: &Resources) -> Resources {
    let mut left = allocatable.clone();
    for (name, v) in load {
        *left.entry(name.clone()).or_default() -= v;
    }
    left
}

fn fits_in(request: &Resources, room: &Resources) -> bool {
    request
        .iter()
        .all(|(name, v)| *v <= room.get(name).copied().unwrap_or(0.0) + EPSILON)
}

/// A quantity for people: `1500m`/`2` cores, `1Gi`/`512Mi` bytes, plain counts.
pub fn format_quantity(resource: &str, value: f64) -> String {
    let is_bytes = resource == "memory"
        || resource == "ephemeral-storage"
        || resource.starts_with("hugepages-");
    if resource == "cpu" {
        let millis = (value * 1000.0).round() as i64;
        return if millis % 1000 == 0 {
            (millis / 1000).to_string()
        } else {
            format!("{millis}m")
        };
    }
    if is_bytes {
        let bytes = value.round() as i64;
        for (unit, size) in [
            ("Ti", 1i64 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ] {
            if bytes != 0 && bytes % size == 0 {
                return format!("{}{unit}", bytes / size);
            }
        }
        if bytes.abs() >= 1 << 20 {
            return format!("{:.1}Mi", value / (1u64 << 20) as f64);
        }
        return bytes.to_string();
    }
    if (value - value.round()).abs() < EPSILON {
        format!("{}", value.round() as i64)
    } else {
        let millis = (value * 1000.0).round() as i64;
        format!("{millis}m")
    }
}

/// Requests for people and JSON (the `pods` count left out).
pub fn shown_requests(requests: &Resources) -> BTreeMap<String, String> {
    requests
        .iter()
        .filter(|(name, _)| name.as_str() != RESOURCE_PODS)
        .map(|(name, v)| (name.clone(), format_quantity(name, *v)))
        .collect()
}

/// CA's `DecreasingPodOrderer` score: the pod's cpu and memory shares of the node, added.
fn pack_score(request: &Resources, allocatable: &Resources) -> f64 {
    ["cpu", "memory"]
        .iter()
        .map(|r| {
            let have = allocatable.get(*r).copied().unwrap_or(0.0);
            if have > 0.0 {
                request.get(*r).copied().unwrap_or(0.0) / have
            } else {
                0.0
            }
        })
        .sum()
}

/// How many new nodes `requests` need when each new node offers `room`: first fit, pods in
/// decreasing order, as CA's binpacking estimator. Pods that fit no empty node are left out.
pub fn nodes_needed(requests: &[Resources], room: &Resources, allocatable: &Resources) -> u64 {
    let mut order: Vec<&Resources> = requests.iter().filter(|r| fits_in(r, room)).collect();
    order.sort_by(|a, b| pack_score(b, allocatable).total_cmp(&pack_score(a, allocatable)));
    let mut nodes: Vec<Resources> = Vec::new();
    for request in order {
        match nodes.iter_mut().find(|left| fits_in(request, left)) {
            Some(left) => {
                for (name, v) in request {
                    *left.entry(name.clone()).or_default() -= v;
                }
            }
            None => {
                let mut left = room.clone();
                for (name, v) in request {
                    *left.entry(name.clone()).or_default() -= v;
                }
                nodes.push(left);
            }
        }
    }
    nodes.len() as u64
}

/// Every group's answer for one owner's pending pods (`specs`, one per pod; the first stands
/// for all when saying why): fitting groups first, then the rest, each in CA's order.
pub fn explain(
    specs: &[&PodSpec],
    groups: &[GroupInput],
    daemonsets: &[DaemonSetPod],
) -> Vec<GroupAnswer> {
    let Some(first) = specs.first() else {
        return Vec::new();
    };
    let all_requests: Vec<Resources> = specs.iter().map(|s| pod_requests(s)).collect();
    let request = &all_requests[0];
    let mut answers: Vec<GroupAnswer> = groups
        .iter()
        .map(|group| {
            let mut reasons = placement_reasons(first, &group.node, &[]);
            let allocatable = allocatable(&group.node);
            let (daemons, load) = daemon_load(&group.node, daemonsets);
            let left = room(&allocatable, &load);
            for (name, wanted) in request {
                let have = allocatable.get(name).copied().unwrap_or(0.0);
                let taken = load.get(name).copied().unwrap_or(0.0);
                let free = have - taken;
                if *wanted <= free + EPSILON {
                    continue;
                }
                let fmt = |v: f64| format_quantity(name, v);
                if name == RESOURCE_PODS {
                    reasons.push(reason(
                        ReasonKind::Pods,
                        format!(
                            "a new node holds {} pods, {} of them taken by {}",
                            fmt(have),
                            fmt(taken),
                            daemons.join(", ")
                        ),
                        json!({"capacity": have as i64, "daemonSetPods": taken as i64}),
                    ));
                    continue;
                }
                let message = if have <= 0.0 {
                    format!(
                        "the pod requests {} {name}; the template has none",
                        fmt(*wanted)
                    )
                } else if taken <= 0.0 {
                    format!(
                        "the pod requests {} {name}; a new node has {}",
                        fmt(*wanted),
                        fmt(have)
                    )
                } else {
                    format!(
                        "the pod requests {} {name}; a new node has {} free ({} allocatable - {} for {})",
                        fmt(*wanted),
                        fmt(free),
                        fmt(have),
                        fmt(taken),
                        daemons.join(", ")
                    )
                };
                reasons.push(reason(
                    ReasonKind::Resource,
                    message,
                    json!({"resource": name, "requested": fmt(*wanted), "allocatable": fmt(have),
                           "daemonSets": fmt(taken), "free": fmt(free)}),
                ));
            }
            let size = group.target.unwrap_or(group.size).max(group.size);
            if size >= group.max {
                let target = group
                    .target
                    .map_or_else(String::new, |t| format!(", CA's target {t}"));
                reasons.push(reason(
                    ReasonKind::Max,
                    format!(
                        "the group is {} its max-count: {} kwok nodes{target}, max-count {}",
                        if size > group.max { "above" } else { "at" },
                        group.size,
                        group.max
                    ),
                    json!({"size": group.size, "target": group.target, "max": group.max}),
                ));
            }
            if let Some((code, message)) = &group.backoff {
                reasons.push(reason(
                    ReasonKind::Backoff,
                    format!("CA backs off scaling this group: {code}: {message}"),
                    json!({"errorCode": code, "errorMessage": message}),
                ));
            }
            let fits = reasons.is_empty();
            let nodes = fits.then(|| {
                let headroom = (group.max - size).max(0) as u64;
                nodes_needed(&all_requests, &left, &allocatable).min(headroom)
            });
            GroupAnswer {
                name: group.name.clone(),
                fits,
                nodes_needed: nodes,
                reasons,
            }
        })
        .collect();
    answers.sort_by_key(|a| !a.fits);
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(value: Json) -> PodSpec {
        serde_json::from_value(value).unwrap()
    }

    fn node(allocatable: Json, labels: Json, taints: Json) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": "t", "labels": labels},
            "spec": {"taints": taints},
            "status": {"allocatable": allocatable},
        }))
        .unwrap()
    }

    fn group(name: &str, node: Node, size: i64, max: i64) -> GroupInput {
        GroupInput {
            name: name.into(),
            node,
            max,
            size,
            target: None,
            backoff: None,
        }
    }

    fn kwok_taint() -> Json {
        json!([{"key": "kwok-provider", "value": "true", "effect": "NoSchedule"}])
    }

    fn tolerating(containers: Json) -> PodSpec {
        spec(json!({
            "containers": containers,
            "tolerations": [{"key": "kwok-provider", "operator": "Exists"}],
        }))
    }

    #[test]
    fn requests_are_the_larger_of_containers_and_init_containers_plus_overhead() {
        let s = spec(json!({
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                {"name": "b", "resources": {"requests": {"cpu": "1", "memory": "512Mi"}}},
            ],
            "initContainers": [
                {"name": "i", "resources": {"requests": {"cpu": "2", "memory": "100Mi"}}},
                // A sidecar runs beside the containers: it adds to their sum.
                {"name": "s", "restartPolicy": "Always", "resources": {"requests": {"memory": "256Mi"}}},
            ],
            "overhead": {"cpu": "100m"},
        }));
        let r = pod_requests(&s);
        assert_eq!(
            format_quantity("cpu", r["cpu"]),
            "2100m",
            "init 2 > sum 1.5, + 100m"
        );
        assert_eq!(
            format_quantity("memory", r["memory"]),
            "1792Mi",
            "1.5Gi + sidecar 256Mi"
        );
        assert_eq!(r[RESOURCE_PODS], 1.0);
    }

    #[test]
    fn taint_selector_and_affinity_reasons_name_what_is_wanted_and_what_the_template_has() {
        let n = node(
            json!({"cpu": "4", "pods": "110"}),
            json!({"zone": "a", "size": "4"}),
            kwok_taint(),
        );
        let pod = spec(json!({
            "containers": [{"name": "a"}],
            "nodeSelector": {"zone": "b"},
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "size", "operator": "Gt", "values": ["8"]}]}]}}},
        }));
        let answers = explain(&[&pod], &[group("g", n, 0, 5)], &[]);
        let kinds: Vec<_> = answers[0].reasons.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                ReasonKind::Taint,
                ReasonKind::Selector,
                ReasonKind::Affinity
            ]
        );
        assert_eq!(answers[0].reasons[1].details["template"], "a");
        assert_eq!(answers[0].reasons[2].details["operator"], "Gt");
        assert!(!answers[0].fits);
        assert_eq!(answers[0].nodes_needed, None);
        // Exists with no key tolerates every taint; a matching term passes.
        let fine = spec(json!({
            "containers": [{"name": "a"}],
            "tolerations": [{"operator": "Exists"}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}},
        }));
        let n = node(
            json!({"cpu": "4", "pods": "110"}),
            json!({"zone": "a"}),
            kwok_taint(),
        );
        assert!(explain(&[&fine], &[group("g", n, 0, 5)], &[])[0].fits);
    }

    #[test]
    fn resources_count_kube_proxy_and_the_daemonsets_that_land_and_pods_capacity() {
        let n = node(
            json!({"cpu": "2", "memory": "4Gi", "pods": "2"}),
            json!({}),
            kwok_taint(),
        );
        let landing = DaemonSetPod {
            name: "daemonset kube-system/agent".into(),
            spec: tolerating(json!([{"name": "a", "resources": {"requests": {"cpu": "1"}}}])),
        };
        // It does not tolerate the kwok taint: it stays off new nodes.
        let staying = DaemonSetPod {
            name: "daemonset kube-system/other".into(),
            spec: spec(
                json!({"containers": [{"name": "a", "resources": {"requests": {"memory": "4Gi"}}}]}),
            ),
        };
        let pod = tolerating(
            json!([{"name": "a", "resources": {"requests": {"cpu": "1", "nvidia.com/gpu": "1"}}}]),
        );
        let answers = explain(&[&pod], &[group("g", n, 0, 5)], &[landing, staying]);
        let reasons = &answers[0].reasons;
        let cpu = reasons
            .iter()
            .find(|r| r.details["resource"] == "cpu")
            .unwrap();
        assert_eq!(cpu.details["free"], "900m");
        assert_eq!(cpu.details["daemonSets"], "1100m");
        assert!(
            cpu.message.contains("daemonset kube-system/agent") && !cpu.message.contains("other")
        );
        let gpu = reasons
            .iter()
            .find(|r| r.details["resource"] == "nvidia.com/gpu")
            .unwrap();
        assert!(
            gpu.message.ends_with("the template has none"),
            "{}",
            gpu.message
        );
        let pods = reasons.iter().find(|r| r.kind == ReasonKind::Pods).unwrap();
        assert_eq!(pods.details["capacity"], 2);
        assert_eq!(
            memory_reasons(reasons),
            0,
            "the 4Gi DaemonSet does not land"
        );
    }

    fn memory_reasons(reasons: &[Reason]) -> usize {
        reasons
            .iter()
            .filter(|r| r.details.get("resource") == Some(&json!("memory")))
            .count()
    }

    #[test]
    fn max_and_backoff_refuse_and_nodes_needed_is_capped_by_the_headroom() {
        let n = node(json!({"cpu": "4", "pods": "110"}), json!({}), json!([]));
        let pod =
            spec(json!({"containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}}}]}));
        let pods: Vec<&PodSpec> = std::iter::repeat_n(&pod, 10).collect();
        // 3.9 cpu free: 3 pods a node, 10 pods need 4 nodes; 2 of the 5 exist: room for 3.
        let answers = explain(&pods, &[group("g", n.clone(), 2, 5)], &[]);
        assert_eq!(answers[0].nodes_needed, Some(3));
        assert_eq!(
            explain(&pods, &[group("g", n.clone(), 0, 5)], &[])[0].nodes_needed,
            Some(4)
        );
        let mut at_max = group("full", n.clone(), 3, 5);
        at_max.target = Some(5);
        at_max.backoff = Some(("cloudProviderError".into(), "quota".into()));
        let answers = explain(&pods, &[at_max, group("g", n, 0, 5)], &[]);
        assert_eq!(answers[0].name, "g", "the fitting group comes first");
        let kinds: Vec<_> = answers[1].reasons.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [ReasonKind::Max, ReasonKind::Backoff]);
        assert!(
            answers[1].reasons[0]
                .message
                .contains("3 kwok nodes, CA's target 5, max-count 5")
        );
        // Past its max (`scale --ignore-limits`): said so.
        let above = group(
            "over",
            node(json!({"cpu": "4", "pods": "110"}), json!({}), json!([])),
            6,
            5,
        );
        let answers = explain(&pods, &[above], &[]);
        assert_eq!(
            answers[0].reasons[0].message,
            "the group is above its max-count: 6 kwok nodes, max-count 5"
        );
    }

    #[test]
    fn bin_packing_is_first_fit_decreasing() {
        let room: Resources = [("cpu".to_owned(), 4.0), (RESOURCE_PODS.to_owned(), 110.0)].into();
        let pod = |cpu: f64| -> Resources {
            [("cpu".to_owned(), cpu), (RESOURCE_PODS.to_owned(), 1.0)].into()
        };
        // In this order first fit needs 3 nodes (1+1, 3, 3); decreasing, 2 (3+1, 3+1).
        let requests = [pod(1.0), pod(1.0), pod(3.0), pod(3.0)];
        assert_eq!(nodes_needed(&requests, &room, &room), 2);
        // A pod that fits no empty node is left out, not looped on.
        assert_eq!(nodes_needed(&[pod(5.0)], &room, &room), 0);
        assert_eq!(nodes_needed(&[], &room, &room), 0);
    }

    #[test]
    fn quantities_read_as_kubectl_writes_them() {
        assert_eq!(format_quantity("cpu", 1.5), "1500m");
        assert_eq!(format_quantity("cpu", 2.0), "2");
        assert_eq!(format_quantity("memory", 15.0 * 1024f64.powi(3)), "15Gi");
        assert_eq!(format_quantity("memory", 1000.0), "1000");
        assert_eq!(format_quantity("nvidia.com/gpu", 1.0), "1");
    }
}
