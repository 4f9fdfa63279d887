//! Fidelity tests: the real `kubectl` (required on PATH) against the fake API server.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fake_apiserver::{Faults, ServerConfig, TestServer, parse_seed};
use serde_json::{Value, json};
use tempfile::TempDir;

/// The kubectl under test: `$KWOK_TEST_KUBECTL` (CI also runs these tests with the
/// real-cluster kit's kubectl), else the first `kubectl` on PATH.
fn kubectl_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KWOK_TEST_KUBECTL") {
        let bin = PathBuf::from(bin);
        assert!(
            bin.is_file(),
            "KWOK_TEST_KUBECTL={} is not a file",
            bin.display()
        );
        return bin;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let p = dir.join("kubectl");
        if p.is_file() {
            return p;
        }
    }
    panic!(
        "kubectl was not found on PATH: these fidelity tests run the real kubectl binary \
         against the fake API server; install it (see tests/fake-apiserver/README.md), \
         or point KWOK_TEST_KUBECTL at one"
    );
}

/// A kubectl wired to one server, with a private HOME and cache dir.
struct Kubectl {
    dir: TempDir,
    kubeconfig: PathBuf,
    bin: PathBuf,
}

impl Kubectl {
    fn new(server: &TestServer) -> Kubectl {
        let bin = kubectl_bin();
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig.yaml");
        server
            .write_kubeconfig(&kubeconfig, None)
            .expect("write kubeconfig");
        Kubectl {
            dir,
            kubeconfig,
            bin,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let cache = self.dir.path().join("cache");
        let mut c = Command::new(&self.bin);
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(&cache)
            .args(args)
            .env("HOME", self.dir.path())
            .env("KUBECACHEDIR", &cache)
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs kubectl with a 30 s cap.
    fn run(&self, args: &[&str]) -> Output {
        let mut child = self.command(args).spawn().expect("spawn kubectl");
        let mut stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let out_t = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = stdout.read_to_end(&mut s);
            s
        });
        let err_t = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = stderr.read_to_end(&mut s);
            s
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait kubectl") {
                break st;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("kubectl {args:?} did not finish within 30s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Output {
            status,
            stdout: out_t.join().unwrap(),
            stderr: err_t.join().unwrap(),
        }
    }

    /// Runs kubectl and requires success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "kubectl {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Runs kubectl and requires failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            !o.status.success(),
            "kubectl {args:?} unexpectedly succeeded: {}",
            String::from_utf8_lossy(&o.stdout)
        );
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write manifest");
        p.to_string_lossy().into_owned()
    }
}

const SEED: &str = r#"
apiVersion: v1
kind: Node
metadata:
  name: worker-1
  labels: {pool: a}
---
apiVersion: v1
kind: Node
metadata:
  name: worker-2
  labels: {pool: b}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: provider-config
  namespace: kube-system
data:
  config: |
    nodegroups: 2
  mode: kwok
"#;

fn seeded() -> TestServer {
    TestServer::spawn(ServerConfig {
        seed: parse_seed(SEED).expect("seed parses"),
        faults: Faults::default(),
    })
}

#[test]
fn get_nodes_and_configmap_yaml() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let out = k.ok(&["get", "nodes"]);
    assert!(
        out.contains("worker-1") && out.contains("worker-2"),
        "{out}"
    );
    assert!(out.starts_with("NAME"), "{out}");
    let out = k.ok(&["get", "nodes", "-l", "pool=b", "-o", "name"]);
    assert_eq!(out.trim(), "node/worker-2");
    let out = k.ok(&[
        "get",
        "configmap",
        "provider-config",
        "-n",
        "kube-system",
        "-o",
        "yaml",
    ]);
    let v: Value = serde_saphyr::from_str(&out).expect("yaml output");
    assert_eq!(v["data"]["config"], "nodegroups: 2\n");
    assert_eq!(v["data"]["mode"], "kwok");
    assert_eq!(v["metadata"]["namespace"], "kube-system");
    // Paginated listing through kubectl (limit/continue).
    for i in 0..5 {
        s.insert(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("page-{i}")}}));
    }
    let out = k.ok(&["get", "configmaps", "--chunk-size=2", "-o", "name"]);
    let names: Vec<&str> = out.lines().collect();
    assert_eq!(
        names,
        (0..5)
            .map(|i| format!("configmap/page-{i}"))
            .collect::<Vec<_>>()
    );
    let out = k.ok(&[
        "get",
        "cm",
        "-A",
        "--field-selector",
        "metadata.namespace=kube-system",
        "-o",
        "name",
    ]);
    assert_eq!(out.trim(), "configmap/provider-config");
}

