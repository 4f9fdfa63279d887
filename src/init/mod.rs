//! `init`: makes both kwok provider ConfigMaps from flags or a wizard, checks them with `validate`, writes them.
//!
//! `run` is gather → build → write, as `scale` is plan → apply → render: `gather` does the I/O
//! of the answers (user files, the cluster, the wizard), `plan::build` decides (pure), `write`
//! checks and writes. The catalog (`presets`), the templates (`templates`) and the manifests
//! (`render`) are pure too, and `prompt` holds every question.

pub mod apply;
pub mod options;
pub mod plan;
pub mod presets;
pub mod prompt;
pub mod render;
pub mod templates;

use crate::cluster::ConnectOptions;
use crate::cluster::{self, Cluster};
use crate::error::{Error, ErrorKind, Result, exit};
use crate::lint::{self, Severity, analysis::Analysis};
use crate::output::OutputFormat;
use crate::output::{Table, Ui};
use crate::provider::{DEFAULT_CONFIG_MAP_NAME, ENV_CONFIG_MAP, ENV_POD_NAMESPACE};
use k8s_openapi::api::core::v1::Node;
use options::InitOptions;
use plan::{Answers, Plan, ReadNodesFrom};
use presets::Preset;
use prompt::{LiveNode, OutputChoice, Prompter, SourceKind};
use render::Generated;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use templates::TemplateNode;

const USER_PRESETS_FILE: &str = "presets.yaml";
const DEFAULTS_FILE: &str = "defaults.yaml";
/// How long the wizard waits for a cluster before going on without one.
const WIZARD_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// A file of the user config directory (`config_dir`: none on this system), if it exists.
fn read_user_file(config_dir: Option<&Path>, name: &str) -> Result<Option<(PathBuf, String)>> {
    let Some(path) = config_dir.map(|d| d.join(name)) else {
        return Ok(None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::input(format!("{}: {e}", path.display()))),
    }
}

/// The catalog: built-in presets plus the user's `presets.yaml`.
fn load_catalog(config_dir: Option<&Path>) -> Result<Vec<Preset>> {
    let user = match read_user_file(config_dir, USER_PRESETS_FILE)? {
        None => Vec::new(),
        Some((path, text)) => presets::parse_user_file(&path.display().to_string(), &text)
            .map_err(|e| Error::input(e).with_hint("fix or remove the user presets file"))?,
    };
    Ok(presets::catalog(user))
}

/// The answers saved by `--save-defaults`, if any.
fn load_saved_answers(config_dir: Option<&Path>, ui: &Ui) -> Result<Answers> {
    let Some((path, text)) = read_user_file(config_dir, DEFAULTS_FILE)? else {
        return Ok(Answers::default());
    };
    let docs = crate::yaml::parse_stream(&text).map_err(|e| {
        Error::input(format!(
            "{}:{}:{}: not valid YAML: {}",
            path.display(),
            e.pos.line,
            e.pos.col,
            e.message
        ))
        .with_hint("fix or remove the saved defaults")
    })?;
    let Some(doc) = docs.first() else {
        return Ok(Answers::default());
    };
    let answers: Answers = serde_json::from_value(doc.root.to_json()).map_err(|e| {
        Error::input(format!("{}: {e}", path.display()))
            .with_hint("fix or remove the saved defaults")
    })?;
    ui.detail(format!("using saved defaults from {}", path.display()));
    Ok(answers)
}

