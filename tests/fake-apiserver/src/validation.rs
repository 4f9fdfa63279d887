//! Object validation: names, node taints, ConfigMap keys and size, in the real messages' words.

use serde_json::Value;

use crate::resources::ResourceType;
use crate::status::FieldError;

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// Maximum total size of a ConfigMap's data plus binaryData.
pub const MAX_CONFIGMAP_BYTES: usize = 1024 * 1024;

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn label_chars_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// RFC 1123 subdomain check.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

fn name_errors(name: &str, label_only: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if label_only {
        if name.len() > 63 {
            errs.push(FieldError::invalid(
                "metadata.name",
                name,
                "must be no more than 63 characters",
            ));
        }
        if !label_chars_ok(name) {
            errs.push(FieldError::invalid(
                "metadata.name",
                name,
                DNS1123_LABEL_MSG,
            ));
        }
    } else {
        if name.len() > 253 {
            errs.push(FieldError::invalid(
                "metadata.name",
                name,
                "must be no more than 253 characters",
            ));
        }
        if !name.split('.').all(label_chars_ok) {
            errs.push(FieldError::invalid(
                "metadata.name",
                name,
                DNS1123_SUBDOMAIN_MSG,
            ));
        }
    }
    errs
}

fn go_string(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or("").to_string()
}

/// Validates an object about to be stored; an empty result means valid.
pub fn validate(rt: &ResourceType, obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        errs.extend(name_errors(name, rt.plural == "namespaces"));
    }
    if let Some(labels) = obj.pointer("/metadata/labels")
        && let Some(m) = labels.as_object()
    {
        for (k, v) in m {
            if !v.is_string() {
                errs.push(FieldError::invalid(
                    &format!("metadata.labels.{k}"),
                    &v.to_string(),
                    "label values must be strings",
                ));
            }
        }
    }
    match rt.plural {
        "configmaps" => {
            let mut total = 0usize;
            for (field, section) in [("data", "/data"), ("binaryData", "/binaryData")] {
                if let Some(m) = obj.pointer(section).and_then(Value::as_object) {
                    for (k, v) in m {
                        let valid = !k.is_empty()
                            && k.len() <= 253
                            && k != "."
                            && k != ".."
                            && k.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c));
                        if !valid {
                            errs.push(FieldError::invalid(
                                &format!("{field}[{k}]"),
                                k,
                                CONFIG_KEY_MSG,
                            ));
                        }
                        total += k.len();
                        total += match v {
                            // binaryData is base64 on the wire; count decoded bytes.
                            Value::String(s) if field == "binaryData" => s.len() / 4 * 3,
                            Value::String(s) => s.len(),
                            other => other.to_string().len(),
                        };
                    }
                }
            }
            if total > MAX_CONFIGMAP_BYTES {
                errs.push(FieldError::too_long("[]", MAX_CONFIGMAP_BYTES));
            }
        }
        "nodes" => {
            if let Some(taints) = obj.pointer("/spec/taints").and_then(Value::as_array) {
                let mut seen: Vec<(String, String)> = Vec::new();
                for (i, t) in taints.iter().enumerate() {
                    let key = go_string(t.get("key"));
                    let effect = go_string(t.get("effect"));
                    let path = format!("spec.taints[{i}]");
                    if key.is_empty() {
                        errs.push(FieldError::required(&format!("{path}.key"), ""));
                    }
                    if effect.is_empty() {
                        errs.push(FieldError::required(&format!("{path}.effect"), ""));
                    } else if !["NoSchedule", "PreferNoSchedule", "NoExecute"]
                        .contains(&effect.as_str())
                    {
                        errs.push(FieldError {
                            reason: "FieldValueNotSupported",
                            field: format!("{path}.effect"),
                            body: format!(
                                "Unsupported value: {effect:?}: supported values: \"NoExecute\", \"NoSchedule\", \"PreferNoSchedule\""
                            ),
                        });
                    }
                    let pair = (key.clone(), effect.clone());
                    if seen.contains(&pair) {
                        let value = go_string(t.get("value"));
                        errs.push(FieldError::duplicate(
                            &path,
                            &format!(
                                "core.Taint{{Key:{key:?}, Value:{value:?}, Effect:{effect:?}, TimeAdded:<nil>}}"
                            ),
                            "taints must be unique by key and effect pair",
                        ));
                    } else {
                        seen.push(pair);
                    }
                }
            }
        }
        _ => {}
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(!is_dns1123_subdomain("Bad_Name"));
        assert!(!is_dns1123_subdomain("-a"));
        assert!(!is_dns1123_subdomain(""));
    }
}
