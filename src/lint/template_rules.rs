//! Rules on the templates and the node groups CA derives from them (pure).

use super::given::{OtherConfigMap, TemplatesInput};
use super::{Diagnostic, RuleId, Severity, SourceId, describe_keys, did_you_mean};
use crate::provider::config::{GroupBy, ProviderSettings, ReadNodesFrom};
use crate::provider::nodegroups::{GroupProblem, SizeProblem};
use crate::provider::startup::{Startup, TemplatesOrigin};
use crate::provider::templates::{Template, TemplateSet, TemplatesError};
use crate::provider::*;
use crate::yaml::{Node, Pos};
use std::collections::HashSet;

/// Checks that CA would find templates: the finding, and CA's failure when it would not.
pub(super) fn check_presence(
    input: &TemplatesInput,
    other_config_maps: &[OtherConfigMap],
    settings: Option<&ProviderSettings>,
) -> (Option<Diagnostic>, Option<CaFailure>) {
    let Some(ReadNodesFrom::ConfigMap { name }) = settings.map(|s| &s.read_nodes_from) else {
        return (None, None);
    };
    let not_found = |namespace: &str| {
        CaFailure::new(
            config_map_not_found(name),
            format!(
                "the templates ConfigMap `{name}` (configmap.name) does not exist in namespace `{namespace}`"
            ),
        )
    };
    let no_templates_key = |found: String, location| {
        let diagnostic = Diagnostic::new(
            RuleId::TemplatesMissing,
            format!("ConfigMap `{name}` has no `templates` key ({found}); CA reads only `data.templates` and exits at start-up"),
        )
        .at_opt(location)
        .hint("put the templates under `data.templates: |` (CA ignores `configmap.key` and every other key)");
        let failure = CaFailure::new(
            format!("configmap '{name}' doesn't have 'templates' key"),
            format!("ConfigMap `{name}` has no (or an empty) `templates` key"),
        );
        (Some(diagnostic), Some(failure))
    };
    match input {
        TemplatesInput::NotGiven => {
            if let Some(other) = other_config_maps.iter().find(|c| &c.name == name) {
                return no_templates_key(describe_keys(&other.keys), other.location);
            }
            let diagnostic = Diagnostic::new(
                RuleId::TemplatesMissing,
                format!("the config reads templates from ConfigMap `{name}`, but no templates were given; cannot tell which node groups CA creates"),
            )
            .severity(Severity::Warning)
            .hint(format!("pass the `{name}` ConfigMap with another -f, or raw templates with --templates FILE"));
            (Some(diagnostic), None)
        }
        TemplatesInput::ConfigMapNotFound {
            namespace,
            elsewhere: Some(elsewhere),
        } => {
            let diagnostic = Diagnostic::new(
                RuleId::TemplatesMissing,
                format!("ConfigMap `{name}` is in namespace `{elsewhere}`, but the provider config is in `{namespace}`: CA reads both from its one namespace (POD_NAMESPACE), finds no `{name}` in `{namespace}` and exits at start-up"),
            )
            .hint(format!("put both ConfigMaps in CA's namespace (`{namespace}` if that is where CA runs)"));
            (Some(diagnostic), Some(not_found(namespace)))
        }
        TemplatesInput::ConfigMapNotFound { namespace, .. } => {
            let diagnostic = Diagnostic::new(
                RuleId::TemplatesMissing,
                format!("ConfigMap `{name}` named by `configmap.name` does not exist in namespace `{namespace}`; CA exits at start-up"),
            )
            .hint(format!("create it: kubectl create configmap {name} -n {namespace} --from-file=templates=templates.yaml"));
            (Some(diagnostic), Some(not_found(namespace)))
        }
        TemplatesInput::Text {
            config_map: Some((found, location)),
            ..
        } if found != name => {
            let diagnostic = Diagnostic::new(
                RuleId::TemplatesMissing,
                format!("the templates ConfigMap is named `{found}`, but `configmap.name` says `{name}`; CA looks for `{name}` and exits"),
            )
            .at_opt(*location)
            .hint(format!("rename the ConfigMap to `{name}`, or set `configmap.name: {found}`"));
            (
                Some(diagnostic),
                Some(CaFailure::new(
                    config_map_not_found(name),
                    format!(
                        "CA looks for the templates ConfigMap `{name}` (configmap.name), but the one given is named `{found}`"
                    ),
                )),
            )
        }
        TemplatesInput::Text {
            input,
            config_map: Some((_, location)),
        } if input.text.is_empty() => no_templates_key("it is empty".to_owned(), *location),
        TemplatesInput::Text {
            input,
            config_map: None,
        } if input.text.is_empty() => {
            let diagnostic = Diagnostic::new(
                RuleId::TemplatesMissing,
                "the templates file is empty; as the `templates` key of ConfigMap an empty value makes CA exit at start-up",
            )
            .at(input.source, Pos { line: 1, col: 1 })
            .hint("add Node templates: a `kind: List` of Nodes, or Node documents separated by `---`");
            (
                Some(diagnostic),
                Some(CaFailure::new(
                    format!("configmap '{name}' doesn't have 'templates' key"),
                    format!("the `templates` value of ConfigMap `{name}` would be empty"),
                )),
            )
        }
        _ => (None, None),
    }
}

