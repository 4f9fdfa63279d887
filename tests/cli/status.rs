//! `status` through the real binary against the test API server: both formats, the join with
//! the ConfigMaps and the kwok nodes, the mismatches, and where CA's namespace comes from.

use crate::util::*;
use serde_json::{Value, json};
use std::time::Duration;

const YAML_STATUS: &str = "autoscalerStatus: Running
clusterWide:
  health: {status: Healthy, nodeCounts: {registered: {total: 2, ready: 2, notStarted: 0}}}
  scaleDown: {status: NoCandidates}
  scaleUp: {status: NoActivity}
nodeGroups:
- name: general
  health: {status: Healthy, cloudProviderTarget: 2, minSize: 0, maxSize: 50,
           nodeCounts: {registered: {total: 2, ready: 2, notStarted: 0}}}
  scaleUp: {status: NoActivity, backoffInfo: {}}
  scaleDown: {status: NoCandidates}
- name: gpu
  health: {status: Healthy, cloudProviderTarget: 0, minSize: 0, maxSize: 4,
           nodeCounts: {registered: {total: 0, ready: 0, notStarted: 0}}}
  scaleUp: {status: Backoff, backoffInfo: {errorCode: cloudProviderError, errorMessage: 'failed to increase node group size: size increase too large, desired: 5 max: 4'}}
  scaleDown: {status: NoCandidates}
- name: retired
  health: {status: Healthy, cloudProviderTarget: 0, minSize: 0, maxSize: 3,
           nodeCounts: {registered: {total: 0, ready: 0, notStarted: 0}}}
  scaleUp: {status: NoActivity, backoffInfo: {}}
  scaleDown: {status: NoCandidates}
time: 2026-11-22 10:00:00.123456789 +0000 UTC
";

const TEXT_STATUS: &str = "Cluster-autoscaler status at 2024-03-07 10:15:42.362271802 +0000 UTC:
Cluster-wide:
  Health:      Healthy (ready=1 unready=0 (resourceUnready=0) notStarted=0 longNotStarted=0 registered=1 longUnregistered=0)
  ScaleUp:     NoActivity (ready=1 registered=1)
  ScaleDown:   NoCandidates (candidates=0)

NodeGroups:
  Name:        general
  Health:      Healthy (ready=1 unready=0 (resourceUnready=0) notStarted=0 longNotStarted=0 registered=1 longUnregistered=0 cloudProviderTarget=1 (minSize=0, maxSize=50))
  ScaleUp:     NoActivity (ready=1 cloudProviderTarget=1)
  ScaleDown:   NoCandidates (candidates=0)
";

fn kwok_node(name: &str, group: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake", "cluster-autoscaler.kwok.nodegroup/name": group}},
        "spec": {"providerID": format!("kwok:{name}")},
    })
}

/// CA's status ConfigMap, last updated now.
fn status_map(namespace: &str, name: &str, text: &str) -> Value {
    status_map_at(namespace, name, text, Duration::ZERO)
}

/// CA's status ConfigMap, its `last-updated` annotation `age` ago (Go's time format, as CA writes it).
fn status_map_at(namespace: &str, name: &str, text: &str, age: Duration) -> Value {
    let when = jiff::Timestamp::now() - jiff::SignedDuration::try_from(age).unwrap();
    let last_updated = when.strftime("%Y-%m-%d %H:%M:%S%.9f +0000 UTC").to_string();
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": namespace,
                        "annotations": {"cluster-autoscaler.kubernetes.io/last-updated": last_updated}},
           "data": {"status": text}})
}

/// The example's ConfigMaps (general, compute, gpu) in `default`, plus `extra`.
fn cluster(extra: Vec<Value>) -> FakeCluster {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", "namespace: default");
    let mut seed = fake_apiserver::parse_seed(&text).unwrap();
    seed.extend(extra);
    FakeCluster::new(seed, fake_apiserver::Faults::default())
}

