//! Object validation: names, labels, node taints, quantities, ConfigMap keys and size, in the real messages' words.

use serde_json::Value;

use crate::resources::ResourceType;
use crate::status::FieldError;

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QUALIFIED_NAME_SLASHES_MSG: &str = "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
/// What the real server says (as a 400, while decoding) about a quantity it cannot parse.
pub const QUANTITY_MSG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

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

fn name_part_ok(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// apimachinery's `IsQualifiedName`: `[prefix/]name`, the rule for label, annotation and
/// taint keys. Returns the messages, empty when valid.
pub fn qualified_name_errors(key: &str) -> Vec<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => return vec![QUALIFIED_NAME_SLASHES_MSG.to_owned()],
    };
    let mut msgs = Vec::new();
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            msgs.push("prefix part must be non-empty".to_owned());
        } else {
            if prefix.len() > 253 {
                msgs.push("prefix part must be no more than 253 bytes".to_owned());
            }
            if !prefix.split('.').all(label_chars_ok) {
                msgs.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
            }
        }
    }
    if name.is_empty() {
        msgs.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        msgs.push("name part must be no more than 63 bytes".to_owned());
    }
    if !name_part_ok(name) {
        msgs.push(QUALIFIED_NAME_MSG.to_owned());
    }
    msgs
}

/// apimachinery's `IsValidLabelValue`.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut msgs = Vec::new();
    if value.len() > 63 {
        msgs.push("must be no more than 63 bytes".to_owned());
    }
    if !value.is_empty() && !name_part_ok(value) {
        msgs.push(LABEL_VALUE_MSG.to_owned());
    }
    msgs
}

/// Does `s` parse as a `resource.Quantity` (`ParseQuantity`)?
pub fn is_quantity(s: &str) -> bool {
    let rest = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(digits_end);
    let number_ok = number.chars().any(|c| c.is_ascii_digit()) && number.matches('.').count() <= 1;
    let suffix_ok = matches!(
        suffix,
        "" | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
            | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
    ) || suffix
        .strip_prefix(['e', 'E'])
        .map(|exp| exp.strip_prefix(['+', '-']).unwrap_or(exp))
        .is_some_and(|exp| !exp.is_empty() && exp.chars().all(|c| c.is_ascii_digit()));
    number_ok && suffix_ok
}

/// The first value in `obj` that the real server could not decode into its Go type, as its
/// message (label and annotation values that are not strings, quantities that do not parse);
/// the real server refuses such a body with 400 before validating anything.
pub fn undecodable(plural: &str, obj: &Value) -> Option<String> {
    for field in ["labels", "annotations"] {
        if let Some(m) = obj
            .pointer(&format!("/metadata/{field}"))
            .and_then(Value::as_object)
        {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            if let Some(json_type) = keys.into_iter().find_map(|k| go_json_type(&m[k])) {
                return Some(format!(
                    "json: cannot unmarshal {json_type} into Go struct field ObjectMeta.metadata.{field} of type string"
                ));
            }
        }
    }
    undecodable_quantity(plural, obj)
}

/// The name Go's encoding/json gives a JSON value that cannot go into a string.
fn go_json_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) | Value::Null => None,
        Value::Bool(_) => Some("bool"),
        Value::Number(_) => Some("number"),
        Value::Array(_) => Some("array"),
        Value::Object(_) => Some("object"),
    }
}

fn undecodable_quantity(plural: &str, obj: &Value) -> Option<String> {
    let mut lists: Vec<&Value> = Vec::new();
    fn containers(spec: Option<&Value>) -> Vec<&Value> {
        let mut out = Vec::new();
        for key in ["containers", "initContainers"] {
            if let Some(cs) = spec.and_then(|s| s.get(key)).and_then(Value::as_array) {
                for c in cs {
                    out.extend(c.pointer("/resources/requests"));
                    out.extend(c.pointer("/resources/limits"));
                }
            }
        }
        out
    }
    match plural {
        "nodes" => {
            lists.extend(obj.pointer("/status/capacity"));
            lists.extend(obj.pointer("/status/allocatable"));
        }
        "pods" => lists.extend(containers(obj.get("spec"))),
        "deployments" => lists.extend(containers(obj.pointer("/spec/template/spec"))),
        _ => {}
    }
    lists
        .into_iter()
        .filter_map(Value::as_object)
        .flat_map(|m| m.values())
        .find_map(|v| match v {
            Value::String(q) if !is_quantity(q) => Some(QUANTITY_MSG.to_owned()),
            Value::Number(_) | Value::String(_) | Value::Null => None,
            _ => Some(QUANTITY_MSG.to_owned()),
        })
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
    // Go walks maps in key order, and so do the messages.
    if let Some(m) = obj.pointer("/metadata/labels").and_then(Value::as_object) {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            for msg in qualified_name_errors(k) {
                errs.push(FieldError::invalid("metadata.labels", k, &msg));
            }
            for msg in label_value_errors(m[k].as_str().unwrap_or("")) {
                errs.push(FieldError::invalid(
                    "metadata.labels",
                    m[k].as_str().unwrap_or(""),
                    &msg,
                ));
            }
        }
    }
    if let Some(m) = obj
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        for k in keys {
            for msg in qualified_name_errors(&k.to_ascii_lowercase()) {
                errs.push(FieldError::invalid("metadata.annotations", k, &msg));
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
                    // The real server (v1.36) reports node taints under `metadata.taints`.
                    let path = format!("metadata.taints[{i}]");
                    for msg in qualified_name_errors(&key) {
                        errs.push(FieldError::invalid(&format!("{path}.key"), &key, &msg));
                    }
                    let value = go_string(t.get("value"));
                    for msg in label_value_errors(&value) {
                        errs.push(FieldError::invalid(&format!("{path}.value"), &value, &msg));
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
                                "Unsupported value: {effect:?}: supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
                            ),
                        });
                    }
                    let pair = (key.clone(), effect.clone());
                    if seen.contains(&pair) {
                        let value = go_string(t.get("value"));
                        errs.push(FieldError::duplicate(
                            &path,
                            &format!(
                                "{{\"Key\":{key:?},\"Value\":{value:?},\"Effect\":{effect:?},\"TimeAdded\":null}}"
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

    #[test]
    fn keys_values_and_quantities() {
        assert!(qualified_name_errors("example.com/pool").is_empty());
        assert!(qualified_name_errors("kwok-nodegroup").is_empty());
        assert_eq!(qualified_name_errors("a/b/c"), [QUALIFIED_NAME_SLASHES_MSG]);
        assert_eq!(qualified_name_errors("bad key"), [QUALIFIED_NAME_MSG]);
        assert!(qualified_name_errors("Example.com/x")[0].starts_with("prefix part"));
        assert!(label_value_errors("").is_empty());
        assert_eq!(label_value_errors("data platform"), [LABEL_VALUE_MSG]);
        for ok in ["1", "250m", "2Gi", "1.5", "1e3", "-1", "6249Mi", "110"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["lots", "", "1.2.3", "1Gb", "Mi", "1e"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }
}
