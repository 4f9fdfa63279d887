//! The rule catalog and the diagnostics model (pure data; rules live in the submodules).
//!
//! A rule is data: a stable id users script against, a default severity, a one-line summary
//! and a remediation. Checks produce `Diagnostic`s; printing them is `validate::report`'s job.

pub mod analysis;
mod cluster_rules;
mod config_rules;
mod template_rules;

pub use analysis::{Analysis, CaVerdict, analyze};
pub use cluster_rules::{
    CaDeployment, ClusterFacts, KwokNode, PendingPod, Toleration, check_cluster,
};
pub use config_rules::{config_key_missing, describe_keys};

use crate::yaml::Pos;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Where a rule can fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// On files and on the live cluster.
    Any,
    /// Only when validating the live cluster.
    Cluster,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    /// The severity it is emitted at, in the usual case.
    pub severity: Severity,
    /// Another severity some of its findings carry (e.g. a warning that is an error when it
    /// stops CA), so that the catalog lists every severity a rule is really emitted at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also: Option<Severity>,
    pub scope: Scope,
    pub summary: &'static str,
    /// The general fix; diagnostics usually carry a more specific hint.
    pub remediation: &'static str,
}

const fn rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    remediation: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        also: None,
        scope: Scope::Any,
        summary,
        remediation,
    }
}

/// A rule that is sometimes emitted at another severity.
const fn also(rule: Rule, severity: Severity) -> Rule {
    Rule {
        also: Some(severity),
        ..rule
    }
}

/// A rule that needs the live cluster.
const fn cluster_rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    remediation: &'static str,
) -> Rule {
    Rule {
        scope: Scope::Cluster,
        ..rule(id, severity, summary, remediation)
    }
}

use Severity::{Error, Info, Warning};

