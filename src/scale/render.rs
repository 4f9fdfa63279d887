//! `scale`'s output: the group table, the change summary and their JSON forms (pure).

use crate::output::Table;
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
    pub after: usize,
    pub created: Vec<String>,
    pub deleted: Vec<String>,
    pub failed: Vec<FailedNode>,
    /// Why the group was left alone or fell short (a limit, foreign nodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
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
    pub dry_run: bool,
    pub elapsed_seconds: f64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

/// The listing as a kubectl-style table.
pub fn render_listing(out: &mut impl Write, rows: &[GroupRow]) -> io::Result<()> {
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
    table.write(out, "", &console::Style::new())
}

/// The change summary, one block per group.
pub fn render_summary(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    for g in &summary.node_groups {
        let arrow = if summary.dry_run {
            "→ (dry run)"
        } else {
            "→"
        };
        writeln!(out, "{}: {} {arrow} {} nodes", g.name, g.before, g.after)?;
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
            if !summary.dry_run {
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
        if summary.dry_run {
            for name in &g.created {
                writeln!(out, "  + {name}")?;
            }
            for name in &g.deleted {
                writeln!(out, "  - {name}")?;
            }
        }
        for f in &g.failed {
            writeln!(out, "  failed {}: {}", f.name, f.error)?;
        }
        if let Some(why) = &g.refused {
            writeln!(out, "  not done: {why}")?;
        }
    }
    if !summary.dry_run {
        writeln!(
            out,
            "{} retries, {:.1} s{}",
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
                    after: 3,
                    created: vec!["g-aaaaa".into(), "g-bbbbb".into()],
                    deleted: vec![],
                    failed: vec![FailedNode {
                        name: "g-ccccc".into(),
                        error: "500 boom".into(),
                    }],
                    refused: None,
                    ready: None,
                    seconds: 2.0,
                }],
                retries: 4,
                dry_run: false,
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
        assert!(text.contains("4 retries, 2.0 s"), "{text}");
    }
}
