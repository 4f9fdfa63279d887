//! `validate` against a live cluster: the real binary, a real kubeconfig, HTTP to the test API server.

use crate::util::*;
use fake_apiserver::{Faults, ServerConfig, TestServer};
use std::path::{Path, PathBuf};

/// A running test API server seeded from a fixture, plus a kubeconfig pointing at it.
struct Cluster {
    server: TestServer,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Cluster {
    fn seeded(seed: &Path, context_namespace: Option<&str>) -> Cluster {
        let text =
            std::fs::read_to_string(seed).unwrap_or_else(|e| panic!("{}: {e}", seed.display()));
        let objects =
            fake_apiserver::parse_seed(&text).unwrap_or_else(|e| panic!("{}: {e}", seed.display()));
        Cluster::with(
            ServerConfig {
                seed: objects,
                ..ServerConfig::default()
            },
            context_namespace,
        )
    }

    fn with(config: ServerConfig, context_namespace: Option<&str>) -> Cluster {
        let server = TestServer::spawn(config);
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig");
        server
            .write_kubeconfig(&kubeconfig, context_namespace)
            .expect("write kubeconfig");
        Cluster {
            server,
            _dir: dir,
            kubeconfig,
        }
    }

    fn validate(&self, extra: &[&str]) -> Run {
        let mut args = vec!["validate", "--kubeconfig", s(&self.kubeconfig)];
        args.extend_from_slice(extra);
        run(&args)
    }
}

impl Cluster {
    /// The healthy seed with one text replacement applied.
    fn healthy_with(from: &str, to: &str, context_namespace: Option<&str>) -> Cluster {
        let text = std::fs::read_to_string(healthy())
            .unwrap()
            .replace(from, to);
        assert!(text.contains(to), "replacement {from} → {to} did not apply");
        let seed = fake_apiserver::parse_seed(&text).unwrap();
        Cluster::with(
            ServerConfig {
                seed,
                ..ServerConfig::default()
            },
            context_namespace,
        )
    }
}

fn healthy() -> PathBuf {
    fixture("cluster/healthy.seed.yaml")
}

fn cluster_rule_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixture("rules"))
        .expect("tests/fixtures/rules")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("fire.seed.yaml").exists())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_cluster_rule_fires_on_its_seed_and_not_on_the_healthy_one() {
    let dirs = cluster_rule_dirs();
    assert!(
        dirs.len() >= 6,
        "expected the cluster-rule seeds, found {dirs:?}"
    );
    for dir in dirs {
        let rule = dir.file_name().unwrap().to_str().unwrap().to_owned();
        // The seeds put the ConfigMaps in `default`: validate them there (-n), whatever
        // namespace the seed's CA Deployment reads (ca-deployment-misconfigured is about that).
        let fire = Cluster::seeded(&dir.join("fire.seed.yaml"), None)
            .validate(&["-o", "json", "-n", "default"]);
        assert!(
            fire.rules().contains(&rule),
            "{rule} did not fire:\n{}",
            fire.stdout
        );
        for d in fire.json()["diagnostics"].as_array().unwrap() {
            assert!(
                !d["hint"].as_str().unwrap().is_empty(),
                "{rule}: empty hint in {d}"
            );
        }
        let errors = fire.json()["summary"]["errors"].as_u64().unwrap();
        assert_eq!(
            fire.code,
            if errors > 0 { 1 } else { 0 },
            "{rule}: {}",
            fire.stdout
        );

        let pass = Cluster::seeded(&dir.join("pass.seed.yaml"), None)
            .validate(&["-o", "json", "-n", "default"]);
        assert!(
            !pass.rules().contains(&rule),
            "{rule} fired on its pass seed:\n{}",
            pass.stdout
        );
        assert_eq!(pass.code, 0, "{rule} pass seed: {}", pass.stdout);
    }
}

