//! Splits the `templates` value into node templates exactly as CA does (pure, no I/O).
//!
//! CA splits the text into chunks with apimachinery's `YAMLReader`, decodes every chunk with
//! the Kubernetes universal deserializer and then: with several chunks keeps the `Node`s and
//! silently drops the rest; with one chunk accepts only a `v1` `List` (whose non-Node items are
//! dropped). The deserializer needs `apiVersion` and `kind` of a registered type and rejects
//! values of the wrong type, so we check the Node fields CA and the scheduler rely on with the
//! same strictness.
//!
//! Note: provider-semantics.md says templates with no document make CA panic (it indexes an
//! empty slice). The code path cannot get there: CA rejects an empty value first, and
//! `YAMLReader` returns every non-empty chunk, even one holding only comments or blank lines,
//! which then fails to decode ("Object 'Kind' is missing"). We follow the code.

use super::{CaFailure, CaVersion, quantity};
use crate::yaml::{self, Document, JsonKind, Node, Resolved, Value, YamlError};

/// A template node, with where it was found.
#[derive(Debug, Clone, Copy)]
pub struct Template<'d> {
    pub node: &'d Node,
    /// Index among the kept templates (CA's order).
    pub ordinal: usize,
}

/// A non-Node object CA drops without a word.
#[derive(Debug, Clone)]
pub struct Dropped<'d> {
    pub at: &'d Node,
    pub kind: String,
    /// Dropped from a multi-document stream (as opposed to from a `List`'s items).
    pub top_level: bool,
}

#[derive(Debug, Clone)]
pub struct TemplateSet<'d> {
    pub templates: Vec<Template<'d>>,
    pub dropped: Vec<Dropped<'d>>,
}

/// Why CA rejects (or crashes on) the templates.
#[derive(Debug, Clone)]
pub enum TemplatesError<'d> {
    /// Not YAML at all.
    Syntax(YamlError),
    /// A `---` line followed by something other than a comment.
    Separator { line: u32, rest: String },
    /// A chunk with nothing but comments or blank lines (`all_blank`: every chunk is).
    Blank {
        line: u32,
        preview: String,
        all_blank: bool,
    },
    /// One document that is a `Node` or `NodeList` (or anything but a `List`).
    SingleNotList { at: &'d Node, kind: String },
    /// An object the universal deserializer rejects.
    Decode { at: &'d Node, message: String },
}

impl TemplatesError<'_> {
    /// CA's words: `LoadNodeTemplatesFromConfigMap` returns the reader's or the decoder's error
    /// unwrapped, and `BuildKwok` logs it as is (`klog.Fatal(err)`). The decoder converts YAML
    /// with `yaml.YAMLToJSON`, which adds no "error converting YAML to JSON" prefix.
    pub fn ca_failure(&self, configmap: &str) -> CaFailure {
        match self {
            TemplatesError::Syntax(e) => CaFailure::new(
                e.go_text(),
                format!("the templates in ConfigMap '{configmap}' are not valid YAML"),
            ),
            TemplatesError::Separator { rest, .. } => CaFailure::new(
                format!("invalid Yaml document separator: {rest}"),
                "a `---` line is followed by content; only a comment may follow it",
            ),
            TemplatesError::Blank {
                preview, all_blank, ..
            } => CaFailure::new(
                format!("Object 'Kind' is missing in '{preview}'"),
                if *all_blank {
                    format!(
                        "the templates in ConfigMap '{configmap}' hold only comments or blank lines"
                    )
                } else {
                    "a `---` section holds only comments or blank lines; CA decodes it and fails"
                        .to_owned()
                },
            ),
            TemplatesError::SingleNotList { kind, .. } => CaFailure::new(
                "invalid templates file (found something other than nodes in the file)",
                format!(
                    "a single templates document must be a `kind: List` of Nodes (as `kubectl get nodes -o yaml` prints), not a `{kind}`"
                ),
            ),
            TemplatesError::Decode { message, .. } => CaFailure::new(
                message.clone(),
                "a templates document cannot be decoded as a Kubernetes object",
            ),
        }
    }
}

