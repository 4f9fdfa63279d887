//! Rules on the provider config (`config` key): decoding traps and CA's start-up checks (pure).

use super::given::ReadFact;
use super::{Diagnostic, Location, RuleId, Severity, SourceId, did_you_mean};
use crate::provider::config::{
    self, ConfigText, ConfigTextError, DecodeIssue, DecodedConfig, FailedCheck, GroupBy,
    ProviderSettings,
};
use crate::provider::startup::Startup;
use crate::provider::{
    CONFIG_API_VERSION, CONFIG_KEY, CaFailure, CaVersion, LABEL_ARCH, LABEL_CONTROL_PLANE,
    LABEL_HOSTNAME, LABEL_INSTANCE_TYPE, LABEL_OS, LABEL_REGION, LABEL_ZONE, MAX_CONFIG_MAP_BYTES,
    TEMPLATES_KEY, config_map_not_found, config_not_loaded,
};
use crate::yaml::{Node, Pos};

/// Labels that real nodes commonly carry; grouping on them mixes real nodes into the groups.
const WELL_KNOWN_NODE_LABELS: &[&str] = &[
    LABEL_INSTANCE_TYPE,
    "beta.kubernetes.io/instance-type",
    LABEL_ZONE,
    LABEL_REGION,
    "failure-domain.beta.kubernetes.io/zone",
    LABEL_OS,
    LABEL_ARCH,
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "eks.amazonaws.com/nodegroup",
    "alpha.eksctl.io/nodegroup-name",
    "cloud.google.com/gke-nodepool",
    "kubernetes.azure.com/agentpool",
    "karpenter.sh/nodepool",
    "karpenter.sh/provisioner-name",
    LABEL_CONTROL_PLANE,
    "node-role.kubernetes.io/worker",
];

/// "only `a`, `b`" or "no data at all", for messages about a ConfigMap's keys.
pub fn describe_keys(keys: &[String]) -> String {
    if keys.is_empty() {
        "no data at all".to_owned()
    } else {
        format!("only {}", keys.join(", "))
    }
}

/// The provider-config ConfigMap exists but has no `config` key: the finding and CA's failure.
fn config_key_missing(
    name: &str,
    keys: &[String],
    location: Option<Location>,
    hint: String,
) -> (Diagnostic, CaFailure) {
    let diagnostic = Diagnostic::new(
        RuleId::ConfigEmpty,
        format!(
            "ConfigMap `{name}` has no `{CONFIG_KEY}` key ({}); CA reads only `data.{CONFIG_KEY}` and fails to start",
            describe_keys(keys)
        ),
    )
    .at_opt(location)
    .hint(hint);
    let failure = CaFailure::new(
        config_not_loaded("failed to decode kwok config: EOF"),
        format!("ConfigMap `{name}` has no `{CONFIG_KEY}` key"),
    );
    (diagnostic, failure)
}

