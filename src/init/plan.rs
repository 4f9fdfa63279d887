//! `init`'s answers (from flags, saved defaults or the wizard) and the checked plan they make (pure).
//!
//! `build` is the whole decision: answers, the templates gathered and the settings decided
//! outside them in, a checked `Plan` (or the usage error that names the flag) out.

use super::presets::Preset;
use super::templates::{TemplateNode, stated_sizes, why_not_group_name};
use crate::error::{Error, Result};
use crate::provider::{CaVersion, DEFAULT_TEMPLATES_CONFIG_MAP_NAME, LABEL_HOSTNAME};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The grouping key `init` proposes: dedicated, so no real node carries it.
pub const DEFAULT_GROUPING_KEY: &str = "kwok-nodegroup";
pub const DEFAULT_MIN: i64 = 0;
/// A laptop-safe default; CA's own default without the annotation is 200.
pub const DEFAULT_MAX: i64 = 10;

/// Where CA takes its templates from (`readNodesFrom`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ReadNodesFrom {
    Configmap,
    Cluster,
}

/// Every answer `init` needs; each is a flag, a saved default, or a wizard question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Answers {
    pub namespace: Option<String>,
    pub read_nodes_from: Option<ReadNodesFrom>,
    pub group_by_label: Option<String>,
    pub group_by_annotation: Option<String>,
    /// `NAME` or `NAME=GROUP`.
    pub presets: Vec<String>,
    /// `NODE` or `NODE=GROUP`.
    pub from_nodes: Vec<String>,
    pub templates_file: Option<PathBuf>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub desired: Option<i64>,
    /// `GROUP=MIN:MAX[:DESIRED]`.
    pub sizes: Vec<String>,
    pub skip_taint: Option<bool>,
    pub gpu_label: Option<String>,
    pub config_map: Option<String>,
    pub templates_config_map: Option<String>,
}

impl Answers {
    /// These answers, with `saved` filling what they leave open.
    pub fn or(self, saved: Answers) -> Answers {
        let grouping_given = self.group_by_label.is_some() || self.group_by_annotation.is_some();
        let sources_given = !self.presets.is_empty()
            || !self.from_nodes.is_empty()
            || self.templates_file.is_some();
        let pick =
            |mine: Vec<String>, theirs: Vec<String>| if mine.is_empty() { theirs } else { mine };
        Answers {
            namespace: self.namespace.or(saved.namespace),
            read_nodes_from: self.read_nodes_from.or(saved.read_nodes_from),
            group_by_label: if grouping_given {
                self.group_by_label
            } else {
                saved.group_by_label
            },
            group_by_annotation: if grouping_given {
                self.group_by_annotation
            } else {
                saved.group_by_annotation
            },
            presets: if sources_given {
                self.presets
            } else {
                saved.presets
            },
            from_nodes: if sources_given {
                self.from_nodes
            } else {
                saved.from_nodes
            },
            templates_file: if sources_given {
                self.templates_file
            } else {
                saved.templates_file
            },
            min: self.min.or(saved.min),
            max: self.max.or(saved.max),
            desired: self.desired.or(saved.desired),
            sizes: pick(self.sizes, saved.sizes),
            skip_taint: self.skip_taint.or(saved.skip_taint),
            gpu_label: self.gpu_label.or(saved.gpu_label),
            config_map: self.config_map.or(saved.config_map),
            templates_config_map: self.templates_config_map.or(saved.templates_config_map),
        }
    }

    pub fn has_template_source(&self) -> bool {
        !self.presets.is_empty() || !self.from_nodes.is_empty() || self.templates_file.is_some()
    }
}

