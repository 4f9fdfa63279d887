//! Protocol tests over plain HTTP: CRUD, patches, lists, selectors, watches, errors and faults.

mod common;

use std::time::{Duration, Instant};

use common::*;
use fake_apiserver::{Faults, ServerConfig, TestServer};
use serde_json::{Value, json};

fn server() -> TestServer {
    TestServer::spawn(ServerConfig::default())
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

#[test]
fn discovery_documents() {
    let s = server();
    let u = s.url();
    assert_eq!(get(&u, "/version").json()["gitVersion"], "v1.32.0");
    assert_eq!(get(&u, "/api").json()["versions"], json!(["v1"]));
    let core = get(&u, "/api/v1").json();
    assert_eq!(core["kind"], "APIResourceList");
    let find = |list: &Value, name: &str| {
        list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let cm = find(&core, "configmaps");
    assert_eq!(cm["shortNames"], json!(["cm"]));
    assert_eq!(cm["namespaced"], true);
    assert_eq!(cm["singularName"], "configmap");
    assert_eq!(find(&core, "nodes")["namespaced"], false);
    assert_eq!(find(&core, "events")["shortNames"], json!(["ev"]));
    let apps = get(&u, "/apis/apps/v1").json();
    assert_eq!(find(&apps, "deployments")["shortNames"], json!(["deploy"]));
    let crd = get(&u, "/apis/apiextensions.k8s.io/v1").json();
    assert_eq!(find(&crd, "customresourcedefinitions")["namespaced"], false);
    // Aggregated discovery is declined with plain legacy JSON.
    let r = req_with(
        &u,
        "GET",
        "/apis",
        &[(
            "Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
        )],
        "",
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    let groups = r.json();
    assert_eq!(groups["kind"], "APIGroupList");
    let names: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"apps") && names.contains(&"apiextensions.k8s.io"));
    // An empty OpenAPI v2 document (protobuf): kubectl's List validation needs one.
    let v2 = get(&u, "/openapi/v2");
    assert_eq!(v2.status, 200);
    assert!(v2.body.is_empty());
    assert_eq!(
        v2.header("content-type"),
        Some("application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
    );
    assert_eq!(get(&u, "/openapi/v3").status, 200);
    assert_eq!(get(&u, "/nonsense").status, 404);
}

#[test]
fn create_get_update_delete() {
    let s = server();
    let u = s.url();
    let r = post(&u, CMS, &cm("default", "a", json!({})));
    assert_eq!(r.status, 201);
    let created = r.json();
    assert_eq!(created["metadata"]["uid"].as_str().unwrap().len(), 36);
    assert!(
        created["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    let rv1: u64 = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let dup = post(&u, CMS, &cm("default", "a", json!({})));
    assert_eq!(dup.status, 409);
    assert_eq!(dup.json()["reason"], "AlreadyExists");
    assert_eq!(dup.json()["message"], "configmaps \"a\" already exists");

    let gen_body =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "gen-"}});
    let g = post(&u, CMS, &gen_body).json();
    let gname = g["metadata"]["name"].as_str().unwrap();
    assert!(gname.starts_with("gen-") && gname.len() == 9, "{gname}");

    let mut upd = created.clone();
    upd["data"] = json!({"k": "new"});
    let r = put(&u, &format!("{CMS}/a"), &upd);
    assert_eq!(r.status, 200);
    let rv2: u64 = r.json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv2 > rv1);
    // Stale resourceVersion -> 409 Conflict.
    let r = put(&u, &format!("{CMS}/a"), &upd);
    assert_eq!(r.status, 409);
    let st = r.json();
    assert_eq!(st["reason"], "Conflict");
    assert_eq!(
        st["message"],
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"
    );
    // No resourceVersion -> unconditional overwrite.
    upd["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("resourceVersion");
    upd["data"] = json!({"k": "forced"});
    assert_eq!(put(&u, &format!("{CMS}/a"), &upd).status, 200);
    assert_eq!(
        s.get("configmaps", Some("default"), "a").unwrap()["data"]["k"],
        "forced"
    );
    // PUT of a missing object is 404.
    assert_eq!(
        put(&u, &format!("{CMS}/zz"), &cm("default", "zz", json!({}))).status,
        404
    );
    // Name mismatch is 400.
    assert_eq!(
        put(&u, &format!("{CMS}/a"), &cm("default", "b", json!({}))).status,
        400
    );

    let d = delete(&u, &format!("{CMS}/a"));
    assert_eq!(d.status, 200);
    assert_eq!(d.json()["status"], "Success");
    let d = delete(&u, &format!("{CMS}/a"));
    assert_eq!(d.status, 404);
    let st = d.json();
    assert_eq!(st["kind"], "Status");
    assert_eq!(st["reason"], "NotFound");
    assert_eq!(st["details"], json!({"name": "a", "kind": "configmaps"}));
    assert_eq!(
        get(&u, "/apis/apps/v1/namespaces/default/deployments/x").json()["message"],
        "deployments.apps \"x\" not found"
    );
}

#[test]
fn bad_requests_are_statuses() {
    let s = server();
    let u = s.url();
    let r = req(&u, "POST", CMS, Some("application/json"), "{not json");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["reason"], "BadRequest");
    let r = req(
        &u,
        "POST",
        &format!("{CMS}/x"),
        Some("application/json"),
        "{}",
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["reason"], "MethodNotAllowed");
    let r = post(
        &u,
        "/api/v1/namespaces/other/configmaps",
        &cm("default", "x", json!({})),
    );
    assert_eq!(r.status, 400);
    let r = post(
        &u,
        CMS,
        &json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}),
    );
    assert_eq!(r.status, 400);
    let r = patch(&u, &format!("{CMS}/x"), "text/plain", "{}");
    assert_eq!(r.status, 415);
    let r = get(&u, &format!("{CMS}?limit=abc"));
    assert_eq!(r.status, 400);
    let r = get(&u, &format!("{CMS}?continue=garbage"));
    assert_eq!(r.status, 400);
}

