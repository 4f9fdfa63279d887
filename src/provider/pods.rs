//! Pods as the scheduler and CA see them: their requests, their tolerations, the pending ones
//! (pure). Which node counts where is `nodes.rs`.

use super::{TAINT_EFFECT, TAINT_KEY, TAINT_VALUE, quantity};
use k8s_openapi::api::core::v1::{Pod, PodSpec, Taint, Toleration};
use std::collections::BTreeMap;

/// Resource name → amount in base units (cores for cpu, bytes for memory, a count for `pods`).
pub type Resources = BTreeMap<String, f64>;

/// The pod count resource every pod takes one of.
pub const RESOURCE_PODS: &str = "pods";

pub(crate) fn add_quantities(
    into: &mut Resources,
    list: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) {
    for (name, q) in list.into_iter().flatten() {
        if let Some(v) = quantity::parse(&q.0) {
            *into.entry(name.clone()).or_default() += v;
        }
    }
}

pub(crate) fn max_into(into: &mut Resources, other: &Resources) {
    for (name, v) in other {
        let slot = into.entry(name.clone()).or_default();
        *slot = slot.max(*v);
    }
}

pub(crate) fn sum_into(into: &mut Resources, other: &Resources) {
    for (name, v) in other {
        *into.entry(name.clone()).or_default() += v;
    }
}

/// A pod's requests as the scheduler counts them: the larger of the containers' sum (plus
/// sidecars) and each init container (plus the sidecars started before it), plus the
/// overhead; and one `pods`.
pub fn pod_requests(spec: &PodSpec) -> Resources {
    let mut containers = Resources::new();
    for c in &spec.containers {
        add_quantities(
            &mut containers,
            c.resources.as_ref().and_then(|r| r.requests.as_ref()),
        );
    }
    let mut sidecars = Resources::new();
    let mut init_peak = Resources::new();
    for c in spec.init_containers.iter().flatten() {
        let mut own = Resources::new();
        add_quantities(
            &mut own,
            c.resources.as_ref().and_then(|r| r.requests.as_ref()),
        );
        if c.restart_policy.as_deref() == Some("Always") {
            sum_into(&mut sidecars, &own);
            max_into(&mut init_peak, &sidecars);
        } else {
            let mut with_sidecars = sidecars.clone();
            sum_into(&mut with_sidecars, &own);
            max_into(&mut init_peak, &with_sidecars);
        }
    }
    sum_into(&mut containers, &sidecars);
    max_into(&mut containers, &init_peak);
    add_quantities(&mut containers, spec.overhead.as_ref());
    containers.retain(|_, v| *v > 0.0);
    containers.insert(RESOURCE_PODS.to_owned(), 1.0);
    containers
}

/// Kubernetes' `ToleratesTaint`.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let operator = toleration.operator.as_deref().unwrap_or("Equal");
    let key = toleration.key.as_deref().unwrap_or("");
    if key.is_empty() {
        return operator == "Exists";
    }
    if key != taint.key {
        return false;
    }
    match operator {
        "Exists" => true,
        "Equal" | "" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        _ => false,
    }
}

/// Whether a toleration lets a pod onto the nodes of a group with the kwok-provider taint.
pub fn tolerates_kwok_taint(toleration: &Toleration) -> bool {
    let taint = Taint {
        key: TAINT_KEY.to_owned(),
        value: Some(TAINT_VALUE.to_owned()),
        effect: TAINT_EFFECT.to_owned(),
        time_added: None,
    };
    tolerates(toleration, &taint)
}

/// A pending pod, reduced to what decides whether a template would fit it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PendingPod {
    pub namespace: String,
    pub name: String,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    /// Its cpu request as the scheduler counts it (`pod_requests`), in cores.
    pub cpu: f64,
    /// Its memory request as the scheduler counts it (`pod_requests`), in bytes.
    pub memory: f64,
}

/// Pending and not placed on a node: the pods CA may scale up for.
pub fn is_unscheduled(pod: &Pod) -> bool {
    let status_pending = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending");
    let placed = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty());
    status_pending && pod.spec.is_some() && !placed
}

