//! Pods and nodes as CA and the scheduler see them: pending pods, tolerations of the kwok taint, which group a node counts in (pure).

use super::config::{GroupBy, ProviderSettings};
use super::{
    ANNOTATION_KWOK_NODE, ANNOTATION_NODEGROUP_NAME, TAINT_EFFECT, TAINT_KEY, TAINT_VALUE,
    nodegroups, quantity,
};
use k8s_openapi::api::core::v1::{Node, Pod};
use std::collections::BTreeMap;

/// A toleration as written on a pod.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
}

impl Toleration {
    /// Kubernetes' ToleratesTaint for the kwok-provider taint.
    pub fn tolerates_kwok_taint(&self) -> bool {
        let effect_ok = self.effect.is_empty() || self.effect == TAINT_EFFECT;
        let key_ok = self.key == TAINT_KEY || (self.key.is_empty() && self.operator == "Exists");
        let value_ok = self.operator == "Exists" || self.value == TAINT_VALUE;
        effect_ok && key_ok && value_ok
    }
}

/// A pending pod, reduced to what decides whether a template would fit it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PendingPod {
    pub namespace: String,
    pub name: String,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    /// Sum of container requests, in cores.
    pub cpu: f64,
    /// Sum of container requests, in bytes.
    pub memory: f64,
}

/// A node and the node group CA counts it in, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupedNode {
    pub name: String,
    /// Its `cluster-autoscaler.kwok.nodegroup/name` annotation, else its grouping value.
    pub group: Option<String>,
}

/// A pod the scheduler could not place (phase Pending, no node), as the rules need it.
pub fn pending_pod(pod: &Pod) -> Option<PendingPod> {
    let status_pending = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending");
    let spec = pod.spec.as_ref()?;
    if !status_pending || spec.node_name.as_deref().is_some_and(|n| !n.is_empty()) {
        return None;
    }
    let request = |resource: &str| -> f64 {
        spec.containers
            .iter()
            .filter_map(|c| c.resources.as_ref()?.requests.as_ref()?.get(resource))
            .filter_map(|q| quantity::parse(&q.0))
            .sum()
    };
    Some(PendingPod {
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        node_selector: spec
            .node_selector
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        tolerations: spec
            .tolerations
            .iter()
            .flatten()
            .map(|t| Toleration {
                key: t.key.clone().unwrap_or_default(),
                operator: t.operator.clone().unwrap_or_else(|| "Equal".to_owned()),
                value: t.value.clone().unwrap_or_default(),
                effect: t.effect.clone().unwrap_or_default(),
            })
            .collect(),
        cpu: request("cpu"),
        memory: request("memory"),
    })
}

/// A node CA created (or `scale` did): owned by the provider and marked fake.
pub fn kwok_node(node: &Node, settings: Option<&ProviderSettings>) -> Option<GroupedNode> {
    let provider_id = node.spec.as_ref().and_then(|s| s.provider_id.as_deref());
    let annotations = node.metadata.annotations.clone().unwrap_or_default();
    let annotation = |key: &str| annotations.get(key).map(String::as_str);
    if !nodegroups::is_provider_node(provider_id)
        || !nodegroups::is_fake_node(annotation(ANNOTATION_KWOK_NODE))
    {
        return None;
    }
    Some(group_node(node, settings))
}

/// A node that is not the provider's (no `kwok` providerID) but that CA counts into a group.
pub fn real_node_in_group(node: &Node, settings: Option<&ProviderSettings>) -> Option<GroupedNode> {
    let provider_id = node.spec.as_ref().and_then(|s| s.provider_id.as_deref());
    if nodegroups::is_provider_node(provider_id) {
        return None;
    }
    Some(group_node(node, settings)).filter(|n| n.group.is_some())
}

