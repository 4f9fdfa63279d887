//! `init` through the real binary: the preset catalog, a matrix of flag combinations that
//! `validate` must accept, outputs and refusals, `--apply` and `--from-node` against the test
//! API server, and the wizard in a real pseudo-terminal.

use crate::util::*;
use fake_apiserver::Faults;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The plugin with a private user config directory (presets, saved defaults).
fn init_cmd(config_home: &Path) -> Command {
    let mut cmd = plugin();
    cmd.env("XDG_CONFIG_HOME", config_home).arg("init");
    cmd
}

fn init(config_home: &Path, args: &[&str]) -> Run {
    run_cmd(init_cmd(config_home).args(args))
}

/// Validates a manifest stream the way a user would, returning `validate -o json`.
fn validate_stream(stream: &str, extra: &[&str]) -> Value {
    let mut args = vec!["validate", "-f", "-", "-o", "json"];
    args.extend_from_slice(extra);
    let out = run_with_stdin(&args, stream.as_bytes());
    assert_eq!(
        out.code, 0,
        "validate rejected init's output:\n{stream}\n{out:?}"
    );
    out.json()
}

fn group_rows(report: &Value) -> Vec<(String, i64, i64)> {
    report["ca"]["nodeGroups"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodeGroups: {report}"))
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_owned(),
                g["min"].as_i64().unwrap(),
                g["max"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn errors_in(report: &Value) -> Vec<Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .cloned()
        .collect()
}

fn catalog(home: &Path) -> Vec<Value> {
    let out = init(home, &["--list-presets", "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    out.json()["presets"].as_array().unwrap().clone()
}

#[test]
fn list_presets_has_the_documented_shape() {
    let home = tempfile::tempdir().unwrap();
    let presets = catalog(home.path());
    assert!(presets.len() > 50, "{}", presets.len());
    for p in &presets {
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "arch", "cpu", "gpu", "labels", "memory", "name", "os", "pods"
            ],
            "{p}"
        );
        assert!(p["gpu"].is_null() || (p["gpu"]["type"].is_string() && p["gpu"]["count"].is_u64()));
    }
    let c4 = presets
        .iter()
        .find(|p| p["name"] == "c-4x-amd64-linux")
        .unwrap();
    assert_eq!(
        (
            c4["cpu"].as_u64(),
            c4["memory"].as_str(),
            c4["pods"].as_u64()
        ),
        (Some(4), Some("8Gi"), Some(64))
    );
    let text = init(home.path(), &["--list-presets"]);
    assert!(text.stdout.starts_with("NAME"), "{}", text.stdout);
    assert!(text.stdout.contains("g5.xlarge") && text.stdout.contains("1× nvidia-a10g"));
}

#[test]
fn every_preset_makes_configmaps_ca_accepts() {
    let home = tempfile::tempdir().unwrap();
    for preset in catalog(home.path()) {
        let name = preset["name"].as_str().unwrap();
        let out = init(home.path(), &["-y", "--preset", name]);
        assert_eq!(out.code, 0, "{name}: {out:?}");
        let report = validate_stream(&out.stdout, &[]);
        assert_eq!(report["ca"]["verdict"], "starts", "{name}: {report}");
        assert_eq!(errors_in(&report), Vec::<Value>::new(), "{name}");
        assert_eq!(
            report["ca"]["nodeGroups"].as_array().unwrap().len(),
            1,
            "{name}"
        );
        let gpu = !preset["gpu"].is_null();
        assert_eq!(
            out.stdout.contains("gpuConfig:"),
            gpu,
            "{name}: {}",
            out.stdout
        );
    }
}

#[test]
fn a_matrix_of_answers_always_makes_ca_start_with_the_expected_groups() {
    let home = tempfile::tempdir().unwrap();
    struct Case {
        args: Vec<&'static str>,
        groups: Vec<(&'static str, i64, i64)>,
        ca: &'static str,
    }
    let case = |args: &[&'static str], groups: &[(&'static str, i64, i64)]| Case {
        args: args.to_vec(),
        groups: groups.to_vec(),
        ca: "latest",
    };
    let mut cases = vec![
        case(
            &[
                "--preset",
                "c-4x-amd64-linux",
                "--preset",
                "m-8x-amd64-linux",
            ],
            &[("c-4x-amd64-linux", 0, 10), ("m-8x-amd64-linux", 0, 10)],
        ),
        case(
            &["--preset", "m5.xlarge=general", "--min", "1", "--max", "50"],
            &[("general", 1, 50)],
        ),
        case(
            &[
                "--preset",
                "m5.xlarge=a",
                "--preset",
                "c5.2xlarge=b",
                "--size",
                "b=2:5:3",
            ],
            &[("a", 0, 10), ("b", 2, 5)],
        ),
        case(
            &[
                "--preset",
                "r5.xlarge",
                "--desired",
                "3",
                "--min",
                "2",
                "--max",
                "4",
            ],
            &[("r5-xlarge", 2, 4)],
        ),
        case(
            &[
                "--preset",
                "Standard_NC6s_v3",
                "--group-by-annotation",
                "example.com/pool",
            ],
            &[("standard-nc6s-v3", 0, 10)],
        ),
        case(
            &[
                "--preset",
                "n2-standard-4=pool",
                "--group-by-label",
                "node.kubernetes.io/instance-type",
            ],
            &[("pool", 0, 10)],
        ),
        case(
            &[
                "--preset",
                "g5.xlarge=gpu",
                "--preset",
                "a2-highgpu-1g=a100",
                "--gpu-label",
                "example.com/gpu",
            ],
            &[("gpu", 0, 10), ("a100", 0, 10)],
        ),
        case(
            &["--preset", "g4dn.xlarge", "--skip-taint"],
            &[("g4dn-xlarge", 0, 10)],
        ),
        case(
            &[
                "--preset",
                "m-2x-arm64-linux",
                "--config-map",
                "my-kwok",
                "--templates-config-map",
                "my-templates",
            ],
            &[("m-2x-arm64-linux", 0, 10)],
        ),
        case(
            &["--templates-file", "FILE"],
            &[("big", 3, 9), ("small", 0, 10)],
        ),
    ];
    for ca in ["1.29", "1.33"] {
        cases.push(Case {
            args: vec![
                "--preset",
                "c-2x-amd64-linux=pool",
                "--group-by-annotation",
                "example.com/pool",
                "--ca-version",
                ca,
            ],
            groups: vec![("pool", 0, 10)],
            ca,
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("templates.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: big\n    annotations:\n      cluster-autoscaler.kwok.nodegroup/min-count: \"3\"\n      cluster-autoscaler.kwok.nodegroup/max-count: \"9\"\n  status: {allocatable: {cpu: \"8\", memory: 32Gi, pods: \"110\"}}\n- kind: Node\n  apiVersion: v1\n  metadata: {name: small}\n  status: {allocatable: {cpu: \"2\", memory: 4Gi, pods: \"20\"}}\n",
    )
    .unwrap();
    for case in cases {
        let args: Vec<&str> = case
            .args
            .iter()
            .map(|a| if *a == "FILE" { s(&file) } else { a })
            .collect();
        let mut full = vec!["--non-interactive"];
        full.extend(&args);
        let out = init(home.path(), &full);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        let mut validate_args = vec!["--ca-version", case.ca];
        if let Some(pos) = args.iter().position(|a| *a == "--config-map") {
            validate_args.extend(["--config-map", args[pos + 1]]);
        }
        let report = validate_stream(&out.stdout, &validate_args);
        assert_eq!(report["ca"]["verdict"], "starts", "{args:?}: {report}");
        assert_eq!(errors_in(&report), Vec::<Value>::new(), "{args:?}");
        let expected: Vec<(String, i64, i64)> = case
            .groups
            .iter()
            .map(|(n, min, max)| ((*n).to_owned(), *min, *max))
            .collect();
        assert_eq!(group_rows(&report), expected, "{args:?}");
        // desired-count is always written, and never below min.
        assert_eq!(
            out.stdout.matches("desired-count").count(),
            case.groups.len(),
            "{args:?}"
        );
    }
}

#[test]
fn gpu_types_come_from_the_templates_labels() {
    let home = tempfile::tempdir().unwrap();
    let out = init(
        home.path(),
        &[
            "-y",
            "--preset",
            "g5.xlarge",
            "--preset",
            "g4dn.xlarge",
            "--preset",
            "m5.large",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("gpuLabelKey: k8s.amazonaws.com/accelerator"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("nvidia-a10g: {}") && out.stdout.contains("nvidia-tesla-t4: {}"));
    let report = validate_stream(&out.stdout, &[]);
    assert_eq!(report["ca"]["verdict"], "starts");
}

#[test]
fn read_nodes_from_cluster_writes_only_the_config() {
    let home = tempfile::tempdir().unwrap();
    let out = init(home.path(), &["-y", "--read-nodes-from", "cluster"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("readNodesFrom: cluster"));
    assert!(
        !out.stdout.contains("kind: List") && !out.stdout.contains("configmap:"),
        "{}",
        out.stdout
    );
    let report = validate_stream(&out.stdout, &[]);
    assert_eq!(errors_in(&report), Vec::<Value>::new());
    assert!(
        out.stderr
            .contains("kubectl label node NODE kwok-nodegroup=GROUP"),
        "{}",
        out.stderr
    );
    let mixed = init(
        home.path(),
        &["-y", "--read-nodes-from", "cluster", "--preset", "m5.large"],
    );
    assert_eq!(mixed.code, 2, "{mixed:?}");
}

#[test]
fn without_a_terminal_a_missing_answer_is_exit_2_at_once() {
    let home = tempfile::tempdir().unwrap();
    let start = Instant::now();
    // No --non-interactive: stdin is not a terminal, so init must not wait for input.
    let out = init(home.path(), &[]);
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.code, 2, "{out:?}");
    for flag in [
        "--preset",
        "--from-node",
        "--templates-file",
        "--list-presets",
    ] {
        assert!(out.stderr.contains(flag), "{flag}: {}", out.stderr);
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_answers_are_usage_errors_naming_the_fix() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--preset",
                "m5.xlarge",
                "--group-by-label",
                "kubernetes.io/hostname",
            ],
            "every real node carries it",
        ),
        (&["--preset", "m5.xlarg"], "did you mean `m5.xlarge`"),
        (
            &["--preset", "m5.xlarge=Bad_Name"],
            "not a valid node-group name",
        ),
        (
            &["--preset", "m5.xlarge=a", "--preset", "m5.large=a"],
            "two templates would make node group `a`",
        ),
        (
            &["--preset", "m5.xlarge", "--size", "nope=0:1"],
            "no node group `nope`",
        ),
        (
            &["--preset", "m5.xlarge", "--min", "5", "--max", "2"],
            "0 ≤ min ≤ desired ≤ max",
        ),
        (
            &["--preset", "m5.xlarge", "--group-by-annotation", "bad key!"],
            "not a valid label or annotation key",
        ),
        (
            &[
                "--preset",
                "m5.xlarge",
                "--templates-config-map",
                "Bad Name",
            ],
            "--templates-config-map",
        ),
        (
            &["--preset", "m5.xlarge", "-n", "bad ns"],
            "not a valid namespace name",
        ),
        (
            &["--preset", "m5.xlarge", "-o", "yaml", "--output-dir", "x"],
            "cannot be used with",
        ),
        (
            &["--preset", "m5.xlarge", "--output-dir", "x", "--apply"],
            "cannot be used with",
        ),
        (
            &["--preset", "m5.xlarge", "-o", "json", "--create-namespace"],
            "cannot be used with",
        ),
        (&["--preset", "m5.xlarge", "-o", "text"], "-o text"),
        (
            &["--templates-file", "/nonexistent/t.yaml"],
            "--templates-file",
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["-y"];
        full.extend_from_slice(args);
        let out = init(home.path(), &full);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("t.yaml");
    std::fs::write(
        &junk,
        "kind: Node\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: b\n",
    )
    .unwrap();
    let out = init(home.path(), &["-y", "--templates-file", s(&junk)]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("t.yaml:4:1: expected a Node, found kind `Pod`"),
        "{}",
        out.stderr
    );
}

#[test]
fn output_dir_refuses_to_overwrite_without_force() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("kwok");
    let first = init(
        home.path(),
        &["-y", "--preset", "m5.large", "--output-dir", s(&out_dir)],
    );
    assert_eq!(first.code, 0, "{first:?}");
    let config = out_dir.join("kwok-provider-config.yaml");
    let templates = out_dir.join("kwok-provider-templates.yaml");
    let validated = run(&["validate", "-f", s(&out_dir), "-o", "json"]);
    assert_eq!(validated.code, 0, "{validated:?}");
    assert_eq!(
        group_rows(&validated.json()),
        [("m5-large".to_owned(), 0, 10)]
    );
    // The same answers again: identical files are fine.
    let again = init(
        home.path(),
        &["-y", "--preset", "m5.large", "--output-dir", s(&out_dir)],
    );
    assert_eq!(again.code, 0, "{again:?}");
    let before = std::fs::read_to_string(&templates).unwrap();
    let other = init(
        home.path(),
        &["-y", "--preset", "c5.xlarge", "--output-dir", s(&out_dir)],
    );
    assert_eq!(other.code, 1, "{other:?}");
    assert!(other.stderr.contains("--force"), "{}", other.stderr);
    assert_eq!(
        std::fs::read_to_string(&templates).unwrap(),
        before,
        "files untouched"
    );
    let forced = init(
        home.path(),
        &[
            "-y",
            "--preset",
            "c5.xlarge",
            "--output-dir",
            s(&out_dir),
            "--force",
        ],
    );
    assert_eq!(forced.code, 0, "{forced:?}");
    assert!(
        std::fs::read_to_string(&templates)
            .unwrap()
            .contains("c5-xlarge")
    );
    assert!(config.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn json_output_is_a_list_kubectl_can_apply() {
    let home = tempfile::tempdir().unwrap();
    let out = init(
        home.path(),
        &["-y", "--preset", "m5.large", "-o", "json", "-n", "ops"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let list = out.json();
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["metadata"]["namespace"], "ops");
    assert!(
        items[0]["data"]["config"]
            .as_str()
            .unwrap()
            .contains("readNodesFrom: configmap")
    );
    assert!(
        items[1]["data"]["templates"]
            .as_str()
            .unwrap()
            .contains("kind: List")
    );
}

#[test]
fn saved_defaults_answer_the_next_run_and_user_presets_join_the_catalog() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("kubectl-kwokprovider");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("presets.yaml"),
        "presets:\n- name: lab-box\n  cpu: 6\n  memory: 12Gi\n  pods: 50\n",
    )
    .unwrap();
    let saved = init(
        home.path(),
        &[
            "-y",
            "--preset",
            "lab-box=lab",
            "--max",
            "7",
            "-n",
            "lab",
            "--save-defaults",
        ],
    );
    assert_eq!(saved.code, 0, "{saved:?}");
    assert!(dir.join("defaults.yaml").exists(), "{}", saved.stderr);
    // Nothing but -y: the saved answers fill every question.
    let next = init(home.path(), &["-y"]);
    assert_eq!(next.code, 0, "{next:?}");
    assert_eq!(next.stdout, saved.stdout);
    let report = validate_stream(&next.stdout, &[]);
    assert_eq!(group_rows(&report), [("lab".to_owned(), 0, 7)]);
    assert!(next.stdout.contains("cpu: \"6\"") && next.stdout.contains("namespace: lab"));
    std::fs::write(
        dir.join("presets.yaml"),
        "presets:\n- name: x\n  cpu: 1\n  memory: plenty\n  pods: 1\n",
    )
    .unwrap();
    let broken = init(home.path(), &["-y"]);
    assert_eq!(broken.code, 2, "{broken:?}");
    assert!(
        broken.stderr.contains("presets.yaml") && broken.stderr.contains("plenty"),
        "{}",
        broken.stderr
    );
}

/// A node as kind leaves it: control-plane taint and labels, addresses, images, conditions.
fn kind_control_plane() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": "kind-control-plane",
            "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                            "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "kubernetes.io/hostname": "kind-control-plane",
                "node-role.kubernetes.io/control-plane": "",
                "node.kubernetes.io/exclude-from-external-load-balancers": "",
                "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": "amd64"
            }
        },
        "spec": {
            "providerID": "kind://docker/kind/kind-control-plane",
            "podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"],
            "taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
        },
        "status": {
            "capacity": {"cpu": "8", "memory": "32729700Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
            "allocatable": {"cpu": "8", "memory": "32729700Ki", "pods": "110", "ephemeral-storage": "102626232Ki"},
            "conditions": [{"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}, {"type": "Hostname", "address": "kind-control-plane"}],
            "images": [{"names": ["registry.k8s.io/etcd:3.5"], "sizeBytes": 1}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "operatingSystem": "linux", "kubeletVersion": "v1.31.0",
                         "machineID": "abc", "systemUUID": "def", "bootID": "ghi",
                         "containerRuntimeVersion": "containerd://1.7", "kernelVersion": "6.1", "osImage": "Debian",
                         "kubeProxyVersion": "v1.31.0"}
        }
    })
}

#[test]
fn from_node_copies_a_cleaned_live_node() {
    let home = tempfile::tempdir().unwrap();
    let cluster = FakeCluster::new(vec![kind_control_plane()], Faults::default());
    let out = run_cmd(init_cmd(home.path()).args([
        "-y",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "--from-node",
        "kind-control-plane=workers",
        "--max",
        "30",
        "-o",
        "json",
    ]));
    assert_eq!(out.code, 0, "{out:?}");
    let list = out.json();
    let templates = list["items"][1]["data"]["templates"].as_str().unwrap();
    let report = validate_stream(
        &format!(
            "{}---\n{}",
            yaml_of(&list["items"][0]),
            yaml_of(&list["items"][1])
        ),
        &[],
    );
    assert_eq!(group_rows(&report), [("workers".to_owned(), 0, 30)]);
    for gone in [
        "kubernetes.io/hostname",
        "control-plane",
        "exclude-from-external",
        "providerID",
        "podCIDR",
        "172.18.0.2",
        "registry.k8s.io",
        "conditions",
        "daemonEndpoints",
        "machineID",
        "systemUUID",
        "bootID",
        "kubeadm.alpha",
        "ttl",
    ] {
        assert!(!templates.contains(gone), "{gone} left in:\n{templates}");
    }
    for kept in [
        "kubernetes.io/arch: amd64",
        "beta.kubernetes.io/arch: amd64",
        "memory: 32729700Ki",
        "kwok-nodegroup: workers",
        "containerRuntimeVersion",
    ] {
        assert!(templates.contains(kept), "{kept} missing:\n{templates}");
    }
    let missing = run_cmd(init_cmd(home.path()).args([
        "-y",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "--from-node",
        "nope",
    ]));
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing.stderr.contains("no such node"),
        "{}",
        missing.stderr
    );
    let denied = FakeCluster::new(
        vec![kind_control_plane()],
        Faults {
            deny: vec![("get".into(), "nodes".into())],
            ..Faults::default()
        },
    );
    let out = run_cmd(init_cmd(home.path()).args([
        "-y",
        "--kubeconfig",
        s(&denied.kubeconfig),
        "--from-node",
        "kind-control-plane",
    ]));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("kubectl auth can-i get nodes"),
        "{}",
        out.stderr
    );
}

/// A ConfigMap object as a YAML manifest (for validate), through the plugin's own reader.
fn yaml_of(config_map: &Value) -> String {
    let data = config_map["data"].as_object().unwrap();
    let (key, value) = data.iter().next().unwrap();
    let mut text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n  namespace: {}\ndata:\n  {key}: |\n",
        config_map["metadata"]["name"].as_str().unwrap(),
        config_map["metadata"]["namespace"].as_str().unwrap()
    );
    for line in value.as_str().unwrap().lines() {
        text.push_str(&format!("    {line}\n"));
    }
    text
}

#[test]
fn apply_creates_refuses_to_clobber_and_updates_with_force() {
    let home = tempfile::tempdir().unwrap();
    let cluster = FakeCluster::new(vec![], Faults::default());
    let apply = |extra: &[&str]| {
        let mut args = vec!["-y", "--kubeconfig", s(&cluster.kubeconfig), "--apply"];
        args.extend_from_slice(extra);
        run_cmd(init_cmd(home.path()).args(&args))
    };
    let created = apply(&["-n", "default", "--preset", "m5.large=a"]);
    assert_eq!(created.code, 0, "{created:?}");
    assert!(
        created
            .stderr
            .contains("configmap/kwok-provider-config created"),
        "{}",
        created.stderr
    );
    let live = run(&[
        "validate",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "-n",
        "default",
        "-o",
        "json",
    ]);
    assert_eq!(live.code, 0, "{live:?}");
    assert_eq!(group_rows(&live.json()), [("a".to_owned(), 0, 10)]);
    let same = apply(&["-n", "default", "--preset", "m5.large=a"]);
    assert_eq!(same.code, 0, "{same:?}");
    assert!(
        same.stderr
            .contains("configmap/kwok-provider-templates unchanged"),
        "{}",
        same.stderr
    );
    // Someone keeps another key in the templates ConfigMap: it must survive an update.
    let mut cm = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-templates")
        .unwrap();
    cm["data"]["notes"] = json!("keep me");
    cluster.server.insert(cm);
    let before = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-templates")
        .unwrap();
    let refused = apply(&["-n", "default", "--preset", "c5.xlarge=a"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("c5.xlarge"),
        "the diff shows the change: {}",
        refused.stderr
    );
    assert_eq!(
        cluster
            .server
            .get("configmaps", Some("default"), "kwok-provider-templates")
            .unwrap(),
        before
    );
    let forced = apply(&["-n", "default", "--preset", "c5.xlarge=a", "--force"]);
    assert_eq!(forced.code, 0, "{forced:?}");
    assert!(
        forced
            .stderr
            .contains("configmap/kwok-provider-templates configured"),
        "{}",
        forced.stderr
    );
    let after = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-templates")
        .unwrap();
    assert!(
        after["data"]["templates"]
            .as_str()
            .unwrap()
            .contains("c5.xlarge")
    );
    assert_eq!(after["data"]["notes"], "keep me");
}

#[test]
fn apply_against_an_unreachable_cluster_exits_3() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        fake_apiserver::kubeconfig_for("http://127.0.0.1:9", None),
    )
    .unwrap();
    let out = run_cmd(init_cmd(home.path()).args([
        "-y",
        "--kubeconfig",
        s(&kubeconfig),
        "--preset",
        "m5.large",
        "--apply",
        "--request-timeout",
        "2s",
    ]));
    assert_eq!(out.code, 3, "{out:?}");
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_init_apply_then_scale_gives_nodes_kwok_makes_ready() {
    use crate::real_cluster::shared;
    let cluster = shared();
    let home = tempfile::tempdir().unwrap();
    let namespace = cluster.namespace("init");
    let group = cluster.unique("in");
    let preset = format!("m5.large={group}");
    let apply = |ns: &str| {
        run_cmd(init_cmd(home.path()).args([
            "-y",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-n",
            ns,
            "--preset",
            &preset,
            "--apply",
        ]))
    };
    // The real API server refuses a namespace that does not exist.
    let missing = apply("no-such-namespace");
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("kubectl create namespace no-such-namespace"),
        "{}",
        missing.stderr
    );
    let created = apply(&namespace);
    assert_eq!(created.code, 0, "{created:?}");
    let live = cluster.plugin(&["validate", "-n", &namespace, "-o", "json"]);
    assert!(live.code < 2, "{live:?}");
    assert_eq!(group_rows(&live.json()), [(group.clone(), 0, 10)]);
    let up = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &group,
        "--replicas",
        "2",
        "--wait=60s",
        "-o",
        "json",
    ]);
    assert_eq!(up.code, 0, "{up:?}");
    assert_eq!(up.json()["nodeGroups"][0]["ready"], 2, "{}", up.stdout);
    let node = cluster.get_json(&["nodes", "-l", &format!("kwok-nodegroup={group}")]);
    let first = &node["items"][0];
    assert_eq!(
        first["status"]["allocatable"]["memory"], "6249Mi",
        "{first}"
    );
    assert_eq!(
        first["metadata"]["labels"]["node.kubernetes.io/instance-type"],
        "m5.large"
    );
    let down = cluster.plugin(&["scale", "-n", &namespace, &group, "--replicas", "0"]);
    assert_eq!(down.code, 0, "{down:?}");
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_init_apply_finds_a_missing_namespace_before_writing() {
    use crate::real_cluster::shared;
    let cluster = shared();
    let home = tempfile::tempdir().unwrap();
    let namespace = cluster.unique("init-missing");
    let apply = |extra: &[&str]| {
        let mut args = vec![
            "-y",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-n",
            &namespace,
            "--preset",
            "m5.large=a",
            "--apply",
        ];
        args.extend_from_slice(extra);
        run_cmd(init_cmd(home.path()).args(&args))
    };
    let missing = apply(&[]);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(
        missing.stderr.contains(&format!(
            "namespace `{namespace}` does not exist (context `kit`); nothing was written"
        )),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("--create-namespace"),
        "{}",
        missing.stderr
    );
    let none = cluster
        .kubectl_command(&["get", "namespace", &namespace])
        .output()
        .unwrap();
    assert!(!none.status.success(), "the namespace was not created");
    let created = apply(&["--create-namespace"]);
    assert_eq!(created.code, 0, "{created:?}");
    assert!(
        created
            .stderr
            .contains(&format!("namespace/{namespace} created")),
        "{}",
        created.stderr
    );
    let live = cluster.plugin(&["validate", "-n", &namespace, "-o", "json"]);
    assert!(live.code < 2, "{live:?}");
    assert_eq!(group_rows(&live.json()), [("a".to_owned(), 0, 10)]);
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_init_apply_finds_a_concurrent_change_before_writing_either() {
    use crate::real_cluster::shared;
    let cluster = shared();
    let home = tempfile::tempdir().unwrap();
    let namespace = cluster.namespace("init-race");
    let first = run_cmd(init_cmd(home.path()).args([
        "-y",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "-n",
        &namespace,
        "--preset",
        "m5.large=a",
        "--apply",
    ]));
    assert_eq!(first.code, 0, "{first:?}");
    let data =
        |name: &str| cluster.get_json(&["configmap", name, "-n", &namespace])["data"].clone();
    let config_before = data("kwok-provider-config");
    let mut p = wizard(
        home.path(),
        &[
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-n",
            &namespace,
            "--read-nodes-from",
            "configmap",
            "--group-by-label",
            "kwok-nodegroup",
            "--preset",
            "c5.xlarge",
            "--max",
            "10",
            "--skip-taint",
            "--apply",
        ],
    );
    settle(&mut p, "Node-group name for preset c5.xlarge");
    press(&mut p, "a");
    press(&mut p, ENTER);
    p.exp_string("Change ConfigMap").unwrap();
    // A colleague edits the templates while the question waits.
    cluster.kubectl(&[
        "patch",
        "configmap",
        "kwok-provider-templates",
        "-n",
        &namespace,
        "--type",
        "merge",
        "-p",
        r##"{"data":{"templates":"# edited by a colleague\n"}}"##,
    ]);
    std::thread::sleep(Duration::from_millis(300));
    press(&mut p, "y");
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 1, "{rest}");
    assert!(
        rest.contains("changed since it was read; it was not overwritten; nothing was written"),
        "{rest}"
    );
    assert_eq!(
        data("kwok-provider-config"),
        config_before,
        "the config is not switched"
    );
    assert_eq!(
        data("kwok-provider-templates")["templates"],
        "# edited by a colleague\n"
    );
}

