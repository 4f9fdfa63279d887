//! Recognises what the user handed to `-f` (any verb) and turns it into analysis inputs (pure).
//! It records what it notices (`ReadFact`s) and emits no findings: those are `lint`'s.
//!
//! Accepted: ConfigMap manifests (`kwok-provider-config` with key `config`, any ConfigMap
//! with key `templates`), a raw provider config, and raw templates (Nodes / a List). Positions
//! inside a ConfigMap's `data` block scalar are mapped back onto the manifest's lines.

use super::InputFile;
use crate::error::{Error, Result};
use crate::lint::given::{Inputs, OtherConfigMap, ReadFact, TemplatesInput, TextInput};
use crate::provider::{CONFIG_KEY, CaVersion, MAX_CONFIG_MAP_BYTES, TEMPLATES_KEY};
use crate::source::{Location, Source};
use crate::yaml::{self, Node, Pos, Style};

/// A provider config or templates found somewhere in the inputs.
#[derive(Debug)]
struct Found {
    text: String,
    source: Source,
    /// `configmap NAME` or `file`, for messages.
    origin: String,
    config_map: Option<(String, Pos)>,
    /// The ConfigMap's `metadata.namespace`, when it says one.
    namespace: Option<String>,
}

#[derive(Default)]
struct Collector {
    configs: Vec<Found>,
    templates: Vec<Found>,
    other_config_maps: Vec<OtherConfigMap>,
    /// ConfigMaps with a `config` key that CA does not read (another name), and where.
    other_config_names: Vec<String>,
    other_config_places: Vec<(String, Pos)>,
    read_facts: Vec<ReadFact>,
    sources: Vec<Source>,
}

/// Top-level keys of a provider config (matched case-insensitively, like CA).
const CONFIG_KEYS: &[&str] = &["readnodesfrom", "nodegroups", "nodes", "configmap", "kwok"];

/// A mapping CA would read as its config: one of its fields (CA ignores every other key, a
/// `kind:` included), or the documented `apiVersion: v1alpha1`. ConfigMaps and templates
/// (`Node`, `List`) are recognised before this is asked.
fn looks_like_config(root: &Node) -> bool {
    let Some(entries) = root.as_map() else {
        return false;
    };
    let has_config_key = entries
        .iter()
        .any(|(k, _)| CONFIG_KEYS.contains(&k.key_string().to_lowercase().as_str()));
    let is_v1alpha1 =
        root.get("apiVersion").and_then(Node::as_str) == Some(crate::provider::CONFIG_API_VERSION);
    has_config_key || is_v1alpha1
}

/// Whether a `List` holds ConfigMaps (then it is a stream of objects, not templates).
fn list_holds_config_maps(root: &Node) -> bool {
    root.get("items")
        .and_then(Node::as_seq)
        .is_some_and(|items| {
            items
                .iter()
                .any(|i| i.get("kind").and_then(Node::as_str) == Some("ConfigMap"))
        })
}

fn is_template_kind(kind: &str) -> bool {
    matches!(kind, "Node" | "List" | "NodeList")
}

/// Maps positions inside a ConfigMap data value (a `|` block) back onto the manifest.
///
/// A literal block keeps every line, so inner line N is N lines below the `|` indicator,
/// and every column is shifted by the block's indentation. Other scalar styles fold or
/// escape their text, so positions inside them point at the value instead.
fn embedded_source(label: &str, file_text: &str, key: &Node, value: &Node) -> Source {
    let mut source = Source::file(label);
    if value.as_scalar().map(|s| s.style) != Some(Style::Literal) {
        source.fixed = Some(value.pos);
        return source;
    }
    let lines: Vec<&str> = file_text.lines().collect();
    // The indicator is on the key's line (`config: |`) or, rarely, on a line of its own.
    let key_line = key.pos.line as usize;
    let indicator_line = (key_line..=value.pos.line as usize)
        .find(|&n| {
            lines.get(n - 1).is_some_and(|l| {
                let rest = if n == key_line {
                    l.split_once(':').map_or("", |(_, r)| r)
                } else {
                    l
                };
                rest.trim_start().starts_with('|')
            })
        })
        .unwrap_or(key_line);
    let indent = lines
        .iter()
        .skip(indicator_line)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .unwrap_or(0);
    source.line_offset = u32::try_from(indicator_line).unwrap_or(0);
    source.col_offset = u32::try_from(indent).unwrap_or(0);
    source
}

impl Collector {
    fn add_source(&mut self, source: Source) -> usize {
        self.sources.push(source);
        self.sources.len() - 1
    }

