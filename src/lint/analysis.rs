//! Runs the provider model and every rule over loaded inputs; returns CA's verdict and the diagnostics (pure).

use super::{Diagnostic, Location, SourceId, config_rules, template_rules};
use crate::provider::config::{
    self, ConfigRejection, DecodedConfig, ProviderSettings, ReadNodesFrom,
};
use crate::provider::nodegroups::{self, Derivation};
use crate::provider::templates::{self, TemplateSet};
use crate::provider::{CaFailure, CaVersion, taint_string};
use crate::yaml::Pos;
use std::collections::BTreeMap;

/// Where an input text came from, and how its positions map back to what the user gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// A path, `<stdin>`, `configmap/NS/NAME` or `nodes`.
    pub label: String,
    /// Added to every line (a ConfigMap data block's first content line, minus one).
    pub line_offset: u32,
    /// Added to every column (the block's indentation).
    pub col_offset: u32,
    /// When positions inside cannot be mapped (quoted or folded scalars): point here instead.
    pub fixed: Option<Pos>,
    /// False for inputs without lines (the live nodes): locations show the label only.
    pub has_lines: bool,
}

impl Source {
    pub fn file(label: impl Into<String>) -> Self {
        Source {
            label: label.into(),
            line_offset: 0,
            col_offset: 0,
            fixed: None,
            has_lines: true,
        }
    }

    /// Maps a position inside this source's text to one in the user's file.
    pub fn map(&self, pos: Pos) -> Option<Pos> {
        // No position (an object, or a finding about a whole input): null, never `0:0`.
        if !self.has_lines || (self.fixed.is_none() && pos.line == 0) {
            return None;
        }
        if let Some(fixed) = self.fixed {
            return Some(fixed);
        }
        Some(Pos {
            line: pos.line.saturating_add(self.line_offset),
            col: pos.col.saturating_add(self.col_offset),
        })
    }
}

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
}

/// A node group as shown to users.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupSummary {
    pub name: String,
    pub min: i64,
    pub max: i64,
    /// e.g. `kwok-provider-templates[0] tpl-a`.
    pub template: String,
    #[serde(skip)]
    pub extra_templates: usize,
}

/// A template CA skips, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedTemplate {
    pub template: String,
    pub reason: String,
}

/// What CA will do with these inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct CaVerdict {
    pub version: CaVersion,
    pub starts: bool,
    pub failure: Option<CaFailure>,
    pub settings: Option<ProviderSettings>,
    pub node_groups: Vec<GroupSummary>,
    pub skipped: Vec<SkippedTemplate>,
    /// Whether templates were available to derive node groups from.
    pub templates_known: bool,
    /// Short sentences for the summary (e.g. the taint pods must tolerate).
    pub notes: Vec<String>,
}

/// What a node group's nodes look like to the scheduler (for matching pending pods).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupShape {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Allocatable cpu in cores, if set.
    pub cpu: Option<f64>,
    /// Allocatable memory in bytes, if set.
    pub memory: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub verdict: CaVerdict,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Vec<Source>,
    pub group_shapes: Vec<GroupShape>,
    /// The template of each node group in `verdict.node_groups` (same order), as JSON:
    /// what `scale` prepares and copies, as CA's `IncreaseSize` does.
    pub group_templates: Vec<serde_json::Value>,
}

/// The state rules read: the decoded config and templates, with their sources.
pub(super) struct Ctx<'d> {
    pub config: Option<(SourceId, DecodedConfig<'d>)>,
    pub settings: Option<Result<ProviderSettings, ConfigRejection>>,
    pub templates_source: Option<SourceId>,
    pub template_set: Option<TemplateSet<'d>>,
    pub derivation: Option<Derivation>,
    /// The config's first `---` section holds only comments (CA decodes it as empty).
    pub config_first_section_blank: bool,
    pub out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }
}