fn save_answers(config_dir: Option<&Path>, answers: &Answers) -> Result<PathBuf> {
    let dir = config_dir
        .ok_or_else(|| Error::input("no user config directory on this system (is HOME set?)"))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::input(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(DEFAULTS_FILE);
    let mut text = Vec::new();
    crate::output::write_data(&mut text, OutputFormat::Yaml, answers)?;
    write_atomically(&path, &text)?;
    Ok(path)
}

fn list_presets(
    out: &mut impl Write,
    format: Option<OutputFormat>,
    catalog: &[Preset],
) -> Result<u8> {
    #[derive(serde::Serialize)]
    struct Catalog<'a> {
        presets: &'a [Preset],
    }
    match format {
        Some(format @ (OutputFormat::Json | OutputFormat::Yaml)) => {
            crate::output::write_data(out, format, &Catalog { presets: catalog })?;
        }
        _ => {
            let mut table = Table::new(["NAME", "CPU", "MEMORY", "PODS", "ARCH", "GPU"])
                .right_align(1..4)
                .min_width(0, 22);
            for p in catalog {
                let gpu = p
                    .gpu
                    .as_ref()
                    .map(|g| format!("{}× {}", g.count, g.gpu_type))
                    .unwrap_or_else(|| "-".to_owned());
                table.row([
                    p.name.clone(),
                    p.cpu.to_string(),
                    p.memory.clone(),
                    p.pods.to_string(),
                    p.arch.clone(),
                    gpu,
                ]);
            }
            table.write(out, "", &console::Style::new())?;
        }
    }
    Ok(exit::OK)
}

/// Where the manifests go.
enum Destination {
    Dir(PathBuf),
    Stdout(OutputFormat),
    Apply,
}

/// `init`: gather the answers and templates (flags, saved defaults, the cluster, the wizard),
/// build the plan (pure: `plan::build`), check it with `validate`, write it.
pub fn run(
    connection: &ConnectOptions,
    args: &InitOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let catalog = load_catalog(args.config_dir.as_deref())?;
    if args.list_presets {
        return list_presets(out, args.output, &catalog);
    }
    let interactive =
        !args.non_interactive && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let answers = args
        .flags
        .clone()
        .or(load_saved_answers(args.config_dir.as_deref(), ui)?);
    let read_from = answers.read_nodes_from.unwrap_or(ReadNodesFrom::Configmap);
    if !interactive && read_from == ReadNodesFrom::Configmap && !answers.has_template_source() {
        return Err(Error::usage("no templates: init needs at least one template source, and cannot ask (no terminal, or --non-interactive)")
            .with_hint("pass --preset NAME (kubectl kwokprovider init --list-presets), --from-node NODE, or --templates-file FILE; or --read-nodes-from cluster"));
    }
    if read_from == ReadNodesFrom::Cluster && answers.has_template_source() {
        return Err(Error::usage("--read-nodes-from cluster: CA takes its templates from the live nodes that carry the grouping key, so presets, --from-node and --templates-file have nothing to go into")
            .with_hint("drop --read-nodes-from cluster to write a templates ConfigMap, or label the nodes to copy: kubectl label node NODE kwok-nodegroup=GROUP"));
    }
    // Files are checked before any connection: a bad file is exit 2 even with no cluster.
    let file_templates = match &answers.templates_file {
        Some(path) => read_templates_file(path)?,
        None => Vec::new(),
    };
    if interactive {
        exit_130_on_interrupt(*ui);
    }
    cluster::runtime()?.block_on(async {
        let mut gathered = gather(
            connection,
            args,
            answers,
            &catalog,
            file_templates,
            interactive,
        )
        .await?;
        let settings = plan::Settings {
            namespace: gathered.namespace.clone(),
            config_map: args
                .provider
                .config_map_name_or(gathered.answers.config_map.as_deref())?,
            ca_version: args.provider.ca_version(),
        };
        let templates = std::mem::take(&mut gathered.templates);
        let plan = plan::build(&gathered.answers, templates, settings)?;
        gathered.answers.gpu_label = plan.gpu_label.clone();
        write(connection, args, gathered, &plan, out, ui).await
    })
}

/// What `gather` found: the answers, completed; the templates; and what `write` still needs.
struct Gathered {
    answers: Answers,
    templates: Vec<plan::NamedTemplate>,
    namespace: String,
    cluster: Option<Cluster>,
    prompter: Option<Prompter>,
    /// Whether --apply must create the namespace, when that was decided already.
    create_namespace: Option<bool>,
}

