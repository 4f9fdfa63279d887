//! Memory of `validate` on flow-style and JSON input stays a small multiple of the input (issue 17 item 12).
//!
//! Each case runs the real binary under `prlimit --data` (RLIMIT_DATA: heap and private
//! writable mappings, not the address space that thread stacks and allocator arenas reserve)
//! on a few MB of generated input, and checks that it finishes with the right verdict. With
//! saphyr-parser, a flow collection that starts where a block key could (a JSON document,
//! `[…]` at the root) was buffered whole as tokens (~90 bytes each) before the first event:
//! these inputs needed several hundred MB and were killed by the limit.

use crate::util::{self, s};
use std::path::Path;
use std::process::Command;

/// The limit: the inputs are 2 and 4 MB; all the process writes must fit in this many MiB
/// (measured: 24–32 MiB now; 96–192 and 192–384 MiB with saphyr-parser).
const DATA_LIMIT_MIB: u64 = 64;

const CONFIG: &str = "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups:\n  fromNodeLabelKey: \"kwok-nodegroup\"\nconfigmap:\n  name: kwok-provider-templates\nkwok: {}\n";

/// `validate -o json` under the memory limit (`prlimit`, from util-linux, which .ci/run insists on).
fn validate_limited(dir: &Path, templates: &Path) -> util::Run {
    validate_limited_to(dir, templates, DATA_LIMIT_MIB)
}

/// `validate -o json` with at most `limit_mib` MiB of data.
fn validate_limited_to(dir: &Path, templates: &Path, limit_mib: u64) -> util::Run {
    validate_config_limited_to(dir, CONFIG, templates, limit_mib)
}

/// `validate -o json` of `config` with `templates`, with at most `limit_mib` MiB of data.
fn validate_config_limited_to(
    dir: &Path,
    config_text: &str,
    templates: &Path,
    limit_mib: u64,
) -> util::Run {
    let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("prlimit (util-linux) is required by the memory tests; .ci/run installs it");
    let config = dir.join("config.yaml");
    std::fs::write(&config, config_text).unwrap();
    let mut cmd = Command::new(prlimit);
    cmd.arg(format!("--data={}", limit_mib * 1024 * 1024))
        .arg("--")
        .arg(util::plugin().get_program())
        .args([
            "validate",
            "-f",
            s(&config),
            "--templates",
            s(templates),
            "-o",
            "json",
        ])
        .env_remove("KUBECONFIG")
        .env_remove("POD_NAMESPACE")
        .env_remove("KWOK_PROVIDER_CONFIGMAP")
        .env("HOME", std::env::temp_dir().join("kwokprovider-test-home"));
    util::run_cmd(&mut cmd)
}

/// A realistic node template (labels, annotations, taints, status) as JSON.
fn node(i: usize) -> serde_json::Value {
    let name = format!("ip-10-0-{}-{}.eu-west-1.compute.internal", i / 256, i % 256);
    let zone = ["eu-west-1a", "eu-west-1b", "eu-west-1c"][i % 3];
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                "alpha.kubernetes.io/provided-node-ip": format!("10.0.{}.{}", i / 256, i % 256),
            },
            "labels": {
                "kwok-nodegroup": format!("pool-{}", i % 10),
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": "m5.xlarge",
                "topology.kubernetes.io/region": "eu-west-1",
                "topology.kubernetes.io/zone": zone,
            },
        },
        "spec": {
            "providerID": format!("aws:///eu-west-1a/i-{:016x}", i * 7919),
            "taints": [{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}],
        },
        "status": {
            "allocatable": {"cpu": "3920m", "ephemeral-storage": "95551679124", "memory": "15467216Ki", "pods": "58"},
            "capacity": {"cpu": "4", "ephemeral-storage": "104845292Ki", "memory": "16116432Ki", "pods": "58"},
            "conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure"},
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"},
            ],
            "addresses": [
                {"type": "InternalIP", "address": format!("10.0.{}.{}", i / 256, i % 256)},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.11",
                "kernelVersion": "5.10.205-195.807.amzn2.x86_64", "kubeletVersion": "v1.29.0-eks-5e0fdde",
                "operatingSystem": "linux", "osImage": "Amazon Linux 2",
            },
        },
    })
}

#[test]
fn json_list_of_templates_fits_in_a_small_multiple_of_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates.json");
    let items: Vec<_> = (0..2500).map(node).collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    std::fs::write(&templates, serde_json::to_vec(&list).unwrap()).unwrap();
    let size = std::fs::metadata(&templates).unwrap().len();
    assert!(size > 3 * 1024 * 1024, "input is {size} bytes");
    let run = validate_limited(dir.path(), &templates);
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["ca"]["starts"], true, "{}", run.stdout);
    assert_eq!(
        report["ca"]["nodeGroups"].as_array().map(Vec::len),
        Some(10),
        "{}",
        run.stdout
    );
}

