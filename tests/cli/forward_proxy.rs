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

const SOCKS_VERSION: u8 = 5;

/// An HTTP `CONNECT host:port` request: its target (anything else gets 405).
fn http_connect_head(client: &mut TcpStream) -> Option<String> {
    let head = read_head(client)?;
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if method != "CONNECT" {
        let _ = client.write_all(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return None;
    }
    Some(target.to_owned())
}

/// A SOCKS5 greeting (no authentication) and CONNECT request (RFC 1928): its `host:port`.
fn socks5_handshake(client: &mut TcpStream) -> Option<String> {
    let mut greeting = [0u8; 2];
    client.read_exact(&mut greeting).ok()?;
    let mut methods = vec![0u8; usize::from(greeting[1])];
    client.read_exact(&mut methods).ok()?;
    client.write_all(&[SOCKS_VERSION, 0]).ok()?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request).ok()?;
    if request[1] != 1 {
        return None; // only CONNECT
    }
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).ok()?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).ok()?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name).ok()?;
            String::from_utf8(name).ok()?
        }
        4 => {
            let mut ip = [0u8; 16];
            client.read_exact(&mut ip).ok()?;
            format!("[{}]", std::net::Ipv6Addr::from(ip))
        }
        _ => return None,
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).ok()?;
    Some(format!("{host}:{}", u16::from_be_bytes(port)))
}

/// Unblocks `accept` so the loop sees `stop`.
fn wake(addr: SocketAddr, stop: &AtomicBool) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
}

/// A forward proxy on 127.0.0.1, HTTP and SOCKS5 on one port (told apart by the first byte):
/// `CONNECT host:port` (or SOCKS5's CONNECT) opens a tunnel to that port on 127.0.0.1, whatever
/// the host, so names that resolve nowhere else prove the request went through the proxy.
/// Other HTTP requests get 405.
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
            let mut first = [0u8; 1];
            if client.peek(&mut first).unwrap_or(0) == 0 {
                return;
            }
            let target = if first[0] == SOCKS_VERSION {
                socks5_handshake(&mut client)
            } else {
                http_connect_head(&mut client)
            };
            let Some(target) = target else { return };
            seen.lock().unwrap().push(target.clone());
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
            let socks = first[0] == SOCKS_VERSION;
            let Some(upstream) = upstream else {
                let refusal: &[u8] = if socks {
                    &[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]
                } else {
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
                };
                let _ = client.write_all(refusal);
                return;
            };
            let granted: &[u8] = if socks {
                &[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]
            } else {
                b"HTTP/1.1 200 Connection established\r\n\r\n"
            };
            if client.write_all(granted).is_err() {
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

    /// `socks5://127.0.0.1:PORT`.
    pub fn socks5_url(&self) -> String {
        format!("socks5://{}", self.addr)
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
