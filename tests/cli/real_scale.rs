//! `scale` on the kit's kube-apiserver when responses are lost (the lossy proxy) and when two runs race.

use crate::lossy_proxy::{Loss, LossyProxy, Upstream};
use crate::real_cluster::{RealCluster, shared};
use crate::util::*;
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The shipped example's ConfigMaps in `namespace`, its group `compute` renamed `group`.
fn group_in(cluster: &RealCluster, namespace: &str, group: &str) {
    group_edited_in(cluster, namespace, group, |manifest| manifest);
}

/// As `group_in`, with `edit` applied to the manifest's text.
fn group_edited_in(
    cluster: &RealCluster,
    namespace: &str,
    group: &str,
    edit: impl FnOnce(String) -> String,
) {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml")).unwrap();
    let items: Vec<Value> = fake_apiserver::parse_seed(&text)
        .unwrap()
        .into_iter()
        .map(|mut object| {
            object["metadata"]["namespace"] = json!(namespace);
            object
        })
        .collect();
    let manifest = json!({"apiVersion": "v1", "kind": "List", "items": items})
        .to_string()
        .replace(
            "kwok-nodegroup: compute",
            &format!("kwok-nodegroup: {group}"),
        );
    cluster.apply(None, &edit(manifest));
}

/// The names of the nodes CA counts in `group`.
fn group_nodes(cluster: &RealCluster, group: &str) -> Vec<String> {
    let list = cluster.get_json(&["nodes"]);
    let mut names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            n["metadata"]["annotations"]["cluster-autoscaler.kwok.nodegroup/name"] == json!(group)
        })
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn sorted(value: &Value) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    list.sort();
    list
}