    fn config_map(&mut self, file: &InputFile, root: &Node, config_map_name: &str) {
        let name_node = root.path(&["metadata", "name"]);
        let name = name_node.and_then(Node::as_str).unwrap_or("").to_owned();
        let name_pos = name_node.map(|n| n.pos).unwrap_or(root.pos);
        let data = root.get("data");
        self.check_size(file, root, &name, name_pos);
        let is_config_map = name == config_map_name;
        let mut recognised = false;
        for (key, is_config_key) in [(CONFIG_KEY, true), (TEMPLATES_KEY, false)] {
            let Some((key_node, value)) = data.and_then(|d| d.entry(key)) else {
                continue;
            };
            // CA reads `config` only from the ConfigMap it is told to read.
            if is_config_key && !is_config_map {
                self.other_config_names.push(name.clone());
                self.other_config_places
                    .push((file.label.clone(), name_pos));
                continue;
            }
            recognised = true;
            let origin = format!("ConfigMap `{name}` at {}:{}", file.label, name_pos.line);
            match value.as_scalar() {
                Some(scalar) => {
                    let found = Found {
                        text: scalar.text.to_string(),
                        source: embedded_source(&file.label, &file.text, key_node, value),
                        origin,
                        config_map: Some((name.clone(), name_pos)),
                        namespace: root
                            .path(&["metadata", "namespace"])
                            .and_then(Node::as_str)
                            .map(str::to_owned),
                    };
                    if is_config_key {
                        self.configs.push(found);
                    } else {
                        self.templates.push(found);
                    }
                }
                None => {
                    let source = self.add_source(Source::file(&file.label));
                    self.read_facts.push(ReadFact::NotAString {
                        name: name.clone(),
                        is_config: is_config_key,
                        kind: value.json_kind(),
                        at: Location {
                            source,
                            pos: value.pos,
                        },
                    });
                }
            }
        }
        let keys: Vec<String> = data
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, _)| format!("`{}`", k.key_string()))
            .collect();
        if !recognised && !is_config_map {
            // Maybe the templates ConfigMap with its templates under the wrong key.
            let source = self.add_source(Source::file(&file.label));
            self.other_config_maps.push(OtherConfigMap {
                name,
                location: Some(Location {
                    source,
                    pos: name_pos,
                }),
                keys,
            });
            return;
        }
        if !recognised {
            let source = self.add_source(Source::file(&file.label));
            let at = root.entry("data").map(|(k, _)| k.pos).unwrap_or(name_pos);
            self.read_facts.push(ReadFact::ConfigKeyMissing {
                name,
                keys,
                at: Some(Location { source, pos: at }),
                hint: format!("put the provider config under `data.{CONFIG_KEY}: |`"),
            });
        }
    }

    /// The API server refuses a ConfigMap whose keys and values (data and binaryData) add up
    /// to more than 1 MiB, counted in bytes as apimachinery counts them.
    fn check_size(&mut self, file: &InputFile, root: &Node, name: &str, name_pos: Pos) {
        let size: usize = ["data", "binaryData"]
            .iter()
            .filter_map(|section| root.get(section).and_then(Node::as_map))
            .flatten()
            .map(|(k, v)| k.key_string().len() + v.scalar_text().map_or(0, str::len))
            .sum();
        if size > MAX_CONFIG_MAP_BYTES {
            let source = self.add_source(Source::file(&file.label));
            self.read_facts.push(ReadFact::Oversized {
                name: name.to_owned(),
                bytes: size,
                at: Location {
                    source,
                    pos: name_pos,
                },
            });
        }
    }

    /// Takes in one file; returns whether anything in it was recognised.
    fn file(&mut self, file: InputFile, config_map_name: &str) -> Result<bool> {
        match self.role(&file, config_map_name)? {
            Role::Whole { is_config } => {
                self.whole_file(file, is_config);
                Ok(true)
            }
            Role::Parts { recognised } => Ok(recognised),
        }
    }

    /// Decides what a file is; ConfigMaps inside it are collected on the way.
    fn role(&mut self, file: &InputFile, config_map_name: &str) -> Result<Role> {
        let docs = match yaml::parse_stream(&file.text) {
            Ok(docs) => docs,
            Err(e) => return unparsable(file, e),
        };
        let mut recognised = false;
        for doc in docs.iter().filter(|d| !d.is_empty) {
            let root = &doc.root;
            match root.get("kind").and_then(Node::as_str) {
                Some("ConfigMap") => {
                    let before = self.configs.len() + self.templates.len() + self.read_facts.len();
                    self.config_map(file, root, config_map_name);
                    recognised |=
                        self.configs.len() + self.templates.len() + self.read_facts.len() > before;
                }
                // `kubectl get cm A B -o yaml` prints one `List` holding both ConfigMaps: a
                // List that holds ConfigMaps is a stream of its items, not templates.
                Some("List") if list_holds_config_maps(root) => {
                    for item in root.get("items").and_then(Node::as_seq).unwrap_or_default() {
                        if item.get("kind").and_then(Node::as_str) == Some("ConfigMap") {
                            let before =
                                self.configs.len() + self.templates.len() + self.read_facts.len();
                            self.config_map(file, item, config_map_name);
                            recognised |=
                                self.configs.len() + self.templates.len() + self.read_facts.len()
                                    > before;
                        }
                    }
                }
                Some(kind) if is_template_kind(kind) => {
                    return Ok(Role::Whole { is_config: false });
                }
                _ if looks_like_config(root) => return Ok(Role::Whole { is_config: true }),
                _ => {}
            }
        }
        Ok(Role::Parts { recognised })
    }

    fn whole_file(&mut self, file: InputFile, is_config: bool) {
        let found = Found {
            text: file.text,
            source: Source::file(&file.label),
            origin: format!("file {}", file.label),
            config_map: None,
            namespace: None,
        };
        if is_config {
            self.configs.push(found);
        } else {
            self.templates.push(found);
        }
    }
}

