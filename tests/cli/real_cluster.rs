//! A real kwok cluster for the `real_…` tests: the kit's kube-apiserver, etcd, scheduler,
//! controller-manager and kwok (tests/real-cluster), started once per test binary.
//!
//! Tests share the cluster; each works in namespaces and node groups of its own. The
//! cluster's processes are stopped by PID when the test binary exits, however it exits:
//! start.sh leaves a watchdog that waits for this process and then runs stop.sh.

#![allow(dead_code)]

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The kit's binaries: `$KWOK_KIT_BIN`, else target/real-cluster/bin.
pub fn kit_bin() -> PathBuf {
    std::env::var_os("KWOK_KIT_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/real-cluster/bin"))
}

/// One kit binary, or a panic that says how to build it.
pub fn kit_binary(name: &str) -> PathBuf {
    let path = kit_bin().join(name);
    assert!(
        path.is_file(),
        "{} is missing: the real-cluster tests need the kit; build it with tests/real-cluster/build.sh",
        path.display()
    );
    path
}

pub struct RealCluster {
    dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    names: AtomicUsize,
}

static SHARED: OnceLock<RealCluster> = OnceLock::new();

/// The cluster shared by the tests of this binary, started on first use.
pub fn shared() -> &'static RealCluster {
    SHARED.get_or_init(RealCluster::start)
}

impl RealCluster {
    /// A cluster of the caller's own, stopped when it is dropped.
    pub fn private() -> RealCluster {
        RealCluster::start()
    }

    fn start() -> RealCluster {
        let dir = tempfile::Builder::new()
            .prefix("kwok-real-cluster-")
            .tempdir()
            .expect("tempdir");
        let began = Instant::now();
        let out = Command::new(root().join("tests/real-cluster/start.sh"))
            .arg(dir.path())
            .env("KWOK_KIT_BIN", kit_bin())
            .env("KIT_OWNER_PID", std::process::id().to_string())
            .stdin(Stdio::null())
            .output()
            .expect("run tests/real-cluster/start.sh");
        assert!(
            out.status.success(),
            "tests/real-cluster/start.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "real cluster ready in {:.1} s",
            began.elapsed().as_secs_f64()
        );
        let kubeconfig = dir.path().join("kubeconfig");
        RealCluster {
            dir,
            kubeconfig,
            names: AtomicUsize::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A name unique in this cluster: `prefix-N`.
    pub fn unique(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.names.fetch_add(1, Ordering::SeqCst))
    }

    /// The kit's kubectl (the cluster's version), wired to this cluster.
    pub fn kubectl_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(kit_binary("kubectl"));
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the kit's kubectl and insists that it succeeds.
    pub fn kubectl(&self, args: &[&str]) -> String {
        let run = run_cmd(&mut self.kubectl_command(args));
        assert_eq!(
            run.code, 0,
            "kubectl {args:?} failed:\n{}{}",
            run.stdout, run.stderr
        );
        run.stdout
    }

    /// `kubectl apply -f -` of `manifest` (into `namespace` when given).
    pub fn apply(&self, namespace: Option<&str>, manifest: &str) {
        use std::io::Write;
        let mut args = vec!["apply", "-f", "-"];
        if let Some(ns) = namespace {
            args.extend(["-n", ns]);
        }
        let mut child = self
            .kubectl_command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kubectl");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(manifest.as_bytes())
            .unwrap();
        let out = child.wait_with_output().expect("kubectl apply");
        assert!(
            out.status.success(),
            "kubectl apply failed:\n{}\n--- manifest:\n{manifest}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A fresh namespace for one test.
    pub fn namespace(&self, prefix: &str) -> String {
        let ns = self.unique(prefix);
        self.kubectl(&["create", "namespace", &ns]);
        ns
    }

    /// Runs the plugin against this cluster (`--kubeconfig` added first).
    pub fn plugin(&self, args: &[&str]) -> Run {
        let mut all = vec![args[0], "--kubeconfig", s(&self.kubeconfig)];
        all.extend_from_slice(&args[1..]);
        run(&all)
    }

    /// Polls `check` until it returns Some, or panics after `timeout` with `what`.
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = check() {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {timeout:?} waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A JSON object or list read with the kit's kubectl (`kubectl get … -o json`).
    pub fn get_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["get"];
        all.extend_from_slice(args);
        all.extend(["-o", "json"]);
        serde_json::from_str(&self.kubectl(&all)).expect("kubectl -o json")
    }
}

impl Drop for RealCluster {
    fn drop(&mut self) {
        // The shared cluster is a static and never dropped: its watchdog stops it.
        let _ = Command::new(root().join("tests/real-cluster/stop.sh"))
            .arg(self.dir.path())
            .status();
    }
}
