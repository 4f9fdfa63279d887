//! kubectl's request log as a tower layer on the kube client: -v=6 each request (method, URL,
//! status, time), -v=8 bodies too (cut at 10240 chars), -v=9 curl-like headers; nothing below.
//!
//! It is the outermost layer: it sees the request before kube adds the credentials (so no token
//! is ever logged) and the URL without the server, which it puts back. Watch bodies stream for
//! minutes: only their status is logged, never their body.

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use http::{HeaderMap, Request, Response};
use http_body_util::BodyExt;
use kube::client::{Body, DynBody};
use std::task::{Context, Poll};
use std::time::Instant;
use tower::{BoxError, Layer, Service};

/// -v level from which each request is logged.
pub const LOG_REQUESTS: u8 = 6;
/// -v level from which bodies are logged.
pub const LOG_BODIES: u8 = 8;
/// -v level from which headers are logged, and each request as a curl command.
pub const LOG_CURL: u8 = 9;
/// kubectl cuts logged bodies at this many characters.
pub const BODY_LIMIT: usize = 10240;

/// Adds the request log to a client stack (a no-op below -v=6).
#[derive(Debug, Clone)]
pub struct RequestLogLayer {
    level: u8,
    server: String,
}

impl RequestLogLayer {
    pub fn new(level: u8, server: &str) -> Self {
        RequestLogLayer {
            level,
            server: server.to_owned(),
        }
    }
}

impl<S> Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> RequestLog<S> {
        RequestLog {
            inner,
            level: self.level,
            server: self.server.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RequestLog<S> {
    inner: S,
    level: u8,
    server: String,
}

type Reply = Response<Box<DynBody>>;

impl<S> Service<Request<Body>> for RequestLog<S>
where
    S: Service<Request<Body>, Response = Reply, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Reply;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<Reply, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let level = self.level;
        if level < LOG_REQUESTS {
            return Box::pin(self.inner.call(request));
        }
        let method = request.method().to_string();
        let url = format!("{}{}", self.server, request.uri());
        let watch = is_watch(&url);
        if level >= LOG_CURL {
            log(&curl_line(&method, &url, request.headers()));
        }
        // kube's request bodies are whole bytes (`try_clone` gives them), ready at once.
        if level >= LOG_BODIES
            && let Some(Some(Ok(body))) = request
                .body()
                .try_clone()
                .map(|body| body.collect_bytes().now_or_never())
            && !body.is_empty()
        {
            log(&format!("Request Body: {}", cut(&body)));
        }
        let started = Instant::now();
        let reply = self.inner.call(request);
        Box::pin(async move {
            let reply = reply.await;
            let millis = started.elapsed().as_millis();
            let reply = match reply {
                Err(e) => {
                    log(&format!(
                        "{method} {url} failed in {millis} milliseconds: {e}"
                    ));
                    return Err(e);
                }
                Ok(reply) => reply,
            };
            log(&format!(
                "{method} {url} {} in {millis} milliseconds",
                reply.status()
            ));
            if level >= LOG_CURL {
                log("Response Headers:");
                for (name, value) in reply.headers() {
                    log(&format!(
                        "    {name}: {}",
                        value.to_str().unwrap_or("(not text)")
                    ));
                }
            }
            if level < LOG_BODIES || watch {
                return Ok(reply);
            }
            let (parts, body) = reply.into_parts();
            let bytes = body.collect().await?.to_bytes();
            log(&format!("Response Body: {}", cut(&bytes)));
            let body: Box<DynBody> =
                Box::new(http_body_util::Full::new(bytes).map_err(|never| match never {}));
            Ok(Response::from_parts(parts, body))
        })
    }
}

/// Whether `url` asks for a watch (its body streams for as long as the watch lasts).
fn is_watch(url: &str) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query
            .split('&')
            .any(|pair| pair == "watch=true" || pair == "watch=1")
    })
}

/// kubectl's -v=9 curl line: what to run to send the same request (credentials not shown).
fn curl_line(method: &str, url: &str, headers: &HeaderMap) -> String {
    let mut line = format!("curl -v -X{method}");
    for (name, value) in headers {
        line.push_str(&format!(
            " -H \"{name}: {}\"",
            value.to_str().unwrap_or("(not text)")
        ));
    }
    line.push_str(&format!(" '{url}'"));
    line
}

/// A body as text, cut at kubectl's limit.
fn cut(body: &Bytes) -> String {
    let text = String::from_utf8_lossy(body);
    let total = text.chars().count();
    if total <= BODY_LIMIT {
        return text.into_owned();
    }
    let kept: String = text.chars().take(BODY_LIMIT).collect();
    format!("{kept} [truncated {} chars]", total - BODY_LIMIT)
}

/// One log line on stderr, klog's way: `I1205 23:59:00.123456 12345 requests] …`.
fn log(message: &str) {
    let now = jiff::Zoned::now();
    let line = format!(
        "I{} {:>7} requests] {message}",
        now.strftime("%m%d %H:%M:%S%.6f"),
        std::process::id()
    );
    crate::output::Ui {
        stdout_colors: false,
        stderr_colors: false,
        verbosity: LOG_REQUESTS,
    }
    .say(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watches_are_told_apart() {
        assert!(is_watch(
            "https://h/api/v1/events?watch=true&resourceVersion=5"
        ));
        assert!(!is_watch("https://h/api/v1/events?limit=500"));
        assert!(!is_watch("https://h/api/v1/namespaces/watch=true"));
    }

    #[test]
    fn bodies_are_cut_at_kubectls_limit() {
        let long = Bytes::from("x".repeat(BODY_LIMIT + 5));
        let text = cut(&long);
        assert!(
            text.ends_with(" [truncated 5 chars]"),
            "{}",
            &text[BODY_LIMIT..]
        );
        assert_eq!(cut(&Bytes::from_static(b"{}")), "{}");
    }

    #[test]
    fn a_curl_line_names_method_headers_and_url() {
        let mut headers = HeaderMap::new();
        headers.insert("accept", "application/json".parse().unwrap());
        assert_eq!(
            curl_line("GET", "https://h/api", &headers),
            "curl -v -XGET -H \"accept: application/json\" 'https://h/api'"
        );
    }
}