/// The templates do not parse or decode.
pub(super) fn load_error(source: SourceId, error: &TemplatesError<'_>) -> Diagnostic {
    match error {
        TemplatesError::Syntax(e) => Diagnostic::new(
            RuleId::TemplateDecodeError,
            format!("the templates are not valid YAML: {}; CA exits at start-up", e.message),
        )
        .at(source, e.pos)
        .hint("fix the YAML here; check the indentation of this line against the lines above"),
        TemplatesError::Separator { line, rest } => Diagnostic::new(
            RuleId::TemplateDecodeError,
            format!("`---` is followed by `{rest}`; CA's document reader allows only a comment after `---` and exits (invalid Yaml document separator)"),
        )
        .at(source, Pos { line: *line, col: 4 })
        .hint("put the document on the line after `---`"),
        TemplatesError::Json { line, col, message } => Diagnostic::new(RuleId::TemplateDecodeError, format!("this templates document starts with `{{`, so CA reads it as JSON, and it is not valid JSON: {message}"))
            .at(source, Pos { line: *line, col: *col })
            .hint("fix the JSON here, or write the document as YAML"),
        TemplatesError::Blank { line, all_blank: true, .. } => Diagnostic::new(
            RuleId::TemplatesEmpty,
            "the templates hold no document, only comments or blank lines; CA fails to decode them (Object 'Kind' is missing) and exits",
        )
        .at(source, Pos { line: *line, col: 1 }),
        TemplatesError::Blank { line, .. } => Diagnostic::new(
            RuleId::TemplateDecodeError,
            "this `---` section holds only comments or blank lines; CA decodes every section and fails on this one (Object 'Kind' is missing)",
        )
        .at(source, Pos { line: *line, col: 1 })
        .hint("delete the empty section (and its `---`), or the trailing `---` before it"),
        TemplatesError::SingleNotList { at, kind } => Diagnostic::new(
            RuleId::TemplatesSingleNode,
            format!("the templates are a single `{kind}` document; CA accepts one document only if it is a `kind: List` and exits with \"invalid templates file (found something other than nodes in the file)\""),
        )
        .at(source, at.pos)
        .hint(match kind.as_str() {
            "NodeList" => "change `kind: NodeList` to `kind: List`".to_owned(),
            "Node" => "add a second `---` Node document, or wrap the node: `apiVersion: v1`, `kind: List`, `items: [<the node>]`".to_owned(),
            _ => "the templates must be Node documents, or one `kind: List` of Nodes".to_owned(),
        }),
        TemplatesError::Decode { at, message } => {
            let hint = if message.contains("'Kind' is missing") {
                "add `kind: Node` (or `kind: List` for a list)".to_owned()
            } else if message.contains("'apiVersion' is missing") {
                "add `apiVersion: v1`".to_owned()
            } else if message.contains("is registered") {
                "CA decodes only built-in Kubernetes kinds; remove this document".to_owned()
            } else if message.contains("of type string") && at.as_scalar().is_some() {
                format!("quote the value: `\"{}\"` (unquoted, YAML reads it as {})", at.scalar_text().unwrap_or(""), at.json_kind().article())
            } else if message.contains("of type string") {
                format!("this must be a single string value, not {}", at.json_kind().article())
            } else if message.contains("quantities") {
                "use a Kubernetes quantity such as `4`, `500m`, `16Gi`".to_owned()
            } else {
                "fix the type of this value".to_owned()
            };
            Diagnostic::new(RuleId::TemplateDecodeError, format!("CA cannot decode the templates: {message}"))
                .at(source, at.pos)
                .hint(hint)
        }
    }
}