#[test]
fn patch_types() {
    let s = server();
    let u = s.url();
    post(&u, CMS, &cm("default", "p", json!({"a": "1"})));
    let path = format!("{CMS}/p");
    let r = patch(
        &u,
        &path,
        "application/merge-patch+json",
        r#"{"data":{"k":null,"x":"y"},"metadata":{"labels":{"b":"2"}}}"#,
    );
    assert_eq!(r.status, 200);
    let o = r.json();
    assert_eq!(o["data"], json!({"x": "y"}));
    assert_eq!(o["metadata"]["labels"], json!({"a": "1", "b": "2"}));

    let r = patch(
        &u,
        &path,
        "application/json-patch+json",
        r#"[{"op":"add","path":"/data/z","value":"1"},{"op":"remove","path":"/metadata/labels/a"}]"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"], json!({"x": "y", "z": "1"}));
    assert_eq!(r.json()["metadata"]["labels"], json!({"b": "2"}));
    let r = patch(
        &u,
        &path,
        "application/json-patch+json",
        r#"[{"op":"test","path":"/data/z","value":"2"}]"#,
    );
    assert_eq!(r.status, 422);

    // Strategic merge: containers merge by name.
    let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"replicas": 1, "template": {"spec": {"containers": [
            {"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}}});
    let dpath = "/apis/apps/v1/namespaces/default/deployments";
    let created = post(&u, dpath, &dep).json();
    assert_eq!(created["metadata"]["generation"], 1);
    let r = patch(
        &u,
        &format!("{dpath}/d"),
        "application/strategic-merge-patch+json",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}}"#,
    );
    assert_eq!(r.status, 200);
    let o = r.json();
    assert_eq!(
        o["spec"]["template"]["spec"]["containers"],
        json!([{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:2"}])
    );
    assert_eq!(o["metadata"]["generation"], 2);

    // Patch with a stale resourceVersion precondition -> 409.
    let r = patch(
        &u,
        &path,
        "application/merge-patch+json",
        r#"{"metadata":{"resourceVersion":"1"}}"#,
    );
    assert_eq!(r.status, 409);
    // Patch of a missing object -> 404.
    assert_eq!(
        patch(
            &u,
            &format!("{CMS}/none"),
            "application/merge-patch+json",
            "{}"
        )
        .status,
        404
    );

    // Server-side apply: creates, then updates; fieldManager is required.
    let apply =
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"1"}}"#;
    assert_eq!(
        patch(
            &u,
            &format!("{CMS}/ssa"),
            "application/apply-patch+yaml",
            apply
        )
        .status,
        400
    );
    let r = patch(
        &u,
        &format!("{CMS}/ssa?fieldManager=t"),
        "application/apply-patch+yaml",
        apply,
    );
    assert_eq!(r.status, 201);
    let r = patch(
        &u,
        &format!("{CMS}/ssa?fieldManager=t"),
        "application/apply-patch+yaml",
        "data:\n  a: '2'\n",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        s.get("configmaps", Some("default"), "ssa").unwrap()["data"]["a"],
        "2"
    );

    // A no-op patch does not bump the resourceVersion.
    let before = s.get("configmaps", Some("default"), "p").unwrap();
    let r = patch(
        &u,
        &path,
        "application/merge-patch+json",
        r#"{"data":{"x":"y"}}"#,
    );
    assert_eq!(
        r.json()["metadata"]["resourceVersion"],
        before["metadata"]["resourceVersion"]
    );
}

#[test]
fn dry_run_does_not_store() {
    let s = server();
    let u = s.url();
    let r = post(
        &u,
        &format!("{CMS}?dryRun=All"),
        &cm("default", "dry", json!({})),
    );
    assert_eq!(r.status, 201);
    assert!(s.get("configmaps", Some("default"), "dry").is_none());
    s.insert(cm("default", "dry", json!({})));
    let r = patch(
        &u,
        &format!("{CMS}/dry?dryRun=All"),
        "application/merge-patch+json",
        r#"{"data":{"k":"changed"}}"#,
    );
    assert_eq!(r.json()["data"]["k"], "changed");
    assert_eq!(
        s.get("configmaps", Some("default"), "dry").unwrap()["data"]["k"],
        "dry"
    );
    assert_eq!(delete(&u, &format!("{CMS}/dry?dryRun=All")).status, 200);
    assert!(s.get("configmaps", Some("default"), "dry").is_some());
}

#[test]
fn pagination_with_continue() {
    let s = server();
    let u = s.url();
    for i in 0..7 {
        s.insert(cm("default", &format!("cm-{i}"), json!({})));
    }
    s.insert(cm("other", "cm-x", json!({})));
    let first = get(&u, &format!("{CMS}?limit=3")).json();
    assert_eq!(first["kind"], "ConfigMapList");
    assert_eq!(names(&first), ["cm-0", "cm-1", "cm-2"]);
    assert_eq!(first["metadata"]["remainingItemCount"], 4);
    let rv = first["metadata"]["resourceVersion"].clone();
    // Items in a list carry no kind/apiVersion, like the real server.
    assert!(first["items"][0].get("kind").is_none());
    // A write between pages does not show up: pages come from one snapshot.
    s.insert(cm("default", "cm-00", json!({})));
    let mut all = names(&first);
    let mut token = first["metadata"]["continue"].as_str().unwrap().to_string();
    loop {
        let page = get(&u, &format!("{CMS}?limit=3&continue={token}")).json();
        assert_eq!(page["metadata"]["resourceVersion"], rv);
        all.extend(names(&page));
        match page["metadata"]["continue"].as_str() {
            Some(t) if !t.is_empty() => token = t.to_string(),
            _ => break,
        }
    }
    assert_eq!(all, (0..7).map(|i| format!("cm-{i}")).collect::<Vec<_>>());
    // All-namespaces list.
    let every = get(&u, "/api/v1/configmaps").json();
    assert_eq!(names(&every).len(), 9);
}

#[test]
fn label_selectors() {
    let s = server();
    let u = s.url();
    s.insert(cm("default", "a", json!({"env": "prod", "tier": "web"})));
    s.insert(cm("default", "b", json!({"env": "dev", "tier": "db"})));
    s.insert(cm("default", "c", json!({"env": "test"})));
    s.insert(cm("default", "d", json!({})));
    let q = |sel: &str| {
        let enc = sel
            .replace(' ', "%20")
            .replace('!', "%21")
            .replace('=', "%3D");
        let r = get(&u, &format!("{CMS}?labelSelector={enc}"));
        assert_eq!(r.status, 200, "{sel}: {}", String::from_utf8_lossy(&r.body));
        names(&r.json())
    };
    assert_eq!(q("env=prod"), ["a"]);
    assert_eq!(q("env==dev"), ["b"]);
    assert_eq!(q("env!=prod"), ["b", "c", "d"]);
    assert_eq!(q("env in (prod,test)"), ["a", "c"]);
    assert_eq!(q("env notin (prod,test)"), ["b", "d"]);
    assert_eq!(q("tier"), ["a", "b"]);
    assert_eq!(q("!tier"), ["c", "d"]);
    assert_eq!(q("env,tier notin (web),!nothing"), ["b", "c"]);
    assert_eq!(q("env in (prod,dev),tier=db"), ["b"]);
    let r = get(&u, &format!("{CMS}?labelSelector=env%20in%20prod"));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["reason"], "BadRequest");
}

#[test]
fn field_selectors() {
    let s = server();
    let u = s.url();
    let ev = |name: &str, ns: &str, kind: &str, obj: &str, reason: &str, typ: &str, comp: &str| {
        json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": ns},
            "involvedObject": {"kind": kind, "name": obj, "namespace": ns, "uid": format!("uid-{obj}")},
            "reason": reason, "type": typ, "source": {"component": comp},
            "reportingComponent": comp, "message": "m"})
    };
    s.insert(ev(
        "e1", "default", "Node", "n1", "Ready", "Normal", "kubelet",
    ));
    s.insert(ev(
        "e2", "default", "Pod", "p1", "Failed", "Warning", "kubelet",
    ));
    s.insert(ev(
        "e3",
        "kube-system",
        "Node",
        "n2",
        "Ready",
        "Normal",
        "autoscaler",
    ));
    let q = |path: &str, sel: &str| {
        let r = get(
            &u,
            &format!(
                "{path}?fieldSelector={}",
                sel.replace('=', "%3D").replace('!', "%21")
            ),
        );
        assert_eq!(r.status, 200, "{sel}: {}", String::from_utf8_lossy(&r.body));
        names(&r.json())
    };
    let all = "/api/v1/events";
    assert_eq!(q(all, "involvedObject.kind=Node"), ["e1", "e3"]);
    assert_eq!(
        q(
            all,
            "involvedObject.kind=Node,reason=Ready,source=autoscaler"
        ),
        ["e3"]
    );
    assert_eq!(q(all, "type!=Normal"), ["e2"]);
    assert_eq!(q(all, "involvedObject.name==p1"), ["e2"]);
    assert_eq!(q(all, "involvedObject.uid=uid-n2"), ["e3"]);
    assert_eq!(q(all, "reportingComponent=kubelet"), ["e1", "e2"]);
    assert_eq!(q(all, "metadata.namespace=kube-system"), ["e3"]);
    assert_eq!(
        q(all, "involvedObject.namespace=default,metadata.name!=e1"),
        ["e2"]
    );
    assert_eq!(
        q("/api/v1/namespaces/default/events", "metadata.name=e1"),
        ["e1"]
    );
    let r = get(&u, "/api/v1/events?fieldSelector=spec.bogus%3Dx");
    assert_eq!(r.status, 400);
    let st = r.json();
    assert_eq!(st["reason"], "BadRequest");
    assert_eq!(st["message"], "field label not supported: spec.bogus");
}

#[test]
fn gone_on_expired_list_and_continue() {
    let s = TestServer::spawn(ServerConfig {
        faults: Faults {
            history_limit: 5,
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let u = s.url();
    for i in 0..4 {
        s.insert(cm("default", &format!("g{i}"), json!({})));
    }
    let page = get(&u, &format!("{CMS}?limit=1")).json();
    let rv: u64 = page["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let token = page["metadata"]["continue"].as_str().unwrap().to_string();
    // Exact list at a retained RV reconstructs the old state.
    let exact = get(
        &u,
        &format!(
            "{CMS}?resourceVersion={}&resourceVersionMatch=Exact",
            rv - 1
        ),
    )
    .json();
    assert_eq!(names(&exact), ["g0", "g1", "g2"]);
    for i in 0..10 {
        s.insert(cm("default", &format!("h{i}"), json!({})));
    }
    let r = get(
        &u,
        &format!("{CMS}?resourceVersion={rv}&resourceVersionMatch=Exact"),
    );
    assert_eq!(r.status, 410);
    let st = r.json();
    assert_eq!(st["reason"], "Expired");
    assert_eq!(st["code"], 410);
    let r = get(&u, &format!("{CMS}?limit=1&continue={token}"));
    assert_eq!(r.status, 410);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("The provided continue parameter is too old")
    );
}

#[test]
fn watch_initial_events_and_changes() {
    let s = server();
    let u = s.url();
    s.insert(cm("default", "w1", json!({})));
    let mut w = Watch::open(&u, &format!("{CMS}?watch=true&timeoutSeconds=10"));
    assert_eq!(w.status, 200);
    let e = w.event();
    assert_eq!(e["type"], "ADDED");
    assert_eq!(e["object"]["metadata"]["name"], "w1");
    assert_eq!(e["object"]["kind"], "ConfigMap");
    s.insert(cm("default", "w2", json!({})));
    let e = w.event();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("ADDED"), Some("w2"))
    );
    let mut upd = s.get("configmaps", Some("default"), "w2").unwrap();
    upd["data"]["k"] = json!("changed");
    s.insert(upd);
    let e = w.event();
    assert_eq!(e["type"], "MODIFIED");
    assert_eq!(e["object"]["data"]["k"], "changed");
    assert_eq!(delete(&u, &format!("{CMS}/w1")).status, 200);
    let e = w.event();
    assert_eq!(e["type"], "DELETED");
    assert_eq!(e["object"]["metadata"]["name"], "w1");
    // Other namespaces and resources are not seen.
    s.insert(cm("other", "w3", json!({})));
    s.insert(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}}));
    s.insert(cm("default", "w4", json!({})));
    assert_eq!(w.event()["object"]["metadata"]["name"], "w4");
}

