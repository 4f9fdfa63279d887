//! HTTP routing and the REST verbs (get/list/watch/create/update/patch/delete) over the store.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use crate::faults::{Faults, chance};
use crate::patch;
use crate::resources::{self, ResourceType};
use crate::selectors::{FieldSelector, LabelSelector};
use crate::status::{ApiError, FieldError, ResRef};
use crate::store::{ChangeType, Store, key_of};
use crate::tables;
use crate::util;
use crate::validation;

/// Shared server state.
#[derive(Debug)]
pub struct AppState {
    /// Objects and history.
    pub store: Mutex<Store>,
    /// Current fault settings.
    pub faults: Mutex<Faults>,
    /// Number of API requests served (admin endpoint excluded).
    pub requests: AtomicUsize,
    /// Log one line per request to stderr.
    pub verbose: bool,
    /// Broadcasts the latest resourceVersion to watchers.
    pub rv_tx: watch::Sender<u64>,
    /// Objects (`RESOURCE/NAMESPACE/NAME`, namespace empty for cluster-scoped ones) whose
    /// writes fail with 500 as if storage failed; dry runs, which never reach storage, pass.
    pub failing_storage: Mutex<Vec<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// New state with the given faults.
    pub fn new(faults: Faults, verbose: bool) -> Self {
        let store = Store::new(faults.history_limit);
        let (rv_tx, _) = watch::channel(store.rv);
        AppState {
            store: Mutex::new(store),
            faults: Mutex::new(faults),
            requests: AtomicUsize::new(0),
            verbose,
            rv_tx,
            failing_storage: Mutex::new(Vec::new()),
        }
    }

    /// From now on, writes (not dry runs) of this object fail with 500 InternalError.
    pub fn fail_storage_of(&self, resource: &str, namespace: Option<&str>, name: &str) {
        lock(&self.failing_storage).push(format!("{resource}/{}/{name}", namespace.unwrap_or("")));
    }

    fn storage_fails(&self, resource: &str, namespace: Option<&str>, name: &str) -> bool {
        let key = format!("{resource}/{}/{name}", namespace.unwrap_or(""));
        lock(&self.failing_storage).contains(&key)
    }

    /// Locks the store.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Current faults.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Replaces the faults (and applies the history limit).
    pub fn set_faults(&self, f: Faults) {
        self.store().set_history_limit(f.history_limit);
        *lock(&self.faults) = f;
    }

    /// Wakes watchers after a write.
    pub fn notify(&self, rv: u64) {
        self.rv_tx.send_replace(rv);
    }

    /// Creates or replaces an object directly (library helper / seeding); no validation.
    pub fn upsert(&self, mut obj: Value) -> Result<Value, String> {
        let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        let mut rt = resources::by_kind(&api_version, &kind)
            .ok_or_else(|| format!("unsupported apiVersion/kind {api_version:?}/{kind:?}"))?;
        if rt.group == "events.k8s.io" {
            crate::events_v1::to_core(&mut obj);
            rt = resources::by_plural("events").expect("core events registered");
        }
        if !obj["metadata"].is_object() {
            return Err("object has no metadata".into());
        }
        if rt.namespaced {
            if obj["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .is_empty()
            {
                obj["metadata"]["namespace"] = json!("default");
            }
        } else if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        if obj["metadata"]["name"].as_str().unwrap_or("").is_empty() {
            let g = obj["metadata"]["generateName"].as_str().unwrap_or("");
            if g.is_empty() {
                return Err("object has neither metadata.name nor generateName".into());
            }
            obj["metadata"]["name"] = json!(format!("{g}{}", util::name_suffix()));
        }
        let mut st = self.store();
        if rt.namespaced {
            ensure_namespace(&mut st, obj["metadata"]["namespace"].as_str().unwrap_or(""));
        }
        let (ns, name) = key_of(&obj);
        let out = if st.get(rt, &ns, &name).is_some() {
            st.replace(rt, obj)
        } else {
            st.create(rt, obj)
        };
        let rv = st.rv;
        drop(st);
        self.notify(rv);
        Ok(out)
    }
}

fn ensure_namespace(st: &mut Store, ns: &str) {
    let rt = resources::by_plural("namespaces").expect("namespaces registered");
    if !ns.is_empty() && st.get(rt, "", ns).is_none() {
        st.create(
            rt,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        );
    }
}

/// Creating into a namespace that does not exist is 404, as the real server's
/// NamespaceLifecycle admission says it (before validation, dry run or not).
fn require_namespace(st: &Store, ns: Option<&str>) -> Result<(), ApiError> {
    let rt = resources::by_plural("namespaces").expect("namespaces registered");
    match ns {
        Some(ns) if st.get(rt, "", ns).is_none() => Err(ApiError::not_found(
            ResRef {
                resource: "namespaces",
                group: "",
            },
            ns,
        )),
        _ => Ok(()),
    }
}

/// A Service gets a cluster IP from the real kit's range (10.96.0.0/16) unless it names one
/// (or `None`) or is an ExternalName, as the real allocator does; `seq` makes it unique.
fn allocate_cluster_ip(service: &mut Value, seq: u64) {
    let spec = &mut service["spec"];
    if spec["type"] == "ExternalName" || !spec["clusterIP"].as_str().unwrap_or("").is_empty() {
        return;
    }
    let ip = format!("10.96.{}.{}", (seq / 250) % 256, seq % 250 + 2);
    spec["clusterIP"] = json!(ip);
    spec["clusterIPs"] = json!([ip]);
}

/// Builds the router: admin endpoint plus the API fallback.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/admin/faults",
            get(get_faults).put(put_faults).patch(patch_faults),
        )
        .fallback(api)
        .with_state(state)
}