#[test]
fn create_apply_delete_configmaps() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let f = k.file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: created\ndata:\n  a: \"1\"\n",
    );
    let out = k.ok(&["create", "-f", &f]);
    assert_eq!(out.trim(), "configmap/created created");
    assert_eq!(
        s.get("configmaps", Some("default"), "created").unwrap()["data"]["a"],
        "1"
    );
    let err = k.fails(&["create", "-f", &f]);
    assert!(
        err.contains("Error from server (AlreadyExists): error when creating"),
        "{err}"
    );
    assert!(
        err.contains("configmaps \"created\" already exists"),
        "{err}"
    );

    let f1 = k.file("applied.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels: {v: one}\ndata:\n  a: \"1\"\n  b: \"2\"\n");
    assert_eq!(
        k.ok(&["apply", "-f", &f1]).trim(),
        "configmap/applied created"
    );
    let stored = s.get("configmaps", Some("default"), "applied").unwrap();
    assert!(
        stored["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .is_string()
    );
    assert_eq!(
        k.ok(&["apply", "-f", &f1]).trim(),
        "configmap/applied unchanged"
    );
    let f2 = k.file("applied2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels: {v: two}\ndata:\n  a: \"10\"\n  c: \"3\"\n");
    assert_eq!(
        k.ok(&["apply", "-f", &f2]).trim(),
        "configmap/applied configured"
    );
    let stored = s.get("configmaps", Some("default"), "applied").unwrap();
    assert_eq!(
        stored["data"],
        json!({"a": "10", "c": "3"}),
        "apply removes keys dropped from the manifest"
    );
    assert_eq!(stored["metadata"]["labels"]["v"], "two");

    // Server-side apply.
    let f3 = k.file(
        "ssa.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  x: \"1\"\n",
    );
    assert_eq!(
        k.ok(&["apply", "--server-side", "-f", &f3]).trim(),
        "configmap/ssa serverside-applied"
    );
    assert_eq!(
        s.get("configmaps", Some("default"), "ssa").unwrap()["data"]["x"],
        "1"
    );

    // kubectl 1.36 adds " from default namespace"; 1.32 does not.
    let deleted = k.ok(&["delete", "configmap", "created"]);
    assert!(
        deleted.trim().starts_with("configmap \"created\" deleted"),
        "{deleted}"
    );
    assert!(s.get("configmaps", Some("default"), "created").is_none());
    let err = k.fails(&["delete", "configmap", "created"]);
    assert_eq!(
        err.trim(),
        "Error from server (NotFound): configmaps \"created\" not found"
    );
}

#[test]
fn label_and_annotate_nodes() {
    let s = seeded();
    let k = Kubectl::new(&s);
    assert_eq!(
        k.ok(&["label", "node", "worker-1", "foo=bar"]).trim(),
        "node/worker-1 labeled"
    );
    let n = s.get("nodes", None, "worker-1").unwrap();
    assert_eq!(n["metadata"]["labels"], json!({"pool": "a", "foo": "bar"}));
    let err = k.fails(&["label", "node", "worker-1", "foo=baz"]);
    assert!(err.contains("already has a value (bar)"), "{err}");
    k.ok(&["label", "node", "worker-1", "foo=baz", "--overwrite"]);
    k.ok(&["label", "node", "worker-1", "pool-"]);
    let n = s.get("nodes", None, "worker-1").unwrap();
    assert_eq!(n["metadata"]["labels"], json!({"foo": "baz"}));
    assert_eq!(
        k.ok(&["annotate", "node", "worker-2", "note=hello world"])
            .trim(),
        "node/worker-2 annotated"
    );
    let n = s.get("nodes", None, "worker-2").unwrap();
    assert_eq!(n["metadata"]["annotations"]["note"], "hello world");
    k.ok(&[
        "annotate",
        "configmap",
        "provider-config",
        "-n",
        "kube-system",
        "a=b",
    ]);
    let c = s
        .get("configmaps", Some("kube-system"), "provider-config")
        .unwrap();
    assert_eq!(c["metadata"]["annotations"]["a"], "b");
}

fn event(name: &str, message: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "worker-1"},
        "reason": "Testing", "message": message, "type": "Normal",
        "source": {"component": "test"}})
}

