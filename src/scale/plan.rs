//! What `scale` will do to each group: targets, limits, and which nodes may go (pure, no I/O).

use crate::provider::ANNOTATION_KWOK_NODE;
use crate::provider::nodes;
use k8s_openapi::api::core::v1::Node;

/// A node as `scale` needs to know it: what CA's lister and scale-down look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberNode {
    pub name: String,
    pub uid: String,
    /// `cluster-autoscaler.kwok.nodegroup/name`: the group CA lists the node in (`nodes::listed_group`).
    pub group: Option<String>,
    /// `kwok.x-k8s.io/node` annotation.
    pub kwok_annotation: Option<String>,
    pub provider_id: Option<String>,
    pub ready: bool,
    /// RFC 3339 creation time (sorts as text).
    pub created: String,
}

impl MemberNode {
    /// The facts `scale` keeps of a listed node (names, not whole objects).
    pub fn from_node(node: &Node) -> MemberNode {
        let annotation = |key: &str| {
            node.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(key))
                .cloned()
        };
        MemberNode {
            name: node.metadata.name.clone().unwrap_or_default(),
            uid: node.metadata.uid.clone().unwrap_or_default(),
            group: nodes::listed_group(node).map(str::to_owned),
            kwok_annotation: annotation(ANNOTATION_KWOK_NODE),
            provider_id: node.spec.as_ref().and_then(|s| s.provider_id.clone()),
            ready: nodes::is_ready(node),
            created: node
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.to_string())
                .unwrap_or_default(),
        }
    }

    /// May `scale` delete this node from `group`? Only kwok's own fake nodes of that group,
    /// as CA's `DeleteNodes` requires (`nodes::deletable_from`).
    pub fn deletable_from(&self, group: &str) -> bool {
        nodes::deletable_from(
            group,
            self.group.as_deref(),
            self.kwok_annotation.as_deref(),
            self.provider_id.as_deref(),
        )
    }

    /// Is this the node a create of `name` in `group` makes: that name, the group's name
    /// annotation, `kwok.x-k8s.io/node: fake` and providerID `kwok:<name>`? A retried create
    /// answered 409 is this run's own earlier attempt exactly when the node that exists is.
    pub fn made_as(&self, group: &str, name: &str) -> bool {
        self.name == name
            && self.deletable_from(group)
            && self.provider_id.as_deref() == Some(format!("kwok:{name}").as_str())
    }
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Replicas(u32),
    Add(u32),
    Remove(u32),
}

/// A group as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    pub name: String,
    pub min: i64,
    pub max: i64,
    /// The nodes CA counts in the group (its lister: the name annotation equals the group).
    pub members: Vec<MemberNode>,
}

/// What will be done to one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPlan {
    pub name: String,
    pub before: usize,
    pub target: usize,
    pub create: usize,
    /// Nodes to delete, in the order they go.
    pub delete: Vec<MemberNode>,
    /// Why the group is left alone (a limit), or why the target cannot be reached.
    pub refusal: Option<String>,
    /// Nodes to delete that run pods (no empty ones were left), with how many.
    pub busy: Vec<BusyNode>,
    /// What the user should know about how the request was read (a clamped `--remove`).
    pub notes: Vec<String>,
}

/// A node to delete that runs pods.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BusyNode {
    pub name: String,
    pub pods: usize,
}

/// Plans one group. `pods_on` counts the pods bound to a node (nodes without pods go first).
pub fn plan(
    group: &GroupState,
    change: Change,
    ignore_limits: bool,
    pods_on: impl Fn(&str) -> usize,
) -> GroupPlan {
    let before = group.members.len();
    let target = match change {
        Change::Replicas(n) => n as usize,
        Change::Add(k) => before.saturating_add(k as usize),
        Change::Remove(k) => before.saturating_sub(k as usize),
    };
    let mut plan = GroupPlan {
        name: group.name.clone(),
        before,
        target,
        create: 0,
        delete: Vec::new(),
        refusal: None,
        busy: Vec::new(),
        notes: Vec::new(),
    };
    if let Change::Remove(k) = change
        && k as usize > before
    {
        plan.notes.push(format!(
            "--remove {k} is more than the group's {before} nodes: clamped to {before} (the group goes to 0)"
        ));
    }
    if !ignore_limits {
        if target > before && target as i64 > group.max {
            plan.refusal = Some(format!(
                "{target} nodes would exceed max-count {} (CA's IncreaseSize refuses it); pass --ignore-limits to go past it",
                group.max
            ));
            return plan;
        }
        if target < before && (target as i64) < group.min {
            plan.refusal = Some(format!(
                "{target} nodes would be below min-count {} (CA's DeleteNodes refuses it); pass --ignore-limits to go below it",
                group.min
            ));
            return plan;
        }
    }
    if target >= before {
        plan.create = target - before;
        return plan;
    }
    let surplus = before - target;
    let mut deletable: Vec<&MemberNode> = group
        .members
        .iter()
        .filter(|m| m.deletable_from(&group.name))
        .collect();
    // Empty nodes first, then the newest (as a user scaling down expects; names break ties).
    deletable.sort_by(|a, b| {
        (pods_on(&a.name) > 0)
            .cmp(&(pods_on(&b.name) > 0))
            .then_with(|| b.created.cmp(&a.created))
            .then_with(|| b.name.cmp(&a.name))
    });
    plan.delete = deletable.into_iter().take(surplus).cloned().collect();
    plan.busy = plan
        .delete
        .iter()
        .filter_map(|m| {
            let pods = pods_on(&m.name);
            (pods > 0).then(|| BusyNode {
                name: m.name.clone(),
                pods,
            })
        })
        .collect();
    plan.busy.sort_by(|a, b| a.name.cmp(&b.name));
    if plan.delete.len() < surplus {
        let kept = before - plan.delete.len();
        plan.refusal = Some(format!(
            "only {} of the group's {before} nodes are kwok's own fake nodes (annotation `kwok.x-k8s.io/node: fake` and a `kwok` providerID); the others are never deleted, so the group stays at {kept}",
            plan.delete.len()
        ));
    }
    plan
}