async fn get_faults(State(state): State<Arc<AppState>>) -> Response {
    json_response(
        200,
        &serde_json::to_value(state.faults()).unwrap_or(Value::Null),
    )
}

/// PUT replaces every setting: a field left out takes its default (the answer shows them all).
async fn put_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    set_faults_from(&state, &body, Value::Object(serde_json::Map::new()))
}

/// PATCH (a JSON merge patch) changes only the fields given.
async fn patch_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let current = serde_json::to_value(state.faults()).unwrap_or(Value::Null);
    set_faults_from(&state, &body, current)
}

fn set_faults_from(state: &AppState, body: &[u8], base: Value) -> Response {
    let refuse = |msg: String| error_response(&ApiError::bad_request(msg));
    let given: Value = match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return refuse("invalid faults: expected a JSON object".to_owned()),
        Err(e) => return refuse(format!("invalid faults: {e}")),
    };
    let known = serde_json::to_value(Faults::default()).unwrap_or(Value::Null);
    if let Some(unknown) = given
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .find(|k| known.get(k.as_str()).is_none())
    {
        let names: Vec<&str> = known
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
            .collect();
        return refuse(format!(
            "invalid faults: unknown field {unknown:?}; known: {}",
            names.join(", ")
        ));
    }
    let mut merged = base;
    patch::merge_patch(&mut merged, &given);
    let faults = match serde_json::from_value::<Faults>(merged) {
        Ok(f) => f,
        Err(e) => return refuse(format!("invalid faults: {e}")),
    };
    if let Err(e) = check_faults(&faults) {
        return refuse(format!("invalid faults: {e}"));
    }
    state.set_faults(faults.clone());
    json_response(200, &serde_json::to_value(faults).unwrap_or(Value::Null))
}

/// Out-of-range fault settings are refused rather than silently clamped.
pub fn check_faults(f: &Faults) -> Result<(), String> {
    for (name, rate) in [
        ("write_failure_rate", f.write_failure_rate),
        ("throttle_rate", f.throttle_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{name} must be a probability in 0..=1, not {rate}"));
        }
    }
    if f.history_limit == 0 {
        return Err("history_limit must be at least 1".to_owned());
    }
    if f.drop_watch_after == Some(0) {
        return Err("drop_watch_after must be at least 1 (or null for never)".to_owned());
    }
    if let Some((verb, resource)) = f.deny.iter().find(|(v, r)| v.is_empty() || r.is_empty()) {
        return Err(format!(
            "deny entries are [VERB, RESOURCE] with neither empty, not [{verb:?}, {resource:?}]"
        ));
    }
    Ok(())
}

fn json_response(code: u16, v: &Value) -> Response {
    let mut r = Response::new(Body::from(v.to_string()));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn error_response(e: &ApiError) -> Response {
    let mut r = json_response(e.code, &e.to_status());
    if let Some(s) = e.retry_after
        && let Ok(v) = HeaderValue::from_str(&s.to_string())
    {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Parsed request context.
struct Ctx {
    method: Method,
    query: HashMap<String, String>,
    content_type: String,
    /// The `Accept` header (`kubectl get` asks for a Table).
    accept: String,
    body: Bytes,
}

impl Ctx {
    fn q(&self, k: &str) -> &str {
        self.query.get(k).map(String::as_str).unwrap_or("")
    }
    fn dry_run(&self) -> bool {
        self.q("dryRun") == "All"
    }
    /// The DeleteOptions body (kubectl sends `dryRun` and `preconditions` there), or null.
    fn delete_options(&self) -> Result<Value, ApiError> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("invalid DeleteOptions: {e}")))
    }
    /// `dryRun=All` in the query or in the DeleteOptions body.
    fn delete_dry_run(&self, opts: &Value) -> bool {
        self.dry_run()
            || opts["dryRun"]
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v == "All"))
    }
}

async fn api(State(state): State<Arc<AppState>>, req: Request) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let method = req.method().clone();
    let uri = req.uri().clone();
    let resp = serve(&state, req).await;
    if state.verbose {
        eprintln!(
            "fake-apiserver: {method} {uri} -> {}",
            resp.status().as_u16()
        );
    }
    resp
}

async fn serve(state: &Arc<AppState>, req: Request) -> Response {
    let faults = state.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if chance(faults.throttle_rate) {
        return error_response(&ApiError::too_many_requests(faults.retry_after_seconds));
    }
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return error_response(&ApiError::bad_request(format!("reading body: {e}"))),
    };
    let query: HashMap<String, String> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let ctx = Ctx {
        method: parts.method.clone(),
        query,
        content_type,
        accept,
        body,
    };
    if let Some(core) = crate::events_v1::core_path(parts.uri.path()) {
        return serve_events_v1(state, &core, ctx, &faults).await;
    }
    match route(state, parts.uri.path(), &ctx, &faults) {
        Ok(r) => r,
        Err(e) => error_response(&e),
    }
}

