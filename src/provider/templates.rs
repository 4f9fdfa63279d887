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

use super::{CaFailure, CaVersion, go_yaml, quantity};
use crate::yaml::{self, Document, JsonKind, Node, Resolved, Value};

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
    /// Not YAML at all (go-yaml's words for it included).
    Syntax(go_yaml::GoYamlError),
    /// A `---` line followed by something other than a comment.
    Separator { line: u32, rest: String },
    /// A document that starts with `{` (read as JSON) and is not valid JSON: the message is
    /// CA's (`couldn't get version/kind; json parse error: …`, in `encoding/json`'s words).
    Json {
        line: u32,
        col: u32,
        message: String,
    },
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
            TemplatesError::Json { message, .. } => CaFailure::new(
                message.clone(),
                "a templates document starts with `{`, so it is read as JSON, and it is not valid JSON",
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

/// The group versions client-go's scheme registers, with their kinds (each also has its
/// `…List`, and metav1's option and watch kinds that every group version gets).
const REGISTERED_GROUP_VERSIONS: &[(&str, &[&str])] = &[
    (
        "apps/v1",
        &[
            "ControllerRevision",
            "DaemonSet",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
        ],
    ),
    (
        "apps/v1beta1",
        &[
            "ControllerRevision",
            "Deployment",
            "DeploymentRollback",
            "Scale",
            "StatefulSet",
        ],
    ),
    (
        "apps/v1beta2",
        &[
            "ControllerRevision",
            "DaemonSet",
            "Deployment",
            "ReplicaSet",
            "Scale",
            "StatefulSet",
        ],
    ),
    ("batch/v1", &["CronJob", "Job"]),
    ("batch/v1beta1", &["CronJob"]),
    ("autoscaling/v1", &["HorizontalPodAutoscaler", "Scale"]),
    ("autoscaling/v2", &["HorizontalPodAutoscaler"]),
    (
        "networking.k8s.io/v1",
        &[
            "Ingress",
            "IngressClass",
            "NetworkPolicy",
            "IPAddress",
            "ServiceCIDR",
        ],
    ),
    ("policy/v1", &["Eviction", "PodDisruptionBudget"]),
    ("policy/v1beta1", &["Eviction", "PodDisruptionBudget"]),
    (
        "rbac.authorization.k8s.io/v1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    ),
    (
        "storage.k8s.io/v1",
        &[
            "CSIDriver",
            "CSINode",
            "CSIStorageCapacity",
            "StorageClass",
            "VolumeAttachment",
            "VolumeAttributesClass",
        ],
    ),
    ("scheduling.k8s.io/v1", &["PriorityClass"]),
    ("coordination.k8s.io/v1", &["Lease"]),
    ("discovery.k8s.io/v1", &["EndpointSlice"]),
    ("events.k8s.io/v1", &["Event"]),
    ("node.k8s.io/v1", &["RuntimeClass"]),
    (
        "admissionregistration.k8s.io/v1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
        ],
    ),
    ("certificates.k8s.io/v1", &["CertificateSigningRequest"]),
    (
        "flowcontrol.apiserver.k8s.io/v1",
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
    (
        "authentication.k8s.io/v1",
        &["SelfSubjectReview", "TokenRequest", "TokenReview"],
    ),
    (
        "authorization.k8s.io/v1",
        &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
            "SubjectAccessReview",
        ],
    ),
];

/// What metav1.AddToGroupVersion registers in every group version.
const META_KINDS: &[&str] = &[
    "WatchEvent",
    "ListOptions",
    "GetOptions",
    "DeleteOptions",
    "CreateOptions",
    "UpdateOptions",
    "PatchOptions",
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
    let kinds = if api_version == "v1" {
        CORE_V1_KINDS
    } else {
        match REGISTERED_GROUP_VERSIONS
            .iter()
            .find(|(group_version, _)| *group_version == api_version)
        {
            Some((_, kinds)) => kinds,
            None => return false,
        }
    };
    let base = kind.strip_suffix("List").filter(|b| !b.is_empty());
    kinds.contains(&kind) || base.is_some_and(|b| kinds.contains(&b)) || META_KINDS.contains(&kind)
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
            // apimachinery words it with %q.
            format!(
                "no kind {} is registered for version {} in scheme \"pkg/runtime/scheme.go:{}\"",
                go_yaml::go_quote(&kind),
                go_yaml::go_quote(&api_version),
                version.scheme_line()
            ),
        ));
    }
    Ok(TypeMeta { api_version, kind })
}

