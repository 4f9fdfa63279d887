//! Turns an `init` plan into the provider config, the templates and their ConfigMap manifests (pure).

use super::plan::{Grouping, Plan, ReadNodesFrom};
use crate::provider::{
    ANNOTATION_DESIRED_COUNT, ANNOTATION_MAX_COUNT, ANNOTATION_MIN_COUNT,
    ANNOTATION_NODEGROUP_NAME, CONFIG_API_VERSION, CONFIG_KEY, TEMPLATES_KEY,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Label on the ConfigMaps `init` writes.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "kubectl-kwokprovider");

/// One ConfigMap to write: its name, data key and value, and its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMapOut {
    pub name: String,
    pub key: &'static str,
    pub value: String,
    pub manifest: String,
}

/// What `init` writes: the provider config, and the templates unless CA reads live nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub config: ConfigMapOut,
    pub templates: Option<ConfigMapOut>,
    /// The GPU label's values across the templates (`availableGPUTypes`).
    pub gpu_types: Vec<String>,
}

impl Generated {
    /// The ConfigMaps to write, config first.
    pub fn config_maps(&self) -> impl Iterator<Item = &ConfigMapOut> {
        std::iter::once(&self.config).chain(self.templates.as_ref())
    }

    /// Both manifests as one stream, ready for `kubectl apply -f -`.
    pub fn stream(&self) -> String {
        let manifests: Vec<&str> = self.config_maps().map(|cm| cm.manifest.as_str()).collect();
        manifests.join("---\n")
    }
}

impl ConfigMapOut {
    /// The manifest's file name under `--output-dir` (and its label for `validate`).
    pub fn file_name(&self) -> String {
        format!("{}.yaml", self.name)
    }
}

/// The template of each group, as written: named, grouped, sized, GPU-labelled.
pub fn template_nodes(plan: &Plan) -> Vec<Value> {
    plan.groups
        .iter()
        .map(|group| {
            let mut node = group.template.node.clone();
            node["metadata"]["name"] = json!(group.name);
            let annotations = &mut node["metadata"]["annotations"];
            if !annotations.is_object() {
                *annotations = json!({});
            }
            annotations[ANNOTATION_NODEGROUP_NAME] = json!(group.name);
            annotations[ANNOTATION_MIN_COUNT] = json!(group.sizes.min.to_string());
            annotations[ANNOTATION_MAX_COUNT] = json!(group.sizes.max.to_string());
            annotations[ANNOTATION_DESIRED_COUNT] = json!(group.sizes.desired.to_string());
            if let Grouping::Annotation(key) = &plan.grouping {
                annotations[key.as_str()] = json!(group.name);
            }
            let labels = &mut node["metadata"]["labels"];
            if !labels.is_object() {
                *labels = json!({});
            }
            if let Grouping::Label(key) = &plan.grouping {
                labels[key.as_str()] = json!(group.name);
            }
            if let (Some(key), Some(gpu_type)) = (&plan.gpu_label, &group.template.gpu_type) {
                labels[key.as_str()] = json!(gpu_type);
            }
            node
        })
        .collect()
}

/// The distinct values of the GPU label across the templates.
fn gpu_types(plan: &Plan, nodes: &[Value]) -> Vec<String> {
    let Some(key) = &plan.gpu_label else {
        return Vec::new();
    };
    let types: BTreeSet<String> = nodes
        .iter()
        .filter_map(|n| n["metadata"]["labels"][key.as_str()].as_str())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    types.into_iter().collect()
}

/// The provider config, commented.
pub fn config_text(plan: &Plan, gpu_types: &[String]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# The kwok provider's config, made by `kubectl kwokprovider init`.\n\
         # CA reads it from ConfigMap `{}` (key `{CONFIG_KEY}`) in its POD_NAMESPACE.",
        plan.config_map
    );
    let _ = writeln!(t, "apiVersion: {CONFIG_API_VERSION}");
    let source = match plan.read_nodes_from {
        ReadNodesFrom::Configmap => "configmap",
        ReadNodesFrom::Cluster => "cluster",
    };
    let _ = writeln!(t, "readNodesFrom: {source}");
    t.push_str("nodegroups:\n");
    match &plan.grouping {
        Grouping::Label(key) => {
            t.push_str("  # Templates (and CA's nodes) carry this label; its value names the node group.\n");
            let _ = writeln!(t, "  fromNodeLabelKey: {}", scalar(key));
        }
        Grouping::Annotation(key) => {
            t.push_str("  # Templates (and CA's nodes) carry this annotation; its value names the node group.\n");
            let _ = writeln!(
                t,
                "  {}: {}",
                plan.ca_version.annotation_key_field(),
                scalar(key)
            );
        }
    }
    if plan.skip_taint || plan.gpu_label.is_some() {
        t.push_str("nodes:\n");
    }
    if plan.skip_taint {
        t.push_str("  # No `kwok-provider=true:NoSchedule` taint: any pending pod may trigger a scale-up.\n");
        t.push_str("  skipTaint: true\n");
    }
    if let Some(key) = &plan.gpu_label {
        t.push_str("  gpuConfig:\n");
        let _ = writeln!(t, "    gpuLabelKey: {}", scalar(key));
        if gpu_types.is_empty() {
            t.push_str("    availableGPUTypes: {}\n");
        } else {
            t.push_str("    availableGPUTypes:\n");
            for gpu in gpu_types {
                let _ = writeln!(t, "      {}: {{}}", scalar(gpu));
            }
        }
    }
    if plan.read_nodes_from == ReadNodesFrom::Configmap {
        t.push_str("configmap:\n");
        let _ = writeln!(t, "  name: {}", scalar(&plan.templates_config_map));
    }
    t
}