/// events.k8s.io/v1: the request in core/v1 terms, the answer back in events.k8s.io/v1 terms.
async fn serve_events_v1(
    state: &Arc<AppState>,
    core_path: &str,
    mut ctx: Ctx,
    faults: &Faults,
) -> Response {
    use crate::events_v1;
    let back = |mut v: Value| {
        events_v1::from_core(&mut v);
        v
    };
    if matches!(ctx.q("watch"), "true" | "1") {
        return error_response(&ApiError::method_not_allowed(
            "the fake API server does not watch events.k8s.io/v1 events; watch core/v1 events",
        ));
    }
    if !ctx.body.is_empty() && matches!(ctx.method, Method::POST | Method::PUT | Method::PATCH) {
        let is_yaml = ctx.content_type.contains("yaml");
        let parsed: Option<Value> = if is_yaml {
            std::str::from_utf8(&ctx.body)
                .ok()
                .and_then(|s| serde_saphyr::from_str(s).ok())
        } else {
            serde_json::from_slice(&ctx.body).ok()
        };
        if let Some(mut doc) = parsed {
            if ctx.content_type == "application/json-patch+json" {
                events_v1::json_patch_to_core(&mut doc);
            } else {
                events_v1::to_core(&mut doc);
            }
            // JSON is YAML too: an apply patch is still read as YAML.
            ctx.body = Bytes::from(doc.to_string());
        }
    }
    match route(state, core_path, &ctx, faults) {
        Err(e) if e.retry_after.is_some() => error_response(&e),
        Err(e) => json_response(e.code, &back(e.to_status())),
        Ok(resp) => {
            let status = resp.status();
            let is_json = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes() == b"application/json");
            if !is_json {
                return resp;
            }
            match axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024).await {
                Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                    Ok(v) => json_response(status.as_u16(), &back(v)),
                    Err(_) => json_response(status.as_u16(), &Value::Null),
                },
                Err(e) => error_response(&ApiError::internal(format!("reading answer: {e}"))),
            }
        }
    }
}

/// What a resource path points at.
struct Target {
    rt: &'static ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

fn discovery(path: &str) -> Option<Value> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["version"] => Some(resources::version_doc()),
        ["api"] => Some(resources::core_versions()),
        ["api", v] => resources::resource_list("", v),
        ["apis"] => Some(resources::group_list()),
        ["apis", g] => resources::group_doc(g),
        ["apis", g, v] => resources::resource_list(g, v),
        ["openapi", "v3"] => Some(resources::openapi_v3_root()),
        ["openapi", "v3", "api", v] => resources::openapi_v3_gv("", v),
        ["openapi", "v3", "apis", g, v] => resources::openapi_v3_gv(g, v),
        _ => None,
    }
}

fn parse_target(path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let lk = |p: &str| resources::lookup(group, version, p);
    let t = |rt, ns: Option<&str>, name: Option<&str>, sub: Option<&str>| Target {
        rt,
        namespace: ns.map(str::to_string),
        name: name.map(str::to_string),
        subresource: sub.map(str::to_string),
    };
    match rest {
        ["namespaces", ns, plural, tail @ ..] if lk(plural).is_some_and(|r| r.namespaced) => {
            let rt = lk(plural)?;
            match tail {
                [] => Some(t(rt, Some(ns), None, None)),
                [name] => Some(t(rt, Some(ns), Some(name), None)),
                [name, sub] => Some(t(rt, Some(ns), Some(name), Some(sub))),
                _ => None,
            }
        }
        [plural] => Some(t(lk(plural)?, None, None, None)),
        [plural, name] => {
            let rt = lk(plural)?;
            (!rt.namespaced).then(|| t(rt, None, Some(name), None))
        }
        [plural, name, sub] => {
            let rt = lk(plural)?;
            (!rt.namespaced).then(|| t(rt, None, Some(name), Some(sub)))
        }
        _ => None,
    }
}

