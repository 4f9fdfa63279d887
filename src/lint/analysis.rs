//! Runs the provider model and every rule over loaded inputs; returns CA's verdict and the diagnostics (pure).

use super::given::{Inputs, TemplatesInput};
use super::{Diagnostic, config_rules, template_rules};
use crate::provider::config::{ProviderSettings, ReadNodesFrom};
use crate::provider::nodegroups::NodeGroup;
use crate::provider::startup::{ParsedTexts, Startup};
use crate::provider::templates::{Template, TemplateSet};
use crate::provider::{CaFailure, CaVersion, taint_string};
use crate::source::Source;
use crate::yaml;
use std::collections::BTreeMap;

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
    /// The group's template, handed out with the group by `provider::startup`: what `scale`
    /// prepares and copies for a new node, as CA's `IncreaseSize` does. Its node in the parsed
    /// tree, not a JSON copy: only the verbs that need it convert it (issue 21).
    #[serde(skip)]
    pub template_node: TemplateNode,
}

/// A group's template: its node in the parsed templates, shared with the tree (an `Rc`, so
/// 16 bytes a group), converted to JSON only where a verb needs it.
///
/// Why not a JSON copy, as before: with one group per template (grouping by hostname, 10,000
/// groups) the copies were 3.4x the input, more than the tree itself, for the verbs (`validate`)
/// that never read them. Why not an index into the tree: the analysis outlives the tree's
/// owner (`analyze`'s parsed texts), so it has to hold what it hands out; holding the
/// subtrees keeps alive exactly the templates of CA's groups, and the rest of the tree is
/// freed when `analyze` returns.
#[derive(Clone)]
pub struct TemplateNode(yaml::Node);

impl TemplateNode {
    /// The whole template as JSON, as `sigs.k8s.io/yaml` hands it to CA.
    pub fn to_json(&self) -> serde_json::Value {
        self.0.to_json()
    }

    /// The JSON under a path of keys (null when absent), without converting the rest.
    pub fn json_at(&self, keys: &[&str]) -> serde_json::Value {
        self.0
            .path(keys)
            .map_or(serde_json::Value::Null, yaml::Node::to_json)
    }
}

impl PartialEq for TemplateNode {
    /// The same template: the same node, or nodes that convert to the same JSON.
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0.value, &other.0.value) || self.to_json() == other.to_json()
    }
}

impl Eq for TemplateNode {}

impl std::fmt::Debug for TemplateNode {
    /// Where the template starts; the tree itself is too long to print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TemplateNode").field(&self.0.pos).finish()
    }
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
    /// Whether CA's node groups are known: templates were given, and they are the ones CA
    /// reads (not a templates ConfigMap given with `readNodesFrom: cluster`).
    pub node_groups_known: bool,
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
}

impl Analysis {
    /// The node group CA builds under this name, with its template.
    pub fn node_group(&self, name: &str) -> Option<&GroupSummary> {
        self.verdict.node_groups.iter().find(|g| g.name == name)
    }

    /// A new node of `group` as CA's `IncreaseSize` makes it: the template prepared (name,
    /// labels, the kwok taint unless `skip_taint`), for `scale` to create and `why` to fit.
    pub fn prepared_template(&self, group: &GroupSummary) -> Option<serde_json::Value> {
        let skip_taint = self.verdict.settings.as_ref().is_some_and(|s| s.skip_taint);
        crate::provider::nodegroups::prepare_template(
            &group.template_node.to_json(),
            &group.name,
            skip_taint,
        )
    }

    /// What CA's node groups look like to the scheduler, read from their templates when asked
    /// (the cluster rules' pending pods): a copy of every group's labels, kept for the verbs
    /// that never look, was 0.8 KB a group.
    pub fn group_shapes(&self) -> Vec<GroupShape> {
        self.verdict
            .node_groups
            .iter()
            .map(|group| {
                let template = Template {
                    node: &group.template_node.0,
                    ordinal: 0,
                };
                shape(&template, &group.name)
            })
            .collect()
    }
}

/// Analyses the inputs as CA would (`provider::startup`), and lints them.
pub fn analyze(inputs: &Inputs, version: CaVersion) -> Analysis {
    let templates = inputs.templates.text();
    let texts = ParsedTexts::parse(
        inputs.config.as_ref().map(|c| c.text.as_str()),
        templates.map(|(origin, input)| (origin, input.text.as_str())),
        version,
    );
    let (read_findings, read_failure) = config_rules::read_findings(&inputs.read_facts);
    let mut startup = Startup::new(&texts, read_failure);
    startup.read_config();
    // CA looks the templates ConfigMap up only once the config is accepted; it is linted regardless.
    let (presence, lookup_failure) = template_rules::check_presence(
        &inputs.templates,
        &inputs.other_config_maps,
        startup.settings(),
    );
    if let Some(failure) = lookup_failure {
        startup.templates_lookup_failed(failure);
    }
    startup.read_templates();

    let mut diagnostics = read_findings;
    if let (Some(input), Some(parsed)) = (&inputs.config, &texts.config) {
        match parsed {
            Err(e) => diagnostics.push(config_rules::text_error(input.source, e)),
            Ok(text) => {
                diagnostics.extend(config_rules::sections(input.source, text));
                diagnostics.extend(config_rules::check(
                    &startup,
                    input.source,
                    text.first_section_blank,
                ));
            }
        }
    }
    diagnostics.extend(presence);
    if let (Some((_, input)), Some(set)) = (templates, startup.templates()) {
        match set {
            Err(e) => diagnostics.push(template_rules::load_error(input.source, e)),
            Ok(set) => {
                diagnostics.extend(template_rules::dropped(input.source, set));
                diagnostics.extend(template_rules::check(&startup, input.source));
            }
        }
    }
    sort_diagnostics(&mut diagnostics);

    let groups = startup.node_groups();
    Analysis {
        verdict: verdict(&startup, &groups, &inputs.templates),
        diagnostics,
        sources: inputs.sources.clone(),
    }
}