/// API groups registered in client-go's scheme (any kind in them decodes; we cannot list kinds).
const REGISTERED_GROUP_VERSIONS: &[&str] = &[
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "batch/v1",
    "batch/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "networking.k8s.io/v1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "storage.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "node.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
    "certificates.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
];

/// Kinds registered for core `v1`.
const CORE_V1_KINDS: &[&str] = &[
    "Binding",
    "ComponentStatus",
    "ConfigMap",
    "Endpoints",
    "Event",
    "LimitRange",
    "List",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "ResourceQuota",
    "Secret",
    "Service",
    "ServiceAccount",
    "Status",
    "RangeAllocation",
    "PodStatusResult",
    "SerializedReference",
];

fn is_registered(api_version: &str, kind: &str) -> bool {
    if api_version == "v1" {
        let base = kind.strip_suffix("List").filter(|b| !b.is_empty());
        return CORE_V1_KINDS.contains(&kind) || base.is_some_and(|b| CORE_V1_KINDS.contains(&b));
    }
    REGISTERED_GROUP_VERSIONS.contains(&api_version)
}

/// What a decoded object is.
struct TypeMeta {
    api_version: String,
    kind: String,
}

fn decode_error<'d>(at: &'d Node, message: impl Into<String>) -> TemplatesError<'d> {
    TemplatesError::Decode {
        at,
        message: message.into(),
    }
}

/// The universal deserializer's first step: apiVersion and kind of a registered type.
/// `original` is the text it was given: the chunk's YAML for a document, `None` for a `List`
/// item (its JSON, as CA re-decodes `item.Raw`); "is missing" errors quote it.
fn type_meta<'d>(
    node: &'d Node,
    original: Option<&str>,
    version: CaVersion,
) -> Result<TypeMeta, TemplatesError<'d>> {
    if node.as_map().is_none() {
        return Err(decode_error(
            node,
            format!(
                "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
                node.json_kind().go_name()
            ),
        ));
    }
    let string_field = |name: &str| -> Result<String, TemplatesError<'_>> {
        match node.get(name) {
            None => Ok(String::new()),
            Some(v) if v.is_null() => Ok(String::new()),
            Some(v) => v.as_str().map(str::to_owned).ok_or_else(|| {
                decode_error(
                    v,
                    format!(
                        "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go struct field .{name} of type string",
                        v.json_kind().go_name()
                    ),
                )
            }),
        }
    };
    // encoding/json reports the first wrongly typed field in document order.
    let first_typed = node
        .as_map()
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| k.key_string())
        .filter(|k| k == "kind" || k == "apiVersion")
        .collect::<Vec<_>>();
    let mut kind = String::new();
    let mut api_version = String::new();
    for key in first_typed
        .iter()
        .chain(["kind".to_owned(), "apiVersion".to_owned()].iter())
    {
        let value = string_field(key)?;
        if key == "kind" {
            kind = value;
        } else {
            api_version = value;
        }
    }
    let quoted = || original.map_or_else(|| go_json(node), str::to_owned);
    if kind.is_empty() {
        return Err(decode_error(
            node,
            format!("Object 'Kind' is missing in '{}'", quoted()),
        ));
    }
    if api_version.is_empty() {
        return Err(decode_error(
            node,
            format!("Object 'apiVersion' is missing in '{}'", quoted()),
        ));
    }
    if !is_registered(&api_version, &kind) {
        return Err(decode_error(
            node.get("kind").unwrap_or(node),
            format!(
                "no kind \"{kind}\" is registered for version \"{api_version}\" in scheme \"pkg/runtime/scheme.go:{}\"",
                version.scheme_line()
            ),
        ));
    }
    Ok(TypeMeta { api_version, kind })
}

