//! Fault-injection settings shared by the CLI flags, the library API and `/admin/faults`.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// Faults to inject. Serialised with these exact field names for `GET/PUT /admin/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Probability (0..=1) that a create/update/patch/delete fails with 500 InternalError.
    pub write_failure_rate: f64,
    /// Probability (0..=1) that any API request fails with 429 TooManyRequests.
    pub throttle_rate: f64,
    /// Seconds sent in the `Retry-After` header of a 429.
    pub retry_after_seconds: u64,
    /// Probability (0..=1) that a create or delete is committed but its response is lost: the
    /// status line may go out, then the connection is cut before the body ends, as when a
    /// connection resets or the API server restarts after the write reached storage.
    pub lost_response_rate: f64,
    /// Delay added to every API request, in milliseconds.
    pub latency_ms: u64,
    /// Cut every watch connection (no final chunk) after this many events.
    pub drop_watch_after: Option<usize>,
    /// How many most recent changes of each resource are retained for watches / old list snapshots.
    pub history_limit: usize,
    /// `(verb, resource)` pairs answered with 403 Forbidden; `*` matches anything.
    pub deny: Vec<(String, String)>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            write_failure_rate: 0.0,
            throttle_rate: 0.0,
            lost_response_rate: 0.0,
            retry_after_seconds: 1,
            latency_ms: 0,
            drop_watch_after: None,
            history_limit: 10_000,
            deny: Vec::new(),
        }
    }
}

impl Faults {
    /// Is `verb` on `resource` denied?
    pub fn denies(&self, verb: &str, resource: &str) -> bool {
        self.deny
            .iter()
            .any(|(v, r)| (v == "*" || v == verb) && (r == "*" || r == resource))
    }

    /// Parses a `VERB:RESOURCE` CLI value.
    pub fn parse_deny(s: &str) -> Result<(String, String), String> {
        match s.split_once(':') {
            Some((v, r)) if !v.is_empty() && !r.is_empty() => Ok((v.to_string(), r.to_string())),
            _ => Err(format!("expected VERB:RESOURCE, got {s:?}")),
        }
    }
}

/// Draws true with probability `rate`.
pub fn chance(rate: f64) -> bool {
    rate > 0.0 && fastrand::f64() < rate
}

/// The response to a committed write, or, with probability `rate`, that response lost: the
/// write stays done, and the client sees its connection cut before the body is complete.
pub fn lose_response(response: Response, rate: f64) -> Response {
    if !chance(rate) {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let cut = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other(
            "response lost by fault injection (the write was committed)",
        ))
    });
    Response::from_parts(parts, Body::from_stream(cut))
}