#[test]
#[ignore = "needs the real-cluster kit and cluster-autoscaler (PENDING in CI: the module proxy does not serve CA); run with -- --ignored real_ca_"]
fn real_ca_starts_with_the_groups_init_writes() {
    use crate::real_cluster::{CaOutcome, RealCluster, kit_ca_binary};
    let cluster = RealCluster::private();
    let home = tempfile::tempdir().unwrap();
    type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, i64, i64)]);
    let cases: &[Case] = &[
        (
            "cluster-autoscaler",
            &[
                "--preset",
                "m5.xlarge=general",
                "--preset",
                "g5.xlarge=gpu",
                "--size",
                "gpu=0:4",
                "--max",
                "50",
            ],
            &[("general", 0, 50), ("gpu", 0, 4)],
        ),
        (
            "cluster-autoscaler",
            &[
                "--preset",
                "c-2x-arm64-linux=arm",
                "--group-by-annotation",
                "example.com/pool",
                "--min",
                "1",
                "--skip-taint",
            ],
            &[("arm", 1, 10)],
        ),
        (
            "cluster-autoscaler-1.33",
            &[
                "--preset",
                "c-2x-amd64-linux=old",
                "--group-by-annotation",
                "example.com/pool",
                "--ca-version",
                "1.33",
            ],
            &[("old", 0, 10)],
        ),
    ];
    for (binary, args, expected) in cases {
        kit_ca_binary(binary);
        let namespace = cluster.namespace("init-ca");
        let mut full = vec![
            "-y",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-n",
            &namespace,
            "--apply",
        ];
        full.extend_from_slice(args);
        let out = run_cmd(init_cmd(home.path()).args(&full));
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        let ca = cluster.run_ca(binary, &namespace, Duration::from_secs(60));
        let mut expected: Vec<(String, i64, i64)> = expected
            .iter()
            .map(|(n, a, b)| ((*n).to_owned(), *a, *b))
            .collect();
        let CaOutcome::Running { mut groups } = ca.outcome else {
            panic!("{args:?}: CA did not start: {:?}\n{}", ca.outcome, ca.log);
        };
        groups.sort();
        expected.sort();
        assert_eq!(groups, expected, "{args:?}");
        eprintln!("CA {binary} started with {groups:?} for init {args:?}");
    }
}

