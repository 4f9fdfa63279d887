//! What the linter is given: the config and templates texts, already read by `inputs` from files or the cluster.

use crate::provider::startup::TemplatesOrigin;
use crate::source::{Location, Source, SourceId};
use crate::yaml::JsonKind;

/// A text to analyse and the source it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    pub source: SourceId,
}

/// What we know about the templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatesInput {
    /// None were given (file mode); we cannot tell which node groups CA creates.
    NotGiven,
    /// The templates ConfigMap CA would read does not exist (cluster mode).
    ConfigMapNotFound {
        namespace: String,
        /// Files only: the namespace the templates ConfigMap was given in instead.
        elsewhere: Option<String>,
    },
    /// Templates text, from a ConfigMap (`config_map` = its name and where the name is) or a raw file.
    Text {
        input: TextInput,
        config_map: Option<(String, Option<Location>)>,
    },
    /// The live cluster's nodes (`readNodesFrom: cluster`), one JSON document per node.
    LiveNodes { input: TextInput },
}

impl TemplatesInput {
    /// The templates text, if any, and how CA reads it.
    pub fn text(&self) -> Option<(TemplatesOrigin, &TextInput)> {
        match self {
            TemplatesInput::Text {
                input,
                config_map: Some(_),
            } => Some((TemplatesOrigin::ConfigMap, input)),
            TemplatesInput::Text { input, .. } => Some((TemplatesOrigin::File, input)),
            TemplatesInput::LiveNodes { input } => Some((TemplatesOrigin::LiveNodes, input)),
            TemplatesInput::NotGiven | TemplatesInput::ConfigMapNotFound { .. } => None,
        }
    }
}

/// A ConfigMap given in the files that holds neither `config` nor `templates`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherConfigMap {
    pub name: String,
    pub location: Option<Location>,
    /// Its data keys, quoted for messages.
    pub keys: Vec<String>,
}

/// Everything `analyze` looks at, already read from files or the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub sources: Vec<Source>,
    pub config: Option<TextInput>,
    pub templates: TemplatesInput,
    /// What the reader noticed on the way, in reading order; `lint` judges it.
    pub read_facts: Vec<ReadFact>,
    /// ConfigMaps given that hold neither key (one may be the templates ConfigMap).
    pub other_config_maps: Vec<OtherConfigMap>,
    /// Notes for the user on how the inputs were read (e.g. which of two templates ConfigMaps
    /// CA reads); printed to stderr, not findings.
    pub notes: Vec<String>,
}

/// What the reader noticed about the ConfigMaps while reading them (facts, not findings: the
/// rules that judge them are `lint`'s, `config_rules::read_findings`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFact {
    /// ConfigMap `name` holds `bytes` bytes of data (keys and values, `data` and `binaryData`),
    /// more than the API server stores (`provider::MAX_CONFIG_MAP_BYTES`).
    Oversized {
        name: String,
        bytes: usize,
        at: Location,
    },
    /// `data.KEY` of ConfigMap `name` is `kind`, not a string (`is_config`: the `config` key,
    /// else `templates`).
    NotAString {
        name: String,
        is_config: bool,
        kind: JsonKind,
        at: Location,
    },
    /// The provider-config ConfigMap `name` has no `config` key; `keys` are its keys, quoted.
    ConfigKeyMissing {
        name: String,
        keys: Vec<String>,
        at: Option<Location>,
        hint: String,
    },
    /// No provider-config ConfigMap `expected` was given, but `found` holds a `config` key.
    ConfigUnderOtherName {
        found: String,
        expected: String,
        at: Location,
    },
    /// The provider-config ConfigMap `name` is not in namespace `namespace` (live cluster).
    ConfigMapNotFound { name: String, namespace: String },
}
