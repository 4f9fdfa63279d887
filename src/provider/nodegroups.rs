//! Derives node groups from templates and prepares the nodes CA creates, as CA does (pure).

use super::config::{GroupBy, ProviderSettings};
use super::templates::{Template, TemplateSet};
use super::*;
use serde_json::{Value as Json, json};
use std::collections::HashMap;

/// A node group CA will create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGroup {
    pub name: String,
    pub min: i64,
    pub max: i64,
    pub desired: i64,
    /// Ordinal of the template that defines the group (the first one wins).
    pub template: usize,
    /// Ordinals of later templates with the same group name (ignored but for the size count).
    pub ignored_templates: Vec<usize>,
    /// The name came from the `cluster-autoscaler.kwok.nodegroup/name` annotation.
    pub named_by_annotation: bool,
}

/// Stands for the unix time CA 1.29 appends to group names (known only when CA starts).
pub const CA_START_TIME: &str = "<CA start time>";

impl NodeGroup {
    /// The name as CA would create nodes with it (a sample unix time for CA 1.29's suffix).
    pub fn name_as_created(&self) -> String {
        self.name.replace(CA_START_TIME, "1700000000")
    }
}

/// Which size annotation was bad and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeProblem {
    NotAnInteger {
        annotation: &'static str,
        text: String,
    },
    MaxBelowMin {
        min: i64,
        max: i64,
    },
    DesiredOutOfRange {
        desired: i64,
        min: i64,
        max: i64,
    },
}

impl SizeProblem {
    /// CA's own fatal message.
    pub fn ca_message(&self, template: &str) -> String {
        match self {
            SizeProblem::NotAnInteger { annotation, .. } => {
                format!("invalid value for annotation key '{annotation}' for node '{template}'")
            }
            // CA's own wording, backwards as it is.
            SizeProblem::MaxBelowMin { min, max } => format!(
                "min-count '{min}' cannot be lesser than max-count '{max}' for the node '{template}'"
            ),
            SizeProblem::DesiredOutOfRange { desired, min, max } => format!(
                "desired-count '{desired}' cannot be lesser than min-count '{min}' or greater than max-count '{max}' for the node '{template}'"
            ),
        }
    }

    pub fn annotation(&self) -> &'static str {
        match self {
            SizeProblem::NotAnInteger { annotation, .. } => annotation,
            SizeProblem::MaxBelowMin { .. } => ANNOTATION_MAX_COUNT,
            SizeProblem::DesiredOutOfRange { .. } => ANNOTATION_DESIRED_COUNT,
        }
    }
}

/// Something that makes CA exit or crash while building node groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupProblem {
    Size(SizeProblem),
    /// No `metadata.annotations` map: CA panics writing into it.
    AnnotationsMissing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    pub groups: Vec<NodeGroup>,
    /// Templates without a grouping value, skipped silently (ordinals).
    pub skipped: Vec<usize>,
    /// Fatal problems per template ordinal, in CA's order; the first one is what CA dies of.
    pub problems: Vec<(usize, GroupProblem)>,
}

impl Derivation {
    pub fn ca_failure(&self, set: &TemplateSet<'_>) -> Option<CaFailure> {
        let (ordinal, problem) = self.problems.first()?;
        let name = set.templates[*ordinal].name();
        Some(match problem {
            GroupProblem::Size(size) => CaFailure::new(
                size.ca_message(name),
                format!(
                    "the size annotations of template '{name}' are invalid; CA exits (fatal) at start-up"
                ),
            ),
            GroupProblem::AnnotationsMissing => CaFailure::panic(
                "panic: assignment to entry in nil map",
                format!(
                    "template '{name}' has no metadata.annotations; CA crashes when it marks the node as kwok-managed"
                ),
            ),
        })
    }
}

/// The grouping value of a template (label or annotation, looked up with the untrimmed key).
pub fn grouping_value<'d>(template: &Template<'d>, settings: &ProviderSettings) -> Option<&'d str> {
    let value = match settings.group_by {
        GroupBy::Label => template.label(&settings.grouping_key),
        GroupBy::Annotation => template.annotation(&settings.grouping_key),
    };
    value.filter(|v| !v.is_empty())
}