/// The templates, one `v1` `List`.
pub fn templates_text(nodes: &[Value]) -> String {
    let mut t = String::from(
        "# Node-group templates, made by `kubectl kwokprovider init`: one Node per group.\n",
    );
    emit(
        &mut t,
        &json!({"apiVersion": "v1", "kind": "List", "items": nodes}),
        0,
    );
    t
}

/// A ConfigMap manifest whose one data key holds `value` as a literal block.
pub fn config_map_manifest(name: &str, namespace: &str, key: &str, value: &str) -> String {
    let mut t = String::new();
    let _ = write!(
        t,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n  namespace: {}\n  labels:\n    {}: {}\ndata:\n  {key}: |\n",
        scalar(name),
        scalar(namespace),
        MANAGED_BY.0,
        MANAGED_BY.1
    );
    for line in value.lines() {
        if line.is_empty() {
            t.push('\n');
        } else {
            let _ = writeln!(t, "    {line}");
        }
    }
    t
}

/// Renders the plan.
pub fn generate(plan: &Plan) -> Generated {
    let nodes = template_nodes(plan);
    let gpu_types = gpu_types(plan, &nodes);
    let config_value = config_text(plan, &gpu_types);
    let config = ConfigMapOut {
        manifest: config_map_manifest(&plan.config_map, &plan.namespace, CONFIG_KEY, &config_value),
        name: plan.config_map.clone(),
        key: CONFIG_KEY,
        value: config_value,
    };
    let templates = (plan.read_nodes_from == ReadNodesFrom::Configmap).then(|| {
        let value = templates_text(&nodes);
        ConfigMapOut {
            manifest: config_map_manifest(
                &plan.templates_config_map,
                &plan.namespace,
                TEMPLATES_KEY,
                &value,
            ),
            name: plan.templates_config_map.clone(),
            key: TEMPLATES_KEY,
            value,
        }
    });
    Generated {
        config,
        templates,
        gpu_types,
    }
}

/// A string as a YAML scalar: plain when go-yaml would read it back as the same string, else quoted.
pub fn scalar(text: &str) -> String {
    let plain_safe = !text.is_empty()
        && matches!(
            crate::yaml::resolve_plain(text),
            crate::yaml::Resolved::Str(_)
        )
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.chars().any(|c| c.is_control());
    if plain_safe {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

fn emit_scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(scalar(s)),
        Value::Array(a) if a.is_empty() => Some("[]".to_owned()),
        Value::Object(o) if o.is_empty() => Some("{}".to_owned()),
        _ => None,
    }
}

/// Keys written first, in this order, as kubectl prints objects; the rest follow sorted.
const KEY_ORDER: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "items",
    "spec",
    "status",
];

/// Block-style YAML for a JSON value, `indent` spaces deep; a mapping's keys in order.
fn emit(t: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(key, _)| {
                let rank = KEY_ORDER
                    .iter()
                    .position(|k| k == key)
                    .unwrap_or(KEY_ORDER.len());
                (rank, key.as_str())
            });
            for (key, v) in entries {
                match emit_scalar(v) {
                    Some(s) => {
                        let _ = writeln!(t, "{pad}{}: {s}", scalar(key));
                    }
                    None => {
                        let _ = writeln!(t, "{pad}{}:", scalar(key));
                        let child = if v.is_array() { indent } else { indent + 2 };
                        emit(t, v, child);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                match emit_scalar(item) {
                    Some(s) => {
                        let _ = writeln!(t, "{pad}- {s}");
                    }
                    None => {
                        let mut nested = String::new();
                        emit(&mut nested, item, indent + 2);
                        // The first line's indent becomes the dash.
                        let first = &nested[indent + 2..];
                        let _ = write!(t, "{pad}- {first}");
                    }
                }
            }
        }
        scalar_value => {
            let _ = writeln!(t, "{pad}{}", emit_scalar(scalar_value).unwrap_or_default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_stay_strings() {
        assert_eq!(scalar("kwok-nodegroup"), "kwok-nodegroup");
        assert_eq!(
            scalar("k8s.amazonaws.com/accelerator"),
            "k8s.amazonaws.com/accelerator"
        );
        assert_eq!(scalar("0"), "\"0\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("-x"), "\"-x\"");
    }

    #[test]
    fn emits_block_yaml_that_reads_back_the_same() {
        let value = json!({
            "items": [{"a": {"b": "1", "c": []}, "d": [{"e": true}, "x"]}, "plain"],
            "kind": "List", "empty": {}
        });
        let mut text = String::new();
        emit(&mut text, &value, 0);
        let docs = crate::yaml::parse_stream(&text).unwrap();
        assert_eq!(docs[0].root.to_json(), value, "{text}");
    }
}
