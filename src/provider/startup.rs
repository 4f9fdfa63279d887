//! CA's start-up, in CA's order: config text, then the templates lookup, then the templates, then the node groups (pure).
//!
//! A `Startup` is built in the stages CA goes through, and remembers the first failure, which is
//! the one CA dies of. Each stage borrows the parsed text it is given, so readers (the linter,
//! `scale`, `status`, `init`) see the decoded config and templates with their positions.

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

/// The texts CA reads, parsed once; `Startup` borrows from them.
#[derive(Debug)]
pub struct ParsedTexts {
    pub config: Option<Result<ConfigText, ConfigTextError>>,
    pub templates: Option<(
        TemplatesOrigin,
        Result<Vec<ParsedChunk>, TemplatesError<'static>>,
    )>,
}

impl ParsedTexts {
    /// Parses the config (as `version` reads it) and the templates; an empty templates text
    /// counts as none (CA's lookup reports it).
    pub fn parse(
        config: Option<&str>,
        templates: Option<(TemplatesOrigin, &str)>,
        version: CaVersion,
    ) -> ParsedTexts {
        ParsedTexts {
            config: config.map(|text| config::parse_for(text, version)),
            templates: templates
                .filter(|(_, text)| !text.is_empty())
                .map(|(origin, text)| (origin, templates::read(text))),
        }
    }
}

/// What CA has made of its inputs so far.
#[derive(Debug)]
pub struct Startup<'p> {
    pub version: CaVersion,
    /// The decoded config, when its text parsed.
    pub config: Option<DecodedConfig<'p>>,
    /// CA's checks of the decoded config.
    pub settings: Option<Result<ProviderSettings, ConfigRejection>>,
    /// The templates as CA reads them (as templates, or as live nodes).
    pub templates: Option<Result<TemplateSet<'p>, TemplatesError<'p>>>,
    /// The node groups CA derives from the templates, once both config and templates are known.
    pub derivation: Option<Derivation>,
    /// Whether `derivation`'s groups are CA's: false for a templates ConfigMap given with
    /// `readNodesFrom: cluster`, which CA never reads (its groups come from the live nodes).
    pub groups_are_cas: bool,
    /// The first failure CA runs into, if any.
    pub failure: Option<CaFailure>,
}

impl<'p> Startup<'p> {
    /// Starts from `earlier`: what CA already failed on while fetching the config ConfigMap.
    pub fn new(version: CaVersion, earlier: Option<CaFailure>) -> Self {
        Startup {
            version,
            config: None,
            settings: None,
            templates: None,
            derivation: None,
            groups_are_cas: false,
            failure: earlier,
        }
    }

    /// Runs CA on `texts`: config, then templates. `lookup` is CA's failure to find the
    /// templates ConfigMap, given the settings (it only matters when CA reads that ConfigMap).
    pub fn run(
        texts: &'p ParsedTexts,
        version: CaVersion,
        earlier: Option<CaFailure>,
        lookup: impl FnOnce(Option<&ProviderSettings>) -> Option<CaFailure>,
    ) -> Self {
        let mut startup = Startup::new(version, earlier);
        if let Some(config) = &texts.config {
            startup.read_config(config);
        }
        if let Some(failure) = lookup(startup.settings()) {
            startup.templates_lookup_failed(failure);
        }
        if let Some((origin, chunks)) = &texts.templates {
            startup.read_templates(*origin, chunks);
        }
        startup
    }

    /// Stage 1: decode and check the provider config.
    pub fn read_config(&mut self, parsed: &'p Result<ConfigText, ConfigTextError>) {
        match parsed {
            Err(e) => self.fail(e.ca_failure()),
            Ok(text) => {
                let decoded = config::decode(text, self.version);
                let checked = decoded.check();
                if let Err(rejection) = &checked {
                    self.fail(rejection.failure.clone());
                }
                self.settings = Some(checked);
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

    /// Stage 3: read the templates and derive the node groups.
    pub fn read_templates(
        &mut self,
        origin: TemplatesOrigin,
        chunks: &'p Result<Vec<ParsedChunk>, TemplatesError<'static>>,
    ) {
        let settings = self.settings().cloned();
        let read_from = settings.as_ref().map(|s| &s.read_nodes_from);
        let reads_cluster = read_from == Some(&ReadNodesFrom::Cluster);
        let live = origin == TemplatesOrigin::LiveNodes;
        // With `readNodesFrom: cluster`, CA never reads a templates ConfigMap: its faults cannot stop CA.
        let ca_reads_these = settings.is_none() || self.templates_config_map().is_some() || live;
        // With `readNodesFrom: cluster`, templates given in files stand for the live nodes.
        let as_nodes = live || reads_cluster;
        self.groups_are_cas = !(reads_cluster && origin == TemplatesOrigin::ConfigMap);
        let set = match chunks {
            Err(e) => Err(e.clone()),
            Ok(chunks) if as_nodes => templates::from_live_nodes(chunks),
            Ok(chunks) => templates::parse(chunks),
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
                    let derivation = nodegroups::derive(set, settings, self.version);
                    if ca_reads_these && let Some(failure) = derivation.ca_failure(set) {
                        self.fail(failure);
                    }
                    self.derivation = Some(derivation);
                }
            }
        }
        self.templates = Some(set);
    }

    /// Keeps the first failure: CA stops there.
    fn fail(&mut self, failure: CaFailure) {
        self.failure.get_or_insert(failure);
    }

    /// Whether CA gets through start-up.
    pub fn starts(&self) -> bool {
        self.failure.is_none()
    }

    /// The settings, when CA accepted the config.
    pub fn settings(&self) -> Option<&ProviderSettings> {
        self.settings.as_ref().and_then(|s| s.as_ref().ok())
    }

    /// The templates ConfigMap CA reads (`configmap.name`), in configmap mode.
    pub fn templates_config_map(&self) -> Option<&str> {
        match &self.settings()?.read_nodes_from {
            ReadNodesFrom::ConfigMap { name } => Some(name),
            ReadNodesFrom::Cluster => None,
        }
    }

    /// The templates, when they were read without error.
    pub fn template_set(&self) -> Option<&TemplateSet<'p>> {
        self.templates.as_ref().and_then(|t| t.as_ref().ok())
    }

