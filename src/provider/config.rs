//! Decodes the provider config (`config` key) the way CA does, then runs CA's checks in CA's order.
//!
//! CA decodes with `yaml.NewYAMLOrJSONDecoder` (first document only) into Go structs through
//! `sigs.k8s.io/yaml` and `encoding/json`. That means: unknown fields are ignored, field names
//! match case-insensitively, scalars convert to strings when the target is a string, and any
//! other type mismatch is a decode error (CA reports the first one and exits). We mirror that
//! with a small description of CA's Go structs instead of serde derives, because we must also
//! keep every position and every ignored field for the diagnostics.

use super::{CONFIG_API_VERSION, CaFailure, CaVersion, go_yaml};
use crate::yaml::{self, Document, JsonKind, Node, Resolved, Value};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GoType {
    String,
    Bool,
    Struct(&'static StructDef),
    /// `map[string]struct{}` (`availableGPUTypes`).
    SetOfStructs,
}

#[derive(Debug, PartialEq, Eq)]
struct FieldDef {
    name: &'static str,
    ty: GoType,
}

#[derive(Debug, PartialEq, Eq)]
struct StructDef {
    go_name: &'static str,
    fields: &'static [FieldDef],
}

const fn field(name: &'static str, ty: GoType) -> FieldDef {
    FieldDef { name, ty }
}

static GPU_CONFIG: StructDef = StructDef {
    go_name: "GPUConfig",
    fields: &[
        field("gpuLabelKey", GoType::String),
        field("availableGPUTypes", GoType::SetOfStructs),
    ],
};
static NODE_CONFIG: StructDef = StructDef {
    go_name: "NodeConfig",
    fields: &[
        field("gpuConfig", GoType::Struct(&GPU_CONFIG)),
        field("skipTaint", GoType::Bool),
    ],
};
static CONFIGMAP_CONFIG: StructDef = StructDef {
    go_name: "ConfigMapConfig",
    fields: &[field("name", GoType::String), field("key", GoType::String)],
};
static KWOK_CONFIG: StructDef = StructDef {
    go_name: "KwokConfig",
    fields: &[],
};
static NODEGROUPS_UP_TO_1_33: StructDef = StructDef {
    go_name: "NodegroupsConfig",
    fields: &[
        field("fromNodeLabelKey", GoType::String),
        field("fromNodeLabelAnnotation", GoType::String),
    ],
};
static NODEGROUPS_FROM_1_34: StructDef = StructDef {
    go_name: "NodegroupsConfig",
    fields: &[
        field("fromNodeLabelKey", GoType::String),
        field("fromNodeAnnotationKey", GoType::String),
    ],
};
static ROOT_UP_TO_1_33: StructDef = StructDef {
    go_name: "KwokProviderConfig",
    fields: &[
        field("apiVersion", GoType::String),
        field("readNodesFrom", GoType::String),
        field("nodegroups", GoType::Struct(&NODEGROUPS_UP_TO_1_33)),
        field("nodes", GoType::Struct(&NODE_CONFIG)),
        field("configmap", GoType::Struct(&CONFIGMAP_CONFIG)),
        field("kwok", GoType::Struct(&KWOK_CONFIG)),
    ],
};
static ROOT_FROM_1_34: StructDef = StructDef {
    go_name: "KwokProviderConfig",
    fields: &[
        field("apiVersion", GoType::String),
        field("readNodesFrom", GoType::String),
        field("nodegroups", GoType::Struct(&NODEGROUPS_FROM_1_34)),
        field("nodes", GoType::Struct(&NODE_CONFIG)),
        field("configmap", GoType::Struct(&CONFIGMAP_CONFIG)),
        field("kwok", GoType::Struct(&KWOK_CONFIG)),
    ],
};

fn root_def(version: CaVersion) -> &'static StructDef {
    if version.annotation_key_field() == "fromNodeAnnotationKey" {
        &ROOT_FROM_1_34
    } else {
        &ROOT_UP_TO_1_33
    }
}

/// The field names CA's structs accept under `parent` (dotted path, "" for the top level).
pub fn known_fields(version: CaVersion, parent: &str) -> Vec<&'static str> {
    let mut def = root_def(version);
    for part in parent.split('.').filter(|p| !p.is_empty()) {
        match def.fields.iter().find(|f| f.name == part).map(|f| f.ty) {
            Some(GoType::Struct(inner)) => def = inner,
            _ => return Vec::new(),
        }
    }
    def.fields.iter().map(|f| f.name).collect()
}

/// A key/value pair of the config that CA decoded into a field.
#[derive(Debug, Clone, Copy)]
pub struct Assigned<'d> {
    pub key: &'d Node,
    pub value: &'d Node,
}