/// The answers and templates: the flags and saved defaults, completed by the wizard on a
/// terminal; the catalog's presets, live nodes (from the cluster) and the templates file.
async fn gather(
    connection: &ConnectOptions,
    args: &InitOptions,
    mut answers: Answers,
    catalog: &[Preset],
    mut file_templates: Vec<TemplateNode>,
    interactive: bool,
) -> Result<Gathered> {
    let needs_cluster = args.apply || !answers.from_nodes.is_empty();
    let cluster = if needs_cluster {
        Some(crate::inputs::connect(connection).await?)
    } else if interactive {
        connect_quietly(connection).await
    } else {
        None
    };
    let live_nodes = match (&cluster, interactive) {
        (Some(cluster), true) => list_live_nodes(cluster).await.unwrap_or_default(),
        _ => Vec::new(),
    };
    let prompter = interactive.then(Prompter::new);
    let mut given = flags_given(&args.flags);
    if let Some(p) = &prompter
        && !given.namespace
    {
        answers.namespace = Some(ask_namespace(p, &answers, cluster.as_ref())?);
        given.namespace = true;
    }
    // A namespace that does not exist is found before any other question, and before
    // anything is written.
    let mut create_namespace = None;
    if args.apply
        && let Some(cluster) = &cluster
    {
        let namespace = answers
            .namespace
            .clone()
            .unwrap_or_else(|| cluster.namespace.name.clone());
        create_namespace = Some(
            namespace_to_create(
                cluster,
                &namespace,
                args.create_namespace,
                prompter.as_ref(),
            )
            .await?,
        );
    }
    if let Some(p) = &prompter {
        ask_setup(
            p,
            &mut answers,
            given,
            catalog,
            cluster.as_ref(),
            &live_nodes,
            &mut file_templates,
        )?;
    }
    let namespace = match &answers.namespace {
        Some(ns) => ns.clone(),
        None => default_namespace(connection, cluster.as_ref()).name,
    };
    let mut templates = plan::preset_templates(&answers, catalog)?;
    if !answers.from_nodes.is_empty() {
        let cluster = cluster
            .as_ref()
            .ok_or_else(|| Error::cluster("--from-node needs a cluster"))?;
        for spec in &answers.from_nodes {
            let (name, group) = plan::split_rename(spec);
            templates.push((
                read_live_node(cluster, name).await?,
                group.map(str::to_owned),
            ));
        }
    }
    templates.extend(file_templates.into_iter().map(|t| (t, None)));
    if let Some(p) = &prompter {
        ask_groups(p, &mut answers, args, &mut templates)?;
        if answers.gpu_label.is_none()
            && args.flags.gpu_label.is_none()
            && let Some(native) = plan::native_gpu_label(&templates)
        {
            answers.gpu_label = Some(p.gpu_label(&native)?);
        }
    }
    Ok(Gathered {
        answers,
        templates,
        namespace,
        cluster,
        prompter,
        create_namespace,
    })
}