/// Type-checks the Node fields that CA, kwok and the scheduler read.
fn check_node_fields(node: &Node) -> Result<(), TemplatesError<'_>> {
    let mismatch = |at: &Node, go_struct: &str, path: &str, go_type: &str| {
        format!(
            "json: cannot unmarshal {} into Go struct field {go_struct}.{path} of type {go_type}",
            at.json_kind().go_name()
        )
    };
    let expect =
        |parent: &Node, key: &str, want: JsonKind, go_struct: &str, path: &str, go_type: &str| {
            if let Some(v) = parent.get(key) {
                let kind = v.json_kind();
                if kind != want && kind != JsonKind::Null {
                    return Err(mismatch(v, go_struct, path, go_type));
                }
            }
            Ok(())
        };
    let check = || -> Result<(), (String, &Node)> {
        let node_expect = |key, want, go_struct, path, go_type| {
            expect(node, key, want, go_struct, path, go_type)
                .map_err(|m| (m, node.get(key).unwrap_or(node)))
        };
        node_expect(
            "metadata",
            JsonKind::Object,
            "Node",
            "metadata",
            "v1.ObjectMeta",
        )?;
        node_expect("spec", JsonKind::Object, "Node", "spec", "v1.NodeSpec")?;
        node_expect(
            "status",
            JsonKind::Object,
            "Node",
            "status",
            "v1.NodeStatus",
        )?;
        if let Some(meta) = node.get("metadata") {
            let at = |k: &str| meta.get(k).unwrap_or(meta);
            expect(
                meta,
                "name",
                JsonKind::String,
                "ObjectMeta",
                "metadata.name",
                "string",
            )
            .map_err(|m| (m, at("name")))?;
            for map_key in ["labels", "annotations"] {
                let path = format!("metadata.{map_key}");
                expect(
                    meta,
                    map_key,
                    JsonKind::Object,
                    "ObjectMeta",
                    &path,
                    "map[string]string",
                )
                .map_err(|m| (m, at(map_key)))?;
                for (_, v) in meta.get(map_key).and_then(Node::as_map).unwrap_or_default() {
                    if !matches!(v.json_kind(), JsonKind::String | JsonKind::Null) {
                        return Err((mismatch(v, "ObjectMeta", &path, "string"), v));
                    }
                }
            }
        }
        if let Some(spec) = node.get("spec") {
            let at = |k: &str| spec.get(k).unwrap_or(spec);
            expect(
                spec,
                "taints",
                JsonKind::Array,
                "NodeSpec",
                "spec.taints",
                "[]v1.Taint",
            )
            .map_err(|m| (m, at("taints")))?;
            expect(
                spec,
                "unschedulable",
                JsonKind::Bool,
                "NodeSpec",
                "spec.unschedulable",
                "bool",
            )
            .map_err(|m| (m, at("unschedulable")))?;
            expect(
                spec,
                "providerID",
                JsonKind::String,
                "NodeSpec",
                "spec.providerID",
                "string",
            )
            .map_err(|m| (m, at("providerID")))?;
            for taint in spec
                .get("taints")
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                if !matches!(taint.json_kind(), JsonKind::Object | JsonKind::Null) {
                    return Err((
                        mismatch(taint, "NodeSpec", "spec.taints", "v1.Taint"),
                        taint,
                    ));
                }
                for field in ["key", "value", "effect"] {
                    let path = format!("spec.taints.{field}");
                    expect(taint, field, JsonKind::String, "Taint", &path, "string")
                        .map_err(|m| (m, taint.get(field).unwrap_or(taint)))?;
                }
            }
        }
        if let Some(status) = node.get("status") {
            for list_key in ["allocatable", "capacity"] {
                let path = format!("status.{list_key}");
                expect(
                    status,
                    list_key,
                    JsonKind::Object,
                    "NodeStatus",
                    &path,
                    "v1.ResourceList",
                )
                .map_err(|m| (m, status.get(list_key).unwrap_or(status)))?;
                for (_, v) in status
                    .get(list_key)
                    .and_then(Node::as_map)
                    .unwrap_or_default()
                {
                    match v.json_kind() {
                        JsonKind::Number | JsonKind::Null => {}
                        JsonKind::String => {
                            let text = v.as_str().unwrap_or_default();
                            if quantity::parse(text).is_none() {
                                return Err((
                                    // CA's words; the position says which value.
                                    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_owned(),
                                    v,
                                ));
                            }
                        }
                        // Quantity's UnmarshalJSON parses any other JSON text as a quantity.
                        _ => {
                            return Err((
                                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_owned(),
                                v,
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    };
    check().map_err(|(message, at)| decode_error(at, message))
}

/// Decodes one object (from `original`, see `type_meta`); returns its kind.
fn decode_object<'d>(
    node: &'d Node,
    original: Option<&str>,
    version: CaVersion,
) -> Result<String, TemplatesError<'d>> {
    let meta = type_meta(node, original, version)?;
    if meta.kind == "Node" && meta.api_version == "v1" {
        check_node_fields(node)?;
    }
    Ok(meta.kind)
}

/// One chunk of the templates text, parsed: its document, or `None` when it holds no YAML content.
#[derive(Debug)]
pub struct ParsedChunk {
    pub first_line: u32,
    pub document: Option<Document>,
    /// The chunk's text, as the decoder is given it, where CA's errors quote it (a blank chunk,
    /// a document without `kind` or `apiVersion`); empty otherwise.
    pub text: String,
}

/// Splits and parses the templates text as CA's `YAMLReader` and decoder see it.
pub fn read(text: &str) -> Result<Vec<ParsedChunk>, TemplatesError<'static>> {
    let chunks = yaml::split_documents(text).map_err(|e| TemplatesError::Separator {
        line: e.line,
        rest: e.rest,
    })?;
    let mut reader = yaml::Reader::default();
    let mut parsed = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let docs = super::tabs::parse(&mut reader, chunk.text, chunk.first_line)
            .map_err(TemplatesError::Syntax)?;
        let document = docs.into_iter().find(|d| !d.is_empty);
        // Kept only where CA's errors can quote it: a copy of a 28 MiB `List` would double
        // the memory of a run.
        let quotable = document.as_ref().is_none_or(|d| lacks_type_meta(&d.root));
        parsed.push(ParsedChunk {
            first_line: chunk.first_line,
            document,
            // YAMLReader ends every chunk with a newline, the last line's included.
            text: if !quotable {
                String::new()
            } else if chunk.text.is_empty() || chunk.text.ends_with('\n') {
                chunk.text.to_owned()
            } else {
                format!("{}\n", chunk.text)
            },
        });
    }
    Ok(parsed)
}

/// Whether `type_meta` can find `kind` or `apiVersion` missing (absent, null or empty) in a
/// mapping, the errors that quote the document's text.
fn lacks_type_meta(root: &Node) -> bool {
    root.as_map().is_some()
        && ["kind", "apiVersion"].iter().any(|key| {
            root.get(key)
                .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
        })
}

/// The documents of all chunks, with their texts; a blank chunk is CA's decode error.
fn documents(chunks: &[ParsedChunk]) -> Result<Vec<(&Document, &str)>, TemplatesError<'_>> {
    let all_blank = chunks.iter().all(|c| c.document.is_none());
    chunks
        .iter()
        .map(|c| {
            c.document
                .as_ref()
                .map(|d| (d, c.text.as_str()))
                .ok_or_else(|| TemplatesError::Blank {
                    line: c.first_line,
                    preview: c.text.clone(),
                    all_blank,
                })
        })
        .collect()
}

