//! Template nodes for `init`: from a preset, cleaned from a live node, or read from a templates file (pure).

use super::presets::Preset;
use crate::provider::{
    ANNOTATION_DESIRED_COUNT, ANNOTATION_MAX_COUNT, ANNOTATION_MIN_COUNT, LABEL_CONTROL_PLANE,
    LABEL_HOSTNAME, TAINT_KEY,
};
use serde_json::{Map, Value, json};

/// A template before it is given a group: the node, where it came from, and what it says about sizes and GPUs.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateNode {
    /// The default group name (a preset's or node's name, made a valid name prefix).
    pub suggested_name: String,
    /// For messages: `preset m5.xlarge`, `node kind-worker`, `nodes.yaml[2]`.
    pub origin: String,
    pub node: Value,
    /// The GPU type, when known from a preset (it goes under the chosen GPU label).
    pub gpu_type: Option<String>,
    /// The label the preset's cloud puts that type under (the default `--gpu-label`).
    pub gpu_label_key: Option<String>,
}

/// Labels a live node carries that a template must not (kind and kubeadm control-plane leftovers).
const DROPPED_LABELS: &[&str] = &[
    LABEL_HOSTNAME,
    LABEL_CONTROL_PLANE,
    "node-role.kubernetes.io/master",
    "node.kubernetes.io/exclude-from-external-load-balancers",
];

/// `status` fields a template keeps; conditions, images, addresses and the rest are dropped.
const KEPT_STATUS: &[&str] = &["capacity", "allocatable", "nodeInfo"];
/// `status.nodeInfo` fields that identify one machine, dropped.
const DROPPED_NODE_INFO: &[&str] = &["machineID", "systemUUID", "bootID"];

/// Turns any text into a valid node-name prefix: lowercase, `[a-z0-9-]`, at most 57 characters
/// (CA appends `-` and 5 random characters, and a label value holds 63).
pub fn group_name_from(text: &str) -> String {
    let mut name: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name = name.trim_matches('-');
    let name: String = name.chars().take(MAX_GROUP_NAME).collect();
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "group".to_owned()
    } else {
        name.to_owned()
    }
}

/// Longest group name: 63 (a label value) minus CA's `-xxxxx` suffix.
pub const MAX_GROUP_NAME: usize = 57;

/// Why `name` cannot be a node-group name, if it cannot.
pub fn why_not_group_name(name: &str) -> Option<String> {
    if name.len() > MAX_GROUP_NAME {
        return Some(format!(
            "it is longer than {MAX_GROUP_NAME} characters (CA appends `-` and 5 characters to make node names, and label values hold 63)"
        ));
    }
    crate::provider::names::why_not_label(name)
}

/// The template a preset describes.
pub fn from_preset(preset: &Preset) -> TemplateNode {
    let (capacity, allocatable) = preset.resources();
    let node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": group_name_from(&preset.name),
            "annotations": {},
            "labels": preset.labels,
        },
        "status": {
            "capacity": capacity,
            "allocatable": allocatable,
            "nodeInfo": {
                "architecture": preset.arch,
                "operatingSystem": preset.os,
            },
        },
    });
    TemplateNode {
        suggested_name: group_name_from(&preset.name),
        origin: format!("preset {}", preset.name),
        node,
        gpu_type: preset.gpu.as_ref().map(|g| g.gpu_type.clone()),
        gpu_label_key: preset.gpu.as_ref().and_then(|g| g.label_key.clone()),
    }
}

/// Whether a taint is a leftover CA must not copy: control plane, node conditions, autoscalers, ours.
fn is_leftover_taint(key: &str) -> bool {
    key == LABEL_CONTROL_PLANE
        || key == "node-role.kubernetes.io/master"
        || key.starts_with("node.kubernetes.io/")
        || key.starts_with("node.cloudprovider.kubernetes.io/")
        || key == "ToBeDeletedByClusterAutoscaler"
        || key == "DeletionCandidateOfClusterAutoscaler"
        || key == TAINT_KEY
}

