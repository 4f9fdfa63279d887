//! `status`'s view model: CA's groups joined with the ConfigMaps' and the kwok nodes, the
//! mismatches between them, and the table (pure).

use crate::output::Table;
use crate::provider::status::{
    Backoff, CaStatus, ClusterWide, STALE_SCANS, ScaleDown, is_stale, parse_go_time, stale_after,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub name: String,
    pub health: Option<String>,
    pub target: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub ready: Option<i64>,
    pub registered: Option<i64>,
    pub kwok_nodes: i64,
    pub scale_up: Option<String>,
    pub backoff: Option<Backoff>,
    /// CA's scale-down state of the group (`None`: CA does not know the group).
    pub scale_down: Option<ScaleDownView>,
    /// The group's size against its max-count: `atMax`, `aboveMax` (after `scale
    /// --ignore-limits`), else `None`.
    pub limit: Option<Limit>,
    pub in_config: bool,
    #[serde(rename = "inCA")]
    pub in_ca: bool,
}

/// CA's scale-down state of a group, with how long it has been so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleDownView {
    #[serde(flatten)]
    pub state: ScaleDown,
    /// Seconds since `since` (set with the status' age; `None`: unknown).
    pub for_seconds: Option<i64>,
}

/// A group's size (the larger of CA's target and its kwok nodes) at or above its max-count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Limit {
    AtMax,
    AboveMax,
}

impl GroupView {
    /// The group's size as far as its max-count goes: CA's target or its kwok nodes, the larger.
    pub fn size(&self) -> i64 {
        self.target.unwrap_or(0).max(self.kwok_nodes)
    }
}