/// Turns the parsed chunks into CA's template list.
pub fn parse(
    chunks: &[ParsedChunk],
    version: CaVersion,
) -> Result<TemplateSet<'_>, TemplatesError<'_>> {
    if chunks.is_empty() {
        return Err(TemplatesError::Blank {
            line: 1,
            preview: String::new(),
            all_blank: true,
        });
    }
    let docs = documents(chunks)?;
    let mut kinds = Vec::with_capacity(docs.len());
    for (doc, text) in &docs {
        kinds.push(decode_object(&doc.root, Some(text), version)?);
    }
    let mut set = TemplateSet {
        templates: Vec::new(),
        dropped: Vec::new(),
    };
    if docs.len() == 1 {
        let root = &docs[0].0.root;
        let is_v1_list =
            kinds[0] == "List" && root.get("apiVersion").and_then(Node::as_str) == Some("v1");
        if !is_v1_list {
            return Err(TemplatesError::SingleNotList {
                at: root.get("kind").unwrap_or(root),
                kind: kinds[0].clone(),
            });
        }
        for item in list_items(root)? {
            let kind = decode_object(item, None, version)?;
            set.push(item, kind, false);
        }
    } else {
        for ((doc, _), kind) in docs.iter().zip(kinds) {
            set.push(&doc.root, kind, true);
        }
    }
    Ok(set)
}