impl Answers {
    /// The `init` command line that gives these answers without a question: printed when the
    /// wizard's `--apply` fails, so that nothing answered is lost. `before` are flags that go
    /// first (the connection: --kubeconfig, --context); `after` those that go last.
    pub fn command_line(&self, before: &[String], after: &[&str]) -> String {
        let mut words: Vec<String> = vec!["kubectl".into(), "kwokprovider".into(), "init".into()];
        words.extend(before.iter().cloned());
        let mut flag = |name: &str, value: &str| {
            words.push(name.to_owned());
            words.push(shell_word(value));
        };
        if let Some(ns) = &self.namespace {
            flag("-n", ns);
        }
        if let Some(from) = self.read_nodes_from {
            flag(
                "--read-nodes-from",
                match from {
                    ReadNodesFrom::Configmap => "configmap",
                    ReadNodesFrom::Cluster => "cluster",
                },
            );
        }
        if let Some(key) = &self.group_by_label {
            flag("--group-by-label", key);
        }
        if let Some(key) = &self.group_by_annotation {
            flag("--group-by-annotation", key);
        }
        for preset in &self.presets {
            flag("--preset", preset);
        }
        for node in &self.from_nodes {
            flag("--from-node", node);
        }
        if let Some(file) = &self.templates_file {
            flag("--templates-file", &file.display().to_string());
        }
        for (name, value) in [
            ("--min", self.min),
            ("--max", self.max),
            ("--desired", self.desired),
        ] {
            if let Some(n) = value {
                flag(name, &n.to_string());
            }
        }
        for size in &self.sizes {
            flag("--size", size);
        }
        if let Some(key) = &self.gpu_label {
            flag("--gpu-label", key);
        }
        if let Some(name) = &self.config_map {
            flag("--config-map", name);
        }
        if let Some(name) = &self.templates_config_map {
            flag("--templates-config-map", name);
        }
        if self.skip_taint == Some(true) {
            words.push("--skip-taint".into());
        }
        words.extend(after.iter().map(|w| (*w).to_owned()));
        words.join(" ")
    }
}

/// `value` as one POSIX shell word: bare when it is plain, else single-quoted.
pub fn shell_word(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// How templates are grouped into node groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grouping {
    Label(String),
    Annotation(String),
}

impl Grouping {
    pub fn key(&self) -> &str {
        match self {
            Grouping::Label(key) | Grouping::Annotation(key) => key,
        }
    }
}

/// A node group's sizes, as its annotations will say them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub min: i64,
    pub max: i64,
    pub desired: i64,
}

/// One node group to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub template: TemplateNode,
    pub sizes: Sizes,
}

/// Everything `render` needs, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub namespace: String,
    pub read_nodes_from: ReadNodesFrom,
    pub grouping: Grouping,
    pub groups: Vec<Group>,
    pub skip_taint: bool,
    pub gpu_label: Option<String>,
    pub config_map: String,
    pub templates_config_map: String,
    pub ca_version: CaVersion,
}

/// Splits `NAME=VALUE` (the value optional).
pub fn split_rename(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once('=') {
        Some((name, group)) => (name.trim(), Some(group.trim())),
        None => (spec.trim(), None),
    }
}

/// Why `key` cannot be a label or annotation key (Kubernetes' qualified-name rules), if it cannot.
pub fn why_not_key(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && let Some(why) = crate::provider::names::why_not_subdomain(prefix)
    {
        return Some(format!(
            "its prefix `{prefix}` is not a DNS subdomain: {why}"
        ));
    }
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    (!name_ok).then(|| {
        format!("`{name}` must be 1 to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit")
    })
}

