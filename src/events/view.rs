//! One CA event as `events` shows it: the view model, the filters and both renderings (pure).

pub use crate::provider::event_view::EventView;
use crate::provider::events::{self, Decision};
use std::collections::HashSet;

/// An event's type, as `--type` selects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventType {
    Normal,
    Warning,
}

/// How event times are shown (`--timestamps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Timestamps {
    Relative,
    Absolute,
}

/// What the user asked to see.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub reasons: Vec<String>,
    pub event_type: Option<EventType>,
    /// (kind, name), matched case-insensitively on the kind.
    pub object: Option<(String, String)>,
    pub nodegroup: Option<String>,
    /// Events at or after this unix second.
    pub since: i64,
    /// `--for KIND/NAME` of an owner (deployment, statefulset, job…): the pods it stands for.
    pub owner: Option<OwnerPods>,
    /// `--pending`: the pods pending when the command looked.
    pub pending: Option<PendingPods>,
}

/// A (namespace, name) of a pod.
pub type PodKey = (String, String);

/// The pods of an owner: those its controller chain resolved to when the command listed the
/// pods, and, for pods not listed then (gone since, or new), the owner's pod-naming pattern.
#[derive(Debug, Clone, Default)]
pub struct OwnerPods {
    /// The API kind: Deployment, ReplicaSet, StatefulSet, Job or CronJob.
    pub kind: String,
    pub name: String,
    /// Only pods in this namespace (the `-n` one), if any.
    pub namespace: Option<String>,
    pub pods: HashSet<PodKey>,
    pub listed: HashSet<PodKey>,
}

impl OwnerPods {
    fn holds(&self, namespace: &str, pod: &str) -> bool {
        if self.namespace.as_deref().is_some_and(|ns| ns != namespace) {
            return false;
        }
        let key = (namespace.to_owned(), pod.to_owned());
        if self.listed.contains(&key) {
            return self.pods.contains(&key);
        }
        named_like_pod_of(&self.kind, &self.name, pod)
    }
}

/// Whether `pod` has the name the controllers give the pods of `kind`/`owner`: a Deployment's
/// `<owner>-<template hash>-<suffix>`, a ReplicaSet's or a Job's `<owner>-<suffix>` (an indexed
/// Job's `<owner>-<index>-<suffix>`), a StatefulSet's `<owner>-<ordinal>`, a CronJob's
/// `<owner>-<scheduled minute>-<suffix>`.
pub fn named_like_pod_of(kind: &str, owner: &str, pod: &str) -> bool {
    let Some(rest) = pod
        .strip_prefix(owner)
        .and_then(|rest| rest.strip_prefix('-'))
    else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    let alnum = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric());
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match (kind, parts.as_slice()) {
        ("Deployment", [hash, suffix]) => alnum(hash) && alnum(suffix),
        ("ReplicaSet", [suffix]) => alnum(suffix),
        ("Job", [suffix]) => alnum(suffix),
        ("Job", [index, suffix]) => digits(index) && alnum(suffix),
        ("StatefulSet", [ordinal]) => digits(ordinal),
        ("CronJob", [minute, suffix]) => digits(minute) && alnum(suffix),
        _ => false,
    }
}

/// The pods pending when the command listed them (phase Pending, on no node), and when.
#[derive(Debug, Clone, Default)]
pub struct PendingPods {
    pub pods: HashSet<PodKey>,
    /// Every pod listed, pending or not.
    pub listed: HashSet<PodKey>,
    /// Unix second of the list: an event after it about a pod not listed then is about a new
    /// pod (followed), pending when CA judged it; before it, about a pod gone since.
    pub listed_at: i64,
}

impl PendingPods {
    fn still_pending(&self, view: &EventView) -> bool {
        let key = (view.object.namespace.clone(), view.object.name.clone());
        if self.pods.contains(&key) {
            return true;
        }
        !self.listed.contains(&key) && view.seconds >= self.listed_at
    }
}

