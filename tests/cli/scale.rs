//! `scale` through the real binary against the test API server: listing, CA's nodes, limits,
//! faults (500s, 429s), denials, interruption and safety.

use crate::util::*;
use fake_apiserver::Faults;
use kwokprovider::provider::{CaVersion, nodegroups};
use serde_json::{Value, json};
use std::time::Duration;

/// The shipped example ConfigMaps (groups general ≤50, compute ≤20, gpu ≤4) in `default`.
fn example_seed() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", "namespace: default");
    fake_apiserver::parse_seed(&text).unwrap()
}

fn example_cluster() -> FakeCluster {
    FakeCluster::new(example_seed(), Faults::default())
}

/// The nodes CA counts in `group` (its lister: the name annotation).
fn nodes_of(cluster: &FakeCluster, group: &str) -> Vec<Value> {
    cluster
        .server
        .list("nodes", None)
        .into_iter()
        .filter(|n| n["metadata"]["annotations"]["cluster-autoscaler.kwok.nodegroup/name"] == group)
        .collect()
}

fn node(name: &str, annotations: Value, provider_id: &str, ready: bool) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "annotations": annotations, "labels": {"kwok-nodegroup": "general"}},
        "spec": {"providerID": provider_id},
        "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]},
    })
}

fn kwok_node(name: &str, group: &str, ready: bool) -> Value {
    node(
        name,
        json!({"kwok.x-k8s.io/node": "fake", "cluster-autoscaler.kwok.nodegroup/name": group}),
        &format!("kwok:{name}"),
        ready,
    )
}