#[test]
fn watch_from_resource_version_and_selectors() {
    let s = server();
    let u = s.url();
    let a = s.insert(cm("default", "a", json!({"app": "x"})));
    let rv = a["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    s.insert(cm("default", "b", json!({"app": "y"})));
    s.insert(cm("default", "c", json!({"app": "x"})));
    // From an RV: only later events, filtered by the label selector.
    let mut w = Watch::open(
        &u,
        &format!("{CMS}?watch=1&resourceVersion={rv}&labelSelector=app%3Dx&timeoutSeconds=10"),
    );
    let e = w.event();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("ADDED"), Some("c"))
    );
    // A label change moving an object out of the selector is a DELETED, into it an ADDED.
    let mut c = s.get("configmaps", None, "c").unwrap();
    c["metadata"]["labels"]["app"] = json!("z");
    s.insert(c);
    let e = w.event();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("DELETED"), Some("c"))
    );
    let mut b = s.get("configmaps", None, "b").unwrap();
    b["metadata"]["labels"]["app"] = json!("x");
    s.insert(b);
    let e = w.event();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("ADDED"), Some("b"))
    );
    // Field selector on watch.
    let mut w2 = Watch::open(
        &u,
        &format!("{CMS}?watch=true&fieldSelector=metadata.name%3Db&timeoutSeconds=10"),
    );
    assert_eq!(w2.event()["object"]["metadata"]["name"], "b");
    s.insert(cm("default", "zz", json!({})));
    let mut b = s.get("configmaps", None, "b").unwrap();
    b["data"]["k"] = json!("2");
    s.insert(b);
    let e = w2.event();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("MODIFIED"), Some("b"))
    );
}

