//! `events` through the real binary against the test API server: backlog, filters, NDJSON,
//! and following through cut watches and compacted history without losing or repeating events.

use crate::util::*;
use fake_apiserver::Faults;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

fn now_rfc3339(offset_seconds: i64) -> String {
    let t = k8s_openapi::jiff::Timestamp::now()
        .checked_add(k8s_openapi::jiff::SignedDuration::from_secs(offset_seconds))
        .unwrap();
    format!("{}", t.round(k8s_openapi::jiff::Unit::Second).unwrap())
}

/// A CA event about `kind/ns/name`.
fn ca_event(
    id: &str,
    reason: &str,
    message: &str,
    object: (&str, &str, &str),
    count: i64,
    age_seconds: i64,
) -> Value {
    let (kind, ns, name) = object;
    let event_ns = if ns.is_empty() { "default" } else { ns };
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{name}.{id}"), "namespace": event_ns, "uid": format!("uid-{id}")},
        "involvedObject": {"kind": kind, "namespace": ns, "name": name},
        "reason": reason, "message": message,
        "type": if reason.starts_with("Failed") { "Warning" } else { "Normal" },
        "count": count,
        "firstTimestamp": now_rfc3339(-age_seconds), "lastTimestamp": now_rfc3339(-age_seconds),
        "source": {"component": "cluster-autoscaler"},
    })
}

fn other_event(id: &str) -> Value {
    let mut e = ca_event(
        id,
        "Scheduled",
        "Successfully assigned default/x to n",
        ("Pod", "default", "x"),
        1,
        10,
    );
    e["source"]["component"] = json!("default-scheduler");
    e
}

fn backlog() -> Vec<Value> {
    vec![
        ca_event(
            "1",
            "TriggeredScaleUp",
            "pod triggered scale-up: [{general 1->3 (max: 10)}]",
            ("Pod", "team-a", "web-1"),
            1,
            300,
        ),
        ca_event(
            "2",
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 1 node(s) had untolerated taint {kwok-provider: true}",
            ("Pod", "team-a", "web-2"),
            4,
            200,
        ),
        ca_event(
            "3",
            "ScaledUpGroup",
            "Scale-up: group general size set to 3 instead of 1 (max: 10)",
            ("ConfigMap", "kube-system", "cluster-autoscaler-status"),
            1,
            250,
        ),
        ca_event(
            "4",
            "FailedToScaleUpGroup",
            "Scale-up failed for group gpu: size increase too large, desired: 5 max: 4",
            ("ConfigMap", "kube-system", "cluster-autoscaler-status"),
            1,
            100,
        ),
        ca_event(
            "5",
            "ScaleDownEmpty",
            "Scale-down: empty node general-abcde removed",
            ("ConfigMap", "kube-system", "cluster-autoscaler-status"),
            1,
            50,
        ),
        ca_event(
            "6",
            "SomethingNew",
            "a message no decoder knows",
            ("Pod", "team-a", "web-3"),
            1,
            40,
        ),
        ca_event(
            "old",
            "TriggeredScaleUp",
            "pod triggered scale-up: [{general 0->1 (max: 10)}]",
            ("Pod", "team-a", "web-0"),
            1,
            7200,
        ),
        other_event("7"),
    ]
}

