//! `why` against the kit's real kube-apiserver, scheduler and controllers (no CA): pods really
//! Pending because no node fits, owners made by the real controllers.

use crate::real_cluster::{RealCluster, shared};
use serde_json::{Value, json};
use std::time::Duration;

/// The provider ConfigMaps in `namespace`: group `{prefix}-small` (2 cpu, ≤3) and
/// `{prefix}-gpu` (4 cpu, 1 GPU, ≤1).
fn config_maps(cluster: &RealCluster, namespace: &str, prefix: &str) {
    let template = |name: &str, max: u32, allocatable: Value| {
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": name, "labels": {"kwok-nodegroup": name, "kubernetes.io/os": "linux"},
                            "annotations": {"cluster-autoscaler.kwok.nodegroup/max-count": max.to_string()}},
               "status": {"allocatable": allocatable, "capacity": allocatable}})
    };
    let templates = json!({"apiVersion": "v1", "kind": "List", "items": [
        template(&format!("{prefix}-small"), 3, json!({"cpu": "2", "memory": "8Gi", "pods": "110"})),
        template(&format!("{prefix}-gpu"), 1, json!({"cpu": "4", "memory": "16Gi", "pods": "110", "nvidia.com/gpu": "1"})),
    ]});
    let manifest = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-config", "namespace": namespace},
         "data": {"config": "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups:\n  fromNodeLabelKey: kwok-nodegroup\nconfigmap:\n  name: kwok-provider-templates\n"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-templates", "namespace": namespace},
         "data": {"templates": templates.to_string()}},
    ]});
    cluster.apply(None, &manifest.to_string());
}

fn deployment(name: &str, replicas: u32, pod_spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec}}})
}

fn container(requests: Value) -> Value {
    json!([{"name": "app", "image": "registry.k8s.io/pause:3.10", "resources": {"requests": requests}}])
}

fn toleration() -> Value {
    json!([{"key": "kwok-provider", "operator": "Equal", "value": "true", "effect": "NoSchedule"}])
}

/// How many of the namespace's pods the scheduler has refused (PodScheduled=False), and how many run on a node.
fn scheduled_state(cluster: &RealCluster, namespace: &str) -> (usize, usize) {
    let pods = cluster.get_json(&["pods", "-n", namespace]);
    let items = pods["items"].as_array().cloned().unwrap_or_default();
    let refused = items
        .iter()
        .filter(|p| {
            p["status"]["conditions"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "PodScheduled" && c["status"] == "False")
            })
        })
        .count();
    let placed = items
        .iter()
        .filter(|p| p["spec"]["nodeName"].is_string())
        .count();
    (refused, placed)
}

fn group<'v>(owner: &'v Value, name: &str) -> &'v Value {
    owner["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {owner:#}"))
}