/// The wizard in a real pseudo-terminal: the plugin with no cluster and a private config directory.
fn wizard(config_home: &Path, args: &[&str]) -> rexpect::session::PtySession {
    wizard_with(config_home, args, true)
}

fn wizard_with(
    config_home: &Path,
    args: &[&str],
    strip_ansi: bool,
) -> rexpect::session::PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-kwokprovider"));
    cmd.arg("init")
        .args(args)
        .env_remove("KUBECONFIG")
        .env_remove("POD_NAMESPACE")
        .env_remove("KWOK_PROVIDER_CONFIGMAP")
        .env_remove("NO_COLOR")
        .env("HOME", config_home)
        .env("XDG_CONFIG_HOME", config_home)
        .env("TERM", "xterm-256color");
    rexpect::spawn_with_options(
        cmd,
        rexpect::session::Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(strip_ansi),
    )
    .expect("spawn the plugin in a pty")
}

/// Waits for `text`, then a moment more: console switches the terminal to raw mode after
/// drawing a prompt, and keys typed before that are flushed.
fn settle(p: &mut rexpect::session::PtySession, text: &str) {
    p.exp_string(text)
        .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"));
    std::thread::sleep(Duration::from_millis(300));
}

/// Types `keys` (rexpect buffers until flushed).
fn press(p: &mut rexpect::session::PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

fn exit_code(session: &rexpect::session::PtySession) -> i32 {
    match session.process().wait().expect("wait for the plugin") {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("the plugin did not exit normally: {other:?}"),
    }
}

#[test]
fn the_wizard_asks_with_arrow_keys_and_multi_select_then_writes_what_validate_accepts() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = home.path().join("out");
    let mut p = wizard(home.path(), &[]);
    settle(&mut p, "Namespace of the ConfigMaps");
    press(&mut p, ENTER); // the default, kube-system
    settle(&mut p, "Where does CA take node templates from");
    press(&mut p, ENTER); // configmap
    settle(&mut p, "Group templates into node groups by");
    press(&mut p, ENTER); // kwok-nodegroup
    settle(&mut p, "Templates from");
    press(&mut p, ENTER); // presets (checked by default)
    settle(&mut p, "Presets (space to select");
    // c-1x-amd64-linux, then two down: c-4x-amd64-linux.
    press(&mut p, " ");
    press(&mut p, DOWN);
    press(&mut p, DOWN);
    press(&mut p, " ");
    press(&mut p, ENTER);
    settle(&mut p, "Skip the taint");
    press(&mut p, "n");
    settle(&mut p, "Node-group name for preset c-1x-amd64-linux");
    press(&mut p, ENTER);
    settle(&mut p, "Sizes of `c-1x-amd64-linux`");
    press(&mut p, ENTER); // 0:10
    settle(&mut p, "Node-group name for preset c-4x-amd64-linux");
    press(&mut p, "fast");
    press(&mut p, ENTER);
    settle(&mut p, "Sizes of `fast`");
    press(&mut p, "1:5");
    press(&mut p, ENTER);
    settle(&mut p, "Output");
    press(&mut p, ENTER); // a directory
    settle(&mut p, "Directory");
    press(&mut p, s(&out_dir));
    press(&mut p, ENTER);
    settle(&mut p, "Save these answers");
    press(&mut p, ENTER); // no
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let report = run(&["validate", "-f", s(&out_dir), "-o", "json"]);
    assert_eq!(report.code, 0, "{report:?}");
    let report = report.json();
    assert_eq!(report["ca"]["verdict"], "starts");
    assert_eq!(
        group_rows(&report),
        [
            ("c-1x-amd64-linux".to_owned(), 0, 10),
            ("fast".to_owned(), 1, 5)
        ]
    );
    let config = std::fs::read_to_string(out_dir.join("kwok-provider-config.yaml")).unwrap();
    assert!(config.contains("namespace: kube-system"), "{config}");
    assert!(
        !home
            .path()
            .join("kubectl-kwokprovider/defaults.yaml")
            .exists()
    );
}