#[test]
fn lists_groups_with_the_nodes_ca_counts() {
    let mut seed = example_seed();
    seed.push(kwok_node("general-aaaaa", "general", true));
    seed.push(kwok_node("general-bbbbb", "general", false));
    seed.push(kwok_node("gpu-ccccc", "gpu", true));
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run("scale", &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NODE GROUP"), "{}", out.stdout);
    assert!(
        lines[1].starts_with("general") && lines[1].ends_with("2       1"),
        "{}",
        out.stdout
    );
    let json = cluster.run("scale", &["-o", "json"]).json();
    assert_eq!(
        json["nodeGroups"][0],
        json!({"name": "general", "template": "kwok-provider-templates[0] general",
               "min": 0, "max": 50, "current": 2, "ready": 1})
    );
    assert_eq!(json["nodeGroups"][2]["current"], 1);
    assert!(out.stderr.contains("namespace `default`"), "{}", out.stderr);
}

#[test]
fn creates_exactly_the_nodes_ca_creates() {
    let cluster = example_cluster();
    let out = cluster.run("scale", &["general", "--replicas", "12", "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    let group = &json["nodeGroups"][0];
    assert_eq!(
        (group["before"].as_u64(), group["after"].as_u64()),
        (Some(0), Some(12))
    );
    assert_eq!(group["created"].as_array().unwrap().len(), 12);
    assert_eq!(json["dryRun"], false);
    let nodes = nodes_of(&cluster, "general");
    assert_eq!(nodes.len(), 12);

    // Field by field: the template CA prepares, named and marked as IncreaseSize does.
    let seed = example_seed();
    let templates: Value = {
        let text = seed[1]["data"]["templates"].as_str().unwrap();
        fake_apiserver::parse_seed(text).unwrap().remove(0)
    };
    let prepared = nodegroups::prepare_template(&templates, "general", false).unwrap();
    for created in &nodes {
        let name = created["metadata"]["name"].as_str().unwrap();
        let suffix = name
            .strip_prefix("general-")
            .expect("named <group>-<suffix>");
        assert_eq!(suffix.len(), 5);
        assert!(
            suffix
                .bytes()
                .all(|b| nodegroups::NAME_SUFFIX_ALPHABET.contains(&b)),
            "{name}"
        );
        let mut expected = nodegroups::new_node(&prepared, "general", suffix, CaVersion::LATEST);
        expected["apiVersion"] = json!("v1");
        expected["kind"] = json!("Node");
        for key in ["labels", "annotations", "name"] {
            assert_eq!(
                created["metadata"][key], expected["metadata"][key],
                "{name}: metadata.{key}"
            );
        }
        assert_eq!(created["spec"], expected["spec"], "{name}: spec");
        assert_eq!(
            created["status"]["capacity"],
            expected["status"]["capacity"]
        );
        assert_eq!(
            created["status"]["allocatable"],
            expected["status"]["allocatable"]
        );
        assert_eq!(created["status"]["nodeInfo"]["kubeletVersion"], "fake");
    }
    // The metrics annotation exists from CA 1.33 only.
    let old = cluster.run(
        "scale",
        &[
            "compute",
            "--add",
            "1",
            "--ca-version",
            "1.32",
            "-o",
            "json",
        ],
    );
    assert_eq!(old.code, 0, "{old:?}");
    let compute = nodes_of(&cluster, "compute");
    assert!(
        compute[0]["metadata"]["annotations"]["metrics.k8s.io/resource-metrics-path"].is_null()
    );
}

#[test]
fn relative_changes_and_hostnames() {
    let cluster = example_cluster();
    assert_eq!(
        cluster
            .run("scale", &["compute", "--add", "3", "--set-hostname"])
            .code,
        0
    );
    let nodes = nodes_of(&cluster, "compute");
    assert_eq!(nodes.len(), 3);
    for n in &nodes {
        assert_eq!(
            n["metadata"]["labels"]["kubernetes.io/hostname"],
            n["metadata"]["name"]
        );
    }
    let out = cluster.run("scale", &["compute", "--remove", "2"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("compute: 3 → 1 nodes"),
        "{}",
        out.stdout
    );
    assert_eq!(nodes_of(&cluster, "compute").len(), 1);
}

#[test]
fn limits_refuse_unless_ignored() {
    let cluster = example_cluster();
    let out = cluster.run("scale", &["gpu", "--replicas", "5"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("would exceed max-count 4"),
        "{}",
        out.stdout
    );
    assert!(nodes_of(&cluster, "gpu").is_empty());
    let out = cluster.run("scale", &["gpu", "--replicas", "5", "--ignore-limits"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(nodes_of(&cluster, "gpu").len(), 5);
}

#[test]
fn dry_run_changes_nothing() {
    let cluster = example_cluster();
    let before = cluster.server.request_count();
    let out = cluster.run(
        "scale",
        &[
            "general",
            "compute",
            "--replicas",
            "3",
            "--dry-run",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    assert_eq!(json["dryRun"], true);
    assert_eq!(
        json["nodeGroups"][1]["created"].as_array().unwrap().len(),
        3
    );
    assert!(cluster.server.list("nodes", None).is_empty());
    assert!(
        cluster.server.request_count() > before,
        "it did read the cluster"
    );
}

#[test]
fn bad_requests_are_errors_before_any_change() {
    let cluster = example_cluster();
    let unknown = cluster.run("scale", &["genral", "--replicas", "1"]);
    assert_eq!(unknown.code, 1, "{unknown:?}");
    assert!(
        unknown.stderr.contains("no node group `genral`"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("did you mean `general`"),
        "{}",
        unknown.stderr
    );
    assert!(cluster.server.list("nodes", None).is_empty());
    for args in [
        &["--replicas", "1"][..],
        &["general"],
        &["general", "--replicas", "1", "--add", "1"],
        &["--all", "general", "--replicas", "1"],
        &["general", "--replicas", "-1"],
    ] {
        let out = cluster.run("scale", args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
}

#[test]
fn a_broken_configuration_is_reported_not_scaled() {
    let mut seed = example_seed();
    seed[0]["data"]["config"] = json!("readNodesFrom: everywhere\n");
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run("scale", &["general", "--replicas", "1"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("will NOT start"), "{}", out.stderr);
    assert!(
        out.stderr.contains("error[read-nodes-from-invalid]"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn files_give_the_config_and_nodes_go_to_the_cluster() {
    let cluster = FakeCluster::new(Vec::new(), Faults::default());
    let out = cluster.run(
        "scale",
        &[
            "-f",
            s(&fixture("examples/kwok-provider.yaml")),
            "gpu",
            "--replicas",
            "2",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(nodes_of(&cluster, "gpu").len(), 2);
}

#[test]
fn faults_are_retried_until_the_group_is_exact() {
    let faults = Faults {
        write_failure_rate: 0.1,
        throttle_rate: 0.05,
        retry_after_seconds: 0,
        ..Faults::default()
    };
    let cluster = FakeCluster::new(example_seed(), faults);
    let out = cluster.run("scale", &["general", "--replicas", "50", "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    assert!(json["retries"].as_u64().unwrap() > 0, "{json}");
    assert!(
        json["nodeGroups"][0]["failed"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{json}"
    );
    assert_eq!(nodes_of(&cluster, "general").len(), 50);
    let down = cluster.run("scale", &["general", "--replicas", "7"]);
    assert_eq!(down.code, 0, "{down:?}");
    assert_eq!(nodes_of(&cluster, "general").len(), 7);
}

#[test]
fn a_denied_create_or_delete_exits_3_naming_verb_and_resource() {
    let mut seed = example_seed();
    seed.push(kwok_node("general-aaaaa", "general", true));
    let deny = |verb: &str| Faults {
        deny: vec![(verb.to_owned(), "nodes".to_owned())],
        ..Faults::default()
    };
    let cluster = FakeCluster::new(seed.clone(), deny("create"));
    let out = cluster.run("scale", &["general", "--replicas", "3"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("cannot create nodes"), "{}", out.stderr);
    assert!(
        out.stderr.contains("kubectl auth can-i create nodes"),
        "{}",
        out.stderr
    );
    let cluster = FakeCluster::new(seed, deny("delete"));
    let out = cluster.run("scale", &["general", "--replicas", "0"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("cannot delete nodes"), "{}", out.stderr);
}

#[test]
fn only_kwoks_own_nodes_of_the_group_are_ever_deleted() {
    let mut seed = example_seed();
    let survivors = [
        // A real node carrying the grouping label.
        node("real-1", json!({}), "aws:///us-east-1a/i-0abc", true),
        // The group's name annotation, but not fake.
        node(
            "not-fake",
            json!({"cluster-autoscaler.kwok.nodegroup/name": "general"}),
            "kwok:not-fake",
            true,
        ),
        // Fake, the group's annotation, a foreign providerID.
        node(
            "foreign-id",
            json!({"kwok.x-k8s.io/node": "fake", "cluster-autoscaler.kwok.nodegroup/name": "general"}),
            "gce://p/z/foreign-id",
            true,
        ),
        // Another group's nodes, and a kwok node of no configured group.
        kwok_node("other-aaaaa", "other", true),
        kwok_node("orphan-bbbbb", "gone", true),
    ];
    seed.extend(survivors.iter().cloned());
    seed.push(kwok_node("general-ccccc", "general", true));
    seed.push(kwok_node("compute-ddddd", "compute", true));
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run(
        "scale",
        &["--all", "--replicas", "0", "--ignore-limits", "-o", "json"],
    );
    assert_eq!(
        out.code, 1,
        "general cannot reach 0 without deleting foreign nodes: {out:?}"
    );
    let json = out.json();
    assert_eq!(json["nodeGroups"][0]["deleted"], json!(["general-ccccc"]));
    assert!(
        json["nodeGroups"][0]["refused"]
            .as_str()
            .unwrap()
            .contains("never deleted")
    );
    assert_eq!(json["nodeGroups"][1]["deleted"], json!(["compute-ddddd"]));
    let left: Vec<String> = cluster
        .server
        .list("nodes", None)
        .iter()
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    for survivor in &survivors {
        let name = survivor["metadata"]["name"].as_str().unwrap();
        assert!(
            left.iter().any(|l| l == name),
            "{name} was deleted; left: {left:?}"
        );
    }
    assert_eq!(left.len(), survivors.len(), "{left:?}");
}

#[test]
fn nodes_with_pods_go_last() {
    let mut seed = example_seed();
    seed.push(kwok_node("general-busyy", "general", true));
    seed.push(kwok_node("general-empty", "general", true));
    seed.push(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"nodeName": "general-busyy", "containers": [{"name": "c", "image": "i"}]},
    }));
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run("scale", &["general", "--remove", "1", "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.json()["nodeGroups"][0]["deleted"],
        json!(["general-empty"])
    );
}

/// Runs `scale` in the background and signals it once some nodes exist.
fn interrupt_mid_run(cluster: &FakeCluster, signal: &str, target: usize) -> std::process::Output {
    let child = plugin()
        .args(["scale", "--kubeconfig", s(&cluster.kubeconfig), "general"])
        .args([
            "--replicas",
            &target.to_string(),
            "--concurrency",
            "2",
            "--ignore-limits",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while nodes_of(cluster, "general").len() < 5 {
        assert!(std::time::Instant::now() < deadline, "scale made no nodes");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

#[test]
fn interrupted_runs_summarise_exit_130_and_a_rerun_converges() {
    let faults = Faults {
        latency_ms: 20,
        ..Faults::default()
    };
    let cluster = FakeCluster::new(example_seed(), faults);
    let out = interrupt_mid_run(&cluster, "-INT", 400);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(130),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("interrupted"), "{stdout}");
    let made = nodes_of(&cluster, "general").len();
    assert!(made > 0 && made < 400, "{made}");
    assert!(
        stdout.contains(&format!("general: 0 → {made} nodes")),
        "{stdout}"
    );
    assert!(
        cluster.server.list("leases", None).is_empty(),
        "Ctrl-C left the group's Lease behind"
    );

    let killed = interrupt_mid_run(&cluster, "-KILL", 400);
    assert_eq!(killed.status.code(), None, "killed by a signal");
    let rerun = cluster.run("scale", &["general", "--replicas", "60", "--ignore-limits"]);
    assert_eq!(rerun.code, 0, "{rerun:?}");
    assert_eq!(nodes_of(&cluster, "general").len(), 60);
}

#[test]
fn wait_reports_how_many_nodes_are_ready() {
    // No kwok controller here: nothing becomes Ready, and the wait ends at its timeout.
    let cluster = example_cluster();
    let out = cluster.run(
        "scale",
        &["gpu", "--replicas", "2", "--wait=1s", "-o", "json"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.json()["nodeGroups"][0]["ready"], 0);
    assert!(out.stderr.contains("waiting up to 1s"), "{}", out.stderr);
}

#[test]
fn wait_ends_at_once_when_the_group_is_emptied() {
    let mut seed = example_seed();
    seed.push(kwok_node("general-aaaaa", "general", true));
    let cluster = FakeCluster::new(seed, Faults::default());
    let started = std::time::Instant::now();
    let out = cluster.run(
        "scale",
        &["general", "--replicas", "0", "--wait=30s", "-o", "json"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["nodeGroups"][0]["ready"], 0);
    // Not a timing target: a wait for nothing must not sit out its 30 s timeout.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

// ---- Exact under faults and races (issue 17) ----

fn names(nodes: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = nodes
        .iter()
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn strings(value: &Value) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    list.sort();
    list
}

#[test]
fn lost_create_responses_do_not_become_extra_nodes() {
    use crate::lossy_proxy::{Loss, LossyProxy, Upstream};
    let cluster = example_cluster();
    let upstream: std::net::SocketAddr = cluster
        .server
        .url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let proxy = LossyProxy::start(
        Upstream::Http(upstream),
        Loss {
            node_create_rate: 0.1,
            seed: 17,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = proxy.kubeconfig(&cluster.kubeconfig, dir.path());
    let out = run(&[
        "scale",
        "--kubeconfig",
        s(&kubeconfig),
        "general",
        "--replicas",
        "300",
        "--ignore-limits",
        "-o",
        "json",
    ]);
    assert!(
        proxy.lost() >= 10,
        "the proxy lost only {} responses",
        proxy.lost()
    );
    let made = nodes_of(&cluster, "general");
    assert_eq!(made.len(), 300, "lost {} responses: {out:?}", proxy.lost());
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    let group = &json["nodeGroups"][0];
    assert_eq!(group["after"], 300, "{group}");
    assert_eq!(
        strings(&group["created"]),
        names(&made),
        "created lists exactly the nodes"
    );
    assert!(json["recovered"].as_u64().unwrap() >= 1, "{json}");
}

#[test]
fn the_fakes_post_commit_fault_neither_adds_nor_miscounts_nodes() {
    let faults = Faults {
        lost_response_rate: 0.1,
        ..Faults::default()
    };
    let cluster = FakeCluster::new(example_seed(), faults);
    let up = cluster.run(
        "scale",
        &[
            "general",
            "--replicas",
            "120",
            "--ignore-limits",
            "-o",
            "json",
        ],
    );
    assert_eq!(up.code, 0, "{up:?}");
    let made = nodes_of(&cluster, "general");
    assert_eq!(made.len(), 120);
    assert_eq!(
        strings(&up.json()["nodeGroups"][0]["created"]),
        names(&made)
    );
    let down = cluster.run("scale", &["general", "--replicas", "10", "-o", "json"]);
    assert_eq!(down.code, 0, "{down:?}");
    let group = &down.json()["nodeGroups"][0];
    assert_eq!(nodes_of(&cluster, "general").len(), 10);
    assert_eq!(group["deleted"].as_array().unwrap().len(), 110, "{group}");
    assert!(
        group.get("gone").is_none(),
        "our own lost deletes are ours: {group}"
    );
}

/// A raw DELETE against the test API server (another writer).
fn delete_node(cluster: &FakeCluster, name: &str) {
    use std::io::{Read, Write};
    let host = cluster
        .server
        .url()
        .trim_start_matches("http://")
        .to_owned();
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    write!(
        s,
        "DELETE /api/v1/nodes/{name} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
}

#[test]
fn a_delete_answered_404_is_not_counted_as_done() {
    let mut seed = example_seed();
    for i in 0..10 {
        seed.push(kwok_node(&format!("general-n{i:04}"), "general", true));
    }
    let faults = Faults {
        latency_ms: 150,
        ..Faults::default()
    };
    let cluster = FakeCluster::new(seed, faults);
    let child = plugin()
        .args(["scale", "--kubeconfig", s(&cluster.kubeconfig), "general"])
        .args(["--replicas", "0", "--concurrency", "1", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the run has deleted its first node, another writer deletes the rest.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while nodes_of(&cluster, "general").len() == 10 {
        assert!(
            std::time::Instant::now() < deadline,
            "scale deleted nothing"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    for node in nodes_of(&cluster, "general") {
        delete_node(&cluster, node["metadata"]["name"].as_str().unwrap());
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the group is at its target: {stdout}"
    );
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let group = &json["nodeGroups"][0];
    let deleted = group["deleted"].as_array().unwrap().len();
    let gone = group["gone"].as_array().map_or(0, Vec::len);
    assert!(
        deleted < 10,
        "404s were counted as this run's deletes: {group}"
    );
    assert_eq!(deleted + gone, 10, "{group}");
    assert_eq!(group["after"], 0, "{group}");
}

#[test]
fn a_group_changed_by_another_writer_meanwhile_is_off_target_and_exit_1() {
    let faults = Faults {
        latency_ms: 30,
        ..Faults::default()
    };
    let cluster = FakeCluster::new(example_seed(), faults);
    let child = plugin()
        .args(["scale", "--kubeconfig", s(&cluster.kubeconfig), "general"])
        .args(["--replicas", "20", "--concurrency", "1", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while nodes_of(&cluster, "general").is_empty() {
        assert!(std::time::Instant::now() < deadline, "scale made no nodes");
        std::thread::sleep(Duration::from_millis(10));
    }
    for i in 0..3 {
        cluster
            .server
            .insert(kwok_node(&format!("general-other{i}"), "general", true));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let group = &serde_json::from_str::<Value>(&stdout).unwrap()["nodeGroups"][0];
    assert_eq!(group["after"], 23, "the real count: {group}");
    assert_eq!(group["target"], 20, "{group}");
    assert!(
        group["offTarget"]
            .as_str()
            .unwrap()
            .contains("another writer"),
        "{group}"
    );
}

/// A Lease on `group` held by `holder`, renewed `ago` seconds ago.
fn lease(group: &str, holder: &str, ago: i64) -> Value {
    let renewed = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(ago);
    json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": format!("kwokprovider-scale-{group}"), "namespace": "default"},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15,
                 "renewTime": renewed.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()},
    })
}

#[test]
fn a_group_another_run_holds_is_left_alone_under_lock_timeout_0() {
    let mut seed = example_seed();
    seed.push(lease("general", "someone@elsewhere/42", 2));
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run("scale", &["general", "--replicas", "3", "--lock-timeout=0"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("someone@elsewhere/42"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("kwokprovider-scale-general"),
        "{}",
        out.stderr
    );
    assert!(nodes_of(&cluster, "general").is_empty());
    // Waiting: the holder is named, and the wait ends at the timeout.
    let out = cluster.run(
        "scale",
        &["general", "--replicas", "3", "--lock-timeout=1s"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("waiting for it"), "{}", out.stderr);
    assert!(nodes_of(&cluster, "general").is_empty());
}

#[test]
fn a_stale_lease_is_taken_over_and_the_lease_is_released_at_the_end() {
    let mut seed = example_seed();
    seed.push(lease("general", "crashed@elsewhere/7", 60));
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run("scale", &["general", "--replicas", "3", "--lock-timeout=0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(nodes_of(&cluster, "general").len(), 3);
    assert!(
        cluster.server.list("leases", None).is_empty(),
        "the Lease was not released: {:?}",
        cluster.server.list("leases", None)
    );
}

#[test]
fn without_lease_rights_the_run_warns_and_still_checks_the_count() {
    let faults = Faults {
        deny: vec![("*".to_owned(), "leases".to_owned())],
        ..Faults::default()
    };
    let cluster = FakeCluster::new(example_seed(), faults);
    let out = cluster.run("scale", &["general", "--replicas", "2"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("may not use Leases"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("kubectl auth can-i create leases.coordination.k8s.io"),
        "{}",
        out.stderr
    );
    assert_eq!(nodes_of(&cluster, "general").len(), 2);
}

#[test]
fn two_runs_at_once_take_turns_and_the_last_one_sets_the_count() {
    let faults = Faults {
        latency_ms: 5,
        ..Faults::default()
    };
    let cluster = FakeCluster::new(example_seed(), faults);
    let spawn = |target: &str| {
        plugin()
            .args(["scale", "--kubeconfig", s(&cluster.kubeconfig), "general"])
            .args(["--replicas", target, "--ignore-limits", "-o", "json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn("400");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while nodes_of(&cluster, "general").is_empty() {
        assert!(std::time::Instant::now() < deadline, "scale made no nodes");
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = spawn("150");
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    for (out, target) in [(&first, 400), (&second, 150)] {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["nodeGroups"][0]["after"], target, "{stdout}");
    }
    let waited = String::from_utf8_lossy(&second.stderr);
    assert!(
        waited.contains("is being changed by `kubectl-kwokprovider@"),
        "{waited}"
    );
    assert_eq!(nodes_of(&cluster, "general").len(), 150);
}

#[test]
fn nodes_with_pods_that_must_go_are_named_in_the_dry_run_and_the_run() {
    let mut seed = example_seed();
    seed.push(kwok_node("general-busya", "general", true));
    seed.push(kwok_node("general-busyb", "general", true));
    seed.push(kwok_node("general-empty", "general", true));
    let pod = |name: &str, node: &str, phase: &str| {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": phase},
        })
    };
    seed.push(pod("a1", "general-busya", "Running"));
    seed.push(pod("a2", "general-busya", "Running"));
    seed.push(pod("b1", "general-busyb", "Running"));
    // A finished pod holds nothing: its node is empty.
    seed.push(pod("done", "general-empty", "Succeeded"));
    let cluster = FakeCluster::new(seed, Faults::default());
    let dry = cluster.run("scale", &["general", "--replicas", "0", "--dry-run"]);
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(
        dry.stdout.contains(
            "warning: no empty nodes were left: would delete 2 nodes that run 3 pods: general-busya (2 pods), general-busyb (1 pod)"
        ),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("  - general-busya (2 pods)"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("  - general-empty\n"), "{}", dry.stdout);
    let one = cluster.run(
        "scale",
        &["general", "--remove", "1", "--dry-run", "-o", "json"],
    );
    assert!(
        one.json()["nodeGroups"][0].get("withPods").is_none(),
        "{one:?}"
    );

    let out = cluster.run("scale", &["general", "--replicas", "0", "-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.json()["nodeGroups"][0]["withPods"],
        json!([{"name": "general-busya", "pods": 2}, {"name": "general-busyb", "pods": 1}])
    );
    assert!(
        out.stderr.contains("deleting 2 nodes that run 3 pods"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_remove_larger_than_the_group_says_it_clamps() {
    let mut seed = example_seed();
    for name in ["compute-aaaaa", "compute-bbbbb"] {
        seed.push(kwok_node(name, "compute", true));
    }
    let cluster = FakeCluster::new(seed, Faults::default());
    let out = cluster.run("scale", &["compute", "--remove", "9"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "note: --remove 9 is more than the group's 2 nodes: clamped to 2 (the group goes to 0)"
        ),
        "{}",
        out.stdout
    );
    assert!(nodes_of(&cluster, "compute").is_empty());
}

/// The example, with group general's template carrying a label value the API server refuses
/// (a space), which neither CA's start-up nor a client-side plan can see.
fn example_with_a_refused_label() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", "namespace: default")
        .replace(
            "node.kubernetes.io/instance-type: m5.xlarge",
            "node.kubernetes.io/instance-type: \"m5 xlarge\"",
        );
    fake_apiserver::parse_seed(&text).unwrap()
}

#[test]
fn server_dry_run_has_the_server_check_every_node_and_changes_nothing() {
    let mut seed = example_with_a_refused_label();
    seed.push(kwok_node("compute-aaaaa", "compute", true));
    seed.push(kwok_node("compute-bbbbb", "compute", true));
    let cluster = FakeCluster::new(seed, Faults::default());
    // The client cannot know: its plan looks fine.
    let client = cluster.run(
        "scale",
        &["general", "--replicas", "2", "--dry-run", "-o", "json"],
    );
    assert_eq!(client.code, 0, "{client:?}");
    assert_eq!(client.json()["dryRunStrategy"], "client");
    assert_eq!(
        client.json()["nodeGroups"][0]["created"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The server refuses each node, and the report says so; nothing is stored.
    let server = cluster.run(
        "scale",
        &[
            "general",
            "--replicas",
            "2",
            "--dry-run=server",
            "-o",
            "json",
        ],
    );
    assert_eq!(server.code, 1, "{server:?}");
    let json = server.json();
    assert_eq!(
        (json["dryRun"].as_bool(), json["dryRunStrategy"].as_str()),
        (Some(true), Some("server"))
    );
    let general = &json["nodeGroups"][0];
    assert!(
        general["created"].as_array().unwrap().is_empty(),
        "{general}"
    );
    let failed = general["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{general}");
    assert!(
        failed[0]["error"].as_str().unwrap().contains("422")
            && failed[0]["error"].as_str().unwrap().contains("m5 xlarge"),
        "{general}"
    );
    // Valid creates and deletes pass the server's checks, and still change nothing.
    let text = cluster.run(
        "scale",
        &[
            "compute",
            "--replicas",
            "0",
            "--dry-run=server",
            "--color",
            "never",
        ],
    );
    assert_eq!(text.code, 0, "{text:?}");
    assert!(
        text.stdout
            .contains("compute: 2 → (dry run, checked by the API server) 0 nodes"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("0 to create, 2 to delete, 0 refused by the API server"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("  - compute-aaaaa\n"),
        "{}",
        text.stdout
    );
    let up = cluster.run(
        "scale",
        &["compute", "--add", "3", "--dry-run=server", "-o", "json"],
    );
    assert_eq!(up.code, 0, "{up:?}");
    assert_eq!(
        up.json()["nodeGroups"][0]["created"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(up.json()["nodeGroups"][0]["after"], 5);
    assert_eq!(
        names(&cluster.server.list("nodes", None)),
        ["compute-aaaaa", "compute-bbbbb"]
    );
    assert!(
        cluster.server.list("leases", None).is_empty(),
        "a dry run takes no Lease"
    );
    let refused = cluster.run(
        "scale",
        &[
            "general",
            "--add",
            "1",
            "--dry-run=server",
            "--color",
            "never",
        ],
    );
    assert!(
        refused.stdout.contains("refused general-"),
        "{}",
        refused.stdout
    );
    // kubectl's spelling is checked: no other strategy.
    let bad = cluster.run("scale", &["general", "--add", "1", "--dry-run=everything"]);
    assert_eq!(bad.code, 2, "{bad:?}");
    let none = cluster.run(
        "scale",
        &["compute", "--replicas", "2", "--dry-run=none", "-o", "json"],
    );
    assert_eq!(none.code, 0, "{none:?}");
    assert_eq!(none.json()["dryRun"], false);
}

#[test]
fn listing_as_yaml_names_and_without_headers() {
    let mut seed = example_seed();
    seed.push(kwok_node("general-aaaaa", "general", true));
    seed.push(kwok_node("gpu-ccccc", "gpu", true));
    seed.push(node("real-node", json!({}), "aws:///i-1", true));
    let cluster = FakeCluster::new(seed, Faults::default());
    let as_names = cluster.run("scale", &["-o", "name"]);
    assert_eq!(as_names.code, 0, "{as_names:?}");
    assert_eq!(as_names.stdout, "node/general-aaaaa\nnode/gpu-ccccc\n");
    let yaml = cluster.run("scale", &["-o", "yaml"]);
    assert_eq!(yaml.code, 0, "{yaml:?}");
    let doc: Value = serde_saphyr::from_str(&yaml.stdout).unwrap();
    assert_eq!(doc["nodeGroups"][0]["name"], "general");
    assert_eq!(doc["nodeGroups"][0]["current"], 1);
    let bare = cluster.run("scale", &["--no-headers"]);
    assert_eq!(bare.code, 0, "{bare:?}");
    let lines: Vec<&str> = bare.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", bare.stdout);
    assert!(lines[0].starts_with("general "), "{}", bare.stdout);
}

#[test]
fn a_change_as_names_and_yaml() {
    let cluster = example_cluster();
    let out = cluster.run("scale", &["general", "--replicas", "2", "-o", "name"]);
    assert_eq!(out.code, 0, "{out:?}");
    let mut made: Vec<String> = nodes_of(&cluster, "general")
        .iter()
        .map(|n| format!("node/{}\n", n["metadata"]["name"].as_str().unwrap()))
        .collect();
    made.sort();
    assert_eq!(out.stdout, made.concat());
    let yaml = cluster.run("scale", &["general", "--replicas", "0", "-o", "yaml"]);
    assert_eq!(yaml.code, 0, "{yaml:?}");
    let doc: Value = serde_saphyr::from_str(&yaml.stdout).unwrap();
    assert_eq!(doc["nodeGroups"][0]["deleted"].as_array().unwrap().len(), 2);
    assert_eq!(doc["dryRun"], false);
}

#[test]
fn scale_finds_a_kwok_controller_by_the_traces_validate_reads() {
    let cluster = example_cluster();
    let warning = "warning: found no kwok controller";
    let bare = cluster.run("scale", &["general", "--add", "1"]);
    assert_eq!(bare.code, 0, "{bare:?}");
    assert!(bare.stderr.contains(warning), "{}", bare.stderr);
    // kwok's Stage CRD, as its release YAML (or kwokctl) installs it.
    cluster.server.insert(json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "stages.kwok.x-k8s.io"},
        "spec": {"group": "kwok.x-k8s.io", "scope": "Cluster",
                 "names": {"plural": "stages", "singular": "stage", "kind": "Stage"},
                 "versions": [{"name": "v1alpha1", "served": true, "storage": true}]},
    }));
    let with_stages = cluster.run("scale", &["general", "--add", "1"]);
    assert_eq!(with_stages.code, 0, "{with_stages:?}");
    assert!(
        !with_stages.stderr.contains(warning),
        "{}",
        with_stages.stderr
    );
}