/// Something in the config that CA's decoder treats differently from how it reads.
#[derive(Debug, Clone)]
pub enum DecodeIssue<'d> {
    /// A key no CA struct field matches: silently ignored.
    UnknownField {
        /// Dotted path of the enclosing struct ("" for the top level).
        parent: String,
        key: &'d Node,
    },
    /// A key that matches a field only case-insensitively.
    CaseMismatch { canonical: String, key: &'d Node },
    /// A value of the wrong type; CA fails to decode the config.
    TypeError {
        path: String,
        at: &'d Node,
        /// Go's own message, e.g. `json: cannot unmarshal string into Go struct field …`.
        go_message: String,
    },
    /// Content inside `kwok:`, an empty struct in CA.
    KwokContent { key: &'d Node },
    /// The same key written twice; `winner` is the one CA keeps.
    DuplicateKey { first: &'d Node, winner: &'d Node },
    /// Keys differing only in case that set one field; `winner` is the one CA keeps.
    CaseCollision {
        canonical: String,
        loser: &'d Node,
        winner: &'d Node,
    },
}

/// The provider config as CA's decoder sees it.
#[derive(Debug)]
pub struct DecodedConfig<'d> {
    pub version: CaVersion,
    /// Decoded as JSON (no YAML-to-string conversions).
    pub json: bool,
    pub root: &'d Node,
    fields: HashMap<String, Assigned<'d>>,
    pub issues: Vec<DecodeIssue<'d>>,
    /// A `.inf`/`.nan` that sigs.k8s.io/yaml does not turn into a string (its target is not a
    /// string field): json.Marshal refuses it before any field is decoded.
    pub unsupported_value: Option<&'d Node>,
}

/// How the provider-config text failed before any field was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigTextError {
    Syntax(go_yaml::GoYamlError),
    /// The value is the empty string: the decoder reports `EOF`.
    Empty,
    /// A `---` line followed by content.
    Separator {
        line: u32,
        rest: String,
    },
    /// Text that starts with `{` is read as JSON, and is not valid JSON.
    Json {
        line: u32,
        col: u32,
        message: String,
    },
}

/// The part of the provider-config text that CA decodes.
#[derive(Debug)]
pub struct ConfigText {
    /// The documents of the first `---` section (CA reads only that one).
    pub docs: Vec<Document>,
    /// The text starts with `{`: decoded as JSON, without YAML's conversions.
    pub json: bool,
    /// The first section holds only comments or blank lines.
    pub first_section_blank: bool,
    /// Where the first later section with content starts (CA ignores it).
    pub ignored_section_line: Option<u32>,
}

/// Reads the text as `yaml.NewYAMLOrJSONDecoder` does: JSON when it starts with `{`, else the
/// first chunk of apimachinery's `YAMLReader` (a leading comment-only chunk counts!).
pub fn parse_text(text: &str) -> Result<ConfigText, ConfigTextError> {
    if text.is_empty() {
        return Err(ConfigTextError::Empty);
    }
    if go_yaml::has_json_prefix(text) {
        return match go_yaml::json_decoder_first_value(text.as_bytes()) {
            Ok(end) => {
                let docs = go_yaml::read_json(&mut yaml::Reader::default(), &text[..end], 1)
                    .map_err(ConfigTextError::Syntax)?;
                Ok(ConfigText {
                    docs: with_a_document(docs),
                    json: true,
                    first_section_blank: false,
                    ignored_section_line: None,
                })
            }
            Err(go_yaml::JsonDecodeError::Eof) => Err(ConfigTextError::Empty),
            Err(e) => {
                let (line, col) = go_yaml::line_col(text, e.offset(text));
                Err(ConfigTextError::Json {
                    line,
                    col,
                    message: e.apimachinery_text(),
                })
            }
        };
    }
    parse_yaml(text)
}

/// The text as CA `version` decodes it: `parse_text`, then, where apimachinery retries as
/// YAML after a failed JSON decode (1.33+), the YAML reading when JSON fails and YAML does not.
pub fn parse_for(text: &str, version: CaVersion) -> Result<ConfigText, ConfigTextError> {
    let parsed = parse_text(text);
    if !version.retries_json_as_yaml() {
        return parsed;
    }
    match parsed {
        // A JSON syntax error: YAML's reading if it decodes cleanly, else the JSON error
        // (apimachinery's firstErr).
        Err(json_error @ ConfigTextError::Json { .. }) => match parse_yaml(text) {
            Ok(yaml) if decode(&yaml, version).first_type_error().is_none() => Ok(yaml),
            _ => Err(json_error),
        },
        // A JSON type error: YAML's reading if it decodes cleanly, else the JSON one.
        Ok(json) if json.json && decode(&json, version).first_type_error().is_some() => {
            match parse_yaml(text) {
                Ok(yaml) if decode(&yaml, version).first_type_error().is_none() => Ok(yaml),
                _ => Ok(json),
            }
        }
        other => other,
    }
}

/// The first chunk of apimachinery's `YAMLReader`, as YAML.
fn parse_yaml(text: &str) -> Result<ConfigText, ConfigTextError> {
    let mut reader = yaml::Reader::default();
    let chunks = yaml::split_documents(text).map_err(|e| ConfigTextError::Separator {
        line: e.line,
        rest: e.rest,
    })?;
    let Some(first) = chunks.first() else {
        return Err(ConfigTextError::Empty);
    };
    let docs = with_a_document(
        go_yaml::read_first_document(&mut reader, first.text, first.first_line)
            .map_err(ConfigTextError::Syntax)?,
    );
    let has_content = |chunk: &yaml::Chunk<'_>| {
        chunk.text.lines().any(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#') && !l.starts_with("---")
        })
    };
    Ok(ConfigText {
        first_section_blank: docs.iter().all(|d| d.is_empty),
        docs,
        json: false,
        ignored_section_line: chunks[1..]
            .iter()
            .find(|c| has_content(c))
            .map(|c| c.first_line),
    })
}