#[test]
fn watch_timeout_and_bookmarks() {
    let s = server();
    let u = s.url();
    let start = Instant::now();
    let mut w = Watch::open(&u, &format!("{CMS}?watch=true&timeoutSeconds=1"));
    assert!(matches!(w.next(), Next::End), "stream should end cleanly");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "{took:?}"
    );

    let mut w = Watch::open(
        &u,
        &format!("{CMS}?watch=true&allowWatchBookmarks=true&timeoutSeconds=3"),
    );
    s.insert(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}));
    let opened = Instant::now();
    // Like the real server: no bookmark every second, one as the watch times out.
    let b = w.event();
    assert!(
        opened.elapsed() >= Duration::from_millis(2500),
        "a bookmark came after {:?}, before the timeout",
        opened.elapsed()
    );
    assert_eq!(b["type"], "BOOKMARK");
    assert_eq!(b["object"]["kind"], "ConfigMap");
    let node_rv = s.get("nodes", None, "n1").unwrap()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        b["object"]["metadata"]["resourceVersion"].as_str(),
        Some(node_rv.as_str()),
        "the bookmark's RV should advance past unrelated writes"
    );
    assert!(matches!(w.next(), Next::End), "one bookmark, then the end");
}

#[test]
fn history_is_kept_per_resource() {
    let s = TestServer::spawn(ServerConfig {
        faults: Faults {
            history_limit: 3,
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let u = s.url();
    let a = s.insert(cm("default", "a", json!({})));
    let rv = a["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    // Node churn does not push ConfigMap changes out of the history.
    for i in 0..10 {
        s.insert(
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("n{i}")}}),
        );
    }
    s.insert(cm("default", "b", json!({})));
    let mut w = Watch::open(&u, &format!("{CMS}?watch=true&resourceVersion={rv}"));
    let e = w.event();
    assert_eq!(
        (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
        (Some("ADDED"), Some("b"))
    );
    // Node watches from that far back are gone.
    let mut w = Watch::open(
        &u,
        &format!("/api/v1/nodes?watch=true&resourceVersion={rv}"),
    );
    assert_eq!(w.event()["object"]["code"], 410);
}

#[test]
fn watch_gone_event_for_expired_rv() {
    let s = TestServer::spawn(ServerConfig {
        faults: Faults {
            history_limit: 3,
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let u = s.url();
    for i in 0..6 {
        s.insert(cm("default", &format!("x{i}"), json!({})));
    }
    let mut w = Watch::open(&u, &format!("{CMS}?watch=true&resourceVersion=2"));
    assert_eq!(w.status, 200);
    let e = w.event();
    assert_eq!(e["type"], "ERROR");
    assert_eq!(e["object"]["kind"], "Status");
    assert_eq!(e["object"]["code"], 410);
    assert_eq!(e["object"]["reason"], "Expired");
    assert!(
        e["object"]["message"]
            .as_str()
            .unwrap()
            .starts_with("too old resource version: 2")
    );
    assert!(matches!(w.next(), Next::End));
}

#[test]
fn watch_dropped_after_n_events() {
    let s = TestServer::spawn(ServerConfig {
        faults: Faults {
            drop_watch_after: Some(2),
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let u = s.url();
    for i in 0..5 {
        s.insert(cm("default", &format!("d{i}"), json!({})));
    }
    let mut w = Watch::open(&u, &format!("{CMS}?watch=true&timeoutSeconds=10"));
    assert_eq!(w.event()["type"], "ADDED");
    assert_eq!(w.event()["type"], "ADDED");
    match w.next() {
        Next::Cut(_) => {}
        other => panic!("expected the connection to be cut, got {other:?}"),
    }
}

#[test]
fn validation_errors() {
    let s = server();
    let u = s.url();
    let r = post(
        &u,
        "/api/v1/nodes",
        &json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "Bad_Name"}}),
    );
    assert_eq!(r.status, 422);
    let st = r.json();
    assert_eq!(st["reason"], "Invalid");
    assert!(st["message"].as_str().unwrap().starts_with(
        "Node \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of"
    ), "{st}");
    assert_eq!(st["details"]["causes"][0]["field"], "metadata.name");
    assert_eq!(st["details"]["causes"][0]["reason"], "FieldValueInvalid");

    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
        "spec": {"taints": [{"key": "k", "value": "a", "effect": "NoSchedule"}, {"key": "k", "value": "b", "effect": "NoSchedule"}, {"key": "k", "effect": "NoExecute"}]}});
    let r = post(&u, "/api/v1/nodes", &node);
    assert_eq!(r.status, 422);
    let st = r.json();
    assert_eq!(st["details"]["causes"].as_array().unwrap().len(), 1);
    assert_eq!(st["details"]["causes"][0]["field"], "metadata.taints[1]");
    assert_eq!(st["details"]["causes"][0]["reason"], "FieldValueDuplicate");
    assert!(
        st["message"]
            .as_str()
            .unwrap()
            .contains("metadata.taints[1]: Duplicate value: {\"Key\":\"k\",\"Value\":\"b\",\"Effect\":\"NoSchedule\",\"TimeAdded\":null}: taints must be unique by key and effect pair")
    );

    let big = "x".repeat(1024 * 1024 + 1);
    let r = post(
        &u,
        CMS,
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"}, "data": {"f": big}}),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("Too long: must have at most 1048576 bytes")
    );
    let r = post(
        &u,
        CMS,
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Upper"}}),
    );
    assert_eq!(r.status, 422);
    let r = post(
        &u,
        CMS,
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}),
    );
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["details"]["causes"][0]["reason"],
        "FieldValueRequired"
    );
    // Updates are validated too.
    s.insert(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2"}}));
    let r = patch(
        &u,
        "/api/v1/nodes/n2",
        "application/merge-patch+json",
        r#"{"spec":{"taints":[{"key":"k","effect":"NoSchedule"},{"key":"k","effect":"NoSchedule"}]}}"#,
    );
    assert_eq!(r.status, 422);
}

#[test]
fn throttling_failures_latency_and_admin() {
    let s = server();
    let u = s.url();
    s.set_faults(Faults {
        throttle_rate: 1.0,
        retry_after_seconds: 7,
        ..Faults::default()
    });
    let r = get(&u, CMS);
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(r.json()["reason"], "TooManyRequests");
    // The admin endpoint is never faulted.
    let f = get(&u, "/admin/faults");
    assert_eq!(f.status, 200);
    assert_eq!(f.json()["throttle_rate"], 1.0);
    let r = req(
        &u,
        "PUT",
        "/admin/faults",
        Some("application/json"),
        r#"{"write_failure_rate":1.0,"latency_ms":300,"deny":[["list","*"]]}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.faults().latency_ms, 300);
    let t = Instant::now();
    let r = post(&u, CMS, &cm("default", "f", json!({})));
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["reason"], "InternalError");
    let r = get(&u, "/api/v1/nodes");
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        "nodes is forbidden: User \"fake\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"
    );
    assert_eq!(get(&u, "/api/v1/nodes/x").status, 404);
    let r = req(&u, "PUT", "/admin/faults", Some("application/json"), "{bad");
    assert_eq!(r.status, 400);
    s.set_faults(Faults {
        deny: vec![("get".into(), "configmaps".into())],
        ..Faults::default()
    });
    let r = get(&u, &format!("{CMS}/x"));
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        "configmaps \"x\" is forbidden: User \"fake\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"default\""
    );
    let before = s.request_count();
    get(&u, "/api/v1/nodes");
    get(&u, "/admin/faults");
    assert_eq!(s.request_count(), before + 1);
}

