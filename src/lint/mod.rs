//! The rule catalog and the diagnostics model (pure data; rules live in the submodules).
//!
//! A rule is data: a stable id users script against, a default severity, a one-line summary
//! and a remediation. Checks produce `Diagnostic`s; printing them is `report`'s (which `validate` prints
//! on stdout, and `init`, `scale` and `why` on stderr before they refuse).

pub(crate) mod analysis;
mod cluster_rules;
mod config_rules;
pub(crate) mod given;
pub(crate) mod report;
mod template_rules;

pub(crate) use analysis::analyze;
pub use cluster_rules::{ClusterFacts, KwokEvidence, check_cluster};
pub use config_rules::describe_keys;

use crate::source::{Location, SourceId};
use crate::yaml::Pos;
use serde::Serialize;
use std::fmt;

/// Declares `RuleId`: one variant per rule, with the stable kebab-case id users see and script
/// against. The compiler checks every id a check emits; `RULES` gives each its catalog entry,
/// in the same order.
macro_rules! rule_ids {
    ($($variant:ident = $id:literal,)*) => {
        /// A rule's identity. Printed, serialized and parsed as its kebab-case id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule id, in catalog order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The stable id, e.g. `config-parse-error`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

impl RuleId {
    /// The rule's catalog entry (`RULES` lists the ids in declaration order: a unit test checks).
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = ();

    fn from_str(id: &str) -> Result<Self, ()> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == id)
            .ok_or(())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

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
    pub id: RuleId,
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
    id: RuleId,
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
    id: RuleId,
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

rule_ids! {
    ConfigParseError = "config-parse-error",
    ConfigMapNameMismatch = "config-map-name-mismatch",
    ConfigEmpty = "config-empty",
    ConfigExtraDocuments = "config-extra-documents",
    ConfigDuplicateKey = "config-duplicate-key",
    UnknownField = "unknown-field",
    FieldCase = "field-case",
    ApiVersion = "api-version",
    ReadNodesFromInvalid = "read-nodes-from-invalid",
    ConfigmapSectionMissing = "configmap-section-missing",
    ConfigmapKeyIgnored = "configmap-key-ignored",
    GroupingKeyMissing = "grouping-key-missing",
    GroupingKeyConflict = "grouping-key-conflict",
    GroupingKeyWhitespace = "grouping-key-whitespace",
    GroupingByHostname = "grouping-by-hostname",
    GroupingKeySharedWithRealNodes = "grouping-key-shared-with-real-nodes",
    GpuConfigIncomplete = "gpu-config-incomplete",
    GpuTypeUnknown = "gpu-type-unknown",
    GpuWithoutResource = "gpu-without-resource",
    KwokSectionIgnored = "kwok-section-ignored",
    ConfigmapTooLarge = "configmap-too-large",
    TemplatesMissing = "templates-missing",
    TemplatesEmpty = "templates-empty",
    TemplatesSingleNode = "templates-single-node",
    TemplateDecodeError = "template-decode-error",
    TemplateNotNode = "template-not-node",
    GroupingLabelMissing = "grouping-label-missing",
    TemplateAnnotationsMissing = "template-annotations-missing",
    NodegroupSizeInvalid = "nodegroup-size-invalid",
    NodegroupDuplicate = "nodegroup-duplicate",
    NodegroupNameInvalid = "nodegroup-name-invalid",
    TemplateNoResources = "template-no-resources",
    TemplateHostnameLabel = "template-hostname-label",
    TemplateRealNodeLeftovers = "template-real-node-leftovers",
    TemplateRejectedByApiServer = "template-rejected-by-api-server",
    ConfigNotFound = "config-not-found",
    CaDeploymentMisconfigured = "ca-deployment-misconfigured",
    CaNotFound = "ca-not-found",
    KwokControllerMissing = "kwok-controller-missing",
    PodsDoNotTolerateTaint = "pods-do-not-tolerate-taint",
    RealNodesInNodeGroup = "real-nodes-in-node-group",
    KwokNodesWithoutGroup = "kwok-nodes-without-group",
    NodesOrphaned = "nodes-orphaned",
}

/// Every rule, in the order they are listed to users. Ids are stable.
pub static RULES: &[Rule] = &[
    rule(
        RuleId::ConfigParseError,
        Error,
        "the provider config is not valid YAML/JSON, or a value has a type CA's decoder rejects",
        "fix the syntax or the value's type at the reported position",
    ),
    rule(
        RuleId::ConfigMapNameMismatch,
        Error,
        "the provider config is in a ConfigMap with another name than the one CA reads (a kustomize hash suffix, a helm prefix)",
        "set KWOK_PROVIDER_CONFIGMAP on CA to that name, or rename the ConfigMap",
    ),
    rule(
        RuleId::ConfigEmpty,
        Error,
        "the provider-config ConfigMap has no `config` key, or it is empty",
        "put the provider config under `data.config` (see `kubectl kwokprovider validate --help`)",
    ),
    also(
        rule(
            RuleId::ConfigExtraDocuments,
            Warning,
            "the provider config holds several YAML documents; CA reads only the first",
            "keep one document in `config`; move templates to the templates ConfigMap",
        ),
        Error,
    ),
    rule(
        RuleId::ConfigDuplicateKey,
        Warning,
        "a config key written twice, or twice in different case; CA silently keeps one",
        "keep a single, exactly spelled key",
    ),
    rule(
        RuleId::UnknownField,
        Warning,
        "a field CA does not read; it is silently ignored",
        "rename or move the field to one CA reads",
    ),
    rule(
        RuleId::FieldCase,
        Warning,
        "a field that matches only case-insensitively (works, but misleads readers)",
        "spell the field exactly as CA documents it",
    ),
    rule(
        RuleId::ApiVersion,
        Warning,
        "`apiVersion` is missing or not `v1alpha1` (CA does not check it)",
        "set `apiVersion: v1alpha1`",
    ),
    rule(
        RuleId::ReadNodesFromInvalid,
        Error,
        "`readNodesFrom` is not exactly `configmap` or `cluster`; CA exits",
        "set `readNodesFrom: configmap` (templates from a ConfigMap) or `readNodesFrom: cluster`",
    ),
    rule(
        RuleId::ConfigmapSectionMissing,
        Error,
        "`readNodesFrom: configmap` without a `configmap.name`; CA exits",
        "add `configmap:\\n  name: kwok-provider-templates`",
    ),
    rule(
        RuleId::ConfigmapKeyIgnored,
        Warning,
        "`configmap.key` is read by nobody; CA always reads data key `templates`",
        "remove `configmap.key` and store the templates under the `templates` key",
    ),
    rule(
        RuleId::GroupingKeyMissing,
        Error,
        "neither `nodegroups.fromNodeLabelKey` nor the annotation key is set; CA exits",
        "set `nodegroups.fromNodeLabelKey: kwok-nodegroup` and label each template with it",
    ),
    rule(
        RuleId::GroupingKeyConflict,
        Error,
        "both a grouping label key and a grouping annotation key are set; CA exits",
        "keep only one of the two grouping keys",
    ),
    rule(
        RuleId::GroupingKeyWhitespace,
        Error,
        "the grouping key has surrounding spaces; CA uses it untrimmed and it never matches",
        "remove the spaces around the key",
    ),
    rule(
        RuleId::GroupingByHostname,
        Error,
        "grouping by `kubernetes.io/hostname` makes CA scale up without end",
        "group by a dedicated label such as `kwok-nodegroup`",
    ),
    rule(
        RuleId::GroupingKeySharedWithRealNodes,
        Info,
        "the grouping key is a well-known label real nodes carry too; CA counts them into the groups",
        "use a dedicated key such as `kwok-nodegroup`",
    ),
    rule(
        RuleId::GpuConfigIncomplete,
        Error,
        "`nodes.gpuConfig` lacks `gpuLabelKey` or `availableGPUTypes`; CA exits",
        "give `nodes.gpuConfig` both `gpuLabelKey` and `availableGPUTypes`",
    ),
    rule(
        RuleId::GpuTypeUnknown,
        Warning,
        "a template's GPU label value is not in `availableGPUTypes`",
        "add the value to `nodes.gpuConfig.availableGPUTypes` or fix the label",
    ),
    rule(
        RuleId::GpuWithoutResource,
        Warning,
        "a template has the GPU label but no `nvidia.com/gpu` allocatable; CA treats such nodes as unready",
        "add `nvidia.com/gpu` to the template's status.allocatable and status.capacity",
    ),
    rule(
        RuleId::KwokSectionIgnored,
        Warning,
        "settings under `kwok:` do nothing; CA does not install kwok",
        "remove them and install the kwok controller yourself",
    ),
    rule(
        RuleId::ConfigmapTooLarge,
        Error,
        "a ConfigMap holds more than 1 MiB of data; the API server rejects it, so CA never reads it",
        "shrink it: fewer or leaner templates (no `status.images`, `managedFields` or comments), or readNodesFrom: cluster",
    ),
    also(
        rule(
            RuleId::TemplatesMissing,
            Error,
            "the templates ConfigMap or its `templates` key is missing, or named differently from `configmap.name`",
            "create the ConfigMap named by `configmap.name` with a `templates` key",
        ),
        Warning,
    ),
    rule(
        RuleId::TemplatesEmpty,
        Error,
        "the templates hold no Node: only comments (CA exits) or an empty List (CA never scales up)",
        "add at least one Node template (as a `kind: List` or several `---` documents)",
    ),
    rule(
        RuleId::TemplatesSingleNode,
        Error,
        "the templates are a single `Node` or `NodeList` document; CA rejects them",
        "wrap the node in a `kind: List` (`kubectl get nodes -o yaml` prints one), or use several `---` Node documents",
    ),
    rule(
        RuleId::TemplateDecodeError,
        Error,
        "a templates document cannot be decoded as a Kubernetes object; CA exits",
        "fix the document at the reported position",
    ),
    rule(
        RuleId::TemplateNotNode,
        Warning,
        "a templates document or item is not a Node; CA drops it silently",
        "remove it, or turn it into a `kind: Node`",
    ),
    also(
        rule(
            RuleId::GroupingLabelMissing,
            Error,
            "templates without the grouping label/annotation are skipped silently; with none, CA never scales up",
            "add the grouping label (or annotation) to the template",
        ),
        Warning,
    ),
    rule(
        RuleId::TemplateAnnotationsMissing,
        Error,
        "a template without `metadata.annotations` makes CA panic",
        "add `annotations: {}` under the template's metadata",
    ),
    rule(
        RuleId::NodegroupSizeInvalid,
        Error,
        "min/max/desired-count annotations that are not integers or out of order (CA exits), or a max-count of 0 (never scales up)",
        "use integers with min ≤ desired ≤ max, and max ≥ 1",
    ),
    rule(
        RuleId::NodegroupDuplicate,
        Warning,
        "a later template maps to an existing node group; CA ignores it",
        "give each template its own group value, or remove the duplicate",
    ),
    rule(
        RuleId::NodegroupNameInvalid,
        Error,
        "the node-group name is not a valid node-name prefix; every scale-up fails",
        "use lowercase letters, digits, `-` and `.` only (a DNS-1123 subdomain)",
    ),
    rule(
        RuleId::TemplateNoResources,
        Error,
        "the template lacks allocatable cpu, memory or pods, or has less than 100m cpu; no pod ever fits",
        "set status.allocatable cpu, memory and pods (and capacity) on the template",
    ),
    rule(
        RuleId::TemplateHostnameLabel,
        Warning,
        "the template's `kubernetes.io/hostname` label is copied to every node CA creates",
        "remove the `kubernetes.io/hostname` label from the template",
    ),
    also(
        rule(
            RuleId::TemplateRealNodeLeftovers,
            Warning,
            "the template carries traces of a real node: control-plane or condition taints, `unschedulable`, or the kwok-provider taint",
            "remove the leftover taints and fields from the template",
        ),
        Error,
    ),
    rule(
        RuleId::TemplateRejectedByApiServer,
        Error,
        "a template's label, annotation key or taint fails the API server's validation; CA starts, but every node it creates is refused (422)",
        "fix the label, annotation key or taint as the API server's message says",
    ),
    cluster_rule(
        RuleId::ConfigNotFound,
        Error,
        "the provider-config ConfigMap is not in the namespace CA reads",
        "create it in CA's namespace, or set POD_NAMESPACE/-n to where it is",
    ),
    cluster_rule(
        RuleId::CaDeploymentMisconfigured,
        Error,
        "the cluster-autoscaler Deployment would not read these ConfigMaps as the kwok provider",
        "fix the Deployment's --cloud-provider, POD_NAMESPACE or KWOK_PROVIDER_CONFIGMAP",
    ),
    cluster_rule(
        RuleId::CaNotFound,
        Info,
        "no cluster-autoscaler Deployment found; CA may run locally",
        "run CA with KWOK_PROVIDER_MODE=local and POD_NAMESPACE set to the ConfigMaps' namespace",
    ),
    cluster_rule(
        RuleId::KwokControllerMissing,
        Warning,
        "no trace of a kwok controller (Deployment, Ready kwok node, Stage CRD or Stage); fake nodes will stay NotReady",
        "install kwok: kubectl apply -f https://github.com/kubernetes-sigs/kwok/releases/latest/download/kwok.yaml (and stage-fast.yaml)",
    ),
    cluster_rule(
        RuleId::PodsDoNotTolerateTaint,
        Warning,
        "pending pods would fit a template but do not tolerate the kwok-provider taint",
        "add a toleration for kwok-provider=true:NoSchedule, or set nodes.skipTaint: true",
    ),
    cluster_rule(
        RuleId::RealNodesInNodeGroup,
        Error,
        "nodes that are not kwok's carry a node group's name (its grouping key); CA 1.30+ counts them into the group and never scales it up",
        "remove the grouping label from those nodes, or group by a dedicated key such as `kwok-nodegroup`",
    ),
    cluster_rule(
        RuleId::KwokNodesWithoutGroup,
        Error,
        "nodes with a kwok providerID carry neither the node group name annotation nor the grouping key; CA 1.29 exits in the loop that meets them",
        "delete the leftover nodes (kubectl delete node …) or give them the grouping key; CA 1.30+ skips them",
    ),
    cluster_rule(
        RuleId::NodesOrphaned,
        Warning,
        "kwok-managed nodes name a node group that no longer exists",
        "delete them (kubectl delete node …) or restore their node group",
    ),
];

/// Rules that stop CA, in the order CA runs into them: the first one present explains a failure.
pub static CA_FAILURE_ORDER: &[RuleId] = &[
    RuleId::ConfigNotFound,
    RuleId::ConfigMapNameMismatch,
    RuleId::ConfigEmpty,
    RuleId::ConfigParseError,
    RuleId::ReadNodesFromInvalid,
    RuleId::ConfigmapSectionMissing,
    RuleId::GroupingKeyMissing,
    RuleId::GroupingKeyConflict,
    RuleId::GpuConfigIncomplete,
    RuleId::TemplatesMissing,
    RuleId::TemplateDecodeError,
    RuleId::TemplatesEmpty,
    RuleId::TemplatesSingleNode,
    RuleId::NodegroupSizeInvalid,
    RuleId::TemplateAnnotationsMissing,
    RuleId::GroupingLabelMissing,
    RuleId::KwokNodesWithoutGroup,
];

/// The error diagnostic that explains why CA fails, following CA's own order of checks.
pub fn failure_cause(diagnostics: &[Diagnostic]) -> Option<&Diagnostic> {
    CA_FAILURE_ORDER.iter().find_map(|rule| {
        diagnostics
            .iter()
            .find(|d| d.rule == *rule && d.severity == Severity::Error)
    })
}

/// Looks a rule up by its kebab-case id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    id.parse::<RuleId>().ok().map(RuleId::rule)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub hint: String,
}

impl Diagnostic {
    /// A diagnostic with the rule's default severity and remediation.
    pub fn new(rule_id: RuleId, message: impl Into<String>) -> Self {
        let rule = rule_id.rule();
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
                    .as_str()
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
    fn every_rule_id_has_exactly_one_catalog_entry_in_enum_order() {
        let catalog: Vec<RuleId> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(catalog, RuleId::ALL);
        for id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(*id));
            assert_eq!(find_rule(id.as_str()).map(|r| r.id), Some(*id));
        }
        assert_eq!(find_rule("no-such-rule"), None);
    }

    #[test]
    fn failure_order_lists_error_rules_once() {
        let mut seen = std::collections::HashSet::new();
        for id in CA_FAILURE_ORDER {
            assert!(seen.insert(id), "{id} twice");
            let rule = id.rule();
            assert!(
                rule.severity == Severity::Error || rule.also == Some(Severity::Error),
                "{id} never stops CA"
            );
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
