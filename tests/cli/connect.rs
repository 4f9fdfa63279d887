//! Connecting wherever kubectl connects, and saying exactly why not: proxies (a kubeconfig's
//! proxy-url, HTTPS_PROXY/HTTP_PROXY, NO_PROXY) through a real forward proxy, KUBECONFIG lists
//! with missing files, and each failure to connect named as what it is (401, an untrusted
//! certificate, a server that never answers, a web page instead of an API server).
//! The `real_connect_…` tests prove the API-server-dependent ones against the kit's kube-apiserver.

use crate::forward_proxy::{CannedServer, ForwardProxy};
use crate::real_cluster::{RealCluster, shared};
use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PROXY_VARS: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The plugin with no proxy variables from the test's own environment.
fn plugin_without_proxies() -> Command {
    let mut cmd = plugin();
    for var in PROXY_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// A kubeconfig for `server` (user `alice`, context `ctx`), with `cluster_extra` lines
/// (indented four spaces) in the cluster entry.
fn write_kubeconfig(dir: &Path, server: &str, cluster_extra: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n{cluster_extra}users:\n- name: alice\n  user: {{token: t0ken}}\ncontexts:\n- name: ctx\n  context: {{cluster: c, user: alice, namespace: default}}\ncurrent-context: ctx\n"
        ),
    )
    .unwrap();
    path
}

/// `status --ca-namespace kube-system` with `kubeconfig`: against an empty test API server
/// it ends in exit 1 "… is not in namespace `kube-system`", which proves it got there.
fn status(kubeconfig: &Path, env: &[(&str, &str)], extra: &[&str]) -> Run {
    let mut cmd = plugin_without_proxies();
    cmd.args([
        "status",
        "--kubeconfig",
        s(kubeconfig),
        "--ca-namespace",
        "kube-system",
    ])
    .args(extra)
    .envs(env.iter().copied());
    run_cmd(&mut cmd)
}

fn reached_the_api_server(out: &Run) {
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("`cluster-autoscaler-status` is not in namespace `kube-system`"),
        "{}",
        out.stderr
    );
}

fn empty_server() -> fake_apiserver::TestServer {
    fake_apiserver::TestServer::spawn(fake_apiserver::ServerConfig::default())
}

/// `http://127.0.0.1:PORT` → `http://NAME:PORT`: a host only the forward proxy can reach.
fn renamed(url: &str, name: &str) -> String {
    url.replace("127.0.0.1", name)
}

#[test]
fn connect_through_the_kubeconfigs_proxy_url() {
    let server = empty_server();
    let proxy = ForwardProxy::start();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &server.url(),
        &format!("    proxy-url: {}\n", proxy.url()),
    );
    // NO_PROXY does not apply to a kubeconfig's proxy-url (client-go), nor does loopback.
    let out = status(&kubeconfig, &[("NO_PROXY", "*")], &[]);
    reached_the_api_server(&out);
    let port = server.url().rsplit_once(':').unwrap().1.to_owned();
    let tunnels = proxy.tunnels();
    assert!(!tunnels.is_empty(), "no tunnel through the proxy: {out:?}");
    assert!(
        tunnels.iter().all(|t| *t == format!("127.0.0.1:{port}")),
        "{tunnels:?}"
    );
}

#[test]
fn connect_through_a_socks5_proxy() {
    let server = empty_server();
    let proxy = ForwardProxy::start();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &renamed(&server.url(), "fake-apiserver.test"),
        &format!("    proxy-url: {}\n", proxy.socks5_url()),
    );
    reached_the_api_server(&status(&kubeconfig, &[], &[]));
    let tunnels = proxy.tunnels();
    assert!(
        !tunnels.is_empty()
            && tunnels
                .iter()
                .all(|t| t.starts_with("fake-apiserver.test:")),
        "{tunnels:?}"
    );
    // From the environment too.
    let before = proxy.tunnels().len();
    let plain = write_kubeconfig(
        dir.path(),
        &renamed(&server.url(), "fake-apiserver.test"),
        "",
    );
    reached_the_api_server(&status(&plain, &[("HTTP_PROXY", &proxy.socks5_url())], &[]));
    assert!(proxy.tunnels().len() > before);
}