#[test]
fn joins_cas_view_with_the_configmaps_and_the_nodes() {
    let c = cluster(vec![
        status_map("kube-system", "cluster-autoscaler-status", YAML_STATUS),
        kwok_node("general-aaaaa", "general"),
    ]);
    let out = c.run("status", &["-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    assert_eq!(json["autoscalerStatus"], "Running");
    assert_eq!(
        json["clusterWide"],
        json!({"health": "Healthy", "scaleUp": "NoActivity", "scaleDown": "NoCandidates"})
    );
    let groups = json["nodeGroups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["compute", "general", "gpu", "retired"]);
    assert_eq!(
        groups[1],
        json!({"name": "general", "health": "Healthy", "target": 2, "min": 0, "max": 50, "ready": 2,
               "registered": 2, "kwokNodes": 1, "scaleUp": "NoActivity", "backoff": null,
               "scaleDown": {"status": "NoCandidates", "candidates": 0, "since": null, "forSeconds": null},
               "limit": null, "inConfig": true, "inCA": true})
    );
    assert_eq!(groups[2]["backoff"]["errorCode"], "cloudProviderError");
    assert_eq!(
        (groups[0]["inConfig"].as_bool(), groups[0]["inCA"].as_bool()),
        (Some(true), Some(false))
    );
    let mismatch = |group: &str| {
        json["mismatches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["nodeGroup"] == group)
            .map(|m| m["message"].as_str().unwrap().to_owned())
    };
    assert!(mismatch("compute").unwrap().contains("restart CA"));
    assert!(mismatch("retired").unwrap().contains("no longer define it"));
    assert!(
        mismatch("general")
            .unwrap()
            .contains("target is 2 but 1 kwok node(s)")
    );
    assert_eq!(mismatch("gpu"), None);

    let text = c.run("status", &["--color", "never"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(
        text.stdout
            .starts_with("CA Running at 2026-11-22 10:00:00.123456789 +0000 UTC"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("backoff (cloudProviderError): failed to increase node group size"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("mismatch compute: "),
        "{}",
        text.stdout
    );
}

#[test]
fn reads_ca_129s_text_format() {
    let c = cluster(vec![
        status_map("kube-system", "cluster-autoscaler-status", TEXT_STATUS),
        kwok_node("general-aaaaa", "general"),
    ]);
    let json = c.run("status", &["-o", "json"]).json();
    let general = json["nodeGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "general")
        .unwrap()
        .clone();
    assert_eq!(
        (
            general["target"].as_i64(),
            general["max"].as_i64(),
            general["kwokNodes"].as_i64()
        ),
        (Some(1), Some(50), Some(1))
    );
    assert_eq!(json["time"], "2024-03-07 10:15:42.362271802 +0000 UTC");
}

#[test]
fn cas_namespace_comes_from_its_deployment_or_the_flag() {
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "cluster-autoscaler", "namespace": "autoscaling"},
        "spec": {"selector": {"matchLabels": {"app": "ca"}}, "template": {"metadata": {"labels": {"app": "ca"}}, "spec": {"containers": [{
            "name": "cluster-autoscaler", "image": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1",
            "command": ["./cluster-autoscaler", "--cloud-provider=kwok", "--namespace=autoscaling", "--status-config-map-name", "ca-status"]}]}}},
    });
    let c = cluster(vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "autoscaling"}}),
        deployment,
        status_map("autoscaling", "ca-status", YAML_STATUS),
    ]);
    let out = c.run("status", &["-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("`ca-status` in namespace `autoscaling` (from the flags of Deployment autoscaling/cluster-autoscaler)"), "{}", out.stderr);
    let missing = c.run("status", &["--ca-namespace", "kube-system"]);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(
        missing.stderr.contains("is not in namespace `kube-system`"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("is CA running?"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_status_that_is_not_cas_is_an_error() {
    let c = cluster(vec![status_map(
        "kube-system",
        "cluster-autoscaler-status",
        "- just\n- a list\n",
    )]);
    let out = c.run("status", &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("neither CA's YAML nor its text format"),
        "{}",
        out.stderr
    );
}

#[test]
fn watch_redraws_when_cas_status_changes() {
    use std::io::{BufRead, BufReader};
    let c = cluster(vec![status_map(
        "kube-system",
        "cluster-autoscaler-status",
        YAML_STATUS,
    )]);
    let mut child = plugin()
        .args([
            "status",
            "--kubeconfig",
            s(&c.kubeconfig),
            "-w",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // A watchdog: a redraw that never comes must fail the test, not hang it.
    let pid = child.id().to_string();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished
            .recv_timeout(std::time::Duration::from_secs(30))
            .is_err()
        {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status();
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Each redraw is one pretty JSON document ending with a line `}`.
    let mut next_document = || {
        let mut text = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            text.push_str(&line);
            text.push('\n');
            if line == "}" {
                break;
            }
        }
        serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let first = next_document();
    assert_eq!(first["nodeGroups"].as_array().unwrap().len(), 4);
    c.server.insert(status_map(
        "kube-system",
        "cluster-autoscaler-status",
        &YAML_STATUS.replace("cloudProviderTarget: 2", "cloudProviderTarget: 7"),
    ));
    let second = next_document();
    let general = second["nodeGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "general")
        .unwrap()
        .clone();
    assert_eq!(general["target"], 7);
    done.send(()).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
}

fn ca_deployment(scan_interval: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "cluster-autoscaler", "namespace": "kube-system"},
        "spec": {"selector": {"matchLabels": {"app": "ca"}}, "template": {"metadata": {"labels": {"app": "ca"}}, "spec": {"containers": [{
            "name": "cluster-autoscaler", "image": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.36.1",
            "command": ["./cluster-autoscaler", "--cloud-provider=kwok", format!("--scan-interval={scan_interval}")]}]}}},
    })
}

#[test]
fn a_status_ca_stopped_writing_is_stale() {
    let ten_minutes = Duration::from_secs(600);
    let c = cluster(vec![status_map_at(
        "kube-system",
        "cluster-autoscaler-status",
        YAML_STATUS,
        ten_minutes,
    )]);
    let text = c.run("status", &["--color", "never"]);
    assert_eq!(text.code, 1, "stale is a finding: {text:?}");
    let first = text.stdout.lines().next().unwrap_or_default();
    assert!(first.contains(" (10m0s ago): "), "{}", text.stdout);
    assert!(
        text.stdout.contains(
            "STALE: CA has not written its status for more than 3 scan intervals (10s each)"
        ),
        "{}",
        text.stdout
    );
    let json = c.run("status", &["-o", "json"]);
    assert_eq!(json.code, 1, "{json:?}");
    let json = json.json();
    assert_eq!(json["stale"], true);
    assert!(json["ageSeconds"].as_i64().unwrap() >= 600, "{json}");
    assert_eq!(json["scanIntervalSeconds"], 10);

    // CA's Deployment says it scans every 5 minutes: 10 minutes is two scans, not stale.
    let slow = cluster(vec![
        ca_deployment("5m"),
        status_map_at(
            "kube-system",
            "cluster-autoscaler-status",
            YAML_STATUS,
            ten_minutes,
        ),
    ]);
    let out = slow.run("status", &["-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json = out.json();
    assert_eq!(
        (
            json["stale"].as_bool(),
            json["scanIntervalSeconds"].as_i64()
        ),
        (Some(false), Some(300))
    );

    // A fresh status is not stale.
    let fresh = cluster(vec![status_map(
        "kube-system",
        "cluster-autoscaler-status",
        YAML_STATUS,
    )]);
    let out = fresh.run("status", &["--color", "never"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("STALE"), "{}", out.stdout);
    assert!(
        out.stdout.lines().next().unwrap().contains("s ago): "),
        "{}",
        out.stdout
    );
}

#[test]
fn a_missing_status_says_what_the_nodes_left_tell() {
    let gone = cluster(vec![]);
    let out = gone.run("status", &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains(
            "no kwok node of any node group is left: CA is not running, or it stopped gracefully"
        ),
        "{}",
        out.stderr
    );
    let crashed = cluster(vec![
        kwok_node("general-aaaaa", "general"),
        kwok_node("general-bbbbb", "general"),
    ]);
    let out = crashed.run("status", &[]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("2 kwok node(s) of node group(s) general remain: CA is not running (a crash or SIGKILL leaves its nodes)"),
        "{}",
        out.stderr
    );
}

/// Deletes an object through the test API server's HTTP API (the library has no delete).
fn http_delete(server_url: &str, path: &str) {
    use std::io::{Read, Write};
    let addr = server_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "DELETE {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn watch_waits_for_the_status_configmap_and_survives_its_deletion() {
    use std::io::{BufRead, BufReader};
    let c = cluster(vec![]);
    let mut child = plugin()
        .args([
            "status",
            "--kubeconfig",
            s(&c.kubeconfig),
            "-w",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status();
        }
    });
    let (said, notes) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = said.send(line);
        }
    });
    let wait_note = |what: &str| loop {
        let line = notes
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no stderr line with {what:?}"));
        if line.contains(what) {
            return line;
        }
    };
    let note = wait_note("waiting for CA to write it");
    assert!(note.contains("is not in namespace `kube-system`"), "{note}");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next_document = || {
        let mut text = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            text.push_str(&line);
            text.push('\n');
            if line == "}" {
                break;
            }
        }
        serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    c.server.insert(status_map(
        "kube-system",
        "cluster-autoscaler-status",
        YAML_STATUS,
    ));
    let first = next_document();
    assert_eq!(first["autoscalerStatus"], "Running");
    // CA stops gracefully: its status goes (and its nodes with it); -w keeps waiting.
    http_delete(
        &c.server.url(),
        "/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status",
    );
    wait_note("waiting for CA to write it");
    c.server.insert(status_map(
        "kube-system",
        "cluster-autoscaler-status",
        &YAML_STATUS.replace("cloudProviderTarget: 2", "cloudProviderTarget: 5"),
    ));
    let second = next_document();
    let general = second["nodeGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "general")
        .unwrap()
        .clone();
    assert_eq!(general["target"], 5);
    done.send(()).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn watch_redraws_when_the_status_turns_stale() {
    use std::io::{BufRead, BufReader};
    // CA scans every second (its Deployment says): stale after 3 s without a write.
    let c = cluster(vec![
        ca_deployment("1s"),
        status_map("kube-system", "cluster-autoscaler-status", YAML_STATUS),
    ]);
    let began = std::time::Instant::now();
    let mut child = plugin()
        .args([
            "status",
            "--kubeconfig",
            s(&c.kubeconfig),
            "-w",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status();
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next_document = || {
        let mut text = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            text.push_str(&line);
            text.push('\n');
            if line == "}" {
                break;
            }
        }
        serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let first = next_document();
    assert_eq!(first["stale"], false, "{first}");
    // Nothing changes: the next drawing comes when the status turns stale.
    let second = next_document();
    assert_eq!(second["stale"], true, "{second}");
    assert!(second["ageSeconds"].as_i64().unwrap() > 3, "{second}");
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
    done.send(()).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn watch_draws_again_only_on_a_change_however_quiet() {
    let c = cluster(vec![status_map(
        "kube-system",
        "cluster-autoscaler-status",
        YAML_STATUS,
    )]);
    // A 1-s request timeout must not cut the watch into redraws of an unchanged status.
    let mut child = plugin()
        .args([
            "status",
            "--kubeconfig",
            s(&c.kubeconfig),
            "-w",
            "-o",
            "json",
        ])
        .args(["--request-timeout", "1s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(6));
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let drawn = stdout.lines().filter(|l| *l == "}").count();
    assert_eq!(
        drawn, 1,
        "an unchanged status was drawn {drawn} times:\n{stdout}"
    );
}

#[test]
fn yaml_and_a_table_without_headers() {
    let c = cluster(vec![
        status_map("kube-system", "cluster-autoscaler-status", YAML_STATUS),
        kwok_node("general-aaaaa", "general"),
    ]);
    let yaml = c.run("status", &["-o", "yaml"]);
    assert_eq!(yaml.code, 0, "{yaml:?}");
    let doc: Value = serde_saphyr::from_str(&yaml.stdout).unwrap();
    assert_eq!(doc["autoscalerStatus"], "Running");
    assert_eq!(doc["nodeGroups"][1]["kwokNodes"], 1);
    assert_eq!(
        doc,
        c.run("status", &["-o", "json"]).json(),
        "the same document as -o json"
    );
    let with = c.run("status", &["--color", "never"]);
    assert!(with.stdout.contains("\nNODE GROUP "), "{}", with.stdout);
    let without = c.run("status", &["--color", "never", "--no-headers"]);
    assert_eq!(without.code, 0, "{without:?}");
    assert!(!without.stdout.contains("NODE GROUP"), "{}", without.stdout);
    assert_eq!(
        without.stdout.lines().count() + 1,
        with.stdout.lines().count(),
        "only the header line goes:\n{}",
        without.stdout
    );
    // Node groups are no API objects: kubectl's -o name has nothing to name.
    assert_eq!(c.run("status", &["-o", "name"]).code, 2);
}

/// Per group, CA's scale-down candidates and for how long (from the status' lastTransitionTime),
/// and a flag for a group at its max or above it (kwok nodes made past it by `scale --ignore-limits`).
#[test]
fn scale_down_candidates_and_groups_at_or_above_their_max() {
    let since = (jiff::Timestamp::now() - jiff::SignedDuration::from_secs(125))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let yaml = format!(
        "autoscalerStatus: Running
clusterWide:
  health: {{status: Healthy}}
  scaleDown: {{status: CandidatesPresent, candidates: 2}}
  scaleUp: {{status: NoActivity}}
nodeGroups:
- name: general
  health: {{status: Healthy, cloudProviderTarget: 3, minSize: 0, maxSize: 50, nodeCounts: {{registered: {{total: 3, ready: 3}}}}}}
  scaleUp: {{status: NoActivity, backoffInfo: {{}}}}
  scaleDown: {{status: CandidatesPresent, candidates: 2, lastProbeTime: \"{since}\", lastTransitionTime: \"{since}\"}}
- name: gpu
  health: {{status: Healthy, cloudProviderTarget: 4, minSize: 0, maxSize: 4, nodeCounts: {{registered: {{total: 4, ready: 4}}}}}}
  scaleUp: {{status: NoActivity, backoffInfo: {{}}}}
  scaleDown: {{status: NoCandidates, lastTransitionTime: null}}
- name: compute
  health: {{status: Healthy, cloudProviderTarget: 2, minSize: 0, maxSize: 2, nodeCounts: {{registered: {{total: 2, ready: 2}}}}}}
  scaleUp: {{status: NoActivity, backoffInfo: {{}}}}
  scaleDown: {{status: NoCandidates}}
time: 2026-11-22 10:00:00.1 +0000 UTC
"
    );
    let mut extra = vec![status_map(
        "kube-system",
        "cluster-autoscaler-status",
        &yaml,
    )];
    extra.extend((0..3).map(|i| kwok_node(&format!("general-{i}"), "general")));
    extra.extend((0..4).map(|i| kwok_node(&format!("gpu-{i}"), "gpu")));
    // compute: CA last counted 2, `scale --ignore-limits` has since made 3.
    extra.extend((0..3).map(|i| kwok_node(&format!("compute-{i}"), "compute")));
    let c = cluster(extra);
    let out = c.run("status", &["-o", "json"]);
    let json = out.json();
    let group = |name: &str| {
        json["nodeGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .cloned()
            .unwrap()
    };
    let general = group("general");
    assert_eq!(general["scaleDown"]["status"], "CandidatesPresent");
    assert_eq!(general["scaleDown"]["candidates"], 2);
    assert_eq!(general["scaleDown"]["since"], since.as_str());
    let seconds = general["scaleDown"]["forSeconds"].as_i64().unwrap();
    assert!((125..135).contains(&seconds), "{general:#}");
    assert_eq!(general["limit"], Value::Null);
    assert_eq!(group("gpu")["limit"], "atMax");
    assert_eq!(group("compute")["limit"], "aboveMax");

    let text = c.run("status", &["--color", "never"]);
    assert_eq!(text.code, 0, "{text:?}");
    let line = |prefix: &str| {
        text.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} in {}", text.stdout))
            .to_owned()
    };
    assert!(
        line("NODE GROUP").ends_with("SCALE-UP    SCALE-DOWN"),
        "{}",
        text.stdout
    );
    assert!(
        line("general ").contains("NoActivity  2 candidates for 2m"),
        "{}",
        text.stdout
    );
    assert!(
        line("gpu ").ends_with("NoActivity  NoCandidates"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("\n  at max: 4 of 4 nodes; CA will not scale it up"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "\n  ABOVE MAX: 3 nodes, max-count 2 (made past it, e.g. by `scale --ignore-limits`); CA will not scale it up"
        ),
        "{}",
        text.stdout
    );
}