/// The node-group name CA gives a template: the name annotation, else the grouping value.
pub fn group_name(template: &Template<'_>, settings: &ProviderSettings) -> Option<(String, bool)> {
    let value = grouping_value(template, settings)?;
    match template
        .annotation(ANNOTATION_NODEGROUP_NAME)
        .filter(|n| !n.is_empty())
    {
        Some(name) => Some((name.to_owned(), true)),
        None => Some((value.to_owned(), false)),
    }
}

/// Go's `strconv.Atoi`: optional sign and decimal digits, nothing else.
pub fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// min, max and desired from a template's annotations, with CA's defaults and checks.
pub fn parse_sizes(template: &Template<'_>) -> Result<(i64, i64, i64), SizeProblem> {
    let read =
        |annotation: &'static str, default: Option<i64>| -> Result<Option<i64>, SizeProblem> {
            match template.annotation(annotation) {
                None | Some("") => Ok(default),
                Some(text) => go_atoi(text).map(Some).ok_or(SizeProblem::NotAnInteger {
                    annotation,
                    text: text.to_owned(),
                }),
            }
        };
    let min = read(ANNOTATION_MIN_COUNT, Some(DEFAULT_MIN_COUNT))?.unwrap_or(DEFAULT_MIN_COUNT);
    let max = read(ANNOTATION_MAX_COUNT, Some(DEFAULT_MAX_COUNT))?.unwrap_or(DEFAULT_MAX_COUNT);
    // CA's `parseAnnotations` sets `target := min` while min is still its default (0),
    // before it reads min-count: desired-count defaults to 0, not to min-count.
    let desired = read(ANNOTATION_DESIRED_COUNT, None)?.unwrap_or(DEFAULT_MIN_COUNT);
    if max < min {
        return Err(SizeProblem::MaxBelowMin { min, max });
    }
    if desired < min || desired > max {
        return Err(SizeProblem::DesiredOutOfRange { desired, min, max });
    }
    Ok((min, max, desired))
}

/// Walks the templates in CA's order and builds the node groups.
pub fn derive(
    set: &TemplateSet<'_>,
    settings: &ProviderSettings,
    version: CaVersion,
) -> Derivation {
    let mut derivation = Derivation {
        groups: Vec::new(),
        skipped: Vec::new(),
        problems: Vec::new(),
    };
    let mut group_index: HashMap<String, usize> = HashMap::new();
    for template in &set.templates {
        // Every version skips a template without the grouping key (CA 1.29 too: its
        // `createNodegroups` checks the key before `getNGName`, whose Fatalf only a kwok
        // node without it reaches; the oracle runs CA 1.29 on its own testTemplates).
        let Some((mut name, named_by_annotation)) = group_name(template, settings) else {
            derivation.skipped.push(template.ordinal);
            continue;
        };
        if version.timestamps_group_names() && !named_by_annotation {
            name.push('-');
            name.push_str(CA_START_TIME);
        }
        if let Some(&existing) = group_index.get(&name) {
            derivation.groups[existing]
                .ignored_templates
                .push(template.ordinal);
            continue;
        }
        group_index.insert(name.clone(), derivation.groups.len());
        let (min, max, desired) = match parse_sizes(template) {
            Ok(sizes) => sizes,
            Err(problem) => {
                derivation
                    .problems
                    .push((template.ordinal, GroupProblem::Size(problem)));
                (DEFAULT_MIN_COUNT, DEFAULT_MAX_COUNT, DEFAULT_MIN_COUNT)
            }
        };
        if !template.has_annotation_map() {
            derivation
                .problems
                .push((template.ordinal, GroupProblem::AnnotationsMissing));
        }
        derivation.groups.push(NodeGroup {
            name,
            min,
            max,
            desired,
            template: template.ordinal,
            ignored_templates: Vec::new(),
            named_by_annotation,
        });
    }
    derivation
}

/// The kwok-provider taint as a JSON object.
pub fn kwok_taint() -> Json {
    json!({"key": TAINT_KEY, "value": TAINT_VALUE, "effect": TAINT_EFFECT})
}