/// The grouping the answers ask for, refusing keys that cannot work.
pub fn grouping(answers: &Answers) -> Result<Grouping> {
    let grouping = match (&answers.group_by_label, &answers.group_by_annotation) {
        (Some(_), Some(_)) => {
            return Err(Error::usage(
                "--group-by-label and --group-by-annotation exclude each other",
            ));
        }
        (_, Some(key)) => Grouping::Annotation(key.trim().to_owned()),
        (Some(key), None) => Grouping::Label(key.trim().to_owned()),
        (None, None) => Grouping::Label(DEFAULT_GROUPING_KEY.to_owned()),
    };
    let key = grouping.key();
    if key == LABEL_HOSTNAME {
        return Err(Error::usage(format!(
            "`{LABEL_HOSTNAME}` cannot be the grouping key: every real node carries it with its own value, so CA (1.30+) counts real nodes into node groups and then skips every loop, and with readNodesFrom: cluster each node would be its own group"
        ))
        .with_hint(format!("use a dedicated key: --group-by-label {DEFAULT_GROUPING_KEY}")));
    }
    if let Some(why) = why_not_key(key) {
        return Err(Error::usage(format!(
            "`{key}` is not a valid label or annotation key: {why}"
        ))
        .with_hint(format!("e.g. --group-by-label {DEFAULT_GROUPING_KEY}")));
    }
    Ok(grouping)
}

/// Parses `GROUP=MIN:MAX[:DESIRED]`.
pub fn parse_size(spec: &str) -> Result<(String, i64, i64, Option<i64>)> {
    let bad = || {
        Error::usage(format!("--size `{spec}`: expected GROUP=MIN:MAX[:DESIRED]"))
            .with_hint("e.g. --size general=0:50 or --size gpu=1:4:2")
    };
    let (group, numbers) = spec.split_once('=').ok_or_else(bad)?;
    let numbers: Vec<i64> = numbers
        .split(':')
        .map(|n| n.trim().parse::<i64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| bad())?;
    match numbers.as_slice() {
        [min, max] => Ok((group.trim().to_owned(), *min, *max, None)),
        [min, max, desired] => Ok((group.trim().to_owned(), *min, *max, Some(*desired))),
        _ => Err(bad()),
    }
}

/// Names the templates' groups and sizes them, checking every name and size.
pub fn groups(
    templates: Vec<(TemplateNode, Option<String>)>,
    answers: &Answers,
) -> Result<Vec<Group>> {
    let mut groups: Vec<Group> = Vec::new();
    for (template, rename) in templates {
        let name = rename.unwrap_or_else(|| template.suggested_name.clone());
        if let Some(why) = why_not_group_name(&name) {
            return Err(Error::usage(format!(
                "`{name}` ({}) is not a valid node-group name: {why}",
                template.origin
            ))
            .with_hint("name it: --preset NAME=GROUP or --from-node NODE=GROUP, with lowercase letters, digits and `-`"));
        }
        if let Some(other) = groups.iter().find(|g| g.name == name) {
            return Err(Error::usage(format!(
                "two templates would make node group `{name}`: {} and {} (CA would keep only the first)",
                other.template.origin, template.origin
            ))
            .with_hint(format!("rename one, e.g. --preset NAME={name}-2")));
        }
        let (stated_min, stated_max, stated_desired) = stated_sizes(&template.node);
        let min = answers.min.or(stated_min).unwrap_or(DEFAULT_MIN);
        let max = answers.max.or(stated_max).unwrap_or(DEFAULT_MAX.max(min));
        let desired = answers
            .desired
            .or(stated_desired.filter(|d| (min..=max).contains(d)));
        groups.push(Group {
            name,
            template,
            sizes: Sizes {
                min,
                max,
                desired: desired.unwrap_or(min),
            },
        });
    }
    for spec in &answers.sizes {
        let (name, min, max, desired) = parse_size(spec)?;
        let Some(group) = groups.iter_mut().find(|g| g.name == name) else {
            let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            return Err(
                Error::usage(format!("--size `{spec}`: there is no node group `{name}`"))
                    .with_hint(format!("the node groups are: {}", known.join(", "))),
            );
        };
        group.sizes = Sizes {
            min,
            max,
            desired: desired.unwrap_or(min),
        };
    }
    for group in &groups {
        let Sizes { min, max, desired } = group.sizes;
        if min < 0 || max < min || desired < min || desired > max {
            return Err(Error::usage(format!(
                "node group `{}`: sizes min {min}, max {max}, desired {desired} do not satisfy 0 ≤ min ≤ desired ≤ max (CA exits on that)",
                group.name
            ))
            .with_hint(format!("e.g. --size {}={min}:{}", group.name, max.max(min))));
        }
    }
    Ok(groups)
}

