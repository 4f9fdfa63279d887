//! Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` asks for, with the
//! real server's columns and cells (copied from the kit's kube-apiserver v1.36.3 printers).

use serde_json::{Value, json};

use crate::util;

/// A column: name, type, format, priority (1 = only with `-o wide`).
type Column = (&'static str, &'static str, &'static str, u8);

const NAME: Column = ("Name", "string", "name", 0);
const AGE: Column = ("Age", "string", "", 0);

fn columns(plural: &str) -> Vec<Column> {
    let s = |name: &'static str, priority: u8| (name, "string", "", priority);
    match plural {
        "nodes" => vec![
            NAME,
            s("Status", 0),
            s("Roles", 0),
            AGE,
            s("Version", 0),
            s("Internal-IP", 1),
            s("External-IP", 1),
            s("OS-Image", 1),
            s("Kernel-Version", 1),
            s("Container-Runtime", 1),
        ],
        "configmaps" => vec![NAME, s("Data", 0), AGE],
        "namespaces" => vec![NAME, s("Status", 0), AGE],
        "pods" => vec![
            NAME,
            s("Ready", 0),
            s("Status", 0),
            s("Restarts", 0),
            AGE,
            s("IP", 1),
            s("Node", 1),
            s("Nominated Node", 1),
            s("Readiness Gates", 1),
        ],
        "deployments" => vec![
            NAME,
            s("Ready", 0),
            s("Up-to-date", 0),
            s("Available", 0),
            AGE,
            s("Containers", 1),
            s("Images", 1),
            s("Selector", 1),
        ],
        "events" => vec![
            s("Last Seen", 0),
            s("Type", 0),
            s("Reason", 0),
            s("Object", 0),
            s("Subobject", 1),
            s("Source", 1),
            s("Message", 0),
            s("First Seen", 1),
            s("Count", 1),
            ("Name", "string", "name", 1),
        ],
        "services" => vec![
            NAME,
            s("Type", 0),
            s("Cluster-IP", 0),
            s("External-IP", 0),
            s("Port(s)", 0),
            AGE,
            s("Selector", 1),
        ],
        "customresourcedefinitions" => vec![NAME, ("Created At", "date", "", 0)],
        _ => vec![NAME, AGE],
    }
}

/// Parses RFC 3339 (`2024-01-02T03:04:05Z`, fractions and offsets allowed) into unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = s.get(19..)?;
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let mi: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (h * 3600 + mi * 60)
        }
    };
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

/// apimachinery's `duration.HumanDuration`.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `translateTimestampSince`: the age of an RFC 3339 timestamp, `<unknown>` when unset.
fn since(ts: &Value, now: i64) -> String {
    match ts.as_str().and_then(parse_rfc3339) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

fn str_of<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.into()
    }
}