/// Every rule, in the order they are listed to users. Ids are stable.
pub static RULES: &[Rule] = &[
    rule(
        "config-parse-error",
        Error,
        "the provider config is not valid YAML/JSON, or a value has a type CA's decoder rejects",
        "fix the syntax or the value's type at the reported position",
    ),
    rule(
        "config-map-name-mismatch",
        Error,
        "the provider config is in a ConfigMap with another name than the one CA reads (a kustomize hash suffix, a helm prefix)",
        "set KWOK_PROVIDER_CONFIGMAP on CA to that name, or rename the ConfigMap",
    ),
    rule(
        "config-empty",
        Error,
        "the provider-config ConfigMap has no `config` key, or it is empty",
        "put the provider config under `data.config` (see `kubectl kwokprovider validate --help`)",
    ),
    also(
        rule(
            "config-extra-documents",
            Warning,
            "the provider config holds several YAML documents; CA reads only the first",
            "keep one document in `config`; move templates to the templates ConfigMap",
        ),
        Error,
    ),
    rule(
        "config-duplicate-key",
        Warning,
        "a config key written twice, or twice in different case; CA silently keeps one",
        "keep a single, exactly spelled key",
    ),
    rule(
        "unknown-field",
        Warning,
        "a field CA does not read; it is silently ignored",
        "rename or move the field to one CA reads",
    ),
    rule(
        "field-case",
        Warning,
        "a field that matches only case-insensitively (works, but misleads readers)",
        "spell the field exactly as CA documents it",
    ),
    rule(
        "api-version",
        Warning,
        "`apiVersion` is missing or not `v1alpha1` (CA does not check it)",
        "set `apiVersion: v1alpha1`",
    ),
    rule(
        "read-nodes-from-invalid",
        Error,
        "`readNodesFrom` is not exactly `configmap` or `cluster`; CA exits",
        "set `readNodesFrom: configmap` (templates from a ConfigMap) or `readNodesFrom: cluster`",
    ),
    rule(
        "configmap-section-missing",
        Error,
        "`readNodesFrom: configmap` without a `configmap.name`; CA exits",
        "add `configmap:\\n  name: kwok-provider-templates`",
    ),
    rule(
        "configmap-key-ignored",
        Warning,
        "`configmap.key` is read by nobody; CA always reads data key `templates`",
        "remove `configmap.key` and store the templates under the `templates` key",
    ),
    rule(
        "grouping-key-missing",
        Error,
        "neither `nodegroups.fromNodeLabelKey` nor the annotation key is set; CA exits",
        "set `nodegroups.fromNodeLabelKey: kwok-nodegroup` and label each template with it",
    ),
    rule(
        "grouping-key-conflict",
        Error,
        "both a grouping label key and a grouping annotation key are set; CA exits",
        "keep only one of the two grouping keys",
    ),
    rule(
        "grouping-key-whitespace",
        Error,
        "the grouping key has surrounding spaces; CA uses it untrimmed and it never matches",
        "remove the spaces around the key",
    ),
    rule(
        "grouping-by-hostname",
        Error,
        "grouping by `kubernetes.io/hostname` makes CA scale up without end",
        "group by a dedicated label such as `kwok-nodegroup`",
    ),
    rule(
        "grouping-key-shared-with-real-nodes",
        Info,
        "the grouping key is a well-known label real nodes carry too; CA counts them into the groups",
        "use a dedicated key such as `kwok-nodegroup`",
    ),
    rule(
        "gpu-config-incomplete",
        Error,
        "`nodes.gpuConfig` lacks `gpuLabelKey` or `availableGPUTypes`; CA exits",
        "give `nodes.gpuConfig` both `gpuLabelKey` and `availableGPUTypes`",
    ),
    rule(
        "gpu-type-unknown",
        Warning,
        "a template's GPU label value is not in `availableGPUTypes`",
        "add the value to `nodes.gpuConfig.availableGPUTypes` or fix the label",
    ),
    rule(
        "gpu-without-resource",
        Warning,
        "a template has the GPU label but no `nvidia.com/gpu` allocatable; CA treats such nodes as unready",
        "add `nvidia.com/gpu` to the template's status.allocatable and status.capacity",
    ),
    rule(
        "kwok-section-ignored",
        Warning,
        "settings under `kwok:` do nothing; CA does not install kwok",
        "remove them and install the kwok controller yourself",
    ),
    rule(
        "configmap-too-large",
        Error,
        "a ConfigMap holds more than 1 MiB of data; the API server rejects it, so CA never reads it",
        "shrink it: fewer or leaner templates (no `status.images`, `managedFields` or comments), or readNodesFrom: cluster",
    ),
    also(
        rule(
            "templates-missing",
            Error,
            "the templates ConfigMap or its `templates` key is missing, or named differently from `configmap.name`",
            "create the ConfigMap named by `configmap.name` with a `templates` key",
        ),
        Warning,
    ),
    rule(
        "templates-empty",
        Error,
        "the templates hold no Node: only comments (CA exits) or an empty List (CA never scales up)",
        "add at least one Node template (as a `kind: List` or several `---` documents)",
    ),
    rule(
        "templates-single-node",
        Error,
        "the templates are a single `Node` or `NodeList` document; CA rejects them",
        "wrap the node in a `kind: List` (`kubectl get nodes -o yaml` prints one), or use several `---` Node documents",
    ),
    rule(
        "template-decode-error",
        Error,
        "a templates document cannot be decoded as a Kubernetes object; CA exits",
        "fix the document at the reported position",
    ),
    rule(
        "template-not-node",
        Warning,
        "a templates document or item is not a Node; CA drops it silently",
        "remove it, or turn it into a `kind: Node`",
    ),
    also(
        rule(
            "grouping-label-missing",
            Error,
            "templates without the grouping label/annotation are skipped silently; with none, CA never scales up",
            "add the grouping label (or annotation) to the template",
        ),
        Warning,
    ),
    rule(
        "template-annotations-missing",
        Error,
        "a template without `metadata.annotations` makes CA panic",
        "add `annotations: {}` under the template's metadata",
    ),
    rule(
        "nodegroup-size-invalid",
        Error,
        "min/max/desired-count annotations that are not integers or out of order (CA exits), or a max-count of 0 (never scales up)",
        "use integers with min ≤ desired ≤ max, and max ≥ 1",
    ),
    rule(
        "nodegroup-duplicate",
        Warning,
        "a later template maps to an existing node group; CA ignores it",
        "give each template its own group value, or remove the duplicate",
    ),
    rule(
        "nodegroup-name-invalid",
        Error,
        "the node-group name is not a valid node-name prefix; every scale-up fails",
        "use lowercase letters, digits, `-` and `.` only (a DNS-1123 subdomain)",
    ),
    rule(
        "template-no-resources",
        Error,
        "the template lacks allocatable cpu, memory or pods, or has less than 100m cpu; no pod ever fits",
        "set status.allocatable cpu, memory and pods (and capacity) on the template",
    ),
    rule(
        "template-hostname-label",
        Warning,
        "the template's `kubernetes.io/hostname` label is copied to every node CA creates",
        "remove the `kubernetes.io/hostname` label from the template",
    ),
    also(
        rule(
            "template-real-node-leftovers",
            Warning,
            "the template carries traces of a real node: control-plane or condition taints, `unschedulable`, or the kwok-provider taint",
            "remove the leftover taints and fields from the template",
        ),
        Error,
    ),
    cluster_rule(
        "config-not-found",
        Error,
        "the provider-config ConfigMap is not in the namespace CA reads",
        "create it in CA's namespace, or set POD_NAMESPACE/-n to where it is",
    ),
    cluster_rule(
        "ca-deployment-misconfigured",
        Error,
        "the cluster-autoscaler Deployment would not read these ConfigMaps as the kwok provider",
        "fix the Deployment's --cloud-provider, POD_NAMESPACE or KWOK_PROVIDER_CONFIGMAP",
    ),
    cluster_rule(
        "ca-not-found",
        Info,
        "no cluster-autoscaler Deployment found; CA may run locally",
        "run CA with KWOK_PROVIDER_MODE=local and POD_NAMESPACE set to the ConfigMaps' namespace",
    ),
    cluster_rule(
        "kwok-controller-missing",
        Warning,
        "no kwok controller and no Stage CRD; fake nodes will stay NotReady",
        "install kwok: kubectl apply -f https://github.com/kubernetes-sigs/kwok/releases/latest/download/kwok.yaml (and stage-fast.yaml)",
    ),
    cluster_rule(
        "pods-do-not-tolerate-taint",
        Warning,
        "pending pods would fit a template but do not tolerate the kwok-provider taint",
        "add a toleration for kwok-provider=true:NoSchedule, or set nodes.skipTaint: true",
    ),
    cluster_rule(
        "real-nodes-in-node-group",
        Error,
        "nodes that are not kwok's carry a node group's name (its grouping key); CA 1.30+ counts them into the group and never scales it up",
        "remove the grouping label from those nodes, or group by a dedicated key such as `kwok-nodegroup`",
    ),
    cluster_rule(
        "nodes-orphaned",
        Warning,
        "kwok-managed nodes name a node group that no longer exists",
        "delete them (kubectl delete node …) or restore their node group",
    ),
];

