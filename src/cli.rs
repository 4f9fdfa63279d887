//! The command line, the top floor: clap's declaration of the flags, the checks clap cannot
//! make, and the typed options each layer below gets (`Invocation`); nothing below imports it.
//!
//! kubectl does not pass its global flags to plugins, so we declare kubectl's own
//! (`--kubeconfig`, `--context`, `-n`, `--request-timeout`) and parse them ourselves. The
//! environment is read here, once, with the flags.

use crate::cluster::{ConnectOptions, Overrides, ProxyEnv};
use crate::error::{Error, Result};
use crate::events::options::EventsOptions;
use crate::events::view::{EventType, Timestamps};
use crate::init::options::InitOptions;
use crate::init::plan::Answers;
use crate::options::ProviderOptions;
use crate::output::{ColorMode, ListOutput, OutputFormat, UiOptions, ViewOutput};
use crate::provider::CaVersion;
use crate::scale::options::{DryRun, ScaleOptions};
use crate::status::options::StatusOptions;
use crate::validate::options::ValidateOptions;
use crate::why::options::WhyOptions;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

pub use crate::duration::parse_duration;

/// The binary's name, as shells complete it when it is run directly.
pub const BIN: &str = "kubectl-kwokprovider";

/// `clap::ValueEnum` for the plain enums of the layers below, which know nothing of clap.
macro_rules! value_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($ty::$variant),+]
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(match self {
                    $($ty::$variant => $name),+
                }))
            }
        }
    };
}

value_enum!(ColorMode { Auto => "auto", Always => "always", Never => "never" });
value_enum!(OutputFormat { Text => "text", Json => "json", Yaml => "yaml" });
value_enum!(ListOutput { Text => "text", Json => "json", Yaml => "yaml", Name => "name" });
value_enum!(ViewOutput { Text => "text", Json => "json", Yaml => "yaml" });

/// The examples of each `--help`, kept unwrapped: every line, indent included, fits 58
/// columns, and a long command goes on over `\` lines (so clap never wraps one mid-command
/// on a terminal 60 columns wide; `tests/cli/robustness.rs` checks).
const EXAMPLES_TOP: &str = r#"Examples:
  # Make both ConfigMaps (a wizard, or flags with --yes)
  kubectl kwokprovider init --yes --output-dir kwok \
      --preset m5.xlarge=general --preset g5.xlarge=gpu

  # What will CA do with them? (no cluster needed)
  kubectl kwokprovider validate -f kwok/

  # Lint what CA reads in the live cluster
  kubectl kwokprovider validate -n kube-system

  # 100 nodes in group general, exactly as CA makes them
  kubectl kwokprovider scale general --replicas 100 --wait

  # CA's decisions, and CA's view
  kubectl kwokprovider events -f
  kubectl kwokprovider status"#;
const EXAMPLES_VALIDATE: &str = r#"Examples:
  # Lint rendered ConfigMaps (a file or a directory)
  kubectl kwokprovider validate -f kwok/

  # A raw provider config plus raw templates
  kubectl kwokprovider validate -f config.yaml \
      --templates nodes.yaml

  # From stdin, for CI, failing on warnings too
  helm template ca autoscaler/cluster-autoscaler \
      --set cloudProvider=kwok | \
      kubectl kwokprovider validate -f - --strict -o json

  # The live cluster, for an older CA
  kubectl kwokprovider validate -n kube-system \
      --ca-version 1.33

  # The rule catalog
  kubectl kwokprovider validate --list-rules"#;
const EXAMPLES_SCALE: &str = r#"Examples:
  # The node groups, their limits and nodes
  kubectl kwokprovider scale -n kube-system

  # Exactly 100 nodes in group general (creates or
  # deletes the difference); wait until they are Ready
  kubectl kwokprovider scale general --replicas 100 \
      --wait --timeout 10m

  # Five more GPU nodes, past the group's max-count
  kubectl kwokprovider scale gpu --add 5 --ignore-limits

  # What would happen, without changing anything
  kubectl kwokprovider scale --all --replicas 0 \
      --dry-run -o json"#;
const EXAMPLES_EVENTS: &str = r#"Examples:
  # The last hour, then follow
  kubectl kwokprovider events -f

  # Why did this pod not get a node?
  kubectl kwokprovider events -n team-a --for pod/web-1 \
      --reason NotTriggerScaleUp

  # One group's decisions as NDJSON, for a script
  kubectl kwokprovider events --nodegroup general \
      --since 24h -o json"#;
const EXAMPLES_STATUS: &str = r#"Examples:
  kubectl kwokprovider status -n kube-system
  kubectl kwokprovider status -w --ca-namespace infra
  kubectl kwokprovider status -o json"#;
const EXAMPLES_INIT: &str = r#"Examples:
  # The wizard
  kubectl kwokprovider init

  # Two generic groups, as files
  kubectl kwokprovider init --non-interactive \
      --preset c-4x-amd64-linux \
      --preset m-8x-amd64-linux --output-dir ./kwok

  # AWS-like groups, named by you, into the cluster
  kubectl kwokprovider init -y -n kube-system \
      --preset m5.xlarge=general --preset g5.xlarge=gpu \
      --size gpu=0:4 --apply

  # Copy a real node's shape
  kubectl kwokprovider init -y --max 50 -o yaml \
      --from-node kind-worker=workers | \
      kubectl apply -f -

  # The preset catalog
  kubectl kwokprovider init --list-presets"#;
const EXAMPLES_COMPLETION: &str = r#"Examples:
  # bash (kubectl-kwokprovider …)
  source <(kubectl kwokprovider completion bash)

  # zsh
  kubectl kwokprovider completion zsh \
      > "${fpath[1]}/_kubectl-kwokprovider"

  # fish
  kubectl kwokprovider completion fish > \
      ~/.config/fish/completions/kubectl-kwokprovider.fish

  # `kubectl kwokprovider <TAB>` in every shell
  kubectl kwokprovider completion kubectl \
      > ~/.local/bin/kubectl_complete-kwokprovider
  chmod +x ~/.local/bin/kubectl_complete-kwokprovider"#;