#[test]
fn connect_through_http_proxy_from_the_environment() {
    let server = empty_server();
    let proxy = ForwardProxy::start();
    let dir = tempfile::tempdir().unwrap();
    // `fake-apiserver.test` resolves nowhere: only the proxy can reach it.
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &renamed(&server.url(), "fake-apiserver.test"),
        "",
    );
    let out = status(&kubeconfig, &[("HTTP_PROXY", &proxy.url())], &[]);
    reached_the_api_server(&out);
    let tunnels = proxy.tunnels();
    assert!(
        !tunnels.is_empty()
            && tunnels
                .iter()
                .all(|t| t.starts_with("fake-apiserver.test:")),
        "{tunnels:?}"
    );
    // Lower case works too (Go reads both, upper case first).
    let before = proxy.tunnels().len();
    reached_the_api_server(&status(&kubeconfig, &[("http_proxy", &proxy.url())], &[]));
    assert!(proxy.tunnels().len() > before);
}

#[test]
fn no_proxy_and_the_servers_scheme_bypass_the_proxy() {
    let server = empty_server();
    let proxy = ForwardProxy::start();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(
        dir.path(),
        &renamed(&server.url(), "fake-apiserver.test"),
        "",
    );
    // NO_PROXY covers the server (a domain suffix, a `*.` form, the name with its port):
    // the plugin goes direct, where the name does not resolve.
    for no_proxy in [".test", "*.test", "localhost, fake-apiserver.test", "*"] {
        let out = status(
            &kubeconfig,
            &[("HTTP_PROXY", &proxy.url()), ("NO_PROXY", no_proxy)],
            &[],
        );
        assert_eq!(out.code, 3, "NO_PROXY={no_proxy}: {out:?}");
        assert!(
            out.stderr
                .contains("cannot reach the cluster at http://fake-apiserver.test"),
            "{}",
            out.stderr
        );
    }
    // An http:// server is not sent to HTTPS_PROXY.
    let out = status(&kubeconfig, &[("HTTPS_PROXY", &proxy.url())], &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(proxy.tunnels(), Vec::<String>::new(), "the proxy was used");
    // A loopback server never goes through the environment's proxy (here a dead one).
    let direct = write_kubeconfig(dir.path(), &server.url(), "");
    let out = status(
        &direct,
        &[
            ("HTTPS_PROXY", "http://127.0.0.1:9"),
            ("HTTP_PROXY", "127.0.0.1:9"),
        ],
        &[],
    );
    reached_the_api_server(&out);
    // An empty NO_PROXY entry (a trailing comma), which Go skips, is no error either.
    let out = status(
        &direct,
        &[
            ("HTTPS_PROXY", "http://127.0.0.1:9"),
            ("NO_PROXY", "localhost,,10.0.0.0/8,"),
        ],
        &[],
    );
    reached_the_api_server(&out);
}

#[test]
fn a_kubeconfig_list_skips_files_that_do_not_exist() {
    let server = empty_server();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &server.url(), "");
    let gone = dir.path().join("gone");
    let list = std::env::join_paths([&gone, &kubeconfig, &dir.path().join("also-gone")]).unwrap();
    let mut cmd = plugin_without_proxies();
    cmd.args(["status", "--ca-namespace", "kube-system"])
        .env("KUBECONFIG", &list);
    reached_the_api_server(&run_cmd(&mut cmd));
    // Only missing files: a usage error that names them.
    let only_gone = std::env::join_paths([&gone]).unwrap();
    let mut cmd = plugin_without_proxies();
    cmd.args(["status"]).env("KUBECONFIG", &only_gone);
    let out = run_cmd(&mut cmd);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("KUBECONFIG") && out.stderr.contains("no such file"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_web_page_is_not_an_api_server() {
    let page = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body>\n"
        .to_owned()
        + &"<p>filler line of a long page</p>\n".repeat(200)
        + "</body></html>\n";
    for status_line in ["200 OK", "404 Not Found"] {
        let web = CannedServer::answering(status_line, "text/html", &page);
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = write_kubeconfig(dir.path(), &web.url(), "");
        let out = status(&kubeconfig, &[], &[]);
        assert_eq!(out.code, 3, "{status_line}: {out:?}");
        assert!(
            out.stderr.contains("is not a Kubernetes API server"),
            "{status_line}: {}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("filler line"),
            "the page is dumped: {}",
            out.stderr
        );
        assert!(out.stderr.len() < 800, "{}", out.stderr);
    }
}

#[test]
fn a_401_is_credentials_rejected_naming_the_user() {
    let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
    let api = CannedServer::answering("401 Unauthorized", "application/json", body);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &api.url(), "");
    let out = status(&kubeconfig, &[], &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("credentials rejected (401 Unauthorized)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("user `alice` of context `ctx`"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("access denied"), "{}", out.stderr);
    assert!(!out.stderr.contains("auth can-i"), "{}", out.stderr);
}

#[test]
fn a_server_that_never_answers_is_a_timeout_within_the_deadline() {
    let silent = CannedServer::silent();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &silent.url(), "");
    let mut cmd = plugin_without_proxies();
    // Without --ca-namespace, `status` first looks for CA's Deployment.
    cmd.args([
        "status",
        "--kubeconfig",
        s(&kubeconfig),
        "--request-timeout",
        "1s",
    ]);
    let began = Instant::now();
    let out = run_cmd(&mut cmd);
    let took = began.elapsed();
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
    assert!(
        out.stderr.contains("1s (--request-timeout"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("list deployments"),
        "what timed out: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("cannot reach"), "{}", out.stderr);
    assert!(
        took < Duration::from_millis(1900),
        "one deadline: took {took:?}"
    );
}

#[test]
fn status_reads_share_one_deadline() {
    // Each request takes 700 ms, under the 1.2 s timeout; the reads of `status` together do not:
    // the Deployments list, then the status ConfigMap's get runs out of time.
    let server = fake_apiserver::TestServer::spawn(fake_apiserver::ServerConfig {
        seed: vec![],
        faults: fake_apiserver::Faults {
            latency_ms: 700,
            ..fake_apiserver::Faults::default()
        },
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &server.url(), "");
    let mut cmd = plugin_without_proxies();
    cmd.args([
        "status",
        "--kubeconfig",
        s(&kubeconfig),
        "--request-timeout",
        "1200ms",
    ]);
    let began = Instant::now();
    let out = run_cmd(&mut cmd);
    let took = began.elapsed();
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("to get configmap `cluster-autoscaler-status`"),
        "names the read that ran out of time: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "the end of the command's 1.2s (--request-timeout, one deadline for all its reads)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        took < Duration::from_millis(2000),
        "one deadline: took {took:?}"
    );
}

// ---------------------------------------------------------------- the kit's real API server

/// The kit's kubeconfig, edited by `edit`, in a directory of the test's own.
fn kit_kubeconfig(
    kit: &RealCluster,
    edit: impl FnOnce(String) -> String,
) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(&kit.kubeconfig).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, edit(text)).unwrap();
    (dir, path)
}

/// The kit's API server URL (`https://127.0.0.1:PORT`).
fn kit_server(kit: &RealCluster) -> String {
    let text = std::fs::read_to_string(&kit.kubeconfig).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap()
        .to_owned()
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_a_bad_token_is_credentials_rejected() {
    let kit = shared();
    let (_dir, kubeconfig) = kit_kubeconfig(kit, |text| {
        let token = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("token: admin-"))
            .unwrap()
            .to_owned();
        text.replace(&format!("admin-{token}"), "admin-expired")
    });
    let out = status(&kubeconfig, &[], &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("credentials rejected (401 Unauthorized)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("user `admin` of context `kit`"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("auth can-i"), "{}", out.stderr);
}

/// The kit's kubeconfig with another certificate authority than the one that signed the
/// server's certificate: a self-signed one of our own (kept in the first directory).
fn kit_kubeconfig_trusting_another_ca(
    kit: &RealCluster,
) -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    // Another CA than the one that signed the server's certificate: a self-signed one of our own.
    let other_ca = tempfile::tempdir().unwrap();
    let ca = other_ca.path().join("other-ca.crt");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=not-the-kit-ca",
        ])
        .arg("-keyout")
        .arg(other_ca.path().join("other-ca.key"))
        .arg("-out")
        .arg(&ca)
        .output()
        .expect("openssl");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (_dir, kubeconfig) = kit_kubeconfig(kit, |text| {
        let line = text
            .lines()
            .find(|l| l.trim().starts_with("certificate-authority:"))
            .unwrap()
            .to_owned();
        text.replace(
            &line,
            &format!("    certificate-authority: {}", ca.display()),
        )
    });
    (other_ca, _dir, kubeconfig)
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_an_untrusted_certificate_is_named() {
    let kit = shared();
    let (_ca, _dir, kubeconfig) = kit_kubeconfig_trusting_another_ca(kit);
    let out = status(&kubeconfig, &[], &[]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("is not trusted"), "{}", out.stderr);
    assert!(
        out.stderr.contains("--certificate-authority"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--insecure-skip-tls-verify"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("check that the cluster is up"),
        "{}",
        out.stderr
    );
}

/// With -v, the real API server's refusal keeps its causes: the TLS library's own words under
/// the plugin's message (the chain is not flattened to a string).
#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_v_prints_the_tls_cause_of_an_untrusted_certificate() {
    let kit = shared();
    let (_ca, _dir, kubeconfig) = kit_kubeconfig_trusting_another_ca(kit);
    let out = status(&kubeconfig, &[], &["-v"]);
    assert_eq!(out.code, 3, "{out:?}");
    let causes: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("  caused by: "))
        .collect();
    assert!(!causes.is_empty(), "{}", out.stderr);
    assert!(
        causes
            .iter()
            .any(|c| c.to_lowercase().contains("certificate")),
        "the TLS cause is named: {causes:?}"
    );
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_through_a_proxy_url_socks5_and_https_proxy() {
    let kit = shared();
    let proxy = ForwardProxy::start();
    let server = kit_server(kit);
    // The kubeconfig's proxy-url, to the real server.
    let (_dir, with_proxy_url) = kit_kubeconfig(kit, |text| {
        text.replace(
            &format!("server: {server}"),
            &format!("server: {server}\n    proxy-url: {}", proxy.url()),
        )
    });
    let out = status(&with_proxy_url, &[], &[]);
    reached_the_api_server(&out);
    assert!(!proxy.tunnels().is_empty(), "no tunnel: {out:?}");
    // The same through SOCKS5.
    let (_dir_socks, with_socks5) = kit_kubeconfig(kit, |text| {
        text.replace(
            &format!("server: {server}"),
            &format!("server: {server}\n    proxy-url: {}", proxy.socks5_url()),
        )
    });
    let before = proxy.tunnels().len();
    reached_the_api_server(&status(&with_socks5, &[], &[]));
    assert!(proxy.tunnels().len() > before, "no SOCKS5 tunnel");
    // HTTPS_PROXY, to a name only the proxy resolves (TLS still checks the server's
    // certificate, as `kubernetes`, one of its names).
    let renamed_server = server.replace("127.0.0.1", "kit-apiserver.test");
    let (_dir2, renamed) = kit_kubeconfig(kit, |text| {
        text.replace(
            &format!("server: {server}"),
            &format!("server: {renamed_server}\n    tls-server-name: kubernetes"),
        )
    });
    let before = proxy.tunnels().len();
    let out = status(&renamed, &[("HTTPS_PROXY", &proxy.url())], &[]);
    reached_the_api_server(&out);
    let tunnels = proxy.tunnels();
    assert!(
        tunnels[before..]
            .iter()
            .any(|t| t.starts_with("kit-apiserver.test:")),
        "{tunnels:?}"
    );
    // NO_PROXY covering it: direct, where the name does not resolve.
    let before = proxy.tunnels().len();
    let out = status(
        &renamed,
        &[
            ("HTTPS_PROXY", &proxy.url()),
            ("NO_PROXY", "10.0.0.0/8,.test"),
        ],
        &[],
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(
        proxy.tunnels().len(),
        before,
        "NO_PROXY did not bypass the proxy"
    );
}

// kubectl's connection flags (issue 19 item 3) and its -v=N request log (item 4).

/// A server on 127.0.0.1 that answers one request 401 (a Kubernetes Status) and hands back
/// the request's head, as it arrived: the headers the plugin really sent.
fn capture_one_request() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let body = r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
        let _ = write!(
            stream,
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = tx.send(String::from_utf8_lossy(&head).to_lowercase());
    });
    (url, rx)
}

/// The plugin with a HOME that holds no kubeconfig at all.
fn plugin_without_kubeconfig() -> (tempfile::TempDir, Command) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = plugin_without_proxies();
    cmd.env("HOME", home.path());
    (home, cmd)
}