/// The findings in what the reader noticed (`ReadFact`s, in reading order), and the first
/// failure they mean for CA's start-up.
pub(super) fn read_findings(facts: &[ReadFact]) -> (Vec<Diagnostic>, Option<CaFailure>) {
    let mut diagnostics = Vec::new();
    let mut failure: Option<CaFailure> = None;
    for fact in facts {
        match fact {
            ReadFact::Oversized { name, bytes, at } => {
                diagnostics.push(
                    Diagnostic::new(
                        RuleId::ConfigmapTooLarge,
                        format!(
                            "ConfigMap `{name}` holds {bytes} bytes of data; the API server accepts at most {MAX_CONFIG_MAP_BYTES} (\"Too long: may not be more than {MAX_CONFIG_MAP_BYTES} bytes\"), so it can never be applied and CA never reads it"
                        ),
                    )
                    .at_opt(Some(*at))
                    .hint("shrink it: fewer or leaner templates (drop `status.images`, `managedFields`, comments), or use readNodesFrom: cluster"),
                );
            }
            ReadFact::NotAString {
                name,
                is_config,
                kind,
                at,
            } => {
                let (rule, what, key) = if *is_config {
                    (RuleId::ConfigParseError, "provider config", CONFIG_KEY)
                } else {
                    (RuleId::TemplateDecodeError, "templates", TEMPLATES_KEY)
                };
                diagnostics.push(
                    Diagnostic::new(
                        rule,
                        format!("`data.{key}` of ConfigMap `{name}` is {}, not a string; the API server rejects the ConfigMap and CA never sees the {what}", kind.article()),
                    )
                    .at_opt(Some(*at))
                    .hint(format!("write `{key}: |` and indent the YAML below it")),
                );
                // The API server refuses the ConfigMap (its words, from the kit's
                // kube-apiserver), so CA then finds no ConfigMap of that name (CA's words).
                let api_server = format!(
                    "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal {} into Go struct field ConfigMap.data of type string",
                    kind.go_name()
                );
                let ca_message = if *is_config {
                    config_not_loaded(&config_map_not_found(name))
                } else {
                    config_map_not_found(name)
                };
                failure.get_or_insert_with(|| {
                    CaFailure::new(
                        ca_message,
                        format!("the API server refuses to store ConfigMap `{name}` (its `data.{key}` is not a string), so CA finds no such ConfigMap"),
                    )
                    .after_api_server(api_server)
                });
            }
            ReadFact::ConfigKeyMissing {
                name,
                keys,
                at,
                hint,
            } => {
                let (diagnostic, missing) = config_key_missing(name, keys, *at, hint.clone());
                diagnostics.push(diagnostic);
                failure.get_or_insert(missing);
            }
            // A provider config under another name (a kustomize hash suffix, a helm release
            // prefix): CA looks for `expected` only, so it fails to find its config.
            ReadFact::ConfigUnderOtherName {
                found,
                expected,
                at,
            } => {
                if failure.is_some() {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::new(
                        RuleId::ConfigMapNameMismatch,
                        format!(
                            "ConfigMap `{found}` holds a provider config, but CA reads the one named `{expected}`; it would not find its config and exit"
                        ),
                    )
                    .at_opt(Some(*at))
                    .hint(format!(
                        "set KWOK_PROVIDER_CONFIGMAP={found} in CA's Deployment (kustomize: disableNameSuffixHash: true, or patch the env), or rename the ConfigMap to `{expected}`; validate it with --config-map {found}"
                    )),
                );
                failure = Some(CaFailure::new(
                    config_not_loaded(&config_map_not_found(expected)),
                    format!(
                        "CA looks for ConfigMap `{expected}`; the provider config given is in `{found}`"
                    ),
                ));
            }
            ReadFact::ConfigMapNotFound { name, namespace } => {
                failure.get_or_insert_with(|| {
                    CaFailure::new(
                        config_not_loaded(&config_map_not_found(name)),
                        format!("ConfigMap `{name}` is not in namespace `{namespace}`"),
                    )
                });
            }
        }
    }
    (diagnostics, failure)
}

/// The config text does not parse.
pub(super) fn text_error(source: SourceId, error: &ConfigTextError) -> Diagnostic {
    match error {
        ConfigTextError::Syntax(e) if e.go_yaml.is_some() => Diagnostic::new(
            RuleId::ConfigParseError,
            format!("the provider config's aliases expand past go-yaml's limit: {}", e.message),
        )
        .at(source, e.pos)
        .hint("write the values out instead of repeating anchors (`*name`); go-yaml, CA's YAML reader, refuses a document mostly made of alias copies"),
        ConfigTextError::Syntax(e) => Diagnostic::new(
            RuleId::ConfigParseError,
            format!("the provider config is not valid YAML: {}", e.message),
        )
        .at(source, e.pos)
        .hint("fix the YAML syntax here; indentation must use spaces (a tab indenting a line is an error)"),
        ConfigTextError::Separator { line, rest } => Diagnostic::new(
            RuleId::ConfigParseError,
            format!("`---` is followed by `{rest}`; CA's document reader allows only a comment after `---`"),
        )
        .at(source, Pos { line: *line, col: 4 })
        .hint("put the config on the line after `---`"),
        ConfigTextError::Json { line, col, message } => Diagnostic::new(
            RuleId::ConfigParseError,
            format!("the provider config starts with `{{`, so CA reads it as JSON, and it is not valid JSON: {message}"),
        )
        .at(source, Pos { line: *line, col: *col })
        .hint("fix the JSON here, or write the config as YAML"),
        ConfigTextError::Empty => Diagnostic::new(RuleId::ConfigEmpty, "the provider config is empty; CA fails with `failed to decode kwok config: EOF`")
            .at(source, Pos { line: 1, col: 1 }),
    }
}