/// Cleans a node copied from a cluster (or a file) into a template: see `init --help` for the list.
/// `keep_annotations` keeps the node's annotations (a templates file's sizes), else none are kept.
pub fn clean_node(mut node: Value, keep_annotations: bool) -> Value {
    let Some(object) = node.as_object_mut() else {
        return node;
    };
    object.insert("apiVersion".to_owned(), json!("v1"));
    object.insert("kind".to_owned(), json!("Node"));
    let metadata = object
        .entry("metadata")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    if let Some(metadata) = metadata {
        metadata.retain(|key, _| {
            key == "name" || key == "labels" || (keep_annotations && key == "annotations")
        });
        if let Some(labels) = metadata.get_mut("labels").and_then(Value::as_object_mut) {
            labels.retain(|key, _| !DROPPED_LABELS.contains(&key.as_str()));
        }
        if !metadata.get("annotations").is_some_and(Value::is_object) {
            metadata.insert("annotations".to_owned(), json!({}));
        }
    }
    if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
        spec.retain(|key, _| key == "taints");
        if let Some(taints) = spec.get_mut("taints").and_then(Value::as_array_mut) {
            taints.retain(|t| !t["key"].as_str().is_some_and(is_leftover_taint));
            if taints.is_empty() {
                spec.remove("taints");
            }
        }
        if spec.is_empty() {
            object.remove("spec");
        }
    }
    if let Some(status) = object.get_mut("status").and_then(Value::as_object_mut) {
        status.retain(|key, _| KEPT_STATUS.contains(&key.as_str()));
        if let Some(info) = status.get_mut("nodeInfo").and_then(Value::as_object_mut) {
            info.retain(|key, _| !DROPPED_NODE_INFO.contains(&key.as_str()));
        }
    }
    node
}

/// A live node, cleaned into a template.
pub fn from_live_node(node: Value) -> TemplateNode {
    let name = node["metadata"]["name"]
        .as_str()
        .unwrap_or("node")
        .to_owned();
    TemplateNode {
        suggested_name: group_name_from(&name),
        origin: format!("node {name}"),
        node: clean_node(node, false),
        gpu_type: None,
        gpu_label_key: None,
    }
}

/// Reads a templates file (a `List` of Nodes, or Node documents), as CA reads the `templates` key.
pub fn from_file(label: &str, text: &str) -> Result<Vec<TemplateNode>, String> {
    let docs = crate::yaml::parse_stream(text).map_err(|e| {
        format!(
            "{label}:{}:{}: not valid YAML: {}",
            e.pos.line, e.pos.col, e.message
        )
    })?;
    let mut nodes = Vec::new();
    for doc in &docs {
        if doc.root.is_null() {
            continue;
        }
        let kind = doc.root.get("kind").and_then(crate::yaml::Node::as_str);
        let items: Vec<&crate::yaml::Node> = match kind {
            Some("List") | Some("NodeList") => doc
                .root
                .get("items")
                .and_then(crate::yaml::Node::as_seq)
                .map(|items| items.iter().collect())
                .unwrap_or_default(),
            _ => vec![&doc.root],
        };
        for item in items {
            let kind = item.get("kind").and_then(crate::yaml::Node::as_str);
            if kind != Some("Node") {
                let pos = item.pos;
                return Err(format!(
                    "{label}:{}:{}: expected a Node, found {}",
                    pos.line,
                    pos.col,
                    kind.map_or("an object without `kind`".to_owned(), |k| format!(
                        "kind `{k}`"
                    ))
                ));
            }
            let index = nodes.len();
            let node = item.to_json();
            let name = node["metadata"]["name"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("template-{index}"));
            nodes.push(TemplateNode {
                suggested_name: group_name_from(&name),
                origin: format!("{label}[{index}] {name}"),
                node: clean_node(node, true),
                gpu_type: None,
                gpu_label_key: None,
            });
        }
    }
    if nodes.is_empty() {
        return Err(format!("{label}: holds no Node templates"));
    }
    Ok(nodes)
}

