//! `init --apply`: creates or updates the ConfigMaps all or none: a diff first, a server-side check of every write, an undo if a later write fails.

use super::render::{ConfigMapOut, MANAGED_BY};
use crate::cluster::{Cluster, read_with_retries};
use crate::error::{Error, ErrorKind, Result};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams, Preconditions};
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

/// Does `namespace` exist? (A ConfigMap cannot be created in a namespace that does not.)
/// `None` when this user may not read namespaces: the writes will tell.
pub async fn namespace_exists(cluster: &Cluster, namespace: &str) -> Result<Option<bool>> {
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    match read_with_retries(|| api.get_opt(namespace)).await {
        Ok(found) => Ok(Some(found.is_some())),
        Err(kube::Error::Api(status)) if status.code == 401 || status.code == 403 => Ok(None),
        Err(e) => Err(cluster.api_error(e, "get", "namespaces", None)),
    }
}

/// Creates `namespace` (an existing one is fine: someone else made it meanwhile).
pub async fn create_namespace(cluster: &Cluster, namespace: &str) -> Result<String> {
    let api: Api<Namespace> = Api::all(cluster.client.clone());
    let object = Namespace {
        metadata: ObjectMeta {
            name: Some(namespace.to_owned()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    match api.create(&PostParams::default(), &object).await {
        Ok(_) => Ok(format!("namespace/{namespace} created")),
        Err(kube::Error::Api(status)) if status.code == 409 => {
            Ok(format!("namespace/{namespace} unchanged"))
        }
        Err(e) => Err(cluster.api_error(e, "create", "namespaces", None)),
    }
}

/// A write that went through, and what undoes it.
enum Written {
    /// Created: undone by deleting it (only if nobody changed it since).
    Created { name: String, written: ConfigMap },
    /// Updated: undone by writing back what was read, on top of the version written.
    Updated {
        name: String,
        before: Box<ConfigMap>,
        written: ConfigMap,
    },
}

impl Written {
    fn name(&self) -> &str {
        match self {
            Written::Created { name, .. } | Written::Updated { name, .. } => name,
        }
    }
}

fn new_config_map(out: &ConfigMapOut, namespace: &str) -> ConfigMap {
    ConfigMap {
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
    }
}

/// Sends one step's write (or, with `dry_run`, has the server check it without storing it).
/// `Ok(None)` for a step with nothing to write.
async fn send(
    api: &Api<ConfigMap>,
    namespace: &str,
    step: &Step<'_>,
    dry_run: bool,
) -> std::result::Result<Option<ConfigMap>, kube::Error> {
    let params = PostParams {
        dry_run,
        ..PostParams::default()
    };
    match step {
        Step::Unchanged(_) => Ok(None),
        Step::Create(out) => api
            .create(&params, &new_config_map(out, namespace))
            .await
            .map(Some),
        Step::Update { out, existing, .. } => {
            let mut object = (**existing).clone();
            object
                .data
                .get_or_insert_with(BTreeMap::new)
                .insert(out.key.to_owned(), out.value.clone());
            api.replace(&out.name, &params, &object).await.map(Some)
        }
    }
}

/// Why one step's write was refused, in the user's terms.
fn refusal(cluster: &Cluster, namespace: &str, step: &Step<'_>, e: kube::Error) -> Error {
    let name = step.name();
    let creating = matches!(step, Step::Create(_));
    match e {
        kube::Error::Api(status) if status.code == 409 && creating => conflict(
            name,
            namespace,
            "was created by someone else since it was read",
        ),
        kube::Error::Api(status) if status.code == 409 => {
            conflict(name, namespace, "changed since it was read")
        }
        kube::Error::Api(status) if status.code == 404 && creating => {
            missing_namespace(namespace, &cluster.context)
        }
        kube::Error::Api(status) if status.code == 404 => {
            conflict(name, namespace, "was deleted since it was read")
        }
        e => cluster.api_error(
            e,
            if creating { "create" } else { "update" },
            "configmaps",
            Some(namespace),
        ),
    }
}

/// The error for a namespace that does not exist, naming the three ways out.
pub fn missing_namespace(namespace: &str, context: &str) -> Error {
    Error::new(
        ErrorKind::Findings,
        format!(
            "namespace `{namespace}` does not exist (context `{context}`); nothing was written"
        ),
    )
    .with_hint(format!(
        "pass --create-namespace, or kubectl create namespace {namespace}, or pick another with -n"
    ))
}

/// Writes every step, or none: first the server checks each write (`dryRun=All`, with the
/// resourceVersion read), so a concurrent change, a denial or a missing namespace stops it
/// before anything is written; then it writes, and if a later write still fails, it undoes the
/// earlier ones and says exactly what is in the cluster.
pub async fn write(
    cluster: &Cluster,
    namespace: &str,
    steps: Vec<Step<'_>>,
) -> Result<Vec<String>> {
    let api: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), namespace);
    for step in &steps {
        if let Err(e) = send(&api, namespace, step, true).await {
            let mut error = refusal(cluster, namespace, step, e);
            if !error.message.contains("nothing was written") {
                error.message.push_str("; nothing was written");
            }
            return Err(error);
        }
    }
    let mut done = Vec::new();
    let mut written: Vec<Written> = Vec::new();
    for step in &steps {
        match send(&api, namespace, step, false).await {
            Ok(None) => done.push(format!("configmap/{} unchanged", step.name())),
            Ok(Some(object)) => match step {
                Step::Create(out) => {
                    done.push(format!("configmap/{} created", out.name));
                    written.push(Written::Created {
                        name: out.name.clone(),
                        written: object,
                    });
                }
                Step::Update { out, existing, .. } => {
                    done.push(format!("configmap/{} configured", out.name));
                    written.push(Written::Updated {
                        name: out.name.clone(),
                        before: existing.clone(),
                        written: object,
                    });
                }
                Step::Unchanged(_) => {}
            },
            Err(e) => {
                let failure = refusal(cluster, namespace, step, e);
                let mut undone = Vec::new();
                for w in written.iter().rev() {
                    undone.push((w.name().to_owned(), undo(&api, w).await));
                }
                return Err(half_written(failure, &undone));
            }
        }
    }
    Ok(done)
}

/// Undoes one write; `Err` says why it could not be.
async fn undo(api: &Api<ConfigMap>, written: &Written) -> std::result::Result<(), String> {
    let said = |e: kube::Error| match e {
        kube::Error::Api(status) if status.code == 409 => {
            "it was changed by someone else meanwhile".to_owned()
        }
        kube::Error::Api(status) => format!("{} {}", status.code, status.message),
        other => crate::cluster::chain(&other),
    };
    match written {
        Written::Created { name, written } => {
            let params = DeleteParams {
                preconditions: Some(Preconditions {
                    uid: written.metadata.uid.clone(),
                    resource_version: written.metadata.resource_version.clone(),
                }),
                ..DeleteParams::default()
            };
            api.delete(name, &params).await.map(|_| ()).map_err(said)
        }
        Written::Updated {
            name,
            before,
            written,
        } => {
            let mut restored = (**before).clone();
            restored.metadata.resource_version = written.metadata.resource_version.clone();
            restored.metadata.managed_fields = None;
            api.replace(name, &PostParams::default(), &restored)
                .await
                .map(|_| ())
                .map_err(said)
        }
    }
}

/// The error after a failed write that followed successful ones: what failed, what was put
/// back, and — if something could not be — exactly what is now in the cluster.
fn half_written(mut failure: Error, undone: &[(String, std::result::Result<(), String>)]) -> Error {
    if undone.is_empty() {
        return failure;
    }
    let (restored, stuck): (Vec<_>, Vec<_>) = undone.iter().partition(|(_, r)| r.is_ok());
    let mut said = Vec::new();
    if !restored.is_empty() {
        let names: Vec<String> = restored
            .iter()
            .map(|(n, _)| format!("configmap/{n}"))
            .collect();
        said.push(format!(
            "{} had been written and {} put back as it was",
            names.join(" and "),
            if names.len() == 1 { "was" } else { "were" }
        ));
    }
    for (name, result) in &stuck {
        if let Err(why) = result {
            said.push(format!(
                "configmap/{name} WAS written and could not be put back ({why}): it holds init's new content"
            ));
        }
    }
    failure.message = format!("{}; {}", failure.message, said.join("; "));
    if stuck.is_empty() {
        failure.message.push_str("; the cluster is as it was");
    } else {
        failure.kind = ErrorKind::Findings;
        failure.hint = Some(
            "the ConfigMaps do not match each other now: run init --apply again (with --force) to finish, or restore the one named above"
                .to_owned(),
        );
    }
    failure
}

fn conflict(name: &str, namespace: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::Findings,
        format!("ConfigMap `{name}` in namespace `{namespace}` {what}; it was not overwritten"),
    )
    .with_hint("run init --apply again to see the diff against its current content")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure() -> Error {
        conflict(
            "kwok-provider-templates",
            "ops",
            "changed since it was read",
        )
    }

    #[test]
    fn a_restored_first_write_says_the_cluster_is_as_it_was() {
        let e = half_written(failure(), &[("kwok-provider-config".into(), Ok(()))]);
        assert_eq!(e.kind, ErrorKind::Findings);
        assert!(
            e.message.ends_with(
                "; configmap/kwok-provider-config had been written and was put back as it was; the cluster is as it was"
            ),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_first_write_that_cannot_be_put_back_is_named_exactly() {
        let mut denied = failure();
        denied.kind = ErrorKind::Cluster;
        let e = half_written(
            denied,
            &[(
                "kwok-provider-config".into(),
                Err("it was changed by someone else meanwhile".into()),
            )],
        );
        assert_eq!(e.kind, ErrorKind::Findings, "a partial failure is exit 1");
        assert!(
            e.message.contains(
                "configmap/kwok-provider-config WAS written and could not be put back (it was changed by someone else meanwhile): it holds init's new content"
            ),
            "{}",
            e.message
        );
        assert!(!e.message.contains("as it was"), "{}", e.message);
        assert!(e.hint.unwrap().contains("--force"));
        let nothing_before = half_written(failure(), &[]);
        assert_eq!(nothing_before.message, failure().message);
    }
}
