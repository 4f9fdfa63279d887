//! Decodes the protobuf request bodies kubectl sends (`application/vnd.kubernetes.protobuf`,
//! e.g. `kubectl create configmap|namespace|deployment`) into the JSON the rest of the server
//! handles. Only the kinds and fields in the tables below: anything else is refused with a
//! clear 415, never silently dropped.

use serde_json::{Map, Value, json};

/// The 4-byte prefix of every Kubernetes protobuf body.
const MAGIC: &[u8] = b"k8s\0";

/// How one field's value is encoded and turned into JSON.
#[derive(Clone, Copy)]
enum Kind {
    /// A string; empty is left out (Go's `omitempty`).
    Str,
    /// An integer; zero is left out.
    Int,
    /// An integer behind a Go pointer: zero is kept.
    IntKeep,
    /// A bool; false is left out.
    Bool,
    /// A nested message, kept even when empty (`resources: {}`).
    Msg(&'static [Field]),
    /// `map<string, string>`.
    MapStr,
    /// `map<string, bytes>`, base64 in JSON.
    MapBytes,
    /// `map<string, Quantity>`.
    MapQuantity,
    /// `repeated string`.
    RepStr,
    /// `repeated` message.
    RepMsg(&'static [Field]),
    /// `metav1.Time`: RFC 3339, the zero time left out.
    Time,
    /// `intstr.IntOrString`.
    IntOrString,
}

type Field = (u32, &'static str, Kind);

const OWNER_REFERENCE: &[Field] = &[
    (1, "kind", Kind::Str),
    (3, "name", Kind::Str),
    (4, "uid", Kind::Str),
    (5, "apiVersion", Kind::Str),
    (6, "controller", Kind::Bool),
    (7, "blockOwnerDeletion", Kind::Bool),
];

const OBJECT_META: &[Field] = &[
    (1, "name", Kind::Str),
    (2, "generateName", Kind::Str),
    (3, "namespace", Kind::Str),
    (4, "selfLink", Kind::Str),
    (5, "uid", Kind::Str),
    (6, "resourceVersion", Kind::Str),
    (7, "generation", Kind::Int),
    (8, "creationTimestamp", Kind::Time),
    (9, "deletionTimestamp", Kind::Time),
    (10, "deletionGracePeriodSeconds", Kind::IntKeep),
    (11, "labels", Kind::MapStr),
    (12, "annotations", Kind::MapStr),
    (13, "ownerReferences", Kind::RepMsg(OWNER_REFERENCE)),
    (14, "finalizers", Kind::RepStr),
];

const CONFIG_MAP: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "data", Kind::MapStr),
    (3, "binaryData", Kind::MapBytes),
    (4, "immutable", Kind::Bool),
];

const NAMESPACE: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "spec", Kind::Msg(&[(1, "finalizers", Kind::RepStr)])),
    (3, "status", Kind::Msg(&[(1, "phase", Kind::Str)])),
];

const LABEL_SELECTOR: &[Field] = &[
    (1, "matchLabels", Kind::MapStr),
    (
        2,
        "matchExpressions",
        Kind::RepMsg(&[
            (1, "key", Kind::Str),
            (2, "operator", Kind::Str),
            (3, "values", Kind::RepStr),
        ]),
    ),
];

const CONTAINER: &[Field] = &[
    (1, "name", Kind::Str),
    (2, "image", Kind::Str),
    (3, "command", Kind::RepStr),
    (4, "args", Kind::RepStr),
    (5, "workingDir", Kind::Str),
    (
        6,
        "ports",
        Kind::RepMsg(&[
            (1, "name", Kind::Str),
            (2, "hostPort", Kind::Int),
            (3, "containerPort", Kind::Int),
            (4, "protocol", Kind::Str),
            (5, "hostIP", Kind::Str),
        ]),
    ),
    (
        7,
        "env",
        Kind::RepMsg(&[(1, "name", Kind::Str), (2, "value", Kind::Str)]),
    ),
    (
        8,
        "resources",
        Kind::Msg(&[
            (1, "limits", Kind::MapQuantity),
            (2, "requests", Kind::MapQuantity),
        ]),
    ),
    (13, "terminationMessagePath", Kind::Str),
    (14, "imagePullPolicy", Kind::Str),
    (16, "stdin", Kind::Bool),
    (17, "stdinOnce", Kind::Bool),
    (18, "tty", Kind::Bool),
    (20, "terminationMessagePolicy", Kind::Str),
];

