//! Where the fake must fail as the real server fails, over plain HTTP: DeleteOptions' dryRun,
//! decode errors, validation messages (copied from the kit's kube-apiserver v1.36.3), and the
//! admin endpoint's PUT/PATCH with range checks.

mod common;

use common::*;
use fake_apiserver::{ServerConfig, TestServer};
use serde_json::json;

fn server() -> TestServer {
    TestServer::spawn(ServerConfig::default())
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

#[test]
fn dry_run_in_the_delete_options_body_deletes_nothing() {
    let s = server();
    let u = s.url();
    s.insert(cm("default", "keep", json!({})));
    let r = req(
        &u,
        "DELETE",
        &format!("{CMS}/keep"),
        Some("application/json"),
        r#"{"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "Success");
    assert!(s.get("configmaps", None, "keep").is_some());
    let r = req(
        &u,
        "DELETE",
        CMS,
        Some("application/json"),
        r#"{"dryRun":["All"]}"#,
    );
    assert_eq!(r.status, 200);
    assert!(s.get("configmaps", None, "keep").is_some());
    let r = req(
        &u,
        "DELETE",
        &format!("{CMS}/keep"),
        Some("application/json"),
        "{bad",
    );
    assert_eq!(r.status, 400);
    assert!(s.get("configmaps", None, "keep").is_some());
}

#[test]
fn a_missing_namespace_is_404_even_for_a_dry_run() {
    let s = server();
    let u = s.url();
    for path in [
        "/api/v1/namespaces/nosuch/configmaps",
        "/api/v1/namespaces/nosuch/configmaps?dryRun=All",
    ] {
        let r = post(&u, path, &cm("nosuch", "a", json!({})));
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(
            r.json(),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": "namespaces \"nosuch\" not found", "reason": "NotFound",
                   "details": {"name": "nosuch", "kind": "namespaces"}, "code": 404})
        );
    }
}

#[test]
fn label_keys_and_values_are_checked_with_the_real_messages() {
    let s = server();
    let u = s.url();
    let long = "a".repeat(70);
    let labels = json!({"team": "data platform", "bad key": "x", "a/b/c": "y",
                        "Example.com/x": "z", long.clone(): "1"});
    let r = post(&u, CMS, &cm("default", "a", labels));
    assert_eq!(r.status, 422);
    let st = r.json();
    let fields: Vec<&str> = st["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["metadata.labels"; 5]);
    let message = st["message"].as_str().unwrap();
    for part in [
        "metadata.labels: Invalid value: \"Example.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of",
        "metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        &format!(
            "metadata.labels: Invalid value: \"{long}\": name part must be no more than 63 bytes"
        ),
        "metadata.labels: Invalid value: \"bad key\": name part must consist of",
        "metadata.labels: Invalid value: \"data platform\": a valid label must be an empty string",
    ] {
        assert!(message.contains(part), "{part}\nin {message}");
    }
    // Go's map order: keys sorted.
    let order: Vec<usize> = ["Example.com", "a/b/c", "aaaa", "bad key", "data platform"]
        .iter()
        .map(|k| message.find(k).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{message}");
    // A label value that is not a string cannot be decoded: 400, as for real.
    let r = post(&u, CMS, &cm("default", "n", json!({"k": 5})));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
    );
    // A patch that makes a label invalid is refused the same way.
    s.insert(cm("default", "ok", json!({})));
    let r = patch(
        &u,
        &format!("{CMS}/ok"),
        "application/merge-patch+json",
        r#"{"metadata":{"labels":{"team":"data platform"}}}"#,
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["message"].as_str().unwrap().starts_with(
        "ConfigMap \"ok\" is invalid: metadata.labels: Invalid value: \"data platform\""
    ));
}

#[test]
fn taints_are_checked_with_the_real_messages() {
    let s = server();
    let u = s.url();
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
        "spec": {"taints": [{"key": "", "effect": "NoSchedule"}, {"key": "k", "effect": "Bad"},
                            {"key": "d", "effect": "NoSchedule"}, {"key": "d", "effect": "NoSchedule"},
                            {"key": "e"}]}});
    let r = post(&u, "/api/v1/nodes", &node);
    assert_eq!(r.status, 422);
    let name_msg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    assert_eq!(
        r.json()["message"],
        format!(
            "Node \"n1\" is invalid: [metadata.taints[0].key: Invalid value: \"\": name part must be non-empty, metadata.taints[0].key: Invalid value: \"\": {name_msg}, metadata.taints[1].effect: Unsupported value: \"Bad\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\", metadata.taints[3]: Duplicate value: {{\"Key\":\"d\",\"Value\":\"\",\"Effect\":\"NoSchedule\",\"TimeAdded\":null}}: taints must be unique by key and effect pair, metadata.taints[4].effect: Required value]"
        )
    );
}

#[test]
fn quantities_that_do_not_parse_are_a_400() {
    let s = server();
    let u = s.url();
    let msg = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    for cpu in [json!("lots"), json!("1Gb"), json!(true)] {
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
                          "status": {"capacity": {"cpu": cpu}}});
        let r = post(&u, "/api/v1/nodes", &node);
        assert_eq!(r.status, 400, "{cpu}");
        assert_eq!(
            r.json()["message"],
            format!("Node in version \"v1\" cannot be handled as a Node: {msg}")
        );
    }
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "lots"}}}]}});
    let r = post(&u, "/api/v1/namespaces/default/pods", &pod);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        format!("Pod in version \"v1\" cannot be handled as a Pod: {msg}")
    );
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "ok"},
                      "status": {"capacity": {"cpu": 2, "memory": "6249Mi", "pods": "110"}}});
    assert_eq!(post(&u, "/api/v1/nodes", &node).status, 201);
}