#[test]
fn one_line_flow_sequence_fits_in_a_small_multiple_of_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates.yaml");
    // 2 MB on one line: `[1,1,…]` with a million items, at the root (where a key could start).
    let mut text = String::with_capacity(2_000_010);
    text.push('[');
    text.push_str(&"1,".repeat(999_999));
    text.push_str("1]\n");
    std::fs::write(&templates, &text).unwrap();
    let run = validate_limited(dir.path(), &templates);
    // CA cannot decode an array as an object: one finding, at 1:1.
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.rules(), ["template-decode-error"], "{}", run.stdout);
    let finding = &run.json()["diagnostics"][0];
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot unmarshal array")),
        "{finding}"
    );
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&1.into(), &1.into())
    );
}

/// `value` as block-style YAML (what users and `kubectl get -o yaml` write), indented by `indent`.
fn block_yaml(value: &serde_json::Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                out.push_str(&format!("{pad}{key}:"));
                match v {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        out.push('\n');
                        block_yaml(v, indent + 2, out);
                    }
                    scalar => out.push_str(&format!(" {scalar}\n")),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                // `- ` then the item's first line; the rest indented under it.
                let mut inner = String::new();
                block_yaml(item, indent + 2, &mut inner);
                out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
            }
        }
        scalar => out.push_str(&format!("{pad}{scalar}\n")),
    }
}

/// Block YAML, the common case: the templates text is held once, with no copy beside the tree,
/// and parsed once (issue 21). 12 MB of templates under 3.5× their size: the run needs about
/// 3× (the text, a tree of about 1.7× it, and the binary's own few MiB); with the copy of the
/// text and the second parse it needed 4× and was killed.
#[test]
fn block_yaml_templates_are_held_once() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates.yaml");
    let items: Vec<_> = (0..6000).map(node).collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let mut text = String::new();
    block_yaml(&list, 0, &mut text);
    std::fs::write(&templates, &text).unwrap();
    let size = text.len() as u64;
    assert!(size > 10 * 1024 * 1024, "input is {size} bytes");
    let limit_mib = (7 * size / 2).div_ceil(1024 * 1024);
    let run = validate_limited_to(dir.path(), &templates, limit_mib);
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["ca"]["starts"], true, "{}", run.stdout);
    assert_eq!(
        report["ca"]["nodeGroups"].as_array().map(Vec::len),
        Some(10),
        "{}",
        run.stdout
    );
}

/// One node group per template (grouping by hostname): the groups hold their templates' nodes
/// in the tree, not a JSON copy each (issue 21). The 6,000 templates of the test above, under
/// the same 3.5x their size: with a JSON copy per group (kept by the analysis, and cloned once
/// more for `-o json`), the run needed several times more and was killed.
#[test]
fn one_group_per_template_holds_no_copy_of_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates.yaml");
    let items: Vec<_> = (0..6000).map(node).collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let mut text = String::new();
    block_yaml(&list, 0, &mut text);
    std::fs::write(&templates, &text).unwrap();
    let size = text.len() as u64;
    let by_hostname = CONFIG.replace("kwok-nodegroup", "kubernetes.io/hostname");
    let limit_mib = (7 * size / 2).div_ceil(1024 * 1024);
    let run = validate_config_limited_to(dir.path(), &by_hostname, &templates, limit_mib);
    // Grouping by hostname is a warning (grouping-by-hostname): exit 1, CA starts.
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.rules(), ["grouping-by-hostname"], "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["ca"]["starts"], true, "{}", run.stdout);
    let groups = report["ca"]["nodeGroups"].as_array().expect("nodeGroups");
    assert_eq!(groups.len(), 6000);
    assert_eq!(
        groups[1]["name"], "ip-10-0-0-1.eu-west-1.compute.internal",
        "{}",
        groups[1]
    );
}

/// The same templates as one line of JSON (what `json.dump` and `kubectl get -o json | jq -c`
/// write, without a last newline), under 4.5× their size (the tree is as big as block YAML's,
/// the text smaller; about 3.7× is needed): the line was copied whole to replace tabs it did
/// not have, and again to add the newline CA's reader adds, 5.5× in all.
#[test]
fn one_line_json_templates_are_held_once() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates.json");
    let items: Vec<_> = (0..6000).map(node).collect();
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let text = serde_json::to_vec(&list).unwrap();
    assert!(!text.contains(&b'\n'));
    std::fs::write(&templates, &text).unwrap();
    let size = text.len() as u64;
    assert!(size > 8 * 1024 * 1024, "input is {size} bytes");
    let limit_mib = (9 * size / 2).div_ceil(1024 * 1024);
    let run = validate_limited_to(dir.path(), &templates, limit_mib);
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["ca"]["starts"], true, "{}", run.stdout);
    assert_eq!(
        report["ca"]["nodeGroups"].as_array().map(Vec::len),
        Some(10),
        "{}",
        run.stdout
    );
}