fn route(
    state: &Arc<AppState>,
    path: &str,
    ctx: &Ctx,
    faults: &Faults,
) -> Result<Response, ApiError> {
    if matches!(path, "/healthz" | "/readyz" | "/livez") {
        let mut r = Response::new(Body::from("ok"));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        return Ok(r);
    }
    // kubectl's client-side validation of a `kind: List` reads the OpenAPI v2 document as
    // protobuf. An empty message is a valid, empty document: kubectl then finds no schema
    // for the items and skips their client-side validation, as for any unknown type.
    if path == "/openapi/v2" {
        let mut r = Response::new(Body::empty());
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/com.github.proto-openapi.spec.v2.v1.0+protobuf"),
        );
        return Ok(r);
    }
    if let Some(doc) = discovery(path) {
        if ctx.method != Method::GET {
            return Err(ApiError::method_not_allowed(
                "the server does not allow this method on the requested resource".to_string(),
            ));
        }
        return Ok(json_response(200, &doc));
    }
    if path.trim_end_matches('/') == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" {
        return self_subject_access_review(ctx, faults);
    }
    let Some(target) = parse_target(path) else {
        return Err(ApiError::path_not_found());
    };
    let rt = target.rt;
    let is_watch = matches!(ctx.q("watch"), "true" | "1");
    let verb = match (&ctx.method, target.name.is_some()) {
        (&Method::GET, true) => "get",
        (&Method::GET, false) if is_watch => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, false) => "create",
        (&Method::PUT, true) => "update",
        (&Method::PATCH, true) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => {
            return Err(ApiError::method_not_allowed(
                "the server does not allow this method on the requested resource".to_string(),
            ));
        }
    };
    let served_subresource = |sub: &str| match sub {
        "status" => true,
        "scale" => rt.plural == "deployments",
        _ => false,
    };
    if let Some(sub) = &target.subresource
        && (!served_subresource(sub) || !matches!(verb, "get" | "update" | "patch"))
    {
        return Err(ApiError::path_not_found());
    }
    let rref = ResRef {
        resource: rt.plural,
        group: rt.group,
    };
    if faults.denies(verb, rt.plural) {
        return Err(ApiError::forbidden(
            rref,
            verb,
            target.name.as_deref().unwrap_or(""),
            target.namespace.as_deref(),
        ));
    }
    if matches!(
        verb,
        "create" | "update" | "patch" | "delete" | "deletecollection"
    ) && chance(faults.write_failure_rate)
    {
        return Err(ApiError::internal("injected write failure"));
    }
    if matches!(verb, "create" | "update" | "patch" | "delete") {
        let dry_run = if verb == "delete" {
            ctx.delete_dry_run(&ctx.delete_options().unwrap_or(Value::Null))
        } else {
            ctx.dry_run()
        };
        let name = match &target.name {
            Some(n) => n.clone(),
            None => serde_json::from_slice::<Value>(&ctx.body)
                .ok()
                .and_then(|b| b["metadata"]["name"].as_str().map(str::to_owned))
                .unwrap_or_default(),
        };
        if !dry_run && state.storage_fails(rt.plural, target.namespace.as_deref(), &name) {
            return Err(ApiError::internal("injected storage failure"));
        }
    }
    let ns = target.namespace.as_deref();
    let name = target.name.as_deref().unwrap_or("");
    if target.subresource.as_deref() == Some("scale") {
        return scale(state, rt, ns, name, verb, ctx);
    }
    match verb {
        "get" => {
            let st = state.store();
            let obj = st
                .get(rt, ns.unwrap_or(""), name)
                .ok_or_else(|| ApiError::not_found(rref, name))?;
            if target.subresource.is_none() && tables::wants_table(&ctx.accept) {
                let md = json!({"resourceVersion": obj["metadata"]["resourceVersion"]});
                let table = tables::table(
                    rt.plural,
                    std::slice::from_ref(obj),
                    md,
                    ctx.q("includeObject"),
                );
                return Ok(json_response(200, &table));
            }
            Ok(json_response(200, obj))
        }
        "list" => list(state, rt, ns, ctx),
        "watch" => watch_stream(state, rt, ns, ctx, faults),
        "create" => create(state, rt, ns, ctx)
            .map(|r| crate::faults::lose_response(r, faults.lost_response_rate)),
        "update" => {
            let body = parse_body(ctx)?;
            update(state, rt, ns, name, body, ctx, target.subresource.is_some())
        }
        "patch" => patch_obj(state, rt, ns, name, ctx, target.subresource.is_some()),
        "delete" => delete(state, rt, ns, name, ctx)
            .map(|r| crate::faults::lose_response(r, faults.lost_response_rate)),
        _ => delete_collection(state, rt, ns, ctx),
    }
}

/// `kubectl auth can-i`: allowed unless the deny list says otherwise (no RBAC here).
fn self_subject_access_review(ctx: &Ctx, faults: &Faults) -> Result<Response, ApiError> {
    if ctx.method != Method::POST {
        return Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource".to_string(),
        ));
    }
    let mut review = parse_body(ctx)?;
    let attrs = &review["spec"]["resourceAttributes"];
    let allowed = if attrs.is_object() {
        let verb = attrs["verb"].as_str().unwrap_or("");
        let resource = attrs["resource"].as_str().unwrap_or("");
        !faults.denies(verb, resource)
    } else {
        // Non-resource URLs (`can-i get /healthz`): nothing is denied there.
        true
    };
    review["apiVersion"] = json!("authorization.k8s.io/v1");
    review["kind"] = json!("SelfSubjectAccessReview");
    review["metadata"] = json!({});
    review["status"] = json!({"allowed": allowed});
    Ok(json_response(201, &review))
}

/// The `autoscaling/v1` Scale of a deployment.
fn scale_of(deployment: &Value) -> Value {
    let md = &deployment["metadata"];
    let selector: Vec<String> = deployment["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": md["name"], "namespace": md["namespace"], "uid": md["uid"],
            "resourceVersion": md["resourceVersion"], "creationTimestamp": md["creationTimestamp"],
        },
        "spec": {"replicas": deployment["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {
            "replicas": deployment["status"]["replicas"].as_i64().unwrap_or(0),
            "selector": selector.join(","),
        },
    })
}