/// The sizes a template already states in its annotations, as CA parses them (integers).
pub fn stated_sizes(node: &Value) -> (Option<i64>, Option<i64>, Option<i64>) {
    let annotations: Option<&Map<String, Value>> = node["metadata"]["annotations"].as_object();
    let read = |key: &str| {
        annotations
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .and_then(crate::provider::nodegroups::go_atoi)
    };
    (
        read(ANNOTATION_MIN_COUNT),
        read(ANNOTATION_MAX_COUNT),
        read(ANNOTATION_DESIRED_COUNT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_valid_prefixes() {
        assert_eq!(group_name_from("Standard_D4s_v5"), "standard-d4s-v5");
        assert_eq!(group_name_from("m5.xlarge"), "m5-xlarge");
        assert_eq!(group_name_from("--"), "group");
        assert_eq!(group_name_from(&"a".repeat(80)).len(), MAX_GROUP_NAME);
        assert!(why_not_group_name("kind-worker").is_none());
        assert!(why_not_group_name("Bad").is_some());
        assert!(why_not_group_name(&"a".repeat(58)).unwrap().contains("57"));
    }

    #[test]
    fn kind_control_plane_is_cleaned() {
        let node = json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {
                "name": "kind-control-plane", "uid": "u", "resourceVersion": "9",
                "creationTimestamp": "2026-01-01T00:00:00Z", "managedFields": [{}],
                "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock"},
                "labels": {
                    "kubernetes.io/hostname": "kind-control-plane",
                    "node-role.kubernetes.io/control-plane": "",
                    "node.kubernetes.io/exclude-from-external-load-balancers": "",
                    "kubernetes.io/arch": "amd64", "tier": "gold"
                }
            },
            "spec": {
                "providerID": "kind://docker/kind/kind-control-plane",
                "podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"], "unschedulable": true,
                "taints": [
                    {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"},
                    {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"},
                    {"key": "ToBeDeletedByClusterAutoscaler", "effect": "NoSchedule"},
                    {"key": "dedicated", "value": "db", "effect": "NoSchedule"}
                ]
            },
            "status": {
                "capacity": {"cpu": "8"}, "allocatable": {"cpu": "8"},
                "conditions": [{"type": "Ready"}], "images": [{"names": ["x"]}],
                "addresses": [{"type": "InternalIP"}], "daemonEndpoints": {},
                "volumesAttached": [], "volumesInUse": [],
                "nodeInfo": {"architecture": "amd64", "machineID": "m", "systemUUID": "s", "bootID": "b"}
            }
        });
        let template = from_live_node(node);
        assert_eq!(template.suggested_name, "kind-control-plane");
        assert_eq!(
            template.node,
            json!({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {
                    "name": "kind-control-plane", "annotations": {},
                    "labels": {"kubernetes.io/arch": "amd64", "tier": "gold"}
                },
                "spec": {"taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]},
                "status": {
                    "capacity": {"cpu": "8"}, "allocatable": {"cpu": "8"},
                    "nodeInfo": {"architecture": "amd64"}
                }
            })
        );
    }

    #[test]
    fn templates_files_are_read_as_ca_reads_them() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: Big.One\n    annotations: {cluster-autoscaler.kwok.nodegroup/max-count: \"7\"}\n";
        let nodes = from_file("t.yaml", text).unwrap();
        assert_eq!(nodes[0].suggested_name, "big-one");
        assert_eq!(stated_sizes(&nodes[0].node), (None, Some(7), None));
        let err = from_file("t.yaml", "kind: Pod\nmetadata: {name: x}\n").unwrap_err();
        assert_eq!(err, "t.yaml:1:1: expected a Node, found kind `Pod`");
        let err = from_file("t.yaml", "a: [").unwrap_err();
        assert!(
            err.starts_with("t.yaml:") && err.contains("not valid YAML"),
            "{err}"
        );
        assert!(from_file("t.yaml", "").unwrap_err().contains("no Node"));
    }
}
