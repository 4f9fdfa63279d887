//! The post-commit fault: a create or delete is done, and its response never arrives whole.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use fake_apiserver::{Faults, ServerConfig, TestServer};
use serde_json::json;

const NODES: &str = "/api/v1/nodes";

/// What came back on the wire for one request: every byte until EOF or a reset, and whether
/// it ended in a complete HTTP response.
struct Wire {
    bytes: Vec<u8>,
    complete: bool,
}

/// Sends one request with `Connection: close` and reads raw bytes until the server closes.
fn raw(base: &str, method: &str, path: &str, body: &str) -> Wire {
    let host = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes); // a reset is an error here: what came before it is kept
    let mut reader = BufReader::new(&bytes[..]);
    let mut head = String::new();
    let mut content_length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return Wire {
                bytes,
                complete: false,
            };
        }
        head.push_str(&line);
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            content_length = v.trim().parse::<usize>().ok();
        }
        chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
        if line == "\r\n" {
            break;
        }
    }
    let rest = &bytes[head.len()..];
    let complete = match (content_length, chunked) {
        (Some(n), _) => rest.len() == n,
        (None, true) => rest.ends_with(b"0\r\n\r\n"),
        (None, false) => false,
    };
    Wire { bytes, complete }
}

fn node(name: &str) -> String {
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}).to_string()
}

#[test]
fn a_lost_create_response_still_creates_and_a_retry_gets_409() {
    let s = TestServer::spawn(ServerConfig {
        faults: Faults {
            lost_response_rate: 1.0,
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let u = s.url();
    let first = raw(&u, "POST", NODES, &node("n1"));
    assert!(
        !first.complete,
        "the response arrived whole: {}",
        String::from_utf8_lossy(&first.bytes)
    );
    assert!(
        s.get("nodes", None, "n1").is_some(),
        "the create was not committed"
    );
    // The client's retry of the same create: the server says it exists.
    s.set_faults(Faults::default());
    let retry = post(&u, NODES, &serde_json::from_str(&node("n1")).unwrap());
    assert_eq!(retry.status, 409);
    assert_eq!(retry.json()["reason"], "AlreadyExists");
}

#[test]
fn a_lost_delete_response_still_deletes_and_errors_are_not_lost() {
    let s = TestServer::spawn(ServerConfig::default());
    let u = s.url();
    assert_eq!(
        post(&u, NODES, &serde_json::from_str(&node("n2")).unwrap()).status,
        201
    );
    s.set_faults(Faults {
        lost_response_rate: 1.0,
        ..Faults::default()
    });
    let gone = raw(&u, "DELETE", &format!("{NODES}/n2"), "");
    assert!(!gone.complete, "{}", String::from_utf8_lossy(&gone.bytes));
    assert!(
        s.get("nodes", None, "n2").is_none(),
        "the delete was not committed"
    );
    // Only committed writes lose their answer: a 404 (nothing written) arrives whole.
    let missing = raw(&u, "DELETE", &format!("{NODES}/n2"), "");
    assert!(
        missing.complete,
        "{}",
        String::from_utf8_lossy(&missing.bytes)
    );
    assert!(String::from_utf8_lossy(&missing.bytes).starts_with("HTTP/1.1 404"));
    // Reads are never affected.
    assert!(raw(&u, "GET", NODES, "").complete);
}

#[test]
fn the_rate_is_set_through_the_admin_endpoint_and_the_flag() {
    let s = TestServer::spawn(ServerConfig::default());
    let u = s.url();
    let r = put(&u, "/admin/faults", &json!({"lost_response_rate": 1.0}));
    assert_eq!(r.status, 200);
    assert_eq!(s.faults().lost_response_rate, 1.0);
    assert_eq!(get(&u, "/admin/faults").json()["lost_response_rate"], 1.0);
    assert!(!raw(&u, "POST", NODES, &node("n3")).complete);
    assert!(s.get("nodes", None, "n3").is_some());

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fake-apiserver"))
        .args(["--lost-response-rate", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let cut = raw(&url, "POST", NODES, &node("n4"));
    let present = get(&url, &format!("{NODES}/n4")).status;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!cut.complete, "{}", String::from_utf8_lossy(&cut.bytes));
    assert_eq!(present, 200);
}