#[derive(Debug, Parser)]
#[command(
    name = BIN,
    bin_name = "kubectl kwokprovider",
    version,
    about = "Build, lint and drive the cluster-autoscaler kwok provider's ConfigMaps",
    long_about = "Build, lint and drive the cluster-autoscaler kwok provider's ConfigMaps.\n\n\
        cluster-autoscaler's kwok provider reads two ConfigMaps: `kwok-provider-config` (key `config`) \
        and the templates ConfigMap (key `templates`). Mistakes in them are silent: CA just never scales. \
        This plugin shows what CA will really do with them.",
    after_help = EXAMPLES_TOP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// kubectl-style flags shared by every command.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options (as in kubectl)")]
pub struct GlobalArgs {
    /// Path to the kubeconfig file to use for CLI requests.
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The name of the kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,

    /// The namespace of the ConfigMaps (else POD_NAMESPACE, else the context's, else `default`).
    #[arg(short = 'n', long, global = true, value_name = "NAME")]
    pub namespace: Option<String>,

    /// How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl:
    /// no limit for the command (each request still gives up after 30s of silence; watches are
    /// never cut).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, default_value = "0")]
    pub request_timeout: Duration,

    /// When to use colors, in output, help and errors (NO_COLOR disables them under `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorMode::Auto, value_name = "WHEN")]
    pub color: ColorMode,

    /// More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs
    /// each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars),
    /// -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same.
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbosity: u8,

    /// kubectl's --v=N (what -v=N and -v N become; see -v).
    #[arg(long = "v", global = true, value_name = "N", hide = true)]
    pub log_level: Option<u8>,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// The environment variables the plugin reads, captured with the flags.
    #[arg(skip = Environment::from_process())]
    pub env: Environment,
}

/// kubectl's connection flags: each overrides the kubeconfig entry of the same name, as
/// kubectl's ClientConfig overrides do.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection options (as in kubectl)")]
pub struct ConnectionArgs {
    /// The address and port of the Kubernetes API server (works without a kubeconfig).
    #[arg(short = 's', long, global = true, value_name = "URL")]
    pub server: Option<String>,

    /// Bearer token for authentication to the API server.
    #[arg(long, global = true, value_name = "TOKEN")]
    pub token: Option<String>,

    /// Username to impersonate for the operation (a user or a service account).
    #[arg(long = "as", global = true, value_name = "USER")]
    pub impersonate: Option<String>,

    /// Group to impersonate for the operation (repeatable).
    #[arg(long = "as-group", global = true, value_name = "GROUP")]
    pub impersonate_groups: Vec<String>,

    /// UID to impersonate for the operation.
    #[arg(long = "as-uid", global = true, value_name = "UID")]
    pub impersonate_uid: Option<String>,

    /// The name of the kubeconfig cluster to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,

    /// The name of the kubeconfig user to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,

    /// Path to a cert file for the certificate authority.
    #[arg(long, global = true, value_name = "PATH")]
    pub certificate_authority: Option<PathBuf>,

    /// Path to a client certificate file for TLS.
    #[arg(long, global = true, value_name = "PATH")]
    pub client_certificate: Option<PathBuf>,

    /// Path to a client key file for TLS.
    #[arg(long, global = true, value_name = "PATH")]
    pub client_key: Option<PathBuf>,

    /// Do not check the server's certificate (insecure: test clusters only).
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,

    /// Server name to use for server certificate validation (else the server's hostname).
    #[arg(long, global = true, value_name = "NAME")]
    pub tls_server_name: Option<String>,
}

/// The environment variables the plugin reads, read once, when the command line is parsed
/// (`__complete` reads them the same way, when it reads the words with clap).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `KUBECONFIG`: the kubeconfig files, as a list.
    pub kubeconfig: Option<OsString>,
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case).
    pub proxy: ProxyEnv,
    /// `POD_NAMESPACE`: the namespace CA reads its ConfigMaps from.
    pub pod_namespace: Option<String>,
    /// `KWOK_PROVIDER_CONFIGMAP`: the provider-config ConfigMap's name, as CA reads it.
    pub config_map: Option<String>,
    /// `NO_COLOR`: no colours under `--color auto`, when set and not empty.
    pub no_color: Option<String>,
    /// `TERM`: `dumb` means no colours under `--color auto`.
    pub term: Option<String>,
    /// `KWOKPROVIDER_WATCH_TIMEOUT`: how long the server keeps one watch open (`events -f`;
    /// default 290 s). A knob for tests, which cannot wait minutes for a watch to end.
    pub watch_timeout: Option<String>,
}

impl Environment {
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        Environment {
            kubeconfig: std::env::var_os("KUBECONFIG"),
            proxy: ProxyEnv::from_vars(var),
            pod_namespace: var(crate::provider::ENV_POD_NAMESPACE),
            config_map: var(crate::provider::ENV_CONFIG_MAP),
            no_color: var("NO_COLOR"),
            term: var("TERM"),
            watch_timeout: var("KWOKPROVIDER_WATCH_TIMEOUT"),
        }
    }
}

/// Which CA and which provider ConfigMap: shared by every verb that reads the ConfigMaps.
#[derive(Debug, Clone, Args)]
pub struct ProviderArgs {
    /// The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages,
    /// and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the
    /// version of the CA Deployment's image when validating the live cluster, else latest.
    #[arg(long, value_name = "VERSION")]
    pub ca_version: Option<CaVersion>,

    /// Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config).
    #[arg(long = "config-map", value_name = "NAME")]
    pub config_map: Option<String>,
}

impl ProviderArgs {
    fn options(&self, env: &Environment) -> ProviderOptions {
        ProviderOptions {
            ca_version: self.ca_version,
            config_map: self.config_map.clone(),
            config_map_env: env.config_map.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what CA will do with the kwok provider ConfigMaps, and lint them.
    #[command(
        long_about = "Show what cluster-autoscaler will do with the kwok provider's ConfigMaps, and lint them.\n\n\
            With -f, reads files: ConfigMap manifests (as helm renders them), a raw provider config \
            (the value of the `config` key), or raw templates (--templates). Without -f, reads what CA \
            reads in the live cluster.\n\n\
            Exit codes: 0 ok; 1 errors found (or warnings with --strict); 2 bad invocation or \
            unreadable input; 3 cluster unreachable or access denied.",
        after_help = EXAMPLES_VALIDATE
    )]
    Validate(ValidateArgs),

