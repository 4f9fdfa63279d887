//! Helpers to run the compiled plugin binary and inspect what it printed.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The project root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path under tests/fixtures.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Diagnostics (rule ids) in a `-o json` report.
    pub fn rules(&self) -> Vec<String> {
        self.json()["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// A command for the plugin binary with a clean, non-interactive environment.
pub fn plugin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-kwokprovider"));
    cmd.env_remove("KUBECONFIG")
        .env_remove("POD_NAMESPACE")
        .env_remove("KWOK_PROVIDER_CONFIGMAP")
        .env_remove("NO_COLOR")
        .env("HOME", std::env::temp_dir().join("kwokprovider-test-home"))
        .stdin(Stdio::null());
    cmd
}

/// Runs the plugin with `args`.
pub fn run(args: &[&str]) -> Run {
    run_cmd(plugin().args(args))
}

/// Runs the plugin with `args`, feeding `stdin`.
pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    use std::io::Write;
    let mut child = plugin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn plugin");
    child.stdin.take().unwrap().write_all(stdin).ok();
    finish(child.wait_with_output().expect("wait plugin"))
}

/// Runs `cmd` (any program), feeding `stdin`.
pub fn run_with_stdin_cmd(cmd: &mut Command, stdin: &[u8]) -> Run {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(stdin).ok();
    finish(child.wait_with_output().expect("wait"))
}

pub fn run_cmd(cmd: &mut Command) -> Run {
    finish(cmd.output().expect("run plugin"))
}

fn finish(output: Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Path as &str for args.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// A test API server with a kubeconfig pointing at it, for end-to-end tests of one verb.
pub struct FakeCluster {
    pub server: fake_apiserver::TestServer,
    _dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

impl FakeCluster {
    pub fn new(seed: Vec<serde_json::Value>, faults: fake_apiserver::Faults) -> FakeCluster {
        let server =
            fake_apiserver::TestServer::spawn(fake_apiserver::ServerConfig { seed, faults });
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig");
        server
            .write_kubeconfig(&kubeconfig, None)
            .expect("write kubeconfig");
        FakeCluster {
            server,
            _dir: dir,
            kubeconfig,
        }
    }

    /// Runs `VERB --kubeconfig K EXTRA…` against this server.
    pub fn run(&self, verb: &str, extra: &[&str]) -> Run {
        let mut args = vec![verb, "--kubeconfig", s(&self.kubeconfig)];
        args.extend_from_slice(extra);
        run(&args)
    }
}