#[test]
fn ctrl_c_in_the_wizard_exits_130_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = home.path().join("out");
    // Flags answer some questions; the wizard asks the rest, and is interrupted mid-way.
    let mut p = wizard(home.path(), &["-n", "ops", "--output-dir", s(&out_dir)]);
    settle(&mut p, "Where does CA take node templates from");
    press(&mut p, DOWN);
    press(&mut p, "\x1b[A"); // up again: configmap
    press(&mut p, ENTER);
    settle(&mut p, "Group templates into node groups by");
    press(&mut p, DOWN);
    press(&mut p, ENTER); // another label key…
    settle(&mut p, "Label key");
    press(&mut p, "example.com/po");
    p.send_control('c').unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    // In a list too, where dialoguer hides the cursor: it must be shown again.
    let mut p = wizard_with(
        home.path(),
        &["-n", "ops", "--output-dir", s(&out_dir)],
        false,
    );
    let drawn = p.exp_string("(recommended)").unwrap();
    assert!(
        drawn.contains("\x1b[?25l"),
        "the list hides the cursor: {drawn:?}"
    );
    std::thread::sleep(Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.flush().unwrap();
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 130);
    assert!(rest.contains("\x1b[?25h"), "cursor shown again: {rest:?}");
    assert!(!out_dir.exists(), "nothing written, not even a directory");
    let leftovers: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn apply_in_the_wizard_shows_the_diff_asks_and_reports_a_concurrent_change() {
    let home = tempfile::tempdir().unwrap();
    let cluster = FakeCluster::new(vec![], Faults::default());
    let first = run_cmd(init_cmd(home.path()).args([
        "-y",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "-n",
        "default",
        "--preset",
        "m5.large=a",
        "--apply",
    ]));
    assert_eq!(first.code, 0, "{first:?}");
    let config_before = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-config")
        .unwrap();
    let answered = [
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "-n",
        "default",
        "--read-nodes-from",
        "configmap",
        "--group-by-label",
        "kwok-nodegroup",
        "--preset",
        "c5.xlarge",
        "--max",
        "10",
        "--skip-taint",
        "--apply",
    ];
    let mut p = wizard(home.path(), &answered);
    settle(&mut p, "Node-group name for preset c5.xlarge");
    press(&mut p, "a");
    press(&mut p, ENTER);
    let shown = p.exp_string("Change ConfigMap").unwrap();
    assert!(
        shown.contains("+      node.kubernetes.io/instance-type: c5.xlarge"),
        "{shown}"
    );
    assert!(
        shown.contains("-      node.kubernetes.io/instance-type: m5.large"),
        "{shown}"
    );
    // Someone changes the templates while the question waits.
    let mut theirs = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-templates")
        .unwrap();
    theirs["data"]["templates"] = json!("# edited by a colleague\n");
    cluster.server.insert(theirs);
    std::thread::sleep(Duration::from_millis(300));
    press(&mut p, "y");
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 1, "{rest}");
    assert!(
        rest.contains("changed since it was read; it was not overwritten"),
        "{rest}"
    );
    let kept = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-templates")
        .unwrap();
    assert_eq!(kept["data"]["templates"], "# edited by a colleague\n");
    // The change was found before anything was written: the config is not switched either.
    assert!(rest.contains("nothing was written"), "{rest}");
    let config_after = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-config")
        .unwrap();
    assert_eq!(config_after, config_before);
    // No answer is lost: the command line that gives them all is printed.
    let line = rest
        .lines()
        .find(|l| l.trim_start().starts_with("kubectl kwokprovider init"))
        .unwrap_or_else(|| panic!("no command line in {rest}"));
    for part in [
        "-n default",
        "--preset c5.xlarge=a",
        "--max 10",
        "--skip-taint",
        "--apply",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
}

