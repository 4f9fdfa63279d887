//! `init`'s wizard: every dialoguer question lives here, on stderr; each answer is also a flag.

use super::plan::{DEFAULT_GROUPING_KEY, DEFAULT_MAX, DEFAULT_MIN, ReadNodesFrom, why_not_key};
use super::presets::Preset;
use super::templates::why_not_group_name;
use crate::error::{Error, ErrorKind, Result};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Select};

/// Label keys clouds and autoscalers put on real nodes, offered as grouping keys when nodes carry them.
pub const WELL_KNOWN_GROUP_KEYS: &[&str] = &[
    crate::provider::LABEL_INSTANCE_TYPE,
    "eks.amazonaws.com/nodegroup",
    "alpha.eksctl.io/nodegroup-name",
    "cloud.google.com/gke-nodepool",
    "karpenter.sh/nodepool",
    "kubernetes.azure.com/agentpool",
    "agentpool",
];

/// A live node as the wizard shows it.
#[derive(Debug, Clone)]
pub struct LiveNode {
    pub name: String,
    pub labels: std::collections::BTreeMap<String, String>,
    pub kwok: bool,
}

/// The wizard's terminal and theme.
pub struct Prompter {
    term: console::Term,
    theme: ColorfulTheme,
}

/// Ctrl-C (or a closed terminal) ends the wizard: nothing has been written yet.
fn ended(e: dialoguer::Error) -> Error {
    let _ = console::Term::stderr().show_cursor();
    let dialoguer::Error::IO(io) = e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        Error::new(ErrorKind::Interrupted, "interrupted; nothing was written")
    } else {
        Error::usage(format!("the terminal went away: {io}"))
            .with_hint("pass --non-interactive and the answers as flags")
    }
}

/// Where the manifests go, when no flag says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputChoice {
    Dir(std::path::PathBuf),
    Stdout,
    Apply,
}

/// What the templates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Presets,
    LiveNodes,
    File,
}

impl Prompter {
    pub fn new() -> Prompter {
        Prompter {
            term: console::Term::stderr(),
            theme: ColorfulTheme::default(),
        }
    }

    /// Prints an explanation before a question.
    pub fn say(&self, text: &str) {
        let dim = console::Style::new().dim().for_stderr();
        let _ = self.term.write_line(&dim.apply_to(text).to_string());
    }

    pub fn namespace(&self, default: &str) -> Result<String> {
        self.say("CA reads both ConfigMaps from its own namespace: the POD_NAMESPACE env of its Deployment.");
        Input::<String>::with_theme(&self.theme)
            .with_prompt("Namespace of the ConfigMaps (-n)")
            .default(default.to_owned())
            .validate_with(
                |ns: &String| match crate::provider::names::why_not_label(ns) {
                    None => Ok(()),
                    Some(why) => Err(format!("not a namespace name: {why}")),
                },
            )
            .interact_text_on(&self.term)
            .map_err(ended)
    }

    pub fn read_nodes_from(&self) -> Result<ReadNodesFrom> {
        let items = [
            "configmap: templates in a ConfigMap, written now (recommended)",
            "cluster: every live node carrying the grouping key is a template (CA 1.30+ counts those real nodes into the groups and stalls)",
        ];
        let choice = Select::with_theme(&self.theme)
            .with_prompt("Where does CA take node templates from? (--read-nodes-from)")
            .items(items)
            .default(0)
            .interact_on(&self.term)
            .map_err(ended)?;
        Ok(if choice == 0 {
            ReadNodesFrom::Configmap
        } else {
            ReadNodesFrom::Cluster
        })
    }