    /// List node groups, or spawn and remove their kwok nodes exactly as CA would.
    #[command(
        long_about = "List the node groups CA builds from the kwok provider's ConfigMaps, or bring groups to a \
            number of nodes: the very nodes CA's own scale-up creates (prepared template, `<group>-<5 chars>` \
            names, `kwok:` providerID), created and deleted concurrently.\n\n\
            Only nodes that carry `kwok.x-k8s.io/node: fake`, the group's name annotation and a `kwok` \
            providerID are ever deleted; nodes without pods go first, then the newest.\n\n\
            Living with a running CA: from CA 1.30, CA recounts each group's size from the nodes every loop, \
            so nodes added here become part of CA's group, and CA may scale them down again when they are \
            unneeded (never below min-count). When CA stops gracefully it deletes every node of its groups, \
            these included. CA 1.29 does not recount: it never sees nodes added here.\n\n\
            One run at a time per group: a run holds the Lease `kwokprovider-scale-<group>` (in the \
            ConfigMaps' namespace) while it changes the group; another run waits for it (--lock-timeout) \
            naming the holder. After the changes the groups are listed again, and what they hold is \
            reported. A create whose answer was lost and whose retry meets `AlreadyExists` is settled by \
            reading the node: this run's own node counts as created.\n\n\
            Exit codes: 0 every group reached its target; 1 a node could not be created or deleted, a limit \
            refused the request, a group did not end at its target (another writer), another run holds the \
            group past --lock-timeout, the configuration has errors, or a group is unknown; 2 bad invocation; \
            3 cluster unreachable or access denied; 130 interrupted.",
        after_help = EXAMPLES_SCALE
    )]
    Scale(ScaleArgs),

    /// Tail cluster-autoscaler's decisions (its events), decoded, with hints.
    #[command(
        long_about = "Show cluster-autoscaler's events (source=cluster-autoscaler), oldest first, each decoded into \
            the decision it records (which groups scaled, why a pod did not trigger a scale-up) with a hint for the \
            known failures. From all namespaces unless -n is given (CA writes node events into `default`).\n\n\
            CA throttles its own events: one per reason per object per 5 minutes, so a pod's NotTriggerScaleUp \
            reappears at most every 5 minutes, and `×N` counts repeats the API server folded into one event.",
        after_help = EXAMPLES_EVENTS
    )]
    Events(EventsArgs),

    /// Show CA's view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes.
    #[command(
        long_about = "Read cluster-autoscaler's status ConfigMap (`cluster-autoscaler-status`, in CA's namespace: from \
            the CA Deployment's flags, else --ca-namespace, default kube-system), in CA 1.30+'s YAML or 1.29's \
            text, and join it with the node groups the provider ConfigMaps define (in the -n namespace, as \
            `validate` resolves it) and the kwok nodes per group. Mismatches are pointed out: a group CA does \
            not know yet (CA reads the templates only at start), a group CA knows that the ConfigMaps no longer \
            define, CA's target differing from the kwok nodes that exist.",
        after_help = EXAMPLES_STATUS
    )]
    Status(StatusArgs),

    /// Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes.
    #[command(
        long_about = "Make the kwok provider's two ConfigMaps: the provider config and the node-group templates. \
            Templates come from presets (realistic node shapes: --list-presets), from live nodes (cleaned of \
            their identity, conditions, images and control-plane leftovers), or from a templates file. Every \
            template gets the node-group name annotation and its sizes, desired-count included (CA treats a \
            missing one as 0, fatal as soon as min-count is above 0). What is written is checked with \
            `validate` before anything is written: CA starts with it.\n\n\
            On a terminal, a wizard asks what the flags leave open. With --non-interactive (or --yes), or with \
            no terminal, nothing is asked: a missing answer is an error naming the flags that give it.\n\n\
            Output: -o yaml (the default without a terminal) prints both manifests for `kubectl apply -f -`; \
            --output-dir writes them as files; --apply creates or updates them in the cluster, showing a \
            diff of any change and asking first (or refusing without --force when it cannot ask). An update \
            carries the resourceVersion it read, so a concurrent change is reported, never overwritten.\n\n\
            User presets (presets.yaml, shaped like `--list-presets -o yaml`) and saved answers \
            (defaults.yaml, --save-defaults) live in the user config directory: \
            $XDG_CONFIG_HOME/kubectl-kwokprovider or ~/.config/kubectl-kwokprovider on Linux, \
            ~/Library/Application Support/kubectl-kwokprovider on macOS, \
            %APPDATA%\\kubectl-kwokprovider\\config on Windows.\n\n\
            Exit codes: 0 written; 1 refused (existing files or ConfigMaps without --force, a conflict); \
            2 bad invocation or a missing answer; 3 cluster unreachable or access denied; 130 interrupted.",
        after_help = EXAMPLES_INIT
    )]
    Init(InitArgs),

    /// Explain every pending pod: per owner and node group, does it fit, and if not, why (with numbers).
    #[command(
        long_about = "Explain why pending pods do (or do not) make CA scale a kwok node group. For each owner \
            (pods resolved through ReplicaSet to Deployment, Job to CronJob, StatefulSet, or a bare pod) and \
            for each node group CA knows: does one pod fit a new node of the group, and if not every reason, \
            with numbers: an untolerated taint, a nodeSelector or required node affinity the template's labels \
            do not meet, a resource the pod requests beyond the template's allocatable (minus CA's simulated \
            kube-proxy and the DaemonSet pods that would land on a new node), the pod capacity, a group at its \
            max-count, CA's backoff. When it fits: how many new nodes the owner's pending pods need (first fit, \
            decreasing, as CA's estimator), capped by max-count. Then CA's last decision about the pods (its \
            TriggeredScaleUp or NotTriggerScaleUp event) and whether a scale-up is in flight.\n\n\
            Pending pods come from -n (else the context's namespace) or -A; CA's ConfigMaps from where CA's \
            Deployment reads them (--ca-namespace overrides), else POD_NAMESPACE, else the context's namespace. With -f, no cluster is contacted: the \
            ConfigMaps and workload manifests (Deployment, StatefulSet, ReplicaSet, Job, CronJob, DaemonSet, \
            Pod) come from files, and `replicas` (a Job's parallelism) is the pending count.\n\n\
            Exit codes: 0 explained (whatever the answer); 1 CA would not start with the ConfigMaps; \
            2 bad invocation or unreadable input; 3 cluster unreachable or access denied.",
        after_help = "Examples:\n  \
            # Every pending pod in the namespace, grouped by owner\n  \
            kubectl kwokprovider why -n shop\n\n  \
            # One workload, in every namespace\n  \
            kubectl kwokprovider why deployment/web -A -o json\n\n  \
            # Before deploying: ConfigMaps and manifests from files\n  \
            kubectl kwokprovider why -f kwok/ -f workloads.yaml"
    )]
    Why(WhyArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl's helper.
    #[command(
        long_about = "Print a completion script for `kubectl-kwokprovider`, generated from this very CLI. \
            `completion kubectl` prints `kubectl_complete-kwokprovider`, the helper kubectl 1.26+ runs to \
            complete `kubectl kwokprovider …` (subcommands, flags, values, and node groups, namespaces and \
            contexts from the cluster): save it on PATH and make it executable.",
        after_help = EXAMPLES_COMPLETION
    )]
    Completion(CompletionArgs),

    /// Print the man page (roff): kubectl kwokprovider man | man -l -
    Man,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionArgs {
    /// The shell, or `kubectl` for kubectl's plugin completion helper.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells `completion` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    /// kubectl's plugin completion helper, `kubectl_complete-kwokprovider`.
    Kubectl,
}