/// What a re-list after a run says about the run's work on one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The nodes CA counts in the group now.
    pub after: usize,
    /// Creates reported failed whose node exists, made as this run makes it: the create was
    /// done and only its answer was lost.
    pub made_after_all: Vec<String>,
    /// Nodes this run created that are not there any more.
    pub vanished: Vec<String>,
}

/// Compares what a run did to `group` (`created`, `failed_creates`) with the group's
/// members as re-listed afterwards (pure).
pub fn settle(
    group: &str,
    members_now: &[&MemberNode],
    created: &[String],
    failed_creates: &[String],
) -> Settled {
    let find = |name: &str| members_now.iter().find(|m| m.name == name);
    Settled {
        after: members_now.len(),
        made_after_all: failed_creates
            .iter()
            .filter(|n| find(n).is_some_and(|m| m.made_as(group, n)))
            .cloned()
            .collect(),
        vanished: created
            .iter()
            .filter(|n| find(n).is_none())
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fake(name: &str, group: &str, created: &str) -> MemberNode {
        MemberNode {
            name: name.to_owned(),
            uid: format!("uid-{name}"),
            group: Some(group.to_owned()),
            kwok_annotation: Some("fake".to_owned()),
            provider_id: Some(format!("kwok:{name}")),
            ready: true,
            created: created.to_owned(),
        }
    }

    fn state(members: Vec<MemberNode>) -> GroupState {
        GroupState {
            name: "g".to_owned(),
            min: 1,
            max: 10,
            members,
        }
    }

    #[test]
    fn grows_and_shrinks_to_the_target() {
        let s = state(vec![fake("g-a", "g", "2026-01-01T00:00:00Z")]);
        let up = plan(&s, Change::Replicas(4), false, |_| 0);
        assert_eq!((up.before, up.target, up.create), (1, 4, 3));
        assert!(up.refusal.is_none());
        let add = plan(&s, Change::Add(2), false, |_| 0);
        assert_eq!(add.create, 2);
        let same = plan(&s, Change::Replicas(1), false, |_| 0);
        assert_eq!((same.create, same.delete.len()), (0, 0));
    }

    #[test]
    fn limits_refuse_unless_ignored() {
        let s = state(vec![fake("g-a", "g", "t1"), fake("g-b", "g", "t2")]);
        let over = plan(&s, Change::Replicas(11), false, |_| 0);
        assert!(over.refusal.unwrap().contains("max-count 10"));
        assert_eq!(over.create, 0);
        assert_eq!(plan(&s, Change::Replicas(11), true, |_| 0).create, 9);
        let under = plan(&s, Change::Replicas(0), false, |_| 0);
        assert!(under.refusal.unwrap().contains("min-count 1"));
        assert_eq!(plan(&s, Change::Remove(2), true, |_| 0).delete.len(), 2);
    }

    #[test]
    fn empty_nodes_go_first_then_the_newest() {
        let s = state(vec![
            fake("old-empty", "g", "2026-01-01T00:00:00Z"),
            fake("new-busy", "g", "2026-03-01T00:00:00Z"),
            fake("new-empty", "g", "2026-02-01T00:00:00Z"),
        ]);
        let p = plan(&s, Change::Remove(2), true, |n| {
            usize::from(n == "new-busy")
        });
        let names: Vec<&str> = p.delete.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["new-empty", "old-empty"]);
    }

    #[test]
    fn nodes_with_pods_are_named_when_they_must_go() {
        let s = state(vec![
            fake("busy-a", "g", "t1"),
            fake("busy-b", "g", "t2"),
            fake("empty", "g", "t3"),
        ]);
        let pods = |n: &str| match n {
            "busy-a" => 3,
            "busy-b" => 1,
            _ => 0,
        };
        let one = plan(&s, Change::Remove(1), true, pods);
        assert!(one.busy.is_empty(), "{one:?}");
        let two = plan(&s, Change::Replicas(1), true, pods);
        assert_eq!(
            two.busy,
            [BusyNode {
                name: "busy-b".into(),
                pods: 1
            }]
        );
        assert!(two.notes.is_empty());
    }

    #[test]
    fn a_remove_larger_than_the_group_says_it_clamps() {
        let s = state(vec![fake("a", "g", "t1"), fake("b", "g", "t2")]);
        let p = plan(&s, Change::Remove(5), true, |_| 0);
        assert_eq!((p.target, p.delete.len()), (0, 2));
        assert_eq!(
            p.notes,
            ["--remove 5 is more than the group's 2 nodes: clamped to 2 (the group goes to 0)"]
        );
        assert!(plan(&s, Change::Remove(2), true, |_| 0).notes.is_empty());
    }

    #[test]
    fn a_node_is_ours_only_with_the_name_group_marks_and_provider_id() {
        let ours = fake("g-abcde", "g", "t1");
        assert!(ours.made_as("g", "g-abcde"));
        assert!(!ours.made_as("other", "g-abcde"));
        let mut foreign_id = ours.clone();
        foreign_id.provider_id = Some("kwok:someone-else".into());
        assert!(!foreign_id.made_as("g", "g-abcde"));
        let mut not_fake = ours.clone();
        not_fake.kwok_annotation = None;
        assert!(!not_fake.made_as("g", "g-abcde"));
    }

    #[test]
    fn the_relist_decides_what_was_made_and_what_is_left() {
        let a = fake("g-aaaaa", "g", "t1");
        let lost = fake("g-lostt", "g", "t2");
        let mut stranger = fake("g-strng", "g", "t3");
        stranger.provider_id = Some("aws:///i-1".into());
        let now = [&a, &lost, &stranger];
        let settled = settle(
            "g",
            &now,
            &["g-aaaaa".into(), "g-vanis".into()],
            &["g-lostt".into(), "g-strng".into(), "g-never".into()],
        );
        assert_eq!(settled.after, 3);
        assert_eq!(settled.made_after_all, ["g-lostt"]);
        assert_eq!(settled.vanished, ["g-vanis"]);
    }

    #[test]
    fn foreign_nodes_are_never_chosen() {
        let mut real = fake("real", "g", "t9");
        real.provider_id = Some("aws:///i-123".to_owned());
        let mut not_fake = fake("not-fake", "g", "t9");
        not_fake.kwok_annotation = None;
        let s = state(vec![real, not_fake, fake("ours", "g", "t1")]);
        let p = plan(&s, Change::Replicas(0), true, |_| 0);
        let names: Vec<&str> = p.delete.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["ours"]);
        assert!(p.refusal.unwrap().contains("stays at 2"));
    }

    fn arb_member() -> impl Strategy<Value = MemberNode> {
        (
            "[a-z]{1,6}",
            prop::option::of(prop::sample::select(vec!["g", "other", ""])),
            prop::option::of(prop::sample::select(vec!["fake", "real", ""])),
            prop::option::of(prop::sample::select(vec!["kwok:x", "kwok", "aws:///i", ""])),
            "2026-0[1-9]-0[1-9]",
        )
            .prop_map(|(name, group, kwok, provider, created)| MemberNode {
                uid: format!("uid-{name}"),
                name,
                group: group.map(str::to_owned),
                kwok_annotation: kwok.map(str::to_owned),
                provider_id: provider.map(str::to_owned),
                ready: true,
                created,
            })
    }

    proptest! {
        /// Whatever the cluster holds, scale-down deletes only eligible nodes of the group,
        /// never more than asked, each at most once.
        #[test]
        fn scale_down_deletes_only_eligible_nodes(
            members in prop::collection::vec(arb_member(), 0..40),
            target in 0u32..40,
            busy in prop::collection::vec("[a-z]{1,6}", 0..10),
            ignore_limits in any::<bool>(),
        ) {
            let mut members = members;
            members.sort_by(|a, b| a.name.cmp(&b.name));
            members.dedup_by(|a, b| a.name == b.name); // node names are unique in a cluster
            let s = GroupState { name: "g".into(), min: 0, max: 200, members: members.clone() };
            let p = plan(&s, Change::Replicas(target), ignore_limits, |n| usize::from(busy.iter().any(|b| b == n)));
            prop_assert!(p.delete.len() <= members.len().saturating_sub(target as usize));
            let mut seen = std::collections::HashSet::new();
            for node in &p.delete {
                prop_assert!(node.group.as_deref() == Some("g"));
                prop_assert!(node.kwok_annotation.as_deref() == Some("fake"));
                prop_assert!(node.provider_id.as_deref().is_some_and(|p| p.starts_with("kwok")));
                prop_assert!(seen.insert(node.uid.clone()));
            }
        }
    }
}