/// CA decodes only the first `---` section of the config.
pub(super) fn sections(source: SourceId, text: &ConfigText) -> Option<Diagnostic> {
    match (text.first_section_blank, text.ignored_section_line) {
        (true, Some(line)) => Some(
            Diagnostic::new(
                RuleId::ConfigExtraDocuments,
                format!("CA reads only the first `---` section of the config, and it holds nothing but comments; the config starting at line {line} is ignored, so CA exits at start-up"),
            )
            .severity(Severity::Error)
            .at(source, Pos { line, col: 1 })
            .hint("remove the `---` line above the config (a comment header must not be a section of its own)"),
        ),
        (true, None) => Some(
            Diagnostic::new(
                RuleId::ConfigEmpty,
                "the provider config holds nothing but comments or blank lines; CA decodes it as empty and exits at start-up",
            )
            .at(source, Pos { line: 1, col: 1 }),
        ),
        (false, Some(line)) => Some(
            Diagnostic::new(
                RuleId::ConfigExtraDocuments,
                "the provider config has more than one `---` section; CA reads only the first and ignores the rest",
            )
            .at(source, Pos { line, col: 1 }),
        ),
        (false, None) => None,
    }
}

/// Rules on the decoded config and CA's checks of it. `first_section_blank`: the config's first
/// `---` section holds only comments (reported by `sections`; CA decodes it as empty).
pub(super) fn check(
    startup: &Startup<'_>,
    source: SourceId,
    first_section_blank: bool,
) -> Vec<Diagnostic> {
    let Some(decoded) = startup.config() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for issue in &decoded.issues {
        found.push(issue_diagnostic(decoded, source, issue));
    }
    found.extend(api_version(decoded, source));
    found.extend(configmap_key(decoded, source));
    match startup.config_check() {
        // The empty section was reported already; CA's rejection follows from it.
        Some(Err(_)) if first_section_blank => {}
        Some(Err(rejection)) => {
            found.extend(rejection_diagnostic(decoded, source, rejection.check))
        }
        Some(Ok(settings)) => found.extend(grouping_key(decoded, source, settings)),
        None => {}
    }
    found
}