#[test]
fn admin_faults_put_replaces_patch_merges_and_out_of_range_is_refused() {
    let s = server();
    let u = s.url();
    let r = req(
        &u,
        "PUT",
        "/admin/faults",
        Some("application/json"),
        r#"{"throttle_rate":0.5,"deny":[["get","nodes"]]}"#,
    );
    assert_eq!(r.status, 200);
    // PATCH changes only what it names.
    let r = req(
        &u,
        "PATCH",
        "/admin/faults",
        Some("application/merge-patch+json"),
        r#"{"latency_ms":5}"#,
    );
    assert_eq!(r.status, 200);
    let f = s.faults();
    assert_eq!(
        (f.throttle_rate, f.latency_ms, f.deny.clone()),
        (0.5, 5, vec![("get".to_owned(), "nodes".to_owned())])
    );
    // PUT replaces everything: what it leaves out goes back to the default.
    let r = req(
        &u,
        "PUT",
        "/admin/faults",
        Some("application/json"),
        r#"{"latency_ms":1}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["throttle_rate"], 0.0);
    assert!(s.faults().deny.is_empty());
    for (body, says) in [
        (
            r#"{"throttle_rate":1.5}"#,
            "throttle_rate must be a probability in 0..=1, not 1.5",
        ),
        (
            r#"{"write_failure_rate":-0.1}"#,
            "write_failure_rate must be a probability",
        ),
        (r#"{"history_limit":0}"#, "history_limit must be at least 1"),
        (
            r#"{"drop_watch_after":0}"#,
            "drop_watch_after must be at least 1",
        ),
        (r#"{"throtle_rate":0.5}"#, "unknown field \"throtle_rate\""),
        (
            r#"{"deny":[["","nodes"]]}"#,
            "deny entries are [VERB, RESOURCE]",
        ),
        ("[1]", "expected a JSON object"),
    ] {
        for method in ["PUT", "PATCH"] {
            let r = req(&u, method, "/admin/faults", Some("application/json"), body);
            assert_eq!(r.status, 400, "{method} {body}");
            let message = r.json()["message"].as_str().unwrap().to_owned();
            assert!(message.contains(says), "{method} {body}: {message}");
        }
    }
    assert_eq!(s.faults().latency_ms, 1, "a refused change changes nothing");
}

#[test]
fn events_k8s_io_v1_is_the_same_store_in_its_own_words() {
    let s = server();
    let u = s.url();
    const V1: &str = "/apis/events.k8s.io/v1/namespaces/default/events";
    let event = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "v1e"},
        "eventTime": "2026-12-05T23:59:00.000000Z", "reportingController": "cluster-autoscaler",
        "reportingInstance": "ca-1", "action": "ScaleUp", "reason": "TriggeredScaleUp",
        "regarding": {"kind": "Pod", "namespace": "default", "name": "pod1"},
        "note": "pod triggered scale-up", "type": "Normal"});
    let r = post(&u, V1, &event);
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["note"], "pod triggered scale-up");
    assert_eq!(r.json()["apiVersion"], "events.k8s.io/v1");
    // The real server's mapping, read through core/v1.
    let core = get(&u, "/api/v1/namespaces/default/events/v1e").json();
    assert_eq!(core["message"], "pod triggered scale-up");
    assert_eq!(core["involvedObject"]["name"], "pod1");
    assert_eq!(core["reportingComponent"], "cluster-autoscaler");
    assert!(core.get("note").is_none() && core.get("regarding").is_none());
    // A core event reads as events.k8s.io/v1.
    s.insert(json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "core", "namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "n1"}, "message": "m", "reason": "R",
        "source": {"component": "kubelet"}, "count": 2}));
    let list = get(&u, V1).json();
    assert_eq!(list["kind"], "EventList");
    assert_eq!(list["apiVersion"], "events.k8s.io/v1");
    let core_item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["metadata"]["name"] == "core")
        .unwrap()
        .clone();
    assert_eq!(core_item["note"], "m");
    assert_eq!(core_item["deprecatedSource"]["component"], "kubelet");
    assert_eq!(core_item["deprecatedCount"], 2);
    // Patches speak events.k8s.io/v1 too.
    let r = patch(
        &u,
        &format!("{V1}/v1e"),
        "application/merge-patch+json",
        r#"{"note":"changed"}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["note"], "changed");
    let r = patch(
        &u,
        &format!("{V1}/v1e"),
        "application/json-patch+json",
        r#"[{"op":"replace","path":"/regarding/name","value":"pod2"}]"#,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["regarding"]["name"], "pod2");
    // Errors name the group as the real server does.
    let r = get(&u, &format!("{V1}/nosuch"));
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "events.events.k8s.io \"nosuch\" not found", "reason": "NotFound",
               "details": {"name": "nosuch", "group": "events.k8s.io", "kind": "events"}, "code": 404})
    );
    let r = delete(&u, &format!("{V1}/v1e"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["details"]["group"], "events.k8s.io");
    assert!(s.get("events", None, "v1e").is_none());
}