const TOLERATION: &[Field] = &[
    (1, "key", Kind::Str),
    (2, "operator", Kind::Str),
    (3, "value", Kind::Str),
    (4, "effect", Kind::Str),
    (5, "tolerationSeconds", Kind::IntKeep),
];

const POD_SPEC: &[Field] = &[
    (2, "containers", Kind::RepMsg(CONTAINER)),
    (3, "restartPolicy", Kind::Str),
    (4, "terminationGracePeriodSeconds", Kind::IntKeep),
    (6, "dnsPolicy", Kind::Str),
    (7, "nodeSelector", Kind::MapStr),
    (8, "serviceAccountName", Kind::Str),
    (10, "nodeName", Kind::Str),
    (19, "schedulerName", Kind::Str),
    (20, "initContainers", Kind::RepMsg(CONTAINER)),
    (22, "tolerations", Kind::RepMsg(TOLERATION)),
];

const DEPLOYMENT_SPEC: &[Field] = &[
    (1, "replicas", Kind::IntKeep),
    (2, "selector", Kind::Msg(LABEL_SELECTOR)),
    (
        3,
        "template",
        Kind::Msg(&[
            (1, "metadata", Kind::Msg(OBJECT_META)),
            (2, "spec", Kind::Msg(POD_SPEC)),
        ]),
    ),
    (
        4,
        "strategy",
        Kind::Msg(&[
            (1, "type", Kind::Str),
            (
                2,
                "rollingUpdate",
                Kind::Msg(&[
                    (1, "maxUnavailable", Kind::IntOrString),
                    (2, "maxSurge", Kind::IntOrString),
                ]),
            ),
        ]),
    ),
    (5, "minReadySeconds", Kind::Int),
    (6, "revisionHistoryLimit", Kind::IntKeep),
    (7, "paused", Kind::Bool),
    (9, "progressDeadlineSeconds", Kind::IntKeep),
];

const DEPLOYMENT: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (2, "spec", Kind::Msg(DEPLOYMENT_SPEC)),
    (
        3,
        "status",
        Kind::Msg(&[
            (1, "observedGeneration", Kind::Int),
            (2, "replicas", Kind::Int),
            (3, "updatedReplicas", Kind::Int),
            (4, "availableReplicas", Kind::Int),
            (5, "unavailableReplicas", Kind::Int),
            (7, "readyReplicas", Kind::Int),
        ]),
    ),
];

const SELF_SUBJECT_ACCESS_REVIEW: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (
        2,
        "spec",
        Kind::Msg(&[
            (
                1,
                "resourceAttributes",
                Kind::Msg(&[
                    (1, "namespace", Kind::Str),
                    (2, "verb", Kind::Str),
                    (3, "group", Kind::Str),
                    (4, "version", Kind::Str),
                    (5, "resource", Kind::Str),
                    (6, "subresource", Kind::Str),
                    (7, "name", Kind::Str),
                ]),
            ),
            (
                2,
                "nonResourceAttributes",
                Kind::Msg(&[(1, "path", Kind::Str), (2, "verb", Kind::Str)]),
            ),
        ]),
    ),
    (3, "status", Kind::Msg(&[])),
];

const SERVICE: &[Field] = &[
    (1, "metadata", Kind::Msg(OBJECT_META)),
    (
        2,
        "spec",
        Kind::Msg(&[
            (
                1,
                "ports",
                Kind::RepMsg(&[
                    (1, "name", Kind::Str),
                    (2, "protocol", Kind::Str),
                    (3, "port", Kind::Int),
                    (4, "targetPort", Kind::IntOrString),
                    (5, "nodePort", Kind::Int),
                    (6, "appProtocol", Kind::Str),
                ]),
            ),
            (2, "selector", Kind::MapStr),
            (3, "clusterIP", Kind::Str),
            (4, "type", Kind::Str),
            (5, "externalIPs", Kind::RepStr),
            (7, "sessionAffinity", Kind::Str),
            (11, "externalName", Kind::Str),
            (18, "clusterIPs", Kind::RepStr),
        ]),
    ),
    (
        3,
        "status",
        Kind::Msg(&[(1, "loadBalancer", Kind::Msg(&[]))]),
    ),
];