fn issue_diagnostic(
    decoded: &DecodedConfig<'_>,
    source: SourceId,
    issue: &DecodeIssue<'_>,
) -> Diagnostic {
    let version = decoded.version;
    match issue {
        DecodeIssue::UnknownField { parent, key } => unknown_field(version, source, parent, key),
        DecodeIssue::CaseMismatch { canonical, key } => {
            let written = key.key_string();
            let expected = canonical.rsplit('.').next().unwrap_or(canonical);
            Diagnostic::new(
                RuleId::FieldCase,
                format!("`{written}` matches CA's field `{expected}` only because Go ignores case; it works, but readers (and other tools) will miss it"),
            )
            .at(source, key.pos)
            .hint(format!("write `{expected}`"))
        }
        DecodeIssue::TypeError { path, at, go_message } => {
            let wanted = go_message.rsplit("of type ").next().unwrap_or("another type");
            let hint = match wanted {
                "bool" => "use an unquoted `true` or `false`".to_owned(),
                "string" => "use a plain string value".to_owned(),
                "map[string]struct {}" => format!("write `{}` as a map, e.g. `\"nvidia-tesla-k80\": {{}}` per line", path),
                "struct {}" => "each GPU type maps to `{}`, e.g. `\"nvidia-tesla-k80\": {}`".to_owned(),
                section if section.starts_with("kwok.") => format!(
                    "`{}` is a section: write its fields below it as `key: value` lines (a YAML mapping), not a list or a single value",
                    display_path(path)
                ),
                other => format!("`{}` must be a {other}", display_path(path)),
            };
            let expected = if wanted.starts_with("kwok.") {
                format!("a mapping ({wanted})")
            } else {
                wanted.to_owned()
            };
            Diagnostic::new(
                RuleId::ConfigParseError,
                format!(
                    "`{}` is {} but CA expects {expected}; CA fails with: {go_message}",
                    display_path(path),
                    at.json_kind().article(),
                ),
            )
            .at(source, at.pos)
            .hint(hint)
        }
        DecodeIssue::DuplicateKey { first, winner } => Diagnostic::new(
            RuleId::ConfigDuplicateKey,
            format!(
                "`{}` is written twice (lines {} and {}); CA keeps only the last one",
                winner.key_string(),
                first.pos.line,
                winner.pos.line
            ),
        )
        .at(source, first.pos)
        .hint("delete the line CA ignores, so the config says what CA does"),
        DecodeIssue::CaseCollision { canonical, loser, winner } => Diagnostic::new(
            RuleId::ConfigDuplicateKey,
            format!(
                "`{}` (line {}) and `{}` (line {}) both set `{canonical}`; CA keeps `{}` (Go applies the keys in sorted order)",
                loser.key_string(),
                loser.pos.line,
                winner.key_string(),
                winner.pos.line,
                winner.key_string()
            ),
        )
        .at(source, loser.pos)
        .hint("keep one of them, spelled exactly as CA documents it"),
        DecodeIssue::KwokContent { key } => Diagnostic::new(
            RuleId::KwokSectionIgnored,
            format!("`kwok.{}` does nothing: `kwok:` is an empty struct in CA, which never installs kwok", key.key_string()),
        )
        .at(source, key.pos)
        .hint("remove it (keep `kwok: {}` or nothing) and install the kwok controller yourself"),
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "the config" } else { path }
}

fn unknown_field(version: CaVersion, source: SourceId, parent: &str, key: &Node) -> Diagnostic {
    let name = key.key_string();
    let full = if parent.is_empty() {
        name.clone()
    } else {
        format!("{parent}.{name}")
    };
    let ignored = format!("`{full}` is not a field CA reads; it is ignored");
    let current = version.annotation_key_field();
    let diagnostic = |message: String, hint: String| {
        Diagnostic::new(RuleId::UnknownField, message)
            .at(source, key.pos)
            .hint(hint)
    };
    if parent == "nodegroups" && name == "fromNodeAnnotation" {
        return diagnostic(
            format!("{ignored} (the provider README documents it, but the code never read it)"),
            format!("CA {version} reads `nodegroups.{current}`; rename the field"),
        );
    }
    if parent == "nodegroups" && name == version.other_annotation_key_field() {
        let (hint, era) = if current == "fromNodeAnnotationKey" {
            (
                "rename it to `fromNodeAnnotationKey`, or pass --ca-version 1.33 if your CA is older",
                "CA 1.34 renamed it to `fromNodeAnnotationKey`",
            )
        } else {
            (
                "rename it to `fromNodeLabelAnnotation`, or pass --ca-version 1.34 (or latest) if your CA is newer",
                "CA up to 1.33 reads `fromNodeLabelAnnotation`",
            )
        };
        return diagnostic(
            format!("`nodegroups.{name}` is ignored by CA {version}: {era}"),
            hint.to_owned(),
        );
    }
    if parent.is_empty() && name == "availableGPUTypes" {
        return diagnostic(
            "a top-level `availableGPUTypes` is ignored; CA reads only `nodes.gpuConfig.availableGPUTypes`".to_owned(),
            "move `availableGPUTypes:` under `nodes:` → `gpuConfig:`".to_owned(),
        );
    }
    let siblings = config::known_fields(version, parent);
    if let Some(suggestion) = did_you_mean(&name, &siblings) {
        return diagnostic(ignored, format!("did you mean `{suggestion}`?"));
    }
    if let Some(home) = elsewhere(version, &name) {
        return diagnostic(
            format!("{ignored} here"),
            format!("`{name}` belongs under `{home}:`"),
        );
    }
    let known = if siblings.is_empty() {
        "nothing".to_owned()
    } else {
        siblings
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let place = if parent.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("under `{parent}`")
    };
    diagnostic(
        ignored,
        format!("CA reads {known} {place}; remove or rename the field"),
    )
}