/// The `items` of a `List` (none when missing or null).
fn list_items(root: &Node) -> Result<&[Node], TemplatesError<'_>> {
    match root.get("items") {
        None => Ok(&[]),
        Some(items) if items.is_null() => Ok(&[]),
        Some(items) => items.as_seq().ok_or_else(|| {
            decode_error(
                items,
                format!(
                    "json: cannot unmarshal {} into Go struct field List.items of type []runtime.RawExtension",
                    items.json_kind().go_name()
                ),
            )
        }),
    }
}

impl<'d> TemplateSet<'d> {
    /// Keeps a `v1` Node as a template; anything else is dropped.
    fn push(&mut self, node: &'d Node, kind: String, top_level: bool) {
        if kind == "Node" && node.get("apiVersion").and_then(Node::as_str) == Some("v1") {
            let ordinal = self.templates.len();
            self.templates.push(Template { node, ordinal });
        } else {
            self.dropped.push(Dropped {
                at: node,
                kind,
                top_level,
            });
        }
    }
}

/// CA's templates with `readNodesFrom: cluster`: every node (one per chunk, or inside `List`s).
pub fn from_live_nodes(chunks: &[ParsedChunk]) -> Result<TemplateSet<'_>, TemplatesError<'_>> {
    // Live nodes come decoded from the API server: no scheme lookup, so no version.
    let mut set = TemplateSet {
        templates: Vec::new(),
        dropped: Vec::new(),
    };
    for chunk in chunks {
        let Some(doc) = &chunk.document else { continue };
        let root = &doc.root;
        let nodes: Vec<&Node> = match root.get("kind").and_then(Node::as_str) {
            Some("List" | "NodeList") => list_items(root)?.iter().collect(),
            _ => vec![root],
        };
        for node in nodes {
            if node
                .get("kind")
                .and_then(Node::as_str)
                .is_some_and(|k| k != "Node")
            {
                continue;
            }
            check_node_fields(node)?;
            set.push(node, "Node".to_owned(), true);
        }
    }
    Ok(set)
}

/// A node as Go's `encoding/json` writes what `yaml.YAMLToJSON` made of it: map keys sorted,
/// `<`, `>`, `&` escaped, integral floats without a fraction (CA's errors quote `item.Raw`).
pub fn go_json(node: &Node) -> String {
    let mut out = String::new();
    write_go_json(node, &mut out);
    out
}

fn write_go_json(node: &Node, out: &mut String) {
    match &*node.value {
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            // A key written twice keeps its last value; Go sorts the keys.
            let mut latest: std::collections::BTreeMap<String, &Node> = Default::default();
            for (k, v) in entries.iter() {
                latest.insert(k.key_string(), v);
            }
            out.push('{');
            for (i, (k, v)) in latest.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(k, out);
                out.push(':');
                write_go_json(v, out);
            }
            out.push('}');
        }
        _ => match node.resolve() {
            None | Some(Resolved::Null) => out.push_str("null"),
            Some(Resolved::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
            Some(Resolved::Int(i)) => out.push_str(&i.to_string()),
            Some(Resolved::Float(f)) => out.push_str(&go_float(f)),
            Some(Resolved::Str(text)) => write_go_string(text, out),
        },
    }
}