/// The message table for a kind, by `apiVersion` and `kind`.
fn schema(api_version: &str, kind: &str) -> Option<&'static [Field]> {
    match (api_version, kind) {
        ("v1", "ConfigMap") => Some(CONFIG_MAP),
        ("v1", "Namespace") => Some(NAMESPACE),
        ("v1", "Service") => Some(SERVICE),
        ("apps/v1", "Deployment") => Some(DEPLOYMENT),
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview") => Some(SELF_SUBJECT_ACCESS_REVIEW),
        _ => None,
    }
}

/// A cursor over protobuf wire data.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .buf
                .get(self.pos)
                .ok_or("truncated varint in protobuf body")?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint too long in protobuf body".to_owned())
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let len = usize::try_from(self.varint()?).map_err(|e| e.to_string())?;
        let end = self
            .pos
            .checked_add(len)
            .filter(|end| *end <= self.buf.len())
            .ok_or("truncated field in protobuf body")?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    /// The next field: its number and, for length-delimited ones, the bytes; varints as a number.
    fn field(&mut self) -> Result<(u32, Wire<'a>), String> {
        let tag = self.varint()?;
        let number = u32::try_from(tag >> 3).map_err(|e| e.to_string())?;
        let wire = match tag & 7 {
            0 => Wire::Varint(self.varint()?),
            2 => Wire::Bytes(self.bytes()?),
            1 => {
                self.pos += 8;
                Wire::Fixed
            }
            5 => {
                self.pos += 4;
                Wire::Fixed
            }
            other => return Err(format!("unsupported protobuf wire type {other}")),
        };
        if self.pos > self.buf.len() {
            return Err("truncated fixed field in protobuf body".to_owned());
        }
        Ok((number, wire))
    }
}

enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

fn text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("protobuf string is not UTF-8: {e}"))
}

/// The (key, value) of a map entry message.
fn entry(bytes: &[u8]) -> Result<(String, Option<&[u8]>), String> {
    let mut r = Reader::new(bytes);
    let (mut key, mut value) = (String::new(), None);
    while !r.done() {
        match r.field()? {
            (1, Wire::Bytes(b)) => key = text(b)?,
            (2, Wire::Bytes(b)) => value = Some(b),
            (n, _) => return Err(format!("unexpected field {n} in a protobuf map entry")),
        }
    }
    Ok((key, value))
}

fn time(bytes: &[u8]) -> Result<Option<String>, String> {
    let mut r = Reader::new(bytes);
    let mut seconds = 0i64;
    while !r.done() {
        if let (1, Wire::Varint(v)) = r.field()? {
            seconds = v as i64;
        }
    }
    if seconds == 0 {
        return Ok(None);
    }
    Ok(Some(crate::util::rfc3339(seconds)))
}