/// Renders the plan, checks it with `validate` (CA starts with it), and writes it where asked:
/// stdout, files or the cluster; then the next steps, and the answers saved if asked.
async fn write(
    connection: &ConnectOptions,
    args: &InitOptions,
    gathered: Gathered,
    plan: &Plan,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let Gathered {
        mut answers,
        namespace,
        cluster,
        prompter,
        mut create_namespace,
        ..
    } = gathered;
    let generated = render::generate(plan);
    let analysis = check(&generated, plan, answers.templates_file.as_deref(), ui)?;
    let destination = match (&args.output_dir, args.output, args.apply, &prompter) {
        (Some(dir), _, _, _) => Destination::Dir(dir.clone()),
        (_, Some(format), _, _) => Destination::Stdout(format),
        (_, _, true, _) => Destination::Apply,
        (None, None, false, Some(p)) => {
            match p.output(cluster.as_ref().map(|_| namespace.as_str()))? {
                OutputChoice::Dir(dir) => Destination::Dir(dir),
                OutputChoice::Stdout => Destination::Stdout(OutputFormat::Yaml),
                OutputChoice::Apply => Destination::Apply,
            }
        }
        (None, None, false, None) => Destination::Stdout(OutputFormat::Yaml),
    };
    crate::lint::report::render_text_to_stderr(&analysis, ui)?;
    let written = match destination {
        Destination::Stdout(format) => {
            write_stdout(out, &generated, format)?;
            None
        }
        Destination::Dir(dir) => {
            let paths = write_dir(&dir, &generated, args.force, prompter.as_ref(), ui)?;
            Some(paths)
        }
        Destination::Apply => {
            let cluster = match &cluster {
                Some(c) => c,
                None => return Err(Error::cluster("--apply needs a cluster")),
            };
            let create = match create_namespace {
                Some(create) => Ok(create),
                None => {
                    namespace_to_create(
                        cluster,
                        &namespace,
                        args.create_namespace,
                        prompter.as_ref(),
                    )
                    .await
                }
            };
            if let Ok(decided) = &create {
                create_namespace = Some(*decided);
            }
            let applied = match create {
                Ok(create) => apply_to_cluster(
                    cluster,
                    &namespace,
                    create,
                    &generated,
                    args.force,
                    prompter.as_ref(),
                    ui,
                )
                .await
                .map(|()| create),
                Err(e) => Err(e),
            };
            if let Err(e) = applied {
                if prompter.is_some() {
                    answers.namespace = Some(namespace.clone());
                    let ca_version = args
                        .provider
                        .ca_version
                        .map(|v| v.to_string().trim_end_matches('+').to_owned());
                    let mut last: Vec<&str> = Vec::new();
                    if let Some(v) = &ca_version {
                        last.extend(["--ca-version", v.as_str()]);
                    }
                    if create_namespace == Some(true) || args.create_namespace {
                        last.push("--create-namespace");
                    }
                    last.push("--apply");
                    ui.say(format!(
                        "\nThe same answers, without the questions:\n  {}",
                        answers.command_line(&connection_flags(connection), &last)
                    ));
                }
                return Err(e);
            }
            Some(Vec::new())
        }
    };
    let kwok_present = match &cluster {
        Some(cluster) => crate::inputs::live::kwok_controller_evidence(cluster, ui)
            .await
            .present(),
        None => None,
    };
    print_next_steps(plan, written.as_deref(), kwok_present, ui);
    let save = args.save_defaults
        || match &prompter {
            Some(p) => {
                p.confirm("Save these answers as the defaults for the next run? (--save-defaults)")?
            }
            None => false,
        };
    if save {
        answers.namespace = Some(namespace);
        let path = save_answers(args.config_dir.as_deref(), &answers)?;
        ui.say(format!("saved these answers to {}", path.display()));
    }
    Ok(exit::OK)
}

/// Ctrl-C while the wizard runs ends it with exit 130 and the cursor shown (dialoguer hides
/// it in lists). Inside a prompt, console reads Ctrl-C as a key and raises SIGINT itself; with
/// this handler installed that comes back as an error, which ends the wizard the same way.
fn exit_130_on_interrupt(ui: Ui) {
    let (registered, ready) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            let _ = registered.send(());
            return;
        };
        runtime.block_on(async {
            #[cfg(unix)]
            let interrupted = {
                use tokio::signal::unix::{SignalKind, signal};
                let interrupt = signal(SignalKind::interrupt());
                let _ = registered.send(());
                match interrupt {
                    Ok(mut interrupt) => interrupt.recv().await.is_some(),
                    Err(_) => false,
                }
            };
            #[cfg(not(unix))]
            let interrupted = {
                let _ = registered.send(());
                tokio::signal::ctrl_c().await.is_ok()
            };
            if interrupted {
                let _ = console::Term::stderr().show_cursor();
                ui.say("");
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
        });
    });
    let _ = ready.recv();
}

/// Which questions the command line answered (the wizard skips those).
struct Given {
    namespace: bool,
    read_nodes_from: bool,
    grouping: bool,
    sources: bool,
    skip_taint: bool,
}