/// Where the group stands against its max-count (`None`: under it, or max unknown).
fn limit(size: i64, max: Option<i64>) -> Option<Limit> {
    match max? {
        max if size > max => Some(Limit::AboveMax),
        max if size == max => Some(Limit::AtMax),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mismatch {
    pub node_group: String,
    pub message: String,
}

/// The `-o json` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub time: String,
    pub autoscaler_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub cluster_wide: ClusterWide,
    pub node_groups: Vec<GroupView>,
    pub mismatches: Vec<Mismatch>,
    /// Seconds since CA last wrote its status (`None`: its time does not parse).
    pub age_seconds: Option<i64>,
    /// CA's scan interval as we know it (its Deployment's flag, else CA's default).
    pub scan_interval_seconds: u64,
    /// No write for more than `STALE_SCANS` scan intervals: CA is stuck or gone.
    pub stale: bool,
}

impl Snapshot {
    /// Sets how old CA's status is at `now` (from `last_updated`, CA's Go time text) and
    /// whether that is stale for `scan_interval`.
    pub fn set_age(&mut self, last_updated: &str, now: jiff::Timestamp, scan_interval: Duration) {
        self.scan_interval_seconds = scan_interval.as_secs();
        // A clock ahead of ours counts as fresh, not as negative.
        self.age_seconds = parse_go_time(last_updated).map(|t| (now - t).get_seconds().max(0));
        self.stale = self
            .age_seconds
            .is_some_and(|age| is_stale(age, scan_interval));
        for group in &mut self.node_groups {
            if let Some(down) = &mut group.scale_down {
                down.for_seconds = down
                    .state
                    .since
                    .as_deref()
                    .and_then(parse_status_time)
                    .map(|t| (now - t).get_seconds().max(0));
            }
        }
    }
}

impl Snapshot {
    /// How long until a status that is fresh now turns stale (`None`: already stale, or its
    /// age unknown), a second past the limit.
    pub fn until_stale(&self) -> Option<Duration> {
        let age = u64::try_from(self.age_seconds?).ok()?;
        let limit = stale_after(Duration::from_secs(self.scan_interval_seconds)).as_secs();
        (!self.stale).then(|| Duration::from_secs(limit.saturating_sub(age) + 1))
    }
}

/// A time of CA's status: RFC 3339 (the YAML of 1.30+), else Go's `time.Time.String()` (1.29).
pub fn parse_status_time(text: &str) -> Option<jiff::Timestamp> {
    text.parse().ok().or_else(|| parse_go_time(text))
}

/// Joins CA's status with the ConfigMaps' groups (name, min, max; `None` when unknown) and
/// the kwok nodes per group (by the node-group name annotation).
pub fn join(
    status: &CaStatus,
    config: Option<&[(String, i64, i64)]>,
    kwok_nodes: &BTreeMap<String, i64>,
) -> Snapshot {
    let mut groups: Vec<GroupView> = status
        .groups
        .iter()
        .map(|g| GroupView {
            name: g.name.clone(),
            health: Some(g.health.clone()),
            target: Some(g.target),
            min: Some(g.min),
            max: Some(g.max),
            ready: Some(g.ready),
            registered: Some(g.registered),
            kwok_nodes: kwok_nodes.get(&g.name).copied().unwrap_or(0),
            scale_up: Some(g.scale_up.clone()),
            backoff: g.backoff.clone(),
            scale_down: Some(ScaleDownView {
                state: g.scale_down.clone(),
                for_seconds: None,
            }),
            limit: limit(
                g.target.max(kwok_nodes.get(&g.name).copied().unwrap_or(0)),
                Some(g.max),
            ),
            in_config: config.is_some_and(|c| c.iter().any(|(name, ..)| *name == g.name)),
            in_ca: true,
        })
        .collect();
    for (name, min, max) in config.unwrap_or_default() {
        if !groups.iter().any(|g| g.name == *name) {
            groups.push(GroupView {
                name: name.clone(),
                health: None,
                target: None,
                min: Some(*min),
                max: Some(*max),
                ready: None,
                registered: None,
                kwok_nodes: kwok_nodes.get(name).copied().unwrap_or(0),
                scale_up: None,
                backoff: None,
                scale_down: None,
                limit: limit(kwok_nodes.get(name).copied().unwrap_or(0), Some(*max)),
                in_config: true,
                in_ca: false,
            });
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let mut mismatches = Vec::new();
    let running = status.autoscaler_status == "Running";
    for g in &groups {
        let message = if !g.in_ca && running {
            Some("the ConfigMaps define this group but CA does not know it: CA reads the templates only at start; restart CA after changing them".to_owned())
        } else if g.in_ca && config.is_some() && !g.in_config {
            Some(
                "CA knows this group but the ConfigMaps no longer define it: restart CA to drop it"
                    .to_owned(),
            )
        } else {
            match g.target {
                Some(target) if g.in_ca && target != g.kwok_nodes => Some(format!(
                    "CA's target is {target} but {} kwok node(s) carry the group's name annotation",
                    g.kwok_nodes
                )),
                _ => None,
            }
        };
        if let Some(message) = message {
            mismatches.push(Mismatch {
                node_group: g.name.clone(),
                message,
            });
        }
    }
    Snapshot {
        time: status.time.clone(),
        autoscaler_status: status.autoscaler_status.clone(),
        message: status.message.clone(),
        cluster_wide: status.cluster_wide.clone(),
        node_groups: groups,
        mismatches,
        age_seconds: None,
        scan_interval_seconds: 0,
        stale: false,
    }
}

fn cell<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_owned(), T::to_string)
}

/// The SCALE-DOWN cell: CA's status, or how many candidates and for how long.
fn scale_down_cell(down: Option<&ScaleDownView>) -> String {
    match down {
        None => "-".to_owned(),
        Some(d) if d.state.status == "CandidatesPresent" => {
            let mut text = format!(
                "{} candidate{}",
                d.state.candidates,
                plural(d.state.candidates)
            );
            if let Some(seconds) = d.for_seconds.filter(|s| *s > 0) {
                let duration = Duration::from_secs(seconds.unsigned_abs());
                text.push_str(&format!(
                    " for {}",
                    crate::output::format_duration(duration)
                ));
            }
            text
        }
        Some(d) if d.state.status.is_empty() => "-".to_owned(),
        Some(d) => d.state.status.clone(),
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The note under a group at or above its max-count.
fn limit_note(g: &GroupView) -> Option<String> {
    let max = g.max?;
    let size = g.size();
    match g.limit? {
        Limit::AtMax => Some(format!(
            "at max: {size} of {max} nodes; CA will not scale it up (raise the template's cluster-autoscaler.kwok.nodegroup/max-count)"
        )),
        Limit::AboveMax => Some(format!(
            "ABOVE MAX: {size} nodes, max-count {max} (made past it, e.g. by `scale --ignore-limits`); CA will not scale it up"
        )),
    }
}

/// The text view: CA's state, a table of the groups (`headers`: its header line; false for
/// `--no-headers`), the mismatches.
pub fn render_text(
    out: &mut impl Write,
    s: &Snapshot,
    colors: bool,
    headers: bool,
) -> io::Result<()> {
    let paint =
        |style: console::Style, text: &str| style.force_styling(colors).apply_to(text).to_string();
    let age = s
        .age_seconds
        .map(|age| {
            let age = crate::output::format_duration(Duration::from_secs(age.unsigned_abs()));
            format!(" ({age} ago)")
        })
        .unwrap_or_default();
    writeln!(
        out,
        "CA {} at {}{age}: health {}, scale-up {}, scale-down {}",
        s.autoscaler_status,
        s.time,
        s.cluster_wide.health,
        s.cluster_wide.scale_up,
        s.cluster_wide.scale_down
    )?;
    if s.stale {
        let interval = crate::output::format_duration(Duration::from_secs(s.scan_interval_seconds));
        writeln!(
            out,
            "  {}: CA has not written its status for more than {STALE_SCANS} scan intervals ({interval} each): it is stuck or gone; check its pod and log",
            paint(console::Style::new().red().bold(), "STALE")
        )?;
    }
    if let Some(message) = &s.message {
        writeln!(out, "  {message}")?;
    }
    let mut table = Table::new([
        "NODE GROUP",
        "HEALTH",
        "TARGET",
        "MIN",
        "MAX",
        "READY",
        "REGISTERED",
        "KWOK NODES",
        "SCALE-UP",
        "SCALE-DOWN",
    ]);
    for g in &s.node_groups {
        table.row([
            g.name.clone(),
            cell(&g.health),
            cell(&g.target),
            cell(&g.min),
            cell(&g.max),
            cell(&g.ready),
            cell(&g.registered),
            g.kwok_nodes.to_string(),
            cell(&g.scale_up),
            scale_down_cell(g.scale_down.as_ref()),
        ]);
    }
    // Rows are coloured whole, by the group's state, so this writes the lines itself.
    let mut lines = table.lines().into_iter();
    if let Some(header) = lines.next()
        && headers
    {
        writeln!(out, "{header}")?;
    }
    for (text, g) in lines.zip(&s.node_groups) {
        let text = match g.scale_up.as_deref() {
            Some("Backoff") => paint(console::Style::new().red(), &text),
            _ if !g.in_ca || g.limit == Some(Limit::AboveMax) => {
                paint(console::Style::new().yellow(), &text)
            }
            _ => text,
        };
        writeln!(out, "{text}")?;
        if let Some(b) = &g.backoff {
            writeln!(out, "  backoff ({}): {}", b.error_code, b.error_message)?;
        }
        if let Some(note) = limit_note(g) {
            writeln!(out, "  {note}")?;
        }
    }
    if !s.mismatches.is_empty() {
        writeln!(out)?;
        for m in &s.mismatches {
            writeln!(
                out,
                "{}: {}",
                paint(
                    console::Style::new().yellow(),
                    &format!("mismatch {}", m.node_group)
                ),
                m.message
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::status::CaGroup;

    fn ca_group(name: &str, target: i64) -> CaGroup {
        CaGroup {
            name: name.into(),
            health: "Healthy".into(),
            target,
            min: 0,
            max: 10,
            ready: target,
            registered: target,
            scale_up: "NoActivity".into(),
            backoff: None,
            scale_down: ScaleDown {
                status: "NoCandidates".into(),
                ..ScaleDown::default()
            },
        }
    }

    fn status(groups: Vec<CaGroup>) -> CaStatus {
        CaStatus {
            time: "t".into(),
            autoscaler_status: "Running".into(),
            message: None,
            cluster_wide: ClusterWide::default(),
            groups,
        }
    }

    #[test]
    fn mismatches_between_ca_the_configmaps_and_the_nodes() {
        let s = status(vec![ca_group("general", 3), ca_group("old", 0)]);
        let config = vec![("general".to_owned(), 0, 10), ("new".to_owned(), 0, 5)];
        let nodes = BTreeMap::from([("general".to_owned(), 2)]);
        let snap = join(&s, Some(&config), &nodes);
        let names: Vec<&str> = snap.node_groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["general", "new", "old"]);
        let by = |g: &str| {
            snap.mismatches
                .iter()
                .find(|m| m.node_group == g)
                .map(|m| m.message.as_str())
        };
        assert!(
            by("general")
                .unwrap()
                .contains("target is 3 but 2 kwok node(s)")
        );
        assert!(
            by("new")
                .unwrap()
                .contains("restart CA after changing them")
        );
        assert!(by("old").unwrap().contains("no longer define it"));
        let new = &snap.node_groups[1];
        assert!(new.in_config && !new.in_ca && new.target.is_none());
        let json = serde_json::to_value(&snap).unwrap();
        assert_eq!(json["nodeGroups"][0]["inCA"], true);
        assert_eq!(json["nodeGroups"][0]["kwokNodes"], 2);
        assert!(json["nodeGroups"][0]["backoff"].is_null());
    }

    #[test]
    fn agreeing_views_have_no_mismatch() {
        let snap = join(
            &status(vec![ca_group("general", 2)]),
            Some(&[("general".to_owned(), 0, 10)]),
            &BTreeMap::from([("general".to_owned(), 2)]),
        );
        assert!(snap.mismatches.is_empty(), "{:?}", snap.mismatches);
        let mut out = Vec::new();
        render_text(&mut out, &snap, false, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "NODE GROUP  HEALTH   TARGET  MIN  MAX  READY  REGISTERED  KWOK NODES  SCALE-UP"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "general     Healthy  2       0    10   2      2           2           NoActivity"
            ),
            "{text}"
        );
    }

    #[test]
    fn scale_down_candidates_for_how_long_and_groups_at_or_above_max() {
        let mut general = ca_group("general", 3);
        general.scale_down = ScaleDown {
            status: "CandidatesPresent".into(),
            candidates: 2,
            since: Some("2026-05-04T09:10:12Z".into()),
        };
        let mut gpu = ca_group("gpu", 4);
        gpu.max = 4;
        let mut burst = ca_group("burst", 2);
        burst.max = 2;
        let config = vec![
            ("burst".to_owned(), 0, 2),
            ("general".to_owned(), 0, 10),
            ("gpu".to_owned(), 0, 4),
            ("spare".to_owned(), 0, 1),
        ];
        // burst: CA's target 2, but `scale --ignore-limits` made 5 nodes; spare: not in CA, at max.
        let nodes = BTreeMap::from([
            ("burst".to_owned(), 5),
            ("general".to_owned(), 3),
            ("gpu".to_owned(), 4),
            ("spare".to_owned(), 1),
        ]);
        let mut snap = join(&status(vec![general, gpu, burst]), Some(&config), &nodes);
        let now: jiff::Timestamp = "2026-05-04T09:15:42Z".parse().unwrap();
        snap.set_age(
            "2026-05-04 09:15:40 +0000 UTC",
            now,
            Duration::from_secs(10),
        );
        let by = |name: &str| snap.node_groups.iter().find(|g| g.name == name).unwrap();
        assert_eq!(by("general").limit, None);
        assert_eq!(by("gpu").limit, Some(Limit::AtMax));
        assert_eq!(by("burst").limit, Some(Limit::AboveMax));
        assert_eq!(by("spare").limit, Some(Limit::AtMax));
        assert_eq!(
            by("general").scale_down.as_ref().unwrap().for_seconds,
            Some(330)
        );
        let json = serde_json::to_value(&snap).unwrap();
        let general = &json["nodeGroups"][1];
        assert_eq!(
            general["scaleDown"],
            serde_json::json!({"status": "CandidatesPresent", "candidates": 2, "since": "2026-05-04T09:10:12Z", "forSeconds": 330})
        );
        assert_eq!(json["nodeGroups"][0]["limit"], "aboveMax");
        assert_eq!(json["nodeGroups"][2]["limit"], "atMax");
        assert!(json["nodeGroups"][3]["scaleDown"].is_null());
        let mut out = Vec::new();
        render_text(&mut out, &snap, false, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("SCALE-UP    SCALE-DOWN\n"), "{text}");
        assert!(
            text.contains("NoActivity  2 candidates for 5m30s\n"),
            "{text}"
        );
        assert!(
            text.contains("\n  ABOVE MAX: 5 nodes, max-count 2 (made past it, e.g. by `scale --ignore-limits`); CA will not scale it up\n"),
            "{text}"
        );
        assert!(
            text.contains("\n  at max: 4 of 4 nodes; CA will not scale it up"),
            "{text}"
        );
        assert!(text.contains("NoActivity  NoCandidates\n"), "{text}");
    }

    #[test]
    fn age_and_staleness_from_cas_go_time() {
        let t = parse_go_time("2026-05-04 09:15:42.512353001 +0000 UTC m=+3605.902715233").unwrap();
        assert_eq!(t.to_string(), "2026-05-04T09:15:42.512353001Z");
        assert_eq!(
            parse_go_time("2024-03-07 11:15:42 +0100 CET")
                .unwrap()
                .to_string(),
            "2024-03-07T10:15:42Z"
        );
        assert_eq!(parse_go_time("yesterday"), None);
        // Scale-down's since: RFC 3339 (1.30+) or Go's time with the monotonic part (1.29).
        assert_eq!(
            parse_status_time("2024-03-07 10:05:12.5 +0000 UTC m=+3000.1").map(|t| t.to_string()),
            Some("2024-03-07T10:05:12.5Z".to_owned())
        );
        assert_eq!(
            parse_status_time("2026-05-04T09:10:12Z").map(|t| t.as_second()),
            Some(1_777_885_812)
        );
        let now: jiff::Timestamp = "2026-05-04T09:16:12.6Z".parse().unwrap();
        let mut snap = join(&status(vec![]), None, &BTreeMap::new());
        snap.set_age(
            "2026-05-04 09:15:42.5 +0000 UTC",
            now,
            Duration::from_secs(10),
        );
        assert_eq!(
            (snap.age_seconds, snap.stale),
            (Some(30), false),
            "3 scans is not yet stale"
        );
        snap.set_age(
            "2026-05-04 09:15:41 +0000 UTC",
            now,
            Duration::from_secs(10),
        );
        assert_eq!((snap.age_seconds, snap.stale), (Some(31), true));
        let mut out = Vec::new();
        render_text(&mut out, &snap, false, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("CA Running at t (31s ago): "), "{text}");
        assert!(
            text.contains(
                "STALE: CA has not written its status for more than 3 scan intervals (10s each)"
            ),
            "{text}"
        );
        snap.set_age(
            "2026-05-04 09:20:00 +0000 UTC",
            now,
            Duration::from_secs(10),
        );
        assert_eq!(
            (snap.age_seconds, snap.stale),
            (Some(0), false),
            "a clock ahead is fresh"
        );
        snap.set_age("not a time", now, Duration::from_secs(10));
        assert_eq!((snap.age_seconds, snap.stale), (None, false));
    }
}