#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("grouping").args(["group_by_label", "group_by_annotation"]))]
#[command(group = clap::ArgGroup::new("destination").args(["output", "output_dir", "apply"]))]
pub struct InitArgs {
    /// Never prompt; a missing answer is an error (also the case without a terminal).
    #[arg(long, visible_alias = "yes", short = 'y')]
    pub non_interactive: bool,

    /// Print the preset catalog and exit.
    #[arg(long)]
    pub list_presets: bool,

    /// Where CA takes templates from: a ConfigMap (recommended), or the live nodes carrying the grouping key.
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub read_nodes_from: Option<crate::init::plan::ReadNodesFrom>,

    /// Group templates by this label (default kwok-nodegroup, a key no real node carries).
    #[arg(long, value_name = "KEY")]
    pub group_by_label: Option<String>,

    /// Group templates by this annotation instead.
    #[arg(long, value_name = "KEY")]
    pub group_by_annotation: Option<String>,

    /// A template from the catalog (repeatable); `=GROUP` names its node group.
    #[arg(long = "preset", value_name = "NAME[=GROUP]")]
    pub presets: Vec<String>,

    /// A template copied from a live node (repeatable); `=GROUP` names its node group.
    #[arg(long = "from-node", value_name = "NODE[=GROUP]")]
    pub from_nodes: Vec<String>,

    /// Templates from a file (a List of Nodes, or Node documents; the `templates` key's value).
    #[arg(long, value_name = "FILE")]
    pub templates_file: Option<PathBuf>,

    /// min-count of every group (default 0).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub min: Option<i64>,

    /// max-count of every group (default 10).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub max: Option<i64>,

    /// desired-count of every group (default: its min-count).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub desired: Option<i64>,

    /// Sizes of one group (repeatable).
    #[arg(long = "size", value_name = "GROUP=MIN:MAX[:DESIRED]")]
    pub sizes: Vec<String>,

    /// Do not taint the nodes `kwok-provider=true:NoSchedule` (any pending pod may then scale a group).
    #[arg(long)]
    pub skip_taint: bool,

    /// The label whose value names a node's GPU type (nodes.gpuConfig.gpuLabelKey).
    #[arg(long, value_name = "KEY")]
    pub gpu_label: Option<String>,

    /// Name of the templates ConfigMap (configmap.name).
    #[arg(long, value_name = "NAME")]
    pub templates_config_map: Option<String>,

    /// Write DIR/<config-map>.yaml and DIR/<templates-config-map>.yaml.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Print the manifests: yaml (a stream) or json (a List); with --list-presets, the catalog.
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Create or update the ConfigMaps in the cluster (-n namespace).
    #[arg(long)]
    pub apply: bool,

    /// With --apply: create the namespace if it does not exist (checked before anything else).
    #[arg(long, conflicts_with_all = ["output", "output_dir"])]
    pub create_namespace: bool,

    /// Overwrite existing files, or change existing ConfigMaps, without asking.
    #[arg(long)]
    pub force: bool,

    /// Store these answers as the next run's defaults (defaults.yaml in the user config directory).
    #[arg(long)]
    pub save_defaults: bool,

    #[command(flatten)]
    pub provider: ProviderArgs,
}

#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    /// CA's namespace (its --namespace), when no CA Deployment says it.
    #[arg(long, value_name = "NAME")]
    pub ca_namespace: Option<String>,

    /// Name of CA's status ConfigMap (its --status-config-map-name).
    #[arg(long, value_name = "NAME")]
    pub status_config_map: Option<String>,

    /// Redraw whenever the status ConfigMap changes.
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ViewOutput::Text, value_name = "FORMAT")]
    pub output: ViewOutput,

    /// Print the node groups' table without its header line.
    #[arg(long)]
    pub no_headers: bool,

    #[command(flatten)]
    pub provider: ProviderArgs,
}

#[derive(Debug, Clone, Args)]
pub struct EventsArgs {
    /// Every namespace (the default unless -n is given).
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,

    /// Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`).
    #[arg(short = 'f', long, visible_short_alias = 'w', visible_alias = "watch")]
    pub follow: bool,

    /// How far back the backlog goes (by lastTimestamp, else eventTime).
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub since: Duration,

    /// Stop after N events (exit 0).
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,