fn flags_given(flags: &Answers) -> Given {
    Given {
        namespace: flags.namespace.is_some(),
        read_nodes_from: flags.read_nodes_from.is_some(),
        grouping: flags.group_by_label.is_some() || flags.group_by_annotation.is_some(),
        sources: flags.has_template_source(),
        skip_taint: flags.skip_taint.is_some(),
    }
}

/// The wizard's first question: where the ConfigMaps go.
fn ask_namespace(p: &Prompter, answers: &Answers, cluster: Option<&Cluster>) -> Result<String> {
    let default = answers.namespace.clone().unwrap_or_else(|| match cluster {
        Some(c) => c.namespace.name.clone(),
        None => crate::provider::DEFAULT_CA_NAMESPACE.to_owned(),
    });
    p.namespace(&default)
}

/// Whether `init --apply` must create `namespace`: no if it exists (or this user may not look),
/// yes with --create-namespace or when the user says so; else the error that names the flag.
async fn namespace_to_create(
    cluster: &Cluster,
    namespace: &str,
    create_flag: bool,
    prompter: Option<&Prompter>,
) -> Result<bool> {
    if crate::provider::names::why_not_label(namespace).is_some() {
        return Ok(false);
    }
    if apply::namespace_exists(cluster, namespace).await? != Some(false) {
        return Ok(false);
    }
    if create_flag {
        return Ok(true);
    }
    let question = format!(
        "Namespace `{namespace}` does not exist (context `{}`). Create it? (--create-namespace)",
        cluster.context
    );
    match prompter {
        Some(p) if p.confirm(&question)? => Ok(true),
        _ => Err(apply::missing_namespace(namespace, &cluster.context)),
    }
}

/// The connection flags given, to repeat in a printed command line.
fn connection_flags(connection: &ConnectOptions) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(path) = &connection.kubeconfig {
        flags.push("--kubeconfig".to_owned());
        flags.push(plan::shell_word(&path.display().to_string()));
    }
    if let Some(context) = &connection.context {
        flags.push("--context".to_owned());
        flags.push(plan::shell_word(context));
    }
    flags
}

/// The wizard's first half: namespace, template source, grouping, and which templates.
fn ask_setup(
    p: &Prompter,
    answers: &mut Answers,
    given: Given,
    catalog: &[Preset],
    cluster: Option<&Cluster>,
    live_nodes: &[LiveNode],
    file_templates: &mut Vec<TemplateNode>,
) -> Result<()> {
    if !given.namespace {
        answers.namespace = Some(ask_namespace(p, answers, cluster)?);
    }
    if !given.read_nodes_from {
        answers.read_nodes_from = Some(p.read_nodes_from()?);
    }
    if !given.grouping {
        let (key, annotation) = p.grouping(live_nodes)?;
        answers.group_by_label = (!annotation).then(|| key.clone());
        answers.group_by_annotation = annotation.then_some(key);
    }
    if answers.read_nodes_from == Some(ReadNodesFrom::Cluster) {
        answers.presets.clear();
        answers.from_nodes.clear();
        answers.templates_file = None;
        file_templates.clear();
        return Ok(());
    }
    if !given.sources {
        answers.presets.clear();
        answers.from_nodes.clear();
        answers.templates_file = None;
        file_templates.clear();
        for source in p.sources(cluster.is_some())? {
            match source {
                SourceKind::Presets => answers.presets = p.presets(catalog)?,
                SourceKind::LiveNodes => answers.from_nodes = p.live_nodes(live_nodes)?,
                SourceKind::File => {
                    let path = p.templates_file()?;
                    *file_templates = read_templates_file(&path)?;
                    answers.templates_file = Some(path);
                }
            }
        }
    }
    if !given.skip_taint {
        answers.skip_taint = Some(p.skip_taint()?);
    }
    Ok(())
}