#[test]
fn a_healthy_cluster_has_no_findings_and_shows_the_node_groups() {
    let cluster = Cluster::seeded(&healthy(), None);
    let out = cluster.validate(&[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("will start and create 1 node group"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("general"), "{}", out.stdout);
    assert!(out.stdout.contains("no problems found"), "{}", out.stdout);
    // Which namespace, and why, goes to stderr; data stays on stdout.
    assert!(out.stderr.contains("namespace `default`"), "{}", out.stderr);
    let json = cluster.validate(&["-o", "json"]).json();
    assert_eq!(json["ca"]["starts"], true);
    assert_eq!(json["ca"]["nodeGroups"][0]["name"], "general");
    assert_eq!(json["ca"]["nodeGroups"][0]["max"], 10);
}

#[test]
fn locations_point_into_the_configmap_data() {
    let cluster = Cluster::seeded(&healthy(), None);
    let mut cm = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-config")
        .unwrap();
    cm["data"]["config"] = serde_json::Value::String(format!(
        "{}nodes:\n  skipTaint: \"yes\"\n",
        crate::setups::PROVIDER_CONFIG
    ));
    cluster.server.insert(cm);
    let out = cluster.validate(&["-o", "json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let json = out.json();
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "config-parse-error")
        .expect("config-parse-error");
    assert_eq!(d["file"], "configmap/default/kwok-provider-config");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(8), Some(14))
    );
    assert_eq!(json["ca"]["starts"], false);
}

#[test]
fn namespace_comes_from_flag_then_pod_namespace_then_cas_deployment_then_context() {
    let cluster = Cluster::healthy_with("namespace: default", "namespace: team-a", Some("team-a"));
    let from_deployment = cluster.validate(&["-o", "json"]);
    assert!(
        from_deployment.stderr.contains(
            "namespace `team-a` (where Deployment team-a/cluster-autoscaler reads its ConfigMaps"
        ),
        "{}",
        from_deployment.stderr
    );
    assert_eq!(from_deployment.json()["ca"]["starts"], true);
    // Without a CA Deployment, the kubeconfig's namespace.
    let deleted = run_cmd(std::process::Command::new("kubectl").args([
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "delete",
        "deployment",
        "-n",
        "team-a",
        "cluster-autoscaler",
    ]));
    assert_eq!(deleted.code, 0, "{deleted:?}");
    let from_context = cluster.validate(&["-o", "json"]);
    assert!(
        from_context
            .stderr
            .contains("namespace `team-a` (from kubeconfig context `fake`)"),
        "{}",
        from_context.stderr
    );
    assert_eq!(from_context.json()["ca"]["starts"], true);

    let from_env = run_cmd(plugin().env("POD_NAMESPACE", "default").args([
        "validate",
        "--kubeconfig",
        s(&cluster.kubeconfig),
    ]));
    assert!(
        from_env
            .stderr
            .contains("namespace `default` (from POD_NAMESPACE"),
        "{}",
        from_env.stderr
    );
    assert!(
        from_env.stdout.contains("found in `team-a`"),
        "{}",
        from_env.stdout
    );
    assert_eq!(from_env.code, 1);

    let from_flag = run_cmd(plugin().env("POD_NAMESPACE", "default").args([
        "validate",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "-n",
        "team-a",
    ]));
    assert!(
        from_flag.stderr.contains("(from -n)"),
        "{}",
        from_flag.stderr
    );
}

#[test]
fn config_map_name_from_flag_and_env() {
    let cluster = Cluster::healthy_with("name: kwok-provider-config", "name: my-kwok", None);
    let default_name = cluster.validate(&["-o", "json"]);
    assert!(
        default_name
            .rules()
            .contains(&"config-not-found".to_owned())
    );
    let by_flag = cluster.validate(&["--config-map", "my-kwok", "-o", "json"]);
    assert!(
        !by_flag.rules().contains(&"config-not-found".to_owned()),
        "{}",
        by_flag.stdout
    );
    // The CA Deployment reads the default name, so the mismatch is reported.
    assert!(
        by_flag
            .rules()
            .contains(&"ca-deployment-misconfigured".to_owned()),
        "{}",
        by_flag.stdout
    );
    let by_env = run_cmd(plugin().env("KWOK_PROVIDER_CONFIGMAP", "my-kwok").args([
        "validate",
        "--kubeconfig",
        s(&cluster.kubeconfig),
        "-o",
        "json",
    ]));
    assert!(
        !by_env.rules().contains(&"config-not-found".to_owned()),
        "{}",
        by_env.stdout
    );
}

#[test]
fn read_nodes_from_cluster_uses_the_live_nodes() {
    let cluster = Cluster::healthy_with("readNodesFrom: configmap", "readNodesFrom: cluster", None);
    for (name, group) in [
        ("worker-1", Some("pool-a")),
        ("worker-2", Some("pool-a")),
        ("control-plane", None),
    ] {
        let labels = match group {
            Some(g) => serde_json::json!({"kwok-nodegroup": g}),
            None => serde_json::json!({}),
        };
        cluster.server.insert(serde_json::json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels, "annotations": {}},
            "status": {"allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"}},
        }));
    }
    let out = cluster.validate(&["-o", "json"]);
    let json = out.json();
    assert_eq!(json["ca"]["starts"], true, "{}", out.stdout);
    let groups: Vec<&str> = json["ca"]["nodeGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["pool-a"]);
    assert_eq!(json["ca"]["nodeGroups"][0]["template"], "node/worker-1");
    assert!(
        out.rules().contains(&"nodegroup-duplicate".to_owned()),
        "{}",
        out.stdout
    );
    assert!(
        out.rules().contains(&"grouping-label-missing".to_owned()),
        "{}",
        out.stdout
    );
}

