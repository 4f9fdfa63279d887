//! events.k8s.io/v1 Events: stored as core/v1 Events (one store, as in the real server) and
//! converted at the door, with the real server's field mapping. Watches are not served here.

use serde_json::{Value, json};

/// The URL prefix of the group.
pub const PREFIX: &str = "/apis/events.k8s.io/v1/";

/// events.k8s.io/v1 field ↔ core/v1 field (top level of an Event).
const RENAMES: &[(&str, &str)] = &[
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
    ("reportingController", "reportingComponent"),
];

fn rename(v: &mut Value, from_v1: bool) {
    let Some(m) = v.as_object_mut() else { return };
    for (v1, core) in RENAMES {
        let (from, to) = if from_v1 { (v1, core) } else { (core, v1) };
        if let Some(x) = m.remove(*from) {
            m.insert((*to).to_owned(), x);
        }
    }
}

/// The core/v1 path for an events.k8s.io/v1 path (`None` for any other path).
pub fn core_path(path: &str) -> Option<String> {
    path.strip_prefix(PREFIX)
        .map(|rest| format!("/api/v1/{rest}"))
}

/// An events.k8s.io/v1 Event (or patch document) in core/v1 terms.
pub fn to_core(v: &mut Value) {
    rename(v, true);
    if v.get("apiVersion").is_some() {
        v["apiVersion"] = json!("v1");
    }
}

/// A JSON patch's paths in core/v1 terms.
pub fn json_patch_to_core(ops: &mut Value) {
    for op in ops.as_array_mut().into_iter().flatten() {
        for key in ["path", "from"] {
            let Some(path) = op[key].as_str().map(str::to_owned) else {
                continue;
            };
            for (v1, core) in RENAMES {
                let prefix = format!("/{v1}");
                if path == prefix || path.starts_with(&format!("{prefix}/")) {
                    op[key] = json!(format!("/{core}{}", &path[prefix.len()..]));
                }
            }
        }
    }
}

/// A core/v1 answer (Event, EventList, Status) in events.k8s.io/v1 terms; Tables are the same.
pub fn from_core(v: &mut Value) {
    match v["kind"].as_str().unwrap_or("") {
        "Event" => {
            rename(v, false);
            v["apiVersion"] = json!("events.k8s.io/v1");
        }
        "EventList" => {
            for item in v["items"].as_array_mut().into_iter().flatten() {
                rename(item, false);
            }
            v["apiVersion"] = json!("events.k8s.io/v1");
        }
        "Status" => {
            if let Some(message) = v["message"].as_str() {
                v["message"] = json!(message.replacen("events \"", "events.events.k8s.io \"", 1));
            }
            if v["details"]["kind"] == "events" {
                v["details"]["group"] = json!("events.k8s.io");
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v1 = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "note": "n",
                        "regarding": {"kind": "Pod"}, "reportingController": "ca", "reason": "R"});
        let mut core = v1.clone();
        to_core(&mut core);
        assert_eq!(
            core,
            json!({"apiVersion": "v1", "kind": "Event", "message": "n",
                   "involvedObject": {"kind": "Pod"}, "reportingComponent": "ca", "reason": "R"})
        );
        from_core(&mut core);
        assert_eq!(core, v1);
        let mut ops = json!([{"op": "replace", "path": "/note", "value": "x"},
                             {"op": "add", "path": "/regarding/name", "value": "p"}]);
        json_patch_to_core(&mut ops);
        assert_eq!(ops[0]["path"], "/message");
        assert_eq!(ops[1]["path"], "/involvedObject/name");
        assert_eq!(
            core_path("/apis/events.k8s.io/v1/namespaces/a/events").unwrap(),
            "/api/v1/namespaces/a/events"
        );
    }
}