impl Filter {
    pub fn matches(&self, view: &EventView) -> bool {
        if view.seconds < self.since {
            return false;
        }
        if !self.reasons.is_empty() && !self.reasons.iter().any(|r| r == &view.reason) {
            return false;
        }
        if let Some(t) = self.event_type {
            let want = match t {
                EventType::Normal => "Normal",
                EventType::Warning => "Warning",
            };
            if view.event_type != want {
                return false;
            }
        }
        if let Some(owner) = &self.owner {
            if view.object.kind != "Pod" || !owner.holds(&view.object.namespace, &view.object.name)
            {
                return false;
            }
        } else if let Some((kind, name)) = &self.object
            && (!view.object.kind.eq_ignore_ascii_case(kind) || &view.object.name != name)
        {
            return false;
        }
        if let Some(pending) = &self.pending
            && view.object.kind == "Pod"
            && !pending.still_pending(view)
        {
            return false;
        }
        if let Some(group) = &self.nodegroup
            && !view
                .decision
                .as_ref()
                .is_some_and(|d| d.mentions_group(group))
        {
            return false;
        }
        true
    }
}

/// `pod/web-1` → ("pod", "web-1"); kubectl's plural and short names are accepted for the kind.
pub fn parse_object(text: &str) -> Option<(String, String)> {
    let (kind, name) = text.split_once('/')?;
    if name.is_empty() || name.contains('/') {
        return None;
    }
    let kind = match kind.to_ascii_lowercase().as_str() {
        "pod" | "pods" | "po" => "Pod",
        "node" | "nodes" | "no" => "Node",
        "configmap" | "configmaps" | "cm" => "ConfigMap",
        "deployment" | "deployments" | "deploy" => "Deployment",
        "replicaset" | "replicasets" | "rs" => "ReplicaSet",
        "statefulset" | "statefulsets" | "sts" => "StatefulSet",
        "job" | "jobs" => "Job",
        "cronjob" | "cronjobs" | "cj" => "CronJob",
        other if !other.is_empty() => return Some((other.to_owned(), name.to_owned())),
        _ => return None,
    };
    Some((kind.to_owned(), name.to_owned()))
}

