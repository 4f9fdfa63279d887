//! Who owns a pod, read from the cluster: the pod, its controller, and that one's (ReplicaSet →
//! Deployment, Job → CronJob), each controller read once per command (`why`, `events --for`).

use crate::cluster::{Cluster, read_with_retries};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use serde::Serialize;
use std::collections::HashMap;

/// A workload owning pods (Deployment, StatefulSet, Job, CronJob, ReplicaSet, or a bare Pod).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Owner {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// An object's controller (its owner reference with `controller: true`): kind and name.
pub fn controller(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> Option<(String, String)> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
        .map(|r| (r.kind.clone(), r.name.clone()))
}

/// Controllers read once each: ReplicaSet → Deployment, Job → CronJob.
#[derive(Default)]
pub struct OwnerCache {
    parents: HashMap<(String, String, String), Option<(String, String)>>,
}

impl OwnerCache {
    /// The pod, then its controller, then that one's (ReplicaSet → Deployment, Job → CronJob).
    pub async fn chain(&mut self, cluster: &Cluster, pod: &Pod) -> Vec<Owner> {
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let own = |kind: &str, name: &str| Owner {
            kind: kind.to_owned(),
            namespace: namespace.clone(),
            name: name.to_owned(),
        };
        let mut chain = vec![own("Pod", pod.metadata.name.as_deref().unwrap_or_default())];
        let Some((kind, name)) = controller(&pod.metadata) else {
            return chain;
        };
        chain.push(own(&kind, &name));
        if kind == "ReplicaSet" || kind == "Job" {
            let key = (namespace.clone(), kind.clone(), name.clone());
            if !self.parents.contains_key(&key) {
                let parent = parent_of(cluster, &namespace, &kind, &name).await;
                self.parents.insert(key.clone(), parent);
            }
            if let Some(Some((pk, pn))) = self.parents.get(&key) {
                chain.push(own(pk, pn));
            }
        }
        chain
    }
}

/// The controller of a ReplicaSet or a Job (none when it cannot be read).
async fn parent_of(
    cluster: &Cluster,
    namespace: &str,
    kind: &str,
    name: &str,
) -> Option<(String, String)> {
    let meta = if kind == "ReplicaSet" {
        let api: Api<ReplicaSet> = Api::namespaced(cluster.client.clone(), namespace);
        read_with_retries(|| api.get_opt(name))
            .await
            .ok()??
            .metadata
    } else {
        let api: Api<Job> = Api::namespaced(cluster.client.clone(), namespace);
        read_with_retries(|| api.get_opt(name))
            .await
            .ok()??
            .metadata
    };
    controller(&meta)
}