/// Runs `init --apply` (no terminal) against `cluster` with `extra` flags.
fn apply_to(cluster: &FakeCluster, home: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["-y", "--kubeconfig", s(&cluster.kubeconfig), "--apply"];
    args.extend_from_slice(extra);
    run_cmd(init_cmd(home).args(&args))
}

#[test]
fn apply_puts_the_first_configmap_back_when_the_second_write_fails() {
    let home = tempfile::tempdir().unwrap();
    let cluster = FakeCluster::new(vec![], Faults::default());
    let get = |name: &str| cluster.server.get("configmaps", Some("default"), name);
    // Nothing there yet: the config is created, the templates fail, the config is deleted.
    cluster
        .server
        .fail_storage_of("configmaps", Some("default"), "kwok-provider-templates");
    let fresh = apply_to(
        &cluster,
        home.path(),
        &["-n", "default", "--preset", "m5.large=a"],
    );
    assert_eq!(fresh.code, 3, "{fresh:?}");
    assert!(
        fresh.stderr.contains(
            "configmap/kwok-provider-config had been written and was put back as it was; the cluster is as it was"
        ),
        "{}",
        fresh.stderr
    );
    assert!(get("kwok-provider-config").is_none());
    assert!(get("kwok-provider-templates").is_none());
    // Both exist: the config is updated, the templates fail, the config gets its old content back.
    let cluster = FakeCluster::new(vec![], Faults::default());
    let get = |name: &str| cluster.server.get("configmaps", Some("default"), name);
    let first = apply_to(
        &cluster,
        home.path(),
        &["-n", "default", "--preset", "m5.large=a"],
    );
    assert_eq!(first.code, 0, "{first:?}");
    let (config, templates) = (
        get("kwok-provider-config").unwrap(),
        get("kwok-provider-templates").unwrap(),
    );
    cluster
        .server
        .fail_storage_of("configmaps", Some("default"), "kwok-provider-templates");
    let changed = apply_to(
        &cluster,
        home.path(),
        &[
            "-n",
            "default",
            "--preset",
            "c5.xlarge=a",
            "--skip-taint",
            "--force",
        ],
    );
    assert_eq!(changed.code, 3, "{changed:?}");
    assert!(
        changed.stderr.contains("injected storage failure")
            && changed
                .stderr
                .contains("configmap/kwok-provider-config had been written and was put back"),
        "{}",
        changed.stderr
    );
    assert_eq!(get("kwok-provider-config").unwrap()["data"], config["data"]);
    assert_eq!(get("kwok-provider-templates").unwrap(), templates);
}

