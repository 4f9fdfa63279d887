//! CA's start-up, in CA's order: config text, then the templates lookup, then the templates, then the node groups (pure).
//!
//! A `Startup` is built in the stages CA goes through, and keeps the first failure, which is the
//! one CA dies of. It borrows the texts it was given, parsed once, so that the linter sees the
//! decoded config and templates with their positions.

use super::config::{self, ConfigRejection, ConfigText, ConfigTextError, DecodedConfig};
use super::config::{ProviderSettings, ReadNodesFrom};
use super::nodegroups::{self, Derivation, NodeGroup};
use super::templates::{self, ParsedChunk, Template, TemplateSet, TemplatesError};
use super::{CaFailure, CaVersion, DEFAULT_TEMPLATES_CONFIG_MAP_NAME};

/// Where a templates text comes from, which decides how CA reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatesOrigin {
    /// The `templates` key of a templates ConfigMap.
    ConfigMap,
    /// Raw templates (a file) standing for the ConfigMap's key, or for the live nodes when
    /// the config says `readNodesFrom: cluster`.
    File,
    /// The live cluster's nodes, one JSON document each (`readNodesFrom: cluster`).
    LiveNodes,
}

/// The texts CA reads, parsed once for one CA version; `Startup` borrows from them.
#[derive(Debug)]
pub struct ParsedTexts {
    pub version: CaVersion,
    pub config: Option<Result<ConfigText, ConfigTextError>>,
    pub templates: Option<(
        TemplatesOrigin,
        Result<Vec<ParsedChunk>, TemplatesError<'static>>,
    )>,
}

impl ParsedTexts {
    /// Parses the config (as `version` reads it) and the templates; an empty templates text
    /// counts as none (CA's lookup reports it), except for live nodes: a cluster without any.
    pub fn parse(
        config: Option<&str>,
        templates: Option<(TemplatesOrigin, &str)>,
        version: CaVersion,
    ) -> ParsedTexts {
        ParsedTexts {
            version,
            config: config.map(|text| config::parse_for(text, version)),
            templates: templates
                // No live nodes is an empty set of templates, not an unknown one.
                .filter(|(origin, text)| !text.is_empty() || *origin == TemplatesOrigin::LiveNodes)
                .map(|(origin, text)| (origin, templates::read(text))),
        }
    }
}

/// What CA has made of its inputs so far.
#[derive(Debug)]
pub struct Startup<'p> {
    texts: &'p ParsedTexts,
    config: Option<DecodedConfig<'p>>,
    config_check: Option<Result<ProviderSettings, ConfigRejection>>,
    templates_origin: Option<TemplatesOrigin>,
    templates: Option<Result<TemplateSet<'p>, TemplatesError<'p>>>,
    derivation: Option<Derivation>,
    failure: Option<CaFailure>,
}

impl<'p> Startup<'p> {
    /// Starts on `texts` from `earlier`: what CA already failed on while fetching the config
    /// ConfigMap. Nothing is read until the stages run.
    pub fn new(texts: &'p ParsedTexts, earlier: Option<CaFailure>) -> Self {
        Startup {
            texts,
            config: None,
            config_check: None,
            templates_origin: None,
            templates: None,
            derivation: None,
            failure: earlier,
        }
    }

    /// Stage 1: decode and check the provider config, if there is one.
    pub fn read_config(&mut self) {
        match &self.texts.config {
            None => {}
            Some(Err(e)) => self.fail(e.ca_failure()),
            Some(Ok(text)) => {
                let decoded = config::decode(text, self.texts.version);
                let checked = decoded.check();
                if let Err(rejection) = &checked {
                    self.fail(rejection.failure.clone());
                }
                self.config_check = Some(checked);
                self.config = Some(decoded);
            }
        }
    }

    /// Stage 2: CA could not fetch the templates ConfigMap (a failure only in configmap mode).
    pub fn templates_lookup_failed(&mut self, failure: CaFailure) {
        if self.templates_config_map().is_some() {
            self.fail(failure);
        }
    }

