//! `why`'s report (the JSON/YAML schema) and its text rendering (pure: data in, text out).

use super::model::GroupAnswer;
use crate::provider::event_view::EventView;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The whole answer: one entry per owner.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub owners: Vec<OwnerReport>,
}

/// A workload owning pending pods (Deployment, StatefulSet, Job, CronJob, ReplicaSet, or a bare Pod).
pub use crate::inputs::owners::Owner;

#[derive(Debug, Clone, Serialize)]
pub struct OwnerReport {
    pub owner: Owner,
    pub pending: usize,
    /// One pod's requests (the first pending pod's), as quantities.
    pub requests: BTreeMap<String, String>,
    pub groups: Vec<GroupAnswer>,
    pub ca: CaSide,
}

/// CA's side: its last decision about these pods, how old it is, and where CA stands.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaSide {
    pub last_decision: Option<EventView>,
    pub age: Option<String>,
    pub state: String,
}

/// CA's state when it has decided about the pods and nothing else is worth saying.
pub const DECIDED: &str = "decided";

/// An age as kubectl shows it: `45s`, `3m`, `2h`, `4d`.
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One block per owner: a header, a line per group (fitting ones first), CA's side.
pub fn render_text(w: &mut impl Write, report: &Report, colors: bool) -> io::Result<()> {
    let style = |s: console::Style| if colors { s } else { console::Style::new() };
    let good = style(console::Style::new().green());
    let bad = style(console::Style::new().red());
    let head = style(console::Style::new().bold());
    let dim = style(console::Style::new().dim());
    for (i, owner) in report.owners.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        let requests = owner
            .requests
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            w,
            "{} {}/{}: {} pending, {} {}",
            head.apply_to(owner.owner.kind.to_lowercase()),
            owner.owner.namespace,
            owner.owner.name,
            plural(owner.pending as u64, "pod", "pods"),
            if owner.pending == 1 {
                "requesting"
            } else {
                "each requesting"
            },
            if requests.is_empty() {
                "nothing".to_owned()
            } else {
                requests
            }
        )?;
        let width = owner.groups.iter().map(|g| g.name.len()).max().unwrap_or(0);
        if owner.groups.is_empty() {
            writeln!(w, "  {}", bad.apply_to("CA has no node groups"))?;
        }
        for group in &owner.groups {
            if group.fits {
                let nodes = group.nodes_needed.unwrap_or(0);
                writeln!(
                    w,
                    "  {:width$}  {}",
                    group.name,
                    good.apply_to(format!("fits: {}", plural(nodes, "new node", "new nodes")))
                )?;
                continue;
            }
            for (j, reason) in group.reasons.iter().enumerate() {
                let name = if j == 0 { group.name.as_str() } else { "" };
                let kind = serde_json::to_value(reason.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                writeln!(
                    w,
                    "  {name:width$}  {} {}",
                    bad.apply_to(format!("{kind}:")),
                    reason.message
                )?;
            }
        }
        let decision = match (&owner.ca.last_decision, &owner.ca.age) {
            (Some(event), Some(age)) => {
                let summary = event
                    .decision
                    .as_ref()
                    .map(|d| d.summary())
                    .unwrap_or_else(|| event.message.clone());
                format!("{} {age} ago: {summary}", event.reason)
            }
            _ => String::new(),
        };
        let line = match (decision.is_empty(), owner.ca.state.as_str()) {
            (false, render_decided) if render_decided == DECIDED => decision,
            (false, state) => format!("{decision}; {state}"),
            (true, state) => state.to_owned(),
        };
        writeln!(w, "  {}", dim.apply_to(format!("CA: {line}")))?;
    }
    if report.owners.is_empty() {
        writeln!(w, "no pending pods")?;
    }
    Ok(())
}