    /// Stop following after this long (exit 0).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Only these reasons (repeatable, or comma-separated).
    #[arg(long, value_name = "REASON", value_delimiter = ',')]
    pub reason: Vec<String>,

    /// Only Normal or Warning events.
    #[arg(long = "type", value_enum, ignore_case = true, value_name = "TYPE")]
    pub event_type: Option<EventType>,

    /// Only events about this object, as KIND/NAME (e.g. pod/web-1), in the -n namespace; an
    /// owner (deployment/, replicaset/, statefulset/, job/, cronjob/) stands for its pods.
    #[arg(long = "for", value_name = "KIND/NAME")]
    pub for_object: Option<String>,

    /// CA's namespace (its status ConfigMap and the provider ConfigMaps, for hints that name
    /// node groups), when no CA Deployment says it.
    #[arg(long, value_name = "NAME")]
    pub ca_namespace: Option<String>,

    /// Hide events about pods that are no longer pending (scheduled, or gone) when the command
    /// starts; events about nodes and CA's status stay.
    #[arg(long)]
    pub pending: bool,

    /// Only decisions about this node group.
    #[arg(long, value_name = "NAME")]
    pub nodegroup: Option<String>,

    /// How times are shown in text output.
    #[arg(long, value_enum, default_value_t = Timestamps::Absolute, value_name = "HOW")]
    pub timestamps: Timestamps,

    /// Output format (json: one object per line, NDJSON; yaml: one document per event, `---`
    /// between; name: `event/NAME`).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ListOutput::Text, value_name = "FORMAT")]
    pub output: ListOutput,

    /// Accepted as kubectl's: the event lines have no header to leave out.
    #[arg(long)]
    pub no_headers: bool,
}

#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("change").args(["replicas", "add", "remove"]))]
pub struct ScaleArgs {
    /// Node groups to change (none: list the groups).
    #[arg(value_name = "GROUP")]
    pub groups: Vec<String>,

    /// Every node group the config defines.
    #[arg(long, conflicts_with = "groups")]
    pub all: bool,

    /// Bring each group to exactly N nodes.
    #[arg(long, value_name = "N")]
    pub replicas: Option<u32>,

    /// Add K nodes to the group.
    #[arg(long, value_name = "K")]
    pub add: Option<u32>,

    /// Remove K nodes from the group.
    #[arg(long, value_name = "K")]
    pub remove: Option<u32>,

    /// Read config and templates from files instead of the cluster's ConfigMaps (nodes are still made in the cluster).
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Raw templates file (the value of the `templates` key), with -f.
    #[arg(long, value_name = "FILE")]
    pub templates: Option<PathBuf>,

    /// Change nothing: `client` prints the plan; `server` also sends each create and delete
    /// with the API server's `dryRun=All`, so the server checks every node (bare `--dry-run`: client).
    #[arg(long, value_enum, value_name = "STRATEGY", num_args = 0..=1, require_equals = true,
          default_value_t = DryRun::None, default_missing_value = "client")]
    pub dry_run: DryRun,

    /// Go past the group's min-count and max-count.
    #[arg(long)]
    pub ignore_limits: bool,

    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,

    /// Client-side requests per second, as client-go's QPS (0: none, like kubectl; --concurrency bounds the load).
    #[arg(long, value_name = "QPS", default_value_t = 0.0)]
    pub qps: f64,

    /// Requests allowed at once above --qps, as client-go's Burst.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub burst: u32,

    /// Wait until the groups' nodes are Ready, up to --timeout (or --wait=DURATION).
    #[arg(long, value_name = "DURATION", num_args = 0..=1, require_equals = true, value_parser = parse_duration)]
    pub wait: Option<Option<Duration>>,

    /// With --wait: how long to wait for the nodes to be Ready, as kubectl's --timeout (default 5m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "wait")]
    pub timeout: Option<Duration>,

    /// How long to wait for another run changing the same group (its Lease) to finish; 0: do not wait, exit 1.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub lock_timeout: Duration,

    /// Give each node its own `kubernetes.io/hostname` label (CA copies the template's).
    #[arg(long)]
    pub set_hostname: bool,

    /// Output format (name: `node/NAME` for each node listed, created or deleted).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ListOutput::Text, value_name = "FORMAT")]
    pub output: ListOutput,

    /// Print the table without its header line.
    #[arg(long)]
    pub no_headers: bool,

    #[command(flatten)]
    pub provider: ProviderArgs,
}

impl InitArgs {
    /// `-o text` lists the presets, but manifests are YAML or JSON.
    fn check_output(&self) -> Result<()> {
        if !self.list_presets && self.output == Some(OutputFormat::Text) {
            return Err(
                Error::usage("-o text: init prints manifests as yaml or json")
                    .with_hint("-o yaml, -o json, --output-dir DIR or --apply"),
            );
        }
        Ok(())
    }
}

/// How long `scale --wait` waits when neither --timeout nor --wait=DURATION says.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(300);

impl ScaleArgs {
    /// How long to wait for the nodes to be Ready: `None` without --wait.
    pub fn wait_timeout(&self) -> Option<Duration> {
        match self.wait {
            None => None,
            Some(Some(timeout)) => Some(timeout),
            Some(None) => Some(self.timeout.unwrap_or(DEFAULT_WAIT)),
        }
    }