/// Rules that stop CA, in the order CA runs into them: the first one present explains a failure.
pub static CA_FAILURE_ORDER: &[&str] = &[
    "config-not-found",
    "config-map-name-mismatch",
    "config-empty",
    "config-parse-error",
    "read-nodes-from-invalid",
    "configmap-section-missing",
    "grouping-key-missing",
    "grouping-key-conflict",
    "gpu-config-incomplete",
    "templates-missing",
    "template-decode-error",
    "templates-empty",
    "templates-single-node",
    "nodegroup-size-invalid",
    "template-annotations-missing",
    "grouping-label-missing",
];

/// The error diagnostic that explains why CA fails, following CA's own order of checks.
pub fn failure_cause(diagnostics: &[Diagnostic]) -> Option<&Diagnostic> {
    CA_FAILURE_ORDER.iter().find_map(|rule| {
        diagnostics
            .iter()
            .find(|d| d.rule == *rule && d.severity == Severity::Error)
    })
}

/// Looks a rule up by id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Identifies one input text (a file, a ConfigMap's data value, the live nodes).
pub type SourceId = usize;

/// A point in one of the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub source: SourceId,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub hint: String,
}

impl Diagnostic {
    /// A diagnostic with the rule's default severity. Panics on an unknown id (a programming error).
    pub fn new(rule_id: &'static str, message: impl Into<String>) -> Self {
        let rule =
            find_rule(rule_id).unwrap_or_else(|| panic!("rule {rule_id} is not in the catalog"));
        Diagnostic {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            location: None,
            hint: rule.remediation.to_owned(),
        }
    }

    pub fn at(mut self, source: SourceId, pos: Pos) -> Self {
        self.location = Some(Location { source, pos });
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Summary {
        let mut s = Summary::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// "Did you mean": the closest candidate within a small edit distance.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_with_remediations() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate {}", rule.id);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            );
            assert!(
                !rule.summary.is_empty() && !rule.remediation.is_empty(),
                "{}",
                rule.id
            );
        }
    }

    #[test]
    fn failure_order_names_real_rules() {
        for id in CA_FAILURE_ORDER {
            assert!(find_rule(id).is_some(), "{id}");
        }
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("readNodeFrom", &["readNodesFrom", "nodes"]),
            Some("readNodesFrom")
        );
        assert_eq!(did_you_mean("zzz", &["readNodesFrom"]), None);
    }
}
