//! `why` through the real binary: against the test API server (owners resolved, the three cases
//! users hit most, a fitting owner with its node count, CA's decision joined in) and from files.

use crate::util::*;
use fake_apiserver::Faults;
use serde_json::{Value, json};

/// The shipped example ConfigMaps (general 4 cpu ≤50, compute 8 cpu ≤20, gpu 4 cpu 1 GPU ≤4) in `default`.
fn example_seed() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", "namespace: default");
    fake_apiserver::parse_seed(&text).unwrap()
}

const TOLERATION: &str =
    r#"[{"key": "kwok-provider", "operator": "Equal", "value": "true", "effect": "NoSchedule"}]"#;

fn tolerations() -> Value {
    serde_json::from_str(TOLERATION).unwrap()
}

/// A pending, unscheduled pod of `owner` (kind, name), with `spec` merged over one container.
fn pending_pod(name: &str, owner: Option<(&str, &str)>, requests: Value, extra: Value) -> Value {
    let mut spec = json!({"containers": [{"name": "app", "image": "app", "resources": {"requests": requests}}]});
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    let mut pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": spec,
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]},
    });
    if let Some((kind, owner)) = owner {
        let api_version = if kind == "Job" { "batch/v1" } else { "apps/v1" };
        pod["metadata"]["ownerReferences"] = json!([{"apiVersion": api_version, "kind": kind, "name": owner, "uid": format!("uid-{owner}"), "controller": true}]);
    }
    pod
}

fn owned(api_version: &str, kind: &str, name: &str, owner: Option<(&str, &str, &str)>) -> Value {
    let mut obj = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "default"}});
    if let Some((owner_api, owner_kind, owner_name)) = owner {
        obj["metadata"]["ownerReferences"] = json!([{"apiVersion": owner_api, "kind": owner_kind, "name": owner_name, "uid": format!("uid-{owner_name}"), "controller": true}]);
    }
    obj
}

fn kwok_node(name: &str, group: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kwok-nodegroup": group},
                     "annotations": {"kwok.x-k8s.io/node": "fake", "cluster-autoscaler.kwok.nodegroup/name": group}},
        "spec": {"providerID": format!("kwok:{name}"), "taints": [{"key": "kwok-provider", "value": "true", "effect": "NoSchedule"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    })
}

fn group<'v>(owner: &'v Value, name: &str) -> &'v Value {
    owner["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("group {name} in {owner:#}"))
}

fn reasons<'v>(owner: &'v Value, name: &str, kind: &str) -> Vec<&'v Value> {
    group(owner, name)["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

fn owner<'v>(report: &'v Value, kind: &str, name: &str) -> &'v Value {
    report["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["owner"]["kind"] == kind && o["owner"]["name"] == name)
        .unwrap_or_else(|| panic!("owner {kind}/{name} in {report:#}"))
}