/// The `scale` subresource of deployments (`kubectl scale deployment`): get, update, patch.
fn scale(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    name: &str,
    verb: &str,
    ctx: &Ctx,
) -> Result<Response, ApiError> {
    let rref = ResRef {
        resource: rt.plural,
        group: rt.group,
    };
    let current = state
        .store()
        .get(rt, ns.unwrap_or(""), name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(rref, name))?;
    if verb == "get" {
        return Ok(json_response(200, &scale_of(&current)));
    }
    let mut wanted = scale_of(&current);
    if verb == "update" {
        let body = parse_body(ctx)?;
        let rv = body["metadata"]["resourceVersion"].as_str().unwrap_or("");
        if !rv.is_empty() && Some(rv) != current["metadata"]["resourceVersion"].as_str() {
            return Err(ApiError::conflict(rref, name));
        }
        wanted = body;
    } else {
        let doc: Value = serde_json::from_slice(&ctx.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
        let applied = match ctx.content_type.as_str() {
            "application/json-patch+json" => patch::json_patch(&mut wanted, &doc),
            "application/merge-patch+json" => {
                patch::merge_patch(&mut wanted, &doc);
                Ok(())
            }
            "application/strategic-merge-patch+json" => {
                patch::strategic_merge_patch(&mut wanted, &doc)
            }
            other => return Err(ApiError::unsupported_media_type(other)),
        };
        applied.map_err(ApiError::bad_request)?;
    }
    let replicas = wanted["spec"]["replicas"].as_i64().unwrap_or(0);
    if replicas < 0 {
        return Err(ApiError::invalid(
            "Scale",
            "autoscaling",
            name,
            &[FieldError::invalid_number(
                "spec.replicas",
                replicas,
                "must be greater than or equal to 0",
            )],
        ));
    }
    let mut deployment = current;
    deployment["spec"]["replicas"] = json!(replicas);
    let dry_run = ctx.dry_run();
    let written = update(state, rt, ns, name, deployment.clone(), ctx, false)?;
    let status = written.status().as_u16();
    let now = if dry_run {
        deployment
    } else {
        state
            .store()
            .get(rt, ns.unwrap_or(""), name)
            .cloned()
            .unwrap_or(deployment)
    };
    Ok(json_response(status, &scale_of(&now)))
}

fn parse_body(ctx: &Ctx) -> Result<Value, ApiError> {
    if ctx.content_type == "application/vnd.kubernetes.protobuf" {
        return crate::protobuf::decode(&ctx.body).map_err(ApiError::bad_request);
    }
    let v: Value = if ctx.content_type.contains("yaml") {
        let s = std::str::from_utf8(&ctx.body)
            .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
        serde_saphyr::from_str(s)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?
    } else {
        serde_json::from_slice(&ctx.body).map_err(|e| {
            ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
        })?
    };
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "couldn't get version/kind; json parse error: expected an object",
        ));
    }
    Ok(v)
}

/// Checks apiVersion/kind/namespace of a request body against the URL and fills them in.
fn check_body(rt: &ResourceType, ns: Option<&str>, obj: &mut Value) -> Result<(), ApiError> {
    let av = obj["apiVersion"].as_str().unwrap_or("");
    if !av.is_empty() && av != rt.api_version() {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({})",
            rt.api_version()
        )));
    }
    let kind = obj["kind"].as_str().unwrap_or("");
    if !kind.is_empty() && kind != rt.kind {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            rt.kind
        )));
    }
    obj["apiVersion"] = json!(rt.api_version());
    obj["kind"] = json!(rt.kind);
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    if rt.namespaced {
        let Some(ns) = ns else {
            return Err(ApiError::bad_request(
                "the server could not find the requested resource (namespace is required)",
            ));
        };
        let body_ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
        if !body_ns.is_empty() && body_ns != ns {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        obj["metadata"]["namespace"] = json!(ns);
    } else if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("namespace");
    }
    Ok(())
}

fn validate(rt: &ResourceType, obj: &Value) -> Result<(), ApiError> {
    if let Some(msg) = validation::undecodable(rt.plural, obj) {
        return Err(ApiError::bad_request(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: {msg}",
            kind = rt.kind,
            version = rt.version
        )));
    }
    let errs: Vec<FieldError> = validation::validate(rt, obj);
    if errs.is_empty() {
        Ok(())
    } else {
        let name = obj["metadata"]["name"].as_str().unwrap_or("");
        Err(ApiError::invalid(rt.kind, rt.group, name, &errs))
    }
}

fn create(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    ctx: &Ctx,
) -> Result<Response, ApiError> {
    let mut obj = parse_body(ctx)?;
    check_body(rt, ns, &mut obj)?;
    let rref = ResRef {
        resource: rt.plural,
        group: rt.group,
    };
    if obj["metadata"]["name"].as_str().unwrap_or("").is_empty()
        && let Some(g) = obj["metadata"]["generateName"].as_str()
        && !g.is_empty()
    {
        obj["metadata"]["name"] = json!(format!("{g}{}", util::name_suffix()));
    }
    validate(rt, &obj)?;
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let mut st = state.store();
    require_namespace(&st, ns)?;
    if st.get(rt, ns.unwrap_or(""), &name).is_some() {
        return Err(ApiError::already_exists(rref, &name));
    }
    if rt.plural == "services" {
        allocate_cluster_ip(&mut obj, st.rv);
    }
    if ctx.dry_run() {
        let mut o = obj;
        crate::store::prepare_new(rt, &mut o);
        return Ok(json_response(201, &o));
    }
    let out = st.create(rt, obj);
    let rv = st.rv;
    drop(st);
    state.notify(rv);
    Ok(json_response(201, &out))
}

