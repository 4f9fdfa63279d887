//! CA's status ConfigMap (`cluster-autoscaler-status`, key `status`), parsed: the YAML of
//! CA 1.30+ and the text of CA 1.29 (pure). Missing numbers are 0, missing times "never".

use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::Duration;

/// The annotation CA sets on its status ConfigMap each time it writes it.
pub const ANNOTATION_LAST_UPDATED: &str = "cluster-autoscaler.kubernetes.io/last-updated";

/// After how many scan intervals without a write the status is stale (CA writes it every loop).
pub const STALE_SCANS: u32 = 3;

/// When CA last wrote its status ConfigMap (Go time text): its last-updated annotation, else
/// the status' own time.
pub fn last_written<'a>(
    annotations: Option<&'a BTreeMap<String, String>>,
    status_time: &'a str,
) -> &'a str {
    annotations
        .and_then(|a| a.get(ANNOTATION_LAST_UPDATED))
        .map_or(status_time, String::as_str)
}

/// Whether a status last written `age_seconds` ago is stale: no write for more than
/// `STALE_SCANS` scan intervals means CA is stuck or gone (a clock ahead of ours: fresh).
pub fn is_stale(age_seconds: i64, scan_interval: Duration) -> bool {
    u64::try_from(age_seconds).unwrap_or(0) > stale_after(scan_interval).as_secs()
}

/// How old CA's status may be before it is stale: `STALE_SCANS` scan intervals.
pub fn stale_after(scan_interval: Duration) -> Duration {
    scan_interval * STALE_SCANS
}

/// Go's `time.Time.String()` (`2026-05-04 09:15:42.512353001 +0000 UTC`, maybe with a
/// monotonic `m=+…` after it), as CA writes its status time.
pub fn parse_go_time(text: &str) -> Option<jiff::Timestamp> {
    let mut words = text.split_whitespace();
    let (date, time, offset) = (words.next()?, words.next()?, words.next()?);
    jiff::fmt::strtime::parse("%Y-%m-%d %H:%M:%S%.f %z", format!("{date} {time} {offset}"))
        .ok()?
        .to_timestamp()
        .ok()
}

/// A group's scale-up backoff, as CA reports it (YAML format only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backoff {
    pub error_code: String,
    pub error_message: String,
}

/// A group's scale-down state: whether CA has candidates to remove, how many, and since when
/// (`lastTransitionTime`: when the status last changed, as CA writes it; `None`: never).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleDown {
    /// `CandidatesPresent` or `NoCandidates`.
    pub status: String,
    pub candidates: i64,
    pub since: Option<String>,
}

/// One node group as CA sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaGroup {
    pub name: String,
    pub health: String,
    /// cloudProviderTarget.
    pub target: i64,
    pub min: i64,
    pub max: i64,
    pub ready: i64,
    pub registered: i64,
    pub scale_up: String,
    pub backoff: Option<Backoff>,
    pub scale_down: ScaleDown,
}

/// The cluster-wide statuses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterWide {
    pub health: String,
    pub scale_up: String,
    pub scale_down: String,
}

/// CA's status, whatever the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaStatus {
    pub time: String,
    /// `Running` or `Initializing` (or the 1.29 text's first line when it is neither).
    pub autoscaler_status: String,
    pub message: Option<String>,
    pub cluster_wide: ClusterWide,
    pub groups: Vec<CaGroup>,
}

/// Parses the `status` value: YAML (1.30+) when it is a mapping, else the 1.29 text.
pub fn parse(text: &str) -> Option<CaStatus> {
    if text
        .trim_start()
        .starts_with("Cluster-autoscaler status at ")
    {
        return parse_text(text);
    }
    let yaml: Json = serde_saphyr::from_str(text).ok()?;
    yaml.as_object()?;
    Some(parse_yaml(&yaml))
}