#[test]
fn server_flag_works_without_any_kubeconfig() {
    let server = empty_server();
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args([
        "status",
        "--ca-namespace",
        "kube-system",
        "-s",
        &server.url(),
    ]);
    reached_the_api_server(&run_cmd(&mut cmd));
}

#[test]
fn server_flag_overrides_the_kubeconfigs_server() {
    let server = empty_server();
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1: only --server can make this reach the test API server.
    let kubeconfig = write_kubeconfig(dir.path(), "http://127.0.0.1:1", "");
    reached_the_api_server(&status(&kubeconfig, &[], &["--server", &server.url()]));
}

#[test]
fn token_and_impersonation_flags_are_sent_as_given() {
    let (url, head) = capture_one_request();
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args([
        "status",
        "--ca-namespace",
        "kube-system",
        "--server",
        &url,
        "--token",
        "s3cret-t0ken",
        "--as",
        "jane",
        "--as-group",
        "devs",
        "--as-group",
        "ops",
        "--as-uid",
        "1234",
    ]);
    let out = run_cmd(&mut cmd);
    assert_eq!(out.code, 3, "{out:?}");
    let head = head.recv_timeout(Duration::from_secs(10)).unwrap();
    for header in [
        "authorization: bearer s3cret-t0ken",
        "impersonate-user: jane",
        "impersonate-group: devs",
        "impersonate-group: ops",
        "impersonate-uid: 1234",
    ] {
        assert!(head.contains(header), "`{header}` not sent:\n{head}");
    }
}