/// Documents and items CA drops because they are not Nodes.
pub(super) fn dropped(source: SourceId, set: &TemplateSet<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for dropped in &set.dropped {
        let diagnostic = if dropped.top_level && dropped.kind == "List" {
            Diagnostic::new(
                RuleId::TemplateNotNode,
                "a `List` document among several documents is dropped as a whole, with every node in it; CA keeps only `kind: Node` documents here",
            )
            .hint("split its items into separate `---` Node documents, or make the List the only document")
        } else {
            Diagnostic::new(
                RuleId::TemplateNotNode,
                format!(
                    "this `{}` is not a Node; CA drops it silently",
                    dropped.kind
                ),
            )
        };
        out.push(diagnostic.at(source, dropped.at.pos));
    }
    out
}

fn metadata_pos(template: &Template<'_>) -> Pos {
    template
        .metadata()
        .map(|m| m.pos)
        .unwrap_or(template.node.pos)
}

fn key_pos(node: Option<&Node>, key: &str) -> Option<Pos> {
    node?.entry(key).map(|(k, _)| k.pos)
}

fn value_pos(node: Option<&Node>, key: &str) -> Option<Pos> {
    node?.get(key).map(|v| v.pos)
}

/// Rules on the templates CA read and the node groups it derived.
pub(super) fn check(startup: &Startup<'_>, source: SourceId) -> Vec<Diagnostic> {
    let Some(set) = startup.template_set() else {
        return Vec::new();
    };
    let settings = startup.settings().cloned();
    let mut out = Vec::new();
    if set.templates.is_empty() {
        let live = startup.templates_origin() == Some(TemplatesOrigin::LiveNodes);
        out.push(if live {
            Diagnostic::new(
                RuleId::TemplatesEmpty,
                "the cluster has no nodes, and with readNodesFrom: cluster CA takes its templates from them: CA starts without any node group and never scales up",
            )
            .hint("use readNodesFrom: configmap with a templates ConfigMap (kubectl kwokprovider init writes one)")
        } else {
            Diagnostic::new(
                RuleId::TemplatesEmpty,
                "the templates contain no Node (an empty `List`, or only other kinds): CA starts without any node group and never scales up",
            )
            .at(source, Pos { line: 1, col: 1 })
        });
    }
    let group_templates: Vec<usize> = match (startup.derivation(), &settings) {
        (Some(derivation), Some(settings)) => {
            grouping(&mut out, source, &set.templates, derivation, settings);
            derivation.groups.iter().map(|g| g.template).collect()
        }
        _ => (0..set.templates.len()).collect(),
    };
    for &ordinal in &group_templates {
        let template = &set.templates[ordinal];
        resources(&mut out, source, template);
        refused_by_api_server(&mut out, source, template);
        leftovers(&mut out, source, template, settings.as_ref());
        if let Some(settings) = &settings {
            gpu(&mut out, source, template, settings);
        }
    }
    out
}