fn string(v: &Json) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn int(v: &Json) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn parse_yaml(yaml: &Json) -> CaStatus {
    let wide = &yaml["clusterWide"];
    let groups = yaml["nodeGroups"]
        .as_array()
        .map(|groups| {
            groups
                .iter()
                .map(|g| {
                    let health = &g["health"];
                    let registered = &health["nodeCounts"]["registered"];
                    let backoff = &g["scaleUp"]["backoffInfo"];
                    let scale_down = &g["scaleDown"];
                    CaGroup {
                        name: string(&g["name"]),
                        health: string(&health["status"]),
                        target: int(&health["cloudProviderTarget"]),
                        min: int(&health["minSize"]),
                        max: int(&health["maxSize"]),
                        ready: int(&registered["ready"]),
                        registered: int(&registered["total"]),
                        scale_up: string(&g["scaleUp"]["status"]),
                        // 1.35+ always writes `backoffInfo: {}`: only a code makes a backoff.
                        backoff: backoff["errorCode"].as_str().filter(|c| !c.is_empty()).map(
                            |code| Backoff {
                                error_code: code.to_owned(),
                                error_message: string(&backoff["errorMessage"]),
                            },
                        ),
                        scale_down: ScaleDown {
                            status: string(&scale_down["status"]),
                            candidates: int(&scale_down["candidates"]),
                            // `null` (1.35+) or missing (1.30-1.34) when never probed.
                            since: scale_down["lastTransitionTime"]
                                .as_str()
                                .filter(|t| !t.is_empty())
                                .map(str::to_owned),
                        },
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    CaStatus {
        time: string(&yaml["time"]),
        autoscaler_status: string(&yaml["autoscalerStatus"]),
        message: yaml["message"]
            .as_str()
            .filter(|m| !m.is_empty())
            .map(str::to_owned),
        cluster_wide: ClusterWide {
            health: string(&wide["health"]["status"]),
            scale_up: string(&wide["scaleUp"]["status"]),
            scale_down: string(&wide["scaleDown"]["status"]),
        },
        groups,
    }
}

/// `key=value` pairs of a condition's parentheses.
fn counts(details: &str) -> impl Fn(&str) -> i64 + '_ {
    move |key: &str| {
        details
            .split([' ', '(', ')', ','])
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
            .unwrap_or(0)
    }
}

/// `  Health:      Healthy (ready=3 …)` → ("Health", "Healthy", "ready=3 …").
fn condition(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.strip_prefix("  ")?;
    let (kind, rest) = rest.split_once(':')?;
    if !matches!(kind, "Health" | "ScaleUp" | "ScaleDown") {
        return None;
    }
    let rest = rest.trim_start();
    let (status, details) = rest.split_once(' ').unwrap_or((rest, ""));
    Some((kind, status, details))
}

fn parse_text(text: &str) -> Option<CaStatus> {
    let mut lines = text.lines();
    let header = lines.next()?;
    let time = header
        .strip_prefix("Cluster-autoscaler status at ")?
        .trim_end_matches(':')
        .to_owned();
    let mut status = CaStatus {
        time,
        autoscaler_status: "Running".to_owned(),
        message: None,
        cluster_wide: ClusterWide::default(),
        groups: Vec::new(),
    };
    let mut in_groups = false;
    // The condition the `LastTransitionTime:` lines under it belong to.
    let mut last_condition = "";
    for line in lines {
        match line.trim_end() {
            "Initializing" => status.autoscaler_status = "Initializing".to_owned(),
            "Cluster-wide:" | "" => {}
            "NodeGroups:" => in_groups = true,
            other if !other.starts_with(' ') => {
                status.autoscaler_status = "Initializing".to_owned();
                status.message = Some(other.to_owned());
            }
            other => {
                if let Some(name) = other.strip_prefix("  Name:") {
                    status.groups.push(CaGroup {
                        name: name.trim().to_owned(),
                        health: String::new(),
                        target: 0,
                        min: 0,
                        max: 0,
                        ready: 0,
                        registered: 0,
                        scale_up: String::new(),
                        backoff: None,
                        scale_down: ScaleDown::default(),
                    });
                    last_condition = "";
                    continue;
                }
                if let Some(time) = other.trim_start().strip_prefix("LastTransitionTime:") {
                    // 1.29 writes the zero time for "never".
                    let time = time.trim();
                    if let (true, Some(group), "ScaleDown") =
                        (in_groups, status.groups.last_mut(), last_condition)
                        && !time.starts_with("0001-01-01")
                    {
                        group.scale_down.since = Some(time.to_owned());
                    }
                    continue;
                }
                let Some((kind, value, details)) = condition(other) else {
                    continue;
                };
                last_condition = kind;
                let count = counts(details);
                match (in_groups, status.groups.last_mut(), kind) {
                    (false, _, "Health") => status.cluster_wide.health = value.to_owned(),
                    (false, _, "ScaleUp") => status.cluster_wide.scale_up = value.to_owned(),
                    (false, _, _) => status.cluster_wide.scale_down = value.to_owned(),
                    (true, Some(group), "Health") => {
                        group.health = value.to_owned();
                        group.ready = count("ready");
                        group.registered = count("registered");
                        group.target = count("cloudProviderTarget");
                        group.min = count("minSize");
                        group.max = count("maxSize");
                    }
                    (true, Some(group), "ScaleUp") => group.scale_up = value.to_owned(),
                    (true, Some(group), "ScaleDown") => {
                        group.scale_down.status = value.to_owned();
                        group.scale_down.candidates = count("candidates");
                    }
                    _ => {}
                }
            }
        }
    }
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_after_three_scan_intervals_without_a_write() {
        let ten = Duration::from_secs(10);
        assert!(!is_stale(30, ten));
        assert!(is_stale(31, ten));
        assert!(!is_stale(-5, ten), "a clock ahead of ours is fresh");
        let annotations = BTreeMap::from([(ANNOTATION_LAST_UPDATED.to_owned(), "a".to_owned())]);
        assert_eq!(last_written(Some(&annotations), "b"), "a");
        assert_eq!(last_written(None, "b"), "b");
    }

    const YAML_135: &str = r#"autoscalerStatus: Running
clusterWide:
  health:
    lastProbeTime: "2026-11-22T10:00:00Z"
    lastTransitionTime: "2026-11-22T09:00:00Z"
    nodeCounts:
      longUnregistered: 0
      registered: {notStarted: 0, ready: 3, suspended: 0, total: 3, unready: {resourceUnready: 0, total: 0}}
      unregistered: 0
    status: Healthy
  scaleDown: {lastProbeTime: null, lastTransitionTime: null, status: NoCandidates}
  scaleUp: {lastProbeTime: "2026-11-22T10:00:00Z", lastTransitionTime: null, status: NoActivity}
nodeGroups:
- health:
    cloudProviderTarget: 3
    maxSize: 10
    minSize: 0
    nodeCounts:
      registered: {notStarted: 0, ready: 3, total: 3, unready: {resourceUnready: 0, total: 0}}
    status: Healthy
  name: general
  scaleDown: {candidates: 2, lastProbeTime: "2026-11-22T10:00:00Z", lastTransitionTime: "2026-11-22T09:55:00Z", status: CandidatesPresent}
  scaleUp: {backoffInfo: {}, status: NoActivity}
- health:
    cloudProviderTarget: 0
    maxSize: 4
    minSize: 0
    nodeCounts: {registered: {notStarted: 0, ready: 0, total: 0}}
    status: Healthy
  name: gpu
  scaleDown: {status: NoCandidates}
  scaleUp:
    backoffInfo: {errorCode: cloudProviderError, errorMessage: "failed to increase node group size: size increase too large"}
    status: Backoff
time: 2026-11-22 10:00:00.123456789 +0000 UTC
"#;

    const TEXT_129: &str = "Cluster-autoscaler status at 2024-03-07 10:15:42.362271802 +0000 UTC:
Cluster-wide:
  Health:      Healthy (ready=5 unready=0 (resourceUnready=0) notStarted=0 longNotStarted=0 registered=5 longUnregistered=0)
               LastProbeTime:      2024-03-07 10:15:42.118409711 +0000 UTC m=+3605.902715233
               LastTransitionTime: 2024-03-07 09:15:47.006623957 +0000 UTC m=+10.790929472
  ScaleUp:     NoActivity (ready=5 registered=5)
               LastProbeTime:      2024-03-07 10:15:42.118409711 +0000 UTC m=+3605.902715233
  ScaleDown:   NoCandidates (candidates=0)
               LastProbeTime:      2024-03-07 10:15:42.118409711 +0000 UTC m=+3605.902715233

NodeGroups:
  Name:        ng1-1709802945
  Health:      Healthy (ready=3 unready=0 (resourceUnready=0) notStarted=0 longNotStarted=0 registered=3 longUnregistered=0 cloudProviderTarget=3 (minSize=0, maxSize=200))
               LastProbeTime:      2024-03-07 10:15:42.118409711 +0000 UTC m=+3605.902715233
  ScaleUp:     NoActivity (ready=3 cloudProviderTarget=3)
  ScaleDown:   CandidatesPresent (candidates=1)
               LastProbeTime:      2024-03-07 10:15:42.118409711 +0000 UTC m=+3605.902715233
               LastTransitionTime: 2024-03-07 10:05:12.5 +0000 UTC m=+3000.1

  Name:        ng2-1709802945
  Health:      Healthy (ready=0 unready=0 (resourceUnready=0) notStarted=0 longNotStarted=0 registered=0 longUnregistered=0 cloudProviderTarget=0 (minSize=0, maxSize=10))
  ScaleUp:     Backoff (ready=0 cloudProviderTarget=0)
  ScaleDown:   NoCandidates (candidates=0)

";

    #[test]
    fn yaml_status() {
        let s = parse(YAML_135).unwrap();
        assert_eq!(s.autoscaler_status, "Running");
        assert_eq!(s.time, "2026-11-22 10:00:00.123456789 +0000 UTC");
        assert_eq!(s.cluster_wide.health, "Healthy");
        assert_eq!(s.cluster_wide.scale_down, "NoCandidates");
        assert_eq!(s.groups.len(), 2);
        let general = &s.groups[0];
        assert_eq!(
            (
                general.target,
                general.min,
                general.max,
                general.ready,
                general.registered
            ),
            (3, 0, 10, 3, 3)
        );
        assert_eq!(general.backoff, None, "backoffInfo: {{}} is no backoff");
        assert_eq!(
            general.scale_down,
            ScaleDown {
                status: "CandidatesPresent".into(),
                candidates: 2,
                since: Some("2026-11-22T09:55:00Z".into())
            }
        );
        assert_eq!(s.groups[1].scale_down.status, "NoCandidates");
        assert_eq!(s.groups[1].scale_down.since, None);
        let gpu = &s.groups[1];
        assert_eq!(gpu.scale_up, "Backoff");
        assert_eq!(
            gpu.backoff.as_ref().unwrap().error_code,
            "cloudProviderError"
        );
    }

    #[test]
    fn text_status_of_ca_129() {
        let s = parse(TEXT_129).unwrap();
        assert_eq!(s.time, "2024-03-07 10:15:42.362271802 +0000 UTC");
        assert_eq!(s.cluster_wide.scale_up, "NoActivity");
        assert_eq!(s.groups.len(), 2);
        assert_eq!(s.groups[0].name, "ng1-1709802945");
        assert_eq!(
            (s.groups[0].target, s.groups[0].max, s.groups[0].ready),
            (3, 200, 3)
        );
        assert_eq!(s.groups[1].scale_up, "Backoff");
        assert_eq!(s.groups[1].max, 10);
        assert_eq!(
            s.groups[0].scale_down,
            ScaleDown {
                status: "CandidatesPresent".into(),
                candidates: 1,
                since: Some("2024-03-07 10:05:12.5 +0000 UTC m=+3000.1".into())
            }
        );
        assert_eq!(s.groups[1].scale_down.status, "NoCandidates");
        let init = parse("Cluster-autoscaler status at 2024-03-07 10:15:42 +0000 UTC:\nCluster has no ready nodes.").unwrap();
        assert_eq!(init.autoscaler_status, "Initializing");
        assert_eq!(init.message.as_deref(), Some("Cluster has no ready nodes."));
    }

    #[test]
    fn junk_is_not_a_status() {
        assert_eq!(parse("- a\n- b\n"), None);
        assert_eq!(parse(": : :"), None);
    }
}