#[test]
fn namespaces_and_library_helpers() {
    let s = server();
    let u = s.url();
    let nss: Vec<String> = s
        .list("namespaces", None)
        .iter()
        .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(nss.contains(&"default".to_string()) && nss.contains(&"kube-system".to_string()));
    // Creating into a missing namespace is 404, as for real; once it exists, it works.
    let r = post(
        &u,
        "/api/v1/namespaces/fresh/configmaps",
        &cm("fresh", "a", json!({})),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "namespaces \"fresh\" not found");
    assert!(s.get("namespaces", None, "fresh").is_none());
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "fresh"}});
    assert_eq!(post(&u, "/api/v1/namespaces", &ns).status, 201);
    assert_eq!(
        post(
            &u,
            "/api/v1/namespaces/fresh/configmaps",
            &cm("fresh", "a", json!({}))
        )
        .status,
        201
    );
    assert_eq!(s.list("configmaps", Some("fresh")).len(), 1);
    // Deleting a namespace removes its contents.
    let r = delete(&u, "/api/v1/namespaces/fresh");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"]["phase"], "Terminating");
    assert!(s.list("configmaps", Some("fresh")).is_empty());
    // Nodes are cluster scoped.
    let n = s.insert(
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "namespace": "x"}}),
    );
    assert!(n["metadata"].get("namespace").is_none());
    assert_eq!(get(&u, "/api/v1/nodes/n1").status, 200);
    assert_eq!(get(&u, "/api/v1/namespaces/default/nodes/n1").status, 404);
    // Status subresource.
    let r = req(
        &u,
        "PATCH",
        "/api/v1/nodes/n1/status",
        Some("application/merge-patch+json"),
        r#"{"status":{"phase":"Running"},"metadata":{"labels":{"ignored":"x"}}}"#,
    );
    assert_eq!(r.status, 200);
    let n = s.get("nodes", None, "n1").unwrap();
    assert_eq!(n["status"]["phase"], "Running");
    assert!(n["metadata"].get("labels").is_none());
    // deletecollection with a selector.
    s.insert(cm("default", "dc1", json!({"dc": "yes"})));
    s.insert(cm("default", "dc2", json!({"dc": "no"})));
    let r = delete(&u, &format!("{CMS}?labelSelector=dc%3Dyes"));
    assert_eq!(names(&r.json()), ["dc1"]);
    assert!(s.get("configmaps", Some("default"), "dc2").is_some());
    assert!(s.kubeconfig_yaml(Some("team")).contains("namespace: team"));
}