/// The section where a misplaced field belongs, if any.
fn elsewhere(version: CaVersion, name: &str) -> Option<&'static str> {
    ["", "nodegroups", "nodes", "nodes.gpuConfig", "configmap"]
        .into_iter()
        .find(|parent| {
            config::known_fields(version, parent)
                .iter()
                .any(|f| f.eq_ignore_ascii_case(name))
        })
        .filter(|p| !p.is_empty())
}

fn api_version(decoded: &DecodedConfig<'_>, source: SourceId) -> Option<Diagnostic> {
    if decoded.api_version_is_documented() {
        return None;
    }
    let hint = format!("set `apiVersion: {CONFIG_API_VERSION}`");
    match (decoded.field("apiVersion"), decoded.api_version()) {
        (Some(assigned), Some(value)) => Some(
            Diagnostic::new(RuleId::ApiVersion, format!("`apiVersion: {value}` is not `{CONFIG_API_VERSION}`, the only version of this config (CA does not check it, future CAs may)"))
                .at(source, assigned.value.pos)
                .hint(hint),
        ),
        _ => Some(
            Diagnostic::new(RuleId::ApiVersion, format!("the provider config has no `apiVersion`; it should be `{CONFIG_API_VERSION}` (CA does not check it, future CAs may)"))
                .at(source, decoded.root.pos)
                .hint(hint),
        ),
    }
}

fn configmap_key(decoded: &DecodedConfig<'_>, source: SourceId) -> Option<Diagnostic> {
    let assigned = decoded.field("configmap.key")?;
    let value = decoded.string("configmap.key").unwrap_or_default();
    if value == crate::provider::TEMPLATES_KEY || value.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            RuleId::ConfigmapKeyIgnored,
            format!("`configmap.key: {value}` is ignored; CA always reads the data key `templates` (the README's \"default: config\" is wrong)"),
        )
        .at(source, assigned.key.pos)
        .hint(format!("remove `configmap.key` and store the templates under `templates`, not `{value}`")),
    )
}