#[test]
fn apply_finds_a_missing_namespace_first_and_creates_it_when_told() {
    let home = tempfile::tempdir().unwrap();
    let cluster = FakeCluster::new(vec![], Faults::default());
    let missing = apply_to(
        &cluster,
        home.path(),
        &["-n", "ops", "--preset", "m5.large=a"],
    );
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(
        missing
            .stderr
            .contains("namespace `ops` does not exist (context `fake`); nothing was written"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("--create-namespace"),
        "{}",
        missing.stderr
    );
    assert!(cluster.server.get("namespaces", None, "ops").is_none());
    assert!(cluster.server.list("configmaps", Some("ops")).is_empty());
    let created = apply_to(
        &cluster,
        home.path(),
        &["-n", "ops", "--preset", "m5.large=a", "--create-namespace"],
    );
    assert_eq!(created.code, 0, "{created:?}");
    assert!(
        created.stderr.contains("namespace/ops created"),
        "{}",
        created.stderr
    );
    assert_eq!(cluster.server.list("configmaps", Some("ops")).len(), 2);
    let misplaced = init(
        home.path(),
        &[
            "-y",
            "--preset",
            "m5.large",
            "-o",
            "yaml",
            "--create-namespace",
        ],
    );
    assert_eq!(misplaced.code, 2, "{misplaced:?}");
}

#[test]
fn the_wizard_offers_to_create_a_missing_namespace_before_other_questions() {
    let home = tempfile::tempdir().unwrap();
    let cluster = FakeCluster::new(vec![], Faults::default());
    let mut p = wizard(
        home.path(),
        &["--kubeconfig", s(&cluster.kubeconfig), "--apply"],
    );
    settle(&mut p, "Namespace of the ConfigMaps");
    press(&mut p, "\x15"); // clear the default
    press(&mut p, "team-x");
    press(&mut p, ENTER);
    let asked = p.exp_string("Create it?").unwrap();
    assert!(
        asked.contains("Namespace `team-x` does not exist"),
        "{asked}"
    );
    assert!(
        !asked.contains("Where does CA take node templates from"),
        "{asked}"
    );
    std::thread::sleep(Duration::from_millis(300));
    press(&mut p, "n");
    let rest = p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 1, "{rest}");
    assert!(rest.contains("--create-namespace"), "{rest}");
    assert!(cluster.server.list("configmaps", Some("team-x")).is_empty());
    // Said yes: the namespace is made, then the ConfigMaps in it.
    let mut p = wizard(
        home.path(),
        &[
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "--apply",
            "--read-nodes-from",
            "configmap",
            "--group-by-label",
            "kwok-nodegroup",
            "--preset",
            "m5.large=a",
            "--max",
            "10",
            "--skip-taint",
        ],
    );
    settle(&mut p, "Namespace of the ConfigMaps");
    press(&mut p, "\x15");
    press(&mut p, "team-y");
    press(&mut p, ENTER);
    settle(&mut p, "Create it?");
    press(&mut p, "y");
    settle(&mut p, "Node-group name for preset m5.large");
    press(&mut p, ENTER);
    let applied = p.exp_string("Save these answers").unwrap();
    assert!(applied.contains("namespace/team-y created"), "{applied}");
    std::thread::sleep(Duration::from_millis(300));
    press(&mut p, ENTER);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert!(cluster.server.get("namespaces", None, "team-y").is_some());
    assert_eq!(cluster.server.list("configmaps", Some("team-y")).len(), 2);
}