/// Labels, annotation keys and taints the API server refuses: CA copies them onto every node
/// it creates, so each create fails with 422 and `IncreaseSize` with it.
fn refused_by_api_server(out: &mut Vec<Diagnostic>, source: SourceId, template: &Template<'_>) {
    use crate::provider::api_validation::{
        label_key_errors, label_value_errors, taint_effect_error,
    };
    let mut refuse = |at: &Node, field: String, what: String| {
        out.push(
            Diagnostic::new(
                RuleId::TemplateRejectedByApiServer,
                format!(
                    "template `{}`: the API server refuses a node with {what} (`{field}`); CA starts, but every node it creates from this template is refused with 422 Unprocessable Entity, so each scale-up fails (CA logs `IncreaseSize` failing)",
                    template.display_name()
                ),
            )
            .at(source, at.pos),
        );
    };
    let quoted = |text: &str| format!("{text:?}");
    for map in ["labels", "annotations"] {
        let entries = template
            .node
            .path(&["metadata", map])
            .and_then(Node::as_map)
            .unwrap_or_default();
        for (key, value) in entries {
            let key_text = key.key_string();
            for why in label_key_errors(&key_text) {
                refuse(
                    key,
                    format!(
                        "metadata.{map}: Invalid value: {}: {why}",
                        quoted(&key_text)
                    ),
                    format!("the {} key {}", &map[..map.len() - 1], quoted(&key_text)),
                );
            }
            if map == "labels"
                && let Some(text) = value.as_str()
            {
                for why in label_value_errors(text) {
                    refuse(
                        value,
                        format!("metadata.labels: Invalid value: {}: {why}", quoted(text)),
                        format!("the value {} of label `{key_text}`", quoted(text)),
                    );
                }
            }
        }
    }
    for (i, taint) in template.taints().iter().enumerate() {
        let key = taint.get("key").and_then(Node::as_str).unwrap_or("");
        for why in label_key_errors(key) {
            refuse(
                taint.get("key").unwrap_or(taint),
                format!(
                    "spec.taints[{i}].key: Invalid value: {}: {why}",
                    quoted(key)
                ),
                format!("the taint key {}", quoted(key)),
            );
        }
        if let Some(value) = taint.get("value").and_then(Node::as_str) {
            for why in label_value_errors(value) {
                refuse(
                    taint.get("value").unwrap_or(taint),
                    format!(
                        "spec.taints[{i}].value: Invalid value: {}: {why}",
                        quoted(value)
                    ),
                    format!("the taint value {}", quoted(value)),
                );
            }
        }
        let effect = taint.get("effect").and_then(Node::as_str).unwrap_or("");
        if let Some(why) = taint_effect_error(effect) {
            refuse(
                taint.get("effect").unwrap_or(taint),
                format!("spec.taints[{i}].effect: {why}"),
                format!("the taint effect {}", quoted(effect)),
            );
        }
    }
}

