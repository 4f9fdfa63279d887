//! CA's event messages decoded into structured decisions, with hints for the known failures (pure).
//!
//! Formats: `../shared/design/ca-events-and-status.md` §2–3 (CA 1.29 to latest). A message
//! that matches no known format decodes to `None`: the event is still shown, never dropped.

use serde::Serialize;

/// The prefix client-go puts on an aggregated event's message.
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";
/// The taint the kwok provider puts on its nodes, as the scheduler words it (up to Kubernetes 1.35).
pub const KWOK_TAINT_REASON: &str = "node(s) had untolerated taint {kwok-provider: true}";
/// How every version words an untolerated taint; from Kubernetes 1.36 the message stops here
/// (`node(s) had untolerated taint(s)`), as the real CA 1.36 shows.
const UNTOLERATED_TAINT: &str = "node(s) had untolerated taint";
/// The toleration that lets a pod onto kwok nodes.
const KWOK_TOLERATION: &str =
    "`tolerations: [{key: kwok-provider, operator: Equal, value: \"true\", effect: NoSchedule}]`";

/// What the cluster says about one node group, for hints that name groups (best effort).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFacts {
    pub name: String,
    /// CA's target (its status ConfigMap).
    pub size: Option<i64>,
    pub max: Option<i64>,
    /// The resources a new node of the group has (its template's allocatable, non-zero).
    pub resources: Option<Vec<String>>,
}

/// The node groups as the cluster describes them when `events` starts; empty: generic hints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HintContext {
    pub groups: Vec<GroupFacts>,
}

/// The resources every node has (allocatable minus what is running decides); an extended
/// resource (`nvidia.com/gpu`) is one a node may simply not have.
fn is_basic_resource(resource: &str) -> bool {
    matches!(resource, "cpu" | "memory" | "ephemeral-storage" | "pods")
}

/// The hint for `N Insufficient <resource>`: never blame allocatable for groups that lack the
/// resource altogether (a GPU pod's "Insufficient nvidia.com/gpu" from the groups without GPUs).
fn insufficient_hint(resource: &str, count: u64, context: &HintContext) -> Option<String> {
    let known: Vec<&GroupFacts> = context
        .groups
        .iter()
        .filter(|g| g.resources.is_some())
        .collect();
    if known.is_empty() {
        return Some(if is_basic_resource(resource) {
            format!("the templates' status.allocatable {resource} is smaller than the pod requests")
        } else {
            format!(
                "{count} node group(s) have less {resource} than the pod requests, or none (a group without {resource} is not one for this pod); `kubectl kwokprovider why` names them"
            )
        });
    }
    let (lacking, having): (Vec<&GroupFacts>, Vec<&GroupFacts>) = known.iter().partition(|g| {
        !g.resources
            .as_ref()
            .is_some_and(|r| r.iter().any(|x| x == resource))
    });
    if having.is_empty() {
        return Some(format!(
            "no node group's template has {resource} in its status.allocatable: add it to the template of the group meant for this pod"
        ));
    }
    // CA counts a group at its max under that reason, never under this one.
    let having: Vec<&GroupFacts> = having.into_iter().filter(|g| !is_at_max(g)).collect();
    if having.is_empty() || lacking.len() as u64 >= count {
        // The groups without it are simply not this pod's; another reason explains the rest.
        return None;
    }
    let names: Vec<&str> = having.iter().map(|g| g.name.as_str()).collect();
    Some(format!(
        "the templates' status.allocatable {resource} is smaller than the pod requests ({}{})",
        if lacking.is_empty() {
            ""
        } else {
            "of the groups that have it: "
        },
        names.join(", ")
    ))
}

fn is_at_max(g: &GroupFacts) -> bool {
    g.size.zip(g.max).is_some_and(|(size, max)| size >= max)
}

/// The hint for `max node group size reached`, naming the groups at their max when known.
fn max_hint(context: &HintContext) -> String {
    let at_max: Vec<String> = context
        .groups
        .iter()
        .filter_map(|g| {
            let (size, max) = (g.size?, g.max?);
            (size >= max).then(|| format!("{} ({size} of {max})", g.name))
        })
        .collect();
    let past = context
        .groups
        .iter()
        .any(|g| g.size.zip(g.max).is_some_and(|(size, max)| size > max));
    let at = if past { "at or past" } else { "at" };
    match at_max.len() {
        0 => {
            "raise the template's cluster-autoscaler.kwok.nodegroup/max-count annotation".to_owned()
        }
        1 => format!(
            "node group {} is {at} its max-count: raise its template's cluster-autoscaler.kwok.nodegroup/max-count annotation",
            at_max[0]
        ),
        _ => format!(
            "node groups {} are {at} their max-count: raise the cluster-autoscaler.kwok.nodegroup/max-count annotation of the one meant for this pod",
            at_max.join(", ")
        ),
    }
}