    /// CA's node groups, each with its template; empty while the templates or the settings are
    /// unknown, or when the templates given are not the ones CA reads.
    pub fn node_groups(&self) -> Vec<(&NodeGroup, &Template<'p>)> {
        match (&self.derivation, self.template_set()) {
            (Some(derivation), Some(set)) if self.groups_are_cas => derivation
                .groups
                .iter()
                .map(|g| (g, &set.templates[g.template]))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The templates CA skips (no grouping value), as ordinals into the template set.
    pub fn skipped_templates(&self) -> &[usize] {
        match &self.derivation {
            Some(derivation) if self.groups_are_cas => &derivation.skipped,
            _ => &[],
        }
    }

    /// Whether CA's node groups are known: its templates were read, and they are CA's.
    pub fn node_groups_known(&self) -> bool {
        self.groups_are_cas && self.template_set().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups: {fromNodeLabelKey: kwok-nodegroup}\nconfigmap: {name: kwok-provider-templates}\n";
    const TWO_GROUPS: &str = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a, annotations: {cluster-autoscaler.kwok.nodegroup/max-count: '5'}, labels: {kwok-nodegroup: ng-a}}}\n- {apiVersion: v1, kind: Node, metadata: {name: b, annotations: {}, labels: {kwok-nodegroup: ng-b}}}\n- {apiVersion: v1, kind: Node, metadata: {name: c, annotations: {}}}\n";

    fn start(config: &str, templates: Option<(TemplatesOrigin, &str)>) -> (ParsedTexts, CaVersion) {
        let version = CaVersion::LATEST;
        (
            ParsedTexts::parse(Some(config), templates, version),
            version,
        )
    }

    #[test]
    fn derives_groups_and_skips_templates_without_a_grouping_value() {
        let (texts, version) = start(CONFIG, Some((TemplatesOrigin::ConfigMap, TWO_GROUPS)));
        let startup = Startup::run(&texts, version, None, |_| None);
        assert!(startup.starts(), "{:?}", startup.failure);
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
        let (texts, version) = start(&bad_config, Some((TemplatesOrigin::ConfigMap, "junk: [")));
        let startup = Startup::run(&texts, version, None, |_| None);
        let failure = startup.failure.expect("CA stops");
        assert!(failure.ca_message.contains("readNodesFrom"), "{failure:?}");

        let earlier = CaFailure::new("configmaps \"kwok-provider-config\" not found", "absent");
        let (texts, version) = start(CONFIG, None);
        let startup = Startup::run(&texts, version, Some(earlier.clone()), |_| None);
        assert_eq!(startup.failure, Some(earlier));
    }

    #[test]
    fn the_templates_lookup_stops_ca_only_in_configmap_mode() {
        let lookup = |settings: Option<&ProviderSettings>| {
            assert!(settings.is_some());
            Some(CaFailure::new("failed to get configmap", "not there"))
        };
        let (texts, version) = start(CONFIG, None);
        assert!(!Startup::run(&texts, version, None, lookup).starts());
        let cluster = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
        let (texts, version) = start(&cluster, None);
        assert!(Startup::run(&texts, version, None, lookup).starts());
    }

    #[test]
    fn a_templates_config_map_is_not_read_with_read_nodes_from_cluster() {
        let cluster = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
        let (texts, version) = start(&cluster, Some((TemplatesOrigin::ConfigMap, TWO_GROUPS)));
        let startup = Startup::run(&texts, version, None, |_| None);
        assert!(startup.starts());
        assert!(!startup.node_groups_known());
        assert!(startup.node_groups().is_empty());
        // The same text as the live nodes gives CA's groups.
        let (texts, version) = start(&cluster, Some((TemplatesOrigin::LiveNodes, TWO_GROUPS)));
        let startup = Startup::run(&texts, version, None, |_| None);
        assert!(startup.node_groups_known());
        assert_eq!(startup.node_groups().len(), 2);
    }
}