/// CA's `sanitizeNode` + `prepareNode`: the template as CA keeps it for a group.
///
/// `None` where CA panics: a template without a `metadata.annotations` map.
pub fn prepare_template(template: &Json, group: &str, skip_taint: bool) -> Option<Json> {
    let mut node = template.clone();
    if !node
        .pointer("/metadata/annotations")
        .is_some_and(Json::is_object)
    {
        return None;
    }
    let metadata = object_at(&mut node, "metadata");
    for cleared in ["resourceVersion", "generation", "uid", "creationTimestamp"] {
        metadata.remove(cleared);
    }
    let name = metadata.get("name").and_then(Json::as_str).unwrap_or("");
    let new_name = format!("{TEMPLATE_NAME_PREFIX}{name}");
    metadata.insert("name".into(), Json::String(new_name.clone()));
    let annotations = object_in(metadata, "annotations");
    annotations.insert(ANNOTATION_KWOK_NODE.into(), KWOK_NODE_FAKE.into());
    annotations.insert(ANNOTATION_NODEGROUP_NAME.into(), group.into());
    let status = object_at(&mut node, "status");
    object_in(status, "nodeInfo").insert("kubeletVersion".into(), "fake".into());
    let spec = object_at(&mut node, "spec");
    spec.insert(
        "providerID".into(),
        format!("{PROVIDER_ID_PREFIX}{new_name}").into(),
    );
    if !skip_taint {
        let taints = spec.entry("taints").or_insert_with(|| json!([]));
        if !taints.is_array() {
            *taints = json!([]);
        }
        if let Some(list) = taints.as_array_mut() {
            list.push(kwok_taint());
        }
    }
    Some(node)
}

/// The node CA creates on scale-up: a copy of the prepared template named `<group>-<suffix>`.
pub fn new_node(prepared: &Json, group: &str, suffix: &str, version: CaVersion) -> Json {
    let mut node = prepared.clone();
    let name = format!("{group}-{suffix}");
    let metadata = object_at(&mut node, "metadata");
    metadata.insert("name".into(), name.clone().into());
    if version.sets_metrics_path() {
        object_in(metadata, "annotations").insert(
            ANNOTATION_METRICS_PATH.into(),
            format!("/metrics/nodes/{name}/metrics/resource").into(),
        );
    }
    object_at(&mut node, "spec").insert(
        "providerID".into(),
        format!("{PROVIDER_ID_PREFIX}{name}").into(),
    );
    node
}

/// The alphabet of Kubernetes `rand.String` (no vowels, no confusable digits).
pub const NAME_SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
pub const NAME_SUFFIX_LEN: usize = 5;

/// A `rand.String(5)`-style suffix drawn from `next_random` (any uniform u64 source).
pub fn name_suffix(mut next_random: impl FnMut() -> u64) -> String {
    (0..NAME_SUFFIX_LEN)
        .map(|_| {
            let i = (next_random() % NAME_SUFFIX_ALPHABET.len() as u64) as usize;
            NAME_SUFFIX_ALPHABET[i] as char
        })
        .collect()
}

fn object_at<'j>(node: &'j mut Json, key: &str) -> &'j mut serde_json::Map<String, Json> {
    let map = node.as_object_mut().expect("caller ensured an object");
    object_in(map, key)
}

