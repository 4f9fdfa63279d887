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

/// What CA's log says it considered: for each `Estimated N nodes needed in GROUP` line of a
/// group named `prefix-…`, the group and the last estimate.
fn ca_estimates(log: &str, prefix: &str) -> std::collections::BTreeMap<String, u64> {
    let mut estimates = std::collections::BTreeMap::new();
    for line in log.lines() {
        let Some(rest) = line.split("Estimated ").nth(1) else {
            continue;
        };
        let Some((count, group)) = rest.split_once(" nodes needed in ") else {
            continue;
        };
        let group = group.trim();
        if let (Ok(count), true) = (count.parse(), group.starts_with(prefix)) {
            estimates.insert(group.to_owned(), count);
        }
    }
    estimates
}

/// The reason CA gives for a group `why` refuses: CA skips a group at its max before it
/// simulates the pod on it; else the scheduler's first failing filter (taints before node
/// affinity before resources).
fn ca_reason_for(group: &Value) -> String {
    let reasons = group["reasons"].as_array().unwrap();
    let has = |kind: &str| reasons.iter().find(|r| r["kind"] == kind);
    if has("max").is_some() {
        "max node group size reached".to_owned()
    } else if has("taint").is_some() {
        "untolerated taint".to_owned()
    } else if has("selector").or(has("affinity")).is_some() {
        "didn't match Pod's node affinity/selector".to_owned()
    } else if let Some(r) = has("resource") {
        format!("Insufficient {}", r["resource"].as_str().unwrap())
    } else {
        panic!("a refusal CA has no word for: {group:#}")
    }
}

#[test]
#[ignore = "needs the real-cluster kit and its cluster-autoscaler; run with -- --ignored real_ca_"]
fn real_ca_why_agrees_with_ca_on_refusals_and_on_the_nodes_it_creates() {
    why_agrees_with_ca("cluster-autoscaler");
}

/// CA 1.33's kwok provider differs (its target size, its node naming) and its scheduler
/// words an untolerated taint with the taint named.
#[test]
#[ignore = "needs the real-cluster kit and its cluster-autoscaler; run with -- --ignored real_ca_"]
fn real_ca_why_agrees_with_ca_1_33_too() {
    why_agrees_with_ca("cluster-autoscaler-1.33");
}

