//! A tiny blocking HTTP/1.1 client for the protocol tests (plain requests and watch streams).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

/// A complete response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn host_of(base: &str) -> String {
    base.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

fn send_head(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> BufReader<TcpStream> {
    let host = host_of(base);
    let mut s = TcpStream::connect(&host).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("write request");
    BufReader::new(s)
}

fn read_head(r: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).expect("header line");
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    (status, headers)
}

fn is_chunked(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    })
}

/// Reads one chunk; Ok(None) at the terminating zero-length chunk.
fn read_chunk(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<Vec<u8>>> {
    let mut size_line = String::new();
    if r.read_line(&mut size_line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed mid-stream",
        ));
    }
    let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or(""), 16)
        .map_err(|_| std::io::Error::other(format!("bad chunk size {size_line:?}")))?;
    let mut data = vec![0u8; size + 2];
    r.read_exact(&mut data)?;
    data.truncate(size);
    if size == 0 {
        return Ok(None);
    }
    Ok(Some(data))
}

/// Sends a request and reads the whole response.
pub fn req(base: &str, method: &str, path: &str, ct: Option<&str>, body: &str) -> Resp {
    let mut headers = vec![("Accept", "application/json")];
    if let Some(ct) = ct {
        headers.push(("Content-Type", ct));
    }
    req_with(base, method, path, &headers, body)
}

/// Like [`req`] with explicit headers.
pub fn req_with(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    let mut r = send_head(base, method, path, headers, body);
    let (status, headers) = read_head(&mut r);
    let mut body = Vec::new();
    if is_chunked(&headers) {
        while let Some(c) = read_chunk(&mut r).expect("read chunk") {
            body.extend(c);
        }
    } else {
        r.read_to_end(&mut body).expect("read body");
    }
    Resp {
        status,
        headers,
        body,
    }
}

pub fn get(base: &str, path: &str) -> Resp {
    req(base, "GET", path, None, "")
}

pub fn post(base: &str, path: &str, body: &Value) -> Resp {
    req(
        base,
        "POST",
        path,
        Some("application/json"),
        &body.to_string(),
    )
}

pub fn put(base: &str, path: &str, body: &Value) -> Resp {
    req(
        base,
        "PUT",
        path,
        Some("application/json"),
        &body.to_string(),
    )
}

pub fn patch(base: &str, path: &str, ct: &str, body: &str) -> Resp {
    req(base, "PATCH", path, Some(ct), body)
}

pub fn delete(base: &str, path: &str) -> Resp {
    req(base, "DELETE", path, None, "")
}

/// An open watch stream.
pub struct Watch {
    pub status: u16,
    reader: BufReader<TcpStream>,
    pending: Vec<u8>,
    done: bool,
}

/// How a watch read ended.
#[derive(Debug)]
pub enum Next {
    Event(Value),
    /// The server ended the response cleanly (terminating chunk).
    End,
    /// The connection was cut (or timed out) without a terminating chunk.
    Cut(std::io::Error),
}

impl Watch {
    pub fn open(base: &str, path: &str) -> Watch {
        let mut reader = send_head(base, "GET", path, &[("Accept", "application/json")], "");
        let (status, headers) = read_head(&mut reader);
        assert!(
            is_chunked(&headers) || status != 200,
            "watch must be chunked: {headers:?}"
        );
        Watch {
            status,
            reader,
            pending: Vec::new(),
            done: false,
        }
    }

    pub fn next(&mut self) -> Next {
        loop {
            if let Some(pos) = self.pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=pos).collect();
                let v: Value = serde_json::from_slice(&line).expect("watch line is JSON");
                return Next::Event(v);
            }
            if self.done {
                return Next::End;
            }
            match read_chunk(&mut self.reader) {
                Ok(Some(c)) => self.pending.extend(c),
                Ok(None) => self.done = true,
                Err(e) => return Next::Cut(e),
            }
        }
    }

    /// Next event, panicking on end/cut.
    pub fn event(&mut self) -> Value {
        match self.next() {
            Next::Event(v) => v,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// Next non-BOOKMARK event.
    pub fn data_event(&mut self) -> Value {
        loop {
            let e = self.event();
            if e["type"] != "BOOKMARK" {
                return e;
            }
        }
    }
}

pub fn cm(ns: &str, name: &str, labels: Value) -> Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "data": {"k": name}
    })
}

pub fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect()
}
