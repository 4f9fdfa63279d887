//! `scale`'s output: the group table, the change summary and their JSON forms (pure).

use super::plan::BusyNode;
use crate::output::Table;
use crate::scale::options::DryRun;
use serde::Serialize;
use std::io::{self, Write};

/// One row of the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRow {
    pub name: String,
    pub template: String,
    pub min: i64,
    pub max: i64,
    pub current: usize,
    pub ready: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    pub node_groups: Vec<GroupRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedNode {
    pub name: String,
    pub error: String,
}

/// What happened to one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupResult {
    pub name: String,
    pub before: usize,
    pub target: usize,
    /// What the group holds at the end: after a real run, counted by listing it again.
    pub after: usize,
    pub created: Vec<String>,
    pub deleted: Vec<String>,
    /// Nodes this run meant to delete that someone else deleted first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<String>,
    /// Deleted (or, in a dry run, to be deleted) nodes that run pods.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with_pods: Vec<BusyNode>,
    pub failed: Vec<FailedNode>,
    /// Why the group was left alone or fell short (a limit, foreign nodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// Why the group did not end at its target though nothing refused it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_target: Option<String>,
    /// How the request was read (e.g. a clamped --remove), and what the re-list found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Ready nodes after `--wait`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<usize>,
    /// Seconds spent on this group's requests (for its rate).
    #[serde(skip)]
    pub seconds: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub node_groups: Vec<GroupResult>,
    pub retries: u64,
    /// Creates whose response was lost after the node was made, recognised by reading it.
    pub recovered: u64,
    pub dry_run: bool,
    /// `client` or `server` in a dry run (kubectl's strategy names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run_strategy: Option<DryRun>,
    pub elapsed_seconds: f64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

/// `KIND/NAME` lines, as kubectl's `-o name`.
pub fn render_names<'a>(
    out: &mut impl Write,
    kind: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> io::Result<()> {
    for name in names {
        writeln!(out, "{kind}/{name}")?;
    }
    Ok(())
}

/// The listing as a kubectl-style table (`headers`: false for `--no-headers`).
pub fn render_listing(out: &mut impl Write, rows: &[GroupRow], headers: bool) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "No node groups: no template carries the grouping key.");
    }
    let mut table = Table::new(["NODE GROUP", "TEMPLATE", "MIN", "MAX", "CURRENT", "READY"])
        .right_align(2..6)
        .gap("   ");
    for r in rows {
        table.row([
            r.name.clone(),
            r.template.clone(),
            r.min.to_string(),
            r.max.to_string(),
            r.current.to_string(),
            r.ready.to_string(),
        ]);
    }
    for line in table.lines().into_iter().skip(usize::from(!headers)) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `a (3 pods), b (1 pod)`, prefixed with how many nodes run pods.