/// What a file holds: one config or templates as a whole, or ConfigMaps (already collected).
enum Role {
    Whole { is_config: bool },
    Parts { recognised: bool },
}

/// A file that is not YAML: still a finding if it is clearly a config or templates.
fn unparsable(file: &InputFile, e: yaml::YamlError) -> Result<Role> {
    let lower = file.text.to_lowercase();
    if lower.contains("kind: configmap") {
        return Err(Error::input(format!(
            "{}:{}:{}: not valid YAML: {}",
            file.label, e.pos.line, e.pos.col, e.message
        ))
        .with_hint(
            "the ConfigMap manifest itself must be valid YAML; kubectl apply would reject it too",
        ));
    }
    if CONFIG_KEYS.iter().any(|k| lower.contains(&format!("{k}:"))) {
        return Ok(Role::Whole { is_config: true });
    }
    if lower.contains("kind: node") || lower.contains("kind: list") {
        return Ok(Role::Whole { is_config: false });
    }
    Err(Error::input(format!(
        "{}:{}:{}: not valid YAML: {}",
        file.label, e.pos.line, e.pos.col, e.message
    ))
    .with_hint(
        "validate reads ConfigMap manifests, a raw provider config, or templates (--templates)",
    ))
}

fn only_one(found: &mut Vec<Found>, what: &str) -> Result<Option<Found>> {
    if found.len() > 1 {
        let places: Vec<&str> = found.iter().map(|f| f.origin.as_str()).collect();
        return Err(Error::usage(format!(
            "found {} {what}s ({}); validate one setup at a time",
            found.len(),
            places.join(", ")
        ))
        .with_hint("pass only the files of one setup with -f"));
    }
    Ok(found.pop())
}

/// A cluster-autoscaler Deployment in the files that runs the kwok provider and names the
/// provider-config ConfigMap (`KWOK_PROVIDER_CONFIGMAP`), read as CA reads its Deployment
/// (`provider::deployment::ca_deployment`): `(name, where)`.
pub fn config_map_from_deployments(files: &[InputFile]) -> Option<(String, String)> {
    // Only a file that can spell `Deployment` is parsed here; `classify` parses them all.
    for file in files
        .iter()
        .filter(|f| yaml::may_read_as(&f.text, "Deployment"))
    {
        let Ok(docs) = yaml::parse_stream(&file.text) else {
            continue;
        };
        for doc in &docs {
            let root = &doc.root;
            let items: Vec<&Node> = match root.get("kind").and_then(Node::as_str) {
                Some("List") => root
                    .get("items")
                    .and_then(Node::as_seq)
                    .map(|i| i.iter().collect())
                    .unwrap_or_default(),
                _ => vec![root],
            };
            for item in items {
                if item.get("kind").and_then(Node::as_str) != Some("Deployment") {
                    continue;
                }
                // A Deployment the API server would not take is no CA that reads anything.
                let Ok(deployment) = serde_json::from_value(item.to_json()) else {
                    continue;
                };
                let Some(ca) = crate::provider::deployment::ca_deployment(&deployment) else {
                    continue;
                };
                if ca.effective_cloud_provider() != Some("kwok") {
                    continue;
                }
                if let Some(value) = ca.config_map_env.as_deref().map(str::trim)
                    && !value.is_empty()
                {
                    let name = if ca.name.is_empty() { "?" } else { &ca.name };
                    return Some((
                        value.to_owned(),
                        format!("deployment `{name}` in {}:{}", file.label, item.pos.line),
                    ));
                }
            }
        }
    }
    None
}