/// At least one document (an empty one when the text has none), so decoding has a root.
fn with_a_document(mut docs: Vec<Document>) -> Vec<Document> {
    if docs.is_empty() {
        docs.push(Document {
            root: Node::null(),
            is_empty: true,
        });
    }
    docs
}

impl ConfigTextError {
    pub fn ca_failure(&self) -> CaFailure {
        let prefix = super::config_not_loaded("failed to decode kwok config");
        match self {
            ConfigTextError::Syntax(e) => CaFailure::new(
                format!("{prefix}: error converting YAML to JSON: {}", e.go_text()),
                if e.go_yaml.is_some() {
                    "the provider config repeats anchors into far more nodes than it writes; go-yaml (CA's YAML reader) refuses it"
                } else {
                    "the provider config is not valid YAML"
                },
            ),
            ConfigTextError::Empty => {
                CaFailure::new(format!("{prefix}: EOF"), "the provider config is empty")
            }
            ConfigTextError::Separator { rest, .. } => CaFailure::new(
                format!("{prefix}: invalid Yaml document separator: {rest}"),
                "a `---` line is followed by content; only a comment may follow it",
            ),
            ConfigTextError::Json { message, .. } => CaFailure::new(
                format!("{prefix}: {message}"),
                "the provider config starts with `{`, so it is read as JSON, and it is not valid JSON",
            ),
        }
    }
}

/// Decodes what CA decodes: the first document of the first section.
pub fn decode(text: &ConfigText, version: CaVersion) -> DecodedConfig<'_> {
    let root = &text
        .docs
        .iter()
        .find(|d| !d.is_empty)
        .unwrap_or(&text.docs[0])
        .root;
    let mut decoded = DecodedConfig {
        version,
        json: text.json,
        root,
        fields: HashMap::new(),
        issues: Vec::new(),
        unsupported_value: None,
    };
    let def = root_def(version);
    match &*root.value {
        Value::Map(entries) => decoded.decode_struct(def, "", entries),
        _ if root.is_null() => {}
        _ => decoded.issues.push(DecodeIssue::TypeError {
            path: String::new(),
            at: root,
            go_message: format!(
                "json: cannot unmarshal {} into Go value of type kwok.{}",
                root.json_kind().go_name(),
                def.go_name
            ),
        }),
    }
    decoded
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// Go's `encoding/json` field matching: exact name first, then case-insensitive.
fn match_field<'s>(def: &'s StructDef, key: &str) -> Option<(&'s FieldDef, bool)> {
    if let Some(f) = def.fields.iter().find(|f| f.name == key) {
        return Some((f, true));
    }
    def.fields
        .iter()
        .find(|f| f.name.to_lowercase() == key.to_lowercase())
        .map(|f| (f, false))
}

impl<'d> DecodedConfig<'d> {
    fn decode_struct(
        &mut self,
        def: &'static StructDef,
        parent: &str,
        entries: &'d [(Node, Node)],
    ) {
        for (key, value) in self.application_order(entries) {
            let key_text = key.key_string();
            let Some((field, exact)) = match_field(def, &key_text) else {
                self.note_unconverted(value);
                if std::ptr::eq(def, &KWOK_CONFIG) {
                    self.issues.push(DecodeIssue::KwokContent { key });
                } else {
                    self.issues.push(DecodeIssue::UnknownField {
                        parent: parent.to_owned(),
                        key,
                    });
                }
                continue;
            };
            let path = join(parent, field.name);
            if !exact {
                self.issues.push(DecodeIssue::CaseMismatch {
                    canonical: path.clone(),
                    key,
                });
            }
            self.decode_field(def, field, path, key, value);
        }
    }

    /// The order in which Go assigns the keys. YAML goes through `sigs.k8s.io/yaml`: a key
    /// written twice keeps its last value, then keys are applied in sorted order (so of
    /// `readNodesFrom` and `readnodesfrom`, the lowercase one wins). JSON keeps document order.
    fn application_order(&mut self, entries: &'d [(Node, Node)]) -> Vec<(&'d Node, &'d Node)> {
        if self.json {
            return entries.iter().map(|(k, v)| (k, v)).collect();
        }
        let mut latest: Vec<(&'d Node, &'d Node)> = Vec::new();
        for (key, value) in entries {
            let text = key.key_string();
            if let Some(slot) = latest.iter_mut().find(|(k, _)| k.key_string() == text) {
                self.issues.push(DecodeIssue::DuplicateKey {
                    first: slot.0,
                    winner: key,
                });
                *slot = (key, value);
            } else {
                latest.push((key, value));
            }
        }
        latest.sort_by_key(|(k, _)| k.key_string());
        latest
    }