#[test]
fn a_pod_without_the_toleration_is_refused_by_every_group_naming_the_taint_and_its_owner() {
    let mut seed = example_seed();
    seed.push(owned("apps/v1", "Deployment", "web", None));
    seed.push(owned(
        "apps/v1",
        "ReplicaSet",
        "web-7d9f8",
        Some(("apps/v1", "Deployment", "web")),
    ));
    for i in 0..2 {
        seed.push(pending_pod(
            &format!("web-7d9f8-{i}"),
            Some(("ReplicaSet", "web-7d9f8")),
            json!({"cpu": "500m"}),
            json!({}),
        ));
    }
    let cluster = FakeCluster::new(seed, Faults::default());
    let run = cluster.run("why", &["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let web = owner(&report, "Deployment", "web");
    assert_eq!(web["pending"], 2);
    assert_eq!(web["requests"]["cpu"], "500m");
    for name in ["general", "compute", "gpu"] {
        assert_eq!(group(web, name)["fits"], false);
        let taint = reasons(web, name, "taint");
        assert_eq!(taint.len(), 1, "{name}: {web:#}");
        assert_eq!(taint[0]["taint"], "kwok-provider=true:NoSchedule");
        assert!(
            taint[0]["toleration"]
                .as_str()
                .unwrap()
                .contains("key: kwok-provider")
        );
    }
    // The text names the owner and the taint on one line per group.
    let text = cluster.run("why", &["deployment/web"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .starts_with("deployment default/web: 2 pods pending, each requesting cpu 500m"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("taint: the pod does not tolerate the taint kwok-provider=true:NoSchedule"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_pod_too_big_for_every_group_gets_the_numbers() {
    let mut seed = example_seed();
    seed.push(owned("apps/v1", "StatefulSet", "db", None));
    seed.push(pending_pod(
        "db-0",
        Some(("StatefulSet", "db")),
        json!({"cpu": "6", "memory": "20Gi"}),
        json!({"tolerations": tolerations()}),
    ));
    let cluster = FakeCluster::new(seed, Faults::default());
    let run = cluster.run("why", &["statefulset/db", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let db = owner(&report, "StatefulSet", "db");
    let general_cpu: Vec<_> = reasons(db, "general", "resource")
        .into_iter()
        .filter(|r| r["resource"] == "cpu")
        .collect();
    assert_eq!(general_cpu.len(), 1, "{db:#}");
    assert_eq!(general_cpu[0]["requested"], "6");
    assert_eq!(general_cpu[0]["allocatable"], "4");
    assert_eq!(
        general_cpu[0]["daemonSets"], "100m",
        "CA's simulated kube-proxy"
    );
    assert_eq!(general_cpu[0]["free"], "3900m");
    // compute has 8 cpu: cpu fits, memory (15Gi) does not.
    let compute: Vec<_> = reasons(db, "compute", "resource")
        .iter()
        .map(|r| r["resource"].clone())
        .collect();
    assert_eq!(compute, vec![json!("memory")], "{db:#}");
    assert_eq!(reasons(db, "compute", "resource")[0]["allocatable"], "15Gi");
    assert!(
        db["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["fits"] == false && g["nodesNeeded"].is_null())
    );
}

#[test]
fn a_gpu_pod_whose_group_is_at_max_names_the_group_and_its_size() {
    let mut seed = example_seed();
    for i in 0..4 {
        seed.push(kwok_node(&format!("gpu-{i}"), "gpu"));
    }
    seed.push(pending_pod(
        "train",
        None,
        json!({"cpu": "1", "nvidia.com/gpu": "1"}),
        json!({"tolerations": tolerations(), "nodeSelector": {"k8s.amazonaws.com/accelerator": "nvidia-a10g"}}),
    ));
    seed.push(json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "train.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "namespace": "default", "name": "train"},
        "reason": "NotTriggerScaleUp", "type": "Normal", "source": {"component": "cluster-autoscaler"},
        "message": "pod didn't trigger scale-up: 2 Insufficient nvidia.com/gpu, 1 max node group size reached", "count": 1,
        "lastTimestamp": k8s_now(),
    }));
    let cluster = FakeCluster::new(seed, Faults::default());
    let run = cluster.run("why", &["pod/train", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let train = owner(&report, "Pod", "train");
    let max = reasons(train, "gpu", "max");
    assert_eq!(max.len(), 1, "{train:#}");
    assert_eq!(
        (max[0]["size"].as_i64(), max[0]["max"].as_i64()),
        (Some(4), Some(4))
    );
    assert_eq!(
        reasons(train, "gpu", "resource").len(),
        0,
        "a GPU node has the GPU: {train:#}"
    );
    // The other groups lack the GPU (allocatable none) and the accelerator label.
    let general_gpu = reasons(train, "general", "resource");
    assert_eq!(general_gpu[0]["resource"], "nvidia.com/gpu");
    assert_eq!(general_gpu[0]["allocatable"], "0");
    assert_eq!(
        reasons(train, "general", "selector")[0]["key"],
        "k8s.amazonaws.com/accelerator"
    );
    // CA's decision, its hint naming the group at max, as `events` does.
    assert_eq!(
        train["ca"]["lastDecision"]["hint"],
        "node group gpu (4 of 4) is at its max-count: raise its template's cluster-autoscaler.kwok.nodegroup/max-count annotation"
    );
    let text = cluster.run("why", &["pod/train"]);
    assert!(
        text.stdout
            .contains("max: the group is at its max-count: 4 kwok nodes, max-count 4"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_fitting_job_gets_nodes_needed_by_bin_packing_with_daemonsets_and_cas_decision() {
    let mut seed = example_seed();
    seed.push(owned("batch/v1", "CronJob", "etl", None));
    seed.push(owned(
        "batch/v1",
        "Job",
        "etl-2900",
        Some(("batch/v1", "CronJob", "etl")),
    ));
    for i in 0..3 {
        seed.push(pending_pod(
            &format!("etl-2900-{i}"),
            Some(("Job", "etl-2900")),
            json!({"cpu": "1500m", "memory": "1Gi"}),
            json!({"tolerations": tolerations()}),
        ));
    }
    // A DaemonSet that tolerates every taint: on each new node it takes 1 cpu.
    seed.push(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "kube-system"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {
            "metadata": {"labels": {"app": "agent"}},
            "spec": {"tolerations": [{"operator": "Exists"}], "containers": [{"name": "a", "image": "a", "resources": {"requests": {"cpu": "1"}}}]}}},
    }));
    seed.push(json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "etl-2900-0.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "namespace": "default", "name": "etl-2900-0"},
        "reason": "TriggeredScaleUp", "type": "Normal", "source": {"component": "cluster-autoscaler"},
        "message": "pod triggered scale-up: [{compute 0->1 (max: 20)}]", "count": 1,
        "lastTimestamp": k8s_now(),
    }));
    let cluster = FakeCluster::new(seed, Faults::default());
    let run = cluster.run("why", &["cronjob/etl", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let etl = owner(&report, "CronJob", "etl");
    assert_eq!(etl["pending"], 3);
    // general: 4 - 0.1 (kube-proxy) - 1 (agent) = 2.9 cpu free: one 1.5 cpu pod per node.
    assert_eq!(group(etl, "general")["nodesNeeded"], 3, "{etl:#}");
    // compute: 8 - 1.1 = 6.9: all three on one node.
    assert_eq!(group(etl, "compute")["nodesNeeded"], 1, "{etl:#}");
    assert_eq!(etl["groups"][0]["fits"], true, "fitting groups first");
    assert_eq!(etl["ca"]["lastDecision"]["reason"], "TriggeredScaleUp");
    assert_eq!(
        etl["ca"]["lastDecision"]["decision"]["groups"][0]["group"],
        "compute"
    );
    assert!(etl["ca"]["age"].as_str().unwrap().ends_with('s'), "{etl:#}");
    let text = cluster.run("why", &["job/etl-2900"]);
    assert!(text.stdout.contains("fits: 3 new nodes"), "{}", text.stdout);
    assert!(
        text.stdout.contains("CA: TriggeredScaleUp"),
        "{}",
        text.stdout
    );
}

fn k8s_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    k8s_openapi::jiff::Timestamp::from_second(now)
        .unwrap()
        .to_string()
}

#[test]
fn selectors_namespaces_and_bad_targets() {
    let mut seed = example_seed();
    seed.push(pending_pod("a", None, json!({"cpu": "1"}), json!({})));
    seed.push(pending_pod("b", None, json!({"cpu": "1"}), json!({})));
    let mut elsewhere = pending_pod("c", None, json!({"cpu": "1"}), json!({}));
    elsewhere["metadata"]["namespace"] = json!("other");
    seed.push(elsewhere);
    let mut running = pending_pod("d", None, json!({"cpu": "1"}), json!({}));
    running["status"]["phase"] = json!("Running");
    seed.push(running);
    let cluster = FakeCluster::new(seed, Faults::default());
    let names = |run: &Run| -> Vec<String> {
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json()["owners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["owner"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&cluster.run("why", &["-o", "json"])), ["a", "b"]);
    assert_eq!(
        names(&cluster.run("why", &["-o", "json", "-l", "app=b"])),
        ["b"]
    );
    assert_eq!(
        names(&cluster.run("why", &["-o", "json", "-A"])),
        ["a", "b", "c"]
    );
    assert_eq!(
        names(&cluster.run("why", &["-o", "json", "-n", "other"])),
        ["c"]
    );
    let bad = cluster.run("why", &["web"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("KIND/NAME"), "{}", bad.stderr);
}

const WORKLOADS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 5
  template:
    metadata: {labels: {app: web}}
    spec:
      tolerations: [{key: kwok-provider, operator: Exists, effect: NoSchedule}]
      containers: [{name: app, image: app, resources: {requests: {cpu: "2", memory: 1Gi}}}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: big, namespace: shop}
spec:
  parallelism: 2
  template:
    spec:
      tolerations: [{key: kwok-provider, operator: Exists, effect: NoSchedule}]
      initContainers: [{name: init, image: i, resources: {requests: {cpu: "9"}}}]
      containers: [{name: app, image: app, resources: {requests: {cpu: "1"}}}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: logs, namespace: kube-system}
spec:
  template:
    spec:
      tolerations: [{operator: Exists}]
      containers: [{name: l, image: l, resources: {requests: {memory: 1Gi}}}]
"#;

#[test]
fn offline_reads_configmaps_and_manifests_and_contacts_no_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let workloads = dir.path().join("workloads.yaml");
    std::fs::write(&workloads, WORKLOADS).unwrap();
    // A kubeconfig pointing nowhere: any contact would fail (exit 3).
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\nusers: [{name: u, user: {}}]\n").unwrap();
    let examples = fixture("examples/kwok-provider.yaml");
    let run = run(&[
        "why",
        "--kubeconfig",
        s(&kubeconfig),
        "-f",
        s(&examples),
        "-f",
        s(&workloads),
        "-A",
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let web = owner(&report, "Deployment", "web");
    assert_eq!(web["pending"], 5);
    // general: 3.9 cpu free: one 2-cpu pod per node; compute: 7.9: three per node.
    assert_eq!(group(web, "general")["nodesNeeded"], 5);
    assert_eq!(group(web, "compute")["nodesNeeded"], 2);
    // The DaemonSet's 1Gi is taken from every new node.
    assert_eq!(web["requests"]["memory"], "1Gi");
    let big = owner(&report, "Job", "big");
    assert_eq!(
        big["requests"]["cpu"], "9",
        "the init container's 9 cpu beat the app's 1"
    );
    assert_eq!(reasons(big, "compute", "resource")[0]["free"], "7900m");
    assert_eq!(big["ca"]["lastDecision"], Value::Null);
    // Target filters work offline too; YAML output has the same fields.
    let yaml = crate::util::run(&[
        "why",
        "-f",
        s(&examples),
        "-f",
        s(&workloads),
        "-A",
        "job/big",
        "-o",
        "yaml",
    ]);
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    assert!(
        yaml.stdout.contains("nodesNeeded:") && !yaml.stdout.contains("web"),
        "{}",
        yaml.stdout
    );
}

#[test]
fn a_configuration_ca_rejects_is_exit_1_and_a_lone_templates_flag_exit_2() {
    let seed = vec![json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "kwok-provider-config", "namespace": "default"},
        "data": {"config": "readNodesFrom: nowhere\n"}})];
    let cluster = FakeCluster::new(seed, Faults::default());
    let run = cluster.run("why", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("CA would not start"), "{}", run.stderr);
    let lone = cluster.run("why", &["--templates", "nodes.yaml"]);
    assert_eq!(lone.code, 2, "{}", lone.stderr);
}

const CA_STATUS: &str = "autoscalerStatus: Running
clusterWide:
  health: {status: Healthy}
  scaleDown: {status: NoCandidates}
  scaleUp: {status: NoActivity}
nodeGroups:
- name: general
  health: {status: Healthy, cloudProviderTarget: 50, minSize: 0, maxSize: 50}
  scaleUp: {status: NoActivity, backoffInfo: {}}
- name: gpu
  health: {status: Healthy, cloudProviderTarget: 0, minSize: 0, maxSize: 4}
  scaleUp: {status: Backoff, backoffInfo: {errorCode: cloudProviderError, errorMessage: 'quota exceeded'}}
time: 2026-11-22 10:00:00.123456789 +0000 UTC
";

/// CA's status ConfigMap in kube-system, last written `age_seconds` ago.
fn ca_status(age_seconds: i64) -> Value {
    let when = k8s_openapi::jiff::Timestamp::now()
        - k8s_openapi::jiff::SignedDuration::from_secs(age_seconds);
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "cluster-autoscaler-status", "namespace": "kube-system",
                        "annotations": {"cluster-autoscaler.kubernetes.io/last-updated": when.strftime("%Y-%m-%d %H:%M:%S%.9f +0000 UTC").to_string()}},
           "data": {"status": CA_STATUS}})
}

#[test]
fn cas_status_gives_targets_backoffs_and_says_when_it_is_stale() {
    let pod = || {
        pending_pod(
            "p",
            None,
            json!({"cpu": "1"}),
            json!({"tolerations": tolerations()}),
        )
    };
    let fresh = FakeCluster::new(
        [example_seed(), vec![pod(), ca_status(2)]].concat(),
        Faults::default(),
    );
    let run = fresh.run("why", &["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let p = owner(&report, "Pod", "p");
    // CA's target of general is its max, though no kwok node exists yet.
    let max = reasons(p, "general", "max");
    assert_eq!(
        (max[0]["size"].as_i64(), max[0]["target"].as_i64()),
        (Some(0), Some(50)),
        "{p:#}"
    );
    let backoff = reasons(p, "gpu", "backoff");
    assert_eq!(backoff[0]["errorCode"], "cloudProviderError");
    assert_eq!(backoff[0]["errorMessage"], "quota exceeded");
    assert_eq!(group(p, "compute")["nodesNeeded"], 1);
    assert!(
        !p["ca"]["state"].as_str().unwrap().contains("stale"),
        "{p:#}"
    );

    let stale = FakeCluster::new(
        [example_seed(), vec![pod(), ca_status(600)]].concat(),
        Faults::default(),
    );
    let run = stale.run("why", &["-o", "json"]);
    let state = owner(&run.json(), "Pod", "p")["ca"]["state"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        state.starts_with("CA's status is stale: not written for 10m"),
        "{state}"
    );
}

/// Where `why` reads CA's status is where `status` and `events` read it: the Deployment's
/// `--namespace` and `--status-config-map-name` (one rule, `provider::deployment`).
#[test]
fn cas_status_is_read_where_the_deployments_flags_say() {
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "cluster-autoscaler", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "ca"}}, "template": {"metadata": {"labels": {"app": "ca"}}, "spec": {"containers": [{
            "name": "cluster-autoscaler", "image": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1",
            "command": ["./cluster-autoscaler", "--cloud-provider=kwok", "--namespace=default", "--status-config-map-name", "ca-status"]}]}}},
    });
    let mut status = ca_status(2);
    status["metadata"]["name"] = json!("ca-status");
    status["metadata"]["namespace"] = json!("default");
    let pod = pending_pod(
        "p",
        None,
        json!({"cpu": "1"}),
        json!({"tolerations": tolerations()}),
    );
    let c = FakeCluster::new(
        [example_seed(), vec![pod, deployment, status]].concat(),
        Faults::default(),
    );
    let run = c.run("why", &["-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let p = owner(&report, "Pod", "p");
    let state = p["ca"]["state"].as_str().unwrap();
    assert!(!state.contains("is not in"), "{state}");
    let max = reasons(p, "general", "max");
    assert_eq!(max[0]["target"].as_i64(), Some(50), "{p:#}");
}