/// The wizard's second half: each group's name and sizes (unless flags gave sizes).
fn ask_groups(
    p: &Prompter,
    answers: &mut Answers,
    args: &InitOptions,
    templates: &mut [(TemplateNode, Option<String>)],
) -> Result<()> {
    let flags = &args.flags;
    let sizes_given = flags.min.is_some()
        || flags.max.is_some()
        || flags.desired.is_some()
        || !flags.sizes.is_empty();
    let mut taken: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    for (template, rename) in templates.iter_mut() {
        let default = rename
            .clone()
            .unwrap_or_else(|| template.suggested_name.clone());
        let name = p.group_name(&template.origin, &default, &taken)?;
        if !sizes_given {
            let (min, max, desired) = templates::stated_sizes(&template.node);
            let stated = min
                .zip(max)
                .map(|(min, max)| (min, max, desired.unwrap_or(min)));
            sizes.push(format!("{name}={}", p.sizes(&name, stated)?));
        }
        taken.push(name.clone());
        *rename = Some(name);
    }
    if !sizes_given {
        answers.sizes = sizes;
    }
    // The names chosen go back into the answers (presets first, then live nodes, as the
    // templates were gathered), so that a saved or printed command line keeps them.
    let specs = answers
        .presets
        .iter_mut()
        .chain(answers.from_nodes.iter_mut());
    for (spec, (_, rename)) in specs.zip(templates.iter()) {
        if let Some(group) = rename {
            *spec = format!("{}={group}", plan::split_rename(spec).0);
        }
    }
    Ok(())
}

fn default_namespace(connection: &ConnectOptions, cluster: Option<&Cluster>) -> cluster::Namespace {
    if let Some(c) = cluster {
        return c.namespace.clone();
    }
    let context_namespace = cluster::context_namespace(connection);
    crate::inputs::namespace::resolve_namespace(
        connection.namespace.as_deref(),
        connection.pod_namespace.as_deref(),
        context_namespace.as_deref(),
        "current",
    )
}

/// Connects for the wizard's offers (live nodes, their keys); without a cluster it goes on.
async fn connect_quietly(connection: &ConnectOptions) -> Option<Cluster> {
    match tokio::time::timeout(WIZARD_CONNECT_TIMEOUT, crate::inputs::connect(connection)).await {
        Ok(Ok(cluster)) => Some(cluster),
        _ => None,
    }
}

async fn list_live_nodes(cluster: &Cluster) -> Result<Vec<LiveNode>> {
    let api: kube::Api<Node> = kube::Api::all(cluster.client.clone());
    let mut nodes = Vec::new();
    let listing = tokio::time::timeout(
        WIZARD_CONNECT_TIMEOUT,
        cluster.list_each(&api, "", "nodes", None, |n| {
            let annotations = n.metadata.annotations.as_ref();
            nodes.push(LiveNode {
                name: n.metadata.name.clone().unwrap_or_default(),
                labels: n.metadata.labels.clone().unwrap_or_default(),
                kwok: annotations
                    .and_then(|a| a.get(crate::provider::ANNOTATION_KWOK_NODE))
                    .is_some(),
            })
        }),
    )
    .await;
    match listing {
        Ok(Ok(_)) => Ok(nodes),
        Ok(Err(e)) => Err(e),
        Err(_) => Ok(Vec::new()),
    }
}

async fn read_live_node(cluster: &Cluster, name: &str) -> Result<TemplateNode> {
    let api: kube::Api<Node> = kube::Api::all(cluster.client.clone());
    let node = cluster::read_with_retries(|| api.get_opt(name))
        .await
        .map_err(|e| cluster.api_error(e, "get", "nodes", None))?
        .ok_or_else(|| {
            Error::usage(format!(
                "--from-node `{name}`: no such node (context `{}`)",
                cluster.context
            ))
            .with_hint("kubectl get nodes lists them")
        })?;
    let value =
        serde_json::to_value(&node).map_err(|e| Error::input(format!("node {name}: {e}")))?;
    Ok(templates::from_live_node(value))
}

