//! A test proxy that loses a seeded fraction of node-create responses after the API server made the node.

// It sits between the plugin and an API server (the test API server over HTTP, or the kit's
// kube-apiserver over TLS), forwards every request, and for the chosen node creates reads the
// upstream's whole answer and then resets the client's connection instead of passing it on.
// It speaks HTTP/1.1 on both sides (as kube-rs does without ALPN h2), one upstream connection
// per client connection, and terminates TLS with the API server's own serving certificate, so
// a copy of the kit's kubeconfig only needs the proxy's port.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

/// Where the proxy forwards to.
#[derive(Clone)]
pub enum Upstream {
    /// Plain HTTP (the test API server).
    Http(SocketAddr),
    /// TLS (the kit's kube-apiserver): its address and the directory holding its
    /// self-signed `apiserver.crt` and `apiserver.key`, which the proxy serves too.
    Tls { addr: SocketAddr, pki: PathBuf },
}

/// Which responses are lost.
#[derive(Debug, Clone, Copy)]
pub struct Loss {
    /// Fraction (0..=1) of node creates (`POST /api/v1/nodes`) whose response is lost.
    pub node_create_rate: f64,
    /// Seed of the decisions (taken in the order the creates arrive).
    pub seed: u64,
}

/// Counts of what the proxy saw and did.
#[derive(Default)]
struct Counters {
    node_creates: AtomicUsize,
    lost: AtomicUsize,
}

pub struct LossyProxy {
    pub addr: SocketAddr,
    tls: bool,
    counters: Arc<Counters>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl LossyProxy {
    /// Starts listening on 127.0.0.1 (a free port) on a runtime of its own.
    pub fn start(upstream: Upstream, loss: Loss) -> LossyProxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("lossy-proxy")
            .build()
            .expect("proxy runtime");
        let counters = Arc::new(Counters::default());
        let tls = matches!(upstream, Upstream::Tls { .. });
        let tls_configs = match &upstream {
            Upstream::Http(_) => None,
            Upstream::Tls { pki, .. } => Some(tls_configs(pki)),
        };
        let upstream_addr = match &upstream {
            Upstream::Http(a) | Upstream::Tls { addr: a, .. } => *a,
        };
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind the proxy");
        let addr = listener.local_addr().unwrap();
        let rng = Arc::new(Mutex::new(loss.seed | 1));
        let shared = Arc::clone(&counters);
        runtime.spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let (counters, rng, tls_configs) =
                    (Arc::clone(&shared), Arc::clone(&rng), tls_configs.clone());
                tokio::spawn(async move {
                    let lose = || {
                        counters.node_creates.fetch_add(1, Ordering::Relaxed);
                        let lost = draw(&rng) < loss.node_create_rate;
                        if lost {
                            counters.lost.fetch_add(1, Ordering::Relaxed);
                        }
                        lost
                    };
                    let _ = client.set_nodelay(true);
                    let Ok(server) = TcpStream::connect(upstream_addr).await else {
                        return;
                    };
                    let _ = server.set_nodelay(true);
                    match tls_configs {
                        None => {
                            let mut client = BufReader::new(client);
                            let ended = relay(&mut client, &mut BufReader::new(server), lose).await;
                            if ended == Ended::Lost {
                                reset(client.get_ref());
                            }
                        }
                        Some((acceptor, connector)) => {
                            let Ok(client) = acceptor.accept(client).await else {
                                return;
                            };
                            let name = ServerName::IpAddress(upstream_addr.ip().into());
                            let Ok(server) = connector.connect(name, server).await else {
                                return;
                            };
                            let mut client = BufReader::new(client);
                            let ended = relay(&mut client, &mut BufReader::new(server), lose).await;
                            if ended == Ended::Lost {
                                reset(client.get_ref().get_ref().0);
                            }
                        }
                    }
                });
            }
        });
        LossyProxy {
            addr,
            tls,
            counters,
            runtime: Some(runtime),
        }
    }

    /// `http://` or `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Node creates seen.
    pub fn node_creates(&self) -> usize {
        self.counters.node_creates.load(Ordering::Relaxed)
    }

    /// Node create responses lost (the node was made each time).
    pub fn lost(&self) -> usize {
        self.counters.lost.load(Ordering::Relaxed)
    }

    /// A copy of `kubeconfig` whose server is this proxy (same CA, same users).
    pub fn kubeconfig(&self, kubeconfig: &Path, into: &Path) -> PathBuf {
        let text = std::fs::read_to_string(kubeconfig).expect("read kubeconfig");
        let server_line = text
            .lines()
            .find(|l| l.trim_start().starts_with("server:"))
            .expect("a server line");
        let indent = &server_line[..server_line.len() - server_line.trim_start().len()];
        let text = text.replace(server_line, &format!("{indent}server: {}", self.url()));
        let path = into.join("kubeconfig-via-lossy-proxy");
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }
}