/// Classifies the files (`-f`) and the raw templates (`--templates`) into analysis inputs.
pub fn classify(
    files: Vec<InputFile>,
    templates_file: Option<InputFile>,
    config_map_name: &str,
    version: CaVersion,
) -> Result<Inputs> {
    let mut collector = Collector::default();
    let mut unrecognised = Vec::new();
    for file in files {
        let label = file.label.clone();
        if !collector.file(file, config_map_name)? {
            unrecognised.push(label);
        }
    }
    if let Some(file) = templates_file {
        // ConfigMap manifests given as raw templates: CA would see a ConfigMap, not Nodes.
        // Parsed only when a `kind: ConfigMap` can be in it: the name as written, or escaped in
        // a double-quoted scalar; the templates themselves are parsed once, by the analysis.
        let holds_config_maps = yaml::may_read_as(&file.text, "ConfigMap")
            && yaml::parse_stream(&file.text).is_ok_and(|docs| {
                docs.iter()
                    .any(|d| d.root.get("kind").and_then(Node::as_str) == Some("ConfigMap"))
            });
        if holds_config_maps {
            return Err(Error::usage(format!(
                "--templates {}: holds ConfigMap manifests; --templates takes the raw value of the `templates` key",
                file.label
            ))
            .with_hint(format!("pass ConfigMap manifests with -f: kubectl kwokprovider validate -f {}", file.label)));
        }
        collector.whole_file(file, false);
    }
    if collector.configs.is_empty()
        && collector.templates.is_empty()
        && collector.read_facts.is_empty()
    {
        let what = if unrecognised.is_empty() {
            "the input".to_owned()
        } else {
            unrecognised.join(", ")
        };
        let hint = match collector.other_config_names.first() {
            Some(other) => format!(
                "ConfigMap `{other}` has a `config` key; if it is the provider config, pass --config-map {other} (CA reads the name in KWOK_PROVIDER_CONFIGMAP)"
            ),
            None => "pass the ConfigMaps as helm renders them (`helm template … | kubectl kwokprovider validate -f -`), a provider config file, or --templates FILE".to_owned(),
        };
        return Err(Error::input(format!(
            "nothing to validate in {what}: no kwok provider ConfigMap (`{config_map_name}` with key `config`, or a ConfigMap with key `templates`), no raw provider config, no templates"
        ))
        .with_hint(hint));
    }
    // A provider config under another name (a kustomize hash suffix, a helm release prefix).
    if collector.configs.is_empty()
        && let (Some(found), Some((label, pos))) = (
            collector.other_config_names.first().cloned(),
            collector.other_config_places.first().cloned(),
        )
    {
        let source = collector.add_source(Source::file(label));
        collector.read_facts.push(ReadFact::ConfigUnderOtherName {
            found,
            expected: config_map_name.to_owned(),
            at: Location { source, pos },
        });
    }
    let config = only_one(&mut collector.configs, "provider config")?;
    let config_namespace = config.as_ref().and_then(|c| c.namespace.clone());
    let mut notes = Vec::new();
    if let Some(read) = config
        .as_ref()
        .and_then(|c| the_one_ca_reads(&mut collector.templates, &c.text, version))
    {
        notes.push(read);
    }
    let templates = only_one(&mut collector.templates, "templates input")?;
    let mut sources = std::mem::take(&mut collector.sources);
    let mut add = |source: Source| {
        sources.push(source);
        sources.len() - 1
    };
    let config = config.map(|found| TextInput {
        source: add(found.source),
        text: found.text,
    });
    let templates = match templates {
        None => TemplatesInput::NotGiven,
        // CA reads both ConfigMaps from its one namespace: given apart, one is not found.
        Some(found)
            if config_namespace.is_some()
                && found.namespace.is_some()
                && found.namespace != config_namespace =>
        {
            TemplatesInput::ConfigMapNotFound {
                namespace: config_namespace.clone().unwrap_or_default(),
                elsewhere: found.namespace,
            }
        }
        Some(found) => {
            let name_source = found
                .config_map
                .as_ref()
                .map(|_| add(Source::file(found.source.label.clone())));
            let config_map = found
                .config_map
                .map(|(name, pos)| (name, name_source.map(|source| Location { source, pos })));
            TemplatesInput::Text {
                input: TextInput {
                    source: add(found.source),
                    text: found.text,
                },
                config_map,
            }
        }
    };
    Ok(Inputs {
        other_config_maps: collector.other_config_maps,
        sources,
        config,
        templates,
        read_facts: collector.read_facts,
        notes,
    })
}