fn rejection_diagnostic(
    decoded: &DecodedConfig<'_>,
    source: SourceId,
    check: FailedCheck,
) -> Option<Diagnostic> {
    let root = decoded.root.pos;
    let key_pos = |path: &str| decoded.field(path).map(|a| a.key.pos);
    let value_pos = |path: &str| decoded.field(path).map(|a| a.value.pos);
    let version = decoded.version;
    let annotation_field = version.annotation_key_field();
    Some(match check {
        // A `.inf`/`.nan` (or a number too big for a float64) JSON cannot hold: sigs.k8s.io/yaml
        // refuses the whole config before any field is decoded. Type errors have their own
        // diagnostics (`issue_diagnostic`).
        FailedCheck::Decode => {
            let value = decoded.unsupported_value?;
            Diagnostic::new(
                RuleId::ConfigParseError,
                format!(
                    "`{}` is a number JSON cannot hold (infinite or not a number); CA fails with: {}",
                    value.scalar_text().unwrap_or_default(),
                    crate::provider::go_yaml::unsupported_value_text(value)
                ),
            )
            .at(source, value.pos)
            .hint("quote it (`\"…\"`) if a string field is meant, or write a finite number")
        }
        FailedCheck::ReadNodesFrom => {
            let value = decoded.string("readNodesFrom").unwrap_or_default();
            let trimmed = value.trim();
            let both = "set `readNodesFrom: configmap` (templates from a ConfigMap) or `readNodesFrom: cluster` (from the live nodes)";
            let hint = match did_you_mean(trimmed, &["configmap", "cluster"]) {
                _ if value.is_empty() => both.to_owned(),
                Some(s) if trimmed == s => {
                    format!("remove the spaces around `{s}`: CA compares the value exactly")
                }
                Some(s) if trimmed.eq_ignore_ascii_case(s) => {
                    format!("write `readNodesFrom: {s}`: the value is case-sensitive")
                }
                Some(s) => format!("did you mean `readNodesFrom: {s}`?"),
                None if matches!(trimmed, "label" | "annotation") => format!(
                    "{both}; CA's own error message wrongly lists `label` and `annotation`"
                ),
                None => both.to_owned(),
            };
            let shown = if trimmed != value {
                format!("{value:?}")
            } else {
                value.clone()
            };
            let message = if !decoded.is_set("readNodesFrom") {
                "`readNodesFrom` is missing; CA exits at start-up".to_owned()
            } else if value.is_empty() {
                "`readNodesFrom` is empty; CA exits at start-up".to_owned()
            } else {
                format!("`readNodesFrom: {shown}` is invalid (it must be `configmap` or `cluster`); CA exits at start-up")
            };
            Diagnostic::new(RuleId::ReadNodesFromInvalid, message)
                .at(source, value_pos("readNodesFrom").unwrap_or(root))
                .hint(hint)
        }
        FailedCheck::ConfigMapSection => {
            let message = if decoded.is_set("configmap") {
                "`configmap.name` is empty; with `readNodesFrom: configmap` CA exits at start-up"
            } else {
                "`readNodesFrom: configmap` but there is no `configmap:` section; CA exits at start-up"
            };
            Diagnostic::new(RuleId::ConfigmapSectionMissing, message)
                .at(source, key_pos("configmap").or(key_pos("readNodesFrom")).unwrap_or(root))
                .hint("add `configmap:` with `name: kwok-provider-templates` (the ConfigMap holding the `templates` key)")
        }
        FailedCheck::NodegroupsMissing | FailedCheck::GroupingKeyMissing => {
            let nodegroups = decoded.root.get("nodegroups");
            let written = |name: &str| nodegroups.and_then(|n| n.entry(name)).map(|(k, _)| k.pos);
            let hint = if written("fromNodeAnnotation").is_some() {
                format!("`fromNodeAnnotation` is ignored; rename it to `{annotation_field}`")
            } else if written(version.other_annotation_key_field()).is_some() {
                format!("CA {version} reads `{annotation_field}`, not `{}`; rename it (or pass --ca-version)", version.other_annotation_key_field())
            } else {
                format!("add `nodegroups:` with `fromNodeLabelKey: kwok-nodegroup` (or `{annotation_field}`), and give each template that label")
            };
            let pos = written("fromNodeAnnotation")
                .or(written(version.other_annotation_key_field()))
                .or(key_pos("nodegroups"))
                .unwrap_or(root);
            Diagnostic::new(RuleId::GroupingKeyMissing, "no grouping key is set (`nodegroups.fromNodeLabelKey` or the annotation key); CA exits at start-up".to_owned())
                .at(source, pos)
                .hint(hint)
        }
        FailedCheck::GroupingKeyConflict => Diagnostic::new(
            RuleId::GroupingKeyConflict,
            format!("both `fromNodeLabelKey` and `{annotation_field}` are set; CA exits at start-up"),
        )
        .at(source, key_pos(&format!("nodegroups.{annotation_field}")).unwrap_or(root))
        .hint(format!("keep only one: `fromNodeLabelKey` groups by a label, `{annotation_field}` by an annotation")),
        FailedCheck::GpuConfigIncomplete => {
            let top_level_types = decoded.root.entry("availableGPUTypes").map(|(k, _)| k.pos);
            let missing = if decoded.string("nodes.gpuConfig.gpuLabelKey").unwrap_or_default().is_empty() {
                "gpuLabelKey"
            } else {
                "availableGPUTypes"
            };
            let hint = match top_level_types {
                Some(_) if missing == "availableGPUTypes" => {
                    "move the top-level `availableGPUTypes` under `nodes:` → `gpuConfig:`".to_owned()
                }
                _ => format!("add `{missing}` under `nodes.gpuConfig`, or remove `gpuConfig`"),
            };
            Diagnostic::new(
                RuleId::GpuConfigIncomplete,
                format!("`nodes.gpuConfig` has no `{missing}`; CA exits at start-up"),
            )
            .at(source, key_pos("nodes.gpuConfig").unwrap_or(root))
            .hint(hint)
        }
    })
}