impl Drop for LossyProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// The next decision in 0..1 (xorshift64*).
fn draw(rng: &Mutex<u64>) -> f64 {
    let mut x = rng.lock().unwrap();
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// Makes the coming close a reset (RST), as a dropped connection looks to the client.
fn reset(stream: &TcpStream) {
    #[allow(deprecated)] // set_linger's deprecation is about blocking on close; 0 never blocks
    let _ = stream.set_linger(Some(Duration::ZERO));
}

/// The TLS acceptor (the API server's own certificate and key) and connector (trusting it).
fn tls_configs(pki: &Path) -> (tokio_rustls::TlsAcceptor, tokio_rustls::TlsConnector) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(pki.join("apiserver.crt"))
            .expect("apiserver.crt")
            .collect::<Result<_, _>>()
            .expect("apiserver.crt certificates");
    let key = PrivateKeyDer::from_pem_file(pki.join("apiserver.key")).expect("apiserver.key");
    let server = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs.clone(), key)
        .expect("serve the API server's certificate");
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        let _ = roots.add(cert);
    }
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (
        tokio_rustls::TlsAcceptor::from(Arc::new(server)),
        tokio_rustls::TlsConnector::from(Arc::new(client)),
    )
}

#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// The client or the server closed, or something failed.
    Closed,
    /// A response was read and deliberately not passed on: the client is to be reset.
    Lost,
}

/// A parsed message head: the raw bytes, the first line and the framing headers.
struct Head {
    raw: Vec<u8>,
    first_line: String,
    content_length: Option<u64>,
    chunked: bool,
    close: bool,
}

async fn read_head<R: AsyncRead + Unpin>(from: &mut BufReader<R>) -> Option<Head> {
    let mut raw = Vec::new();
    let mut first_line = String::new();
    let (mut content_length, mut chunked, mut close) = (None, false, false);
    loop {
        let mut line = Vec::new();
        if from.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        raw.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        if first_line.is_empty() {
            first_line = text;
            continue;
        }
        if text.is_empty() {
            break;
        }
        let lower = text.to_ascii_lowercase();
        if let Some((name, value)) = lower.split_once(':') {
            let value = value.trim();
            match name.trim() {
                "content-length" => content_length = value.parse().ok(),
                "transfer-encoding" => chunked |= value.contains("chunked"),
                "connection" => close |= value.contains("close"),
                _ => {}
            }
        }
    }
    Some(Head {
        raw,
        first_line,
        content_length,
        chunked,
        close,
    })
}

/// Copies one message body framed as `head` says, flushing each chunk (watches stream).
async fn copy_body<R, W>(head: &Head, from: &mut BufReader<R>, to: &mut W) -> Option<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    if head.chunked {
        loop {
            let mut size_line = Vec::new();
            if from.read_until(b'\n', &mut size_line).await.ok()? == 0 {
                return None;
            }
            let size_text = String::from_utf8_lossy(&size_line);
            let size = u64::from_str_radix(size_text.trim().split(';').next()?.trim(), 16).ok()?;
            to.write_all(&size_line).await.ok()?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    let mut line = Vec::new();
                    if from.read_until(b'\n', &mut line).await.ok()? == 0 {
                        return None;
                    }
                    to.write_all(&line).await.ok()?;
                    if line == b"\r\n" || line == b"\n" {
                        break;
                    }
                }
                return to.flush().await.ok();
            }
            let mut data = vec![0u8; size as usize + 2];
            from.read_exact(&mut data).await.ok()?;
            to.write_all(&data).await.ok()?;
            to.flush().await.ok()?;
        }
    }
    if let Some(n) = head.content_length {
        let copied = tokio::io::copy(&mut (&mut *from).take(n), to).await.ok()?;
        to.flush().await.ok()?;
        return (copied == n).then_some(());
    }
    Some(())
}

/// Relays requests and responses until a side closes or a response is lost.
async fn relay<C, S>(
    client: &mut BufReader<C>,
    server: &mut BufReader<S>,
    mut lose: impl FnMut() -> bool,
) -> Ended
where
    C: AsyncRead + AsyncWrite + Unpin,
    S: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        let Some(request) = read_head(client).await else {
            return Ended::Closed;
        };
        let mut words = request.first_line.split_whitespace();
        let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let path = target.split('?').next().unwrap_or("");
        let node_create = method == "POST" && path == "/api/v1/nodes";
        if server.get_mut().write_all(&request.raw).await.is_err()
            || copy_body(&request, client, server.get_mut())
                .await
                .is_none()
        {
            return Ended::Closed;
        }
        let Some(response) = read_head(server).await else {
            return Ended::Closed;
        };
        if node_create && lose() {
            // Read the whole answer (the server has made the node), then pass nothing on.
            let mut sink = tokio::io::sink();
            let _ = copy_body(&response, server, &mut sink).await;
            return Ended::Lost;
        }
        let until_close = response.content_length.is_none() && !response.chunked;
        let status = response.first_line.split_whitespace().nth(1).unwrap_or("");
        let no_body =
            method == "HEAD" || matches!(status, "204" | "304") || status.starts_with('1');
        if client.get_mut().write_all(&response.raw).await.is_err() {
            return Ended::Closed;
        }
        if until_close && !no_body {
            let _ = tokio::io::copy(server, client.get_mut()).await;
            let _ = client.get_mut().flush().await;
            return Ended::Closed;
        }
        if copy_body(&response, server, client.get_mut())
            .await
            .is_none()
        {
            return Ended::Closed;
        }
        let _ = client.get_mut().flush().await;
        if request.close || response.close {
            let _ = client.get_mut().shutdown().await;
            return Ended::Closed;
        }
    }
}