/// Analyses the inputs as CA would, and lints them.
pub fn analyze(inputs: &Inputs, version: CaVersion) -> Analysis {
    let mut verdict = CaVerdict {
        version,
        starts: true,
        failure: inputs.config_failure.clone(),
        settings: None,
        node_groups: Vec::new(),
        skipped: Vec::new(),
        templates_known: false,
        notes: Vec::new(),
    };
    let config_text: Option<Result<config::ConfigText, config::ConfigTextError>> = inputs
        .config
        .as_ref()
        .map(|c| config::parse_for(&c.text, version));
    let mut group_shapes = Vec::new();
    let mut group_templates = Vec::new();
    let mut ctx = Ctx {
        config: None,
        settings: None,
        templates_source: None,
        template_set: None,
        derivation: None,
        config_first_section_blank: false,
        out: inputs.loading.clone(),
    };

    if let (Some(input), Some(parsed)) = (&inputs.config, &config_text) {
        match parsed {
            Err(e) => {
                config_rules::text_error(&mut ctx, input.source, e);
                verdict.failure.get_or_insert_with(|| e.ca_failure());
            }
            Ok(text) => {
                config_rules::sections(&mut ctx, input.source, text);
                let decoded = config::decode(text, version);
                let checked = decoded.check();
                if let Err(rejection) = &checked {
                    verdict
                        .failure
                        .get_or_insert_with(|| rejection.failure.clone());
                }
                verdict.settings = checked.as_ref().ok().cloned();
                ctx.settings = Some(checked);
                ctx.config = Some((input.source, decoded));
                config_rules::check(&mut ctx);
            }
        }
    }

    let templates_text = match &inputs.templates {
        TemplatesInput::Text { input, .. } | TemplatesInput::LiveNodes { input } => Some(input),
        _ => None,
    }
    .filter(|t| !t.text.is_empty());
    let templates_chunks = templates_text.map(|t| templates::read(&t.text));
    let settings = verdict.settings.clone();
    let read_from = settings.as_ref().map(|s| &s.read_nodes_from);
    let reads_configmap = matches!(read_from, Some(ReadNodesFrom::ConfigMap { .. }));

    // CA reads the templates only once the config is accepted; we lint them regardless.
    let presence = template_rules::check_presence(
        &mut ctx,
        &inputs.templates,
        &inputs.other_config_maps,
        settings.as_ref(),
    );
    if let Some(failure) = presence
        && verdict.failure.is_none()
        && reads_configmap
    {
        verdict.failure = Some(failure);
    }
    if let (Some(input), Some(parsed)) = (templates_text, &templates_chunks) {
        ctx.templates_source = Some(input.source);
        let live = matches!(inputs.templates, TemplatesInput::LiveNodes { .. });
        // With `readNodesFrom: cluster`, CA never reads a templates ConfigMap: its faults cannot stop CA.
        let ca_reads_these = settings.is_none() || reads_configmap || live;
        let configmap_name = match read_from {
            Some(ReadNodesFrom::ConfigMap { name }) => name.clone(),
            _ => crate::provider::DEFAULT_TEMPLATES_CONFIG_MAP_NAME.to_owned(),
        };
        // With `readNodesFrom: cluster`, templates given in files stand for the live nodes.
        let as_nodes = live || read_from == Some(&ReadNodesFrom::Cluster);
        // A templates ConfigMap given with `readNodesFrom: cluster` is linted as nodes, but CA
        // never reads it: its groups are not CA's, which come from the live nodes.
        let groups_are_cas = !(read_from == Some(&ReadNodesFrom::Cluster)
            && matches!(
                inputs.templates,
                TemplatesInput::Text {
                    config_map: Some(_),
                    ..
                }
            ));
        let set = match parsed {
            Err(e) => Err(e.clone()),
            Ok(chunks) if as_nodes => templates::from_live_nodes(chunks),
            Ok(chunks) => templates::parse(chunks),
        };
        match set {
            Err(e) => {
                if verdict.failure.is_none() && ca_reads_these {
                    verdict.failure = Some(e.ca_failure(&configmap_name));
                }
                template_rules::load_error(&mut ctx, input.source, &e);
            }
            Ok(set) => {
                verdict.templates_known = groups_are_cas;
                template_rules::dropped(&mut ctx, &set);
                if let Some(settings) = &settings {
                    let derivation = nodegroups::derive(&set, settings, version);
                    if verdict.failure.is_none() && ca_reads_these {
                        verdict.failure = derivation.ca_failure(&set);
                    }
                    if groups_are_cas {
                        verdict.node_groups = derivation
                            .groups
                            .iter()
                            .map(|g| GroupSummary {
                                name: g.name.clone(),
                                min: g.min,
                                max: g.max,
                                template: template_label(&set, g.template, &inputs.templates),
                                extra_templates: g.ignored_templates.len(),
                            })
                            .collect();
                        verdict.skipped = derivation
                            .skipped
                            .iter()
                            .map(|&t| SkippedTemplate {
                                template: template_label(&set, t, &inputs.templates),
                                reason: format!(
                                    "no {} `{}`",
                                    settings.group_by.noun(),
                                    settings.grouping_key
                                ),
                            })
                            .collect();
                        group_templates = derivation
                            .groups
                            .iter()
                            .map(|g| set.templates[g.template].node.to_json())
                            .collect();
                        group_shapes = derivation
                            .groups
                            .iter()
                            .map(|g| shape(&set.templates[g.template], &g.name))
                            .collect();
                    }
                    ctx.derivation = Some(derivation);
                }
                ctx.template_set = Some(set);
                template_rules::check(&mut ctx);
            }
        }
    }

    if let Some(settings) = &verdict.settings {
        if settings.read_nodes_from == ReadNodesFrom::Cluster {
            match &inputs.templates {
                // A templates ConfigMap CA never reads: the groups come from live nodes, unknown here.
                TemplatesInput::Text {
                    config_map: Some((name, _)),
                    ..
                } => {
                    verdict.notes.push(format!(
                        "CA never reads ConfigMap `{name}` with readNodesFrom: cluster; its templates were checked as if they were live nodes."
                    ));
                }
                TemplatesInput::Text { .. } => verdict.notes.push(
                    "readNodesFrom is `cluster`: CA uses every live node as a template; the given templates were checked as if they were those nodes."
                        .to_owned(),
                ),
                _ => {}
            }
            if version.recounts_target_sizes() {
                verdict.notes.push(format!(
                    "Beware: CA {version} counts the live nodes it copies as templates into their node groups, finds no kwok node for them, and never scales those groups up (the real CA 1.36 logs \"Node group … is not ready for scaleup - unhealthy\"); readNodesFrom: configmap avoids it (kubectl kwokprovider init --from-node copies live nodes into templates)."
                ));
            }
        }
        if verdict.templates_known && !settings.skip_taint && !verdict.node_groups.is_empty() {
            verdict.notes.push(format!(
                "Pods must tolerate `{}` to land on these nodes (or set nodes.skipTaint: true).",
                taint_string()
            ));
        }
        if version.timestamps_group_names() {
            verdict.notes.push(
                "CA 1.29 appends `-<unix time at start>` to group names taken from the grouping value."
                    .to_owned(),
            );
        }
    }
    verdict.starts = verdict.failure.is_none();
    let mut diagnostics = ctx.out;
    sort_diagnostics(&mut diagnostics);
    Analysis {
        verdict,
        diagnostics,
        sources: inputs.sources.clone(),
        group_shapes,
        group_templates,
    }
}