fn object_in<'j>(
    map: &'j mut serde_json::Map<String, Json>,
    key: &str,
) -> &'j mut serde_json::Map<String, Json> {
    let entry = map.entry(key).or_insert_with(|| json!({}));
    if !entry.is_object() {
        *entry = json!({});
    }
    entry.as_object_mut().expect("just made an object")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::config::ReadNodesFrom;
    use crate::provider::templates;

    fn settings() -> ProviderSettings {
        ProviderSettings {
            read_nodes_from: ReadNodesFrom::Cluster,
            group_by: GroupBy::Label,
            grouping_key: "kwok-nodegroup".into(),
            grouping_field: "nodegroups.fromNodeLabelKey".into(),
            gpu: None,
            skip_taint: false,
        }
    }

    fn node(name: &str, labels: &str, annotations: Option<&str>) -> String {
        let annotations = match annotations {
            Some(a) => format!("  annotations: {{{a}}}\n"),
            None => String::new(),
        };
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\n{annotations}---\n"
        )
    }

    /// A ConfigMap document, so that a single template still forms a multi-document stream.
    const FILLER: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: filler}\n";

    fn derive_text(text: &str, version: CaVersion) -> Derivation {
        let text = format!("{text}{FILLER}");
        let docs = templates::read(&text).unwrap();
        let set = templates::parse(&docs, CaVersion::LATEST).unwrap();
        derive(&set, &settings(), version)
    }

    #[test]
    fn groups_by_label_with_defaults_and_skips_unlabelled() {
        let text = node("a", "kwok-nodegroup: ng1", Some("")) + &node("b", "other: x", Some(""));
        let d = derive_text(&text, CaVersion::LATEST);
        assert_eq!(d.groups.len(), 1);
        assert_eq!(
            (
                d.groups[0].name.as_str(),
                d.groups[0].min,
                d.groups[0].max,
                d.groups[0].desired
            ),
            ("ng1", 0, 200, 0)
        );
        assert_eq!(d.skipped, vec![1]);
        assert!(d.problems.is_empty());
    }

    #[test]
    fn name_annotation_wins_and_first_template_wins() {
        let text = node(
            "a",
            "kwok-nodegroup: x",
            Some("cluster-autoscaler.kwok.nodegroup/name: big"),
        ) + &node(
            "b",
            "kwok-nodegroup: big",
            Some("cluster-autoscaler.kwok.nodegroup/max-count: 'oops'"),
        );
        let d = derive_text(&text, CaVersion::LATEST);
        assert_eq!(d.groups.len(), 1);
        assert!(d.groups[0].named_by_annotation);
        assert_eq!(d.groups[0].ignored_templates, vec![1]);
        assert!(
            d.problems.is_empty(),
            "the losing template's annotations are never parsed"
        );
    }

    #[test]
    fn name_annotation_alone_does_not_make_a_group() {
        let text = node("a", "", Some("cluster-autoscaler.kwok.nodegroup/name: big"))
            + &node("b", "kwok-nodegroup: ''", Some(""));
        let d = derive_text(&text, CaVersion::LATEST);
        assert!(d.groups.is_empty());
        assert_eq!(d.skipped, vec![0, 1]);
    }

    #[test]
    fn size_annotations_are_parsed_and_checked() {
        let ann = |a: &str| node("a", "kwok-nodegroup: ng", Some(a));
        // desired-count defaults to 0, not to min-count: min-count alone is fatal (run by the real CA).
        let defaulted = derive_text(
            &ann(
                "cluster-autoscaler.kwok.nodegroup/min-count: '2', cluster-autoscaler.kwok.nodegroup/max-count: '5'",
            ),
            CaVersion::LATEST,
        );
        let problem = format!("{:?}", defaulted.problems[0].1);
        assert!(
            problem.contains("DesiredOutOfRange { desired: 0, min: 2, max: 5 }"),
            "{problem}"
        );
        let sizes = derive_text(
            &ann(
                "cluster-autoscaler.kwok.nodegroup/min-count: '2', cluster-autoscaler.kwok.nodegroup/max-count: '5', cluster-autoscaler.kwok.nodegroup/desired-count: '2'",
            ),
            CaVersion::LATEST,
        );
        assert_eq!(
            (
                sizes.groups[0].min,
                sizes.groups[0].max,
                sizes.groups[0].desired
            ),
            (2, 5, 2)
        );
        for (annotations, expected) in [
            (
                "cluster-autoscaler.kwok.nodegroup/max-count: 'ten'",
                "NotAnInteger",
            ),
            (
                "cluster-autoscaler.kwok.nodegroup/min-count: ' 1'",
                "NotAnInteger",
            ),
            (
                "cluster-autoscaler.kwok.nodegroup/min-count: '5', cluster-autoscaler.kwok.nodegroup/max-count: '2'",
                "MaxBelowMin",
            ),
            (
                "cluster-autoscaler.kwok.nodegroup/desired-count: '300'",
                "DesiredOutOfRange",
            ),
        ] {
            let d = derive_text(&ann(annotations), CaVersion::LATEST);
            let problem = format!("{:?}", d.problems[0].1);
            assert!(problem.contains(expected), "{annotations}: {problem}");
        }
    }

    #[test]
    fn missing_annotations_map_makes_ca_panic() {
        let d = derive_text(&node("a", "kwok-nodegroup: ng", None), CaVersion::LATEST);
        assert_eq!(d.problems, vec![(0, GroupProblem::AnnotationsMissing)]);
    }

    #[test]
    fn ca_1_29_timestamps_names_and_skips_templates_without_the_key() {
        let v129: CaVersion = "1.29".parse().unwrap();
        let text = node("a", "kwok-nodegroup: ng", Some("")) + &node("b", "", Some(""));
        let d = derive_text(&text, v129);
        assert_eq!(d.groups[0].name, "ng-<CA start time>");
        assert_eq!(d.problems, vec![]);
        assert_eq!(d.skipped, vec![1]);
    }

    #[test]
    fn untrimmed_grouping_key_never_matches() {
        let text = node("a", "kwok-nodegroup: ng", Some("")) + FILLER;
        let docs = templates::read(&text).unwrap();
        let set = templates::parse(&docs, CaVersion::LATEST).unwrap_or_else(|_| panic!());
        let mut spaced = settings();
        spaced.grouping_key = " kwok-nodegroup".into();
        assert!(derive(&set, &spaced, CaVersion::LATEST).groups.is_empty());
    }

    #[test]
    fn go_atoi_matches_strconv() {
        assert_eq!(go_atoi("+5"), Some(5));
        assert_eq!(go_atoi("-3"), Some(-3));
        assert_eq!(go_atoi("5.0"), None);
        assert_eq!(go_atoi(" 5"), None);
        assert_eq!(go_atoi("0x10"), None);
        assert_eq!(go_atoi("99999999999999999999"), None);
    }

    #[test]
    fn prepares_templates_like_ca() {
        let template = json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": "tpl", "uid": "u", "resourceVersion": "5", "creationTimestamp": "x", "generation": 2,
                          "annotations": {}, "labels": {"kubernetes.io/hostname": "tpl"}},
            "spec": {"providerID": "aws:///i-123"},
        });
        let prepared = prepare_template(&template, "ng1", false).unwrap();
        let mut bare = template.clone();
        bare["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("annotations");
        assert_eq!(
            prepare_template(&bare, "ng1", false),
            None,
            "CA panics here"
        );
        assert_eq!(prepared["metadata"]["name"], "kwok-fake-tpl");
        assert!(prepared["metadata"].get("uid").is_none());
        assert!(prepared["metadata"].get("resourceVersion").is_none());
        assert_eq!(
            prepared["metadata"]["annotations"]["kwok.x-k8s.io/node"],
            "fake"
        );
        assert_eq!(
            prepared["metadata"]["annotations"]["cluster-autoscaler.kwok.nodegroup/name"],
            "ng1"
        );
        assert_eq!(prepared["spec"]["providerID"], "kwok:kwok-fake-tpl");
        assert_eq!(prepared["spec"]["taints"], json!([kwok_taint()]));
        assert_eq!(prepared["status"]["nodeInfo"]["kubeletVersion"], "fake");
        assert!(
            prepare_template(&template, "ng1", true).unwrap()["spec"]
                .get("taints")
                .is_none()
        );

        let node = new_node(&prepared, "ng1", "b2x9k", CaVersion::LATEST);
        assert_eq!(node["metadata"]["name"], "ng1-b2x9k");
        assert_eq!(node["spec"]["providerID"], "kwok:ng1-b2x9k");
        assert_eq!(node["metadata"]["labels"]["kubernetes.io/hostname"], "tpl");
        assert_eq!(
            node["metadata"]["annotations"]["metrics.k8s.io/resource-metrics-path"],
            "/metrics/nodes/ng1-b2x9k/metrics/resource"
        );
        let old = new_node(&prepared, "ng1", "b2x9k", "1.32".parse().unwrap());
        assert!(
            old["metadata"]["annotations"]
                .get("metrics.k8s.io/resource-metrics-path")
                .is_none()
        );
    }

    #[test]
    fn name_suffix_uses_kubernetes_alphabet() {
        let mut n = 0u64;
        let suffix = name_suffix(|| {
            n += 7;
            n
        });
        assert_eq!(suffix.len(), 5);
        assert!(suffix.bytes().all(|b| NAME_SUFFIX_ALPHABET.contains(&b)));
    }
}