fn update(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    name: &str,
    mut obj: Value,
    ctx: &Ctx,
    status_only: bool,
) -> Result<Response, ApiError> {
    check_body(rt, ns, &mut obj)?;
    let rref = ResRef {
        resource: rt.plural,
        group: rt.group,
    };
    let body_name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    if body_name.is_empty() {
        obj["metadata"]["name"] = json!(name);
    } else if body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let mut st = state.store();
    let Some(current) = st.get(rt, ns.unwrap_or(""), name).cloned() else {
        return Err(ApiError::not_found(rref, name));
    };
    let want_rv = obj["metadata"]["resourceVersion"].as_str().unwrap_or("");
    if !want_rv.is_empty()
        && want_rv
            != current["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or("")
    {
        return Err(ApiError::conflict(rref, name));
    }
    if status_only {
        let status = obj.get("status").cloned();
        obj = current.clone();
        match status {
            Some(s) => obj["status"] = s,
            None => {
                if let Some(m) = obj.as_object_mut() {
                    m.remove("status");
                }
            }
        }
    }
    validate(rt, &obj)?;
    if ctx.dry_run() {
        let mut o = obj;
        crate::store::carry_over(&current, &mut o, rt);
        o["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"].clone();
        return Ok(json_response(200, &o));
    }
    let out = st.replace(rt, obj);
    let rv = st.rv;
    drop(st);
    state.notify(rv);
    Ok(json_response(200, &out))
}

fn patch_obj(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    name: &str,
    ctx: &Ctx,
    status_only: bool,
) -> Result<Response, ApiError> {
    let rref = ResRef {
        resource: rt.plural,
        group: rt.group,
    };
    let ct = ctx.content_type.as_str();
    let patch_doc: Value = match ct {
        "application/json-patch+json"
        | "application/merge-patch+json"
        | "application/strategic-merge-patch+json" => serde_json::from_slice(&ctx.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?,
        "application/apply-patch+yaml" | "application/apply-patch+cbor" => {
            if ct.ends_with("cbor") {
                return Err(ApiError::unsupported_media_type(ct));
            }
            if ctx.q("fieldManager").is_empty() {
                return Err(ApiError::bad_request(
                    "PATCH, application/apply-patch+yaml requests require fieldManager to be set",
                ));
            }
            let s = std::str::from_utf8(&ctx.body)
                .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
            serde_saphyr::from_str(s)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    let current = state.store().get(rt, ns.unwrap_or(""), name).cloned();
    let is_apply = ct == "application/apply-patch+yaml";
    let Some(current) = current else {
        if is_apply && !status_only {
            // Server-side apply of a missing object creates it.
            let mut obj = patch_doc;
            if !obj.is_object() {
                return Err(ApiError::bad_request("apply patch must be an object"));
            }
            let body_name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
            if !body_name.is_empty() && body_name != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
            check_body(rt, ns, &mut obj)?;
            obj["metadata"]["name"] = json!(name);
            require_namespace(&state.store(), ns)?;
            validate(rt, &obj)?;
            if ctx.dry_run() {
                crate::store::prepare_new(rt, &mut obj);
                return Ok(json_response(201, &obj));
            }
            let mut st = state.store();
            if st.get(rt, ns.unwrap_or(""), name).is_some() {
                return Err(ApiError::conflict(rref, name));
            }
            let out = st.create(rt, obj);
            let rv = st.rv;
            drop(st);
            state.notify(rv);
            return Ok(json_response(201, &out));
        }
        return Err(ApiError::not_found(rref, name));
    };
    let mut obj = current.clone();
    let res = match ct {
        "application/json-patch+json" => patch::json_patch(&mut obj, &patch_doc),
        "application/merge-patch+json" => {
            patch::merge_patch(&mut obj, &patch_doc);
            Ok(())
        }
        _ => patch::strategic_merge_patch(&mut obj, &patch_doc),
    };
    if let Err(e) = res {
        return Err(if ct == "application/json-patch+json" {
            ApiError::invalid_patch(&e)
        } else {
            ApiError::bad_request(e)
        });
    }
    // A patch may carry a resourceVersion precondition; otherwise it applies to the latest.
    let patched_rv = obj["metadata"]["resourceVersion"].clone();
    if patched_rv == current["metadata"]["resourceVersion"]
        && let Some(m) = obj["metadata"].as_object_mut()
    {
        m.remove("resourceVersion");
    }
    update(state, rt, ns, name, obj, ctx, status_only)
}

fn delete(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    name: &str,
    ctx: &Ctx,
) -> Result<Response, ApiError> {
    let rref = ResRef {
        resource: rt.plural,
        group: rt.group,
    };
    let opts = ctx.delete_options()?;
    let dry_run = ctx.delete_dry_run(&opts);
    let mut st = state.store();
    let Some(current) = st.get(rt, ns.unwrap_or(""), name).cloned() else {
        return Err(ApiError::not_found(rref, name));
    };
    let pre = &opts["preconditions"];
    if let Some(uid) = pre["uid"].as_str()
        && Some(uid) != current["metadata"]["uid"].as_str()
    {
        return Err(ApiError::conflict(rref, name));
    }
    if let Some(rv) = pre["resourceVersion"].as_str()
        && Some(rv) != current["metadata"]["resourceVersion"].as_str()
    {
        return Err(ApiError::conflict(rref, name));
    }
    let out = if dry_run {
        current.clone()
    } else {
        if rt.plural == "namespaces" {
            for other in resources::RESOURCES.iter().filter(|r| r.namespaced) {
                for o in st.list(other, Some(name)) {
                    let (ons, oname) = key_of(&o);
                    st.delete(other, &ons, &oname);
                }
            }
        }
        let out = st
            .delete(rt, ns.unwrap_or(""), name)
            .unwrap_or(current.clone());
        let rv = st.rv;
        drop(st);
        state.notify(rv);
        out
    };
    if matches!(rt.plural, "namespaces" | "pods") {
        let mut o = out;
        if rt.plural == "namespaces" {
            o["status"]["phase"] = json!("Terminating");
        }
        o["metadata"]["deletionTimestamp"] = json!(util::now_rfc3339());
        return Ok(json_response(200, &o));
    }
    let mut details = json!({"name": name, "kind": rt.plural, "uid": current["metadata"]["uid"]});
    if !rt.group.is_empty() {
        details["group"] = json!(rt.group);
    }
    Ok(json_response(
        200,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}),
    ))
}

fn selectors(rt: &ResourceType, ctx: &Ctx) -> Result<(LabelSelector, FieldSelector), ApiError> {
    Ok((
        LabelSelector::parse(ctx.q("labelSelector"))?,
        FieldSelector::parse(ctx.q("fieldSelector"), rt)?,
    ))
}

fn delete_collection(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    ctx: &Ctx,
) -> Result<Response, ApiError> {
    let (ls, fs) = selectors(rt, ctx)?;
    let dry_run = ctx.delete_dry_run(&ctx.delete_options()?);
    let mut st = state.store();
    let victims: Vec<Value> = st
        .list(rt, ns)
        .into_iter()
        .filter(|o| ls.matches(o) && fs.matches(o))
        .collect();
    let mut items = Vec::new();
    for v in victims {
        let (ons, oname) = key_of(&v);
        if dry_run {
            items.push(v);
        } else if let Some(o) = st.delete(rt, &ons, &oname) {
            items.push(o);
        }
    }
    let rv = st.rv;
    drop(st);
    state.notify(rv);
    Ok(json_response(
        200,
        &json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version(),
                "metadata": {"resourceVersion": rv.to_string()}, "items": items}),
    ))
}