    /// Returns `(key, is_annotation)`.
    pub fn grouping(&self, nodes: &[LiveNode]) -> Result<(String, bool)> {
        let real: Vec<&LiveNode> = nodes.iter().filter(|n| !n.kwok).collect();
        let mut items = vec![(
            format!(
                "label {DEFAULT_GROUPING_KEY} (dedicated: no real node carries it; recommended)"
            ),
            Some((DEFAULT_GROUPING_KEY.to_owned(), false)),
        )];
        for key in WELL_KNOWN_GROUP_KEYS {
            let carried = real.iter().filter(|n| n.labels.contains_key(*key)).count();
            if carried > 0 {
                items.push((
                    format!("label {key} ({carried} real node(s) carry it: CA 1.30+ counts them into a group of the same name)"),
                    Some(((*key).to_owned(), false)),
                ));
            }
        }
        items.push(("another label key…".to_owned(), None));
        items.push(("an annotation key…".to_owned(), None));
        let labels: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
        let choice = Select::with_theme(&self.theme)
            .with_prompt(
                "Group templates into node groups by (--group-by-label / --group-by-annotation)",
            )
            .items(&labels)
            .default(0)
            .interact_on(&self.term)
            .map_err(ended)?;
        if let Some(picked) = &items[choice].1 {
            return Ok(picked.clone());
        }
        let annotation = choice == items.len() - 1;
        let key = Input::<String>::with_theme(&self.theme)
            .with_prompt(if annotation { "Annotation key" } else { "Label key" })
            .validate_with(|key: &String| {
                if key == crate::provider::LABEL_HOSTNAME {
                    return Err("every node has its own hostname: CA would count real nodes into groups and stall".to_owned());
                }
                why_not_key(key).map_or(Ok(()), Err)
            })
            .interact_text_on(&self.term)
            .map_err(ended)?;
        Ok((key, annotation))
    }

    pub fn sources(&self, connected: bool) -> Result<Vec<SourceKind>> {
        let mut items = vec![(
            "presets: realistic node shapes (--preset)",
            SourceKind::Presets,
        )];
        if connected {
            items.push((
                "live nodes: copy chosen nodes' shapes (--from-node)",
                SourceKind::LiveNodes,
            ));
        }
        items.push(("a templates file (--templates-file)", SourceKind::File));
        let labels: Vec<&str> = items.iter().map(|(l, _)| *l).collect();
        loop {
            let chosen = MultiSelect::with_theme(&self.theme)
                .with_prompt("Templates from (space to select, enter to confirm)")
                .items(&labels)
                .defaults(&[true])
                .interact_on(&self.term)
                .map_err(ended)?;
            if !chosen.is_empty() {
                return Ok(chosen.into_iter().map(|i| items[i].1).collect());
            }
            self.say("Pick at least one source.");
        }
    }

    pub fn presets(&self, catalog: &[Preset]) -> Result<Vec<String>> {
        let labels: Vec<String> = catalog
            .iter()
            .map(|p| {
                let gpu = p
                    .gpu
                    .as_ref()
                    .map(|g| format!("  {}× {}", g.count, g.gpu_type))
                    .unwrap_or_default();
                format!(
                    "{:<22} {:>3} CPU {:>7} {:>4} pods  {}{gpu}",
                    p.name, p.cpu, p.memory, p.pods, p.arch
                )
            })
            .collect();
        loop {
            let chosen = MultiSelect::with_theme(&self.theme)
                .with_prompt(
                    "Presets (space to select, enter to confirm; --list-presets shows them all)",
                )
                .items(&labels)
                .max_length(12)
                .interact_on(&self.term)
                .map_err(ended)?;
            if !chosen.is_empty() {
                return Ok(chosen
                    .into_iter()
                    .map(|i| catalog[i].name.clone())
                    .collect());
            }
            self.say("Pick at least one preset.");
        }
    }

    pub fn live_nodes(&self, nodes: &[LiveNode]) -> Result<Vec<String>> {
        let candidates: Vec<&LiveNode> = nodes.iter().filter(|n| !n.kwok).collect();
        let labels: Vec<String> = candidates
            .iter()
            .map(|n| {
                let shape = n
                    .labels
                    .get(crate::provider::LABEL_INSTANCE_TYPE)
                    .map(|t| format!("  ({t})"))
                    .unwrap_or_default();
                format!("{}{shape}", n.name)
            })
            .collect();
        if labels.is_empty() {
            self.say("The cluster has no real nodes to copy.");
            return Ok(Vec::new());
        }
        let chosen = MultiSelect::with_theme(&self.theme)
            .with_prompt("Nodes to copy (space to select, enter to confirm)")
            .items(&labels)
            .max_length(12)
            .interact_on(&self.term)
            .map_err(ended)?;
        Ok(chosen
            .into_iter()
            .map(|i| candidates[i].name.clone())
            .collect())
    }