/// Decodes one message by its field table.
fn message(bytes: &[u8], fields: &'static [Field], path: &str) -> Result<Value, String> {
    let mut out = Map::new();
    let mut r = Reader::new(bytes);
    while !r.done() {
        let (number, wire) = r.field()?;
        let Some((_, name, kind)) = fields.iter().find(|(n, _, _)| *n == number) else {
            // Go's generated code writes zero values too: a zero loses nothing.
            if matches!(wire, Wire::Varint(0)) || matches!(wire, Wire::Bytes(b) if b.is_empty()) {
                continue;
            }
            return Err(format!(
                "the fake API server cannot decode protobuf field {number} of {path}; send JSON"
            ));
        };
        let here = format!("{path}.{name}");
        let bad = || format!("protobuf field {here} has the wrong wire type");
        match (*kind, wire) {
            (Kind::Str, Wire::Bytes(b)) => {
                let s = text(b)?;
                if !s.is_empty() {
                    out.insert((*name).into(), json!(s));
                }
            }
            (Kind::Int | Kind::IntKeep, Wire::Varint(v)) => {
                let n = v as i64;
                if n != 0 || matches!(kind, Kind::IntKeep) {
                    out.insert((*name).into(), json!(n));
                }
            }
            (Kind::Bool, Wire::Varint(v)) => {
                if v != 0 {
                    out.insert((*name).into(), json!(true));
                }
            }
            (Kind::Msg(inner), Wire::Bytes(b)) => {
                out.insert((*name).into(), message(b, inner, &here)?);
            }
            (Kind::MapStr | Kind::MapBytes | Kind::MapQuantity, Wire::Bytes(b)) => {
                let (key, value) = entry(b)?;
                let value = value.unwrap_or_default();
                let value = match kind {
                    Kind::MapStr => json!(text(value)?),
                    Kind::MapBytes => {
                        use base64::Engine;
                        json!(base64::engine::general_purpose::STANDARD.encode(value))
                    }
                    _ => message(value, &[(1, "string", Kind::Str)], &here)?["string"].clone(),
                };
                let map = out
                    .entry(*name)
                    .or_insert_with(|| Value::Object(Map::new()));
                map[key] = value;
            }
            (Kind::RepStr, Wire::Bytes(b)) => push(&mut out, name, json!(text(b)?)),
            (Kind::RepMsg(inner), Wire::Bytes(b)) => {
                push(&mut out, name, message(b, inner, &here)?);
            }
            (Kind::Time, Wire::Bytes(b)) => {
                if let Some(t) = time(b)? {
                    out.insert((*name).into(), json!(t));
                }
            }
            (Kind::IntOrString, Wire::Bytes(b)) => {
                let v = message(
                    b,
                    &[
                        (1, "type", Kind::Int),
                        (2, "intVal", Kind::Int),
                        (3, "strVal", Kind::Str),
                    ],
                    &here,
                )?;
                let value = if v["type"] == 1 {
                    v["strVal"].clone()
                } else {
                    json!(v["intVal"].as_i64().unwrap_or(0))
                };
                out.insert((*name).into(), value);
            }
            _ => return Err(bad()),
        }
    }
    Ok(Value::Object(out))
}

fn push(out: &mut Map<String, Value>, name: &str, value: Value) {
    if let Value::Array(items) = out.entry(name).or_insert_with(|| json!([])) {
        items.push(value);
    }
}

/// Decodes a `application/vnd.kubernetes.protobuf` body (magic, `runtime.Unknown` envelope,
/// then the object) into its JSON form.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or("protobuf body without the k8s magic prefix")?;
    let mut r = Reader::new(rest);
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), None);
    while !r.done() {
        match r.field()? {
            (1, Wire::Bytes(type_meta)) => {
                let meta = message(
                    type_meta,
                    &[(1, "apiVersion", Kind::Str), (2, "kind", Kind::Str)],
                    "typeMeta",
                )?;
                api_version = meta["apiVersion"].as_str().unwrap_or("").to_owned();
                kind = meta["kind"].as_str().unwrap_or("").to_owned();
            }
            (2, Wire::Bytes(b)) => raw = Some(b),
            _ => {}
        }
    }
    let fields = schema(&api_version, &kind).ok_or_else(|| {
        format!("the fake API server decodes protobuf only for ConfigMap, Namespace, Service, Deployment and SelfSubjectAccessReview, not {api_version}/{kind}; send JSON")
    })?;
    let mut obj = message(raw.unwrap_or_default(), fields, &kind)?;
    obj["apiVersion"] = json!(api_version);
    obj["kind"] = json!(kind);
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(number: u32, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![(number << 3 | 2) as u8, bytes.len() as u8];
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn a_configmap_envelope_decodes() {
        let type_meta = [field(1, b"v1"), field(2, b"ConfigMap")].concat();
        let meta = [field(1, b"x"), field(3, b""), field(8, b"")].concat();
        let data = field(2, &[field(1, b"a"), field(2, b"b")].concat());
        let raw = [field(1, &meta), data].concat();
        let body = [MAGIC.to_vec(), field(1, &type_meta), field(2, &raw)].concat();
        assert_eq!(
            decode(&body).unwrap(),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}})
        );
        assert!(decode(b"{}").is_err());
        assert_eq!(
            time(&[8, 0x80, 0xac, 0xe3, 0xba, 0x06]).unwrap().unwrap(),
            "2024-12-11T00:00:00Z"
        );
    }
}
