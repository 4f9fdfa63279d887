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

    /// Runs the kit's kubectl with `input` on stdin and insists that it succeeds.
    pub fn kubectl_stdin(&self, args: &[&str], input: &str) {
        use std::io::Write;
        let mut child = self
            .kubectl_command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kubectl");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().expect("kubectl");
        let shown: String = input.chars().take(4000).collect();
        assert!(
            out.status.success(),
            "kubectl {args:?} failed:\n{}\n--- input ({} bytes, first 4000 chars):\n{shown}",
            String::from_utf8_lossy(&out.stderr),
            input.len()
        );
    }

    /// `kubectl apply -f -` of `manifest` (into `namespace` when given).
    pub fn apply(&self, namespace: Option<&str>, manifest: &str) {
        let mut args = vec!["apply", "-f", "-"];
        if let Some(ns) = namespace {
            args.extend(["-n", ns]);
        }
        self.kubectl_stdin(&args, manifest);
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

/// A cluster-autoscaler binary of the kit, or a panic that says why it is pending.
pub fn kit_ca_binary(name: &str) -> PathBuf {
    let path = kit_bin().join(name);
    assert!(
        path.is_file(),
        "PENDING: {} is missing. The Go module proxy here does not serve \
         k8s.io/autoscaler/cluster-autoscaler (see tests/real-cluster/build.sh and the README), \
         so CA cannot be built from its module; put a kwok-enabled CA binary at that path to run this test",
        path.display()
    );
    path
}

/// What a cluster-autoscaler process did with its inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum CaOutcome {
    /// It exited: klog's fatal line (`F…] message`), if any, and the exit code.
    Exited { code: i32, fatal: Option<String> },
    /// It panicked (Go's `panic: …` line).
    Panicked { message: String },
    /// It ran and registered these node groups (name, min, max), from its status ConfigMap.
    Running { groups: Vec<(String, i64, i64)> },
}

/// A finished CA run: its outcome and its whole log.
#[derive(Debug)]
pub struct CaRun {
    pub outcome: CaOutcome,
    pub log: String,
}

/// Why CA exited: klog's fatal line (`F… file.go:N] message`), else the last line, which is
/// how the provider's `log.Fatalf` (Go's standard logger, routed through klog) ends CA:
/// `I… ???:1] "message"`, exit code 1.
fn fatal_message(log: &str) -> Option<String> {
    let line = log
        .lines()
        .find(|l| l.starts_with('F') && l.contains("] "))
        .or_else(|| log.lines().rev().find(|l| !l.trim().is_empty()))?;
    let message = line.split_once("] ").map_or(line, |(_, m)| m);
    Some(
        message
            .strip_prefix('"')
            .and_then(|m| m.strip_suffix('"'))
            .unwrap_or(message)
            .to_owned(),
    )
}

/// The status ConfigMap's name for a CA run in `namespace`.
const CA_STATUS_CONFIGMAP: &str = "cluster-autoscaler-status";

/// A running cluster-autoscaler, killed (SIGKILL) when dropped: a graceful stop would
/// delete its groups' nodes.
pub struct CaProcess {
    pub child: std::process::Child,
    pub log_path: PathBuf,
}

impl CaProcess {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for CaProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RealCluster {
    /// Starts cluster-autoscaler (`binary` in the kit) with the kwok provider in local
    /// mode, reading its ConfigMaps from `namespace`.
    pub fn spawn_ca(&self, binary: &str, namespace: &str, extra_args: &[&str]) -> CaProcess {
        let path = kit_ca_binary(binary);
        let log_path = self.dir().join(format!("ca-{namespace}.log"));
        let log_file = std::fs::File::create(&log_path).expect("CA log file");
        let child = Command::new(&path)
            .args([
                "--cloud-provider=kwok",
                "--kubeconfig",
                s(&self.kubeconfig),
                "--namespace",
                namespace,
                "--leader-elect=false",
                "--scan-interval=1s",
                "--max-node-provision-time=15m",
                "--v=2",
                // Its metrics port on a free one: CA processes of parallel tests must not collide on :8085.
                "--address=127.0.0.1:0",
            ])
            .args(extra_args)
            // In local mode the provider reads KUBECONFIG (client-go default loading rules), not --kubeconfig.
            .env("KUBECONFIG", &self.kubeconfig)
            .env("KWOK_PROVIDER_MODE", "local")
            .env("POD_NAMESPACE", namespace)
            .env_remove("KWOK_PROVIDER_CONFIGMAP")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .expect("spawn cluster-autoscaler");
        CaProcess { child, log_path }
    }

    /// Runs cluster-autoscaler (`binary` in the kit, e.g. `cluster-autoscaler-1.33`) with
    /// the kwok provider in local mode, reading its ConfigMaps from `namespace`, until it
    /// exits or registers its node groups (at most `timeout`). Then it is killed (SIGKILL:
    /// a graceful stop would delete the groups' nodes).
    pub fn run_ca(&self, binary: &str, namespace: &str, timeout: Duration) -> CaRun {
        let mut ca = self.spawn_ca(binary, namespace, &[]);
        let log_path = ca.log_path.clone();
        let child = &mut ca.child;
        let deadline = Instant::now() + timeout;
        let read_log = || std::fs::read_to_string(&log_path).unwrap_or_default();
        loop {
            if let Some(status) = child.try_wait().expect("wait CA") {
                let log = read_log();
                let code = status.code().unwrap_or(-1);
                let outcome = match log.lines().find_map(|l| l.strip_prefix("panic: ")) {
                    Some(message) => CaOutcome::Panicked {
                        message: message.to_owned(),
                    },
                    None => CaOutcome::Exited {
                        code,
                        fatal: fatal_message(&log),
                    },
                };
                return CaRun { outcome, log };
            }
            if let Some(groups) = self.ca_status_groups(namespace) {
                return CaRun {
                    outcome: CaOutcome::Running { groups },
                    log: read_log(),
                };
            }
            if Instant::now() >= deadline {
                panic!(
                    "cluster-autoscaler neither exited nor wrote its status in {timeout:?}:\n{}",
                    read_log()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The node groups in CA's status ConfigMap, once CA has written it as running.
    fn ca_status_groups(&self, namespace: &str) -> Option<Vec<(String, i64, i64)>> {
        let out = run_cmd(&mut self.kubectl_command(&[
            "get",
            "configmap",
            CA_STATUS_CONFIGMAP,
            "-n",
            namespace,
            "-o",
            "jsonpath={.data.status}",
        ]));
        if out.code != 0 || out.stdout.is_empty() {
            return None;
        }
        // CA 1.30+ writes YAML, 1.29 a text; the plugin's parser reads both (its unit tests
        // pin both formats, and the real-CA tests read real maps with it).
        let status = kwokprovider::provider::status::parse(&out.stdout)?;
        if status.autoscaler_status != "Running" {
            return None;
        }
        Some(
            status
                .groups
                .iter()
                .map(|g| (g.name.clone(), g.min, g.max))
                .collect(),
        )
    }
}