/// One CA start (`binary` of the kit, `least-waste`), a Deployment, a StatefulSet and a Job
/// that fit one group each, and three pods CA refuses (no toleration, too big, a group at max):
/// the groups `why` says fit are the ones CA estimated, with `why`'s node counts, CA creates
/// those nodes, and CA's NotTriggerScaleUp reasons are `why`'s, group for group.
fn why_agrees_with_ca(binary: &str) {
    let cluster = shared();
    let namespace = cluster.namespace("why-ca");
    let prefix = cluster.unique("wca");
    let [a, b, c, d] = ["a", "b", "c", "d"].map(|g| format!("{prefix}-{g}"));
    // Every template carries this test's own taint too: other tests' pods stay off its groups.
    let own_taint = json!({"key": "why-ca", "value": prefix, "effect": "NoSchedule"});
    let template = |name: &str, cpu: &str, max: u32| {
        json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": name, "labels": {"kwok-nodegroup": name, "kubernetes.io/os": "linux"},
                            "annotations": {"cluster-autoscaler.kwok.nodegroup/max-count": max.to_string()}},
               "spec": {"taints": [own_taint]},
               "status": {"allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
                          "capacity": {"cpu": cpu, "memory": "8Gi", "pods": "110"}}})
    };
    let templates = json!({"apiVersion": "v1", "kind": "List", "items": [
        template(&a, "2", 5), template(&b, "4", 5), template(&c, "1", 5), template(&d, "2", 1),
    ]});
    cluster.apply(Some(&namespace), &json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-config"},
         "data": {"config": "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups:\n  fromNodeLabelKey: kwok-nodegroup\nconfigmap:\n  name: kwok-provider-templates\n"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kwok-provider-templates"},
         "data": {"templates": templates.to_string()}},
    ]}).to_string());
    let tolerations = json!([
        {"key": "kwok-provider", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
        {"key": "why-ca", "operator": "Equal", "value": prefix, "effect": "NoSchedule"}]);
    let on = |groups: &[&str]| {
        json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kwok-nodegroup", "operator": "In", "values": groups}]}]}}})
    };
    let spec = |groups: &[&str], cpu: &str, tolerate: bool| {
        let mut spec =
            json!({"affinity": on(groups), "containers": container(json!({"cpu": cpu}))});
        if tolerate {
            spec["tolerations"] = tolerations.clone();
        }
        spec
    };
    let pod = |name: &str, spec: Value| json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec});
    let all = [a.as_str(), b.as_str(), c.as_str(), d.as_str()];

    // Group d at its max (1 of 1), its one node taken by a running pod.
    let scaled = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &d,
        "--replicas",
        "1",
        "--wait=2m",
    ]);
    assert_eq!(scaled.code, 0, "{}\n{}", scaled.stdout, scaled.stderr);
    cluster.apply(
        Some(&namespace),
        &pod("occupant", spec(&[&d], "1500m", true)).to_string(),
    );
    cluster.wait_for("the occupant on d's node", Duration::from_secs(60), || {
        (scheduled_state(cluster, &namespace).1 == 1).then_some(())
    });

    // Three workloads that fit one group each, and three pods CA refuses: no toleration,
    // too big, and a group at max.
    let app = |name: &str| json!({"matchLabels": {"app": name}});
    let labels = |name: &str| json!({"labels": {"app": name}});
    let workloads = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
         "spec": {"replicas": 4, "selector": app("web"),
                  "template": {"metadata": labels("web"), "spec": spec(&[&a], "1500m", true)}}},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
         "spec": {"replicas": 3, "serviceName": "db", "podManagementPolicy": "Parallel", "selector": app("db"),
                  "template": {"metadata": labels("db"), "spec": spec(&[&b], "1500m", true)}}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "etl"},
         "spec": {"parallelism": 3, "completions": 3,
                  "template": {"metadata": labels("etl"),
                               "spec": {"restartPolicy": "Never", "affinity": on(&[&c]), "tolerations": tolerations,
                                        "containers": container(json!({"cpu": "700m"}))}}}},
        pod("lonely", spec(&all, "100m", false)),
        pod("huge", spec(&all, "16", true)),
        pod("capped", spec(&all[3..], "1500m", true)),
    ]});
    cluster.apply(Some(&namespace), &workloads.to_string());
    cluster.wait_for(
        "13 pods refused by the scheduler",
        Duration::from_secs(120),
        || (scheduled_state(cluster, &namespace).0 == 13).then_some(()),
    );

    // `why` before CA acts.
    let why = |extra: &[&str]| {
        let mut args = vec![
            "why",
            "-n",
            &namespace,
            "--ca-namespace",
            &namespace,
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        let run = cluster.plugin(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json()
    };
    let before = why(&[]);
    let owner = |report: &Value, kind: &str, name: &str| -> Value {
        report["owners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["owner"]["kind"] == kind && o["owner"]["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{kind}/{name} in {report:#}"))
    };
    let fitting = |report: &Value| -> std::collections::BTreeMap<String, u64> {
        let mut fits = std::collections::BTreeMap::new();
        for o in report["owners"].as_array().unwrap() {
            for g in o["groups"].as_array().unwrap() {
                if g["fits"] == true {
                    fits.insert(
                        g["name"].as_str().unwrap().to_owned(),
                        g["nodesNeeded"].as_u64().unwrap(),
                    );
                }
            }
        }
        fits
    };
    let predicted = fitting(&before);
    let expected_fits =
        std::collections::BTreeMap::from([(a.clone(), 4), (b.clone(), 2), (c.clone(), 3)]);
    assert_eq!(predicted, expected_fits, "{before:#}");
    assert_eq!(
        group(&owner(&before, "Deployment", "web"), &a)["nodesNeeded"],
        4
    );
    assert_eq!(
        group(&owner(&before, "StatefulSet", "db"), &b)["nodesNeeded"],
        2
    );
    assert_eq!(group(&owner(&before, "Job", "etl"), &c)["nodesNeeded"], 3);

    let ca = cluster.spawn_ca(binary, &namespace, &["--expander=least-waste"]);
    let count_nodes = |group: &str| {
        cluster.get_json(&["nodes", "-l", &format!("kwok-nodegroup={group}")])["items"]
            .as_array()
            .map_or(0, Vec::len) as u64
    };
    cluster.wait_for(
        "CA's scale-ups of a, b and c, and the 10 pods placed",
        Duration::from_secs(180),
        || {
            let placed = scheduled_state(cluster, &namespace).1;
            (placed == 11 && [&a, &b, &c].iter().all(|g| count_nodes(g) > 0)).then_some(())
        },
    );
    // CA's side, after all three scale-ups: what it considered, what it created.
    let log = ca.log();
    // 1. Every group `why` says fits is one CA considered, and none other: CA estimated the
    //    nodes of exactly those groups, as many as `why`.
    assert_eq!(
        ca_estimates(&log, &prefix),
        predicted,
        "CA's estimates against why's\nCA log:\n{log}"
    );
    // 2. `nodesNeeded` of each chosen group is the nodes CA created.
    let created: std::collections::BTreeMap<String, u64> = [&a, &b, &c]
        .iter()
        .map(|g| ((*g).clone(), count_nodes(g)))
        .collect();
    assert_eq!(
        created, predicted,
        "nodes CA created against why's nodesNeeded\nCA log:\n{log}"
    );
    assert_eq!(count_nodes(&d), 1, "d stays at its max");
    // 3. Every refusal reason matches CA's NotTriggerScaleUp reasons, group for group. Other
    //    tests' CAs judge these pods too (against their own groups, into the same namespace):
    //    one of the pod's NotTriggerScaleUp events is this CA's.
    let expected_for = |name: &str| {
        let mut expected: std::collections::BTreeMap<String, u64> =
            std::collections::BTreeMap::new();
        for g in owner(&before, "Pod", name)["groups"].as_array().unwrap() {
            assert_eq!(g["fits"], false, "{name}: {g:#}");
            *expected.entry(ca_reason_for(g)).or_default() += 1;
        }
        expected
    };
    let said = |event: &Value, expected: &std::collections::BTreeMap<String, u64>| {
        let mut said: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for r in event["decision"]["reasons"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let reason = r["reason"].as_str().unwrap();
            // CA 1.36's scheduler no longer names the taint, 1.33's does.
            let key = expected
                .keys()
                .find(|k| reason.contains(k.as_str()))
                .cloned()
                .unwrap_or_else(|| reason.to_owned());
            *said.entry(key).or_default() += r["count"].as_u64().unwrap();
        }
        said
    };
    let mut seen = Vec::new();
    let agreed = (|| {
        let deadline = std::time::Instant::now() + Duration::from_secs(90);
        loop {
            let events = ca_events(cluster, &namespace);
            let agrees = |name: &str| {
                let expected = expected_for(name);
                events
                    .iter()
                    .filter(|e| e["reason"] == "NotTriggerScaleUp" && e["object"]["name"] == name)
                    .any(|e| said(e, &expected) == expected)
            };
            if ["lonely", "huge", "capped"].iter().all(|n| agrees(n)) {
                return true;
            }
            seen = events;
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    })();
    assert!(
        agreed,
        "CA's NotTriggerScaleUp reasons against why's: expected lonely {:?}, huge {:?}, capped {:?}; CA's events: {seen:#?}",
        expected_for("lonely"),
        expected_for("huge"),
        expected_for("capped")
    );
    let lonely = owner(&before, "Pod", "lonely");
    // Both taints it does not tolerate (kwok's and this test's), and the max.
    assert_eq!(kinds(group(&lonely, &d)), ["taint", "taint", "max"]);
    let capped = owner(&before, "Pod", "capped");
    assert_eq!(kinds(group(&capped, &d)), ["max"]);

    // Afterwards `why` joins CA's decisions in.
    let after = why(&[]);
    assert_eq!(
        owner(&after, "Pod", "lonely")["ca"]["lastDecision"]["reason"],
        "NotTriggerScaleUp"
    );
    drop(ca);
    cluster.plugin(&["scale", "-n", &namespace, "--all", "--replicas", "0"]);
}

/// `events --for deployment/…` (statefulset/, job/) against the real controllers: the owner
/// chain of pods the real ReplicaSet, StatefulSet and Job controllers made, their real names,
/// and `--pending` by the real pods' state. The CA events are written here (as CA writes them)
/// so that no CA is needed.
#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_events_for_an_owner_means_the_pods_the_real_controllers_made() {
    let cluster = shared();
    let namespace = cluster.namespace("ev-for");
    let prefix = cluster.unique("evf");
    config_maps(cluster, &namespace, &prefix);
    let small = format!("{prefix}-small");
    let scaled = cluster.plugin(&[
        "scale",
        "-n",
        &namespace,
        &small,
        "--replicas",
        "1",
        "--wait=2m",
    ]);
    assert_eq!(scaled.code, 0, "{}", scaled.stderr);
    let only_small = json!({"kwok-nodegroup": small});
    let app = |name: &str| json!({"matchLabels": {"app": name}});
    let labels = |name: &str| json!({"labels": {"app": name}});
    let never = json!({"kwok-nodegroup": "none-such"});
    let workloads = json!({"apiVersion": "v1", "kind": "List", "items": [
        deployment("web", 2, json!({"nodeSelector": never, "containers": container(json!({"cpu": "100m"}))})),
        deployment("web-api", 1, json!({"nodeSelector": never, "containers": container(json!({"cpu": "100m"}))})),
        // Placed on the small node: no longer pending.
        deployment("placed", 1, json!({"nodeSelector": only_small, "tolerations": toleration(), "containers": container(json!({"cpu": "100m"}))})),
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
         "spec": {"replicas": 1, "serviceName": "db", "selector": app("db"),
                  "template": {"metadata": labels("db"), "spec": {"nodeSelector": never, "containers": container(json!({"cpu": "100m"}))}}}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "etl"},
         "spec": {"template": {"metadata": labels("etl"),
                  "spec": {"restartPolicy": "Never", "nodeSelector": never, "containers": container(json!({"cpu": "100m"}))}}}},
    ]});
    cluster.apply(Some(&namespace), &workloads.to_string());
    let pods = cluster.wait_for(
        "6 pods: 5 refused, 1 placed",
        Duration::from_secs(90),
        || {
            let (refused, placed) = scheduled_state(cluster, &namespace);
            (refused == 5 && placed == 1).then(|| cluster.get_json(&["pods", "-n", &namespace]))
        },
    );
    let names: Vec<String> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    // One CA event per pod, and one about a pod of web's that is gone (a name the ReplicaSet
    // would give).
    let web_pod = names
        .iter()
        .find(|n| n.starts_with("web-") && !n.starts_with("web-api-"))
        .unwrap();
    let gone = format!("{}-zzzzz", web_pod.rsplit_once('-').unwrap().0);
    // A minute ago, as CA's backlog would be.
    let now = (k8s_openapi::jiff::Timestamp::now()
        - k8s_openapi::jiff::SignedDuration::from_secs(60))
    .round(k8s_openapi::jiff::Unit::Second)
    .unwrap()
    .to_string();
    let events: Vec<Value> = names
        .iter()
        .chain(std::iter::once(&gone))
        .enumerate()
        .map(|(i, pod)| {
            json!({"apiVersion": "v1", "kind": "Event",
                   "metadata": {"name": format!("{pod}.{i}")},
                   "involvedObject": {"kind": "Pod", "namespace": namespace, "name": pod, "apiVersion": "v1"},
                   "reason": "NotTriggerScaleUp", "type": "Normal",
                   "message": "pod didn't trigger scale-up: 2 node(s) didn't match Pod's node affinity/selector",
                   "source": {"component": "cluster-autoscaler"}, "count": 1,
                   "firstTimestamp": now, "lastTimestamp": now})
        })
        .collect();
    cluster.apply(
        Some(&namespace),
        &json!({"apiVersion": "v1", "kind": "List", "items": events}).to_string(),
    );
    let shown = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["events", "-n", &namespace, "-o", "json"];
        args.extend_from_slice(extra);
        let out = cluster.plugin(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut pods: Vec<String> = out
            .stdout
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["object"]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        pods.sort();
        pods
    };
    let web = shown(&["--for", "deployment/web"]);
    assert_eq!(web.len(), 3, "two pods and the gone one: {web:?}");
    assert!(web.contains(&gone), "{web:?}");
    assert!(
        web.iter()
            .all(|p| p.starts_with("web-") && !p.starts_with("web-api-")),
        "{web:?}"
    );
    assert_eq!(shown(&["--for", "deploy/web-api"]).len(), 1);
    assert_eq!(shown(&["--for", "statefulset/db"]), ["db-0"]);
    let etl = shown(&["--for", "job/etl"]);
    assert!(etl.len() == 1 && etl[0].starts_with("etl-"), "{etl:?}");
    let placed = shown(&["--for", "deployment/placed"]);
    assert_eq!(placed.len(), 1, "{placed:?}");
    // --pending: the placed pod and the gone one are no longer pending.
    let pending = shown(&["--pending"]);
    assert_eq!(pending.len(), 5, "{pending:?}");
    assert!(
        !pending.contains(&placed[0]) && !pending.contains(&gone),
        "{pending:?}"
    );
    assert_eq!(shown(&["--pending", "--for", "deployment/web"]).len(), 2);
    cluster.plugin(&["scale", "-n", &namespace, "--all", "--replicas", "0"]);
}

/// `status` against the real CA 1.36's status ConfigMap: per group, CA's scale-down candidates
/// and for how long, and the flags for a group at its max and one above it (`scale
/// --ignore-limits`).
#[test]
#[ignore = "needs the real-cluster kit and its cluster-autoscaler; run with -- --ignored real_ca_"]
fn real_ca_status_shows_scale_down_candidates_and_groups_at_or_above_max() {
    status_against_ca("cluster-autoscaler");
}

/// CA 1.29 writes its status as text and names its kwok groups `<name>-<unix time>` (so the
/// nodes `scale` makes are not its groups'): its groups' scale-down state and since when, read
/// from the text.
#[test]
#[ignore = "needs the real-cluster kit and its cluster-autoscaler; run with -- --ignored real_ca_"]
fn real_ca_status_of_ca_1_29_text_has_the_scale_down_state_too() {
    let cluster = shared();
    let namespace = cluster.namespace("st-129");
    let prefix = cluster.unique("st129");
    config_maps(cluster, &namespace, &prefix);
    let small = format!("{prefix}-small");
    let ca = cluster.spawn_ca("cluster-autoscaler-1.29", &namespace, &[]);
    let report = cluster.wait_for("CA 1.29's status", Duration::from_secs(120), || {
        let run = cluster.plugin(&[
            "status",
            "-n",
            &namespace,
            "--ca-namespace",
            &namespace,
            "-o",
            "json",
        ]);
        let report = (run.code == 0).then(|| run.json())?;
        let group = report["nodeGroups"].as_array()?.iter().find(|g| {
            g["inCA"] == true
                && g["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(&format!("{small}-")))
        })?;
        (group["scaleDown"]["since"].is_string()).then(|| group.clone())
    });
    assert_eq!(
        report["scaleDown"]["status"],
        "NoCandidates",
        "{report:#}\nCA log:\n{}",
        ca.log()
    );
    assert_eq!(report["scaleDown"]["candidates"], 0);
    assert!(
        report["scaleDown"]["since"]
            .as_str()
            .unwrap()
            .contains(" +0000 UTC"),
        "Go's time, as 1.29 writes it: {report:#}"
    );
    let seconds = report["scaleDown"]["forSeconds"].as_i64();
    assert!(seconds.is_some_and(|s| (0..600).contains(&s)), "{report:#}");
    assert_eq!(report["limit"], Value::Null, "0 of 3");
    drop(ca);
}

fn status_against_ca(binary: &str) {
    let cluster = shared();
    let namespace = cluster.namespace("st-ca");
    let prefix = cluster.unique("stca");
    config_maps(cluster, &namespace, &prefix);
    let (small, gpu) = (format!("{prefix}-small"), format!("{prefix}-gpu"));
    // small: 3 empty nodes of 3 (at max, and CA's candidates); gpu: 2 of 1.
    for (group, replicas) in [(&small, "3"), (&gpu, "2")] {
        let scaled = cluster.plugin(&[
            "scale",
            "-n",
            &namespace,
            group,
            "--replicas",
            replicas,
            "--ignore-limits",
            "--wait=2m",
        ]);
        assert_eq!(scaled.code, 0, "{}", scaled.stderr);
    }
    let ca = cluster.spawn_ca(binary, &namespace, &[]);
    let status = |extra: &[&str]| {
        let mut args = vec!["status", "-n", &namespace, "--ca-namespace", &namespace];
        args.extend_from_slice(extra);
        cluster.plugin(&args)
    };
    // CA's view of the group (1.29 names it `<name>-<unix time>`).
    let group_of = |report: &Value, name: &str| -> Value {
        report["nodeGroups"]
            .as_array()
            .and_then(|groups| {
                groups
                    .iter()
                    .find(|g| {
                        g["inCA"] == true
                            && g["name"].as_str().is_some_and(|n| {
                                n == name
                                    || n.strip_prefix(name)
                                        .and_then(|rest| rest.strip_prefix('-'))
                                        .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
                            })
                    })
                    .cloned()
            })
            .unwrap_or(Value::Null)
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let report = loop {
        let run = status(&["-o", "json"]);
        if run.code == 0 {
            let report = run.json();
            if group_of(&report, &small)["scaleDown"]["status"] == "CandidatesPresent" {
                break report;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scale-down candidates in CA's status after 120 s; last status:\n{}\n{}\nCA log:\n{}",
            run.stdout,
            run.stderr,
            ca.log()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    let small_view = group_of(&report, &small);
    assert_eq!(
        small_view["scaleDown"]["candidates"],
        3,
        "{report:#}\nCA log:\n{}",
        ca.log()
    );
    assert!(
        small_view["scaleDown"]["since"].is_string(),
        "{small_view:#}"
    );
    assert!(
        small_view["scaleDown"]["forSeconds"].as_i64().is_some(),
        "{small_view:#}"
    );
    assert_eq!(small_view["limit"], "atMax");
    assert_eq!(group_of(&report, &gpu)["limit"], "aboveMax", "{report:#}");
    let text = status(&["--color", "never"]);
    assert!(text.stdout.contains("3 candidates"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("  at max: 3 of 3 nodes; CA will not scale it up"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("  ABOVE MAX: 2 nodes, max-count 1"),
        "{}",
        text.stdout
    );
    drop(ca);
    cluster.plugin(&["scale", "-n", &namespace, "--all", "--replicas", "0"]);
}
