//! The YAML the CLI tests start from, written once: the provider config CA reads, and the two
//! ConfigMaps that carry it and the templates.

/// A provider config (the `config` key's value): templates from ConfigMap
/// `kwok-provider-templates`, node groups by label `kwok-nodegroup`.
pub const PROVIDER_CONFIG: &str = "apiVersion: v1alpha1
readNodesFrom: configmap
nodegroups:
  fromNodeLabelKey: kwok-nodegroup
configmap:
  name: kwok-provider-templates
";

/// `PROVIDER_CONFIG` with its templates read from `read_nodes_from` (`configmap`, `cluster`).
pub fn provider_config(read_nodes_from: &str) -> String {
    PROVIDER_CONFIG.replace(
        "readNodesFrom: configmap",
        &format!("readNodesFrom: {read_nodes_from}"),
    )
}

/// Both ConfigMaps (`kwok-provider-config` with `config`, `kwok-provider-templates` with
/// `templates`), as one JSON `List` for `kubectl apply -f -`.
pub fn config_maps_list(config: &str, templates: &str) -> String {
    serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-config"},
         "data": {"config": config}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-templates"},
         "data": {"templates": templates}},
    ]})
    .to_string()
}

/// A template node for group `group` (label `kwok-nodegroup`, max 3 nodes, 4 CPUs, 16Gi),
/// with `labels` besides.
pub fn template_node(group: &str, labels: serde_json::Value) -> serde_json::Value {
    let mut node = serde_json::json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": format!("{group}-template"),
            "annotations": {"cluster-autoscaler.kwok.nodegroup/max-count": "3"},
            "labels": {"kwok-nodegroup": group, "kubernetes.io/os": "linux"},
        },
        "status": {
            "allocatable": {"cpu": "4", "memory": "15Gi", "pods": "110"},
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
        },
    });
    if let (Some(all), Some(more)) = (
        node["metadata"]["labels"].as_object_mut(),
        labels.as_object(),
    ) {
        all.extend(more.clone());
    }
    node
}

/// The ConfigMaps for one group `group` made of `template`, CA reading templates from
/// `read_nodes_from`.
pub fn one_group_config_maps(template: &serde_json::Value, read_nodes_from: &str) -> String {
    let templates =
        serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [template]}).to_string();
    config_maps_list(&provider_config(read_nodes_from), &templates)
}

#[test]
fn the_setups_are_what_ca_reads() {
    assert_eq!(provider_config("configmap"), PROVIDER_CONFIG);
    assert!(provider_config("cluster").contains("readNodesFrom: cluster\n"));
    let template = template_node("g", serde_json::json!({"x": "y"}));
    assert_eq!(template["metadata"]["labels"]["x"], "y");
    assert_eq!(template["metadata"]["labels"]["kwok-nodegroup"], "g");
    let out = crate::util::run_with_stdin(
        &["validate", "-f", "-", "-o", "json"],
        one_group_config_maps(&template, "configmap").as_bytes(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.json()["ca"]["nodeGroups"][0]["name"],
        "g",
        "{}",
        out.stdout
    );
}