/// Issue 18, item 6: live, `readNodesFrom: cluster` and no nodes at all. The user did not
/// use -f, so no "validate without -f"; no node is copied, so no warning about copied nodes.
#[test]
fn read_nodes_from_cluster_without_any_node_says_so() {
    let cluster = Cluster::healthy_with("readNodesFrom: configmap", "readNodesFrom: cluster", None);
    let out = cluster.validate(&[]);
    assert!(!out.stdout.contains("without -f"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("counts the live nodes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("the cluster has no nodes"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.code, 1,
        "no node groups: CA never scales up\n{}",
        out.stdout
    );
}

#[test]
fn missing_templates_config_map_stops_ca() {
    let cluster = Cluster::seeded(&healthy(), None);
    // Point the config at a templates ConfigMap that does not exist.
    let mut cm = cluster
        .server
        .get("configmaps", Some("default"), "kwok-provider-config")
        .unwrap();
    let config = cm["data"]["config"]
        .as_str()
        .unwrap()
        .replace("name: kwok-provider-templates", "name: nowhere");
    cm["data"]["config"] = serde_json::Value::String(config);
    cluster.server.insert(cm);
    let out = cluster.validate(&["-o", "json"]);
    assert_eq!(out.code, 1);
    let json = out.json();
    assert_eq!(json["ca"]["starts"], false);
    assert!(
        json["ca"]["failure"]
            .as_str()
            .unwrap()
            .contains("failed to get configmap 'nowhere'"),
        "{}",
        out.stdout
    );
    assert!(out.rules().contains(&"templates-missing".to_owned()));
}

#[test]
fn unreachable_cluster_exits_3_naming_server_and_context() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    // Bind then drop a listener to get a port nobody serves.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        &kubeconfig,
        fake_apiserver::kubeconfig_for(&format!("http://127.0.0.1:{port}"), None),
    )
    .unwrap();
    let out = run(&[
        "validate",
        "--kubeconfig",
        s(&kubeconfig),
        "--request-timeout",
        "5s",
    ]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("context `fake`"), "{}", out.stderr);
    assert!(out.stderr.contains("= hint:"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "no data on stdout: {}", out.stdout);
}

#[test]
fn access_denied_exits_3_with_the_can_i_command() {
    let cluster = Cluster::seeded(&healthy(), None);
    cluster.server.set_faults(Faults {
        deny: vec![("get".into(), "configmaps".into())],
        ..Faults::default()
    });
    let out = cluster.validate(&[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("access denied: cannot get configmaps in namespace `default`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("kubectl auth can-i get configmaps -n default"),
        "{}",
        out.stderr
    );
}

#[test]
fn optional_reads_that_are_denied_skip_their_rules() {
    let cluster = Cluster::seeded(&healthy(), None);
    cluster.server.set_faults(Faults {
        deny: vec![
            ("list".into(), "deployments".into()),
            ("list".into(), "pods".into()),
        ],
        ..Faults::default()
    });
    let out = cluster.validate(&["-o", "json", "-v"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.rules().contains(&"ca-not-found".to_owned()),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("cannot read Deployments"),
        "{}",
        out.stderr
    );
    // The kwok controller's Deployment is there but unreadable, and it has no CRD: unknown,
    // not missing.
    assert!(
        !out.rules().contains(&"kwok-controller-missing".to_owned()),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("skipping kwok-controller-missing"),
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_context_and_bad_kubeconfig_exit_2() {
    let cluster = Cluster::seeded(&healthy(), None);
    let out = cluster.validate(&["--context", "nope"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("context `nope`"), "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("kubeconfig");
    std::fs::write(&junk, b"\x00\x01 not yaml [").unwrap();
    let out = run(&["validate", "--kubeconfig", s(&junk)]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--kubeconfig"), "{}", out.stderr);
}

#[test]
fn kubectl_sees_what_the_plugin_validates() {
    // The same server, driven by the real kubectl: the fixture a user would apply.
    let cluster = Cluster::with(ServerConfig::default(), None);
    let cache = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("kubectl")
        .args([
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "--cache-dir",
            s(cache.path()),
            "apply",
            "-f",
            s(&healthy()),
        ])
        .env("HOME", cache.path())
        .output()
        .expect("kubectl must be installed (.ci/run installs it)");
    assert!(
        status.status.success(),
        "kubectl apply failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let out = cluster.validate(&["-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["ca"]["nodeGroups"][0]["name"], "general");
}

#[test]
fn throttled_reads_are_retried() {
    let cluster = Cluster::seeded(&healthy(), None);
    cluster.server.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let child = plugin()
        .args([
            "validate",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn plugin");
    // Let the first attempts hit 429s, then lift the throttle.
    std::thread::sleep(std::time::Duration::from_millis(400));
    let throttled = cluster.server.request_count();
    cluster.server.set_faults(Faults::default());
    let output = child.wait_with_output().expect("plugin output");
    assert!(
        throttled >= 1,
        "no request reached the server while throttled"
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["ca"]["starts"], true);
}

#[test]
fn persistent_throttling_ends_with_exit_3() {
    let cluster = Cluster::seeded(&healthy(), None);
    cluster.server.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let out = cluster.validate(&[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("429"), "{}", out.stderr);
    assert_eq!(
        cluster.server.request_count(),
        kwokprovider::cluster::READ_ATTEMPTS as usize
    );
}

#[test]
fn the_ca_deployments_image_sets_the_version_linted_for() {
    let cluster = Cluster::healthy_with(
        "cluster-autoscaler:v1.34.0",
        "cluster-autoscaler:v1.33.2",
        None,
    );
    let out = cluster.validate(&["-o", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["ca"]["targetVersion"], "1.33", "{}", out.stdout);
    assert!(
        out.stderr
            .contains("linting for CA 1.33: the image of deployment/"),
        "{}",
        out.stderr
    );
    let text = cluster.validate(&[]);
    assert!(
        text.stdout.starts_with("CA 1.33 will start"),
        "{}",
        text.stdout
    );
    // --ca-version wins, and says nothing about the image.
    let forced = cluster.validate(&["-o", "json", "--ca-version", "latest"]);
    assert_eq!(forced.json()["ca"]["targetVersion"], "1.34+");
    assert!(
        !forced.stderr.contains("linting for CA"),
        "{}",
        forced.stderr
    );
}

/// A node kwok manages, Ready or not: kwok run as a process (as kwokctl runs it) leaves no
/// Deployment, but keeps its nodes Ready.
fn fake_node(name: &str, ready: bool) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake"}},
        "spec": {"providerID": format!("kwok:{name}")},
        "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]},
    })
}

#[test]
fn ready_kwok_nodes_prove_a_kwok_controller_run_as_a_process() {
    let fire = root().join("tests/fixtures/rules/kwok-controller-missing/fire.seed.yaml");
    let cluster = Cluster::seeded(&fire, None);
    let missing = "kwok-controller-missing".to_owned();
    cluster.server.insert(fake_node("kwok-node-0", false));
    assert!(
        cluster.validate(&["-o", "json"]).rules().contains(&missing),
        "a NotReady fake node proves nothing"
    );
    cluster.server.insert(fake_node("kwok-node-1", true));
    let out = cluster.validate(&["-o", "json"]);
    assert!(!out.rules().contains(&missing), "{}", out.stdout);
}

/// Issue 19 item 5: CA's Deployment (in kube-system) reads `kwok` (its POD_NAMESPACE), and the
/// ConfigMaps are there; without -n every verb reads them where CA does, and says why.
#[test]
fn every_verb_reads_the_configmaps_where_cas_deployment_reads_them() {
    let text = std::fs::read_to_string(healthy())
        .unwrap()
        .replace("namespace: default", "namespace: kwok")
        .replace(
            "valueFrom: {fieldRef: {fieldPath: metadata.namespace}}",
            "value: kwok",
        );
    let cluster = with_ca_deployment_in(&text, "kube-system");
    let why = "where Deployment kube-system/cluster-autoscaler reads its ConfigMaps";
    let validate = cluster.validate(&[]);
    assert_eq!(validate.code, 0, "{validate:?}");
    assert!(
        validate.stderr.contains("namespace `kwok`"),
        "{}",
        validate.stderr
    );
    assert!(validate.stderr.contains(why), "{}", validate.stderr);
    let scale = run_cmd(plugin().args(["scale", "--kubeconfig", s(&cluster.kubeconfig)]));
    assert_eq!(scale.code, 0, "{scale:?}");
    assert!(scale.stdout.contains("general"), "{}", scale.stdout);
    assert!(!scale.stderr.contains("fix the errors"), "{}", scale.stderr);
    // -n still wins.
    let explicit = cluster.validate(&["-n", "default"]);
    assert_eq!(explicit.code, 1, "{explicit:?}");
    assert!(
        explicit.stdout.contains("found in `kwok`"),
        "{}",
        explicit.stdout
    );
}

/// Issue 22 item 3: CA's Deployment is read by one function, `--cloud-provider` included: a CA
/// of another cloud provider reads no kwok ConfigMaps, so it does not decide the namespace.
#[test]
fn a_ca_of_another_cloud_provider_does_not_decide_where_ca_reads() {
    let text = std::fs::read_to_string(healthy())
        .unwrap()
        .replace("--cloud-provider=kwok", "--cloud-provider=aws");
    let cluster = with_ca_deployment_in(&text, "aws-system");
    let out = cluster.validate(&["-o", "json"]);
    assert!(
        out.stderr.contains("in namespace `default` (the default;"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("where Deployment"), "{}", out.stderr);
    assert_eq!(out.json()["ca"]["starts"], true, "{}", out.stdout);
}

/// A cluster seeded from `seed_text`, with CA's Deployment moved to `namespace`.
fn with_ca_deployment_in(seed_text: &str, namespace: &str) -> Cluster {
    let mut seed = fake_apiserver::parse_seed(seed_text).unwrap();
    for object in &mut seed {
        if object["kind"] == "Deployment" && object["metadata"]["name"] == "cluster-autoscaler" {
            object["metadata"]["namespace"] = namespace.into();
        }
    }
    Cluster::with(
        ServerConfig {
            seed,
            ..ServerConfig::default()
        },
        None,
    )
}

/// Issue 22: a pending pod's requests are counted as the scheduler counts them (one function,
/// `provider::pods::pod_requests`): an init container larger than every template keeps the pod
/// off the groups, so its missing toleration is not why CA does not scale up for it.
#[test]
fn a_pending_pods_init_container_counts_in_its_requests() {
    let seed = fixture("rules/pods-do-not-tolerate-taint/fire.seed.yaml");
    let text = std::fs::read_to_string(&seed).unwrap().replace(
        "spec:\n  containers:\n  - name: web\n",
        "spec:\n  initContainers:\n  - name: migrate\n    image: busybox\n    resources:\n      requests: {cpu: \"8\"}\n  containers:\n  - name: web\n",
    );
    assert!(text.contains("initContainers"), "the seed changed shape");
    let cluster = Cluster::with(
        ServerConfig {
            seed: fake_apiserver::parse_seed(&text).unwrap(),
            ..ServerConfig::default()
        },
        None,
    );
    let out = cluster.validate(&["-o", "json", "-n", "default"]);
    assert!(
        !out.rules()
            .contains(&"pods-do-not-tolerate-taint".to_owned()),
        "{}",
        out.stdout
    );
}