    /// Stage 3: read the templates, if there are any, and derive the node groups.
    pub fn read_templates(&mut self) {
        let Some((origin, chunks)) = &self.texts.templates else {
            return;
        };
        let settings = self.settings().cloned();
        let live = *origin == TemplatesOrigin::LiveNodes;
        // With `readNodesFrom: cluster`, CA never reads a templates ConfigMap: its faults cannot stop CA.
        let ca_reads_these = settings.is_none() || self.templates_config_map().is_some() || live;
        // With `readNodesFrom: cluster`, templates given in files stand for the live nodes.
        let as_nodes = live || self.reads_cluster();
        let set = match chunks {
            Err(e) => Err(e.clone()),
            Ok(chunks) if as_nodes => templates::from_live_nodes(chunks),
            Ok(chunks) => templates::parse(chunks, self.texts.version),
        };
        match &set {
            Err(e) if ca_reads_these => {
                let config_map = self
                    .templates_config_map()
                    .unwrap_or(DEFAULT_TEMPLATES_CONFIG_MAP_NAME)
                    .to_owned();
                self.fail(e.ca_failure(&config_map));
            }
            Err(_) => {}
            Ok(set) => {
                if let Some(settings) = &settings {
                    let derivation = nodegroups::derive(set, settings, self.texts.version);
                    if ca_reads_these && let Some(failure) = derivation.ca_failure(set) {
                        self.fail(failure);
                    }
                    self.derivation = Some(derivation);
                }
            }
        }
        self.templates_origin = Some(*origin);
        self.templates = Some(set);
    }

    /// Keeps the first failure: CA stops there.
    fn fail(&mut self, failure: CaFailure) {
        self.failure.get_or_insert(failure);
    }

    /// The CA version this start-up models.
    pub fn version(&self) -> CaVersion {
        self.texts.version
    }

    /// The first failure CA runs into, if any.
    pub fn failure(&self) -> Option<&CaFailure> {
        self.failure.as_ref()
    }

    /// Whether CA gets through start-up.
    pub fn starts(&self) -> bool {
        self.failure.is_none()
    }