    pub fn templates_file(&self) -> Result<std::path::PathBuf> {
        Input::<String>::with_theme(&self.theme)
            .with_prompt("Templates file")
            .validate_with(|p: &String| {
                if std::path::Path::new(p).is_file() {
                    Ok(())
                } else {
                    Err("no such file".to_owned())
                }
            })
            .interact_text_on(&self.term)
            .map(Into::into)
            .map_err(ended)
    }

    /// A group's name, checked, and different from `taken`.
    pub fn group_name(&self, origin: &str, default: &str, taken: &[String]) -> Result<String> {
        Input::<String>::with_theme(&self.theme)
            .with_prompt(format!("Node-group name for {origin}"))
            .default(default.to_owned())
            .validate_with(|name: &String| {
                if taken.contains(name) {
                    return Err(format!("`{name}` is taken"));
                }
                why_not_group_name(name).map_or(Ok(()), Err)
            })
            .interact_text_on(&self.term)
            .map_err(ended)
    }

    /// `MIN:MAX[:DESIRED]` for a group.
    pub fn sizes(&self, group: &str, stated: Option<(i64, i64, i64)>) -> Result<String> {
        let default = match stated {
            Some((min, max, desired)) => format!("{min}:{max}:{desired}"),
            None => format!("{DEFAULT_MIN}:{DEFAULT_MAX}"),
        };
        Input::<String>::with_theme(&self.theme)
            .with_prompt(format!(
                "Sizes of `{group}`, MIN:MAX[:DESIRED] (desired defaults to min)"
            ))
            .default(default)
            .validate_with(|text: &String| {
                super::plan::parse_size(&format!("{group}={text}"))
                    .map_err(|e| e.message)
                    .and_then(|(_, min, max, desired)| {
                        let desired = desired.unwrap_or(min);
                        if 0 <= min && min <= desired && desired <= max {
                            Ok(())
                        } else {
                            Err("need 0 ≤ min ≤ desired ≤ max".to_owned())
                        }
                    })
            })
            .interact_text_on(&self.term)
            .map_err(ended)
    }

    pub fn skip_taint(&self) -> Result<bool> {
        self.say(&format!(
            "CA taints its nodes `{}` so that only pods that tolerate it land on them (and scale them up).",
            crate::provider::taint_string()
        ));
        Confirm::with_theme(&self.theme)
            .with_prompt(
                "Skip the taint, so any pending pod may trigger a scale-up? (--skip-taint)",
            )
            .default(false)
            .interact_on(&self.term)
            .map_err(ended)
    }

    pub fn gpu_label(&self, default: &str) -> Result<String> {
        self.say(
            "GPU templates: CA reads the GPU type from a node label (nodes.gpuConfig.gpuLabelKey).",
        );
        Input::<String>::with_theme(&self.theme)
            .with_prompt("GPU label key (--gpu-label)")
            .default(default.to_owned())
            .validate_with(|key: &String| why_not_key(key).map_or(Ok(()), Err))
            .interact_text_on(&self.term)
            .map_err(ended)
    }

    pub fn output(&self, connected_namespace: Option<&str>) -> Result<OutputChoice> {
        let mut items = vec![
            "write files to a directory (--output-dir)".to_owned(),
            "print the manifests to stdout (-o yaml)".to_owned(),
        ];
        if let Some(ns) = connected_namespace {
            items.push(format!(
                "apply them to the cluster, namespace `{ns}` (--apply)"
            ));
        }
        let choice = Select::with_theme(&self.theme)
            .with_prompt("Output")
            .items(&items)
            .default(0)
            .interact_on(&self.term)
            .map_err(ended)?;
        match choice {
            0 => {
                let dir = Input::<String>::with_theme(&self.theme)
                    .with_prompt("Directory")
                    .default("kwok-provider".to_owned())
                    .interact_text_on(&self.term)
                    .map_err(ended)?;
                Ok(OutputChoice::Dir(dir.into()))
            }
            1 => Ok(OutputChoice::Stdout),
            _ => Ok(OutputChoice::Apply),
        }
    }

    pub fn confirm(&self, prompt: &str) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(false)
            .interact_on(&self.term)
            .map_err(ended)
    }
}

impl Default for Prompter {
    fn default() -> Self {
        Prompter::new()
    }
}