    /// `--wait 3s` (kubectl's spelling is `--wait --timeout 3s`) would make `3s` a node group:
    /// a bare --wait beside a GROUP that reads as a duration is refused, naming both spellings.
    fn check_wait(&self) -> Result<()> {
        if let (Some(Some(_)), Some(_)) = (self.wait, self.timeout) {
            return Err(
                Error::usage("--wait=DURATION and --timeout both say how long to wait")
                    .with_hint("give one: --wait --timeout 3m, or --wait=3m"),
            );
        }
        if self.wait == Some(None)
            && let Some(group) = self.groups.iter().find(|g| parse_duration(g).is_ok())
        {
            return Err(Error::usage(format!(
                "`{group}` after --wait reads as a node group, not as how long to wait"
            ))
            .with_hint(format!(
                "to wait {group}: --wait --timeout {group} (or --wait={group}); for a node group named `{group}`, give the wait as --wait=5m"
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// File, directory or `-` (stdin) with ConfigMaps or a raw provider config; repeatable.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Raw templates file (the value of the `templates` key).
    #[arg(long, value_name = "FILE")]
    pub templates: Option<PathBuf>,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub output: OutputFormat,

    /// Print the rule catalog and exit.
    #[arg(long)]
    pub list_rules: bool,

    /// Turn a rule off (repeatable, or comma-separated; --list-rules shows the ids).
    #[arg(long = "disable", value_name = "RULE", value_delimiter = ',', value_parser = RuleIdParser, hide_possible_values = true)]
    pub disable: Vec<crate::lint::RuleId>,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,

    #[command(flatten)]
    pub provider: ProviderArgs,
}

#[derive(Debug, Clone, Args)]
pub struct WhyArgs {
    /// Only these pods or their owners, as KIND/NAME (pod, deployment, replicaset, statefulset, job, cronjob).
    #[arg(value_name = "KIND/NAME")]
    pub targets: Vec<String>,

    /// Pending pods of every namespace.
    #[arg(short = 'A', long = "all-namespaces")]
    pub all_namespaces: bool,

    /// CA's namespace (its ConfigMaps and status); default: where CA's Deployment reads them,
    /// else POD_NAMESPACE, else the context's namespace (-n is the pods').
    #[arg(long, value_name = "NAME")]
    pub ca_namespace: Option<String>,

    /// Only pods with these labels (a label selector, as kubectl's -l).
    #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Offline: ConfigMaps and workload manifests from files, directories or `-` (repeatable).
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Raw templates file (the value of the `templates` key), with -f.
    #[arg(long, value_name = "FILE")]
    pub templates: Option<PathBuf>,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub output: OutputFormat,

    #[command(flatten)]
    pub provider: ProviderArgs,
}

/// A rule id from the catalog: clap rejects any other (with a did-you-mean), and shell
/// completion lists them.
#[derive(Debug, Clone, Copy)]
pub struct RuleIdParser;

impl clap::builder::TypedValueParser for RuleIdParser {
    type Value = crate::lint::RuleId;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<crate::lint::RuleId, clap::Error> {
        let id = value.to_string_lossy();
        if let Ok(rule) = id.parse() {
            return Ok(rule);
        }
        let ids: Vec<&str> = crate::lint::RuleId::ALL
            .iter()
            .map(|r| r.as_str())
            .collect();
        let hint = match crate::lint::did_you_mean(&id, &ids) {
            Some(close) => {
                format!("did you mean `{close}`? (kubectl kwokprovider validate --list-rules)")
            }
            None => "kubectl kwokprovider validate --list-rules shows the rule ids".to_owned(),
        };
        let flag = arg.map_or_else(|| "--disable".to_owned(), ToString::to_string);
        Err(clap::Error::raw(
            clap::error::ErrorKind::InvalidValue,
            format!("{flag}: unknown rule `{id}`; {hint}\n"),
        )
        .with_cmd(cmd))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(crate::lint::RULES.iter().map(|r| {
            clap::builder::PossibleValue::new(r.id.as_str()).help(r.summary)
        })))
    }
}

/// What to run, typed: each layer's options, built from the flags and the environment.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub ui: UiOptions,
    pub connect: ConnectOptions,
    pub verb: Verb,
}

/// The verb to run, with its options.
#[derive(Debug, Clone)]
pub enum Verb {
    Validate(ValidateOptions),
    Scale(ScaleOptions),
    Events(EventsOptions),
    Status(StatusOptions),
    Init(InitOptions),
    Why(WhyOptions),
    Completion(CompletionShell),
    Man,
}

impl Cli {
    /// The second stage of parsing, for what clap cannot check alone: the `-v` count becomes a
    /// kubectl level (-vv 6, -vvv 8, -vvvv 9) and kubectl's `-v=N` joins it, and `scale --wait`
    /// is checked against its groups. Then each layer's options are built.
    pub fn finish(self) -> Result<Invocation> {
        let global = &self.global;
        let env = &global.env;
        let verbosity = global.verbosity_level();
        let verb = match self.command {
            Command::Validate(args) => Verb::Validate(ValidateOptions {
                provider: args.provider.options(env),
                files: args.files,
                templates: args.templates,
                output: args.output,
                list_rules: args.list_rules,
                disable: args.disable,
                strict: args.strict,
            }),
            Command::Scale(args) => {
                args.check_wait()?;
                Verb::Scale(ScaleOptions {
                    wait_timeout: args.wait_timeout(),
                    provider: args.provider.options(env),
                    groups: args.groups,
                    all: args.all,
                    replicas: args.replicas,
                    add: args.add,
                    remove: args.remove,
                    files: args.files,
                    templates: args.templates,
                    dry_run: args.dry_run,
                    ignore_limits: args.ignore_limits,
                    concurrency: args.concurrency,
                    qps: args.qps,
                    burst: args.burst,
                    lock_timeout: args.lock_timeout,
                    set_hostname: args.set_hostname,
                    output: args.output,
                    no_headers: args.no_headers,
                })
            }
            Command::Events(args) => Verb::Events(EventsOptions {
                all_namespaces: args.all_namespaces,
                follow: args.follow,
                since: args.since,
                max_events: args.max_events,
                timeout: args.timeout,
                reason: args.reason,
                event_type: args.event_type,
                for_object: args.for_object,
                nodegroup: args.nodegroup,
                timestamps: args.timestamps,
                output: args.output,
                ca_namespace: args.ca_namespace,
                pending: args.pending,
            }),
            Command::Status(args) => Verb::Status(StatusOptions {
                provider: args.provider.options(env),
                ca_namespace: args.ca_namespace,
                status_config_map: args.status_config_map,
                watch: args.watch,
                output: args.output,
                no_headers: args.no_headers,
            }),
            Command::Init(args) => {
                args.check_output()?;
                Verb::Init(InitOptions {
                    flags: Answers {
                        namespace: global.namespace.clone(),
                        read_nodes_from: args.read_nodes_from,
                        group_by_label: args.group_by_label,
                        group_by_annotation: args.group_by_annotation,
                        presets: args.presets,
                        from_nodes: args.from_nodes,
                        templates_file: args.templates_file,
                        min: args.min,
                        max: args.max,
                        desired: args.desired,
                        sizes: args.sizes,
                        skip_taint: args.skip_taint.then_some(true),
                        gpu_label: args.gpu_label,
                        config_map: args.provider.config_map.clone(),
                        templates_config_map: args.templates_config_map,
                    },
                    provider: args.provider.options(env),
                    non_interactive: args.non_interactive,
                    list_presets: args.list_presets,
                    output_dir: args.output_dir,
                    output: args.output,
                    apply: args.apply,
                    create_namespace: args.create_namespace,
                    force: args.force,
                    save_defaults: args.save_defaults,
                    config_dir: user_config_dir(),
                })
            }
            Command::Why(args) => Verb::Why(WhyOptions {
                provider: args.provider.options(env),
                targets: args.targets,
                all_namespaces: args.all_namespaces,
                ca_namespace: args.ca_namespace,
                selector: args.selector,
                files: args.files,
                templates: args.templates,
                output: args.output,
            }),
            Command::Completion(args) => Verb::Completion(args.shell),
            Command::Man => Verb::Man,
        };
        Ok(Invocation {
            ui: global.ui_options(verbosity),
            connect: global.connect_options(verbosity),
            verb,
        })
    }
}

/// The user config directory (`directories`' convention for the platform), where `init` keeps
/// presets.yaml and defaults.yaml.
pub fn user_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", BIN).map(|d| d.config_dir().to_owned())
}

impl GlobalArgs {
    /// The kubectl log level: the `-v` count (-vv 6, -vvv 8, -vvvv 9), or `--v=N` if higher.
    fn verbosity_level(&self) -> u8 {
        let counted = match self.verbosity {
            0 | 1 => self.verbosity,
            2 => 6,
            3 => 8,
            _ => 9,
        };
        counted.max(self.log_level.unwrap_or(0))
    }

    fn ui_options(&self, verbosity: u8) -> UiOptions {
        UiOptions {
            color: self.color,
            verbosity,
            no_color: self.env.no_color.clone(),
            term: self.env.term.clone(),
        }
    }

    /// What `cluster::connect` needs (`__complete` builds one from the words too).
    pub fn connect_options(&self, verbosity: u8) -> ConnectOptions {
        let c = &self.connection;
        ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
            request_timeout: self.request_timeout,
            verbosity,
            overrides: Overrides {
                server: c.server.clone(),
                token: c.token.clone(),
                impersonate: c.impersonate.clone(),
                impersonate_groups: c.impersonate_groups.clone(),
                impersonate_uid: c.impersonate_uid.clone(),
                cluster: c.cluster.clone(),
                user: c.user.clone(),
                certificate_authority: c.certificate_authority.clone(),
                client_certificate: c.client_certificate.clone(),
                client_key: c.client_key.clone(),
                insecure_skip_tls_verify: c.insecure_skip_tls_verify,
                tls_server_name: c.tls_server_name.clone(),
            },
            kubeconfig_env: self.env.kubeconfig.clone(),
            pod_namespace: self.env.pod_namespace.clone(),
            proxy: self.env.proxy.clone(),
            watch_timeout: self.env.watch_timeout.clone(),
        }
    }
}

/// kubectl's spellings of the log level made clap's: `-v=N`, `-vN` and `-v N` (N digits)
/// become `--v=N`; `-v`, `-vv` stay counts. Nothing after `--` is touched.
pub fn normalize_args(args: Vec<OsString>) -> Vec<OsString> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter().peekable();
    while let Some(arg) = iter.next() {
        let Some(text) = arg.to_str() else {
            out.push(arg);
            continue;
        };
        if text == "--" {
            out.push(arg);
            out.extend(iter);
            break;
        }
        let level = match text.strip_prefix("-v") {
            Some(rest) if digits(rest.strip_prefix('=').unwrap_or(rest)) => {
                Some(rest.trim_start_matches('=').to_owned())
            }
            Some("") if iter.peek().and_then(|n| n.to_str()).is_some_and(digits) => {
                iter.next().and_then(|n| n.into_string().ok())
            }
            _ => None,
        };
        match level {
            Some(level) => out.push(format!("--v={level}").into()),
            None => out.push(arg),
        }
    }
    out
}