/// Of several templates ConfigMaps (a namespace dump with a backup), keeps the one the
/// config's `configmap.name` names, as CA reads only that one; says which were left out.
fn the_one_ca_reads(
    templates: &mut Vec<Found>,
    config_text: &str,
    version: CaVersion,
) -> Option<String> {
    if templates.len() < 2 {
        return None;
    }
    let parsed = crate::provider::config::parse_text(config_text).ok()?;
    let name = crate::provider::config::decode(&parsed, version).string("configmap.name")?;
    let named = |f: &Found| f.config_map.as_ref().is_some_and(|(n, _)| *n == name);
    if templates.iter().filter(|f| named(f)).count() != 1 {
        return None;
    }
    let others: Vec<String> = templates
        .iter()
        .filter(|f| !named(f))
        .map(|f| f.origin.clone())
        .collect();
    templates.retain(named);
    Some(format!(
        "templates: CA reads ConfigMap `{name}` (configmap.name); not reading {}",
        others.join(", ")
    ))
}

/// One line per recognised input, for `-v`.
pub fn describe(inputs: &Inputs) -> Vec<String> {
    let place = |id: usize| {
        let source = &inputs.sources[id];
        match (source.fixed, source.line_offset) {
            (Some(pos), _) => format!("{} (a data value at line {})", source.label, pos.line),
            (None, 0) => source.label.clone(),
            (None, offset) => format!(
                "{} (a data block starting at line {})",
                source.label,
                offset + 1
            ),
        }
    };
    let mut lines = Vec::new();
    match &inputs.config {
        Some(config) => lines.push(format!("provider config: {}", place(config.source))),
        None => lines.push("provider config: not given".to_owned()),
    }
    lines.push(match &inputs.templates {
        TemplatesInput::Text {
            input,
            config_map: Some((name, _)),
        } => {
            format!("templates: ConfigMap `{name}` in {}", place(input.source))
        }
        TemplatesInput::Text {
            input,
            config_map: None,
        } => format!("templates: {}", place(input.source)),
        _ => "templates: not given".to_owned(),
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(label: &str, text: &str) -> InputFile {
        InputFile {
            label: label.into(),
            text: text.into(),
        }
    }

    const CONFIGMAPS: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kwok-provider-config\ndata:\n  config: |\n    apiVersion: v1alpha1\n    readNodesFrom: configmap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kwok-provider-templates\ndata:\n  templates: |\n    apiVersion: v1\n    kind: List\n";

    #[test]
    fn recognises_configmaps_and_maps_block_positions() {
        let inputs = classify(
            vec![file("cm.yaml", CONFIGMAPS)],
            None,
            "kwok-provider-config",
            CaVersion::LATEST,
        )
        .unwrap();
        let config = inputs.config.unwrap();
        assert!(config.text.starts_with("apiVersion: v1alpha1"));
        let source = &inputs.sources[config.source];
        // `readNodesFrom` is on inner line 2, column 1 → file line 8, column 5.
        assert_eq!(
            source.map(Pos { line: 2, col: 1 }),
            Some(Pos { line: 8, col: 5 })
        );
        match inputs.templates {
            TemplatesInput::Text { config_map, .. } => {
                assert_eq!(config_map.unwrap().0, "kwok-provider-templates")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn block_positions_survive_leading_comments_blank_lines_and_own_line_indicators() {
        for (text, line) in [
            (
                "# a\n# b\nkind: ConfigMap\nmetadata: {name: kwok-provider-config}\ndata:\n  config: |-\n    apiVersion: v1alpha1\n    readNodesFrom: x\n",
                8,
            ),
            (
                "kind: ConfigMap\nmetadata: {name: kwok-provider-config}\ndata:\n  config: |\n\n    apiVersion: v1alpha1\n    readNodesFrom: x\n",
                7,
            ),
            (
                "kind: ConfigMap\nmetadata: {name: kwok-provider-config}\ndata:\n  config:\n    |\n      apiVersion: v1alpha1\n      readNodesFrom: x\n",
                7,
            ),
        ] {
            let inputs = classify(
                vec![file("cm.yaml", text)],
                None,
                "kwok-provider-config",
                CaVersion::LATEST,
            )
            .unwrap();
            let config = inputs.config.unwrap();
            let inner = config
                .text
                .lines()
                .position(|l| l.starts_with("readNodesFrom"))
                .unwrap()
                + 1;
            let mapped = inputs.sources[config.source]
                .map(Pos {
                    line: inner as u32,
                    col: 1,
                })
                .unwrap();
            assert_eq!(mapped.line, line, "{text:?}");
            let file_line = text.lines().nth(line as usize - 1).unwrap();
            assert_eq!(
                &file_line[mapped.col as usize - 1..],
                "readNodesFrom: x",
                "{text:?}"
            );
        }
    }

    #[test]
    fn recognises_raw_config_and_raw_templates() {
        let inputs = classify(
            vec![
                file("c.yaml", "readNodesFrom: cluster\n"),
                file("t.yaml", "apiVersion: v1\nkind: List\nitems: []\n"),
            ],
            None,
            "kwok-provider-config",
            CaVersion::LATEST,
        )
        .unwrap();
        assert!(inputs.config.is_some());
        assert!(matches!(
            inputs.templates,
            TemplatesInput::Text {
                config_map: None,
                ..
            }
        ));
    }

    #[test]
    fn unrecognisable_input_is_a_usage_error() {
        let err = classify(
            vec![file("x.yaml", "hello: world\n")],
            None,
            "kwok-provider-config",
            CaVersion::LATEST,
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = classify(
            vec![file("x.bin", "\u{1}: [\n")],
            None,
            "kwok-provider-config",
            CaVersion::LATEST,
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("x.bin:"), "{}", err.message);
    }

    #[test]
    fn two_configs_are_ambiguous() {
        let err = classify(
            vec![
                file("a.yaml", "readNodesFrom: cluster\n"),
                file("b.yaml", "readNodesFrom: cluster\n"),
            ],
            None,
            "kwok-provider-config",
            CaVersion::LATEST,
        )
        .unwrap_err();
        assert!(err.message.contains("2 provider configs"));
    }

    #[test]
    fn only_a_kwok_ca_deployment_names_the_config_map() {
        let deployment = |name: &str, container: &str, image: &str, args: &str| {
            file(
                "deploy.yaml",
                &format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: kube-system}}\nspec:\n  selector: {{}}\n  template:\n    spec:\n      containers:\n      - name: {container}\n        image: {image}\n        args: [{args}]\n        env: [{{name: KWOK_PROVIDER_CONFIGMAP, value: my-kwok}}]\n"
                ),
            )
        };
        let kwok = deployment(
            "ca",
            "cluster-autoscaler",
            "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.0",
            "--cloud-provider=kwok",
        );
        let (name, place) = config_map_from_deployments(&[kwok]).expect("names it");
        assert_eq!(name, "my-kwok");
        assert_eq!(place, "deployment `ca` in deploy.yaml:1");
        // Another cloud provider's CA reads no kwok ConfigMap.
        let aws = deployment(
            "ca",
            "cluster-autoscaler",
            "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.0",
            "--cloud-provider=aws",
        );
        assert_eq!(config_map_from_deployments(&[aws]), None);
        // A container named so but running something else, in a Deployment that is not CA's.
        let sidecar = deployment(
            "web",
            "cluster-autoscaler",
            "nginx",
            "--cloud-provider=kwok",
        );
        assert_eq!(config_map_from_deployments(&[sidecar]), None);
        // The kwok image defaults the provider.
        let kwok_image = deployment(
            "ca",
            "main",
            "registry.k8s.io/autoscaling/cluster-autoscaler-kwok:v1.34.0",
            "--v=4",
        );
        assert!(config_map_from_deployments(&[kwok_image]).is_some());
    }

    #[test]
    fn config_map_without_config_key_is_a_finding() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kwok-provider-config\ndata:\n  config.yaml: x\n";
        let inputs = classify(
            vec![file("a.yaml", text)],
            None,
            "kwok-provider-config",
            CaVersion::LATEST,
        )
        .unwrap();
        assert!(matches!(
            &inputs.read_facts[0],
            ReadFact::ConfigKeyMissing { name, .. } if name == "kwok-provider-config"
        ));
    }
}
