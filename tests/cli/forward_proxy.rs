//! Small TCP servers for connection tests: a forward proxy that opens HTTP CONNECT tunnels
//! and counts them (what a corporate proxy does for kube and client-go), and a server that
//! answers every request with one canned HTTP response, or never answers at all.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Reads an HTTP request head (up to the blank line); `None` if the peer closed first.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Accepts connections on a thread until `stop` is set, handing each to `serve` on its own thread.
fn accept_loop(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    serve: impl Fn(TcpStream) + Send + Sync + 'static,
) {
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let serve = Arc::clone(&serve);
            std::thread::spawn(move || serve(stream));
        }
    });
}

/// Unblocks `accept` so the loop sees `stop`.
fn wake(addr: SocketAddr, stop: &AtomicBool) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
}

/// A forward proxy on 127.0.0.1: `CONNECT host:port` opens a tunnel to that port on
/// `route_to` (every host name goes there, so names that resolve nowhere else prove the
/// request went through the proxy). Other requests get 405.
pub struct ForwardProxy {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    targets: Arc<Mutex<Vec<String>>>,
}

impl ForwardProxy {
    /// Starts the proxy; tunnels end at `127.0.0.1:<the requested port>`.
    pub fn start() -> ForwardProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&targets);
        accept_loop(listener, Arc::clone(&stop), move |mut client| {
            let Some(head) = read_head(&mut client) else {
                return;
            };
            let request_line = head.lines().next().unwrap_or_default().to_owned();
            let mut words = request_line.split_whitespace();
            let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            if method != "CONNECT" {
                let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            seen.lock().unwrap().push(target.to_owned());
            let port = target
                .rsplit_once(':')
                .and_then(|(_, p)| p.parse::<u16>().ok());
            let upstream = port.and_then(|port| {
                TcpStream::connect_timeout(
                    &SocketAddr::from(([127, 0, 0, 1], port)),
                    Duration::from_secs(5),
                )
                .ok()
            });
            let Some(upstream) = upstream else {
                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                return;
            };
            if client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .is_err()
            {
                return;
            }
            splice(client, upstream);
        });
        ForwardProxy {
            addr,
            stop,
            targets,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `host:port` of every tunnel asked for, in order.
    pub fn tunnels(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        wake(self.addr, &self.stop);
    }
}

/// Copies bytes both ways until either side closes.
fn splice(a: TcpStream, b: TcpStream) {
    let (mut a_read, mut b_write) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a_read, &mut b_write);
        let _ = b_write.shutdown(Shutdown::Write);
    });
    let (mut b_read, mut a_write) = (b, a);
    let _ = std::io::copy(&mut b_read, &mut a_write);
    let _ = a_write.shutdown(Shutdown::Write);
    let _ = forward.join();
}

/// A server on 127.0.0.1 that is not a Kubernetes API server.
pub struct CannedServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    held: Arc<Mutex<Vec<TcpStream>>>,
}

impl CannedServer {
    /// Answers every request with `status` (e.g. `404 Not Found`), `content_type` and `body`.
    pub fn answering(status: &str, content_type: &str, body: &str) -> CannedServer {
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        CannedServer::start(move |mut stream, _held| {
            if read_head(&mut stream).is_some() {
                let _ = stream.write_all(response.as_bytes());
            }
        })
    }

    /// Accepts connections and reads requests, but never answers (held open until dropped).
    pub fn silent() -> CannedServer {
        CannedServer::start(|mut stream, held| {
            let _ = read_head(&mut stream);
            held.lock().unwrap().push(stream);
        })
    }

    fn start(
        serve: impl Fn(TcpStream, &Arc<Mutex<Vec<TcpStream>>>) + Send + Sync + 'static,
    ) -> CannedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let held = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&held);
        accept_loop(listener, Arc::clone(&stop), move |stream| {
            serve(stream, &kept)
        });
        CannedServer { addr, stop, held }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        wake(self.addr, &self.stop);
        for stream in self.held.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}
