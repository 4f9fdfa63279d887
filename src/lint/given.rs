//! What the linter is given: the config and templates texts, already read by `inputs` from files or the cluster.

use super::Diagnostic;
use crate::provider::CaFailure;
use crate::provider::startup::TemplatesOrigin;
use crate::source::{Location, Source, SourceId};

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
    /// Findings made while loading (e.g. a ConfigMap without its data key).
    pub loading: Vec<Diagnostic>,
    /// Why the config is absent, when CA would fail on it (e.g. ConfigMap not found).
    pub config_failure: Option<CaFailure>,
    /// ConfigMaps given that hold neither key (one may be the templates ConfigMap).
    pub other_config_maps: Vec<OtherConfigMap>,
    /// Notes for the user on how the inputs were read (e.g. which of two templates ConfigMaps
    /// CA reads); printed to stderr, not findings.
    pub notes: Vec<String>,
}
