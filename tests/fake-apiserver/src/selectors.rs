//! Label and field selector parsing and matching, with the real apiserver's operators.

use serde_json::Value;

use crate::resources::ResourceType;
use crate::status::ApiError;

/// One label selector requirement.
#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
    Gt(String, i64),
    Lt(String, i64),
}

/// A parsed label selector (AND of requirements).
#[derive(Debug, Clone, Default)]
pub struct LabelSelector(Vec<LabelReq>);

/// Splits on commas that are not inside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 317
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn valid_value(v: &str) -> bool {
    v.len() <= 63
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn parse_set(rest: &str, whole: &str) -> Result<Vec<String>, ApiError> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "unable to parse requirement: found '{rest}', expected: '('"
            ))
        })?;
    let vals: Vec<String> = inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if vals.is_empty() && !whole.is_empty() {
        return Ok(vals);
    }
    for v in &vals {
        if !valid_value(v) {
            return Err(ApiError::bad_request(format!(
                "unable to parse requirement: values[0][{whole}]: Invalid value: {v:?}"
            )));
        }
    }
    Ok(vals)
}

impl LabelSelector {
    /// Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let mut reqs = Vec::new();
        if s.trim().is_empty() {
            return Ok(LabelSelector(reqs));
        }
        for part in split_top(s) {
            let p = part.trim();
            if p.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "unable to parse requirement: found '', expected: identifier in selector {s:?}"
                )));
            }
            let bad_key = |k: &str| {
                ApiError::bad_request(format!(
                    "unable to parse requirement: key: Invalid value: {k:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                ))
            };
            let bad_val = |v: &str| {
                ApiError::bad_request(format!(
                    "unable to parse requirement: values[0][{p}]: Invalid value: {v:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                ))
            };
            let req = if let Some(k) = p.strip_prefix('!') {
                let k = k.trim();
                if !valid_key(k) {
                    return Err(bad_key(k));
                }
                LabelReq::NotExists(k.into())
            } else if let Some((k, v)) = p.split_once("!=") {
                let (k, v) = (k.trim(), v.trim());
                if !valid_key(k) {
                    return Err(bad_key(k));
                }
                if !valid_value(v) {
                    return Err(bad_val(v));
                }
                LabelReq::Ne(k.into(), v.into())
            } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
                let (k, v) = (k.trim(), v.trim());
                if !valid_key(k) {
                    return Err(bad_key(k));
                }
                if !valid_value(v) {
                    return Err(bad_val(v));
                }
                LabelReq::Eq(k.into(), v.into())
            } else if let Some((k, v)) = p.split_once('>') {
                let n = v.trim().parse::<i64>().map_err(|_| bad_val(v.trim()))?;
                LabelReq::Gt(k.trim().into(), n)
            } else if let Some((k, v)) = p.split_once('<') {
                let n = v.trim().parse::<i64>().map_err(|_| bad_val(v.trim()))?;
                LabelReq::Lt(k.trim().into(), n)
            } else {
                let mut it = p.splitn(2, char::is_whitespace);
                let k = it.next().unwrap_or("").trim();
                let rest = it.next().unwrap_or("").trim();
                if !valid_key(k) {
                    return Err(bad_key(k));
                }
                if rest.is_empty() {
                    LabelReq::Exists(k.into())
                } else if let Some(r) = rest.strip_prefix("notin") {
                    LabelReq::NotIn(k.into(), parse_set(r, p)?)
                } else if let Some(r) = rest.strip_prefix("in") {
                    LabelReq::In(k.into(), parse_set(r, p)?)
                } else {
                    return Err(ApiError::bad_request(format!(
                        "unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt"
                    )));
                }
            };
            reqs.push(req);
        }
        Ok(LabelSelector(reqs))
    }

    /// True if there are no requirements.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Does the object's `metadata.labels` satisfy every requirement?
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = obj.pointer("/metadata/labels").and_then(Value::as_object);
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            LabelReq::Eq(k, v) => get(k) == Some(v.as_str()),
            LabelReq::Ne(k, v) => get(k) != Some(v.as_str()),
            LabelReq::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            LabelReq::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            LabelReq::Exists(k) => get(k).is_some(),
            LabelReq::NotExists(k) => get(k).is_none(),
            LabelReq::Gt(k, n) => get(k)
                .and_then(|x| x.parse::<i64>().ok())
                .is_some_and(|x| x > *n),
            LabelReq::Lt(k, n) => get(k)
                .and_then(|x| x.parse::<i64>().ok())
                .is_some_and(|x| x < *n),
        })
    }
}

/// A parsed field selector: `(json pointer, value, equal?)` terms.
#[derive(Debug, Clone, Default)]
pub struct FieldSelector(Vec<(String, String, bool)>);

impl FieldSelector {
    /// Parses and checks the labels the resource supports.
    pub fn parse(s: &str, rt: &ResourceType) -> Result<Self, ApiError> {
        let mut terms = Vec::new();
        if s.trim().is_empty() {
            return Ok(FieldSelector(terms));
        }
        for part in s.split(',') {
            let p = part.trim();
            let (k, v, eq) = if let Some((k, v)) = p.split_once("!=") {
                (k, v, false)
            } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
                (k, v, true)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{s}'; can't understand '{p}'"
                )));
            };
            let k = k.trim();
            let ptr = match k {
                "metadata.name" => "/metadata/name".to_string(),
                "metadata.namespace" => "/metadata/namespace".to_string(),
                _ => match rt.fields.iter().find(|(l, _)| *l == k) {
                    Some((_, ptr)) => ptr.to_string(),
                    None => {
                        return Err(ApiError::bad_request(format!(
                            "field label not supported: {k}"
                        )));
                    }
                },
            };
            terms.push((ptr, v.trim().to_string(), eq));
        }
        Ok(FieldSelector(terms))
    }

    /// True if there are no terms.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Does the object satisfy every term? Missing fields compare as "".
    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(ptr, v, eq)| {
            let actual = match obj.pointer(ptr) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (actual == *v) == *eq
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(labels: Value) -> Value {
        json!({"metadata": {"labels": labels}})
    }

    #[test]
    fn label_operators() {
        let o = obj(json!({"a": "1", "b": "x"}));
        let m = |s: &str| LabelSelector::parse(s).unwrap().matches(&o);
        assert!(m("a=1"));
        assert!(m("a==1"));
        assert!(!m("a!=1"));
        assert!(m("c!=1"));
        assert!(m("b in (x, y)"));
        assert!(!m("b notin (x,y)"));
        assert!(m("c notin (x)"));
        assert!(m("a,b"));
        assert!(m("!c"));
        assert!(!m("!a"));
        assert!(m("a=1,b in (x),!c"));
        assert!(m("a>0"));
        assert!(!m("a<1"));
        assert!(LabelSelector::parse("a in x").is_err());
        assert!(LabelSelector::parse("a=b=c").is_err());
        assert!(LabelSelector::parse("a,,b").is_err());
    }
}