/// A stable colour per node group (as stern colours pods): one of six, by a hash of the name.
fn group_style(group: &str) -> console::Style {
    let hash = group
        .bytes()
        .fold(5381u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
    match hash % 6 {
        0 => console::Style::new().cyan(),
        1 => console::Style::new().green(),
        2 => console::Style::new().magenta(),
        3 => console::Style::new().blue(),
        4 => console::Style::new().yellow().dim(),
        _ => console::Style::new().cyan().bright(),
    }
}

fn relative(seconds: i64, now: i64) -> String {
    let d = (now - seconds).max(0);
    match d {
        0..60 => format!("{d}s ago"),
        60..3600 => format!("{}m ago", d / 60),
        _ => format!("{}h{}m ago", d / 3600, d % 3600 / 60),
    }
}

/// The event's time in `zone` (the local one in practice), to the second.
fn local(seconds: i64, zone: &jiff::tz::TimeZone) -> String {
    match jiff::Timestamp::from_second(seconds) {
        Ok(t) => t
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        Err(_) => String::new(),
    }
}

/// One line of text: time (in `zone`, or relative to `now`), type, reason, object,
/// decision (or message), ×N, hint.
pub fn render_text(
    view: &EventView,
    timestamps: Timestamps,
    now: i64,
    zone: &jiff::tz::TimeZone,
    colors: bool,
) -> String {
    let style = |s: console::Style| s.force_styling(colors);
    let time = match timestamps {
        Timestamps::Relative => relative(view.seconds, now),
        Timestamps::Absolute => local(view.seconds, zone),
    };
    let failure = view.reason.starts_with("Failed")
        || view.reason.ends_with("Failed")
        || view.reason == "ScaleUpTimedOut";
    let type_style = match (view.event_type.as_str(), failure) {
        (_, true) => style(console::Style::new().red().bold()),
        ("Warning", _) => style(console::Style::new().yellow()),
        _ => style(console::Style::new().dim()),
    };
    let object = if view.object.namespace.is_empty() {
        format!("{}/{}", view.object.kind.to_lowercase(), view.object.name)
    } else {
        format!(
            "{}/{}/{}",
            view.object.kind.to_lowercase(),
            view.object.namespace,
            view.object.name
        )
    };
    let what = match &view.decision {
        Some(decision) => {
            let mut text = decision.summary();
            for group in decision_groups(decision) {
                let painted = style(group_style(&group)).apply_to(&group).to_string();
                text = text.replacen(&group, &painted, 1);
            }
            text
        }
        None => events::strip_combined(&view.message).to_owned(),
    };
    let mut line = format!(
        "{time}  {:<7}  {}  {object}  {what}",
        type_style.apply_to(&view.event_type),
        style(console::Style::new().bold()).apply_to(&view.reason)
    );
    if view.count > 1 {
        line.push_str(&format!("  ×{}", view.count));
    }
    if let Some(hint) = &view.hint {
        line.push_str(&format!("\n    = hint: {hint}"));
    }
    line
}

/// The group names a decision mentions, for colouring.
fn decision_groups(decision: &Decision) -> Vec<String> {
    match decision {
        Decision::TriggeredScaleUp { groups } => groups.iter().map(|g| g.group.clone()).collect(),
        Decision::ScaledUpGroup { group, .. }
        | Decision::FailedToScaleUpGroup { group, .. }
        | Decision::ScaleUpTimedOut { group, .. }
        | Decision::FailedToRevertScaleUp { group, .. }
        | Decision::ScaleUpFailed { group, .. } => vec![group.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Event;
    use serde_json::json;

    fn event(reason: &str, message: &str, kind: &str, ns: &str, name: &str, count: i32) -> Event {
        serde_json::from_value(json!({
            "metadata": {"name": format!("{name}.1"), "namespace": ns, "uid": format!("uid-{name}-{reason}")},
            "involvedObject": {"kind": kind, "namespace": ns, "name": name},
            "reason": reason, "message": message, "type": "Normal", "count": count,
            "lastTimestamp": "2026-11-22T10:00:00Z",
            "source": {"component": "cluster-autoscaler"},
        }))
        .unwrap()
    }

    #[test]
    fn the_ndjson_schema() {
        let view = EventView::from_event(&event(
            "TriggeredScaleUp",
            "pod triggered scale-up: [{general 1->3 (max: 10)}]",
            "Pod",
            "team-a",
            "web-1",
            3,
        ));
        assert_eq!(
            serde_json::to_value(&view).unwrap(),
            json!({
                "time": "2026-11-22T10:00:00Z", "type": "Normal", "reason": "TriggeredScaleUp",
                "object": {"kind": "Pod", "namespace": "team-a", "name": "web-1"},
                "message": "pod triggered scale-up: [{general 1->3 (max: 10)}]", "count": 3,
                "decision": {"kind": "TriggeredScaleUp", "groups": [{"group": "general", "from": 1, "to": 3, "max": 10}]},
                "hint": null,
            })
        );
    }

    #[test]
    fn a_text_line_has_the_decision_repeats_and_hint() {
        let view = EventView::from_event(&event(
            "NotTriggerScaleUp",
            "pod didn't trigger scale-up: 1 node(s) had untolerated taint {kwok-provider: true}",
            "Pod",
            "team-a",
            "web-1",
            4,
        ));
        let line = render_text(
            &view,
            Timestamps::Absolute,
            0,
            &jiff::tz::TimeZone::UTC,
            false,
        );
        assert_eq!(
            line,
            "2026-11-22 10:00:00  Normal   NotTriggerScaleUp  pod/team-a/web-1  1× node(s) had untolerated taint {kwok-provider: true}  ×4\n    = hint: add to the pod: `tolerations: [{key: kwok-provider, operator: Equal, value: \"true\", effect: NoSchedule}]`, or set nodes.skipTaint: true"
        );
        let relative = render_text(
            &view,
            Timestamps::Relative,
            view.seconds + 90,
            &jiff::tz::TimeZone::UTC,
            false,
        );
        assert!(relative.starts_with("1m ago  "), "{relative}");
    }

    #[test]
    fn absolute_times_are_local() {
        let view = EventView::from_event(&event(
            "ScaledUpGroup",
            "x",
            "ConfigMap",
            "kube-system",
            "s",
            1,
        ));
        let plus_nine = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));
        let line = render_text(&view, Timestamps::Absolute, 0, &plus_nine, false);
        assert!(line.starts_with("2026-11-22 19:00:00  "), "{line}");
    }

    #[test]
    fn filters() {
        let view = EventView::from_event(&event(
            "ScaledUpGroup",
            "Scale-up: group general size set to 3 instead of 1 (max: 10)",
            "ConfigMap",
            "kube-system",
            "cluster-autoscaler-status",
            1,
        ));
        assert!(Filter::default().matches(&view));
        let by = |f: Filter| f.matches(&view);
        assert!(by(Filter {
            nodegroup: Some("general".into()),
            ..Filter::default()
        }));
        assert!(!by(Filter {
            nodegroup: Some("gpu".into()),
            ..Filter::default()
        }));
        assert!(by(Filter {
            reasons: vec!["ScaledUpGroup".into()],
            ..Filter::default()
        }));
        assert!(!by(Filter {
            event_type: Some(EventType::Warning),
            ..Filter::default()
        }));
        assert!(by(Filter {
            object: parse_object("cm/cluster-autoscaler-status"),
            ..Filter::default()
        }));
        assert!(!by(Filter {
            since: view.seconds + 1,
            ..Filter::default()
        }));
        assert_eq!(
            parse_object("pod/web-1"),
            Some(("Pod".into(), "web-1".into()))
        );
        assert_eq!(parse_object("web-1"), None);
    }

    #[test]
    fn owner_pods_by_listing_else_by_name() {
        let pod = |name: &str| {
            EventView::from_event(&event(
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 max node group size reached",
                "Pod",
                "shop",
                name,
                1,
            ))
        };
        let key = |n: &str| ("shop".to_owned(), n.to_owned());
        let filter = Filter {
            owner: Some(OwnerPods {
                kind: "Deployment".into(),
                name: "web".into(),
                namespace: None,
                pods: HashSet::from([key("web-7f9c8d6b5-abcde")]),
                listed: HashSet::from([key("web-7f9c8d6b5-abcde"), key("web-x-zzzzz")]),
            }),
            ..Filter::default()
        };
        assert!(
            filter.matches(&pod("web-7f9c8d6b5-abcde")),
            "listed, resolved"
        );
        assert!(
            filter.matches(&pod("web-6c5d4-qwert")),
            "gone since: by its name"
        );
        assert!(
            !filter.matches(&pod("web-x-zzzzz")),
            "listed, another owner's"
        );
        assert!(
            !filter.matches(&pod("web-api-6c5d4-qwert")),
            "deployment web-api's"
        );
        assert!(!filter.matches(&pod("web-0")));
        assert!(named_like_pod_of("StatefulSet", "db", "db-12"));
        assert!(!named_like_pod_of("StatefulSet", "db", "db-x"));
        assert!(named_like_pod_of("Job", "etl", "etl-k2x9p"));
        assert!(named_like_pod_of("Job", "etl", "etl-3-k2x9p"));
        assert!(named_like_pod_of(
            "CronJob",
            "nightly",
            "nightly-29412345-k2x9p"
        ));
        assert!(!named_like_pod_of("CronJob", "nightly", "nightly-k2x9p"));
        assert_eq!(
            parse_object("deploy/web"),
            Some(("Deployment".into(), "web".into()))
        );
    }

    #[test]
    fn pending_hides_pods_no_longer_pending_but_not_new_ones() {
        let view = |name: &str| {
            EventView::from_event(&event(
                "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 max node group size reached",
                "Pod",
                "shop",
                name,
                1,
            ))
        };
        let old = view("web-1");
        let key = |n: &str| ("shop".to_owned(), n.to_owned());
        let filter = |listed_at: i64| Filter {
            pending: Some(PendingPods {
                pods: HashSet::from([key("web-2")]),
                listed: HashSet::from([key("web-2"), key("web-3")]),
                listed_at,
            }),
            ..Filter::default()
        };
        assert!(!filter(old.seconds + 1).matches(&old), "gone");
        assert!(
            filter(old.seconds + 1).matches(&view("web-2")),
            "still pending"
        );
        assert!(
            filter(old.seconds).matches(&old),
            "new since the list: pending then"
        );
        assert!(
            !filter(old.seconds).matches(&view("web-3")),
            "listed, not pending, however new"
        );
        let status = EventView::from_event(&event(
            "ScaledUpGroup",
            "Scale-up: group general size set to 3 instead of 1 (max: 10)",
            "ConfigMap",
            "kube-system",
            "cluster-autoscaler-status",
            1,
        ));
        assert!(filter(status.seconds + 1).matches(&status), "not a pod's");
    }
}