/// A node CA 1.29 dies on: its providerID starts with `kwok` (so `NodeGroupForNode` asks its group)
/// but it has neither the name annotation nor the grouping key. 1.29's `getNGName` then calls
/// `klog.Fatalf("%s '%s' for node '%s' not present in the manifest")`; 1.30+ only skip it.
pub fn ungrouped_provider_node(node: &Node, settings: &ProviderSettings) -> Option<String> {
    let provider_id = node.spec.as_ref().and_then(|s| s.provider_id.as_deref());
    if !nodegroups::is_provider_node(provider_id) {
        return None;
    }
    let non_empty = |map: Option<&BTreeMap<String, String>>, key: &str| {
        map.and_then(|m| m.get(key)).is_some_and(|v| !v.is_empty())
    };
    let annotations = node.metadata.annotations.as_ref();
    if non_empty(annotations, ANNOTATION_NODEGROUP_NAME) {
        return None;
    }
    let grouping = match settings.group_by {
        GroupBy::Label => node.metadata.labels.as_ref(),
        GroupBy::Annotation => annotations,
    };
    if non_empty(grouping, &settings.grouping_key) {
        return None;
    }
    node.metadata.name.clone()
}

/// Any node with the group CA's `Refresh()` counts it in (the name annotation, else the grouping value).
pub fn group_node(node: &Node, settings: Option<&ProviderSettings>) -> GroupedNode {
    let annotations = node.metadata.annotations.clone().unwrap_or_default();
    let annotation = |key: &str| annotations.get(key).map(String::as_str);
    let grouping_value = |s: &ProviderSettings| {
        let source = match s.group_by {
            GroupBy::Label => node.metadata.labels.as_ref(),
            GroupBy::Annotation => node.metadata.annotations.as_ref(),
        };
        source.and_then(|m| m.get(&s.grouping_key)).cloned()
    };
    GroupedNode {
        name: node.metadata.name.clone().unwrap_or_default(),
        group: nodegroups::live_node_group(
            annotation(ANNOTATION_NODEGROUP_NAME),
            grouping_value,
            settings,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        Container, NodeSpec, PodSpec, PodStatus, ResourceRequirements, Toleration as PodToleration,
    };
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    #[test]
    fn toleration_matching() {
        let t = |key: &str, op: &str, value: &str, effect: &str| Toleration {
            key: key.into(),
            operator: op.into(),
            value: value.into(),
            effect: effect.into(),
        };
        assert!(t("kwok-provider", "Equal", "true", "NoSchedule").tolerates_kwok_taint());
        assert!(t("kwok-provider", "Exists", "", "").tolerates_kwok_taint());
        assert!(t("", "Exists", "", "").tolerates_kwok_taint());
        assert!(!t("kwok-provider", "Equal", "false", "NoSchedule").tolerates_kwok_taint());
        assert!(!t("kwok-provider", "Equal", "true", "NoExecute").tolerates_kwok_taint());
        assert!(!t("other", "Exists", "", "").tolerates_kwok_taint());
    }

    fn pod(phase: &str, node_name: Option<&str>) -> Pod {
        let requests = |cpu: &str, memory: &str| ResourceRequirements {
            requests: Some(
                [
                    ("cpu".to_owned(), Quantity(cpu.into())),
                    ("memory".to_owned(), Quantity(memory.into())),
                ]
                .into(),
            ),
            ..Default::default()
        };
        Pod {
            metadata: ObjectMeta {
                name: Some("web-0".into()),
                namespace: Some("shop".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: node_name.map(Into::into),
                node_selector: Some([("kwok-nodegroup".to_owned(), "ng".to_owned())].into()),
                tolerations: Some(vec![PodToleration {
                    key: Some(TAINT_KEY.into()),
                    operator: None,
                    value: Some(TAINT_VALUE.into()),
                    effect: Some(TAINT_EFFECT.into()),
                    ..Default::default()
                }]),
                containers: vec![
                    Container {
                        name: "a".into(),
                        resources: Some(requests("500m", "1Gi")),
                        ..Default::default()
                    },
                    Container {
                        name: "b".into(),
                        resources: Some(requests("1", "512Mi")),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn a_pending_unscheduled_pod_sums_its_container_requests() {
        let pending = pending_pod(&pod("Pending", None)).expect("pending");
        assert_eq!(
            (pending.namespace.as_str(), pending.name.as_str()),
            ("shop", "web-0")
        );
        assert_eq!(pending.cpu, 1.5);
        assert_eq!(pending.memory, 1.5 * 1024.0 * 1024.0 * 1024.0);
        assert_eq!(pending.node_selector["kwok-nodegroup"], "ng");
        // An omitted operator is `Equal`, as the API server defaults it.
        assert_eq!(pending.tolerations[0].operator, "Equal");
        assert!(pending.tolerations[0].tolerates_kwok_taint());
        assert_eq!(pending_pod(&pod("Running", None)), None);
        assert_eq!(
            pending_pod(&pod("Pending", Some("node-1"))),
            None,
            "bound, waiting for kubelet"
        );
    }

    fn node(
        provider_id: Option<&str>,
        annotations: &[(&str, &str)],
        labels: &[(&str, &str)],
    ) -> Node {
        let map = |pairs: &[(&str, &str)]| {
            Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        Node {
            metadata: ObjectMeta {
                name: Some("n1".into()),
                annotations: map(annotations),
                labels: map(labels),
                ..Default::default()
            },
            spec: Some(NodeSpec {
                provider_id: provider_id.map(Into::into),
                ..Default::default()
            }),
            status: None,
        }
    }

    fn settings() -> ProviderSettings {
        let text = super::super::config::parse_text(
            "readNodesFrom: configmap\nnodegroups: {fromNodeLabelKey: kwok-nodegroup}\nconfigmap: {name: t}\n",
        )
        .unwrap();
        super::super::config::decode(&text, super::super::CaVersion::LATEST)
            .check()
            .unwrap()
    }

    #[test]
    fn only_fake_provider_nodes_are_kwoks_and_the_name_annotation_wins_over_the_label() {
        let settings = settings();
        let fake = [
            (ANNOTATION_KWOK_NODE, "fake"),
            (ANNOTATION_NODEGROUP_NAME, "ng-a"),
        ];
        let labelled = [("kwok-nodegroup", "ng-b")];
        let kwok = kwok_node(&node(Some("kwok:n1"), &fake, &labelled), Some(&settings));
        assert_eq!(kwok.and_then(|n| n.group).as_deref(), Some("ng-a"));
        assert_eq!(
            kwok_node(&node(None, &fake, &labelled), Some(&settings)),
            None
        );
        assert_eq!(
            kwok_node(&node(Some("kwok:n1"), &[], &labelled), Some(&settings)),
            None
        );
        let real = group_node(&node(Some("aws:///i-1"), &[], &labelled), Some(&settings));
        assert_eq!(real.group.as_deref(), Some("ng-b"));
        let real = real_node_in_group(&node(Some("aws:///i-1"), &[], &labelled), Some(&settings));
        assert_eq!(real.and_then(|n| n.group).as_deref(), Some("ng-b"));
        let kwoks = real_node_in_group(&node(Some("kwok:n1"), &fake, &labelled), Some(&settings));
        assert_eq!(kwoks, None, "the provider's own nodes are not real nodes");
        let ungrouped = real_node_in_group(&node(None, &[], &[]), Some(&settings));
        assert_eq!(ungrouped, None);
        let unknown = group_node(&node(None, &[], &labelled), None);
        assert_eq!(unknown.group, None, "no settings: no grouping key");
    }

    #[test]
    fn a_kwok_provider_id_without_group_is_what_ca_1_29_dies_on() {
        let settings = settings();
        let name = |n: Node| n.metadata.name.clone();
        let leftover = node(Some("kwok://leftover"), &[], &[]);
        assert_eq!(
            ungrouped_provider_node(&leftover, &settings),
            name(leftover.clone())
        );
        let empty_label = node(Some("kwok:n1"), &[], &[("kwok-nodegroup", "")]);
        assert!(ungrouped_provider_node(&empty_label, &settings).is_some());
        let labelled = node(Some("kwok:n1"), &[], &[("kwok-nodegroup", "ng")]);
        assert_eq!(ungrouped_provider_node(&labelled, &settings), None);
        let annotated = node(Some("kwok:n1"), &[(ANNOTATION_NODEGROUP_NAME, "ng")], &[]);
        assert_eq!(ungrouped_provider_node(&annotated, &settings), None);
        let real = node(Some("aws:///i-1"), &[], &[]);
        assert_eq!(ungrouped_provider_node(&real, &settings), None);
        assert_eq!(
            ungrouped_provider_node(&node(None, &[], &[]), &settings),
            None
        );
    }
}