fn read_templates_file(path: &Path) -> Result<Vec<TemplateNode>> {
    let label = path.display().to_string();
    let file = crate::inputs::files::read_files(&[path.to_owned()])
        .map_err(|e| Error::usage(format!("--templates-file: {}", e.message)))?;
    let text = file
        .into_iter()
        .map(|f| f.text)
        .collect::<Vec<_>>()
        .join("\n");
    templates::from_file(&label, &text).map_err(|e| {
        Error::usage(format!("--templates-file {e}"))
            .with_hint("a templates file holds a List of Nodes, or Node documents (the value of the `templates` key)")
    })
}

/// Runs `validate` on what was generated: an error here is a bug in `init`, and nothing is written.
fn check(
    generated: &Generated,
    plan: &Plan,
    templates_file: Option<&Path>,
    ui: &Ui,
) -> Result<Analysis> {
    let files = generated
        .config_maps()
        .map(|cm| crate::inputs::InputFile {
            label: cm.file_name(),
            text: cm.manifest.clone(),
        })
        .collect();
    let inputs = crate::inputs::classify::classify(files, None, &plan.config_map, plan.ca_version)?;
    let analysis = lint::analyze(&inputs, plan.ca_version);
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if !analysis.verdict.starts || errors > 0 {
        crate::lint::report::render_text_to_stderr(&analysis, ui)?;
        return Err(match templates_file {
            Some(file) => Error::new(
                ErrorKind::Findings,
                format!(
                    "the templates from {} have the errors above; nothing was written",
                    file.display()
                ),
            )
            .with_hint("fix them in the file (or use presets, --from-node), then run init again"),
            None => Error::new(
                ErrorKind::Findings,
                "init made ConfigMaps that validate rejects (a bug in init); nothing was written",
            )
            .with_hint("please report it with the command line you ran"),
        });
    }
    Ok(analysis)
}