fn ndjson(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn the_backlog_is_decoded_oldest_first_within_since() {
    let cluster = FakeCluster::new(backlog(), Faults::default());
    let out = cluster.run("events", &["-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let events = ndjson(&out.stdout);
    let reasons: Vec<&str> = events
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "TriggeredScaleUp",
            "ScaledUpGroup",
            "NotTriggerScaleUp",
            "FailedToScaleUpGroup",
            "ScaleDownEmpty",
            "SomethingNew"
        ],
        "oldest first, the 2-hour-old one and the scheduler's left out"
    );
    assert_eq!(
        events[0]["decision"]["groups"][0],
        json!({"group": "general", "from": 1, "to": 3, "max": 10})
    );
    assert_eq!(
        events[0]["object"],
        json!({"kind": "Pod", "namespace": "team-a", "name": "web-1"})
    );
    assert_eq!(events[2]["count"], 4);
    assert!(
        events[2]["hint"]
            .as_str()
            .unwrap()
            .contains("kwok-provider")
    );
    assert_eq!(
        events[5]["decision"],
        Value::Null,
        "unknown messages pass through"
    );
    let all = cluster.run("events", &["--since", "3h", "-o", "json"]);
    assert_eq!(ndjson(&all.stdout).len(), 7);
}

#[test]
fn text_lines_show_decision_repeats_and_hints() {
    let cluster = FakeCluster::new(backlog(), Faults::default());
    let out = cluster.run("events", &["--color", "never"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("TriggeredScaleUp  pod/team-a/web-1  general 1→3 (max 10)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("untolerated taint {kwok-provider: true}  ×4\n    = hint: add to the pod"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Warning  FailedToScaleUpGroup  configmap/kube-system/cluster-autoscaler-status  gpu: size increase too large"), "{}", out.stdout);
    assert!(
        out.stdout.contains("a message no decoder knows"),
        "{}",
        out.stdout
    );
    let relative = cluster.run("events", &["--timestamps", "relative", "--color", "never"]);
    let first = relative.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("5m ago") || first.starts_with("4m ago"),
        "{}",
        relative.stdout
    );
}

#[test]
fn filters_narrow_the_stream() {
    let cluster = FakeCluster::new(backlog(), Faults::default());
    let count = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let out = cluster.run("events", &all);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        ndjson(&out.stdout).len()
    };
    assert_eq!(count(&["--reason", "ScaledUpGroup,ScaleDownEmpty"]), 2);
    assert_eq!(count(&["--type", "Warning"]), 1);
    assert_eq!(count(&["--nodegroup", "general"]), 3);
    assert_eq!(count(&["--nodegroup", "gpu"]), 1);
    assert_eq!(count(&["-n", "team-a", "--for", "pod/web-2"]), 1);
    assert_eq!(count(&["-n", "kube-system"]), 3);
    assert_eq!(count(&["--max-events", "2"]), 2);
    let bad = cluster.run("events", &["--for", "web-2"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn denied_and_unreachable_exit_3() {
    let cluster = FakeCluster::new(
        backlog(),
        Faults {
            deny: vec![("list".into(), "events".into())],
            ..Faults::default()
        },
    );
    let out = cluster.run("events", &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("cannot list events"), "{}", out.stderr);
}

/// Follows with `faults` while CA events arrive (every fifth a repeat of the one before:
/// same event, count 2), and checks that every event is printed with its final count and
/// that no occurrence is printed twice. (Two raises of one count while disconnected are one
/// observable change: the line shows the latest count.)
fn follow_without_loss_or_duplicates(faults: Faults, extra: &[&str]) -> String {
    let cluster = FakeCluster::new(vec![other_event("x")], faults);
    let total = 120;
    let mut child = plugin()
        .args([
            "events",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-f",
            "-o",
            "json",
            "--timeout",
            "6s",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let mut final_counts = std::collections::HashMap::new();
    for i in 0..total {
        let (id, count) = if i % 5 == 4 { (i - 1, 2) } else { (i, 1) };
        let event = ca_event(
            &id.to_string(),
            "TriggeredScaleUp",
            &format!("pod triggered scale-up: [{{g{id} 0->1 (max: 9)}}]"),
            ("Pod", "default", &format!("p{id}")),
            count,
            0,
        );
        cluster.server.insert(event);
        final_counts.insert(format!("p{id}"), count);
        if i % 10 == 0 {
            std::thread::sleep(Duration::from_millis(30));
        }
    }
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let printed: Vec<(String, i64)> = ndjson(&stdout)
        .iter()
        .map(|e| {
            (
                e["object"]["name"].as_str().unwrap().to_owned(),
                e["count"].as_i64().unwrap(),
            )
        })
        .collect();
    let unique: HashSet<&(String, i64)> = printed.iter().collect();
    assert_eq!(
        unique.len(),
        printed.len(),
        "an occurrence was printed twice:\n{stdout}\nstderr:\n{stderr}"
    );
    for (name, count) in &final_counts {
        assert!(
            printed.iter().any(|(n, c)| n == name && c == count),
            "{name} with count {count} was never printed:\n{stdout}\nstderr:\n{stderr}"
        );
    }
    stderr
}

#[test]
fn follow_survives_cut_watches_quietly() {
    let stderr = follow_without_loss_or_duplicates(
        Faults {
            drop_watch_after: Some(7),
            ..Faults::default()
        },
        &[],
    );
    // Nothing was missed, so nothing is said.
    assert_eq!(stderr, "", "a resumed watch is not news");
    let verbose = follow_without_loss_or_duplicates(
        Faults {
            drop_watch_after: Some(7),
            ..Faults::default()
        },
        &["-v"],
    );
    assert!(
        verbose.contains("the watch ended; resuming from resourceVersion"),
        "no watch was cut:\n{verbose}"
    );
}

#[test]
fn follow_survives_compacted_history() {
    let stderr = follow_without_loss_or_duplicates(
        Faults {
            drop_watch_after: Some(5),
            history_limit: 8,
            ..Faults::default()
        },
        &["-v"],
    );
    assert!(
        stderr.contains("410 Gone); relisting"),
        "the 410 path did not run:\n{stderr}"
    );
}

/// `events -f` with `extra` flags, stdout piped, against `cluster`.
fn spawn_follow(cluster: &FakeCluster, extra: &[&str]) -> std::process::Child {
    plugin()
        .args(["events", "--kubeconfig", s(&cluster.kubeconfig), "-f"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads a child's pipe to its end on a thread of its own.
fn drain(pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let mut pipe = pipe;
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

fn scale_up_event(id: usize) -> Value {
    ca_event(
        &id.to_string(),
        "TriggeredScaleUp",
        &format!("pod triggered scale-up: [{{g{id} 0->1 (max: 9)}}]"),
        ("Pod", "default", &format!("p{id}")),
        1,
        0,
    )
}

/// Waits up to `limit` for the child to exit.
fn exit_within(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn a_quiet_follow_past_the_request_timeout_says_nothing_and_delivers_at_once() {
    let cluster = FakeCluster::new(vec![], Faults::default());
    // The request timeout (1 s) must not cut watches; the server ends each after 2 s.
    let mut child = plugin()
        .args([
            "events",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-f",
            "-o",
            "json",
        ])
        .args(["--request-timeout", "1s", "--timeout", "12s"])
        .env("KWOKPROVIDER_WATCH_TIMEOUT", "2s")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = drain(child.stderr.take().unwrap());
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    std::thread::sleep(Duration::from_secs(7));
    let created = std::time::Instant::now();
    cluster.server.insert(scale_up_event(1));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let took = created.elapsed();
    assert!(line.contains("\"p1\""), "{line}");
    assert!(
        took < Duration::from_secs(2),
        "an event after a quiet gap came {took:?} late"
    );
    assert_eq!(exit_within(&mut child, Duration::from_secs(10)), Some(0));
    let stderr = stderr.join().unwrap();
    assert_eq!(stderr, "", "a quiet follow cried wolf");
}

#[test]
fn follow_stops_when_its_reader_goes() {
    let cluster = FakeCluster::new(vec![], Faults::default());
    let mut child = spawn_follow(&cluster, &["-o", "json", "--timeout", "30s"]);
    let stderr = drain(child.stderr.take().unwrap());
    std::thread::sleep(Duration::from_millis(500));
    cluster.server.insert(scale_up_event(1));
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.contains("\"p1\""), "{line}");
    drop(stdout); // `| head -1` exits
    let gone = std::time::Instant::now();
    let code = exit_within(&mut child, Duration::from_secs(5));
    assert_eq!(
        code,
        Some(0),
        "still running {:?} after its reader went",
        gone.elapsed()
    );
    assert_eq!(stderr.join().unwrap(), "", "a gone reader is not an error");
}

#[test]
fn a_full_disk_ends_the_follow_with_exit_1() {
    let cluster = FakeCluster::new(vec![], Faults::default());
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut child = plugin()
        .args([
            "events",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-f",
            "--timeout",
            "20s",
        ])
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = drain(child.stderr.take().unwrap());
    std::thread::sleep(Duration::from_millis(500));
    cluster.server.insert(scale_up_event(1));
    let code = exit_within(&mut child, Duration::from_secs(5));
    let stderr = stderr.join().unwrap();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("writing output failed") && stderr.contains("No space left"),
        "{stderr}"
    );
}

#[test]
fn a_burst_during_a_relist_with_a_short_history_loses_and_repeats_nothing() {
    // Cut watches and a history of 40 changes: a burst of 3,000 events forces relists, whose
    // paged snapshots are compacted before their last page (410 on the continue token).
    let cluster = FakeCluster::new(
        vec![],
        Faults {
            drop_watch_after: Some(50),
            history_limit: 40,
            latency_ms: 10,
            ..Faults::default()
        },
    );
    let total = 3000;
    let mut child = spawn_follow(
        &cluster,
        &[
            "-v",
            "-o",
            "json",
            "--max-events",
            &total.to_string(),
            "--timeout",
            "60s",
        ],
    );
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    std::thread::sleep(Duration::from_millis(500));
    for i in 0..total {
        cluster.server.insert(scale_up_event(i));
        if i % 10 == 9 {
            std::thread::sleep(Duration::from_millis(1)); // a burst that lasts past a few relists
        }
    }
    let status = child.wait().unwrap();
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert_eq!(status.code(), Some(0), "{stderr}");
    let names: Vec<String> = ndjson(&stdout)
        .iter()
        .map(|e| e["object"]["name"].as_str().unwrap().to_owned())
        .collect();
    let unique: HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "an event was printed twice");
    assert_eq!(names.len(), total, "events were lost:\n{stderr}");
    assert!(
        stderr.contains("compacted between pages; reading it whole"),
        "no continue token expired; the test did not test the fallback:\n{stderr}"
    );
    eprintln!(
        "burst: {total} events, {} relists, {} full-list fallbacks",
        stderr.matches("relisting").count(),
        stderr.matches("reading it whole").count()
    );
}

#[test]
fn a_bad_watch_timeout_is_a_usage_error() {
    let cluster = FakeCluster::new(vec![], Faults::default());
    let out = run_cmd(
        plugin()
            .args(["events", "--kubeconfig", s(&cluster.kubeconfig), "-f"])
            .env("KWOKPROVIDER_WATCH_TIMEOUT", "10m"),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("KWOKPROVIDER_WATCH_TIMEOUT `10m`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_denied_watch_ends_the_follow_with_exit_3() {
    let cluster = FakeCluster::new(
        backlog(),
        Faults {
            deny: vec![("watch".into(), "events".into())],
            ..Faults::default()
        },
    );
    let out = cluster.run("events", &["-f", "--timeout", "10s"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("cannot watch events"), "{}", out.stderr);
    assert!(out.stdout.contains("TriggeredScaleUp"), "the backlog first");
}

#[test]
fn a_server_that_goes_away_is_noted_once_not_at_every_retry() {
    let cluster = FakeCluster::new(vec![], Faults::default());
    let mut child = spawn_follow(&cluster, &["--timeout", "6s"]);
    let stderr = drain(child.stderr.take().unwrap());
    std::thread::sleep(Duration::from_millis(700));
    drop(cluster);
    let code = exit_within(&mut child, Duration::from_secs(15));
    let stderr = stderr.join().unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("events: cannot watch").count(),
        1,
        "one note for the outage:\n{stderr}"
    );
}

#[test]
fn yaml_is_a_stream_of_documents_and_name_names_the_events() {
    let cluster = FakeCluster::new(backlog(), Faults::default());
    let json = ndjson(&cluster.run("events", &["-o", "json"]).stdout);
    let yaml = cluster.run("events", &["-o", "yaml"]);
    assert_eq!(yaml.code, 0, "{yaml:?}");
    assert!(yaml.stdout.starts_with("---\n"), "{}", yaml.stdout);
    assert_eq!(
        yaml.stdout.matches("\n---\n").count() + 1,
        json.len(),
        "{}",
        yaml.stdout
    );
    let docs: Vec<Value> = serde_saphyr::from_multiple(&yaml.stdout).unwrap();
    assert_eq!(docs, json, "one document per event, as -o json's lines");
    let names = cluster.run("events", &["-o", "name"]);
    assert_eq!(names.code, 0, "{names:?}");
    let lines: Vec<&str> = names.stdout.lines().collect();
    assert_eq!(lines.len(), json.len(), "{}", names.stdout);
    assert_eq!(lines[0], "event/web-1.1", "{}", names.stdout);
    let plain = cluster.run("events", &["--color", "never"]);
    let bare = cluster.run("events", &["--color", "never", "--no-headers"]);
    assert_eq!(
        (bare.code, bare.stdout.lines().count()),
        (0, plain.stdout.lines().count()),
        "{bare:?}"
    );
}

#[test]
fn no_events_is_said_on_stderr_as_kubectl_does() {
    let cluster = FakeCluster::new(vec![other_event("7")], Faults::default());
    let out = cluster.run("events", &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("No events found."), "{}", out.stderr);
    let some = FakeCluster::new(backlog(), Faults::default()).run("events", &[]);
    assert!(!some.stderr.contains("No events found."), "{}", some.stderr);
}

#[test]
fn w_follows_as_kubectl_get_events_w() {
    let cluster = FakeCluster::new(backlog(), Faults::default());
    for flag in ["-w", "--watch"] {
        let started = std::time::Instant::now();
        let out = cluster.run("events", &[flag, "--timeout", "2s", "-o", "json"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(ndjson(&out.stdout).len(), 6);
        assert!(
            started.elapsed() >= Duration::from_secs(2),
            "{flag} kept watching until --timeout"
        );
        assert!(!out.stderr.contains("No events found."), "{}", out.stderr);
    }
}

/// A pod of `owner` (kind, name), Pending (or Running on a node).
fn owned_pod(ns: &str, name: &str, owner: (&str, &str), node: Option<&str>) -> Value {
    let api_version = match owner.0 {
        "Job" | "CronJob" => "batch/v1",
        _ => "apps/v1",
    };
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "ownerReferences": [
            {"apiVersion": api_version, "kind": owner.0, "name": owner.1, "uid": format!("uid-{}", owner.1), "controller": true}]},
        "spec": {"containers": [{"name": "app", "image": "app"}]},
        "status": {"phase": "Pending"}});
    if let Some(node) = node {
        pod["spec"]["nodeName"] = json!(node);
        pod["status"]["phase"] = json!("Running");
    }
    pod
}

/// A controller `kind/name` owned by `owner` (a ReplicaSet by its Deployment, a Job by its CronJob).
fn owned(api_version: &str, kind: &str, ns: &str, name: &str, owner: (&str, &str)) -> Value {
    json!({"apiVersion": api_version, "kind": kind,
        "metadata": {"name": name, "namespace": ns, "ownerReferences": [
            {"apiVersion": api_version, "kind": owner.0, "name": owner.1, "uid": format!("uid-{}", owner.1), "controller": true}]}})
}

fn refused(id: &str, ns: &str, pod: &str) -> Value {
    ca_event(
        id,
        "NotTriggerScaleUp",
        "pod didn't trigger scale-up: 3 node(s) had untolerated taint(s)",
        ("Pod", ns, pod),
        1,
        60,
    )
}

fn owners_cluster() -> FakeCluster {
    FakeCluster::new(
        vec![
            owned(
                "apps/v1",
                "ReplicaSet",
                "shop",
                "web-7f9c8d6b5",
                ("Deployment", "web"),
            ),
            owned(
                "apps/v1",
                "ReplicaSet",
                "shop",
                "web-api-6c5d4",
                ("Deployment", "web-api"),
            ),
            owned(
                "batch/v1",
                "Job",
                "shop",
                "nightly-29412345",
                ("CronJob", "nightly"),
            ),
            owned_pod(
                "shop",
                "web-7f9c8d6b5-abcde",
                ("ReplicaSet", "web-7f9c8d6b5"),
                None,
            ),
            owned_pod(
                "shop",
                "web-7f9c8d6b5-fghij",
                ("ReplicaSet", "web-7f9c8d6b5"),
                Some("general-x"),
            ),
            owned_pod(
                "shop",
                "web-api-6c5d4-qwert",
                ("ReplicaSet", "web-api-6c5d4"),
                None,
            ),
            owned_pod("shop", "db-0", ("StatefulSet", "db"), None),
            owned_pod("shop", "etl-k2x9p", ("Job", "etl"), None),
            owned_pod(
                "shop",
                "nightly-29412345-zt7xw",
                ("Job", "nightly-29412345"),
                None,
            ),
            refused("1", "shop", "web-7f9c8d6b5-abcde"),
            refused("2", "shop", "web-7f9c8d6b5-fghij"),
            // A pod of web's that is gone: known by its name.
            refused("3", "shop", "web-7f9c8d6b5-zzzzz"),
            refused("4", "shop", "web-api-6c5d4-qwert"),
            refused("5", "shop", "db-0"),
            refused("6", "shop", "etl-k2x9p"),
            refused("7", "shop", "nightly-29412345-zt7xw"),
            ca_event(
                "8",
                "ScaledUpGroup",
                "Scale-up: group general size set to 3 instead of 1 (max: 10)",
                ("ConfigMap", "kube-system", "cluster-autoscaler-status"),
                1,
                30,
            ),
        ],
        Faults::default(),
    )
}

fn pods_shown(cluster: &FakeCluster, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let out = cluster.run("events", &all);
    assert_eq!(out.code, 0, "{args:?}: {out:?}");
    let mut names: Vec<String> = ndjson(&out.stdout)
        .iter()
        .map(|e| e["object"]["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// `--for deployment/web` (and the other owners) means the owner's pods: those its controller
/// chain resolves to, and pods gone since by the names the controllers give.
#[test]
fn for_an_owner_means_its_pods() {
    let cluster = owners_cluster();
    assert_eq!(
        pods_shown(&cluster, &["-n", "shop", "--for", "deployment/web"]),
        [
            "web-7f9c8d6b5-abcde",
            "web-7f9c8d6b5-fghij",
            "web-7f9c8d6b5-zzzzz"
        ]
    );
    assert_eq!(
        pods_shown(&cluster, &["--for", "deploy/web-api"]),
        ["web-api-6c5d4-qwert"]
    );
    assert_eq!(
        pods_shown(
            &cluster,
            &["-n", "shop", "--for", "replicaset/web-7f9c8d6b5"]
        )
        .len(),
        3
    );
    assert_eq!(pods_shown(&cluster, &["--for", "sts/db"]), ["db-0"]);
    assert_eq!(pods_shown(&cluster, &["--for", "job/etl"]), ["etl-k2x9p"]);
    assert_eq!(
        pods_shown(&cluster, &["--for", "cronjob/nightly"]),
        ["nightly-29412345-zt7xw"]
    );
    assert!(pods_shown(&cluster, &["-n", "other", "--for", "deployment/web"]).is_empty());
}

/// `--pending` hides events about pods no longer pending (scheduled, or gone); CA's status
/// events stay.
#[test]
fn pending_hides_pods_no_longer_pending() {
    let cluster = owners_cluster();
    let shown = pods_shown(&cluster, &["--pending"]);
    assert!(
        !shown.contains(&"web-7f9c8d6b5-fghij".to_owned()),
        "on a node: {shown:?}"
    );
    assert!(
        !shown.contains(&"web-7f9c8d6b5-zzzzz".to_owned()),
        "gone: {shown:?}"
    );
    assert!(
        shown.contains(&"web-7f9c8d6b5-abcde".to_owned()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"cluster-autoscaler-status".to_owned()),
        "{shown:?}"
    );
    assert_eq!(shown.len(), 6, "{shown:?}");
    assert_eq!(
        pods_shown(&cluster, &["--pending", "--for", "deployment/web"]),
        ["web-7f9c8d6b5-abcde"]
    );
}

/// A GPU pod whose GPU group is at its max: CA's message counts the groups without GPUs as
/// "Insufficient nvidia.com/gpu"; the hint names the group at max (from CA's status) and does
/// not blame the allocatable of groups that have no GPU (from the templates).
#[test]
fn the_hint_names_the_group_at_max_for_a_gpu_pod() {
    // CA's status in its default namespace, the ConfigMaps in the context's.
    hint_names_the_group_at_max("default", "kube-system", &[]);
    // Both where CA runs, said by --ca-namespace (no CA Deployment to say it).
    hint_names_the_group_at_max("kwok", "kwok", &["--ca-namespace", "kwok"]);
}

fn hint_names_the_group_at_max(config_ns: &str, status_ns: &str, extra: &[&str]) {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", &format!("namespace: {config_ns}"));
    let mut seed = fake_apiserver::parse_seed(&text).unwrap();
    let status = "autoscalerStatus: Running
clusterWide: {health: {status: Healthy}, scaleDown: {status: NoCandidates}, scaleUp: {status: NoActivity}}
nodeGroups:
- {name: general, health: {status: Healthy, cloudProviderTarget: 2, minSize: 0, maxSize: 50}, scaleUp: {status: NoActivity}, scaleDown: {status: NoCandidates}}
- {name: compute, health: {status: Healthy, cloudProviderTarget: 0, minSize: 0, maxSize: 20}, scaleUp: {status: NoActivity}, scaleDown: {status: NoCandidates}}
- {name: gpu, health: {status: Healthy, cloudProviderTarget: 4, minSize: 0, maxSize: 4}, scaleUp: {status: NoActivity}, scaleDown: {status: NoCandidates}}
time: 2026-11-22 10:00:00.1 +0000 UTC
";
    seed.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cluster-autoscaler-status", "namespace": status_ns},
        "data": {"status": status}}));
    seed.push(ca_event(
        "1",
        "NotTriggerScaleUp",
        "pod didn't trigger scale-up: 2 Insufficient nvidia.com/gpu, 1 max node group size reached",
        ("Pod", "ml", "train-1"),
        1,
        30,
    ));
    let cluster = FakeCluster::new(seed, Faults::default());
    let mut args = vec!["-o", "json"];
    args.extend_from_slice(extra);
    let out = cluster.run("events", &args);
    assert_eq!(out.code, 0, "{out:?}");
    let events = ndjson(&out.stdout);
    assert_eq!(
        events[0]["hint"],
        "node group gpu (4 of 4) is at its max-count: raise its template's cluster-autoscaler.kwok.nodegroup/max-count annotation"
    );
    let mut args = vec!["--color", "never"];
    args.extend_from_slice(extra);
    let text = cluster.run("events", &args);
    assert!(!text.stdout.contains("allocatable"), "{}", text.stdout);
}

/// Following, the hints name the groups as they are when the event comes: the status read again
/// when a watch resumes (here every 2 s).
#[test]
fn a_followed_hint_names_the_group_at_max_as_it_is_now() {
    let text = std::fs::read_to_string(fixture("examples/kwok-provider.yaml"))
        .unwrap()
        .replace("namespace: kube-system", "namespace: default");
    let mut seed = fake_apiserver::parse_seed(&text).unwrap();
    let status = |gpu_target: u32| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cluster-autoscaler-status", "namespace": "kube-system"},
            "data": {"status": format!("autoscalerStatus: Running
nodeGroups:
- {{name: gpu, health: {{status: Healthy, cloudProviderTarget: {gpu_target}, minSize: 0, maxSize: 4}}, scaleUp: {{status: NoActivity}}, scaleDown: {{status: NoCandidates}}}}
time: 2026-11-22 10:00:00.1 +0000 UTC
")}})
    };
    seed.push(status(3));
    let cluster = FakeCluster::new(seed, Faults::default());
    let mut child = plugin()
        .args([
            "events",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-f",
            "-o",
            "json",
        ])
        .args(["--max-events", "1", "--timeout", "30s"])
        .env("KWOKPROVIDER_WATCH_TIMEOUT", "2s")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    std::thread::sleep(Duration::from_secs(1));
    // gpu reaches its max after the command started; a watch or two later, CA refuses a pod.
    cluster.server.insert(status(4));
    std::thread::sleep(Duration::from_secs(5));
    cluster.server.insert(ca_event(
        "1",
        "NotTriggerScaleUp",
        "pod didn't trigger scale-up: 2 Insufficient nvidia.com/gpu, 1 max node group size reached",
        ("Pod", "ml", "train-1"),
        1,
        0,
    ));
    assert_eq!(exit_within(&mut child, Duration::from_secs(30)), Some(0));
    let events = ndjson(&stdout.join().unwrap());
    assert_eq!(
        events[0]["hint"],
        "node group gpu (4 of 4) is at its max-count: raise its template's cluster-autoscaler.kwok.nodegroup/max-count annotation"
    );
}