fn kinds(group: &Value) -> Vec<String> {
    group["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_why_no_toleration_too_big_group_at_max_and_a_fitting_deployment() {
    let cluster = shared();
    let namespace = cluster.namespace("why");
    let prefix = cluster.unique("why");
    let (small, gpu) = (format!("{prefix}-small"), format!("{prefix}-gpu"));
    config_maps(cluster, &namespace, &prefix);
    // The gpu group at its max: its one node, whose GPU a running pod takes.
    let scaled = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &gpu,
        "--replicas",
        "1",
        "--wait=2m",
    ]);
    assert_eq!(scaled.code, 0, "{}\n{}", scaled.stdout, scaled.stderr);
    let on_gpu = |name: &str| {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
               "spec": {"tolerations": toleration(), "nodeSelector": {"kwok-nodegroup": gpu},
                        "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10", "resources": {
                            "requests": {"cpu": "1", "nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "1"}}}]}})
    };
    cluster.apply(Some(&namespace), &on_gpu("train-a").to_string());
    cluster.wait_for("train-a on the gpu node", Duration::from_secs(60), || {
        (scheduled_state(cluster, &namespace).1 == 1).then_some(())
    });
    let only_small = json!({"kwok-nodegroup": small});
    let workloads = json!({"apiVersion": "v1", "kind": "List", "items": [
        on_gpu("train-b"),
        deployment("web", 2, json!({"nodeSelector": only_small, "containers": container(json!({"cpu": "500m"}))})),
        deployment("huge", 1, json!({"nodeSelector": only_small, "tolerations": toleration(), "containers": container(json!({"cpu": "16"}))})),
        deployment("fits", 3, json!({"nodeSelector": only_small, "tolerations": toleration(), "containers": container(json!({"cpu": "1500m"}))})),
    ]});
    cluster.apply(Some(&namespace), &workloads.to_string());
    // 1 + 2 + 1 + 3 pods refused by the real scheduler.
    cluster.wait_for(
        "7 pods refused by the scheduler",
        Duration::from_secs(90),
        || (scheduled_state(cluster, &namespace).0 == 7).then_some(()),
    );
    let run = cluster.plugin(&[
        "why",
        "-n",
        &namespace,
        "--ca-namespace",
        &namespace,
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let owner = |kind: &str, name: &str| -> Value {
        report["owners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["owner"]["kind"] == kind && o["owner"]["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{kind}/{name} in {report:#}"))
    };
    // No toleration: the Deployment (through its real ReplicaSet), refused by the taint.
    let web = owner("Deployment", "web");
    assert_eq!(web["pending"], 2);
    assert_eq!(kinds(group(&web, &small)), ["taint"]);
    // Too big: 16 cpu against 2 - 100m.
    let huge = owner("Deployment", "huge");
    let reason = &group(&huge, &small)["reasons"][0];
    assert_eq!(
        (
            reason["kind"].as_str(),
            reason["requested"].as_str(),
            reason["free"].as_str()
        ),
        (Some("resource"), Some("16"), Some("1900m"))
    );
    // Group at max: the gpu group, 1 of 1 kwok nodes; train-a is running and not counted.
    let train = owner("Pod", "train-b");
    assert_eq!(train["pending"], 1);
    assert_eq!(kinds(group(&train, &gpu)), ["max"]);
    assert_eq!(group(&train, &gpu)["reasons"][0]["size"], 1);
    assert!(
        report["owners"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["owner"]["name"] != "train-a")
    );
    // Fits: one 1.5-cpu pod per 2-cpu node, 3 nodes, the max.
    let fits = owner("Deployment", "fits");
    assert_eq!(group(&fits, &small)["nodesNeeded"], 3, "{fits:#}");
    // The real scheduler agrees: after `scale` makes those 3 nodes, the pods run.
    let scaled = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &small,
        "--replicas",
        "3",
        "--wait=2m",
    ]);
    assert_eq!(scaled.code, 0, "{}", scaled.stderr);
    cluster.wait_for("the 3 fitting pods placed", Duration::from_secs(90), || {
        let pods = cluster.get_json(&["pods", "-n", &namespace, "-l", "app=fits"]);
        let placed = pods["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["spec"]["nodeName"].is_string())
            .count();
        (placed == 3).then_some(())
    });
    cluster.plugin(&["scale", "-n", &namespace, "--all", "--replicas", "0"]);
}

/// The events CA wrote in `namespace`, decoded (`events -o json`).
fn ca_events(cluster: &RealCluster, namespace: &str) -> Vec<Value> {
    let out = cluster.plugin(&["events", "-n", namespace, "-o", "json", "--since", "10m"]);
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
#[ignore = "needs the real-cluster kit and its cluster-autoscaler; run with -- --ignored real_ca_"]
fn real_ca_why_agrees_with_ca_on_refusals_and_on_the_nodes_it_creates() {
    let cluster = shared();
    let namespace = cluster.namespace("why-ca");
    let prefix = cluster.unique("wca");
    let (fits, small) = (format!("{prefix}-a"), format!("{prefix}-b"));
    let template = |name: &str, cpu: &str| {
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": name, "labels": {"kwok-nodegroup": name, "kubernetes.io/os": "linux"},
                            "annotations": {"cluster-autoscaler.kwok.nodegroup/max-count": "5"}},
               "status": {"allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
                          "capacity": {"cpu": cpu, "memory": "8Gi", "pods": "110"}}})
    };
    let templates = json!({"apiVersion": "v1", "kind": "List", "items": [template(&fits, "2"), template(&small, "1")]});
    cluster.apply(Some(&namespace), &json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-config"},
         "data": {"config": "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups:\n  fromNodeLabelKey: kwok-nodegroup\nconfigmap:\n  name: kwok-provider-templates\n"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-templates"},
         "data": {"templates": templates.to_string()}},
    ]}).to_string());
    // Only this test's two groups: other tests' kwok nodes stay out of it.
    let ours = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kwok-nodegroup", "operator": "In", "values": [fits, small]}]}]}}});
    let pod = |name: &str, cpu: &str, tolerate: bool| {
        let mut spec = json!({"affinity": ours, "containers": container(json!({"cpu": cpu}))});
        if tolerate {
            spec["tolerations"] = toleration();
        }
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec})
    };
    let mut batch = deployment(
        "batch",
        4,
        json!({"affinity": ours, "tolerations": toleration(), "containers": container(json!({"cpu": "1500m"}))}),
    );
    batch["metadata"]["namespace"] = json!(namespace);
    cluster.apply(
        Some(&namespace),
        &json!({"apiVersion": "v1", "kind": "List", "items": [
            batch, pod("lonely", "100m", false), pod("huge", "16", true),
        ]})
        .to_string(),
    );
    cluster.wait_for(
        "6 pods refused by the scheduler",
        Duration::from_secs(90),
        || (scheduled_state(cluster, &namespace).0 == 6).then_some(()),
    );
    // `why` before CA acts.
    let before = cluster.plugin(&[
        "why",
        "-n",
        &namespace,
        "--ca-namespace",
        &namespace,
        "-o",
        "json",
    ]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    let before = before.json();
    let owner = |report: &Value, name: &str| -> Value {
        report["owners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["owner"]["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {report:#}"))
    };
    let predicted = group(&owner(&before, "batch"), &fits)["nodesNeeded"]
        .as_u64()
        .expect("group a fits");
    assert_eq!(
        predicted, 4,
        "one 1.5-cpu pod per 2-cpu node (100m for kube-proxy)"
    );
    assert_eq!(group(&owner(&before, "batch"), &small)["fits"], false);

    let ca = cluster.spawn_ca(
        "cluster-autoscaler",
        &namespace,
        &["--expander=least-waste"],
    );
    let selector = format!("kwok-nodegroup={fits}");
    let created = cluster.wait_for("CA's scale-up of group a", Duration::from_secs(120), || {
        let nodes = cluster.get_json(&["nodes", "-l", &selector]);
        let n = nodes["items"].as_array().map_or(0, Vec::len);
        (n > 0).then_some(n)
    });
    // Let CA finish its one scale-up, then count again.
    std::thread::sleep(Duration::from_secs(3));
    let created = cluster.get_json(&["nodes", "-l", &selector])["items"]
        .as_array()
        .map_or(created, Vec::len);
    assert_eq!(
        created as u64,
        predicted,
        "CA created {created} nodes, why predicted {predicted}\nCA log:\n{}",
        ca.log()
    );
    let none = cluster.get_json(&["nodes", "-l", &format!("kwok-nodegroup={small}")]);
    assert_eq!(
        none["items"].as_array().map_or(0, Vec::len),
        0,
        "CA never considered the too-small group"
    );

    // CA's refusals name the kinds `why` gives, group for group.
    let refusals = cluster.wait_for(
        "CA's NotTriggerScaleUp for lonely and huge",
        Duration::from_secs(90),
        || {
            let events = ca_events(cluster, &namespace);
            let of = |pod: &str| {
                events
                    .iter()
                    .rev()
                    .find(|e| e["reason"] == "NotTriggerScaleUp" && e["object"]["name"] == pod)
                    .cloned()
            };
            Some((of("lonely")?, of("huge")?))
        },
    );
    let reason_count = |event: &Value, text: &str| -> u64 {
        event["decision"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["reason"].as_str().unwrap().contains(text))
            .map(|r| r["count"].as_u64().unwrap())
            .sum()
    };
    let why_count = |name: &str, kind: &str| -> u64 {
        let o = owner(&before, name);
        o["groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| {
                g["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["kind"] == kind)
            })
            .count() as u64
    };
    assert_eq!(why_count("lonely", "taint"), 2);
    assert_eq!(
        reason_count(&refusals.0, "untolerated taint"),
        2,
        "{:#}",
        refusals.0
    );
    assert_eq!(why_count("huge", "resource"), 2);
    assert_eq!(
        reason_count(&refusals.1, "Insufficient cpu"),
        2,
        "{:#}",
        refusals.1
    );

    // Afterwards `why` joins CA's decisions in.
    let after = cluster.plugin(&[
        "why",
        "-n",
        &namespace,
        "--ca-namespace",
        &namespace,
        "-o",
        "json",
    ]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    let after = after.json();
    assert_eq!(
        owner(&after, "lonely")["ca"]["lastDecision"]["reason"],
        "NotTriggerScaleUp"
    );
    drop(ca);
    cluster.plugin(&["scale", "-n", &namespace, "--all", "--replicas", "0"]);
}