#[test]
fn watch_events_shows_new_ones() {
    let s = seeded();
    s.insert(event("before", "already there"));
    let k = Kubectl::new(&s);
    let mut cmd = k.command(&[
        "get",
        "events",
        "--watch",
        "--request-timeout=4s",
        "-o",
        "name",
    ]);
    let child = cmd.spawn().expect("spawn kubectl");
    let start = Instant::now();
    // Wait until kubectl has opened its watch, then add an event.
    while s.request_count() == 0 || start.elapsed() < Duration::from_millis(1500) {
        std::thread::sleep(Duration::from_millis(50));
    }
    s.insert(event("during", "added while watching"));
    let out = child.wait_with_output().expect("kubectl output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("event/before"), "{stdout}");
    assert!(
        stdout.contains("event/during"),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn forbidden_not_found_and_invalid_messages() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let err = k.fails(&["get", "configmap", "nope"]);
    assert_eq!(
        err.trim(),
        "Error from server (NotFound): configmaps \"nope\" not found"
    );
    s.set_faults(Faults {
        deny: vec![("get".into(), "configmaps".into())],
        ..Faults::default()
    });
    let err = k.fails(&["get", "configmap", "x"]);
    assert_eq!(
        err.trim(),
        "Error from server (Forbidden): configmaps \"x\" is forbidden: User \"fake\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"default\""
    );
    s.set_faults(Faults::default());
    let f = k.file(
        "bad.yaml",
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: Bad_Name\n",
    );
    let err = k.fails(&["create", "-f", &f]);
    assert!(err.starts_with("The Node \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), "{err}");
}

#[test]
fn kubectl_against_standalone_binary() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, SEED).unwrap();
    let kc = dir.path().join("kc.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-apiserver"))
        .args(["--listen", "127.0.0.1:0", "--kubeconfig"])
        .arg(&kc)
        .arg("--seed")
        .arg(&seed)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn fake-apiserver");
    let mut line = String::new();
    {
        use std::io::BufRead;
        let stdout = child.stdout.as_mut().unwrap();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
    }
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    let out = Command::new(kubectl_bin())
        .arg("--kubeconfig")
        .arg(&kc)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .args(["get", "nodes", "-o", "name"])
        .env("HOME", dir.path())
        .env("KUBECACHEDIR", dir.path().join("cache"))
        .env_remove("KUBECONFIG")
        .output()
        .expect("run kubectl");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "node/worker-1\nnode/worker-2",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(Path::new(&kc).exists());
}

#[test]
fn create_a_list_file_with_client_side_validation() {
    // kubectl validates a `kind: List` against /openapi/v2 before creating its items.
    let server = TestServer::spawn(ServerConfig::default());
    let k = Kubectl::new(&server);
    let path = k.dir.path().join("nodes.yaml");
    std::fs::write(
        &path,
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a}}\n- {apiVersion: v1, kind: Node, metadata: {name: b}}\n",
    )
    .unwrap();
    let out = k.ok(&["create", "-f", path.to_str().unwrap()]);
    assert!(
        out.contains("node/a created") && out.contains("node/b created"),
        "{out}"
    );
    assert_eq!(server.list("nodes", None).len(), 2);
}

// ---- The fake fails where the real server fails: each message below was copied from the
// ---- kit's kube-apiserver (v1.36.3), answering the same request.

#[test]
fn delete_dry_run_server_keeps_the_object() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let out = k.ok(&[
        "delete",
        "configmap",
        "provider-config",
        "-n",
        "kube-system",
        "--dry-run=server",
    ]);
    assert!(out.contains("(server dry run)"), "{out}");
    assert!(
        s.get("configmaps", Some("kube-system"), "provider-config")
            .is_some(),
        "kubectl sends dryRun in the DeleteOptions body: nothing may be deleted"
    );
    k.ok(&["delete", "node", "worker-1", "--dry-run=server"]);
    assert!(s.get("nodes", None, "worker-1").is_some());
}