/// A pod the scheduler could not place (phase Pending, no node), as the rules need it.
pub fn pending_pod(pod: &Pod) -> Option<PendingPod> {
    if !is_unscheduled(pod) {
        return None;
    }
    let spec = pod.spec.as_ref()?;
    let requests = pod_requests(spec);
    let request = |resource: &str| requests.get(resource).copied().unwrap_or(0.0);
    Some(PendingPod {
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        node_selector: spec
            .node_selector
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        tolerations: spec.tolerations.clone().unwrap_or_default(),
        cpu: request("cpu"),
        memory: request("memory"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        Container, PodSpec, PodStatus, ResourceRequirements, Toleration as PodToleration,
    };
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    #[test]
    fn toleration_matching() {
        let t = |key: &str, op: &str, value: &str, effect: &str| {
            let text = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
            tolerates_kwok_taint(&Toleration {
                key: text(key),
                operator: text(op),
                value: text(value),
                effect: text(effect),
                toleration_seconds: None,
            })
        };
        assert!(t("kwok-provider", "Equal", "true", "NoSchedule"));
        assert!(t("kwok-provider", "", "true", "NoSchedule"));
        assert!(t("kwok-provider", "Exists", "", ""));
        assert!(t("", "Exists", "", ""));
        assert!(!t("kwok-provider", "Equal", "false", "NoSchedule"));
        assert!(!t("kwok-provider", "Equal", "true", "NoExecute"));
        assert!(!t("other", "Exists", "", ""));
        // An operator Kubernetes does not know tolerates nothing (it used to pass here).
        assert!(!t("kwok-provider", "Gt", "true", "NoSchedule"));
    }

    fn pod(phase: &str, node_name: Option<&str>) -> Pod {
        let requests = |cpu: &str, memory: &str| ResourceRequirements {
            requests: Some(
                [
                    ("cpu".to_owned(), Quantity(cpu.into())),
                    ("memory".to_owned(), Quantity(memory.into())),
                ]
                .into(),
            ),
            ..Default::default()
        };
        Pod {
            metadata: ObjectMeta {
                name: Some("web-0".into()),
                namespace: Some("shop".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: node_name.map(Into::into),
                node_selector: Some([("kwok-nodegroup".to_owned(), "ng".to_owned())].into()),
                tolerations: Some(vec![PodToleration {
                    key: Some(TAINT_KEY.into()),
                    operator: None,
                    value: Some(TAINT_VALUE.into()),
                    effect: Some(TAINT_EFFECT.into()),
                    ..Default::default()
                }]),
                containers: vec![
                    Container {
                        name: "a".into(),
                        resources: Some(requests("500m", "1Gi")),
                        ..Default::default()
                    },
                    Container {
                        name: "b".into(),
                        resources: Some(requests("1", "512Mi")),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn a_pending_pod_requests_what_the_scheduler_counts_init_containers_and_overhead_included() {
        let mut big_init = pod("Pending", None);
        let spec = big_init.spec.as_mut().unwrap();
        spec.init_containers = Some(vec![Container {
            name: "migrate".into(),
            resources: Some(ResourceRequirements {
                requests: Some([("cpu".to_owned(), Quantity("3".into()))].into()),
                ..Default::default()
            }),
            ..Default::default()
        }]);
        spec.overhead = Some([("cpu".to_owned(), Quantity("250m".into()))].into());
        let pending = pending_pod(&big_init).expect("pending");
        // max(0.5 + 1, 3) + 0.25: the init container's peak wins, the overhead adds.
        assert_eq!(pending.cpu, 3.25);
        assert_eq!(pending.memory, 1.5 * 1024.0 * 1024.0 * 1024.0);
    }

    #[test]
    fn a_pending_unscheduled_pod_sums_its_container_requests() {
        let pending = pending_pod(&pod("Pending", None)).expect("pending");
        assert_eq!(
            (pending.namespace.as_str(), pending.name.as_str()),
            ("shop", "web-0")
        );
        assert_eq!(pending.cpu, 1.5);
        assert_eq!(pending.memory, 1.5 * 1024.0 * 1024.0 * 1024.0);
        assert_eq!(pending.node_selector["kwok-nodegroup"], "ng");
        // An omitted operator is `Equal`, as the API server defaults it.
        assert!(tolerates_kwok_taint(&pending.tolerations[0]));
        assert_eq!(pending_pod(&pod("Running", None)), None);
        assert_eq!(
            pending_pod(&pod("Pending", Some("node-1"))),
            None,
            "bound, waiting for kubelet"
        );
    }
}