/// The output options known before clap parses the command line (clap prints help and usage
/// errors itself): the last `--color`, NO_COLOR and TERM.
pub fn early_ui_options(args: &[OsString], env: &Environment) -> UiOptions {
    let mut color = ColorMode::Auto;
    let mut iter = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next().unwrap_or(""),
            Some(rest) => match rest.strip_prefix('=') {
                Some(value) => value,
                None => continue,
            },
            None => continue,
        };
        if let Ok(parsed) = ColorMode::from_str(value, true) {
            color = parsed;
        }
    }
    UiOptions {
        color,
        verbosity: 0,
        no_color: env.no_color.clone(),
        term: env.term.clone(),
    }
}

/// clap's own colours (help, usage errors), by the one colour rule (`UiOptions::colors`):
/// clap still asks whether its stream is a terminal under `Auto`.
pub fn clap_color(ui: &UiOptions) -> clap::ColorChoice {
    match ui.color {
        ColorMode::Always => clap::ColorChoice::Always,
        ColorMode::Never => clap::ColorChoice::Never,
        ColorMode::Auto if ui.colors(true) => clap::ColorChoice::Auto,
        ColorMode::Auto => clap::ColorChoice::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn kubectl_log_levels_become_v_and_counts_stay() {
        let norm = |args: &[&str]| -> Vec<String> {
            normalize_args(args.iter().map(OsString::from).collect())
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect()
        };
        assert_eq!(norm(&["x", "-v=6", "status"]), ["x", "--v=6", "status"]);
        assert_eq!(norm(&["x", "-v", "8", "status"]), ["x", "--v=8", "status"]);
        assert_eq!(norm(&["x", "-v9"]), ["x", "--v=9"]);
        assert_eq!(norm(&["x", "-v", "status"]), ["x", "-v", "status"]);
        assert_eq!(norm(&["x", "-vv"]), ["x", "-vv"]);
        assert_eq!(norm(&["x", "--", "-v=6"]), ["x", "--", "-v=6"]);
        let cli = Cli::try_parse_from(norm(&["x", "-v=6", "status"]))
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(cli.ui.verbosity, 6);
        assert_eq!(cli.connect.verbosity, 6);
        let level = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).unwrap().finish().unwrap();
            cli.ui.verbosity
        };
        assert_eq!(level(&["x", "-v", "status"]), 1);
        assert_eq!(level(&["x", "-vv", "status"]), 6);
        assert_eq!(level(&["x", "-vvv", "status"]), 8);
        assert_eq!(level(&["x", "-vvvvv", "status"]), 9);
        assert_eq!(level(&["x", "-v", "--v=9", "status"]), 9);
    }

    #[test]
    fn clap_colours_follow_the_color_flag_and_no_color() {
        let clap_color = |a: &[&str], env: &Environment| {
            let args = a.iter().map(OsString::from).collect::<Vec<_>>();
            clap_color(&early_ui_options(&args, env))
        };
        let env = Environment::default();
        assert_eq!(
            clap_color(&["x", "--color", "never", "--help"], &env),
            clap::ColorChoice::Never
        );
        assert_eq!(
            clap_color(&["x", "--color=always"], &env),
            clap::ColorChoice::Always
        );
        assert_eq!(clap_color(&["x"], &env), clap::ColorChoice::Auto);
        let no_color = Environment {
            no_color: Some("1".into()),
            ..Environment::default()
        };
        assert_eq!(clap_color(&["x"], &no_color), clap::ColorChoice::Never);
        assert_eq!(
            clap_color(&["x", "--color", "always"], &no_color),
            clap::ColorChoice::Always
        );
        let dumb = Environment {
            term: Some("dumb".into()),
            ..Environment::default()
        };
        assert_eq!(clap_color(&["x"], &dumb), clap::ColorChoice::Never);
    }

    #[test]
    fn each_layer_gets_its_options_and_the_environment_read_once() {
        let mut cli = Cli::try_parse_from([
            "x",
            "-n",
            "ns",
            "--context",
            "c",
            "--token",
            "t",
            "-vv",
            "--color",
            "never",
            "scale",
            "g",
            "--replicas",
            "2",
            "--wait",
            "--config-map",
            "cm",
        ])
        .unwrap();
        cli.global.env = Environment {
            kubeconfig: Some("/k".into()),
            proxy: ProxyEnv {
                https_proxy: Some("http://p:3128".into()),
                ..ProxyEnv::default()
            },
            pod_namespace: Some("pn".into()),
            config_map: Some("env-cm".into()),
            no_color: Some("1".into()),
            term: None,
            watch_timeout: Some("5s".into()),
        };
        let invocation = cli.finish().unwrap();
        assert_eq!(
            invocation.ui,
            UiOptions {
                color: ColorMode::Never,
                verbosity: 6,
                no_color: Some("1".into()),
                term: None,
            }
        );
        let c = &invocation.connect;
        assert_eq!(
            (c.namespace.as_deref(), c.context.as_deref()),
            (Some("ns"), Some("c"))
        );
        assert_eq!(c.overrides.token.as_deref(), Some("t"));
        assert_eq!(c.verbosity, 6);
        assert_eq!(
            c.kubeconfig_env.as_deref(),
            Some(std::ffi::OsStr::new("/k"))
        );
        assert_eq!(c.proxy.https_proxy.as_deref(), Some("http://p:3128"));
        assert_eq!(c.pod_namespace.as_deref(), Some("pn"));
        assert_eq!(c.watch_timeout().unwrap(), Duration::from_secs(5));
        let Verb::Scale(scale) = &invocation.verb else {
            panic!("{:?}", invocation.verb)
        };
        assert_eq!(scale.groups, ["g"]);
        assert_eq!(scale.replicas, Some(2));
        assert_eq!(scale.wait_timeout, Some(DEFAULT_WAIT));
        assert_eq!(scale.provider.config_map_name().unwrap(), "cm");
        assert_eq!(scale.provider.config_map_env.as_deref(), Some("env-cm"));
        let too_long = ConnectOptions {
            watch_timeout: Some("10m".into()),
            ..ConnectOptions::default()
        };
        assert!(
            too_long
                .watch_timeout()
                .unwrap_err()
                .message
                .contains("1s to 294s")
        );
    }

    #[test]
    fn init_checks_what_clap_cannot() {
        let finish = |args: &[&str]| Cli::try_parse_from(args).unwrap().finish();
        let text = finish(&["x", "init", "-o", "text"]).unwrap_err();
        assert!(text.message.starts_with("-o text"), "{}", text.message);
        assert!(finish(&["x", "init", "--list-presets", "-o", "text"]).is_ok());
        let both = Cli::try_parse_from(["x", "init", "-o", "yaml", "--apply"]).unwrap_err();
        assert_eq!(both.kind(), clap::error::ErrorKind::ArgumentConflict);
        let Verb::Init(init) = finish(&["x", "-n", "ops", "init", "--skip-taint"])
            .unwrap()
            .verb
        else {
            panic!()
        };
        assert_eq!(init.flags.namespace.as_deref(), Some("ops"));
        assert_eq!(init.flags.skip_taint, Some(true));
    }

    #[test]
    fn wait_takes_kubectls_timeout_or_its_own_value() {
        let wait = |extra: &[&str]| {
            let mut args = vec!["x", "scale", "g", "--replicas", "1"];
            args.extend_from_slice(extra);
            match Cli::try_parse_from(args).unwrap().command {
                Command::Scale(scale) => scale.wait_timeout(),
                _ => unreachable!(),
            }
        };
        assert_eq!(wait(&[]), None);
        assert_eq!(wait(&["--wait"]), Some(DEFAULT_WAIT));
        assert_eq!(
            wait(&["--wait", "--timeout", "3s"]),
            Some(Duration::from_secs(3))
        );
        assert_eq!(wait(&["--wait=2m"]), Some(Duration::from_secs(120)));
    }
}