fn grouping_key(
    decoded: &DecodedConfig<'_>,
    source: SourceId,
    settings: &ProviderSettings,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let key = &settings.grouping_key;
    let pos = decoded
        .field(&settings.grouping_field)
        .map(|a| a.value.pos)
        .unwrap_or(decoded.root.pos);
    if key.trim() != key {
        out.push(
            Diagnostic::new(
                RuleId::GroupingKeyWhitespace,
                format!("the grouping key `{key:?}` has surrounding whitespace; CA looks it up untrimmed, so no template ever matches and CA never scales up"),
            )
            .at(source, pos)
            .hint(format!("write `{}` without the spaces", key.trim())),
        );
    }
    let trimmed = key.trim();
    // Real nodes carry these keys as labels: grouping by annotation is not affected.
    let by_label = settings.group_by == GroupBy::Label;
    if by_label && trimmed == LABEL_HOSTNAME {
        out.push(
            Diagnostic::new(
                RuleId::GroupingByHostname,
                "grouping by `kubernetes.io/hostname` makes every simulated node look new to CA's scheduler simulation: CA scales up without end",
            )
            .at(source, pos)
            .hint("group by a dedicated label such as `kwok-nodegroup` (the provider README: \"not supported\")"),
        );
    } else if by_label && WELL_KNOWN_NODE_LABELS.contains(&trimmed) {
        out.push(
            Diagnostic::new(
                RuleId::GroupingKeySharedWithRealNodes,
                format!("`{trimmed}` is a label real nodes carry too; CA counts matching real nodes into the group's size (phantom upcoming nodes, \"size increase too large\")"),
            )
            .at(source, pos)
            .hint("group by a dedicated key such as `kwok-nodegroup`"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::JsonKind;

    #[test]
    fn read_facts_become_findings_in_order_and_the_first_failure_counts() {
        let at = Location {
            source: 0,
            pos: Pos { line: 3, col: 9 },
        };
        let mismatch = ReadFact::ConfigUnderOtherName {
            found: "kwok-provider-config-7h2k".into(),
            expected: "kwok-provider-config".into(),
            at,
        };
        let facts = vec![
            ReadFact::Oversized {
                name: "big".into(),
                bytes: MAX_CONFIG_MAP_BYTES + 1,
                at,
            },
            ReadFact::NotAString {
                name: "kwok-provider-templates".into(),
                is_config: false,
                kind: JsonKind::Array,
                at,
            },
            mismatch.clone(),
        ];
        let (diagnostics, failure) = read_findings(&facts);
        let rules: Vec<RuleId> = diagnostics.iter().map(|d| d.rule).collect();
        // The name mismatch is not CA's first failure here, so it is not reported.
        assert_eq!(
            rules,
            [RuleId::ConfigmapTooLarge, RuleId::TemplateDecodeError]
        );
        let failure = failure.expect("CA fails");
        assert_eq!(
            failure.ca_message,
            "failed to get configmap 'kwok-provider-templates': configmaps \"kwok-provider-templates\" not found"
        );
        assert!(
            failure
                .api_server_message
                .as_deref()
                .is_some_and(|m| m.contains("cannot unmarshal array into Go struct field"))
        );
        let (diagnostics, failure) = read_findings(&[mismatch]);
        assert_eq!(diagnostics[0].rule, RuleId::ConfigMapNameMismatch);
        assert_eq!(
            failure.expect("CA fails").ca_message,
            "failed to load kwok provider config: failed to get configmap 'kwok-provider-config': configmaps \"kwok-provider-config\" not found"
        );
        let (diagnostics, failure) = read_findings(&[ReadFact::ConfigMapNotFound {
            name: "kwok-provider-config".into(),
            namespace: "kube-system".into(),
        }]);
        assert!(diagnostics.is_empty());
        assert_eq!(
            failure.expect("CA fails").explanation,
            "ConfigMap `kwok-provider-config` is not in namespace `kube-system`"
        );
    }
}