fn grouping(
    out: &mut Vec<Diagnostic>,
    source: SourceId,
    templates: &[Template<'_>],
    derivation: &crate::provider::nodegroups::Derivation,
    settings: &ProviderSettings,
) {
    let noun = settings.group_by.noun();
    let key = &settings.grouping_key;
    if derivation.groups.is_empty() && !templates.is_empty() {
        let first = &templates[derivation.skipped.first().copied().unwrap_or(0)];
        out.push(
            Diagnostic::new(
                RuleId::GroupingLabelMissing,
                format!(
                    "{} the grouping {noun} `{key}` with a value: {}",
                    match templates.len() {
                        1 => "the only template does not have".to_owned(),
                        n => format!("none of the {n} templates has"),
                    },
                    "CA creates no node group, never scales up, and logs no error"
                ),
            )
            .at(source, metadata_pos(first))
            .hint(missing_key_hint(first, settings)),
        );
    } else {
        for &ordinal in &derivation.skipped {
            let template = &templates[ordinal];
            let consequence = "CA skips it silently";
            out.push(
                Diagnostic::new(
                    RuleId::GroupingLabelMissing,
                    format!(
                        "template `{}` has no grouping {noun} `{key}`; {consequence}",
                        template.display_name()
                    ),
                )
                .severity(Severity::Warning)
                .at(source, metadata_pos(template))
                .hint(missing_key_hint(template, settings)),
            );
        }
    }
    for (ordinal, problem) in &derivation.problems {
        let template = &templates[*ordinal];
        let annotations = template.node.path(&["metadata", "annotations"]);
        match problem {
            GroupProblem::AnnotationsMissing => out.push(
                Diagnostic::new(
                    RuleId::TemplateAnnotationsMissing,
                    format!("template `{}` has no `metadata.annotations`; CA panics (assignment to entry in nil map) when it marks the node as kwok-managed", template.display_name()),
                )
                .at(source, metadata_pos(template))
                .hint("add `annotations: {}` under the template's `metadata:`"),
            ),
            GroupProblem::Size(size) => {
                let desired_absent = matches!(template.annotation(ANNOTATION_DESIRED_COUNT), None | Some(""));
                let defaulted_desired = matches!(size, SizeProblem::DesiredOutOfRange { desired: 0, min, .. } if *min > 0) && desired_absent;
                // A defaulted desired-count has no position of its own: point at min-count.
                let pointed = if defaulted_desired { ANNOTATION_MIN_COUNT } else { size.annotation() };
                let at = value_pos(annotations, pointed).unwrap_or(metadata_pos(template));
                let hint = match size {
                    SizeProblem::NotAnInteger { text, .. } => match integer_like(text) {
                        Some(n) => format!("write the plain integer `\"{n}\"` (Go's strconv.Atoi accepts digits with an optional sign, nothing else)"),
                        None => "write a plain integer such as `\"3\"` (Go's strconv.Atoi accepts digits with an optional sign, nothing else)".to_owned(),
                    },
                    SizeProblem::MaxBelowMin { min, .. } => format!("raise max-count to at least {min}, or lower min-count"),
                    SizeProblem::DesiredOutOfRange { min, .. } if defaulted_desired => format!(
                        "add `{ANNOTATION_DESIRED_COUNT}: \"{min}\"` (desired-count defaults to 0, not to min-count)"
                    ),
                    SizeProblem::DesiredOutOfRange { min, max, .. } => format!("pick a desired-count between {min} and {max}"),
                };
                out.push(
                    Diagnostic::new(
                        RuleId::NodegroupSizeInvalid,
                        format!("template `{}`: {}; CA exits at start-up (fatal)", template.display_name(), size.ca_message(template.name())),
                    )
                    .at(source, at)
                    .hint(hint),
                );
            }
        }
    }
    // One set, not a scan of the problems per group (10,000 groups, 10,000 problems).
    let bad_sizes: HashSet<usize> = derivation
        .problems
        .iter()
        .filter(|(_, p)| matches!(p, GroupProblem::Size(_)))
        .map(|(t, _)| *t)
        .collect();
    for group in &derivation.groups {
        let template = &templates[group.template];
        let sizes_valid = !bad_sizes.contains(&group.template);
        if group.max == 0 && sizes_valid {
            let annotations = template.node.path(&["metadata", "annotations"]);
            out.push(
                Diagnostic::new(
                    RuleId::NodegroupSizeInvalid,
                    format!("node group `{}` has max-count 0: CA will never add a node to it", group.name),
                )
                .at(source, value_pos(annotations, ANNOTATION_MAX_COUNT).unwrap_or(metadata_pos(template)))
                .hint(format!("raise `{ANNOTATION_MAX_COUNT}` (the default is {DEFAULT_MAX_COUNT}), or remove the template")),
            );
        }
        for &ignored in &group.ignored_templates {
            let other = &templates[ignored];
            out.push(
                Diagnostic::new(
                    RuleId::NodegroupDuplicate,
                    format!("template `{}` maps to node group `{}`, already defined by template `{}`; CA ignores it (the first template wins)", other.display_name(), group.name, template.display_name()),
                )
                .at(source, metadata_pos(other))
                .hint(format!("give it its own {noun} value (or `{ANNOTATION_NODEGROUP_NAME}`), or remove it")),
            );
        }
        if let Some(problem) = invalid_name_prefix(&group.name_as_created()) {
            let labels_or_annotations = match settings.group_by {
                GroupBy::Label => template.node.path(&["metadata", "labels"]),
                GroupBy::Annotation => template.node.path(&["metadata", "annotations"]),
            };
            let at = if group.named_by_annotation {
                value_pos(
                    template.node.path(&["metadata", "annotations"]),
                    ANNOTATION_NODEGROUP_NAME,
                )
            } else {
                value_pos(labels_or_annotations, key)
            };
            out.push(
                Diagnostic::new(
                    RuleId::NodegroupNameInvalid,
                    format!("node group `{}` is not a valid node-name prefix ({problem}); CA loads it, then every scale-up fails creating `{}-xxxxx` (FailedToScaleUpGroup)", group.name, group.name),
                )
                .at(source, at.unwrap_or(metadata_pos(template)))
                .hint(format!("use `{}`: lowercase letters, digits, `-` and `.`", suggest_name(&group.name))),
            );
        }
    }
}

fn missing_key_hint(template: &Template<'_>, settings: &ProviderSettings) -> String {
    let raw_key = settings.grouping_key.as_str();
    let key = raw_key.trim();
    let (other_map, other_noun) = match settings.group_by {
        GroupBy::Label => ("annotations", "an annotation"),
        GroupBy::Annotation => ("labels", "a label"),
    };
    let own_map = match settings.group_by {
        GroupBy::Label => "labels",
        GroupBy::Annotation => "annotations",
    };
    let own_value = template
        .node
        .path(&["metadata", own_map, key])
        .map(|v| v.as_str().unwrap_or(""));
    if raw_key != key && own_value.is_some_and(|v| !v.is_empty()) {
        return format!(
            "the template has `{key}`, but the configured key {raw_key:?} has surrounding spaces and CA looks it up as written; remove the spaces from `{}`",
            settings.grouping_field
        );
    }
    if template.node.path(&["metadata", other_map, key]).is_some() {
        return format!(
            "`{key}` is set as {other_noun}, but CA groups by {}; move it under `metadata.{own_map}`",
            settings.group_by.noun()
        );
    }
    // `lables:` or `Labels:`: Kubernetes field names are exact, so CA sees no labels at all.
    if template.node.path(&["metadata", own_map]).is_none() {
        let metadata_keys: Vec<&str> = template
            .node
            .path(&["metadata"])
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, _)| k.scalar_text())
            .collect();
        if let Some(typo) = metadata_keys
            .iter()
            .find(|k| did_you_mean(k, &[own_map]).is_some())
        {
            return format!(
                "`metadata.{typo}` is not a field CA reads (field names are exact); did you mean `metadata.{own_map}`?"
            );
        }
    }
    let present: Vec<&str> = template
        .node
        .path(&["metadata", own_map])
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, _)| k.scalar_text())
        .collect();
    if let Some(close) = did_you_mean(key, &present).filter(|c| *c != key) {
        return format!("the template has `{close}`; did you mean `{key}`?");
    }
    if own_value.is_some() {
        return format!("`{key}` is there but has no value; give it the node group's name");
    }
    if template.annotation(ANNOTATION_NODEGROUP_NAME).is_some() {
        return format!(
            "`{ANNOTATION_NODEGROUP_NAME}` alone is not enough; CA needs the grouping {} too",
            settings.group_by.noun()
        );
    }
    format!("add `{key}: <node-group>` under `metadata.{own_map}`")
}