/// The API server's address, from the kit's kubeconfig.
fn apiserver_addr(cluster: &RealCluster) -> std::net::SocketAddr {
    let text = std::fs::read_to_string(&cluster.kubeconfig).unwrap();
    let server = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: https://"))
        .expect("an https server in the kit's kubeconfig");
    server.parse().unwrap()
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_scale_lossy_proxy_lost_create_responses_end_at_exactly_the_target() {
    let cluster = shared();
    let namespace = cluster.namespace("scale-lossy");
    let group = cluster.unique("lossy");
    group_in(cluster, &namespace, &group);
    let proxy = LossyProxy::start(
        Upstream::Tls {
            addr: apiserver_addr(cluster),
            pki: cluster.dir().join("pki"),
        },
        Loss {
            node_create_rate: 0.1,
            seed: 2026,
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = proxy.kubeconfig(&cluster.kubeconfig, dir.path());
    let started = Instant::now();
    let out = run(&[
        "scale",
        "--kubeconfig",
        s(&kubeconfig),
        "-n",
        &namespace,
        &group,
        "--replicas",
        "300",
        "--ignore-limits",
        "-o",
        "json",
    ]);
    eprintln!(
        "300 nodes through the lossy proxy: {:.1} s, {} of {} node-create responses lost",
        started.elapsed().as_secs_f64(),
        proxy.lost(),
        proxy.node_creates()
    );
    assert!(
        proxy.lost() >= 10,
        "the proxy lost only {} responses",
        proxy.lost()
    );
    let nodes = group_nodes(cluster, &group);
    assert_eq!(nodes.len(), 300, "{out:?}");
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    let result = &json["nodeGroups"][0];
    assert_eq!(result["after"], 300, "{result}");
    assert_eq!(
        sorted(&result["created"]),
        nodes,
        "created lists exactly the nodes"
    );
    assert!(json["recovered"].as_u64().unwrap() >= 1, "{json}");
    let down = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &group,
        "--replicas",
        "0",
        "--ignore-limits",
    ]);
    assert_eq!(down.code, 0, "{down:?}");
    assert!(group_nodes(cluster, &group).is_empty());
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_scale_two_runs_at_once_take_turns_and_neither_lies() {
    let cluster = shared();
    let namespace = cluster.namespace("scale-race");
    let group = cluster.unique("race");
    group_in(cluster, &namespace, &group);
    let spawn = |target: &str| {
        plugin()
            .args([
                "scale",
                "--kubeconfig",
                s(&cluster.kubeconfig),
                "-n",
                &namespace,
                &group,
            ])
            .args(["--replicas", target, "--ignore-limits", "-o", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Started together: whichever takes the Lease first runs first.
    let mut runs = vec![(spawn("400"), 400u64), (spawn("150"), 150u64)];
    let mut finished = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !runs.is_empty() {
        assert!(Instant::now() < deadline, "the runs did not finish");
        let mut i = 0;
        while i < runs.len() {
            if runs[i].0.try_wait().unwrap().is_some() {
                let (child, target) = runs.remove(i);
                finished.push((child.wait_with_output().unwrap(), target));
            } else {
                i += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    for (out, target) in &finished {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["nodeGroups"][0]["after"], *target, "{stdout}");
    }
    let last = finished[1].1;
    assert_eq!(
        group_nodes(cluster, &group).len() as u64,
        last,
        "the last run's target"
    );
    let waited = String::from_utf8_lossy(&finished[1].0.stderr);
    assert!(
        waited.contains("is being changed by `kubectl-kwokprovider@"),
        "{waited}"
    );
    let down = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &group,
        "--replicas",
        "0",
        "--ignore-limits",
    ]);
    assert_eq!(down.code, 0, "{down:?}");
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_scale_dry_run_server_has_the_api_server_check_each_node_and_store_none() {
    let cluster = shared();
    // A label value with a space: CA starts with it, a client plan shows nothing wrong,
    // and the API server refuses every node.
    let refused_ns = cluster.namespace("dry-refused");
    let refused = cluster.unique("dryref");
    group_edited_in(cluster, &refused_ns, &refused, |manifest| {
        manifest.replace(
            "node.kubernetes.io/instance-type: c5.2xlarge",
            "node.kubernetes.io/instance-type: c5 2xlarge",
        )
    });
    let scale = |ns: &str, args: &[&str]| {
        let mut all = vec!["scale", "-n", ns];
        all.extend_from_slice(args);
        cluster.plugin(&all)
    };
    let client = scale(
        &refused_ns,
        &[&refused, "--replicas", "2", "--dry-run", "-o", "json"],
    );
    assert_eq!(client.code, 0, "{client:?}");
    assert_eq!(
        client.json()["nodeGroups"][0]["created"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let server = scale(
        &refused_ns,
        &[
            &refused,
            "--replicas",
            "2",
            "--dry-run=server",
            "-o",
            "json",
        ],
    );
    assert_eq!(server.code, 1, "{server:?}");
    let result = &server.json()["nodeGroups"][0];
    let failed = result["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{result}");
    for f in failed {
        let error = f["error"].as_str().unwrap();
        assert!(
            error.starts_with("422 Invalid") && error.contains("c5 2xlarge"),
            "{error}"
        );
    }
    assert!(group_nodes(cluster, &refused).is_empty());

    // A valid group: creates and deletes pass the server's checks; nothing is stored or removed.
    let ns = cluster.namespace("dry-server");
    let group = cluster.unique("dry");
    group_in(cluster, &ns, &group);
    let up = scale(
        &ns,
        &[&group, "--replicas", "3", "--dry-run=server", "-o", "json"],
    );
    assert_eq!(up.code, 0, "{up:?}");
    assert_eq!(
        up.json()["nodeGroups"][0]["created"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(
        group_nodes(cluster, &group).is_empty(),
        "a server dry run stored nodes"
    );
    let real = scale(&ns, &[&group, "--replicas", "2"]);
    assert_eq!(real.code, 0, "{real:?}");
    let made = group_nodes(cluster, &group);
    let down = scale(
        &ns,
        &[&group, "--replicas", "0", "--dry-run=server", "-o", "json"],
    );
    assert_eq!(down.code, 0, "{down:?}");
    assert_eq!(sorted(&down.json()["nodeGroups"][0]["deleted"]), made);
    assert_eq!(
        group_nodes(cluster, &group),
        made,
        "a server dry run deleted nodes"
    );
    let leases = cluster.get_json(&["leases", "-n", &ns]);
    assert!(leases["items"].as_array().unwrap().is_empty(), "{leases}");
    let gone = scale(&ns, &[&group, "--replicas", "0"]);
    assert_eq!(gone.code, 0, "{gone:?}");
    assert!(group_nodes(cluster, &group).is_empty());
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_scale_kwok_run_as_a_process_counts_as_a_kwok_controller() {
    let cluster = shared();
    let namespace = cluster.namespace("kwok-process");
    let group = cluster.unique("kwokproc");
    group_in(cluster, &namespace, &group);
    // The kit runs kwok as a process, as kwokctl does: no Deployment; its nodes turn Ready.
    let up = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &group,
        "--replicas",
        "1",
        "--wait=60s",
        "-o",
        "json",
    ]);
    assert_eq!(up.code, 0, "{up:?}");
    assert_eq!(up.json()["nodeGroups"][0]["ready"], 1, "{up:?}");
    let validate = cluster.plugin(&["validate", "-n", &namespace, "-o", "json"]);
    assert!(
        !validate
            .rules()
            .contains(&"kwok-controller-missing".to_owned()),
        "{}",
        validate.stdout
    );
    let again = cluster.plugin(&["scale", "-n", &namespace, &group, "--replicas", "2"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        !again.stderr.contains("found no kwok controller"),
        "{}",
        again.stderr
    );
    let down = cluster.plugin(&["scale", "-n", &namespace, &group, "--replicas", "0"]);
    assert_eq!(down.code, 0, "{down:?}");
}