/// CA's verdict on its start-up, in the words shown to users.
fn verdict(
    startup: &Startup<'_>,
    groups: &[(&NodeGroup, &Template<'_>)],
    templates: &TemplatesInput,
) -> CaVerdict {
    let version = startup.version();
    let settings = startup.settings();
    let mut verdict = CaVerdict {
        version,
        starts: startup.starts(),
        failure: startup.failure().cloned(),
        node_groups: Vec::new(),
        skipped: Vec::new(),
        node_groups_known: startup.node_groups_known(),
        notes: Vec::new(),
        settings: settings.cloned(),
    };
    if let (Some(set), Some(settings)) = (startup.template_set(), settings) {
        verdict.node_groups = groups
            .iter()
            .map(|(g, template)| GroupSummary {
                name: g.name.clone(),
                min: g.min,
                max: g.max,
                template: template_label(set, g.template, templates),
                extra_templates: g.ignored_templates.len(),
                template_node: TemplateNode(template.node.clone()),
            })
            .collect();
        verdict.skipped = startup
            .skipped_templates()
            .iter()
            .map(|&t| SkippedTemplate {
                template: template_label(set, t, templates),
                reason: format!(
                    "no {} `{}`",
                    settings.group_by.noun(),
                    settings.grouping_key
                ),
            })
            .collect();
    }
    if let Some(settings) = settings {
        if settings.read_nodes_from == ReadNodesFrom::Cluster {
            match templates {
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
            let copies_live_nodes = startup
                .template_set()
                .is_none_or(|set| !set.templates.is_empty());
            if version.recounts_target_sizes() && copies_live_nodes {
                verdict.notes.push(format!(
                    "Beware: CA {version} counts the live nodes it copies as templates into their node groups, finds no kwok node for them, and never scales those groups up (the real CA 1.36 logs \"Node group … is not ready for scaleup - unhealthy\"); readNodesFrom: configmap avoids it (kubectl kwokprovider init --from-node copies live nodes into templates)."
                ));
            }
        }
        if verdict.node_groups_known && !settings.skip_taint && !verdict.node_groups.is_empty() {
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
    verdict
}

fn shape(template: &Template<'_>, name: &str) -> GroupShape {
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
    use crate::lint::RuleId;
    use crate::lint::given::TextInput;

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
            read_facts: Vec::new(),
            other_config_maps: Vec::new(),
            notes: Vec::new(),
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
                .any(|d| d.rule == RuleId::TemplatesSingleNode)
        );
        assert_eq!(from_cluster.verdict.node_groups[0].name, "ng");
    }

    fn rules(analysis: &Analysis) -> Vec<RuleId> {
        analysis.diagnostics.iter().map(|d| d.rule).collect()
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
            .find(|d| d.rule == RuleId::NodegroupSizeInvalid)
            .unwrap();
        assert!(size.message.contains("max-count 0"), "{}", size.message);
        assert_eq!(size.location.unwrap().pos.line, 3);
    }

    #[test]
    fn well_known_label_rules_apply_to_label_grouping_only() {
        let hostname = CONFIG.replace("kwok-nodegroup", "kubernetes.io/hostname");
        let by_label = analyze(&inputs(&hostname, SINGLE_NODE), CaVersion::LATEST);
        assert!(rules(&by_label).contains(&RuleId::GroupingByHostname));
        let by_annotation = hostname.replace("fromNodeLabelKey", "fromNodeAnnotationKey");
        let by_annotation = analyze(&inputs(&by_annotation, SINGLE_NODE), CaVersion::LATEST);
        assert!(!rules(&by_annotation).contains(&RuleId::GroupingByHostname));
    }

    #[test]
    fn a_group_hands_out_its_template_as_json_on_demand() {
        let cluster = CONFIG.replace("readNodesFrom: configmap", "readNodesFrom: cluster");
        let with_status = SINGLE_NODE.to_owned() + "status: {allocatable: {cpu: '2', pods: 110}}\n";
        let analysis = analyze(&inputs(&cluster, &with_status), CaVersion::LATEST);
        let template = &analysis.node_group("ng").expect("group ng").template_node;
        assert_eq!(template.to_json()["metadata"]["name"], "a");
        assert_eq!(
            template.json_at(&["status", "allocatable"]),
            serde_json::json!({"cpu": "2", "pods": 110})
        );
        assert_eq!(
            template.json_at(&["spec", "taints"]),
            serde_json::Value::Null
        );
        let shapes = analysis.group_shapes();
        assert_eq!(shapes.len(), 1);
        assert_eq!(shapes[0].cpu, Some(2.0));
        assert_eq!(shapes[0].labels["kwok-nodegroup"], "ng");
        // Two analyses of the same text hold equal templates, though not the same nodes.
        let again = analyze(&inputs(&cluster, &with_status), CaVersion::LATEST);
        assert_eq!(again, analysis);
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