/// A Go type of the core/v1 objects templates hold, as the universal deserializer decodes
/// into it (sigs.k8s.io/json: encoding/json, case-sensitive keys, unknown keys ignored).
#[derive(Clone, Copy)]
enum GoField {
    /// A string type, by its Go name (`string`, `types.UID`, `v1.TaintEffect`…).
    Str(&'static str),
    Bool,
    /// An integer type (`int64`, `int32`).
    Int(&'static str),
    /// `resource.Quantity` (its own UnmarshalJSON: any JSON text, parsed as a quantity).
    Quantity,
    /// `metav1.Time` (its own UnmarshalJSON: null, or a string).
    Time,
    Struct(&'static GoStruct),
    /// A struct we do not look into (only its being an object is checked), by its Go name.
    Opaque(&'static str),
    Slice(&'static str, &'static GoField),
    Map(&'static str, &'static GoField),
    /// `runtime.RawExtension`: any JSON.
    Raw,
}

/// A Go struct: its name (as encoding/json's errors name it) and JSON fields.
struct GoStruct {
    name: &'static str,
    go_type: &'static str,
    fields: &'static [(&'static str, GoField)],
}

const STRING: GoField = GoField::Str("string");
const STRINGS: GoField = GoField::Slice("[]string", &STRING);
const STRING_MAP: GoField = GoField::Map("map[string]string", &STRING);

static OBJECT_META: GoStruct = GoStruct {
    name: "ObjectMeta",
    go_type: "v1.ObjectMeta",
    fields: &[
        ("name", STRING),
        ("generateName", STRING),
        ("namespace", STRING),
        ("selfLink", STRING),
        ("uid", GoField::Str("types.UID")),
        ("resourceVersion", STRING),
        ("generation", GoField::Int("int64")),
        ("creationTimestamp", GoField::Time),
        ("deletionTimestamp", GoField::Time),
        ("deletionGracePeriodSeconds", GoField::Int("int64")),
        ("labels", STRING_MAP),
        ("annotations", STRING_MAP),
        (
            "ownerReferences",
            GoField::Slice("[]v1.OwnerReference", &GoField::Struct(&OWNER_REFERENCE)),
        ),
        ("finalizers", STRINGS),
        (
            "managedFields",
            GoField::Slice(
                "[]v1.ManagedFieldsEntry",
                &GoField::Opaque("v1.ManagedFieldsEntry"),
            ),
        ),
    ],
};

static OWNER_REFERENCE: GoStruct = GoStruct {
    name: "OwnerReference",
    go_type: "v1.OwnerReference",
    fields: &[
        ("apiVersion", STRING),
        ("kind", STRING),
        ("name", STRING),
        ("uid", GoField::Str("types.UID")),
        ("controller", GoField::Bool),
        ("blockOwnerDeletion", GoField::Bool),
    ],
};

static LIST_META: GoStruct = GoStruct {
    name: "ListMeta",
    go_type: "v1.ListMeta",
    fields: &[
        ("selfLink", STRING),
        ("resourceVersion", STRING),
        ("continue", STRING),
        ("remainingItemCount", GoField::Int("int64")),
    ],
};

static TAINT: GoStruct = GoStruct {
    name: "Taint",
    go_type: "v1.Taint",
    fields: &[
        ("key", STRING),
        ("value", STRING),
        ("effect", GoField::Str("v1.TaintEffect")),
        ("timeAdded", GoField::Time),
    ],
};

static NODE_SPEC: GoStruct = GoStruct {
    name: "NodeSpec",
    go_type: "v1.NodeSpec",
    fields: &[
        ("podCIDR", STRING),
        ("podCIDRs", STRINGS),
        ("providerID", STRING),
        ("unschedulable", GoField::Bool),
        (
            "taints",
            GoField::Slice("[]v1.Taint", &GoField::Struct(&TAINT)),
        ),
        ("configSource", GoField::Opaque("v1.NodeConfigSource")),
        ("externalID", STRING),
    ],
};

const RESOURCE_LIST: GoField = GoField::Map("v1.ResourceList", &GoField::Quantity);

static NODE_CONDITION: GoStruct = GoStruct {
    name: "NodeCondition",
    go_type: "v1.NodeCondition",
    fields: &[
        ("type", GoField::Str("v1.NodeConditionType")),
        ("status", GoField::Str("v1.ConditionStatus")),
        ("lastHeartbeatTime", GoField::Time),
        ("lastTransitionTime", GoField::Time),
        ("reason", STRING),
        ("message", STRING),
    ],
};

static NODE_ADDRESS: GoStruct = GoStruct {
    name: "NodeAddress",
    go_type: "v1.NodeAddress",
    fields: &[
        ("type", GoField::Str("v1.NodeAddressType")),
        ("address", STRING),
    ],
};

static NODE_SYSTEM_INFO: GoStruct = GoStruct {
    name: "NodeSystemInfo",
    go_type: "v1.NodeSystemInfo",
    fields: &[
        ("machineID", STRING),
        ("systemUUID", STRING),
        ("bootID", STRING),
        ("kernelVersion", STRING),
        ("osImage", STRING),
        ("containerRuntimeVersion", STRING),
        ("kubeletVersion", STRING),
        ("kubeProxyVersion", STRING),
        ("operatingSystem", STRING),
        ("architecture", STRING),
    ],
};

static CONTAINER_IMAGE: GoStruct = GoStruct {
    name: "ContainerImage",
    go_type: "v1.ContainerImage",
    fields: &[("names", STRINGS), ("sizeBytes", GoField::Int("int64"))],
};

static NODE_STATUS: GoStruct = GoStruct {
    name: "NodeStatus",
    go_type: "v1.NodeStatus",
    fields: &[
        ("capacity", RESOURCE_LIST),
        ("allocatable", RESOURCE_LIST),
        ("phase", GoField::Str("v1.NodePhase")),
        (
            "conditions",
            GoField::Slice("[]v1.NodeCondition", &GoField::Struct(&NODE_CONDITION)),
        ),
        (
            "addresses",
            GoField::Slice("[]v1.NodeAddress", &GoField::Struct(&NODE_ADDRESS)),
        ),
        ("daemonEndpoints", GoField::Opaque("v1.NodeDaemonEndpoints")),
        ("nodeInfo", GoField::Struct(&NODE_SYSTEM_INFO)),
        (
            "images",
            GoField::Slice("[]v1.ContainerImage", &GoField::Struct(&CONTAINER_IMAGE)),
        ),
        (
            "volumesInUse",
            GoField::Slice(
                "[]v1.UniqueVolumeName",
                &GoField::Str("v1.UniqueVolumeName"),
            ),
        ),
        (
            "volumesAttached",
            GoField::Slice("[]v1.AttachedVolume", &GoField::Opaque("v1.AttachedVolume")),
        ),
        ("config", GoField::Opaque("v1.NodeConfigStatus")),
    ],
};

static NODE: GoStruct = GoStruct {
    name: "Node",
    go_type: "v1.Node",
    fields: &[
        ("apiVersion", STRING),
        ("kind", STRING),
        ("metadata", GoField::Struct(&OBJECT_META)),
        ("spec", GoField::Struct(&NODE_SPEC)),
        ("status", GoField::Struct(&NODE_STATUS)),
    ],
};

static CONFIG_MAP: GoStruct = GoStruct {
    name: "ConfigMap",
    go_type: "v1.ConfigMap",
    fields: &[
        ("apiVersion", STRING),
        ("kind", STRING),
        ("metadata", GoField::Struct(&OBJECT_META)),
        ("immutable", GoField::Bool),
        ("data", STRING_MAP),
        (
            "binaryData",
            GoField::Map("map[string][]uint8", &GoField::Str("[]uint8")),
        ),
    ],
};

static LIST: GoStruct = GoStruct {
    name: "List",
    go_type: "v1.List",
    fields: &[
        ("apiVersion", STRING),
        ("kind", STRING),
        ("metadata", GoField::Struct(&LIST_META)),
        (
            "items",
            GoField::Slice("[]runtime.RawExtension", &GoField::Raw),
        ),
    ],
};

/// CA's words when a quantity does not parse.
const QUANTITY_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// The entries of a JSON object in the order the decoder meets them: as written for JSON
/// text, else as `json.Marshal` wrote what YAML made of them (each key once, last value wins,
/// keys sorted).
fn decode_order(node: &Node, as_written: bool) -> Vec<(String, &Node)> {
    let entries = node.as_map().unwrap_or_default();
    if as_written {
        return entries.iter().map(|(k, v)| (k.key_string(), v)).collect();
    }
    let mut latest: std::collections::BTreeMap<String, &Node> = Default::default();
    for (k, v) in entries {
        latest.insert(k.key_string(), v);
    }
    latest.into_iter().collect()
}

/// encoding/json's type check of one decode: the first mismatch is kept and decoding goes on;
/// an error of a type's own UnmarshalJSON (a quantity) ends it at once, and wins.
struct TypeCheck<'d> {
    as_written: bool,
    first: Option<(String, &'d Node)>,
}

impl<'d> TypeCheck<'d> {
    fn mismatch(&mut self, at: &'d Node, go_struct: &str, path: &str, go_type: &str) {
        if self.first.is_none() {
            self.first = Some((
                format!(
                    "json: cannot unmarshal {} into Go struct field {go_struct}.{path} of type {go_type}",
                    at.json_kind().go_name()
                ),
                at,
            ));
        }
    }

    fn check_struct(
        &mut self,
        def: &GoStruct,
        node: &'d Node,
        path: &str,
    ) -> Result<(), (String, &'d Node)> {
        for (key, value) in decode_order(node, self.as_written) {
            // sigs.k8s.io/json matches keys case-sensitively.
            let Some((_, field)) = def.fields.iter().find(|(name, _)| *name == key) else {
                continue;
            };
            let field_path = if path.is_empty() {
                key
            } else {
                format!("{path}.{key}")
            };
            self.check(field, value, def.name, &field_path)?;
        }
        Ok(())
    }

    /// Checks `value` against `field` of struct `go_struct` at `path`.
    fn check(
        &mut self,
        field: &GoField,
        value: &'d Node,
        go_struct: &str,
        path: &str,
    ) -> Result<(), (String, &'d Node)> {
        let kind = value.json_kind();
        if kind == JsonKind::Null {
            return Ok(());
        }
        match *field {
            GoField::Str(go_type) if kind != JsonKind::String => {
                self.mismatch(value, go_struct, path, go_type)
            }
            GoField::Bool if kind != JsonKind::Bool => {
                self.mismatch(value, go_struct, path, "bool")
            }
            GoField::Int(go_type) => match value.resolve() {
                Some(Resolved::Int(_)) => {}
                Some(Resolved::Float(f)) if kind == JsonKind::Number => {
                    if self.first.is_none() {
                        self.first = Some((
                            format!(
                                "json: cannot unmarshal number {} into Go struct field {go_struct}.{path} of type {go_type}",
                                go_float(f)
                            ),
                            value,
                        ));
                    }
                }
                _ => self.mismatch(value, go_struct, path, go_type),
            },
            GoField::Quantity => {
                let parses = match kind {
                    JsonKind::Number => true,
                    JsonKind::String => {
                        quantity::parse(value.as_str().unwrap_or_default()).is_some()
                    }
                    _ => false,
                };
                if !parses {
                    return Err((QUANTITY_ERROR.to_owned(), value));
                }
            }
            GoField::Time if kind != JsonKind::String => {
                return Err((
                    format!(
                        "json: cannot unmarshal {} into Go value of type string",
                        kind.go_name()
                    ),
                    value,
                ));
            }
            GoField::Struct(def) => {
                if kind == JsonKind::Object {
                    self.check_struct(def, value, path)?;
                } else {
                    self.mismatch(value, go_struct, path, def.go_type);
                }
            }
            GoField::Opaque(go_type) if kind != JsonKind::Object => {
                self.mismatch(value, go_struct, path, go_type)
            }
            GoField::Slice(go_type, element) => {
                let Some(items) = value.as_seq() else {
                    self.mismatch(value, go_struct, path, go_type);
                    return Ok(());
                };
                for item in items {
                    match element {
                        // An element that is not an object names the element type.
                        GoField::Struct(def) if item.json_kind() != JsonKind::Object => {
                            if item.json_kind() != JsonKind::Null {
                                self.mismatch(item, go_struct, path, def.go_type);
                            }
                        }
                        _ => self.check(element, item, go_struct, path)?,
                    }
                }
            }
            GoField::Map(go_type, element) => {
                if kind != JsonKind::Object {
                    self.mismatch(value, go_struct, path, go_type);
                    return Ok(());
                }
                for (_, item) in decode_order(value, self.as_written) {
                    self.check(element, item, go_struct, path)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Type-checks an object of a kind whose fields we know (core/v1 `Node`, `ConfigMap`, `List`)
/// as the deserializer decodes it; `as_written`: JSON text, whose keys keep their order.
fn check_fields<'d>(
    node: &'d Node,
    kind: &str,
    as_written: bool,
) -> Result<(), TemplatesError<'d>> {
    let def = match kind {
        "Node" => &NODE,
        "ConfigMap" => &CONFIG_MAP,
        "List" => &LIST,
        _ => return Ok(()),
    };
    let mut check = TypeCheck {
        as_written,
        first: None,
    };
    let result = check.check_struct(def, node, "");
    match result.err().or(check.first) {
        Some((message, at)) => Err(decode_error(at, message)),
        None => Ok(()),
    }
}

/// Type-checks a Node as the deserializer does.
fn check_node_fields(node: &Node) -> Result<(), TemplatesError<'_>> {
    check_fields(node, "Node", false)
}

/// Decodes one object (from `original`, see `type_meta`); returns its kind. `as_written`: the
/// object's JSON keeps the document's key order (JSON text, or an item of a JSON `List`).
fn decode_object<'d>(
    node: &'d Node,
    original: Option<&str>,
    as_written: bool,
    version: CaVersion,
) -> Result<String, TemplatesError<'d>> {
    // A YAML document goes through yaml.YAMLToJSON, whose json.Marshal refuses `.inf`/`.nan`.
    if original.is_some()
        && let Some(value) = go_yaml::first_unsupported_float(node)
    {
        return Err(decode_error(value, go_yaml::unsupported_value_text(value)));
    }
    let meta = type_meta(node, original, version)?;
    if meta.api_version == "v1" {
        check_fields(node, &meta.kind, as_written)?;
    }
    Ok(meta.kind)
}

/// One chunk of the templates text, parsed: its document, or `None` when it holds no YAML content.
#[derive(Debug)]
pub struct ParsedChunk {
    pub first_line: u32,
    pub document: Option<Document>,
    /// The chunk's text, as the decoder is given it, where CA's errors quote it (a blank chunk,
    /// a document without `kind` or `apiVersion`, a chunk CA cannot read); empty otherwise.
    pub text: String,
    /// The chunk starts as JSON does: CA's decoder reads it as JSON, keys in written order.
    pub json: bool,
    /// Why CA's reader or decoder stops at this chunk before decoding it (a bad `---` line,
    /// YAML or JSON it cannot read): CA reads and decodes chunk by chunk, so this counts only
    /// once the chunks before it decode. Only the last chunk has one.
    pub failure: Option<TemplatesError<'static>>,
}

/// Splits and parses the templates text as CA's `YAMLReader` and decoder see it. A chunk CA
/// cannot read ends the list (see [`ParsedChunk::failure`]); when it is the first, that is the
/// error.
pub fn read(text: &str) -> Result<Vec<ParsedChunk>, TemplatesError<'static>> {
    let (chunks, mut failure) = match yaml::split_documents(text) {
        Ok(chunks) => (chunks, None),
        Err(e) => {
            // YAMLReader returned the chunks before the one it was reading at the bad line.
            let prefix: usize = text
                .split_inclusive('\n')
                .take(e.line.saturating_sub(1) as usize)
                .map(str::len)
                .sum();
            let prefix = &text[..prefix];
            let finished = yaml::split_documents(prefix)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| {
                    c.text.as_ptr() as usize - prefix.as_ptr() as usize + c.text.len()
                        < prefix.len()
                })
                .collect();
            let failure = TemplatesError::Separator {
                line: e.line,
                rest: e.rest,
            };
            (finished, Some(failure))
        }
    };
    let mut reader = yaml::Reader::default();
    let mut parsed = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        // YAMLReader reads lines with bufio's ReadLine, which drops a `\r` before a `\n` (a
        // last line without `\n` keeps its `\r`), and ends every line with a newline.
        // Copied only when it changes: a 28 MiB `List` is one chunk.
        let mut chunk_text = std::borrow::Cow::Borrowed(chunk.text);
        if chunk_text.contains("\r\n") {
            chunk_text = chunk_text.replace("\r\n", "\n").into();
        }
        let json = go_yaml::has_json_prefix(&chunk_text);
        let unterminated = !chunk_text.is_empty() && !chunk_text.ends_with('\n');
        // JSON reads the same without the last newline (no block scalar can end it), so a
        // one-line JSON `List` is read in place; only an error is read again as CA's reader
        // gives it, for the position it reports.
        if unterminated && !json {
            chunk_text.to_mut().push('\n');
        }
        let mut read = read_chunk(
            &mut reader,
            yaml::Chunk {
                text: &chunk_text,
                first_line: chunk.first_line,
            },
        );
        if unterminated && json && read.is_err() {
            chunk_text.to_mut().push('\n');
            read = read_chunk(
                &mut reader,
                yaml::Chunk {
                    text: &chunk_text,
                    first_line: chunk.first_line,
                },
            );
        }
        match read {
            Ok(document) => {
                // Kept only where CA's errors can quote it: a copy of a 28 MiB `List` would
                // double the memory of a run.
                let quotable = document.as_ref().is_none_or(|d| lacks_type_meta(&d.root));
                parsed.push(ParsedChunk {
                    first_line: chunk.first_line,
                    document,
                    text: if !quotable {
                        String::new()
                    } else if unterminated && json {
                        format!("{chunk_text}\n")
                    } else {
                        chunk_text.into_owned()
                    },
                    json,
                    failure: None,
                })
            }
            Err(e) => {
                parsed.push(ParsedChunk {
                    first_line: chunk.first_line,
                    document: None,
                    text: chunk_text.into_owned(),
                    json,
                    failure: Some(e),
                });
                failure = None;
                break;
            }
        }
    }
    if let Some(failure) = failure {
        parsed.push(ParsedChunk {
            first_line: parsed.last().map_or(1, |c| c.first_line),
            document: None,
            text: String::new(),
            json: false,
            failure: Some(failure),
        });
    }
    match parsed.first() {
        Some(first) if first.failure.is_some() => Err(parsed.swap_remove(0).failure.unwrap()),
        _ => Ok(parsed),
    }
}