fn node_cells(o: &Value, now: i64) -> Vec<Value> {
    let mut status: Vec<String> = Vec::new();
    if let Some(ready) = o["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
    {
        status.push(if ready["status"] == "True" {
            "Ready".into()
        } else {
            "NotReady".into()
        });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if o["spec"]["unschedulable"] == true {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = Vec::new();
    if let Some(labels) = o["metadata"]["labels"].as_object() {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.push(role.to_owned());
                }
            } else if k == "kubernetes.io/role" && v.as_str().is_some_and(|v| !v.is_empty()) {
                roles.push(v.as_str().unwrap_or("").to_owned());
            }
        }
    }
    roles.sort();
    roles.dedup();
    let address = |kind: &str| {
        o["status"]["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["type"] == kind))
            .map(|x| str_of(x, "/address").to_owned())
            .unwrap_or_else(|| "<none>".into())
    };
    let info = |key: &str| {
        let v = str_of(o, &format!("/status/nodeInfo/{key}"));
        if v.is_empty() {
            "<unknown>".to_owned()
        } else {
            v.to_owned()
        }
    };
    vec![
        json!(str_of(o, "/metadata/name")),
        json!(status.join(",")),
        json!(if roles.is_empty() {
            "<none>".to_owned()
        } else {
            roles.join(",")
        }),
        json!(since(&o["metadata"]["creationTimestamp"], now)),
        json!(str_of(o, "/status/nodeInfo/kubeletVersion")),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(info("osImage")),
        json!(info("kernelVersion")),
        json!(info("containerRuntimeVersion")),
    ]
}

fn pod_cells(o: &Value, now: i64) -> Vec<Value> {
    let statuses = o["status"]["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total = o["spec"]["containers"].as_array().map_or(0, Vec::len);
    let ready = statuses.iter().filter(|c| c["ready"] == true).count();
    let restarts: i64 = statuses
        .iter()
        .filter_map(|c| c["restartCount"].as_i64())
        .sum();
    let mut reason = str_of(o, "/status/phase").to_owned();
    if !str_of(o, "/status/reason").is_empty() {
        reason = str_of(o, "/status/reason").to_owned();
    }
    for c in &statuses {
        let waiting = str_of(c, "/state/waiting/reason");
        let terminated = str_of(c, "/state/terminated/reason");
        if !waiting.is_empty() {
            reason = waiting.to_owned();
        } else if !terminated.is_empty() {
            reason = terminated.to_owned();
        }
    }
    if !o["metadata"]["deletionTimestamp"].is_null() && reason != "NodeLost" {
        reason = "Terminating".into();
    }
    let gates = o["spec"]["readinessGates"].as_array().map_or(0, Vec::len);
    vec![
        json!(str_of(o, "/metadata/name")),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts.to_string()),
        json!(since(&o["metadata"]["creationTimestamp"], now)),
        json!(or_none(str_of(o, "/status/podIP"))),
        json!(or_none(str_of(o, "/spec/nodeName"))),
        json!(or_none(str_of(o, "/status/nominatedNodeName"))),
        json!(if gates == 0 {
            "<none>".to_owned()
        } else {
            format!("0/{gates}")
        }),
    ]
}

/// `metav1.FormatLabelSelector`.
fn format_selector(sel: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = sel["matchLabels"].as_object() {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            parts.push(format!("{k}={}", m[k].as_str().unwrap_or("")));
        }
    }
    if let Some(exprs) = sel["matchExpressions"].as_array() {
        for e in exprs {
            let key = str_of(e, "/key");
            let values: Vec<&str> = e["values"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            parts.push(match str_of(e, "/operator") {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.to_owned(),
                "DoesNotExist" => format!("!{key}"),
                other => format!("{key} {other}"),
            });
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

fn deployment_cells(o: &Value, now: i64) -> Vec<Value> {
    let containers = o["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| str_of(c, "/name")).collect();
    let images: Vec<&str> = containers.iter().map(|c| str_of(c, "/image")).collect();
    let status = |k: &str| o["status"][k].as_i64().unwrap_or(0);
    vec![
        json!(str_of(o, "/metadata/name")),
        json!(format!(
            "{}/{}",
            status("readyReplicas"),
            o["spec"]["replicas"].as_i64().unwrap_or(1)
        )),
        json!(status("updatedReplicas")),
        json!(status("availableReplicas")),
        json!(since(&o["metadata"]["creationTimestamp"], now)),
        json!(names.join(",")),
        json!(images.join(",")),
        json!(format_selector(&o["spec"]["selector"])),
    ]
}

fn event_cells(o: &Value, now: i64) -> Vec<Value> {
    let mut first = since(&o["firstTimestamp"], now);
    if o["firstTimestamp"].is_null() {
        first = since(&o["eventTime"], now);
    }
    let mut last = since(&o["lastTimestamp"], now);
    if o["lastTimestamp"].is_null() {
        last = first.clone();
    }
    let mut count = o["count"].as_i64().unwrap_or(0);
    if o["series"].is_object() {
        last = since(&o["series"]["lastObservedTime"], now);
        count = o["series"]["count"].as_i64().unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = str_of(o, "/involvedObject/kind").to_ascii_lowercase();
    let name = str_of(o, "/involvedObject/name");
    let target = if name.is_empty() {
        kind
    } else {
        format!("{kind}/{name}")
    };
    let first_non_empty = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_owned()
        } else {
            a.to_owned()
        }
    };
    let component = first_non_empty(
        str_of(o, "/source/component"),
        str_of(o, "/reportingComponent"),
    );
    let instance = first_non_empty(str_of(o, "/source/host"), str_of(o, "/reportingInstance"));
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        json!(last),
        json!(str_of(o, "/type")),
        json!(str_of(o, "/reason")),
        json!(target),
        json!(str_of(o, "/involvedObject/fieldPath")),
        json!(source),
        json!(str_of(o, "/message").trim()),
        json!(first),
        json!(count),
        json!(str_of(o, "/metadata/name")),
    ]
}

fn service_cells(o: &Value, now: i64) -> Vec<Value> {
    let kind = match str_of(o, "/spec/type") {
        "" => "ClusterIP",
        t => t,
    };
    let external: Vec<&str> = o["spec"]["externalIPs"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let external = match kind {
        "ExternalName" => str_of(o, "/spec/externalName").to_owned(),
        "LoadBalancer" if external.is_empty() => "<pending>".to_owned(),
        _ if external.is_empty() => "<none>".to_owned(),
        _ => external.join(","),
    };
    let ports: Vec<String> = o["spec"]["ports"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let port = p["port"].as_i64().unwrap_or(0);
                    let protocol = match str_of(p, "/protocol") {
                        "" => "TCP",
                        x => x,
                    };
                    match p["nodePort"].as_i64() {
                        Some(n) if n > 0 => format!("{port}:{n}/{protocol}"),
                        _ => format!("{port}/{protocol}"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mut selector: Vec<String> = o["spec"]["selector"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    selector.sort();
    vec![
        json!(str_of(o, "/metadata/name")),
        json!(kind),
        json!(or_none(str_of(o, "/spec/clusterIP"))),
        json!(external),
        json!(if ports.is_empty() {
            "<none>".to_owned()
        } else {
            ports.join(",")
        }),
        json!(since(&o["metadata"]["creationTimestamp"], now)),
        json!(if selector.is_empty() {
            "<none>".to_owned()
        } else {
            selector.join(",")
        }),
    ]
}

fn cells(plural: &str, o: &Value, now: i64) -> Vec<Value> {
    let name = json!(str_of(o, "/metadata/name"));
    let age = json!(since(&o["metadata"]["creationTimestamp"], now));
    match plural {
        "nodes" => node_cells(o, now),
        "pods" => pod_cells(o, now),
        "deployments" => deployment_cells(o, now),
        "events" => event_cells(o, now),
        "services" => service_cells(o, now),
        "configmaps" => {
            let count = |k: &str| o[k].as_object().map_or(0, |m| m.len());
            vec![name, json!(count("data") + count("binaryData")), age]
        }
        "namespaces" => vec![name, json!(str_of(o, "/status/phase")), age],
        "customresourcedefinitions" => vec![name, o["metadata"]["creationTimestamp"].clone()],
        _ => vec![name, age],
    }
}

/// Does this `Accept` header ask for a Table?
pub fn wants_table(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.contains("as=Table") && first.contains("g=meta.k8s.io"))
}

/// The Table for `objects` (full objects), with the list's `metadata` (resourceVersion,
/// continue). `include` is the `includeObject` parameter: `None`, `Object`, else metadata only.
pub fn table(plural: &str, objects: &[Value], metadata: Value, include: &str) -> Value {
    let now = util::now_rfc3339();
    let now = parse_rfc3339(&now).unwrap_or(0);
    let column_definitions: Vec<Value> = columns(plural)
        .into_iter()
        .map(|(name, kind, format, priority)| {
            json!({"name": name, "type": kind, "format": format, "description": "", "priority": priority})
        })
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|o| {
            let mut row = json!({"cells": cells(plural, o, now)});
            match include {
                "None" => {}
                "Object" => row["object"] = o.clone(),
                _ => {
                    row["object"] = json!({
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": o["metadata"],
                    })
                }
            }
            row
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": column_definitions,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times() {
        assert_eq!(human_duration(3), "3s");
        assert_eq!(human_duration(289), "4m49s");
        assert_eq!(human_duration(44 * 60), "44m");
        assert_eq!(human_duration(5 * 3600 + 60), "5h1m");
        assert_eq!(human_duration(3 * 86_400), "3d");
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(
            parse_rfc3339("2023-11-14T23:13:20.5+01:00"),
            Some(1_700_000_000)
        );
        assert!(wants_table(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        ));
        assert!(!wants_table("application/json"));
    }
}