    fn type_error(&mut self, def: &StructDef, path: &str, value: &'d Node, go_type: &str) {
        self.issues.push(DecodeIssue::TypeError {
            path: path.to_owned(),
            at: value,
            go_message: format!(
                "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                value.json_kind().go_name(),
                def.go_name,
                path,
                go_type
            ),
        });
    }

    fn decode_field(
        &mut self,
        def: &StructDef,
        field: &FieldDef,
        path: String,
        key: &'d Node,
        value: &'d Node,
    ) {
        let assigned = Assigned { key, value };
        // sigs.k8s.io/yaml turns a scalar into a string only for a string field.
        let converted = field.ty == GoType::String && value.as_scalar().is_some();
        let descends = matches!(field.ty, GoType::Struct(_)) && value.as_map().is_some();
        if !converted && !descends {
            self.note_unconverted(value);
        }
        match field.ty {
            // sigs.k8s.io/yaml turns any scalar into a string when the target is a string.
            GoType::String => match value.json_kind() {
                JsonKind::Null => {}
                JsonKind::String => {
                    self.assign(path, assigned);
                }
                // JSON gets no conversion: a number is not a string.
                _ if self.json => self.type_error(def, &path, value, "string"),
                JsonKind::Bool | JsonKind::Number => {
                    self.assign(path, assigned);
                }
                _ => self.type_error(def, &path, value, "string"),
            },
            GoType::Bool => match value.json_kind() {
                JsonKind::Null => {}
                JsonKind::Bool => {
                    self.assign(path, assigned);
                }
                _ => self.type_error(def, &path, value, "bool"),
            },
            GoType::Struct(inner) => match &*value.value {
                Value::Map(entries) => {
                    self.assign(path.clone(), assigned);
                    self.decode_struct(inner, &path, entries);
                }
                _ if value.is_null() => self.clear(&path),
                _ => self.type_error(def, &path, value, &format!("kwok.{}", inner.go_name)),
            },
            GoType::SetOfStructs => match &*value.value {
                Value::Map(entries) => {
                    let mut ok = true;
                    for (_, item) in entries.iter() {
                        if !matches!(item.json_kind(), JsonKind::Object | JsonKind::Null) {
                            self.type_error(def, &path, item, "struct {}");
                            ok = false;
                        }
                    }
                    if ok {
                        self.assign(path, assigned);
                    }
                }
                _ if value.is_null() => self.clear(&path),
                _ => self.type_error(def, &path, value, "map[string]struct {}"),
            },
        }
    }

    /// Remembers the first `.inf`/`.nan` left as a number (YAML only: JSON has none).
    fn note_unconverted(&mut self, value: &'d Node) {
        if !self.json && self.unsupported_value.is_none() {
            self.unsupported_value = go_yaml::first_unsupported_float(value);
        }
    }

    /// Assigns a field; a second key setting it (differing in case) is a collision.
    fn assign(&mut self, path: String, assigned: Assigned<'d>) {
        if let Some(previous) = self.fields.get(&path)
            && previous.key.key_string() != assigned.key.key_string()
        {
            self.issues.push(DecodeIssue::CaseCollision {
                canonical: path.clone(),
                loser: previous.key,
                winner: assigned.key,
            });
        }
        self.fields.insert(path, assigned);
    }

    /// A null pointer field: the section and everything under it are unset.
    fn clear(&mut self, path: &str) {
        let prefix = format!("{path}.");
        self.fields
            .retain(|k, _| k != path && !k.starts_with(&prefix));
    }

    /// The key/value CA decoded into the field at `path`, if any.
    pub fn field(&self, path: &str) -> Option<Assigned<'d>> {
        self.fields.get(path).copied()
    }

    /// A string field as CA holds it (scalars converted like `sigs.k8s.io/yaml` does).
    pub fn string(&self, path: &str) -> Option<String> {
        let value = self.field(path)?.value;
        Some(match value.resolve()? {
            Resolved::Null => String::new(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Int(i) => i.to_string(),
            Resolved::Float(f) => go_yaml::go_format_float(f),
            Resolved::Str(s) => s.to_owned(),
        })
    }

    /// Whether a struct-pointer field is non-nil.
    pub fn is_set(&self, path: &str) -> bool {
        self.fields.contains_key(path)
    }

    pub fn bool(&self, path: &str) -> bool {
        self.field(path)
            .and_then(|a| a.value.resolve())
            .is_some_and(|r| r == Resolved::Bool(true))
    }

    /// The first type error: what makes CA fail to decode.
    /// encoding/json keeps the first mismatch it meets: fields are decoded in the order of
    /// the JSON it reads, which for YAML is json.Marshal's (keys sorted), as `decode_struct`
    /// walks them.
    pub fn first_type_error(&self) -> Option<&DecodeIssue<'d>> {
        self.issues
            .iter()
            .find(|i| matches!(i, DecodeIssue::TypeError { .. }))
    }

    /// The `apiVersion` as written (CA never checks it).
    pub fn api_version(&self) -> Option<String> {
        self.string("apiVersion")
    }

    pub fn api_version_is_documented(&self) -> bool {
        self.api_version().as_deref() == Some(CONFIG_API_VERSION)
    }
}