#[test]
fn token_flag_replaces_the_kubeconfig_users_token() {
    let (url, head) = capture_one_request();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &url, "");
    let out = status(&kubeconfig, &[], &["--token", "fl4g-token"]);
    assert_eq!(out.code, 3, "{out:?}");
    let head = head.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(head.contains("authorization: bearer fl4g-token"), "{head}");
    assert!(
        !head.contains("t0ken"),
        "the kubeconfig's token was sent:\n{head}"
    );
}

#[test]
fn unknown_cluster_or_user_flag_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), "http://127.0.0.1:1", "");
    let out = status(&kubeconfig, &[], &["--cluster", "nope"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("cluster `nope` is not in the kubeconfig"),
        "{}",
        out.stderr
    );
    let out = status(&kubeconfig, &[], &["--user", "nobody-here"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("user `nobody-here` is not in the kubeconfig"),
        "{}",
        out.stderr
    );
}

/// The request-log lines (`I… requests] …`) of a run's stderr.
fn request_log(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(" requests] "))
        .collect()
}

#[test]
fn v6_logs_each_request_of_status_with_its_status_and_time() {
    let server = empty_server();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &server.url(), "");
    for level in [&["-v=6"][..], &["-v", "6"], &["--v=6"]] {
        let out = status(&kubeconfig, &[], level);
        reached_the_api_server(&out);
        let lines = request_log(&out.stderr);
        let wanted = format!(
            "GET {}/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status 404 Not Found in ",
            server.url()
        );
        let line = lines
            .iter()
            .find(|l| l.contains(&wanted))
            .unwrap_or_else(|| panic!("{level:?}: no `{wanted}` in\n{}", out.stderr));
        assert!(
            line.starts_with('I') && line.ends_with(" milliseconds"),
            "{line}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("/api/v1/nodes?") && l.contains(" 200 OK in ")),
            "{level:?}: the node list is not logged:\n{}",
            out.stderr
        );
        assert!(!out.stderr.contains("Response Body"), "{}", out.stderr);
        assert!(
            !out.stderr.contains("t0ken"),
            "a credential was logged:\n{}",
            out.stderr
        );
    }
}