/// One chunk's document as the deserializer reads it: JSON when it starts with `{`, else
/// go-yaml's first document.
fn read_chunk(
    reader: &mut yaml::Reader,
    chunk: yaml::Chunk<'_>,
) -> Result<Option<Document>, TemplatesError<'static>> {
    let docs = if go_yaml::has_json_prefix(chunk.text) {
        if let Err(e) = go_yaml::json_unmarshal_syntax(chunk.text.as_bytes()) {
            let (line, col) = go_yaml::line_col(chunk.text, e.offset.saturating_sub(1));
            return Err(TemplatesError::Json {
                line: line + chunk.first_line - 1,
                col,
                message: format!("couldn't get version/kind; json parse error: {}", e.message),
            });
        }
        go_yaml::read_json(reader, chunk.text, chunk.first_line)
    } else {
        go_yaml::read_first_document(reader, chunk.text, chunk.first_line)
    }
    .map_err(TemplatesError::Syntax)?;
    Ok(docs.into_iter().find(|d| !d.is_empty))
}

/// Whether CA's decoder may quote the document's text: unless `kind` and `apiVersion` are
/// both non-empty strings, its "Object 'Kind' is missing in '…'" errors can.
fn lacks_type_meta(root: &Node) -> bool {
    root.as_map().is_none()
        || ["kind", "apiVersion"].iter().any(|key| {
            root.get(key)
                .and_then(Node::as_str)
                .is_none_or(str::is_empty)
        })
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
    // CA reads and decodes chunk by chunk: the first chunk that fails is the error.
    let all_blank = chunks
        .iter()
        .all(|c| c.document.is_none() && c.failure.is_none());
    let mut docs = Vec::with_capacity(chunks.len());
    let mut kinds = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        if let Some(failure) = &chunk.failure {
            return Err(failure.clone());
        }
        let Some(doc) = &chunk.document else {
            return Err(TemplatesError::Blank {
                line: chunk.first_line,
                preview: chunk.text.clone(),
                all_blank,
            });
        };
        let as_written = chunk.json;
        kinds.push(decode_object(
            &doc.root,
            Some(&chunk.text),
            as_written,
            version,
        )?);
        docs.push((doc, chunk.json));
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
        let as_written = docs[0].1;
        for item in list_items(root)? {
            let kind = decode_object(item, None, as_written, version)?;
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
        if let Some(failure) = &chunk.failure {
            return Err(failure.clone());
        }
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