fn write_stdout(out: &mut impl Write, generated: &Generated, format: OutputFormat) -> Result<()> {
    match format {
        OutputFormat::Json => {
            let mut items = Vec::new();
            for cm in generated.config_maps() {
                let docs = crate::yaml::parse_stream(&cm.manifest)
                    .map_err(|e| Error::input(format!("rendering {}: {}", cm.name, e.message)))?;
                items.extend(docs.first().map(|d| d.root.to_json()));
            }
            let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
            crate::output::write_data(out, OutputFormat::Json, &list)?;
        }
        _ => out.write_all(generated.stream().as_bytes())?,
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file and a rename: never a partial file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let failed = |e: std::io::Error| {
        Error::new(
            ErrorKind::Findings,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    std::fs::write(&tmp, bytes).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

fn write_dir(
    dir: &Path,
    generated: &Generated,
    force: bool,
    prompter: Option<&Prompter>,
    ui: &Ui,
) -> Result<Vec<PathBuf>> {
    let files: Vec<(PathBuf, &str)> = generated
        .config_maps()
        .map(|cm| (dir.join(cm.file_name()), cm.manifest.as_str()))
        .collect();
    let changed: Vec<(&PathBuf, String)> = files
        .iter()
        .filter_map(|(path, text)| {
            let old = std::fs::read_to_string(path).ok()?;
            (old != *text).then_some((path, old))
        })
        .collect();
    if !changed.is_empty() && !force {
        let names: Vec<String> = changed
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        let allowed = match prompter {
            Some(p) => {
                for (path, old) in &changed {
                    let name = path.display().to_string();
                    let text = files
                        .iter()
                        .find(|(p, _)| p == *path)
                        .map(|(_, t)| *t)
                        .unwrap_or_default();
                    ui.show(&apply::diff(&name, "file", old, text, ui.stderr_colors));
                }
                p.confirm(&format!("Overwrite {}?", names.join(" and ")))?
            }
            None => false,
        };
        if !allowed {
            return Err(Error::new(
                ErrorKind::Findings,
                format!(
                    "{} already exist(s) with other content; nothing was written",
                    names.join(", ")
                ),
            )
            .with_hint("pass --force to overwrite, or another --output-dir"));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::new(
            ErrorKind::Findings,
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    for (path, text) in &files {
        write_atomically(path, text.as_bytes())?;
        ui.say(format!("wrote {}", path.display()));
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

async fn apply_to_cluster(
    cluster: &Cluster,
    namespace: &str,
    create_namespace: bool,
    generated: &Generated,
    force: bool,
    prompter: Option<&Prompter>,
    ui: &Ui,
) -> Result<()> {
    let outs: Vec<&render::ConfigMapOut> = generated.config_maps().collect();
    let steps = apply::plan(cluster, namespace, &outs, ui.stderr_colors).await?;
    let updates: Vec<&str> = steps
        .iter()
        .filter(|s| matches!(s, apply::Step::Update { .. }))
        .map(apply::Step::name)
        .collect();
    if !updates.is_empty() && !force {
        for step in &steps {
            if let apply::Step::Update { diff, .. } = step {
                ui.show(diff);
            }
        }
        let question = format!(
            "Change ConfigMap {} in namespace `{namespace}` (context `{}`)?",
            updates.join(" and "),
            cluster.context
        );
        let allowed = match prompter {
            Some(p) => p.confirm(&question)?,
            None => false,
        };
        if !allowed {
            return Err(Error::new(
                ErrorKind::Findings,
                format!(
                    "ConfigMap {} already exist(s) in namespace `{namespace}` with other content; nothing was changed",
                    updates.join(", ")
                ),
            )
            .with_hint("the diff is above; pass --force to change them"));
        }
    }
    if create_namespace {
        ui.say(apply::create_namespace(cluster, namespace).await?);
    }
    for line in apply::write(cluster, namespace, steps).await? {
        ui.say(line);
    }
    Ok(())
}

/// The steps after writing; `kwok_present`: whether the cluster shows a kwok controller at work
/// (`None`: not known), which leaves out the step that installs one.
fn print_next_steps(plan: &Plan, written: Option<&[PathBuf]>, kwok_present: Option<bool>, ui: &Ui) {
    let bold = console::Style::new().bold().for_stderr();
    let mut steps: Vec<String> = Vec::new();
    match written {
        Some(paths) if !paths.is_empty() => {
            let dir = paths[0]
                .parent()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| ".".to_owned());
            steps.push(format!("apply them: kubectl apply -f {dir}"));
        }
        Some(_) => {}
        None => steps.push("apply them: pipe this output to `kubectl apply -f -`".to_owned()),
    }
    let mut env = format!("{ENV_POD_NAMESPACE}={}", plan.namespace);
    if plan.config_map != DEFAULT_CONFIG_MAP_NAME {
        env.push_str(&format!(" and {ENV_CONFIG_MAP}={}", plan.config_map));
    }
    steps.push(format!(
        "run cluster-autoscaler with --cloud-provider=kwok and env {env}"
    ));
    if kwok_present != Some(true) {
        steps.push("install the kwok controller, which makes CA's nodes Ready: https://kwok.sigs.k8s.io/docs/user/kwok-in-cluster/".to_owned());
    }
    if !plan.skip_taint {
        steps.push(format!(
            "give the pods that should scale these groups the toleration\n       tolerations: [{{key: {}, operator: Equal, value: \"{}\", effect: {}}}]",
            crate::provider::TAINT_KEY,
            crate::provider::TAINT_VALUE,
            crate::provider::TAINT_EFFECT
        ));
    }
    if plan.read_nodes_from == ReadNodesFrom::Cluster {
        let key = plan.grouping.key();
        steps.push(format!(
            "label the nodes CA should copy: kubectl label node NODE {key}=GROUP (CA 1.30+ counts those real nodes into the group's size)"
        ));
    }
    steps.push("watch CA decide: kubectl kwokprovider events -f".to_owned());
    ui.say(format!("\n{}", bold.apply_to("Next:")));
    for (i, step) in steps.iter().enumerate() {
        ui.say(format!("  {}. {step}", i + 1));
    }
}
