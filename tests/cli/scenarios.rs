//! One end-to-end scenario, run against both the test API server and the kit's real
//! kube-apiserver, so that the double cannot drift from the real thing: `init --apply`, live
//! `validate`, `scale` up, `events -f` delivering a CA event, `status` without CA, `init --apply`
//! again, `scale` down. Objects are made with the real kubectl in both cases.

use crate::util::*;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where the scenario runs: a kubeconfig, and a kubectl wired to it.
struct Target<'a> {
    name: &'a str,
    kubeconfig: &'a Path,
    kubectl: PathBuf,
    home: tempfile::TempDir,
}

impl Target<'_> {
    fn kubectl(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new(&self.kubectl);
        cmd.arg("--kubeconfig")
            .arg(self.kubeconfig)
            .args(args)
            .env("HOME", self.home.path());
        match stdin {
            Some(text) => run_with_stdin_cmd(&mut cmd, text.as_bytes()),
            None => run_cmd(cmd.stdin(Stdio::null())),
        }
    }

    fn plugin_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = plugin();
        cmd.arg(args[0])
            .arg("--kubeconfig")
            .arg(self.kubeconfig)
            .args(&args[1..])
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path());
        cmd
    }

    fn plugin(&self, args: &[&str]) -> Run {
        run_cmd(self.plugin_cmd(args).stdin(Stdio::null()))
    }

    fn kwok_nodes(&self, group: &str) -> usize {
        let out = self.kubectl(
            &[
                "get",
                "nodes",
                "-l",
                &format!("kwok-nodegroup={group}"),
                "-o",
                "name",
            ],
            None,
        );
        assert_eq!(out.code, 0, "{}: {out:?}", self.name);
        out.stdout.lines().filter(|l| !l.is_empty()).count()
    }
}

/// The kubectl the fake is driven with: `$KWOK_TEST_KUBECTL`, else the first on PATH.
fn kubectl_on_path() -> PathBuf {
    if let Some(bin) = std::env::var_os("KWOK_TEST_KUBECTL") {
        return PathBuf::from(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
        .expect("kubectl on PATH (.ci/run installs it), or KWOK_TEST_KUBECTL")
}

fn scenario(target: &Target, namespace: &str, group: &str) {
    let who = target.name;
    let created = target.kubectl(&["create", "namespace", namespace], None);
    assert_eq!(created.code, 0, "{who}: {created:?}");

    // init --apply writes both ConfigMaps; a second identical run changes nothing.
    let preset = format!("m5.large={group}");
    let init = [
        "init", "-y", "-n", namespace, "--preset", &preset, "--apply",
    ];
    let applied = target.plugin(&init);
    assert_eq!(applied.code, 0, "{who}: {applied:?}");
    let again = target.plugin(&init);
    assert_eq!(again.code, 0, "{who}: {again:?}");
    let maps = target.kubectl(&["get", "configmaps", "-n", namespace, "-o", "name"], None);
    for name in [
        "configmap/kwok-provider-config",
        "configmap/kwok-provider-templates",
    ] {
        assert!(maps.stdout.contains(name), "{who}: {maps:?}");
    }

    // Live validate finds the group where init put it.
    let live = target.plugin(&["validate", "-n", namespace, "-o", "json"]);
    assert!(live.code < 2, "{who}: {live:?}");
    let groups = live.json()["ca"]["nodeGroups"].clone();
    assert_eq!(groups[0]["name"], group, "{who}: {groups}");

    // scale up: exactly the nodes asked for, reported as they are.
    let up = target.plugin(&[
        "scale",
        "-n",
        namespace,
        group,
        "--replicas",
        "3",
        "-o",
        "json",
    ]);
    assert_eq!(up.code, 0, "{who}: {up:?}");
    assert_eq!(target.kwok_nodes(group), 3, "{who}");
    assert_eq!(
        up.json()["nodeGroups"][0]["after"],
        3,
        "{who}: {}",
        up.stdout
    );

    // events -f delivers a CA event made after it started, decoded.
    let mut follow = target
        .plugin_cmd(&[
            "events",
            "-f",
            "-n",
            namespace,
            "-o",
            "json",
            "--request-timeout",
            "2s",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let now = k8s_openapi::jiff::Timestamp::now()
        .round(k8s_openapi::jiff::Unit::Second)
        .unwrap()
        .to_string();
    let event = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web-1.scenario", "namespace": namespace},
        "involvedObject": {"kind": "Pod", "namespace": namespace, "name": "web-1", "apiVersion": "v1"},
        "reason": "TriggeredScaleUp",
        "message": format!("pod triggered scale-up: [{{{group} 3->4 (max: 10)}}]"),
        "type": "Normal", "count": 1,
        "firstTimestamp": now, "lastTimestamp": now,
        "source": {"component": "cluster-autoscaler"},
        "reportingComponent": "cluster-autoscaler",
    });
    let made = target.kubectl(&["create", "-f", "-"], Some(&event.to_string()));
    assert_eq!(made.code, 0, "{who}: {made:?}");
    let stdout = follow.stdout.take().unwrap();
    let (line_tx, line_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = line_tx.send(line);
    });
    let started = Instant::now();
    let line = line_rx.recv_timeout(Duration::from_secs(20));
    let _ = follow.kill();
    let output = follow.wait_with_output().unwrap();
    let line = line.unwrap_or_else(|_| {
        panic!(
            "{who}: no event within {:?}; stderr: {}",
            started.elapsed(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let decoded: serde_json::Value = serde_json::from_str(&line).expect("NDJSON");
    assert_eq!(decoded["reason"], "TriggeredScaleUp", "{who}: {line}");
    assert!(line.contains(group), "{who}: {line}");

    // status without CA: no status ConfigMap, said as a finding, with the kwok nodes left.
    let status = target.plugin(&["status", "-n", namespace]);
    assert_eq!(status.code, 1, "{who}: {status:?}");
    assert!(
        status.stderr.contains("cluster-autoscaler-status"),
        "{who}: {}",
        status.stderr
    );

    // scale down to none; nothing of the group is left, and no Lease either.
    let down = target.plugin(&["scale", "-n", namespace, group, "--replicas", "0"]);
    assert_eq!(down.code, 0, "{who}: {down:?}");
    assert_eq!(target.kwok_nodes(group), 0, "{who}");
    let leases = target.kubectl(&["get", "leases", "-n", namespace, "-o", "name"], None);
    assert_eq!(leases.code, 0, "{who}: {leases:?}");
    assert_eq!(leases.stdout.trim(), "", "{who}: a Lease was left behind");
}

#[test]
fn the_scenario_on_the_test_api_server() {
    let cluster = FakeCluster::new(Vec::new(), fake_apiserver::Faults::default());
    let target = Target {
        name: "test API server",
        kubeconfig: &cluster.kubeconfig,
        kubectl: kubectl_on_path(),
        home: tempfile::tempdir().unwrap(),
    };
    scenario(&target, "scenario", "sc");
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_scenario_on_the_kits_kube_apiserver() {
    let cluster = crate::real_cluster::shared();
    let target = Target {
        name: "real kube-apiserver",
        kubeconfig: &cluster.kubeconfig,
        kubectl: crate::real_cluster::kit_binary("kubectl"),
        home: tempfile::tempdir().unwrap(),
    };
    let namespace = cluster.unique("scenario");
    let group = cluster.unique("sc");
    scenario(&target, &namespace, &group);
}