/// One group's change in a scale-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupChange {
    pub group: String,
    pub from: u64,
    pub to: u64,
    pub max: u64,
}

/// Every event reason `decode` understands (CA's, for `--reason` and its completion).
pub const REASONS: &[&str] = &[
    "TriggeredScaleUp",
    "NotTriggerScaleUp",
    "ScaledUpGroup",
    "FailedToScaleUpGroup",
    "ScaleUpTimedOut",
    "FailedToRevertScaleUp",
    "ScaleUpFailed",
    "MaxNodesTotalReached",
    "ScaleDown",
    "ScaleDownEmpty",
    "ScaleDownFailed",
    "DeleteUnregistered",
    "DeleteUnregisteredFailed",
    "ClusterUnhealthy",
    "ClusterAutoscalerCleanup",
];

/// One reason of a `NotTriggerScaleUp`: how many node groups gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub count: u64,
    pub reason: String,
}

/// A CA decision; `kind` is the event's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum Decision {
    TriggeredScaleUp {
        groups: Vec<GroupChange>,
    },
    NotTriggerScaleUp {
        reasons: Vec<ReasonCount>,
        /// `max total nodes in cluster reached` (CA 1.33+): the whole story.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        max_nodes_total: bool,
    },
    /// `setting … size to` (before IncreaseSize) or `size set to` (after it succeeded).
    ScaledUpGroup {
        group: String,
        from: u64,
        to: u64,
        max: u64,
        done: bool,
    },
    FailedToScaleUpGroup {
        group: String,
        error: String,
    },
    ScaleUpTimedOut {
        group: String,
        after: String,
    },
    FailedToRevertScaleUp {
        group: String,
        error: String,
    },
    ScaleUpFailed {
        group: String,
        count: String,
        error: String,
    },
    MaxNodesTotalReached {
        limit: String,
    },
    ScaleDown {
        node: Option<String>,
        /// Pods to reschedule (names, no namespace), when CA lists them.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pods: Vec<String>,
        step: String,
    },
    ScaleDownEmpty {
        node: String,
        removed: bool,
    },
    ScaleDownFailed {
        node: Option<String>,
        error: String,
    },
    DeleteUnregistered {
        node: String,
    },
    DeleteUnregisteredFailed {
        node: String,
        error: String,
    },
    ClusterUnhealthy {
        message: String,
    },
    ClusterAutoscalerCleanup {
        node: String,
        taint: Option<String>,
        error: Option<String>,
    },
}

/// The message without client-go's aggregation prefix.
pub fn strip_combined(message: &str) -> &str {
    message.strip_prefix(COMBINED_PREFIX).unwrap_or(message)
}