/// The integer a size annotation was probably meant to be (`" 3"`, `"3.0"`, `"2.5"` → 3, 3, 3).
fn integer_like(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(n) = crate::provider::nodegroups::go_atoi(text) {
        return Some(n);
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && f.abs() < 1e15)
        .map(|f| f.round() as i64)
}

/// Why `<name>-xxxxx` is not a valid node name (DNS-1123 subdomain), if it is not.
pub fn invalid_name_prefix(name: &str) -> Option<String> {
    let full = format!("{name}-abcde");
    if full.len() > 253 {
        return Some(format!("longer than {} characters", 253 - 6));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Some(if bad.is_ascii_uppercase() {
            format!("contains the uppercase letter `{bad}`")
        } else if bad == ' ' {
            "contains a space".to_owned()
        } else {
            format!("contains `{bad}`")
        });
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("must start with a letter or digit".to_owned());
    }
    if full
        .split('.')
        .any(|part| part.is_empty() || part.starts_with('-') || part.ends_with('-'))
    {
        return Some(
            "each dot-separated part must start and end with a letter or digit".to_owned(),
        );
    }
    None
}

fn suggest_name(name: &str) -> String {
    let mut out: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches(|c| c == '-' || c == '.').to_owned();
    if out.is_empty() { "ng".to_owned() } else { out }
}