    /// The decoded config, when its text parsed.
    pub fn config(&self) -> Option<&DecodedConfig<'p>> {
        self.config.as_ref()
    }

    /// CA's checks of the decoded config: its settings, or why it rejects the config.
    pub fn config_check(&self) -> Option<&Result<ProviderSettings, ConfigRejection>> {
        self.config_check.as_ref()
    }

    /// The settings, when CA accepted the config.
    pub fn settings(&self) -> Option<&ProviderSettings> {
        self.config_check.as_ref().and_then(|s| s.as_ref().ok())
    }

    fn reads_cluster(&self) -> bool {
        self.settings()
            .is_some_and(|s| s.read_nodes_from == ReadNodesFrom::Cluster)
    }

    /// The templates ConfigMap CA reads (`configmap.name`), in configmap mode.
    pub fn templates_config_map(&self) -> Option<&str> {
        match &self.settings()?.read_nodes_from {
            ReadNodesFrom::ConfigMap { name } => Some(name),
            ReadNodesFrom::Cluster => None,
        }
    }

    /// The templates as CA reads them (as templates, or as live nodes), or why it cannot.
    pub fn templates(&self) -> Option<&Result<TemplateSet<'p>, TemplatesError<'p>>> {
        self.templates.as_ref()
    }

    /// The templates, when they were read without error.
    pub fn template_set(&self) -> Option<&TemplateSet<'p>> {
        self.templates.as_ref().and_then(|t| t.as_ref().ok())
    }

    /// The node groups derived from the templates (also when they are not CA's: see
    /// `node_groups_known`), once both config and templates are known.
    pub fn derivation(&self) -> Option<&Derivation> {
        self.derivation.as_ref()
    }

    /// Where the templates were read from, once read.
    pub fn templates_origin(&self) -> Option<TemplatesOrigin> {
        self.templates_origin
    }

    /// Whether CA's node groups are known: its templates were read, and they are the ones CA
    /// reads (not a templates ConfigMap given with `readNodesFrom: cluster`, which CA ignores
    /// for the live nodes).
    pub fn node_groups_known(&self) -> bool {
        let ignored_config_map =
            self.reads_cluster() && self.templates_origin == Some(TemplatesOrigin::ConfigMap);
        self.template_set().is_some() && !ignored_config_map
    }

    /// CA's node groups, each with its template; empty unless `node_groups_known`.
    pub fn node_groups(&self) -> Vec<(&NodeGroup, &Template<'p>)> {
        match (&self.derivation, self.template_set()) {
            (Some(derivation), Some(set)) if self.node_groups_known() => derivation
                .groups
                .iter()
                .map(|g| (g, &set.templates[g.template]))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The templates CA skips (no grouping value), as ordinals into the template set; empty
    /// unless `node_groups_known`.
    pub fn skipped_templates(&self) -> &[usize] {
        match &self.derivation {
            Some(derivation) if self.node_groups_known() => &derivation.skipped,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups: {fromNodeLabelKey: kwok-nodegroup}\nconfigmap: {name: kwok-provider-templates}\n";
    const TWO_GROUPS: &str = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a, annotations: {cluster-autoscaler.kwok.nodegroup/max-count: '5'}, labels: {kwok-nodegroup: ng-a}}}\n- {apiVersion: v1, kind: Node, metadata: {name: b, annotations: {}, labels: {kwok-nodegroup: ng-b}}}\n- {apiVersion: v1, kind: Node, metadata: {name: c, annotations: {}}}\n";

    fn texts(config: &str, templates: Option<(TemplatesOrigin, &str)>) -> ParsedTexts {
        ParsedTexts::parse(Some(config), templates, CaVersion::LATEST)
    }

    /// Every stage, with no lookup failure.
    fn run(texts: &ParsedTexts, earlier: Option<CaFailure>) -> Startup<'_> {
        let mut startup = Startup::new(texts, earlier);
        startup.read_config();
        startup.read_templates();
        startup
    }

    #[test]
    fn derives_groups_and_skips_templates_without_a_grouping_value() {
        let given = texts(CONFIG, Some((TemplatesOrigin::ConfigMap, TWO_GROUPS)));
        let startup = run(&given, None);
        assert!(startup.starts(), "{:?}", startup.failure());
        let groups: Vec<(&str, i64, &str)> = startup
            .node_groups()
            .iter()
            .map(|(g, t)| (g.name.as_str(), g.max, t.name()))
            .collect();
        assert_eq!(groups, [("ng-a", 5, "a"), ("ng-b", 200, "b")]);
        assert_eq!(startup.skipped_templates(), [2]);
    }

    #[test]
    fn the_first_failure_in_cas_order_wins() {
        let bad_config = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: nowhere");
        let broken = texts(&bad_config, Some((TemplatesOrigin::ConfigMap, "junk: [")));
        let startup = run(&broken, None);
        let failure = startup.failure().expect("CA stops");
        assert!(failure.ca_message.contains("readNodesFrom"), "{failure:?}");

        let earlier = CaFailure::new("configmaps \"kwok-provider-config\" not found", "absent");
        let config_only = texts(CONFIG, None);
        let startup = run(&config_only, Some(earlier.clone()));
        assert_eq!(startup.failure(), Some(&earlier));
    }

    #[test]
    fn the_templates_lookup_stops_ca_only_in_configmap_mode() {
        let starts_without_the_config_map = |config: &str| {
            let given = texts(config, None);
            let mut startup = Startup::new(&given, None);
            startup.read_config();
            startup.templates_lookup_failed(CaFailure::new("failed to get configmap", "absent"));
            startup.starts()
        };
        assert!(!starts_without_the_config_map(CONFIG));
        let cluster = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
        assert!(starts_without_the_config_map(&cluster));
    }

    #[test]
    fn a_templates_config_map_is_not_read_with_read_nodes_from_cluster() {
        let cluster = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
        let ignored = texts(&cluster, Some((TemplatesOrigin::ConfigMap, TWO_GROUPS)));
        let startup = run(&ignored, None);
        assert!(startup.starts());
        assert!(!startup.node_groups_known());
        assert!(startup.node_groups().is_empty());
        // The same text as the live nodes gives CA's groups.
        let live = texts(&cluster, Some((TemplatesOrigin::LiveNodes, TWO_GROUPS)));
        let startup = run(&live, None);
        assert!(startup.node_groups_known());
        assert_eq!(startup.node_groups().len(), 2);
    }
}