pub fn busy_list(busy: &[BusyNode]) -> String {
    let pods: usize = busy.iter().map(|b| b.pods).sum();
    let names: Vec<String> = busy
        .iter()
        .map(|b| format!("{} ({} pod{})", b.name, b.pods, plural(b.pods)))
        .collect();
    format!(
        "{} node{} that run{} {pods} pod{}: {}",
        busy.len(),
        plural(busy.len()),
        if busy.len() == 1 { "s" } else { "" },
        plural(pods),
        names.join(", ")
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The change summary, one block per group.
pub fn render_summary(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    let server = summary.dry_run_strategy == Some(DryRun::Server);
    for g in &summary.node_groups {
        let arrow = if server {
            "→ (dry run, checked by the API server)"
        } else if summary.dry_run {
            "→ (dry run)"
        } else {
            "→"
        };
        writeln!(out, "{}: {} {arrow} {} nodes", g.name, g.before, g.after)?;
        for note in &g.notes {
            writeln!(out, "  note: {note}")?;
        }
        let attempted = g.created.len() + g.deleted.len() + g.failed.len();
        if attempted > 0 || g.refused.is_none() {
            let (created, deleted) = if summary.dry_run {
                ("to create", "to delete")
            } else {
                ("created", "deleted")
            };
            let mut parts = vec![
                format!("{} {created}", g.created.len()),
                format!("{} {deleted}", g.deleted.len()),
            ];
            if server {
                parts.push(format!("{} refused by the API server", g.failed.len()));
            } else if !summary.dry_run {
                parts.push(format!("{} failed", g.failed.len()));
                if g.seconds > 0.0 {
                    let rate = (g.created.len() + g.deleted.len()) as f64 / g.seconds;
                    parts.push(format!("{:.1} s, {rate:.0} nodes/s", g.seconds));
                }
            }
            if let Some(ready) = g.ready {
                parts.push(format!("{ready} Ready"));
            }
            writeln!(out, "  {}", parts.join(", "))?;
        }
        if !g.with_pods.is_empty() {
            let verb = if summary.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            writeln!(
                out,
                "  warning: no empty nodes were left: {verb} {}",
                busy_list(&g.with_pods)
            )?;
        }
        if summary.dry_run {
            for name in &g.created {
                writeln!(out, "  + {name}")?;
            }
            for name in &g.deleted {
                match g.with_pods.iter().find(|b| &b.name == name) {
                    Some(b) => writeln!(out, "  - {name} ({} pod{})", b.pods, plural(b.pods))?,
                    None => writeln!(out, "  - {name}")?,
                }
            }
        }
        if !g.gone.is_empty() {
            writeln!(
                out,
                "  already gone (deleted by someone else): {}",
                g.gone.join(", ")
            )?;
        }
        let failed = if server { "refused" } else { "failed" };
        for f in &g.failed {
            writeln!(out, "  {failed} {}: {}", f.name, f.error)?;
        }
        if let Some(why) = &g.refused {
            writeln!(out, "  not done: {why}")?;
        }
        if let Some(why) = &g.off_target {
            writeln!(out, "  off target: {why}")?;
        }
    }
    if !summary.dry_run {
        let recovered = if summary.recovered > 0 {
            format!(
                " ({} lost response{} recognised by reading the node)",
                summary.recovered,
                plural(summary.recovered as usize)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{} retries{recovered}, {:.1} s{}",
            summary.retries,
            summary.elapsed_seconds,
            if summary.interrupted {
                ", interrupted"
            } else {
                ""
            }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_aligns_by_display_width() {
        let mut out = Vec::new();
        render_listing(
            &mut out,
            &[
                GroupRow {
                    name: "général".into(),
                    template: "t[0] a".into(),
                    min: 0,
                    max: 200,
                    current: 12,
                    ready: 3,
                },
                GroupRow {
                    name: "gpu".into(),
                    template: "t[1] b".into(),
                    min: 1,
                    max: 4,
                    current: 0,
                    ready: 0,
                },
            ],
            true,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "NODE GROUP   TEMPLATE   MIN   MAX   CURRENT   READY"
        );
        assert_eq!(
            lines[1],
            "général      t[0] a       0   200        12       3"
        );
        assert_eq!(
            lines[2],
            "gpu          t[1] b       1     4         0       0"
        );
    }

    #[test]
    fn the_summary_counts_and_lists_failures() {
        let mut out = Vec::new();
        render_summary(
            &mut out,
            &Summary {
                node_groups: vec![GroupResult {
                    name: "g".into(),
                    before: 1,
                    target: 4,
                    after: 3,
                    created: vec!["g-aaaaa".into(), "g-bbbbb".into()],
                    deleted: vec![],
                    gone: vec![],
                    with_pods: vec![],
                    failed: vec![FailedNode {
                        name: "g-ccccc".into(),
                        error: "500 boom".into(),
                    }],
                    refused: None,
                    off_target: Some("the group holds 3 nodes, not its target 4".into()),
                    notes: vec![],
                    ready: None,
                    seconds: 2.0,
                }],
                retries: 4,
                recovered: 1,
                dry_run: false,
                dry_run_strategy: None,
                elapsed_seconds: 2.0,
                interrupted: false,
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("g: 1 → 3 nodes"), "{text}");
        assert!(
            text.contains("2 created, 0 deleted, 1 failed, 2.0 s, 1 nodes/s"),
            "{text}"
        );
        assert!(text.contains("failed g-ccccc: 500 boom"), "{text}");
        assert!(
            text.contains("off target: the group holds 3 nodes, not its target 4"),
            "{text}"
        );
        assert!(
            text.contains("4 retries (1 lost response recognised by reading the node), 2.0 s"),
            "{text}"
        );
    }
}

#[cfg(test)]
mod busy_tests {
    use super::*;

    #[test]
    fn busy_nodes_are_named_with_their_pods() {
        let busy = [
            BusyNode {
                name: "a".into(),
                pods: 3,
            },
            BusyNode {
                name: "b".into(),
                pods: 1,
            },
        ];
        assert_eq!(
            busy_list(&busy),
            "2 nodes that run 4 pods: a (3 pods), b (1 pod)"
        );
        assert_eq!(busy_list(&busy[1..]), "1 node that runs 1 pod: b (1 pod)");
    }
}