fn resources(out: &mut Vec<Diagnostic>, source: SourceId, template: &Template<'_>) {
    let missing: Vec<&str> = ["cpu", "memory", "pods"]
        .into_iter()
        .filter(|r| template.allocatable(r).is_none())
        .collect();
    let allocatable = template.node.path(&["status", "allocatable"]);
    let at = allocatable.map(|a| a.pos).unwrap_or(metadata_pos(template));
    if !missing.is_empty() {
        out.push(
            Diagnostic::new(
                RuleId::TemplateNoResources,
                format!("template `{}` has no allocatable {}; CA's simulated node has none, so no pending pod ever fits and CA never scales this group up", template.display_name(), missing.join(", ")),
            )
            .at(source, at)
            .hint("add e.g. `status: {allocatable: {cpu: \"4\", memory: 16Gi, pods: \"110\"}, capacity: {…same…}}`"),
        );
    } else if let Some(cpu) = template
        .allocatable("cpu")
        .filter(|c| *c * 1000.0 < KUBE_PROXY_CPU_MILLIS)
    {
        out.push(
            Diagnostic::new(
                RuleId::TemplateNoResources,
                format!("template `{}` has {}m allocatable cpu, less than the 100m CA reserves for its simulated kube-proxy pod; no pod fits", template.display_name(), (cpu * 1000.0).round()),
            )
            .at(source, value_pos(allocatable, "cpu").unwrap_or(at))
            .hint("give the template at least `cpu: 200m` plus what your pods request"),
        );
    }
}

fn leftovers(
    out: &mut Vec<Diagnostic>,
    source: SourceId,
    template: &Template<'_>,
    settings: Option<&ProviderSettings>,
) {
    let name = template.display_name();
    let grouping_hostname = settings.is_some_and(|s| s.grouping_key.trim() == LABEL_HOSTNAME);
    if !grouping_hostname
        && let Some(pos) = key_pos(template.node.path(&["metadata", "labels"]), LABEL_HOSTNAME)
    {
        out.push(
            Diagnostic::new(
                RuleId::TemplateHostnameLabel,
                format!("template `{name}` has label `{LABEL_HOSTNAME}: {}`; CA copies it to every node it creates, so they all share one hostname (hostname anti-affinity or topology spread then make CA scale up without end)", template.label(LABEL_HOSTNAME).unwrap_or("")),
            )
            .at(source, pos)
            .hint(format!("remove the `{LABEL_HOSTNAME}` label from the template")),
        );
    }
    for taint in template.taints() {
        let taint_pos = taint.entry("key").map_or(taint.pos, |(k, _)| k.pos);
        let key = taint.get("key").and_then(Node::as_str).unwrap_or("");
        let effect = taint.get("effect").and_then(Node::as_str).unwrap_or("");
        if key == TAINT_KEY {
            if settings.is_some_and(|s| !s.skip_taint) && effect == TAINT_EFFECT {
                out.push(
                    Diagnostic::new(
                        RuleId::TemplateRealNodeLeftovers,
                        format!("template `{name}` already has the `{TAINT_KEY}` taint and CA adds it again; the API server rejects nodes with duplicate taints, so every scale-up fails"),
                    )
                    .severity(Severity::Error)
                    .at(source, taint_pos)
                    .hint("remove the taint from the template (CA adds it), or set `nodes.skipTaint: true`"),
                );
            }
        } else if key == LABEL_CONTROL_PLANE || key == "node-role.kubernetes.io/master" {
            out.push(
                Diagnostic::new(
                    RuleId::TemplateRealNodeLeftovers,
                    format!("template `{name}` has the control-plane taint `{key}:{effect}`: it was copied from a control-plane node, and only pods tolerating it fit"),
                )
                .at(source, taint_pos)
                .hint("remove the taint from the template (and the node-role label, unless you mean it)"),
            );
        } else if key.starts_with("node.kubernetes.io/")
            || key.starts_with("node.cloudprovider.kubernetes.io/")
        {
            out.push(
                Diagnostic::new(
                    RuleId::TemplateRealNodeLeftovers,
                    format!("template `{name}` has the condition taint `{key}`, left over from a real node's state; every fake node inherits it"),
                )
                .at(source, taint_pos)
                .hint("remove the taint from the template"),
            );
        }
    }
    if let Some(unschedulable) = template.node.path(&["spec", "unschedulable"])
        && unschedulable.resolve() == Some(crate::yaml::Resolved::Bool(true))
    {
        out.push(
            Diagnostic::new(
                RuleId::TemplateRealNodeLeftovers,
                format!("template `{name}` has `spec.unschedulable: true` (a cordoned node); no pod will be scheduled on the fake nodes"),
            )
            .at(source, unschedulable.pos)
            .hint("remove `unschedulable` from the template"),
        );
    }
}