#[test]
fn v8_adds_bodies_v9_curl_lines_plain_v_logs_no_request_and_vv_does() {
    let server = empty_server();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &server.url(), "");
    let out = status(&kubeconfig, &[], &["-v=8"]);
    reached_the_api_server(&out);
    assert!(
        out.stderr.contains(r#"Response Body: {"#) && out.stderr.contains("NotFound"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("curl -v"), "{}", out.stderr);
    let out = status(&kubeconfig, &[], &["-v=9"]);
    reached_the_api_server(&out);
    assert!(
        out.stderr.contains(&format!(
            "curl -v -XGET '{}/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status'",
            server.url()
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Response Headers:"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("t0ken"),
        "a credential was logged:\n{}",
        out.stderr
    );
    // -v stays what it was (no request); -vv is -v=6, -vvv is -v=8.
    let out = status(&kubeconfig, &[], &["-v"]);
    reached_the_api_server(&out);
    assert!(request_log(&out.stderr).is_empty(), "{}", out.stderr);
    let out = status(&kubeconfig, &[], &["-vv"]);
    assert!(out.stderr.contains(" 404 Not Found in "), "{}", out.stderr);
    assert!(!out.stderr.contains("Response Body"), "{}", out.stderr);
    let out = status(&kubeconfig, &[], &["-vvv"]);
    assert!(out.stderr.contains("Response Body: {"), "{}", out.stderr);
}

/// The kit's CA certificate file and a user's token, read from its kubeconfig.
fn kit_ca_and_token(kit: &RealCluster, user: &str) -> (String, String) {
    let text = std::fs::read_to_string(&kit.kubeconfig).unwrap();
    let ca = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("certificate-authority: "))
        .unwrap()
        .to_owned();
    let token = text
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("token: ")
                .filter(|t| t.starts_with(&format!("{user}-")))
        })
        .unwrap()
        .to_owned();
    (ca, token)
}

