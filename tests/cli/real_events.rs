//! `events -f` against the kit's real kube-apiserver: a quiet follow stays quiet and prompt
//! (the request timeout does not cut watches; the server's own timeout ends them), and a
//! follow whose reader has gone stops at once.

use crate::real_cluster::*;
use crate::util::*;
use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Creates a CA-style event (source cluster-autoscaler, as CA records them) in `namespace`.
fn create_ca_event(cluster: &RealCluster, namespace: &str, name: &str) {
    let now = k8s_openapi::jiff::Timestamp::now()
        .round(k8s_openapi::jiff::Unit::Second)
        .unwrap()
        .to_string();
    let event = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": {"kind": "Pod", "namespace": namespace, "name": name, "apiVersion": "v1"},
        "reason": "TriggeredScaleUp",
        "message": "pod triggered scale-up: [{general 1->2 (max: 10)}]",
        "type": "Normal", "count": 1,
        "firstTimestamp": now, "lastTimestamp": now,
        "source": {"component": "cluster-autoscaler"},
        "reportingComponent": "cluster-autoscaler",
    });
    cluster.kubectl_stdin(&["create", "-f", "-"], &event.to_string());
}

fn drain(pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let mut pipe = pipe;
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_events_quiet_follow_says_nothing_and_delivers_after_the_gap() {
    let cluster = shared();
    let namespace = cluster.namespace("events-quiet");
    // A request timeout of 5 s must not cut the watch; the server ends each after 15 s, so
    // the 45-s gap spans three server-side ends, each resumed silently.
    let mut child = plugin()
        .args([
            "events",
            "--kubeconfig",
            s(&cluster.kubeconfig),
            "-n",
            &namespace,
        ])
        .args(["-f", "-o", "json", "--request-timeout", "5s"])
        .args(["--timeout", "90s"])
        .env("KWOKPROVIDER_WATCH_TIMEOUT", "15s")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = drain(child.stderr.take().unwrap());
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    std::thread::sleep(Duration::from_secs(45));
    let created = Instant::now(); // before kubectl starts: the time includes its own
    create_ca_event(cluster, &namespace, "after-the-gap");
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let took = created.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let stderr = stderr.join().unwrap();
    assert!(line.contains("after-the-gap"), "{line}\nstderr:\n{stderr}");
    assert!(
        took < Duration::from_secs(2),
        "an event after a 45-s quiet gap came {took:?} late"
    );
    assert_eq!(stderr, "", "a quiet follow cried wolf");
    eprintln!("real_events: event after the gap shown {took:?} after it was created");
}

#[test]
#[ignore = "needs the real-cluster kit (tests/real-cluster/build.sh); run with -- --ignored real_"]
fn real_events_follow_piped_to_head_exits_once_the_line_is_taken() {
    let cluster = shared();
    let namespace = cluster.namespace("events-head");
    let plugin_path = plugin().get_program().to_owned();
    let script = format!(
        "set -o pipefail; '{}' events --kubeconfig '{}' -n {namespace} -f --timeout 60s | head -1",
        plugin_path.to_str().unwrap(),
        s(&cluster.kubeconfig)
    );
    let mut pipeline = Command::new("bash")
        .args(["-c", &script])
        .env("HOME", std::env::temp_dir().join("kwokprovider-test-home"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(pipeline.stdout.take().unwrap());
    let stderr = drain(pipeline.stderr.take().unwrap());
    std::thread::sleep(Duration::from_secs(2));
    let created = Instant::now(); // before kubectl starts: the time includes its own
    create_ca_event(cluster, &namespace, "first");
    let status = loop {
        if let Some(status) = pipeline.try_wait().unwrap() {
            break Some(status);
        }
        if created.elapsed() > Duration::from_secs(12) {
            let _ = pipeline.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = created.elapsed();
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    let status = status.unwrap_or_else(|| {
        panic!("`events -f | head -1` still running 12 s after its line:\n{stdout}\n{stderr}")
    });
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("TriggeredScaleUp"), "{stdout}");
    assert_eq!(stderr, "", "a gone reader is not an error");
    assert!(took < Duration::from_secs(3), "took {took:?} to exit");
    eprintln!("real_events: `events -f | head -1` exited {took:?} after the event was created");
}