#[test]
fn the_wizard_can_choose_read_nodes_from_cluster() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = home.path().join("out");
    let mut p = wizard(home.path(), &["-n", "ops", "--output-dir", s(&out_dir)]);
    settle(&mut p, "Where does CA take node templates from");
    press(&mut p, DOWN);
    press(&mut p, ENTER); // cluster
    settle(&mut p, "Group templates into node groups by");
    press(&mut p, ENTER);
    settle(&mut p, "Save these answers");
    press(&mut p, ENTER);
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let config = std::fs::read_to_string(out_dir.join("kwok-provider-config.yaml")).unwrap();
    assert!(config.contains("readNodesFrom: cluster"), "{config}");
    assert!(!out_dir.join("kwok-provider-templates.yaml").exists());
}

#[test]
fn next_steps_leave_out_installing_kwok_when_kwok_nodes_are_ready() {
    let home = tempfile::tempdir().unwrap();
    let install = "install the kwok controller";
    let apply = |cluster: &FakeCluster| {
        run_cmd(init_cmd(home.path()).args([
            "-y",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "--apply",
            "--force",
            "-n",
            "default",
            "--preset",
            "m5.large=a",
        ]))
    };
    let bare = FakeCluster::new(vec![], Faults::default());
    let out = apply(&bare);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains(install), "{}", out.stderr);
    // kwok run as a process (kwokctl): no Deployment, but a Ready kwok node.
    let kwokctl = FakeCluster::new(
        vec![serde_json::json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "kwok-node-0", "annotations": {"kwok.x-k8s.io/node": "fake"}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]},
        })],
        Faults::default(),
    );
    let out = apply(&kwokctl);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains(install), "{}", out.stderr);
    assert!(
        out.stderr.contains("events -f"),
        "the other steps remain: {}",
        out.stderr
    );
}