/// Go's `encoding/json` float64: shortest form, exponent only below 1e-6 or from 1e21.
fn go_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".to_owned();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        );
    }
    let text = format!("{f}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

fn write_go_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl<'d> Template<'d> {
    pub fn name(&self) -> &'d str {
        self.node
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("")
    }

    pub fn metadata(&self) -> Option<&'d Node> {
        self.node.get("metadata")
    }

    /// A label's value, as CA reads it (missing = "").
    pub fn label(&self, key: &str) -> Option<&'d str> {
        self.node
            .path(&["metadata", "labels", key])
            .and_then(Node::as_str)
    }

    pub fn annotation(&self, key: &str) -> Option<&'d str> {
        self.node
            .path(&["metadata", "annotations", key])
            .and_then(Node::as_str)
    }

    /// Whether `metadata.annotations` is a map (even `{}`); without one CA panics.
    pub fn has_annotation_map(&self) -> bool {
        self.node
            .path(&["metadata", "annotations"])
            .is_some_and(|a| matches!(*a.value, Value::Map(_)))
    }

    pub fn labels(&self) -> &'d [(Node, Node)] {
        self.node
            .path(&["metadata", "labels"])
            .and_then(Node::as_map)
            .unwrap_or_default()
    }

    pub fn taints(&self) -> &'d [Node] {
        self.node
            .path(&["spec", "taints"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
    }

    /// An allocatable resource in base units (cores for cpu, bytes for memory).
    pub fn allocatable(&self, resource: &str) -> Option<f64> {
        let value = self.node.path(&["status", "allocatable", resource])?;
        match value.json_kind() {
            JsonKind::Number | JsonKind::String => quantity::parse(value.scalar_text()?),
            _ => None,
        }
    }

    /// `name` or, for nameless templates, `#ordinal`.
    pub fn display_name(&self) -> String {
        match self.name() {
            "" => format!("#{}", self.ordinal),
            name => name.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE_A: &str = "apiVersion: v1\nkind: Node\nmetadata:\n  name: a\n  annotations: {}\n  labels:\n    kwok-nodegroup: ng-a\n";
    const NODE_B: &str = "apiVersion: v1\nkind: Node\nmetadata:\n  name: b\n";

    fn list_of(items: &[&str]) -> String {
        let mut out = String::from("apiVersion: v1\nkind: List\nitems:\n");
        for item in items {
            for (i, line) in item.lines().enumerate() {
                out.push_str(if i == 0 { "- " } else { "  " });
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn several_documents_keep_nodes_and_drop_the_rest() {
        let text = format!(
            "{NODE_A}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\n---\n{NODE_B}"
        );
        let docs = read(&text).unwrap();
        let set = parse(&docs, CaVersion::LATEST).unwrap();
        assert_eq!(set.templates.len(), 2);
        assert_eq!(set.templates[1].name(), "b");
        assert_eq!(set.dropped.len(), 1);
        assert_eq!(set.dropped[0].kind, "ConfigMap");
        assert!(set.dropped[0].top_level);
    }

    #[test]
    fn a_list_inside_a_stream_is_dropped() {
        let text = format!("{NODE_A}---\n{}", list_of(&[NODE_B]));
        let docs = read(&text).unwrap();
        let set = parse(&docs, CaVersion::LATEST).unwrap();
        assert_eq!(set.templates.len(), 1);
        assert_eq!(set.dropped[0].kind, "List");
    }

    #[test]
    fn one_list_document_yields_its_nodes() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";
        let text = list_of(&[NODE_A, pod, NODE_B]);
        let docs = read(&text).unwrap();
        let set = parse(&docs, CaVersion::LATEST).unwrap();
        assert_eq!(set.templates.len(), 2);
        assert_eq!(set.dropped.len(), 1);
        assert!(!set.dropped[0].top_level);
    }

    #[test]
    fn a_single_node_or_node_list_is_rejected() {
        for text in [
            NODE_A.to_owned(),
            list_of(&[NODE_A]).replace("kind: List", "kind: NodeList"),
        ] {
            let docs = read(&text).unwrap();
            let err = parse(&docs, CaVersion::LATEST).unwrap_err();
            assert!(
                matches!(err, TemplatesError::SingleNotList { .. }),
                "{err:?}"
            );
            assert!(
                err.ca_failure("t")
                    .ca_message
                    .contains("found something other than nodes")
            );
        }
    }

    #[test]
    fn blank_chunks_fail_decoding_as_in_ca() {
        for text in ["", "# just a comment\n", "---\n---\n", "\n"] {
            let docs = read(text).unwrap();
            let err = parse(&docs, CaVersion::LATEST).unwrap_err();
            assert!(
                matches!(
                    err,
                    TemplatesError::Blank {
                        all_blank: true,
                        ..
                    }
                ),
                "{text:?}: {err:?}"
            );
            let failure = err.ca_failure("t");
            assert!(failure.ca_message.contains("Object 'Kind' is missing"));
            assert!(!failure.panics);
        }
        // A commented-out node between two nodes, or a trailing `---` plus a blank line.
        for text in [
            format!("{NODE_A}---\n# disabled\n---\n{NODE_B}"),
            format!("{NODE_A}---\n{NODE_B}---\n\n"),
        ] {
            let docs = read(&text).unwrap();
            match parse(&docs, CaVersion::LATEST).unwrap_err() {
                TemplatesError::Blank {
                    all_blank: false,
                    line,
                    ..
                } => assert!(line > 1),
                other => panic!("{text:?}: {other:?}"),
            }
        }
        // A trailing `---` alone is fine.
        let text = format!("{NODE_A}---\n{NODE_B}---\n");
        assert_eq!(
            parse(&read(&text).unwrap(), CaVersion::LATEST)
                .unwrap()
                .templates
                .len(),
            2
        );
    }

    #[test]
    fn content_after_a_separator_is_rejected() {
        let text = format!("{NODE_A}--- {{apiVersion: v1, kind: List, items: []}}\n");
        assert!(matches!(
            read(&text).unwrap_err(),
            TemplatesError::Separator { line: 8, .. }
        ));
    }

    #[test]
    fn live_nodes_are_all_templates() {
        let text = format!("{NODE_A}---\n{}", list_of(&[NODE_B]));
        let chunks = read(&text).unwrap();
        assert_eq!(from_live_nodes(&chunks).unwrap().templates.len(), 2);
        let single = read(NODE_A).unwrap();
        assert_eq!(from_live_nodes(&single).unwrap().templates.len(), 1);
    }

    #[test]
    fn unknown_kinds_and_missing_type_meta_fail_decoding() {
        for (text, needle) in [
            (
                "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\n---\n",
                "no kind \"Stage\"",
            ),
            ("kind: Node\n---\n", "'apiVersion' is missing"),
            ("apiVersion: v1\n---\n", "'Kind' is missing"),
        ] {
            let text = format!("{text}{NODE_A}");
            let docs = read(&text).unwrap();
            match parse(&docs, CaVersion::LATEST).unwrap_err() {
                TemplatesError::Decode { message, .. } => {
                    assert!(message.contains(needle), "{message}")
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn wrongly_typed_node_fields_fail_decoding() {
        let text = NODE_A.replace("ng-a", "123");
        let text = format!("{text}---\n{NODE_B}");
        let docs = read(&text).unwrap();
        match parse(&docs, CaVersion::LATEST).unwrap_err() {
            TemplatesError::Decode { message, at } => {
                assert!(
                    message.contains("ObjectMeta.metadata.labels of type string"),
                    "{message}"
                );
                assert_eq!(at.pos.line, 7);
            }
            other => panic!("unexpected {other:?}"),
        }
        let bad_quantity = format!("{NODE_B}status:\n  allocatable:\n    cpu: lots\n---\n{NODE_A}");
        let docs = read(&bad_quantity).unwrap();
        assert!(matches!(
            parse(&docs, CaVersion::LATEST).unwrap_err(),
            TemplatesError::Decode { .. }
        ));
    }

    #[test]
    fn template_accessors() {
        let text =
            format!("{NODE_A}status:\n  allocatable:\n    cpu: 500m\n    pods: 110\n---\n{NODE_B}");
        let docs = read(&text).unwrap();
        let set = parse(&docs, CaVersion::LATEST).unwrap();
        let a = set.templates[0];
        assert_eq!(a.label("kwok-nodegroup"), Some("ng-a"));
        assert!(a.has_annotation_map());
        assert!(!set.templates[1].has_annotation_map());
        assert_eq!(a.allocatable("cpu"), Some(0.5));
        assert_eq!(a.allocatable("pods"), Some(110.0));
        assert_eq!(a.allocatable("memory"), None);
    }
}