#[test]
fn kubectl_create_sends_protobuf_and_the_objects_arrive_whole() {
    let s = seeded();
    let k = Kubectl::new(&s);
    k.ok(&["create", "namespace", "team-a"]);
    k.ok(&[
        "create",
        "configmap",
        "settings",
        "-n",
        "team-a",
        "--from-literal=mode=kwok",
        "--from-literal=max=10",
    ]);
    k.ok(&[
        "create",
        "deployment",
        "web",
        "-n",
        "team-a",
        "--image=nginx",
        "--replicas=0",
    ]);
    let cm = s.get("configmaps", Some("team-a"), "settings").unwrap();
    assert_eq!(cm["data"], json!({"max": "10", "mode": "kwok"}));
    let d = s.get("deployments", Some("team-a"), "web").unwrap();
    assert_eq!(d["spec"]["replicas"], 0, "{d}");
    assert_eq!(d["spec"]["selector"]["matchLabels"], json!({"app": "web"}));
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"],
        json!([{"name": "nginx", "image": "nginx", "resources": {}}])
    );
    assert!(s.get("namespaces", None, "team-a").is_some());
    // The scale subresource, as `kubectl scale` uses it.
    let out = k.ok(&["scale", "deployment", "web", "-n", "team-a", "--replicas=3"]);
    assert!(out.contains("deployment.apps/web scaled"), "{out}");
    let d = s.get("deployments", Some("team-a"), "web").unwrap();
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(d["metadata"]["generation"], 2);
}

#[test]
fn creating_into_a_missing_namespace_is_404() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let err = k.fails(&[
        "create",
        "configmap",
        "x",
        "-n",
        "nosuch",
        "--from-literal=a=b",
    ]);
    assert!(
        err.contains("namespaces \"nosuch\" not found"),
        "the real message: {err}"
    );
    assert!(s.get("namespaces", None, "nosuch").is_none());
    let manifest = k.file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nosuch}\n",
    );
    let err = k.fails(&["apply", "--server-side", "-f", &manifest]);
    assert!(err.contains("namespaces \"nosuch\" not found"), "{err}");
}