/// A template and the node group it makes when one was named (`=GROUP`, or the wizard's).
pub type NamedTemplate = (TemplateNode, Option<String>);

/// What `build` takes besides the answers and the templates, decided outside them: the
/// namespace (the flags, the cluster or the wizard), the provider ConfigMap's name (--config-map,
/// the saved answer, KWOK_PROVIDER_CONFIGMAP) and the CA version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub namespace: String,
    pub config_map: String,
    pub ca_version: CaVersion,
}

/// The catalog's templates the answers name (`--preset NAME[=GROUP]`), in their order; an
/// unknown name is a usage error with the closest name.
pub fn preset_templates(answers: &Answers, catalog: &[Preset]) -> Result<Vec<NamedTemplate>> {
    let mut templates = Vec::new();
    for spec in &answers.presets {
        let (name, group) = split_rename(spec);
        let Some(preset) = catalog.iter().find(|p| p.name == name) else {
            let names: Vec<&str> = catalog.iter().map(|p| p.name.as_str()).collect();
            let hint = match crate::lint::did_you_mean(name, &names) {
                Some(close) => {
                    format!("did you mean `{close}`? (kubectl kwokprovider init --list-presets)")
                }
                None => "kubectl kwokprovider init --list-presets shows the catalog".to_owned(),
            };
            return Err(Error::usage(format!("--preset `{name}`: no such preset")).with_hint(hint));
        };
        templates.push((
            super::templates::from_preset(preset),
            group.map(str::to_owned),
        ));
    }
    Ok(templates)
}

/// The GPU label the templates bring (a preset's cloud's), the first one.
pub fn native_gpu_label(templates: &[NamedTemplate]) -> Option<String> {
    templates.iter().find_map(|(t, _)| t.gpu_label_key.clone())
}

