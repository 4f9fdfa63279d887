//! metav1.Status error values and their constructors, mirroring the real apiserver's messages.

use serde_json::{Value, json};

/// An API error that renders as a `metav1.Status` body with the matching HTTP code.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status code (also `status.code`).
    pub code: u16,
    /// `status.reason`, e.g. `NotFound`.
    pub reason: &'static str,
    /// Human readable message.
    pub message: String,
    /// `status.details`, if any.
    pub details: Option<Value>,
    /// Seconds for a `Retry-After` header (429).
    pub retry_after: Option<u64>,
}

/// Identifies a resource for error messages: plural resource name plus API group.
#[derive(Debug, Clone, Copy)]
pub struct ResRef<'a> {
    /// Plural resource, e.g. `configmaps`.
    pub resource: &'a str,
    /// API group, "" for core.
    pub group: &'a str,
}

impl ResRef<'_> {
    /// `configmaps` or `deployments.apps`, as used in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    fn details(&self, name: &str) -> Value {
        let mut d = serde_json::Map::new();
        if !name.is_empty() {
            d.insert("name".into(), json!(name));
        }
        if !self.group.is_empty() {
            d.insert("group".into(), json!(self.group));
        }
        d.insert("kind".into(), json!(self.resource));
        Value::Object(d)
    }
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    /// The `metav1.Status` JSON body.
    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        s
    }

    /// 404 NotFound for a named object.
    pub fn not_found(r: ResRef<'_>, name: &str) -> Self {
        let mut e = Self::new(
            404,
            "NotFound",
            format!("{} \"{}\" not found", r.qualified(), name),
        );
        e.details = Some(r.details(name));
        e
    }

    /// 404 for an unknown URL.
    pub fn path_not_found() -> Self {
        let mut e = Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
        e.details = Some(json!({}));
        e
    }

    /// 409 AlreadyExists.
    pub fn already_exists(r: ResRef<'_>, name: &str) -> Self {
        let mut e = Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{}\" already exists", r.qualified(), name),
        );
        e.details = Some(r.details(name));
        e
    }

    /// 409 Conflict on a stale resourceVersion.
    pub fn conflict(r: ResRef<'_>, name: &str) -> Self {
        let mut e = Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
                r.qualified(),
                name
            ),
        );
        e.details = Some(r.details(name));
        e
    }

    /// 422 Invalid with field causes: `(reason, field, message)`.
    pub fn invalid(kind: &str, group: &str, name: &str, causes: &[FieldError]) -> Self {
        let qualified_kind = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let msgs: Vec<String> = causes.iter().map(|c| c.to_string()).collect();
        let agg = if msgs.len() == 1 {
            msgs[0].clone()
        } else {
            format!("[{}]", msgs.join(", "))
        };
        let mut e = Self::new(
            422,
            "Invalid",
            format!("{qualified_kind} \"{name}\" is invalid: {agg}"),
        );
        let mut d = json!({
            "name": name,
            "kind": kind,
            "causes": causes.iter().map(|c| json!({
                "reason": c.reason,
                "message": c.detail_message(),
                "field": c.field,
            })).collect::<Vec<_>>(),
        });
        if !group.is_empty() {
            d["group"] = json!(group);
        }
        e.details = Some(d);
        e
    }

    /// 403 Forbidden in the real RBAC authorizer's words.
    pub fn forbidden(r: ResRef<'_>, verb: &str, name: &str, namespace: Option<&str>) -> Self {
        let subject = if name.is_empty() {
            r.qualified()
        } else {
            format!("{} \"{}\"", r.qualified(), name)
        };
        let scope = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        let mut e = Self::new(
            403,
            "Forbidden",
            format!(
                "{subject} is forbidden: User \"fake\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
                r.resource, r.group
            ),
        );
        e.details = Some(r.details(name));
        e
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 422 for a patch that cannot be applied.
    pub fn invalid_patch(message: &str) -> Self {
        Self::new(422, "Invalid", message.to_string())
    }

    /// 405 MethodNotAllowed.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    /// 415 UnsupportedMediaType.
    pub fn unsupported_media_type(ct: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got {ct:?}"
            ),
        )
    }

    /// 500 InternalError.
    pub fn internal(message: impl Into<String>) -> Self {
        let m = message.into();
        let mut e = Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {m}"),
        );
        e.details = Some(json!({"causes": [{"message": m}]}));
        e
    }

    /// 429 TooManyRequests with Retry-After.
    pub fn too_many_requests(retry_after: u64) -> Self {
        let mut e = Self::new(
            429,
            "TooManyRequests",
            "Too many requests, please try again later.",
        );
        e.details = Some(json!({"retryAfterSeconds": retry_after}));
        e.retry_after = Some(retry_after);
        e
    }

    /// 410 Gone / Expired.
    pub fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }
}

/// One field validation failure, rendered like k8s.io/apimachinery field.Error.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// `FieldValueInvalid`, `FieldValueRequired`, `FieldValueDuplicate`, `FieldValueTooLong`.
    pub reason: &'static str,
    /// Field path, e.g. `metadata.name`.
    pub field: String,
    /// The formatted body after the type, e.g. `Invalid value: "x": must ...`.
    pub body: String,
}

impl FieldError {
    /// `Invalid value: "<value>": <detail>`.
    pub fn invalid(field: &str, value: &str, detail: &str) -> Self {
        FieldError {
            reason: "FieldValueInvalid",
            field: field.into(),
            body: format!("Invalid value: {value:?}: {detail}"),
        }
    }

    /// `Invalid value: <number>: <detail>` (numbers are not quoted).
    pub fn invalid_number(field: &str, value: i64, detail: &str) -> Self {
        FieldError {
            reason: "FieldValueInvalid",
            field: field.into(),
            body: format!("Invalid value: {value}: {detail}"),
        }
    }

    /// `Required value: <detail>`.
    pub fn required(field: &str, detail: &str) -> Self {
        FieldError {
            reason: "FieldValueRequired",
            field: field.into(),
            body: if detail.is_empty() {
                "Required value".into()
            } else {
                format!("Required value: {detail}")
            },
        }
    }

    /// `Duplicate value: <value>: <detail>`.
    pub fn duplicate(field: &str, value: &str, detail: &str) -> Self {
        FieldError {
            reason: "FieldValueDuplicate",
            field: field.into(),
            body: format!("Duplicate value: {value}: {detail}"),
        }
    }

    /// `Too long: must have at most N bytes`.
    pub fn too_long(field: &str, max: usize) -> Self {
        FieldError {
            reason: "FieldValueTooLong",
            field: field.into(),
            body: format!("Too long: must have at most {max} bytes"),
        }
    }

    fn detail_message(&self) -> String {
        self.body.clone()
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.body)
    }
}