fn shape(template: &templates::Template<'_>, name: &str) -> GroupShape {
    GroupShape {
        name: name.to_owned(),
        labels: template
            .labels()
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.scalar_text()?.to_owned(),
                    v.as_str().unwrap_or("").to_owned(),
                ))
            })
            .collect(),
        cpu: template.allocatable("cpu"),
        memory: template.allocatable("memory"),
    }
}

/// Orders by input, then position; diagnostics without a location go last.
pub(crate) fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.location.is_none(), d.location.map(|l| (l.source, l.pos))));
}

fn template_label(set: &TemplateSet<'_>, ordinal: usize, input: &TemplatesInput) -> String {
    let template = &set.templates[ordinal];
    match input {
        TemplatesInput::LiveNodes { .. } => format!("node/{}", template.display_name()),
        TemplatesInput::Text {
            config_map: Some((name, _)),
            ..
        } => format!("{name}[{ordinal}] {}", template.display_name()),
        _ => format!("templates[{ordinal}] {}", template.display_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(config: &str, templates: &str) -> Inputs {
        Inputs {
            sources: vec![Source::file("config.yaml"), Source::file("templates.yaml")],
            config: Some(TextInput {
                text: config.to_owned(),
                source: 0,
            }),
            templates: TemplatesInput::Text {
                input: TextInput {
                    text: templates.to_owned(),
                    source: 1,
                },
                config_map: None,
            },
            loading: Vec::new(),
            config_failure: None,
            other_config_maps: Vec::new(),
        }
    }

    const CONFIG: &str = "apiVersion: v1alpha1\nreadNodesFrom: configmap\nnodegroups: {fromNodeLabelKey: kwok-nodegroup}\nconfigmap: {name: kwok-provider-templates}\n";
    const SINGLE_NODE: &str = "apiVersion: v1\nkind: Node\nmetadata: {name: a, annotations: {}, labels: {kwok-nodegroup: ng}}\n";

    #[test]
    fn broken_templates_stop_ca_only_when_it_reads_them() {
        let from_configmap = analyze(&inputs(CONFIG, SINGLE_NODE), CaVersion::LATEST);
        assert!(!from_configmap.verdict.starts);
        let cluster = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
        let from_cluster = analyze(&inputs(&cluster, SINGLE_NODE), CaVersion::LATEST);
        assert!(
            from_cluster.verdict.starts,
            "{:?}",
            from_cluster.verdict.failure
        );
        // The file stands for the live nodes: a single Node is fine there.
        assert!(
            !from_cluster
                .diagnostics
                .iter()
                .any(|d| d.rule == "templates-single-node")
        );
        assert_eq!(from_cluster.verdict.node_groups[0].name, "ng");
    }

    fn rules(analysis: &Analysis) -> Vec<&'static str> {
        analysis
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .collect()
    }

    #[test]
    fn max_count_zero_can_never_scale_up() {
        let two = format!(
            "{}---\n{}",
            SINGLE_NODE.replace(
                "annotations: {}",
                "annotations: {cluster-autoscaler.kwok.nodegroup/max-count: '0'}"
            ),
            SINGLE_NODE
                .replace("name: a", "name: b")
                .replace("ng}", "ng2}")
        );
        let analysis = analyze(&inputs(CONFIG, &two), CaVersion::LATEST);
        assert!(analysis.verdict.starts);
        let size = analysis
            .diagnostics
            .iter()
            .find(|d| d.rule == "nodegroup-size-invalid")
            .unwrap();
        assert!(size.message.contains("max-count 0"), "{}", size.message);
        assert_eq!(size.location.unwrap().pos.line, 3);
    }

    #[test]
    fn well_known_label_rules_apply_to_label_grouping_only() {
        let hostname = CONFIG.replace("kwok-nodegroup", "kubernetes.io/hostname");
        let by_label = analyze(&inputs(&hostname, SINGLE_NODE), CaVersion::LATEST);
        assert!(rules(&by_label).contains(&"grouping-by-hostname"));
        let by_annotation = hostname.replace("fromNodeLabelKey", "fromNodeAnnotationKey");
        let by_annotation = analyze(&inputs(&by_annotation, SINGLE_NODE), CaVersion::LATEST);
        assert!(!rules(&by_annotation).contains(&"grouping-by-hostname"));
    }

    #[test]
    fn a_config_failure_wins_over_template_failures() {
        let bad = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: nowhere");
        let analysis = analyze(&inputs(&bad, SINGLE_NODE), CaVersion::LATEST);
        let failure = analysis.verdict.failure.unwrap();
        assert!(
            failure.ca_message.contains("readNodesFrom"),
            "{}",
            failure.ca_message
        );
    }
}