/// The checked plan: the answers (after any wizard), the templates gathered (presets, live
/// nodes, a file, in that order) and the settings. Every name, key and size is checked here.
pub fn build(answers: &Answers, templates: Vec<NamedTemplate>, settings: Settings) -> Result<Plan> {
    let Settings {
        namespace,
        config_map,
        ca_version,
    } = settings;
    if let Some(why) = crate::provider::names::why_not_label(&namespace) {
        return Err(Error::usage(format!(
            "`{namespace}` is not a valid namespace name: {why}"
        )));
    }
    let read_nodes_from = answers.read_nodes_from.unwrap_or(ReadNodesFrom::Configmap);
    if read_nodes_from == ReadNodesFrom::Configmap && templates.is_empty() {
        return Err(Error::usage("no templates: nothing was chosen to make node groups from")
            .with_hint("pick presets (--preset), live nodes (--from-node) or a templates file (--templates-file)"));
    }
    let grouping = grouping(answers)?;
    let gpu_label = answers
        .gpu_label
        .clone()
        .or_else(|| native_gpu_label(&templates));
    let groups = groups(templates, answers)?;
    if let Some(key) = &gpu_label
        && let Some(why) = why_not_key(key)
    {
        return Err(Error::usage(format!("--gpu-label `{key}`: {why}")));
    }
    let templates_config_map = answers
        .templates_config_map
        .clone()
        .unwrap_or_else(|| DEFAULT_TEMPLATES_CONFIG_MAP_NAME.to_owned());
    crate::inputs::config_map_name(Some(&templates_config_map), None)
        .map_err(|e| Error::usage(format!("--templates-config-map: {}", e.message)))?;
    Ok(Plan {
        namespace,
        read_nodes_from,
        grouping,
        groups,
        skip_taint: answers.skip_taint.unwrap_or(false),
        gpu_label,
        config_map,
        templates_config_map,
        ca_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::templates::from_file;

    fn answers() -> Answers {
        Answers::default()
    }

    fn settings(namespace: &str) -> Settings {
        Settings {
            namespace: namespace.to_owned(),
            config_map: "kwok-provider-config".to_owned(),
            ca_version: CaVersion::LATEST,
        }
    }

    /// `build` over the built-in catalog, with these presets.
    fn build_presets(answers: &Answers, namespace: &str) -> Result<Plan> {
        let catalog = crate::init::presets::builtin();
        let templates = preset_templates(answers, &catalog)?;
        build(answers, templates, settings(namespace))
    }

    #[test]
    fn build_names_sizes_and_keys_every_group() {
        let a = Answers {
            presets: vec!["m5.xlarge=general".into(), "g5.xlarge".into()],
            max: Some(7),
            sizes: vec!["general=1:4:2".into()],
            ..answers()
        };
        let plan = build_presets(&a, "kube-system").unwrap();
        let groups: Vec<(&str, Sizes)> = plan
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.sizes))
            .collect();
        assert_eq!(
            groups,
            [
                (
                    "general",
                    Sizes {
                        min: 1,
                        max: 4,
                        desired: 2
                    }
                ),
                (
                    "g5-xlarge",
                    Sizes {
                        min: 0,
                        max: 7,
                        desired: 0
                    }
                ),
            ]
        );
        assert_eq!(plan.namespace, "kube-system");
        assert_eq!(
            plan.grouping,
            Grouping::Label(DEFAULT_GROUPING_KEY.to_owned())
        );
        assert_eq!(plan.templates_config_map, DEFAULT_TEMPLATES_CONFIG_MAP_NAME);
        assert_eq!(plan.read_nodes_from, ReadNodesFrom::Configmap);
        assert!(!plan.skip_taint);
        assert!(
            plan.gpu_label.is_some(),
            "the GPU preset brings its cloud's label"
        );
        let chosen = Answers {
            gpu_label: Some("example.com/gpu".into()),
            ..a.clone()
        };
        assert_eq!(
            build_presets(&chosen, "ns").unwrap().gpu_label.as_deref(),
            Some("example.com/gpu"),
            "an answer wins over the preset's label"
        );
    }

    #[test]
    fn build_refuses_what_ca_could_not_use() {
        let one = Answers {
            presets: vec!["m5.xlarge".into()],
            ..answers()
        };
        let message = |answers: &Answers, namespace: &str| {
            build_presets(answers, namespace).unwrap_err().message
        };
        assert!(message(&one, "Bad NS").contains("not a valid namespace name"));
        assert!(message(&answers(), "ns").contains("no templates"));
        let from_cluster = Answers {
            read_nodes_from: Some(ReadNodesFrom::Cluster),
            ..answers()
        };
        assert!(
            build_presets(&from_cluster, "ns")
                .unwrap()
                .groups
                .is_empty(),
            "readNodesFrom: cluster needs no templates"
        );
        let bad_gpu = Answers {
            gpu_label: Some("bad key!".into()),
            ..one.clone()
        };
        assert!(message(&bad_gpu, "ns").starts_with("--gpu-label `bad key!`"));
        let bad_name = Answers {
            templates_config_map: Some("Bad Name".into()),
            ..one.clone()
        };
        assert!(message(&bad_name, "ns").starts_with("--templates-config-map:"));
        let twice = Answers {
            presets: vec!["m5.xlarge".into(), "m5.xlarge".into()],
            ..answers()
        };
        assert!(message(&twice, "ns").contains("two templates would make node group"));
    }

    #[test]
    fn an_unknown_preset_names_the_closest() {
        let a = Answers {
            presets: vec!["m5.xlarg".into()],
            ..answers()
        };
        let e = preset_templates(&a, &crate::init::presets::builtin()).unwrap_err();
        assert_eq!(e.message, "--preset `m5.xlarg`: no such preset");
        assert!(e.hint.unwrap().contains("did you mean `m5.xlarge`?"));
    }

    #[test]
    fn the_command_line_gives_every_answer_back() {
        let a = Answers {
            namespace: Some("ops".into()),
            read_nodes_from: Some(ReadNodesFrom::Configmap),
            group_by_annotation: Some("example.com/pool".into()),
            presets: vec!["m5.large=fast".into()],
            templates_file: Some(PathBuf::from("my nodes.yaml")),
            max: Some(5),
            sizes: vec!["fast=1:5".into()],
            skip_taint: Some(true),
            ..Answers::default()
        };
        let line = a.command_line(&["--context".into(), "kind".into()], &["--apply"]);
        assert_eq!(
            line,
            "kubectl kwokprovider init --context kind -n ops --read-nodes-from configmap \
             --group-by-annotation example.com/pool --preset m5.large=fast \
             --templates-file 'my nodes.yaml' --max 5 --size fast=1:5 --skip-taint --apply"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn hostname_and_bad_keys_are_refused() {
        let mut a = answers();
        a.group_by_label = Some(LABEL_HOSTNAME.to_owned());
        let err = grouping(&a).unwrap_err();
        assert!(
            err.message.contains("every real node carries it"),
            "{}",
            err.message
        );
        a.group_by_label = Some("bad key".to_owned());
        assert!(grouping(&a).is_err());
        a.group_by_label = None;
        a.group_by_annotation = Some("example.com/pool".to_owned());
        assert_eq!(
            grouping(&a).unwrap(),
            Grouping::Annotation("example.com/pool".into())
        );
        assert_eq!(
            grouping(&answers()).unwrap(),
            Grouping::Label(DEFAULT_GROUPING_KEY.into())
        );
    }

    #[test]
    fn sizes_default_desired_to_min_and_are_checked() {
        assert_eq!(parse_size("gpu=1:4").unwrap(), ("gpu".into(), 1, 4, None));
        assert_eq!(
            parse_size("gpu=1:4:2").unwrap(),
            ("gpu".into(), 1, 4, Some(2))
        );
        assert!(parse_size("gpu=1").is_err());
        assert!(parse_size("gpu:1:4").is_err());
        let text = "kind: Node\nmetadata: {name: a, annotations: {cluster-autoscaler.kwok.nodegroup/max-count: \"5\"}}\n---\nkind: Node\nmetadata: {name: b}\n";
        let templates: Vec<_> = from_file("t", text)
            .unwrap()
            .into_iter()
            .map(|t| (t, None))
            .collect();
        let mut a = answers();
        a.min = Some(2);
        a.sizes = vec!["b=1:3".into()];
        let groups = groups(templates.clone(), &a).unwrap();
        assert_eq!(
            groups[0].sizes,
            Sizes {
                min: 2,
                max: 5,
                desired: 2
            }
        );
        assert_eq!(
            groups[1].sizes,
            Sizes {
                min: 1,
                max: 3,
                desired: 1
            }
        );
        a.sizes = vec!["c=1:3".into()];
        assert!(
            super::groups(templates.clone(), &a)
                .unwrap_err()
                .message
                .contains("no node group `c`")
        );
        a.sizes = vec!["b=3:1".into()];
        assert!(super::groups(templates.clone(), &a).is_err());
        let renamed = vec![
            (templates[0].0.clone(), Some("b".into())),
            templates[1].clone(),
        ];
        assert!(
            super::groups(renamed, &answers())
                .unwrap_err()
                .message
                .contains("two templates")
        );
    }

    #[test]
    fn flags_win_over_saved_defaults_per_question() {
        let saved = Answers {
            presets: vec!["m5.xlarge".into()],
            group_by_annotation: Some("x/pool".into()),
            max: Some(50),
            ..Answers::default()
        };
        let flags = Answers {
            from_nodes: vec!["n1".into()],
            group_by_label: Some("pool".into()),
            ..Answers::default()
        };
        let merged = flags.or(saved);
        assert!(merged.presets.is_empty());
        assert_eq!(merged.group_by_annotation, None);
        assert_eq!(merged.max, Some(50));
    }
}