const CONTINUE_TOO_OLD: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

fn encode_continue(rv: u64, start: &str) -> String {
    use base64::Engine;
    let tok = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": format!("{start}\u{0}")});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tok.to_string())
}

fn decode_continue(s: &str) -> Result<(u64, String), ApiError> {
    use base64::Engine;
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    let rv = v["rv"].as_u64().ok_or_else(bad)?;
    let start = v["start"]
        .as_str()
        .ok_or_else(bad)?
        .trim_end_matches('\u{0}');
    Ok((rv, start.to_string()))
}

fn parse_rv(s: &str) -> Result<u64, ApiError> {
    s.parse::<u64>()
        .map_err(|_| ApiError::bad_request(format!("invalid resource version: {s:?}")))
}

fn list(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    ctx: &Ctx,
) -> Result<Response, ApiError> {
    let (ls, fs) = selectors(rt, ctx)?;
    let limit: usize = match ctx.q("limit") {
        "" => 0,
        s => s
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid limit: {s:?}")))?,
    };
    let st = state.store();
    let cont = ctx.q("continue");
    let rv_param = ctx.q("resourceVersion");
    let rv_match = ctx.q("resourceVersionMatch");
    let (snapshot_rv, start_after) = if !cont.is_empty() {
        if !rv_param.is_empty() {
            return Err(ApiError::bad_request(
                "specifying resource version is not allowed when using continue",
            ));
        }
        let (rv, start) = decode_continue(cont)?;
        (rv, Some(start))
    } else if rv_match == "Exact" {
        if rv_param.is_empty() || rv_param == "0" {
            return Err(ApiError::bad_request(
                "resourceVersionMatch: \"Exact\" requires a non-zero resourceVersion",
            ));
        }
        (parse_rv(rv_param)?, None)
    } else {
        if !rv_param.is_empty() {
            parse_rv(rv_param)?;
        }
        (st.rv, None)
    };
    let start_key = start_after.as_deref().map(|s| {
        let (n, name) = s.split_once('/').unwrap_or(("", s));
        (n.to_string(), name.to_string())
    });
    let keep = |(n, _): &(String, String), o: &Value| {
        ns.is_none_or(|w| w == n) && ls.matches(o) && fs.matches(o)
    };
    let Some((page, more)) = st.page(rt, snapshot_rv.min(st.rv), start_key.as_ref(), limit, keep)
    else {
        return Err(ApiError::expired(if cont.is_empty() {
            "The resourceVersion for the provided list is too old.".to_string()
        } else {
            CONTINUE_TOO_OLD.to_string()
        }));
    };
    // Only without selectors does the real server say how many items remain.
    let remaining = (more && ls.is_empty() && fs.is_empty()).then(|| {
        let last = page.last().map(|(k, _)| k.clone());
        st.count(rt, snapshot_rv.min(st.rv), last.as_ref(), keep)
            .unwrap_or(0)
    });
    drop(st);
    let mut md = json!({"resourceVersion": snapshot_rv.to_string()});
    if more && let Some(((n, name), _)) = page.last() {
        md["continue"] = json!(encode_continue(snapshot_rv, &format!("{n}/{name}")));
        if let Some(remaining) = remaining {
            md["remainingItemCount"] = json!(remaining);
        }
    }
    let matching = page;
    let take = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .take(take)
        .map(|(_, mut o)| {
            if let Some(m) = o.as_object_mut() {
                m.remove("apiVersion");
                m.remove("kind");
            }
            o
        })
        .collect();
    if tables::wants_table(&ctx.accept) {
        let table = tables::table(rt.plural, &items, md, ctx.q("includeObject"));
        return Ok(json_response(200, &table));
    }
    Ok(json_response(
        200,
        &json!({"kind": format!("{}List", rt.kind), "apiVersion": rt.api_version(), "metadata": md, "items": items}),
    ))
}

fn event_line(kind: &str, obj: &Value) -> Bytes {
    let mut s = json!({"type": kind, "object": obj}).to_string();
    s.push('\n');
    Bytes::from(s)
}