fn number(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// `{g 1->3 (max: 10)}` → the change.
fn group_change(item: &str) -> Option<GroupChange> {
    let item = item.trim().strip_prefix('{')?.strip_suffix('}')?;
    let (left, max) = item.rsplit_once(" (max: ")?;
    let max = number(max.strip_suffix(')')?)?;
    let (group, sizes) = left.rsplit_once(' ')?;
    let (from, to) = sizes.split_once("->")?;
    Some(GroupChange {
        group: group.to_owned(),
        from: number(from)?,
        to: number(to)?,
        max,
    })
}

/// `2 node(s) had …, 1 max node group size reached` → the reasons. Splits only before
/// `<digits> `, since some reasons contain `, ` themselves (`max cluster cpu, memory limit reached`).
fn reasons(body: &str) -> Option<Vec<ReasonCount>> {
    let mut parts: Vec<String> = Vec::new();
    for piece in body.split(", ") {
        let starts_counted = piece
            .split_once(' ')
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        match parts.last_mut() {
            Some(last) if !starts_counted => {
                last.push_str(", ");
                last.push_str(piece);
            }
            _ => parts.push(piece.to_owned()),
        }
    }
    parts
        .iter()
        .map(|p| {
            let (count, reason) = p.split_once(' ')?;
            Some(ReasonCount {
                count: number(count)?,
                reason: reason.to_owned(),
            })
        })
        .collect()
}

/// `… size to 3 instead of 0 (max: 200)` → (to, from, max).
fn sizes(text: &str) -> Option<(u64, u64, u64)> {
    let (to, rest) = text.split_once(" instead of ")?;
    let (from, max) = rest.split_once(" (max: ")?;
    Some((number(to)?, number(from)?, number(max.strip_suffix(')')?)?))
}

/// Decodes one CA event. `object_name` is the involved object's (node events name the node there).
pub fn decode(reason: &str, message: &str, object_name: &str) -> Option<Decision> {
    let m = strip_combined(message);
    let node_event = || Some(object_name.to_owned()).filter(|n| !n.is_empty());
    match reason {
        "TriggeredScaleUp" => {
            let list = m
                .strip_prefix("pod triggered scale-up: [")?
                .strip_suffix(']')?;
            if list.is_empty() {
                return Some(Decision::TriggeredScaleUp { groups: Vec::new() });
            }
            let groups = list
                .split("} {")
                .map(|item| {
                    let item = if item.starts_with('{') {
                        item.to_owned()
                    } else {
                        format!("{{{item}")
                    };
                    let item = if item.ends_with('}') {
                        item
                    } else {
                        format!("{item}}}")
                    };
                    group_change(&item)
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Decision::TriggeredScaleUp { groups })
        }
        "NotTriggerScaleUp" => {
            let body = m.strip_prefix("pod didn't trigger scale-up:")?;
            let body = body.strip_prefix(' ').unwrap_or(body);
            if body == "max total nodes in cluster reached" {
                return Some(Decision::NotTriggerScaleUp {
                    reasons: Vec::new(),
                    max_nodes_total: true,
                });
            }
            let reasons = if body.trim().is_empty() {
                Vec::new()
            } else {
                reasons(body)?
            };
            Some(Decision::NotTriggerScaleUp {
                reasons,
                max_nodes_total: false,
            })
        }
        "ScaledUpGroup" => {
            let rest = m.strip_prefix("Scale-up: ")?;
            let (group, numbers, done) = if let Some(rest) = rest.strip_prefix("setting group ") {
                let (group, numbers) = rest.rsplit_once(" size to ")?;
                (group, numbers, false)
            } else {
                let rest = rest.strip_prefix("group ")?;
                let (group, numbers) = rest.rsplit_once(" size set to ")?;
                (group, numbers, true)
            };
            let (to, from, max) = sizes(numbers)?;
            Some(Decision::ScaledUpGroup {
                group: group.to_owned(),
                from,
                to,
                max,
                done,
            })
        }
        "FailedToScaleUpGroup" => {
            let (group, error) = m
                .strip_prefix("Scale-up failed for group ")?
                .split_once(": ")?;
            Some(Decision::FailedToScaleUpGroup {
                group: group.to_owned(),
                error: error.to_owned(),
            })
        }
        "ScaleUpTimedOut" => {
            let (group, after) = m
                .strip_prefix("Nodes added to group ")?
                .rsplit_once(" failed to register within ")?;
            Some(Decision::ScaleUpTimedOut {
                group: group.to_owned(),
                after: after.to_owned(),
            })
        }
        "FailedToRevertScaleUp" => {
            let (group, error) = m
                .strip_prefix("Failed to decrease target size for group ")?
                .split_once(" after scale-up timeout: ")?;
            Some(Decision::FailedToRevertScaleUp {
                group: group.to_owned(),
                error: error.to_owned(),
            })
        }
        "ScaleUpFailed" => {
            let rest = m.strip_prefix("Failed adding ")?;
            let (count, rest) = rest.split_once(" nodes to group ")?;
            let (group, error) = rest.split_once(" due to ")?;
            Some(Decision::ScaleUpFailed {
                group: group.to_owned(),
                count: count.to_owned(),
                error: error.to_owned(),
            })
        }
        "MaxNodesTotalReached" => Some(Decision::MaxNodesTotalReached {
            limit: m
                .strip_prefix("Max total nodes in cluster reached: ")?
                .to_owned(),
        }),
        "ScaleDown" => {
            let scale_down = |node: Option<String>, pods: Vec<String>, step: &str| {
                Some(Decision::ScaleDown {
                    node,
                    pods,
                    step: step.to_owned(),
                })
            };
            if let Some(rest) = m.strip_prefix("Scale-down: removing node ") {
                let (node, rest) = rest.split_once(", utilization: ")?;
                let pods = rest
                    .split_once("pods to reschedule: ")
                    .map_or("", |(_, p)| p);
                let pods = pods
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect();
                return scale_down(Some(node.to_owned()), pods, "removing");
            }
            if let Some(rest) = m.strip_prefix("Scale-down: node ") {
                let node = rest.strip_suffix(" removed with drain")?;
                return scale_down(Some(node.to_owned()), Vec::new(), "removed");
            }
            match m {
                "marked the node as toBeDeleted/unschedulable" => {
                    scale_down(node_event(), Vec::new(), "marked")
                }
                "nodes removed by cluster autoscaler" => {
                    scale_down(node_event(), Vec::new(), "removed")
                }
                "deleting pod for node scale down" => {
                    scale_down(None, vec![object_name.to_owned()], "evicting")
                }
                _ => None,
            }
        }
        "ScaleDownEmpty" => {
            if let Some(rest) = m.strip_prefix("Scale-down: removing empty node ") {
                let node = rest.strip_prefix('"')?.strip_suffix('"')?;
                return Some(Decision::ScaleDownEmpty {
                    node: node.replace("\\\"", "\"").replace("\\\\", "\\"),
                    removed: false,
                });
            }
            let node = m
                .strip_prefix("Scale-down: empty node ")?
                .strip_suffix(" removed")?;
            Some(Decision::ScaleDownEmpty {
                node: node.to_owned(),
                removed: true,
            })
        }
        "ScaleDownFailed" => {
            let error = [
                "failed to drain and delete node: ",
                "failed to delete empty node: ",
                "failed to mark the node as toBeDeleted/unschedulable: ",
            ]
            .iter()
            .find_map(|p| m.strip_prefix(p))
            .map(str::to_owned)
            .or_else(|| m.starts_with("failed to").then(|| m.to_owned()))?;
            Some(Decision::ScaleDownFailed {
                node: node_event(),
                error,
            })
        }
        "DeleteUnregistered" => Some(Decision::DeleteUnregistered {
            node: m.strip_prefix("Removed unregistered node ")?.to_owned(),
        }),
        "DeleteUnregisteredFailed" => {
            let (node, error) = m.strip_prefix("Failed to remove node ")?.split_once(": ")?;
            Some(Decision::DeleteUnregisteredFailed {
                node: node.to_owned(),
                error: error.to_owned(),
            })
        }
        "ClusterUnhealthy" => Some(Decision::ClusterUnhealthy {
            message: m.to_owned(),
        }),
        "ClusterAutoscalerCleanup" => {
            if let Some(rest) = m.strip_prefix("removed ") {
                let (taint, node) = rest.split_once(" taint from node ")?;
                return Some(Decision::ClusterAutoscalerCleanup {
                    node: node.to_owned(),
                    taint: Some(taint.to_owned()),
                    error: None,
                });
            }
            let rest = m.strip_prefix("failed to clean ")?;
            let (taint, rest) = rest.split_once(" on node ")?;
            let (node, error) = rest.split_once(": ")?;
            Some(Decision::ClusterAutoscalerCleanup {
                node: node.to_owned(),
                taint: Some(taint.to_owned()),
                error: Some(error.to_owned()),
            })
        }
        _ => None,
    }
}

impl Decision {
    /// Whether the decision concerns node group `group` (by name, or by a node named `<group>-…`).
    pub fn mentions_group(&self, group: &str) -> bool {
        let node_of = |node: &str| {
            node.strip_prefix(super::PROVIDER_ID_PREFIX)
                .unwrap_or(node)
                .strip_prefix(group)
                .is_some_and(|rest| rest.starts_with('-'))
        };
        match self {
            Decision::TriggeredScaleUp { groups } => groups.iter().any(|g| g.group == group),
            Decision::ScaledUpGroup { group: g, .. }
            | Decision::FailedToScaleUpGroup { group: g, .. }
            | Decision::ScaleUpTimedOut { group: g, .. }
            | Decision::FailedToRevertScaleUp { group: g, .. }
            | Decision::ScaleUpFailed { group: g, .. } => g == group,
            Decision::ScaleDown { node: Some(n), .. }
            | Decision::ScaleDownFailed { node: Some(n), .. }
            | Decision::ScaleDownEmpty { node: n, .. }
            | Decision::DeleteUnregistered { node: n }
            | Decision::DeleteUnregisteredFailed { node: n, .. }
            | Decision::ClusterAutoscalerCleanup { node: n, .. } => node_of(n),
            _ => false,
        }
    }

    /// A short human rendering: `general 1→3 (max 10)`.
    pub fn summary(&self) -> String {
        let change = |g: &GroupChange| format!("{} {}→{} (max {})", g.group, g.from, g.to, g.max);
        match self {
            Decision::TriggeredScaleUp { groups } => {
                groups.iter().map(change).collect::<Vec<_>>().join(", ")
            }
            Decision::NotTriggerScaleUp {
                max_nodes_total: true,
                ..
            } => "max total nodes in cluster reached".to_owned(),
            Decision::NotTriggerScaleUp { reasons, .. } if reasons.is_empty() => {
                "no node group to try".to_owned()
            }
            Decision::NotTriggerScaleUp { reasons, .. } => reasons
                .iter()
                .map(|r| format!("{}× {}", r.count, r.reason))
                .collect::<Vec<_>>()
                .join("; "),
            Decision::ScaledUpGroup {
                group,
                from,
                to,
                max,
                done,
            } => {
                format!(
                    "{group} {from}→{to} (max {max}){}",
                    if *done { " done" } else { "" }
                )
            }
            Decision::FailedToScaleUpGroup { group, error }
            | Decision::FailedToRevertScaleUp { group, error } => {
                format!("{group}: {error}")
            }
            Decision::ScaleUpFailed {
                group,
                count,
                error,
            } => format!("{group}: {count} nodes: {error}"),
            Decision::ScaleUpTimedOut { group, after } => {
                format!("{group}: not registered after {after}")
            }
            Decision::MaxNodesTotalReached { limit } => format!("max {limit} nodes"),
            Decision::ScaleDown { node, pods, step } => {
                let mut text = format!("{step} {}", node.as_deref().unwrap_or("node"));
                if !pods.is_empty() && step != "evicting" {
                    text.push_str(&format!(", rescheduling {}", pods.join(", ")));
                }
                text
            }
            Decision::ScaleDownEmpty { node, removed } => {
                format!(
                    "{} empty {node}",
                    if *removed { "removed" } else { "removing" }
                )
            }
            Decision::ScaleDownFailed { node, error } => {
                format!("{}: {error}", node.as_deref().unwrap_or("node"))
            }
            Decision::DeleteUnregistered { node } => format!("removed unregistered {node}"),
            Decision::DeleteUnregisteredFailed { node, error } => format!("{node}: {error}"),
            Decision::ClusterUnhealthy { message } => message.clone(),
            Decision::ClusterAutoscalerCleanup { node, taint, error } => match error {
                Some(e) => format!("{node}: {e}"),
                None => format!(
                    "removed {} from {node}",
                    taint.as_deref().unwrap_or("taint")
                ),
            },
        }
    }

    /// What to do about a known failure, knowing nothing of the cluster.
    #[cfg(test)]
    pub fn hint(&self) -> Option<String> {
        self.hint_in(&HintContext::default())
    }

    /// What to do about a known failure, naming the node groups when `context` knows them.
    pub fn hint_in(&self, context: &HintContext) -> Option<String> {
        match self {
            Decision::NotTriggerScaleUp { max_nodes_total: true, .. } => {
                Some("raise CA's --max-nodes-total (it counts every ready node of the cluster)".to_owned())
            }
            Decision::NotTriggerScaleUp { reasons, .. } if reasons.is_empty() => Some(
                "CA has no node group: no template carries the grouping key (kubectl kwokprovider validate)".to_owned(),
            ),
            Decision::NotTriggerScaleUp { reasons, .. } => {
                let mut hints = Vec::new();
                for r in reasons {
                    let hint = if r.reason == KWOK_TAINT_REASON {
                        format!("add to the pod: {KWOK_TOLERATION}, or set nodes.skipTaint: true")
                    } else if r.reason.starts_with(UNTOLERATED_TAINT) {
                        // The scheduler of Kubernetes 1.36 (CA 1.36) no longer names the taint.
                        format!(
                            "the pod does not tolerate a taint of the group's nodes, with kwok most likely `kwok-provider=true:NoSchedule`: add {KWOK_TOLERATION}, or set nodes.skipTaint: true"
                        )
                    } else if let Some(resource) = r.reason.strip_prefix("Insufficient ") {
                        match insufficient_hint(resource, r.count, context) {
                            Some(hint) => hint,
                            None => continue,
                        }
                    } else if r.reason == "max node group size reached" {
                        max_hint(context)
                    } else if r.reason == "in backoff after failed scale-up" {
                        "CA backs off a group after a failed scale-up (5 min, up to 30): see its FailedToScaleUpGroup event".to_owned()
                    } else if r.reason.contains("node affinity/selector") && reasons.len() == 1 {
                        // With other reasons, the groups that do not match are simply not the pod's.
                        "the pod's nodeSelector or affinity asks for labels no template has".to_owned()
                    } else {
                        continue;
                    };
                    if !hints.contains(&hint) {
                        hints.push(hint);
                    }
                }
                (!hints.is_empty()).then(|| hints.join("; "))
            }
            Decision::FailedToScaleUpGroup { error, .. } if error.contains("a lowercase RFC 1123 subdomain") => Some(
                "the node-group name is not a valid node-name prefix: use lowercase letters, digits and '-'".to_owned(),
            ),
            Decision::FailedToScaleUpGroup { error, .. } if error.starts_with("size increase too large") => {
                Some("raise the template's cluster-autoscaler.kwok.nodegroup/max-count annotation".to_owned())
            }
            Decision::ScaleUpTimedOut { .. } => Some(
                "the new nodes never became Ready: is the kwok controller running (annotation kwok.x-k8s.io/node=fake)?".to_owned(),
            ),
            Decision::DeleteUnregisteredFailed { error, .. } if error.contains("not managed by kwok") => Some(
                "a node carries the group's name annotation but not `kwok.x-k8s.io/node: fake`; delete it or add the annotation".to_owned(),
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_of(reason: &str, message: &str, object: &str) -> serde_json::Value {
        serde_json::to_value(decode(reason, message, object)).unwrap()
    }

    /// Golden decodings of every format in the reference (§2.4 and §3).
    #[test]
    fn golden_formats() {
        let cases: Vec<(&str, &str, &str, serde_json::Value)> = vec![
            (
                "TriggeredScaleUp",
                "pod triggered scale-up: [{ng1 0->3 (max: 200)}]",
                "web-1",
                json!({"kind": "TriggeredScaleUp", "groups": [{"group": "ng1", "from": 0, "to": 3, "max": 200}]}),
            ),
            (
                "TriggeredScaleUp",
                "pod triggered scale-up: [{general 1->3 (max: 10)} {gpu 0->1 (max: 4)}]",
                "web-1",
                json!({"kind": "TriggeredScaleUp", "groups": [
                 {"group": "general", "from": 1, "to": 3, "max": 10},
                 {"group": "gpu", "from": 0, "to": 1, "max": 4}]}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 2 node(s) had untolerated taint {kwok-provider: true}, 1 max node group size reached",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [
                 {"count": 2, "reason": "node(s) had untolerated taint {kwok-provider: true}"},
                 {"count": 1, "reason": "max node group size reached"}]}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 Insufficient memory, 1 max node group size reached",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [
                 {"count": 1, "reason": "Insufficient memory"}, {"count": 1, "reason": "max node group size reached"}]}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 2 in backoff after failed scale-up",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [{"count": 2, "reason": "in backoff after failed scale-up"}]}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: ",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": []}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: max total nodes in cluster reached",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [], "maxNodesTotal": true}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 max cluster cpu, memory limit reached, 3 Too many pods",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [
                 {"count": 1, "reason": "max cluster cpu, memory limit reached"}, {"count": 3, "reason": "Too many pods"}]}),
            ),
            (
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 exceeded quota: \"cluster-wide\", resources: cpu, memory",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [
                 {"count": 1, "reason": "exceeded quota: \"cluster-wide\", resources: cpu, memory"}]}),
            ),
            (
                "NotTriggerScaleUp",
                "(combined from similar events): pod didn't trigger scale-up: 1 node(s) didn't match Pod's node affinity/selector",
                "p",
                json!({"kind": "NotTriggerScaleUp", "reasons": [
                 {"count": 1, "reason": "node(s) didn't match Pod's node affinity/selector"}]}),
            ),
            (
                "ScaledUpGroup",
                "Scale-up: setting group ng1 size to 3 instead of 0 (max: 200)",
                "cluster-autoscaler-status",
                json!({"kind": "ScaledUpGroup", "group": "ng1", "from": 0, "to": 3, "max": 200, "done": false}),
            ),
            (
                "ScaledUpGroup",
                "Scale-up: group ng1 size set to 3 instead of 0 (max: 200)",
                "cluster-autoscaler-status",
                json!({"kind": "ScaledUpGroup", "group": "ng1", "from": 0, "to": 3, "max": 200, "done": true}),
            ),
            (
                "FailedToScaleUpGroup",
                "Scale-up failed for group ng1: size increase too large, desired: 203 max: 200",
                "s",
                json!({"kind": "FailedToScaleUpGroup", "group": "ng1", "error": "size increase too large, desired: 203 max: 200"}),
            ),
            (
                "FailedToScaleUpGroup",
                "Scale-up failed for group My_Pool: couldn't create new node 'My_Pool-q7x2b': Node \"My_Pool-q7x2b\" is invalid: metadata.name: Invalid value: \"My_Pool-q7x2b\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters",
                "s",
                json!({"kind": "FailedToScaleUpGroup", "group": "My_Pool", "error": "couldn't create new node 'My_Pool-q7x2b': Node \"My_Pool-q7x2b\" is invalid: metadata.name: Invalid value: \"My_Pool-q7x2b\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"}),
            ),
            (
                "ScaleDownEmpty",
                "Scale-down: removing empty node \"ng1-q7x2b\"",
                "s",
                json!({"kind": "ScaleDownEmpty", "node": "ng1-q7x2b", "removed": false}),
            ),
            (
                "ScaleDownEmpty",
                "Scale-down: empty node ng1-q7x2b removed",
                "s",
                json!({"kind": "ScaleDownEmpty", "node": "ng1-q7x2b", "removed": true}),
            ),
            (
                "ScaleDown",
                "Scale-down: removing node ng1-zz9dk, utilization: {0.0125 0.0093 0 0 cpu 0.0125}, pods to reschedule: web-5d8f7c6b9-x2x9k",
                "s",
                json!({"kind": "ScaleDown", "node": "ng1-zz9dk", "pods": ["web-5d8f7c6b9-x2x9k"], "step": "removing"}),
            ),
            (
                "ScaleDown",
                "Scale-down: removing node ng1-zz9dk, utilization: {0.0125 0.0093 0 cpu 0.0125}, pods to reschedule: ",
                "s",
                json!({"kind": "ScaleDown", "node": "ng1-zz9dk", "step": "removing"}),
            ),
            (
                "ScaleDown",
                "Scale-down: node ng1-zz9dk removed with drain",
                "s",
                json!({"kind": "ScaleDown", "node": "ng1-zz9dk", "step": "removed"}),
            ),
            (
                "ScaleDown",
                "marked the node as toBeDeleted/unschedulable",
                "ng1-zz9dk",
                json!({"kind": "ScaleDown", "node": "ng1-zz9dk", "step": "marked"}),
            ),
            (
                "ScaleDown",
                "nodes removed by cluster autoscaler",
                "ng1-zz9dk",
                json!({"kind": "ScaleDown", "node": "ng1-zz9dk", "step": "removed"}),
            ),
            (
                "ScaleDown",
                "deleting pod for node scale down",
                "web-1",
                json!({"kind": "ScaleDown", "node": null, "pods": ["web-1"], "step": "evicting"}),
            ),
            (
                "ScaleUpTimedOut",
                "Nodes added to group ng1 failed to register within 15m10.273547912s",
                "s",
                json!({"kind": "ScaleUpTimedOut", "group": "ng1", "after": "15m10.273547912s"}),
            ),
            (
                "FailedToRevertScaleUp",
                "Failed to decrease target size for group ng1 after scale-up timeout: attempt to delete existing nodes, targetSize: 3 delta: -1 existingNodes: 3",
                "s",
                json!({"kind": "FailedToRevertScaleUp", "group": "ng1", "error": "attempt to delete existing nodes, targetSize: 3 delta: -1 existingNodes: 3"}),
            ),
            (
                "ScaleUpFailed",
                "Failed adding 2 nodes to group ng1 due to OutOfResource.QuotaExceeded; source errors: quota",
                "s",
                json!({"kind": "ScaleUpFailed", "group": "ng1", "count": "2", "error": "OutOfResource.QuotaExceeded; source errors: quota"}),
            ),
            (
                "MaxNodesTotalReached",
                "Max total nodes in cluster reached: 100",
                "s",
                json!({"kind": "MaxNodesTotalReached", "limit": "100"}),
            ),
            (
                "DeleteUnregistered",
                "Removed unregistered node kwok:ng1-q7x2b",
                "s",
                json!({"kind": "DeleteUnregistered", "node": "kwok:ng1-q7x2b"}),
            ),
            (
                "DeleteUnregisteredFailed",
                "Failed to remove node kwok:ng1-q7x2b: can't delete node 'kwok:ng1-q7x2b' because it is not managed by kwok",
                "s",
                json!({"kind": "DeleteUnregisteredFailed", "node": "kwok:ng1-q7x2b", "error": "can't delete node 'kwok:ng1-q7x2b' because it is not managed by kwok"}),
            ),
            (
                "ScaleDownFailed",
                "failed to delete empty node: failed to delete nodes from group ng1: min size reached, nodes will not be deleted",
                "ng1-aaaaa",
                json!({"kind": "ScaleDownFailed", "node": "ng1-aaaaa", "error": "failed to delete nodes from group ng1: min size reached, nodes will not be deleted"}),
            ),
            (
                "ScaleDownFailed",
                "failed to drain and delete node: failed to delete nodes from group ng1: can't delete nodes because nodegroup size would go below min size",
                "ng1-aaaaa",
                json!({"kind": "ScaleDownFailed", "node": "ng1-aaaaa", "error": "failed to delete nodes from group ng1: can't delete nodes because nodegroup size would go below min size"}),
            ),
            (
                "ClusterUnhealthy",
                "Cluster is unhealthy",
                "s",
                json!({"kind": "ClusterUnhealthy", "message": "Cluster is unhealthy"}),
            ),
            (
                "ClusterAutoscalerCleanup",
                "removed ToBeDeletedByClusterAutoscaler taint from node ng1-q7x2b",
                "ng1-q7x2b",
                json!({"kind": "ClusterAutoscalerCleanup", "node": "ng1-q7x2b", "taint": "ToBeDeletedByClusterAutoscaler", "error": null}),
            ),
        ];
        for (reason, message, object, expected) in cases {
            assert_eq!(
                json_of(reason, message, object),
                expected,
                "{reason}: {message}"
            );
        }
    }

    #[test]
    fn unknown_messages_decode_to_nothing() {
        assert_eq!(decode("TriggeredScaleUp", "something else", "p"), None);
        assert_eq!(decode("SomeNewReason", "whatever", "p"), None);
        assert_eq!(
            decode(
                "ScaledUpGroup",
                "Scale-up: setting group g size to x instead of 0 (max: 1)",
                "s"
            ),
            None
        );
    }

    /// A GPU pod whose GPU group is at its max: CA counts the groups without GPUs as
    /// "Insufficient nvidia.com/gpu". The hint names the group at max, and never blames the
    /// allocatable of groups that simply have no GPU.
    #[test]
    fn a_gpu_pod_whose_group_is_at_max_is_told_which_group() {
        let decision = decode(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 2 Insufficient nvidia.com/gpu, 1 max node group size reached",
            "train-1",
        )
        .unwrap();
        let group = |name: &str, size: i64, max: i64, resources: &[&str]| GroupFacts {
            name: name.into(),
            size: Some(size),
            max: Some(max),
            resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        };
        let context = HintContext {
            groups: vec![
                group("general", 2, 50, &["cpu", "memory", "pods"]),
                group("compute", 0, 20, &["cpu", "memory", "pods"]),
                group("gpu", 4, 4, &["cpu", "memory", "nvidia.com/gpu", "pods"]),
            ],
        };
        assert_eq!(
            decision.hint_in(&context).unwrap(),
            "node group gpu (4 of 4) is at its max-count: raise its template's cluster-autoscaler.kwok.nodegroup/max-count annotation"
        );
        // Knowing nothing of the cluster: no blame on allocatable either.
        let generic = decision.hint().unwrap();
        assert!(!generic.contains("allocatable"), "{generic}");
        assert!(generic.contains("or none"), "{generic}");
        assert!(generic.contains("max-count"), "{generic}");
        // A GPU group with too few GPUs is named, the others are not blamed.
        let too_few = decode(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 3 Insufficient nvidia.com/gpu",
            "train-1",
        )
        .unwrap();
        let mut roomy = context.clone();
        roomy.groups[2].size = Some(1);
        assert_eq!(
            too_few.hint_in(&roomy).unwrap(),
            "the templates' status.allocatable nvidia.com/gpu is smaller than the pod requests (of the groups that have it: gpu)"
        );
        // A big pod: CA counts the groups at max apart, the others lack room; only they are named.
        let big = decode(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 1 Insufficient cpu, 1 Insufficient memory, 2 max node group size reached",
            "db-0",
        )
        .unwrap();
        let mut full = context.clone();
        full.groups[1].size = Some(21);
        full.groups[1].max = Some(20);
        assert_eq!(
            big.hint_in(&full).unwrap(),
            "the templates' status.allocatable cpu is smaller than the pod requests (general); \
             the templates' status.allocatable memory is smaller than the pod requests (general); \
             node groups compute (21 of 20), gpu (4 of 4) are at or past their max-count: raise the \
             cluster-autoscaler.kwok.nodegroup/max-count annotation of the one meant for this pod"
        );
        // No group has the resource at all.
        roomy.groups.truncate(2);
        assert!(
            too_few
                .hint_in(&roomy)
                .unwrap()
                .starts_with("no node group's template has nvidia.com/gpu")
        );
    }

    #[test]
    fn hints_for_known_failures() {
        let taint = decode(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 1 node(s) had untolerated taint {kwok-provider: true}",
            "p",
        )
        .unwrap();
        assert!(
            taint
                .hint()
                .unwrap()
                .contains("tolerations: [{key: kwok-provider")
        );
        let memory = decode(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 1 Insufficient memory",
            "p",
        )
        .unwrap();
        assert!(memory.hint().unwrap().contains("allocatable memory"));
        let max = decode(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 1 max node group size reached",
            "p",
        )
        .unwrap();
        assert!(max.hint().unwrap().contains("max-count"));
        assert_eq!(
            decode(
                "ScaledUpGroup",
                "Scale-up: group g size set to 1 instead of 0 (max: 2)",
                "s"
            )
            .unwrap()
            .hint(),
            None
        );
    }

    #[test]
    fn groups_are_matched_by_name_or_node_prefix() {
        let up = decode(
            "TriggeredScaleUp",
            "pod triggered scale-up: [{general 1->3 (max: 10)}]",
            "p",
        )
        .unwrap();
        assert!(up.mentions_group("general") && !up.mentions_group("gen"));
        let down = decode(
            "ScaleDownEmpty",
            "Scale-down: empty node general-abcde removed",
            "s",
        )
        .unwrap();
        assert!(down.mentions_group("general") && !down.mentions_group("gpu"));
        let unreg = decode(
            "DeleteUnregistered",
            "Removed unregistered node kwok:gpu-abcde",
            "s",
        )
        .unwrap();
        assert!(unreg.mentions_group("gpu"));
    }

    #[test]
    fn summaries_read_like_the_mock_ups() {
        let up = decode(
            "TriggeredScaleUp",
            "pod triggered scale-up: [{general 1->3 (max: 10)}]",
            "p",
        )
        .unwrap();
        assert_eq!(up.summary(), "general 1→3 (max 10)");
    }
}