#[test]
fn labels_taints_and_quantities_are_refused_as_for_real() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let manifest = k.file(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  namespace: default\n  labels: {team: \"data platform\"}\n",
    );
    let err = k.fails(&["apply", "-f", &manifest]);
    assert!(
        err.contains("The ConfigMap \"bad\" is invalid: metadata.labels: Invalid value: \"data platform\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        "{err}"
    );
    let manifest = k.file(
        "node.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: lots}\nstatus:\n  capacity: {cpu: lots}\n",
    );
    let err = k.fails(&["create", "-f", &manifest]);
    assert!(
        err.contains("Node in version \"v1\" cannot be handled as a Node: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        "{err}"
    );
    let manifest = k.file(
        "taint.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: tainted}\nspec:\n  taints: [{key: \"bad key\", value: \"data platform\", effect: NoSchedule}]\n",
    );
    let err = k.fails(&["create", "-f", &manifest]);
    assert!(
        err.contains("metadata.taints[0].key: Invalid value: \"bad key\": name part must consist of alphanumeric characters")
            && err.contains("metadata.taints[0].value: Invalid value: \"data platform\": a valid label must be an empty string"),
        "{err}"
    );
    assert!(s.get("nodes", None, "lots").is_none() && s.get("nodes", None, "tainted").is_none());
}

#[test]
fn auth_can_i_answers_from_the_deny_list() {
    let s = TestServer::spawn(ServerConfig {
        seed: Vec::new(),
        faults: Faults {
            deny: vec![("list".into(), "configmaps".into())],
            ..Faults::default()
        },
    });
    let k = Kubectl::new(&s);
    assert_eq!(k.ok(&["auth", "can-i", "get", "configmaps"]).trim(), "yes");
    let no = k.run(&["auth", "can-i", "list", "configmaps", "-n", "kube-system"]);
    assert_eq!(no.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&no.stdout).trim(), "no");
}

#[test]
fn kubectl_get_prints_the_real_servers_columns() {
    let s = TestServer::spawn(ServerConfig {
        seed: parse_seed(
            r#"
apiVersion: v1
kind: Node
metadata:
  name: n1
  labels: {node-role.kubernetes.io/control-plane: "", node-role.kubernetes.io/worker: x}
spec: {unschedulable: true}
status:
  conditions: [{type: Ready, status: "True"}]
  nodeInfo: {kubeletVersion: v1.32.0, osImage: kwok}
  addresses: [{type: InternalIP, address: 10.0.0.1}]
---
apiVersion: v1
kind: Event
metadata: {name: e1, namespace: default}
involvedObject: {kind: Pod, name: pod1, namespace: default}
reason: ScaleUp
message: hello
type: Normal
source: {component: cluster-autoscaler}
count: 3
"#,
        )
        .unwrap(),
        faults: Faults::default(),
    });
    let k = Kubectl::new(&s);
    let words = |out: &str| -> Vec<Vec<String>> {
        out.lines()
            .map(|l| {
                l.split("   ")
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    };
    let nodes = words(&k.ok(&["get", "nodes", "-o", "wide"]));
    assert_eq!(
        nodes[0],
        [
            "NAME",
            "STATUS",
            "ROLES",
            "AGE",
            "VERSION",
            "INTERNAL-IP",
            "EXTERNAL-IP",
            "OS-IMAGE",
            "KERNEL-VERSION",
            "CONTAINER-RUNTIME"
        ]
    );
    assert_eq!(
        nodes[1][..3],
        ["n1", "Ready,SchedulingDisabled", "control-plane,worker"]
    );
    assert_eq!(
        nodes[1][4..],
        [
            "v1.32.0",
            "10.0.0.1",
            "<none>",
            "kwok",
            "<unknown>",
            "<unknown>"
        ]
    );
    k.ok(&[
        "create",
        "configmap",
        "q",
        "--from-literal=a=b",
        "--from-literal=c=d",
    ]);
    let cms = words(&k.ok(&["get", "configmaps"]));
    assert_eq!(cms[0], ["NAME", "DATA", "AGE"]);
    assert_eq!(cms[1][..2], ["q", "2"]);
    let namespaces = words(&k.ok(&["get", "namespaces"]));
    assert_eq!(namespaces[0], ["NAME", "STATUS", "AGE"]);
    assert_eq!(namespaces[1][..2], ["default", "Active"]);
    let events = words(&k.ok(&["get", "events"]));
    assert_eq!(
        events[0],
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    );
    assert_eq!(events[1][1..], ["Normal", "ScaleUp", "pod/pod1", "hello"]);
    k.ok(&["create", "deployment", "web", "--image=nginx"]);
    let deployments = words(&k.ok(&["get", "deployments", "-o", "wide"]));
    assert_eq!(
        deployments[0],
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert_eq!(deployments[1][..4], ["web", "0/1", "0", "0"]);
    assert_eq!(deployments[1][5..], ["nginx", "nginx", "app=web"]);
}

#[test]
fn services_are_served_and_printed_with_their_columns() {
    let s = seeded();
    let k = Kubectl::new(&s);
    k.ok(&["create", "service", "clusterip", "web", "--tcp=80:8080"]);
    k.ok(&[
        "create",
        "service",
        "nodeport",
        "np",
        "--tcp=80:8080",
        "--node-port=30080",
    ]);
    let web = s.get("services", Some("default"), "web").unwrap();
    assert_eq!(web["spec"]["ports"][0]["targetPort"], 8080, "{web}");
    assert_eq!(web["spec"]["selector"], json!({"app": "web"}));
    let ip = web["spec"]["clusterIP"].as_str().unwrap().to_owned();
    assert!(ip.starts_with("10.96."), "{ip}");
    let out = k.ok(&["get", "svc", "-o", "wide"]);
    let lines: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
            "SELECTOR"
        ]
    );
    assert_eq!(
        lines[1][..5],
        ["np", "NodePort", lines[1][2], "<none>", "80:30080/TCP"]
    );
    assert_eq!(
        lines[2][..5],
        ["web", "ClusterIP", ip.as_str(), "<none>", "80/TCP"]
    );
    assert_eq!(lines[2][6], "app=web");
    k.ok(&["delete", "svc", "web"]);
    assert!(s.get("services", Some("default"), "web").is_none());
}

#[test]
fn kubectl_creates_and_reads_events_k8s_io_v1() {
    let s = seeded();
    let k = Kubectl::new(&s);
    let manifest = k.file(
        "ev.yaml",
        "apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: v1e, namespace: default}\neventTime: \"2026-12-05T23:59:00.000000Z\"\nreportingController: cluster-autoscaler\nreportingInstance: ca-1\naction: ScaleUp\nreason: TriggeredScaleUp\nregarding: {kind: Pod, name: pod1, namespace: default}\nnote: pod triggered scale-up\ntype: Normal\n",
    );
    let out = k.ok(&["create", "-f", &manifest]);
    assert_eq!(out.trim(), "event.events.k8s.io/v1e created");
    let v: Value =
        serde_json::from_str(&k.ok(&["get", "events.v1.events.k8s.io", "v1e", "-o", "json"]))
            .unwrap();
    assert_eq!(v["note"], "pod triggered scale-up");
    let core: Value = serde_json::from_str(&k.ok(&["get", "events", "v1e", "-o", "json"])).unwrap();
    assert_eq!(core["message"], "pod triggered scale-up");
    let err = k.fails(&["get", "events.v1.events.k8s.io", "nosuch"]);
    assert!(
        err.contains("events.events.k8s.io \"nosuch\" not found"),
        "{err}"
    );
}