/// `status --ca-namespace kube-system` on the kit with `args`: exit 3 only when access is denied.
fn kit_status(kit: &RealCluster, args: &[&str]) -> Run {
    let mut cmd = plugin_without_proxies();
    cmd.args([
        "status",
        "--kubeconfig",
        s(&kit.kubeconfig),
        "--ca-namespace",
        "kube-system",
    ])
    .args(args);
    run_cmd(&mut cmd)
}

fn denied(out: &Run) -> bool {
    out.code == 3 && out.stderr.contains("access denied")
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_as_and_as_group_really_impersonate() {
    let kit = shared();
    // The admin (system:masters) as `nobody`, who may do nothing: denied.
    let out = kit_status(kit, &["--as", "nobody"]);
    assert!(denied(&out), "{out:?}");
    assert!(
        out.stderr.contains("nobody"),
        "the server names the impersonated user:\n{}",
        out.stderr
    );
    // As `viewer`, who may read: not denied.
    let out = kit_status(kit, &["--as", "viewer"]);
    assert!(out.code < 2, "{out:?}");
    // `nobody` in group system:masters: may do anything.
    let out = kit_status(kit, &["--as", "nobody", "--as-group", "system:masters"]);
    assert!(out.code < 2, "{out:?}");
    // `nobody` cannot impersonate: the server refuses the impersonation itself.
    let out = kit_status(kit, &["--context", "kit-nobody", "--as", "admin"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("impersonate"), "{}", out.stderr);
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_server_token_and_ca_without_a_kubeconfig() {
    let kit = shared();
    let (ca, token) = kit_ca_and_token(kit, "admin");
    let server = kit_server(kit);
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args([
        "status",
        "--ca-namespace",
        "kube-system",
        "-s",
        &server,
        "--token",
        &token,
    ])
    .args(["--certificate-authority", &ca]);
    let out = run_cmd(&mut cmd);
    assert!(out.code < 2, "{out:?}");
    // Without the CA the server's certificate is not trusted; --insecure-skip-tls-verify skips it.
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args([
        "status",
        "--ca-namespace",
        "kube-system",
        "-s",
        &server,
        "--token",
        &token,
    ]);
    let out = run_cmd(&mut cmd);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("is not trusted"), "{}", out.stderr);
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args([
        "status",
        "--ca-namespace",
        "kube-system",
        "-s",
        &server,
        "--token",
        &token,
    ])
    .arg("--insecure-skip-tls-verify");
    let out = run_cmd(&mut cmd);
    assert!(out.code < 2, "{out:?}");
    // A wrong token through the flags: 401, as from a kubeconfig.
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args([
        "status",
        "--ca-namespace",
        "kube-system",
        "-s",
        &server,
        "--token",
        "admin-wrong",
    ])
    .args(["--certificate-authority", &ca]);
    let out = run_cmd(&mut cmd);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("401 Unauthorized"), "{}", out.stderr);
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_token_and_user_flags_override_the_context() {
    let kit = shared();
    let (_, admin_token) = kit_ca_and_token(kit, "admin");
    // kit-nobody may do nothing; the admin's token through --token may do everything.
    assert!(denied(&kit_status(kit, &["--context", "kit-nobody"])));
    let out = kit_status(kit, &["--context", "kit-nobody", "--token", &admin_token]);
    assert!(out.code < 2, "{out:?}");
    // --user picks another user of the kubeconfig for the current context.
    let out = kit_status(kit, &["--user", "nobody"]);
    assert!(denied(&out), "{out:?}");
    let out = kit_status(kit, &["--context", "kit-nobody", "--user", "viewer"]);
    assert!(out.code < 2, "{out:?}");
}

#[test]
#[ignore = "needs the real-cluster kit (KWOK_KIT_BIN)"]
fn real_connect_tls_server_name_is_the_name_checked_in_the_certificate() {
    let kit = shared();
    // The kit's self-signed serving certificate names `kubernetes.default` (and 127.0.0.1).
    let out = kit_status(kit, &["--tls-server-name", "kubernetes.default", "-v=6"]);
    assert!(out.code < 2, "{out:?}");
    // -v=6 on the real API server, over TLS: each request, its status and time.
    let wanted = format!(
        "GET {}/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status ",
        kit_server(kit).trim_end_matches('/')
    );
    assert!(
        request_log(&out.stderr)
            .iter()
            .any(|l| l.contains(&wanted) && l.ends_with(" milliseconds")),
        "no `{wanted}` in\n{}",
        out.stderr
    );
    let out = kit_status(kit, &["--tls-server-name", "elsewhere.invalid"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("is not trusted"), "{}", out.stderr);
}

#[test]
fn cluster_flag_points_the_context_at_another_cluster() {
    let server = empty_server();
    let dir = tempfile::tempdir().unwrap();
    // The context's own cluster is dead (port 1); the cluster `live` is the test API server.
    let kubeconfig = write_kubeconfig(dir.path(), "http://127.0.0.1:1", "");
    let text = std::fs::read_to_string(&kubeconfig).unwrap().replace(
        "users:",
        &format!(
            "- name: live\n  cluster:\n    server: {}\nusers:",
            server.url()
        ),
    );
    std::fs::write(&kubeconfig, text).unwrap();
    let out = status(&kubeconfig, &[], &[]);
    assert_eq!(
        out.code, 3,
        "the control: the context's cluster is dead: {out:?}"
    );
    reached_the_api_server(&status(&kubeconfig, &[], &["--cluster", "live"]));
}

/// Completion asks the cluster the command would reach: `--server` with no kubeconfig at all
/// lists the namespaces of that server.
#[test]
fn completion_reaches_the_server_the_connection_flags_name() {
    let server = empty_server();
    let (_home, mut cmd) = plugin_without_kubeconfig();
    cmd.args(["__complete", "status", "-s", &server.url(), "-n", "kube-"]);
    let out = run_cmd(&mut cmd);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.lines().any(|l| l.starts_with("kube-system")),
        "{}",
        out.stdout
    );
}

/// An error keeps its causes: `-v` prints each under the message (`caused by:`), outermost
/// first; without -v the message and hint alone.
#[test]
fn v_prints_the_causes_of_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let kubeconfig = write_kubeconfig(dir.path(), "http://127.0.0.1:9", "");
    let quiet = status(&kubeconfig, &[], &[]);
    assert_eq!(quiet.code, 3, "{quiet:?}");
    assert!(
        quiet.stderr.contains("cannot reach the cluster"),
        "{}",
        quiet.stderr
    );
    assert!(!quiet.stderr.contains("caused by:"), "{}", quiet.stderr);
    let verbose = status(&kubeconfig, &[], &["-v"]);
    assert_eq!(verbose.code, 3, "{verbose:?}");
    let causes: Vec<&str> = verbose
        .stderr
        .lines()
        .filter(|l| l.starts_with("  caused by: "))
        .collect();
    assert!(!causes.is_empty(), "{}", verbose.stderr);
    assert!(
        causes.iter().any(|c| c.to_lowercase().contains("refused")),
        "the innermost cause is named: {causes:?}"
    );
    let error_line = verbose.stderr.find("error:").unwrap();
    let hint_line = verbose.stderr.find("= hint:").unwrap();
    let first_cause = verbose.stderr.find("caused by:").unwrap();
    assert!(
        error_line < first_cause && first_cause < hint_line,
        "{}",
        verbose.stderr
    );
}
