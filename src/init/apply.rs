//! `init --apply`: creates or updates the ConfigMaps, showing a diff first and never clobbering a concurrent change.

use super::render::{ConfigMapOut, MANAGED_BY};
use crate::cluster::{Cluster, read_with_retries};
use crate::error::{Error, ErrorKind, Result};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ObjectMeta, PostParams};
use std::collections::BTreeMap;

/// What applying one ConfigMap will do, decided after reading it.
pub enum Step<'g> {
    Create(&'g ConfigMapOut),
    Unchanged(&'g ConfigMapOut),
    /// Replace the key's value in `existing` (which carries the resourceVersion read).
    Update {
        out: &'g ConfigMapOut,
        existing: Box<ConfigMap>,
        diff: String,
    },
}

impl Step<'_> {
    pub fn name(&self) -> &str {
        match self {
            Step::Create(out) | Step::Unchanged(out) | Step::Update { out, .. } => &out.name,
        }
    }
}

/// A unified diff of a data key, coloured for a terminal when `colors`.
pub fn diff(name: &str, key: &str, old: &str, new: &str, colors: bool) -> String {
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("configmap/{name} data.{key} (in the cluster)"),
            &format!("configmap/{name} data.{key} (init)"),
        )
        .to_string();
    if !colors {
        return text;
    }
    let red = console::Style::new().red().for_stderr();
    let green = console::Style::new().green().for_stderr();
    let cyan = console::Style::new().cyan().for_stderr();
    text.lines()
        .map(|line| {
            let styled = if line.starts_with("+++") || line.starts_with("---") {
                line.to_owned()
            } else if line.starts_with('+') {
                green.apply_to(line).to_string()
            } else if line.starts_with('-') {
                red.apply_to(line).to_string()
            } else if line.starts_with("@@") {
                cyan.apply_to(line).to_string()
            } else {
                line.to_owned()
            };
            styled + "\n"
        })
        .collect()
}

/// Reads each ConfigMap and decides what applying it means.
pub async fn plan<'g>(
    cluster: &Cluster,
    namespace: &str,
    outs: &[&'g ConfigMapOut],
    colors: bool,
) -> Result<Vec<Step<'g>>> {
    let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), namespace);
    let mut steps = Vec::new();
    for out in outs {
        let existing = read_with_retries(|| api.get_opt(&out.name))
            .await
            .map_err(|e| cluster.api_error(e, "get", "configmaps", Some(namespace)))?;
        steps.push(match existing {
            None => Step::Create(out),
            Some(existing) => {
                let old = existing
                    .data
                    .as_ref()
                    .and_then(|d| d.get(out.key))
                    .cloned()
                    .unwrap_or_default();
                if old == out.value {
                    Step::Unchanged(out)
                } else {
                    Step::Update {
                        diff: diff(&out.name, out.key, &old, &out.value, colors),
                        out,
                        existing: Box::new(existing),
                    }
                }
            }
        });
    }
    Ok(steps)
}

/// Creates or updates; an update sends the resourceVersion read, so a change since is a conflict.
pub async fn write(
    cluster: &Cluster,
    namespace: &str,
    steps: Vec<Step<'_>>,
) -> Result<Vec<String>> {
    let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), namespace);
    let mut done = Vec::new();
    for step in steps {
        match step {
            Step::Unchanged(out) => done.push(format!("configmap/{} unchanged", out.name)),
            Step::Create(out) => {
                let object = ConfigMap {
                    metadata: ObjectMeta {
                        name: Some(out.name.clone()),
                        namespace: Some(namespace.to_owned()),
                        labels: Some(BTreeMap::from([(
                            MANAGED_BY.0.to_owned(),
                            MANAGED_BY.1.to_owned(),
                        )])),
                        ..ObjectMeta::default()
                    },
                    data: Some(BTreeMap::from([(out.key.to_owned(), out.value.clone())])),
                    ..ConfigMap::default()
                };
                match api.create(&PostParams::default(), &object).await {
                    Ok(_) => done.push(format!("configmap/{} created", out.name)),
                    Err(kube::Error::Api(status)) if status.code == 409 => {
                        return Err(conflict(
                            &out.name,
                            namespace,
                            "was created by someone else since it was read",
                        ));
                    }
                    Err(kube::Error::Api(status)) if status.code == 404 => {
                        return Err(Error::new(
                            ErrorKind::Findings,
                            format!("namespace `{namespace}` does not exist"),
                        )
                        .with_hint(format!(
                            "kubectl create namespace {namespace}, or pick another with -n"
                        )));
                    }
                    Err(e) => {
                        return Err(cluster.api_error(e, "create", "configmaps", Some(namespace)));
                    }
                }
            }
            Step::Update { out, existing, .. } => {
                let mut object = *existing;
                object
                    .data
                    .get_or_insert_with(BTreeMap::new)
                    .insert(out.key.to_owned(), out.value.clone());
                match api
                    .replace(&out.name, &PostParams::default(), &object)
                    .await
                {
                    Ok(_) => done.push(format!("configmap/{} configured", out.name)),
                    Err(kube::Error::Api(status)) if status.code == 409 => {
                        return Err(conflict(&out.name, namespace, "changed since it was read"));
                    }
                    Err(kube::Error::Api(status)) if status.code == 404 => {
                        return Err(conflict(
                            &out.name,
                            namespace,
                            "was deleted since it was read",
                        ));
                    }
                    Err(e) => {
                        return Err(cluster.api_error(e, "update", "configmaps", Some(namespace)));
                    }
                }
            }
        }
    }
    Ok(done)
}

fn conflict(name: &str, namespace: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::Findings,
        format!("ConfigMap `{name}` in namespace `{namespace}` {what}; it was not overwritten"),
    )
    .with_hint("run init --apply again to see the diff against its current content")
}