fn bookmark(rt: &ResourceType, rv: u64, initial_end: bool) -> Bytes {
    let mut md = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_end {
        md["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    event_line(
        "BOOKMARK",
        &json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": md}),
    )
}

fn expired_event(requested: u64, oldest: u64) -> Bytes {
    let st = ApiError::expired(format!("too old resource version: {requested} ({oldest})"));
    event_line("ERROR", &st.to_status())
}

/// How often a quiet watch that asked for bookmarks gets one (the real server: about a minute).
const BOOKMARK_INTERVAL: Duration = Duration::from_secs(60);

fn watch_stream(
    state: &Arc<AppState>,
    rt: &'static ResourceType,
    ns: Option<&str>,
    ctx: &Ctx,
    faults: &Faults,
) -> Result<Response, ApiError> {
    let (ls, fs) = selectors(rt, ctx)?;
    let ns = ns.map(str::to_string);
    let bookmarks = ctx.q("allowWatchBookmarks") == "true";
    let send_initial = ctx.q("sendInitialEvents") == "true";
    let timeout = match ctx.q("timeoutSeconds") {
        "" => None,
        s => Some(Duration::from_secs(s.parse().map_err(|_| {
            ApiError::bad_request(format!("invalid timeoutSeconds: {s:?}"))
        })?)),
    };
    let rv_param = ctx.q("resourceVersion").to_string();
    let start_rv = if rv_param.is_empty() || rv_param == "0" {
        None
    } else {
        Some(parse_rv(&rv_param)?)
    };
    let drop_after = faults.drop_watch_after;
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    let state = state.clone();
    let mut rv_rx = state.rv_tx.subscribe();
    let matches = move |o: &Value| -> bool {
        let in_ns = match &ns {
            Some(n) => o["metadata"]["namespace"].as_str() == Some(n.as_str()),
            None => true,
        };
        in_ns && ls.matches(o) && fs.matches(o)
    };
    tokio::spawn(async move {
        let mut sent = 0usize;
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        // Sends one event; returns false when the stream must end.
        macro_rules! send {
            ($bytes:expr, $counts:expr) => {{
                if tx.send(Ok($bytes)).await.is_err() {
                    return;
                }
                if $counts {
                    sent += 1;
                    if drop_after.is_some_and(|n| sent >= n) {
                        // Let hyper flush what was sent, then abort the connection.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        let _ = tx
                            .send(Err(std::io::Error::other(
                                "watch dropped by fault injection",
                            )))
                            .await;
                        return;
                    }
                }
            }};
        }
        let setup: Result<(Vec<Value>, u64), (u64, u64)> = {
            let st = state.store();
            match start_rv {
                None => Ok((
                    st.list(rt, None)
                        .into_iter()
                        .filter(|o| matches(o))
                        .collect::<Vec<_>>(),
                    st.rv,
                )),
                Some(r) if send_initial => Ok((
                    st.list(rt, None)
                        .into_iter()
                        .filter(|o| matches(o))
                        .collect(),
                    st.rv.max(r),
                )),
                Some(r) => {
                    if r < st.oldest_rv(rt.plural) {
                        Err((r, st.oldest_rv(rt.plural) + 1))
                    } else {
                        Ok((Vec::new(), r))
                    }
                }
            }
        };
        let (initial, mut last) = match setup {
            Ok(x) => x,
            Err((r, oldest)) => {
                let _ = tx.send(Ok(expired_event(r, oldest))).await;
                return;
            }
        };
        for o in initial {
            send!(event_line("ADDED", &o), true);
        }
        if send_initial && bookmarks {
            send!(bookmark(rt, last, true), false);
        }
        // Like the real server: a bookmark about once a minute, and one as the watch times out.
        let mut tick = tokio::time::interval(BOOKMARK_INTERVAL);
        tick.tick().await;
        loop {
            // Drain everything newer than `last`.
            let batch = {
                let st = state.store();
                match st.changes_since(rt.plural, last) {
                    Ok(cs) => {
                        let cur = st.rv;
                        Ok((cs, cur))
                    }
                    Err(oldest) => Err(oldest),
                }
            };
            match batch {
                Err(oldest) => {
                    let _ = tx.send(Ok(expired_event(last, oldest))).await;
                    return;
                }
                Ok((changes, cur)) => {
                    for c in changes {
                        if c.resource != rt.plural {
                            continue;
                        }
                        let now = matches(&c.object);
                        let before = c.prev.as_ref().is_some_and(&matches);
                        let kind = match c.kind {
                            ChangeType::Added if now => Some("ADDED"),
                            ChangeType::Modified if now && before => Some("MODIFIED"),
                            ChangeType::Modified if now => Some("ADDED"),
                            ChangeType::Modified if before => Some("DELETED"),
                            ChangeType::Deleted if before || now => Some("DELETED"),
                            _ => None,
                        };
                        if let Some(k) = kind {
                            send!(event_line(k, &c.object), true);
                        }
                    }
                    last = last.max(cur);
                }
            }
            let sleep_until = deadline
                .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(24 * 3600));
            tokio::select! {
                changed = rv_rx.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
                _ = tick.tick(), if bookmarks => {
                    send!(bookmark(rt, last, false), false);
                }
                _ = tokio::time::sleep_until(sleep_until) => {
                    if bookmarks {
                        let _ = tx.send(Ok(bookmark(rt, last, false))).await;
                    }
                    return;
                }
                _ = tx.closed() => return,
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(r)
}