/// Where CA takes templates from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadNodesFrom {
    ConfigMap { name: String },
    Cluster,
}

/// Whether the grouping key is a label or an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Label,
    Annotation,
}

impl GroupBy {
    pub fn noun(self) -> &'static str {
        match self {
            GroupBy::Label => "label",
            GroupBy::Annotation => "annotation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuConfig {
    pub label_key: String,
    pub types: Vec<String>,
}

/// A config CA accepted: what it will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    pub read_nodes_from: ReadNodesFrom,
    pub group_by: GroupBy,
    /// The grouping key exactly as CA uses it (untrimmed).
    pub grouping_key: String,
    /// The config field the key came from (`nodegroups.fromNodeLabelKey`, …).
    pub grouping_field: String,
    pub gpu: Option<GpuConfig>,
    pub skip_taint: bool,
}

/// Which of CA's checks failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedCheck {
    Decode,
    ReadNodesFrom,
    ConfigMapSection,
    NodegroupsMissing,
    GroupingKeyMissing,
    GroupingKeyConflict,
    GpuConfigIncomplete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRejection {
    pub check: FailedCheck,
    pub failure: CaFailure,
}

impl DecodedConfig<'_> {
    /// Runs CA's checks in CA's order; the first failure stops CA.
    pub fn check(&self) -> Result<ProviderSettings, ConfigRejection> {
        let reject = |check, ca: String, ours: &str| {
            Err(ConfigRejection {
                check,
                failure: CaFailure::new(super::config_not_loaded(&ca), ours),
            })
        };
        if let Some(value) = self.unsupported_value {
            return reject(
                FailedCheck::Decode,
                format!(
                    "failed to decode kwok config: error converting YAML to JSON: {}",
                    go_yaml::unsupported_value_text(value)
                ),
                "YAML's `.inf`/`.nan` is a number JSON cannot hold; only a string field takes it (as text)",
            );
        }
        if let Some(DecodeIssue::TypeError { go_message, .. }) = self.first_type_error() {
            // YAML goes through sigs.k8s.io/yaml's Unmarshal, which wraps encoding/json's
            // error twice (seen from the real CA); JSON goes to encoding/json directly.
            let wrapping = if self.json {
                ""
            } else {
                "error unmarshaling JSON: while decoding JSON: "
            };
            return reject(
                FailedCheck::Decode,
                format!("failed to decode kwok config: {wrapping}{go_message}"),
                "a value in the provider config has the wrong type",
            );
        }
        let read_from = self.string("readNodesFrom").unwrap_or_default();
        let read_nodes_from = match read_from.as_str() {
            "configmap" => {
                if !self.is_set("configmap") {
                    return reject(
                        FailedCheck::ConfigMapSection,
                        "please specify a value for 'configmap' in kwok config (currently empty or undefined)".into(),
                        "readNodesFrom is `configmap` but there is no `configmap:` section naming the templates ConfigMap",
                    );
                }
                let name = self.string("configmap.name").unwrap_or_default();
                if name.trim().is_empty() {
                    return reject(
                        FailedCheck::ConfigMapSection,
                        "please specify 'configmap.name' in kwok config (currently empty or undefined)".into(),
                        "`configmap.name` must name the ConfigMap that holds the templates",
                    );
                }
                ReadNodesFrom::ConfigMap { name }
            }
            "cluster" => ReadNodesFrom::Cluster,
            other => {
                return reject(
                    FailedCheck::ReadNodesFrom,
                    format!(
                        "'readNodesFrom' in kwok config is invalid (expected: 'label' or 'annotation'): {other}"
                    ),
                    "readNodesFrom must be exactly `configmap` or `cluster` (CA's message wrongly lists label/annotation)",
                );
            }
        };
        if !self.is_set("nodegroups") {
            return reject(
                FailedCheck::NodegroupsMissing,
                "please specify a value for 'nodegroups' in kwok config (currently empty or undefined)"
                    .into(),
                "the `nodegroups:` section, which says how templates are grouped, is missing",
            );
        }
        let annotation_field = format!("nodegroups.{}", self.version.annotation_key_field());
        let label_key = self
            .string("nodegroups.fromNodeLabelKey")
            .unwrap_or_default();
        let annotation_key = self.string(&annotation_field).unwrap_or_default();
        let (has_label, has_annotation) = (
            !label_key.trim().is_empty(),
            !annotation_key.trim().is_empty(),
        );
        // Up to 1.33 CA's message names the README's `fromNodeAnnotation`, not the field it reads.
        let message_field = if self.version.minor() <= 33 {
            "fromNodeAnnotation"
        } else {
            self.version.annotation_key_field()
        };
        let either = format!(
            "please specify either 'nodegroups.fromNodeLabelKey' or 'nodegroups.{message_field}' in kwok provider config"
        );
        let (group_by, grouping_key, grouping_field) = match (has_label, has_annotation) {
            (false, false) => {
                return reject(
                    FailedCheck::GroupingKeyMissing,
                    format!("{either} (currently empty or undefined)"),
                    "no grouping key is set, so CA cannot tell which templates form which node group",
                );
            }
            (true, true) => {
                return reject(
                    FailedCheck::GroupingKeyConflict,
                    format!("{either} (you can't use both)"),
                    "both a grouping label and a grouping annotation are set; CA accepts only one",
                );
            }
            (true, false) => (
                GroupBy::Label,
                label_key,
                "nodegroups.fromNodeLabelKey".to_owned(),
            ),
            (false, true) => (GroupBy::Annotation, annotation_key, annotation_field),
        };
        let mut gpu = None;
        if self.is_set("nodes") && self.is_set("nodes.gpuConfig") {
            let label_key = self
                .string("nodes.gpuConfig.gpuLabelKey")
                .unwrap_or_default();
            let types = self.field("nodes.gpuConfig.availableGPUTypes");
            match types {
                Some(types) if !label_key.is_empty() => {
                    gpu = Some(GpuConfig {
                        label_key,
                        types: types
                            .value
                            .as_map()
                            .unwrap_or_default()
                            .iter()
                            .map(|(k, _)| k.key_string())
                            .collect(),
                    });
                }
                _ => {
                    return reject(
                        FailedCheck::GpuConfigIncomplete,
                        "nodes.gpuConfig.gpuLabelKey or file.nodes.gpuConfig.availableGPUTypes is empty"
                            .into(),
                        "`nodes.gpuConfig` needs both `gpuLabelKey` and `availableGPUTypes`",
                    );
                }
            }
        }
        Ok(ProviderSettings {
            read_nodes_from,
            group_by,
            grouping_key,
            grouping_field,
            gpu,
            skip_taint: self.bool("nodes.skipTaint"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_text(text: &str, version: CaVersion) -> (ConfigText, CaVersion) {
        (parse_text(text).unwrap(), version)
    }

    fn check(text: &str) -> Result<ProviderSettings, ConfigRejection> {
        let (docs, v) = decode_text(text, CaVersion::LATEST);
        decode(&docs, v).check()
    }

    const GOOD: &str = "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups:\n  fromNodeLabelKey: kwok-nodegroup\nconfigmap:\n  name: kwok-provider-templates\n";

    #[test]
    fn json_that_fails_is_read_as_yaml_from_ca_1_33() {
        let v = |minor: u32| format!("1.{minor}").parse::<CaVersion>().unwrap();
        let flow =
            "{readNodesFrom: configmap, nodegroups: {fromNodeLabelKey: g}, configmap: {name: t}}\n";
        assert!(matches!(
            parse_for(flow, v(32)),
            Err(ConfigTextError::Json { .. })
        ));
        let yaml = parse_for(flow, v(33)).unwrap();
        assert!(!yaml.json);
        assert!(decode(&yaml, v(33)).check().is_ok());
        // A number where a string goes: JSON fails, YAML converts it (sigs.k8s.io/yaml).
        let number = "{\"readNodesFrom\": \"configmap\", \"nodegroups\": {\"fromNodeLabelKey\": 5}, \"configmap\": {\"name\": \"t\"}}";
        assert!(
            decode(&parse_for(number, v(32)).unwrap(), v(32))
                .check()
                .is_err()
        );
        let settings = decode(
            &parse_for(number, CaVersion::LATEST).unwrap(),
            CaVersion::LATEST,
        )
        .check()
        .unwrap();
        assert_eq!(settings.grouping_key, "5");
        // Both fail: the JSON error stands.
        let both = "{\"readNodesFrom\": \"configmap\", \"nodes\": {\"skipTaint\": \"yes\"}}";
        assert!(parse_for(both, CaVersion::LATEST).unwrap().json);
    }

    #[test]
    fn accepts_a_minimal_config() {
        let settings = check(GOOD).unwrap();
        assert_eq!(
            settings.read_nodes_from,
            ReadNodesFrom::ConfigMap {
                name: "kwok-provider-templates".into()
            }
        );
        assert_eq!(settings.group_by, GroupBy::Label);
        assert_eq!(settings.grouping_key, "kwok-nodegroup");
        assert!(!settings.skip_taint);
        assert!(settings.gpu.is_none());
    }

    #[test]
    fn field_names_match_case_insensitively_and_are_reported() {
        let text = GOOD.replace("readNodesFrom", "readnodesfrom");
        let (docs, v) = decode_text(&text, CaVersion::LATEST);
        let decoded = decode(&docs, v);
        assert!(decoded.check().is_ok());
        assert!(decoded.issues.iter().any(|i| matches!(i,
            DecodeIssue::CaseMismatch { canonical, .. } if canonical == "readNodesFrom")));
    }

    #[test]
    fn unknown_fields_are_ignored_but_reported() {
        let text = format!("{GOOD}availableGPUTypes: {{}}\n");
        let (docs, v) = decode_text(&text, CaVersion::LATEST);
        let decoded = decode(&docs, v);
        assert!(decoded.check().is_ok());
        assert!(decoded.issues.iter().any(|i| matches!(i,
            DecodeIssue::UnknownField { parent, key } if parent.is_empty() && key.key_string() == "availableGPUTypes")));
    }

    #[test]
    fn type_errors_fail_decoding_with_gos_message() {
        let text = format!("{GOOD}nodes:\n  skipTaint: \"yes\"\n");
        let err = check(&text).unwrap_err();
        assert_eq!(err.check, FailedCheck::Decode);
        assert!(
            err.failure.ca_message.contains(
                "cannot unmarshal string into Go struct field NodeConfig.nodes.skipTaint of type bool"
            ),
            "{}",
            err.failure.ca_message
        );
        let list = format!(
            "{GOOD}nodes:\n  gpuConfig:\n    gpuLabelKey: x\n    availableGPUTypes: [a, b]\n"
        );
        assert_eq!(check(&list).unwrap_err().check, FailedCheck::Decode);
    }

    #[test]
    fn yaml_1_1_booleans_decode_and_numbers_become_strings() {
        let text = format!("{GOOD}nodes:\n  skipTaint: yes\n");
        assert!(check(&text).unwrap().skip_taint);
        let numeric = GOOD.replace("kwok-nodegroup", "123");
        assert_eq!(check(&numeric).unwrap().grouping_key, "123");
    }

    #[test]
    fn check_1_read_nodes_from_is_case_sensitive_and_required() {
        let err = check(&GOOD.replace("configmap\n", "ConfigMap\n")).unwrap_err();
        assert_eq!(err.check, FailedCheck::ReadNodesFrom);
        assert!(
            err.failure
                .ca_message
                .contains("expected: 'label' or 'annotation'")
        );
        let err = check(&GOOD.replace("readNodesFrom: configmap\n", "")).unwrap_err();
        assert_eq!(err.check, FailedCheck::ReadNodesFrom);
    }

    #[test]
    fn check_2_configmap_section_and_name() {
        let without = GOOD.replace("configmap:\n  name: kwok-provider-templates\n", "");
        assert_eq!(
            check(&without).unwrap_err().check,
            FailedCheck::ConfigMapSection
        );
        let blank = GOOD.replace("name: kwok-provider-templates", "name: \"  \"");
        assert_eq!(
            check(&blank).unwrap_err().check,
            FailedCheck::ConfigMapSection
        );
        let cluster = without.replace("configmap\n", "cluster\n");
        assert_eq!(
            check(&cluster).unwrap().read_nodes_from,
            ReadNodesFrom::Cluster
        );
    }

    #[test]
    fn check_3_exactly_one_grouping_key() {
        let none = GOOD.replace(
            "fromNodeLabelKey: kwok-nodegroup",
            "fromNodeLabelKey: \" \"",
        );
        assert_eq!(
            check(&none).unwrap_err().check,
            FailedCheck::GroupingKeyMissing
        );
        let both = GOOD.replace(
            "  fromNodeLabelKey: kwok-nodegroup\n",
            "  fromNodeLabelKey: a\n  fromNodeAnnotationKey: b\n",
        );
        assert_eq!(
            check(&both).unwrap_err().check,
            FailedCheck::GroupingKeyConflict
        );
        let missing = GOOD.replace("nodegroups:\n  fromNodeLabelKey: kwok-nodegroup\n", "");
        assert_eq!(
            check(&missing).unwrap_err().check,
            FailedCheck::NodegroupsMissing
        );
        let readme = GOOD.replace("fromNodeLabelKey", "fromNodeAnnotation");
        assert_eq!(
            check(&readme).unwrap_err().check,
            FailedCheck::GroupingKeyMissing
        );
        let spaced = GOOD.replace("kwok-nodegroup", "\" kwok-nodegroup \"");
        assert_eq!(check(&spaced).unwrap().grouping_key, " kwok-nodegroup ");
    }

    #[test]
    fn annotation_key_field_depends_on_version() {
        let text = GOOD.replace("fromNodeLabelKey", "fromNodeLabelAnnotation");
        let v133: CaVersion = "1.33".parse().unwrap();
        let (docs, _) = decode_text(&text, v133);
        let settings = decode(&docs, v133).check().unwrap();
        assert_eq!(settings.group_by, GroupBy::Annotation);
        assert_eq!(
            check(&text).unwrap_err().check,
            FailedCheck::GroupingKeyMissing
        );
        let new = GOOD.replace("fromNodeLabelKey", "fromNodeAnnotationKey");
        assert_eq!(check(&new).unwrap().group_by, GroupBy::Annotation);
    }

    #[test]
    fn check_4_gpu_config_needs_both_fields() {
        let partial = format!("{GOOD}nodes:\n  gpuConfig:\n    gpuLabelKey: acc\n");
        assert_eq!(
            check(&partial).unwrap_err().check,
            FailedCheck::GpuConfigIncomplete
        );
        let empty_types = format!(
            "{GOOD}nodes:\n  gpuConfig:\n    gpuLabelKey: acc\n    availableGPUTypes: {{}}\n"
        );
        assert_eq!(check(&empty_types).unwrap().gpu.unwrap().types.len(), 0);
        let only_nodes = format!("{GOOD}nodes:\n  skipTaint: false\n");
        assert!(check(&only_nodes).unwrap().gpu.is_none());
    }

    #[test]
    fn check_5_api_version_is_not_checked() {
        let text = GOOD.replace("v1alpha1", "v2");
        assert!(check(&text).is_ok());
    }

    #[test]
    fn check_7_kwok_content_is_reported() {
        let text = format!("{GOOD}kwok:\n  release: v0.3.0\n");
        let (docs, v) = decode_text(&text, CaVersion::LATEST);
        let decoded = decode(&docs, v);
        assert!(decoded.check().is_ok());
        assert!(
            decoded
                .issues
                .iter()
                .any(|i| matches!(i, DecodeIssue::KwokContent { .. }))
        );
    }

    #[test]
    fn non_map_document_is_a_decode_error() {
        let err = check("- a\n- b\n").unwrap_err();
        assert!(
            err.failure
                .ca_message
                .contains("cannot unmarshal array into Go value of type kwok.KwokProviderConfig")
        );
    }

    #[test]
    fn only_the_empty_string_is_eof() {
        assert_eq!(parse_text("").unwrap_err(), ConfigTextError::Empty);
        // A comment-only config decodes as an empty struct: readNodesFrom is then invalid.
        let text = parse_text("# nothing\n").unwrap();
        assert!(text.first_section_blank);
        assert_eq!(
            decode(&text, CaVersion::LATEST).check().unwrap_err().check,
            FailedCheck::ReadNodesFrom
        );
    }

    #[test]
    fn only_the_first_section_is_read() {
        let text = format!("# Copyright header\n---\n{GOOD}");
        let parsed = parse_text(&text).unwrap();
        assert!(parsed.first_section_blank);
        assert_eq!(parsed.ignored_section_line, Some(3));
        assert_eq!(
            decode(&parsed, CaVersion::LATEST)
                .check()
                .unwrap_err()
                .check,
            FailedCheck::ReadNodesFrom
        );
        let leading_separator = format!("---\n{GOOD}");
        assert!(check(&leading_separator).is_ok());
        let two = format!("{GOOD}---\nreadNodesFrom: cluster\n");
        let parsed = parse_text(&two).unwrap();
        assert_eq!(parsed.ignored_section_line, Some(8));
        assert!(matches!(
            decode(&parsed, CaVersion::LATEST)
                .check()
                .unwrap()
                .read_nodes_from,
            ReadNodesFrom::ConfigMap { .. }
        ));
    }

    #[test]
    fn json_configs_get_no_yaml_conversions() {
        let ok =
            r#"{"readNodesFrom": "cluster", "nodegroups": {"fromNodeLabelKey": "kwok-nodegroup"}}"#;
        assert!(check(ok).is_ok());
        let number = ok.replace("\"kwok-nodegroup\"", "123");
        let err = check(&number).unwrap_err();
        assert_eq!(err.check, FailedCheck::Decode);
        assert!(
            err.failure.ca_message.contains("cannot unmarshal number"),
            "{}",
            err.failure.ca_message
        );
        let yaml_bool = ok.replace("}}", "}, \"nodes\": {\"skipTaint\": yes}}");
        assert!(matches!(
            parse_text(&yaml_bool).unwrap_err(),
            ConfigTextError::Json { line: 1, .. }
        ));
    }

    #[test]
    fn keys_apply_in_sorted_order_like_sigs_yaml() {
        let text = "readnodesfrom: configmap\nreadNodesFrom: cluster\nnodegroups: {fromNodeLabelKey: k}\nconfigmap: {name: t}\n";
        let (docs, v) = decode_text(text, CaVersion::LATEST);
        let decoded = decode(&docs, v);
        assert!(matches!(
            decoded.check().unwrap().read_nodes_from,
            ReadNodesFrom::ConfigMap { .. }
        ));
        assert!(
            decoded
                .issues
                .iter()
                .any(|i| matches!(i, DecodeIssue::CaseCollision { .. }))
        );
        let twice =
            "readNodesFrom: configmap\nreadNodesFrom: cluster\nnodegroups: {fromNodeLabelKey: k}\n";
        let (docs, v) = decode_text(twice, CaVersion::LATEST);
        let decoded = decode(&docs, v);
        assert_eq!(
            decoded.check().unwrap().read_nodes_from,
            ReadNodesFrom::Cluster
        );
        assert!(
            decoded
                .issues
                .iter()
                .any(|i| matches!(i, DecodeIssue::DuplicateKey { .. }))
        );
    }

    #[test]
    fn a_null_section_unsets_what_an_earlier_one_set() {
        let text = format!("{GOOD}nodes:\n  skipTaint: true\n");
        let (docs, v) = decode_text(&text, CaVersion::LATEST);
        let mut decoded = decode(&docs, v);
        assert!(decoded.bool("nodes.skipTaint"));
        decoded.clear("nodes");
        assert!(!decoded.bool("nodes.skipTaint"));
    }

    #[test]
    fn lists_known_fields() {
        assert!(known_fields(CaVersion::LATEST, "nodes.gpuConfig").contains(&"availableGPUTypes"));
        assert!(known_fields(CaVersion::LATEST, "nodegroups").contains(&"fromNodeAnnotationKey"));
    }
}
