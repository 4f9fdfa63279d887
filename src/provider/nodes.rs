//! Which node counts where: CA's four ownership rules (provider-semantics.md §3), each named
//! once here, and the nodes the cluster rules look at (pure).
//!
//! 1. `NodeGroupForNode`: the providerID starts with `kwok` (`is_provider_node`) and the group
//!    name matches.
//! 2. `TargetSize` (`Refresh()`, 1.30+): the group name only, whoever made the node: the name
//!    annotation, else the grouping value (`live_node_group`, `group_node`).
//! 3. `Nodes()`, `DecreaseTargetSize`, `Cleanup`: the group-name annotation only (`listed_group`).
//! 4. `DeleteNodes`: rule 3, and `kwok.x-k8s.io/node: fake` (`is_fake_node`, `deletable_from`).

use super::config::{GroupBy, ProviderSettings};
use super::{ANNOTATION_KWOK_NODE, ANNOTATION_NODEGROUP_NAME, KWOK_NODE_FAKE};
use k8s_openapi::api::core::v1::Node;
use std::collections::BTreeMap;

/// Rule 1 (`NodeGroupForNode`): the kwok provider owns a node whose `spec.providerID` starts
/// with `kwok` (not `kwok:`).
pub fn is_provider_node(provider_id: Option<&str>) -> bool {
    provider_id.is_some_and(|id| id.starts_with("kwok"))
}

/// Rule 2 (`TargetSize`): the group a live node counts into: its node-group annotation, else
/// its grouping label/annotation value (known only with the settings).
pub fn live_node_group(
    nodegroup_annotation: Option<&str>,
    grouping_value: impl FnOnce(&ProviderSettings) -> Option<String>,
    settings: Option<&ProviderSettings>,
) -> Option<String> {
    match nodegroup_annotation.filter(|n| !n.is_empty()) {
        Some(name) => Some(name.to_owned()),
        None => settings.and_then(grouping_value).filter(|v| !v.is_empty()),
    }
}

/// Rule 3 (`Nodes()`, `DecreaseTargetSize`, `Cleanup`): the group its name annotation names,
/// and nothing else counts.
pub fn listed_group(node: &Node) -> Option<&str> {
    node.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(ANNOTATION_NODEGROUP_NAME))
        .map(String::as_str)
}

/// Rule 4 (`DeleteNodes`): CA deletes only a node marked `kwok.x-k8s.io/node: fake`.
pub fn is_fake_node(kwok_node_annotation: Option<&str>) -> bool {
    kwok_node_annotation == Some(KWOK_NODE_FAKE)
}

/// Rule 4 whole, as `scale` keeps to it: in `group` by its name annotation (rule 3), marked
/// fake, and the provider's (rule 1).
pub fn deletable_from(
    group: &str,
    name_annotation: Option<&str>,
    kwok_node_annotation: Option<&str>,
    provider_id: Option<&str>,
) -> bool {
    name_annotation == Some(group)
        && is_fake_node(kwok_node_annotation)
        && is_provider_node(provider_id)
}

/// Whether a node reports condition Ready=True (what a kwok controller keeps its nodes at).
pub fn is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// A node and the node group CA counts it in, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupedNode {
    pub name: String,
    /// Its `cluster-autoscaler.kwok.nodegroup/name` annotation, else its grouping value.
    pub group: Option<String>,
}

/// A node CA created (or `scale` did): owned by the provider and marked fake.
pub fn kwok_node(node: &Node, settings: Option<&ProviderSettings>) -> Option<GroupedNode> {
    let provider_id = node.spec.as_ref().and_then(|s| s.provider_id.as_deref());
    let annotations = node.metadata.annotations.as_ref();
    let annotation = |key: &str| annotations.and_then(|a| a.get(key)).map(String::as_str);
    if !is_provider_node(provider_id) || !is_fake_node(annotation(ANNOTATION_KWOK_NODE)) {
        return None;
    }
    Some(group_node(node, settings))
}

/// A node that is not the provider's (no `kwok` providerID) but that CA counts into a group.
pub fn real_node_in_group(node: &Node, settings: Option<&ProviderSettings>) -> Option<GroupedNode> {
    let provider_id = node.spec.as_ref().and_then(|s| s.provider_id.as_deref());
    if is_provider_node(provider_id) {
        return None;
    }
    Some(group_node(node, settings)).filter(|n| n.group.is_some())
}

/// A node CA 1.29 dies on: its providerID starts with `kwok` (so `NodeGroupForNode` asks its group)
/// but it has neither the name annotation nor the grouping key. 1.29's `getNGName` then calls
/// `klog.Fatalf("%s '%s' for node '%s' not present in the manifest")`; 1.30+ only skip it.
pub fn ungrouped_provider_node(node: &Node, settings: &ProviderSettings) -> Option<String> {
    let provider_id = node.spec.as_ref().and_then(|s| s.provider_id.as_deref());
    if !is_provider_node(provider_id) {
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
    let annotations = node.metadata.annotations.as_ref();
    let annotation = |key: &str| annotations.and_then(|a| a.get(key)).map(String::as_str);
    let grouping_value = |s: &ProviderSettings| {
        let source = match s.group_by {
            GroupBy::Label => node.metadata.labels.as_ref(),
            GroupBy::Annotation => node.metadata.annotations.as_ref(),
        };
        source.and_then(|m| m.get(&s.grouping_key)).cloned()
    };
    GroupedNode {
        name: node.metadata.name.clone().unwrap_or_default(),
        group: live_node_group(
            annotation(ANNOTATION_NODEGROUP_NAME),
            grouping_value,
            settings,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::NodeSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    #[test]
    fn ownership_of_live_nodes() {
        assert!(is_provider_node(Some("kwok:ng1-b2x9k")));
        assert!(is_provider_node(Some("kwok://leftover")));
        assert!(!is_provider_node(Some("aws:///i-123")));
        assert!(!is_provider_node(None));
        assert!(is_fake_node(Some("fake")));
        assert!(!is_fake_node(Some("true")));
        assert!(!is_fake_node(None));
        let s = settings();
        assert_eq!(
            live_node_group(Some("ng1"), |_| Some("x".into()), Some(&s)),
            Some("ng1".into())
        );
        assert_eq!(
            live_node_group(None, |_| Some("x".into()), Some(&s)),
            Some("x".into())
        );
        assert_eq!(live_node_group(None, |_| Some("x".into()), None), None);
        assert!(deletable_from("g", Some("g"), Some("fake"), Some("kwok:n")));
        assert!(!deletable_from(
            "g",
            Some("h"),
            Some("fake"),
            Some("kwok:n")
        ));
        assert!(!deletable_from("g", Some("g"), None, Some("kwok:n")));
        assert!(!deletable_from(
            "g",
            Some("g"),
            Some("fake"),
            Some("aws:///i-1")
        ));
        let annotated = node(
            None,
            &[(ANNOTATION_NODEGROUP_NAME, "ng-a")],
            &[("kwok-nodegroup", "ng-b")],
        );
        assert_eq!(listed_group(&annotated), Some("ng-a"));
        assert_eq!(
            listed_group(&node(None, &[], &[("kwok-nodegroup", "ng-b")])),
            None
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
