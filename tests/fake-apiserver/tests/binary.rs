//! Tests of the standalone binary: first stdout line, kubeconfig, --seed, fault flags, SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::get;

#[test]
fn binary_serves_seed_and_writes_kubeconfig() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: seeded-node\n---\n# comment-only docs are skipped\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: from-list, namespace: team}\n  data: {k: v}\n",
    )
    .unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-apiserver"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--deny",
            "delete:nodes",
            "--retry-after",
            "3",
            "--kubeconfig",
        ])
        .arg(&kc)
        .arg("--seed")
        .arg(&seed)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("bad first line {line:?}"))
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );

    let kubeconfig = std::fs::read_to_string(&kc).unwrap();
    let v: serde_json::Value = serde_saphyr::from_str(&kubeconfig).unwrap();
    assert_eq!(v["current-context"], "fake");
    assert_eq!(v["clusters"][0]["name"], "fake");
    assert_eq!(v["clusters"][0]["cluster"]["server"], url.as_str());
    assert_eq!(v["users"][0]["name"], "fake");
    assert!(v["users"][0]["user"]["token"].is_string());
    assert_eq!(v["contexts"][0]["context"]["cluster"], "fake");

    assert_eq!(get(&url, "/api/v1/nodes/seeded-node").status, 200);
    let cm = get(&url, "/api/v1/namespaces/team/configmaps/from-list").json();
    assert_eq!(cm["data"]["k"], "v");
    let r = common::delete(&url, "/api/v1/nodes/seeded-node");
    assert_eq!(r.status, 403);
    let faults = get(&url, "/admin/faults").json();
    assert_eq!(faults["retry_after_seconds"], 3);
    assert_eq!(faults["deny"], serde_json::json!([["delete", "nodes"]]));

    // SIGTERM stops it.
    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn binary_rejects_bad_seed() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(&seed, "apiVersion: v9\nkind: Widget\nmetadata: {name: w}\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fake-apiserver"))
        .arg("--seed")
        .arg(&seed)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported apiVersion/kind"));
}