fn gpu(
    out: &mut Vec<Diagnostic>,
    source: SourceId,
    template: &Template<'_>,
    settings: &ProviderSettings,
) {
    let Some(gpu) = &settings.gpu else { return };
    let Some(value) = template.label(&gpu.label_key) else {
        return;
    };
    let labels = template.node.path(&["metadata", "labels"]);
    let at = value_pos(labels, &gpu.label_key).unwrap_or(metadata_pos(template));
    if !gpu.types.iter().any(|t| t == value) {
        let hint = match did_you_mean(
            value,
            &gpu.types.iter().map(String::as_str).collect::<Vec<_>>(),
        ) {
            Some(close) => format!(
                "did you mean `{close}`? Otherwise add `\"{value}\": {{}}` to nodes.gpuConfig.availableGPUTypes"
            ),
            None => format!("add `\"{value}\": {{}}` to nodes.gpuConfig.availableGPUTypes"),
        };
        out.push(
            Diagnostic::new(
                RuleId::GpuTypeUnknown,
                format!("template `{}` has GPU label `{}: {value}`, which is not in `availableGPUTypes`; CA does not know it as a GPU type", template.display_name(), gpu.label_key),
            )
            .at(source, at)
            .hint(hint),
        );
    }
    if template.allocatable(RESOURCE_GPU).is_none() {
        out.push(
            Diagnostic::new(
                RuleId::GpuWithoutResource,
                format!("template `{}` has the GPU label `{}` but no `{RESOURCE_GPU}` allocatable; CA treats such nodes as unready (GPU not yet installed)", template.display_name(), gpu.label_key),
            )
            .at(source, at)
            .hint(format!("add `{RESOURCE_GPU}: \"1\"` (or more) to status.allocatable and status.capacity")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{integer_like, invalid_name_prefix};

    #[test]
    fn size_hints_suggest_the_intended_integer() {
        assert_eq!(integer_like(" 3"), Some(3));
        assert_eq!(integer_like("3.0"), Some(3));
        assert_eq!(integer_like("+4"), Some(4));
        assert_eq!(integer_like("abc"), None);
        assert_eq!(integer_like("1e400"), None);
    }

    #[test]
    fn node_name_prefixes() {
        assert!(invalid_name_prefix("general").is_none());
        assert!(invalid_name_prefix("m5.xlarge").is_none());
        assert!(invalid_name_prefix("General").is_some());
        assert!(invalid_name_prefix("ng_1").is_some());
        assert!(invalid_name_prefix("-ng").is_some());
        assert!(invalid_name_prefix("a/b").is_some());
        assert!(invalid_name_prefix(&"a".repeat(250)).is_some());
    }
}
