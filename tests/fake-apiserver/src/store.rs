//! The in-memory object store: objects per resource, a global resourceVersion, and each
//! resource's own change history (so node churn cannot push event changes out).

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};

use crate::resources::ResourceType;
use crate::util;

/// Type of a recorded change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeType {
    /// Object created.
    Added,
    /// Object changed.
    Modified,
    /// Object deleted.
    Deleted,
}

impl ChangeType {
    /// The watch event type string.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Added => "ADDED",
            ChangeType::Modified => "MODIFIED",
            ChangeType::Deleted => "DELETED",
        }
    }
}

/// One retained change, used for watches and for reconstructing older list snapshots.
#[derive(Debug, Clone)]
pub struct Change {
    /// The resourceVersion assigned by this change.
    pub rv: u64,
    /// Plural resource name.
    pub resource: &'static str,
    /// Event type.
    pub kind: ChangeType,
    /// The object after the change (for deletes: the last state, with the delete's RV).
    pub object: Value,
    /// The object before the change, if any.
    pub prev: Option<Value>,
}

/// `(namespace, name)`; namespace is "" for cluster-scoped objects.
pub type ObjKey = (String, String);

/// All stored state.
#[derive(Debug)]
pub struct Store {
    objects: BTreeMap<&'static str, BTreeMap<ObjKey, Value>>,
    /// The latest assigned resourceVersion.
    pub rv: u64,
    /// Per resource (plural), its retained changes, oldest first.
    history: BTreeMap<&'static str, VecDeque<Change>>,
    /// Per resource, the highest RV whose change was dropped from its history (absent: none).
    compacted: BTreeMap<&'static str, u64>,
    /// How many changes to retain per resource.
    pub history_limit: usize,
}

/// Builds the key of an object from its metadata.
pub fn key_of(obj: &Value) -> ObjKey {
    let s = |p: &str| {
        obj.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (s("/metadata/namespace"), s("/metadata/name"))
}

impl Store {
    /// An empty store.
    pub fn new(history_limit: usize) -> Self {
        Store {
            objects: BTreeMap::new(),
            rv: 1,
            history: BTreeMap::new(),
            compacted: BTreeMap::new(),
            history_limit: history_limit.max(1),
        }
    }

    /// Fetches one object.
    pub fn get(&self, rt: &ResourceType, ns: &str, name: &str) -> Option<&Value> {
        self.objects
            .get(rt.plural)?
            .get(&(ns.to_string(), name.to_string()))
    }

    /// All objects of a resource (optionally one namespace), sorted by (namespace, name).
    pub fn list(&self, rt: &ResourceType, ns: Option<&str>) -> Vec<Value> {
        self.objects
            .get(rt.plural)
            .map(|m| {
                m.iter()
                    .filter(|((n, _), _)| ns.is_none_or(|want| want == n))
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// One page of a list as it was at `rv`: up to `limit` objects (0: all) after `start_after`
    /// in key order that `keep` accepts, and whether the page was cut short. Walks the live map
    /// lazily with the history since `rv` laid over it, so a page costs about its own size, not
    /// the whole collection's. None if `rv` is older than the history.
    pub fn page(
        &self,
        rt: &ResourceType,
        rv: u64,
        start_after: Option<&ObjKey>,
        limit: usize,
        keep: impl Fn(&ObjKey, &Value) -> bool,
    ) -> Option<(Vec<(ObjKey, Value)>, bool)> {
        let mut items = Vec::new();
        let more = self.walk(rt, rv, start_after, |key, object| {
            if !keep(key, object) {
                return true;
            }
            if limit > 0 && items.len() == limit {
                return false;
            }
            items.push((key.clone(), object.clone()));
            true
        })?;
        Some((items, more))
    }

    /// How many objects after `start_after` that `keep` accepts the list at `rv` holds, counted
    /// without copying them. None if `rv` is older than the history.
    pub fn count(
        &self,
        rt: &ResourceType,
        rv: u64,
        start_after: Option<&ObjKey>,
        keep: impl Fn(&ObjKey, &Value) -> bool,
    ) -> Option<usize> {
        let mut n = 0;
        self.walk(rt, rv, start_after, |key, object| {
            n += usize::from(keep(key, object));
            true
        })?;
        Some(n)
    }

    /// Visits the objects of the list at `rv` after `start_after`, in key order, until `visit`
    /// returns false (then: true, the walk was cut short). None if `rv` is older than the history.
    fn walk(
        &self,
        rt: &ResourceType,
        rv: u64,
        start_after: Option<&ObjKey>,
        mut visit: impl FnMut(&ObjKey, &Value) -> bool,
    ) -> Option<bool> {
        if rv < self.oldest_rv(rt.plural) {
            return None;
        }
        // Objects as they were at `rv`, for those changed since (None: did not exist then).
        let mut overlay: BTreeMap<ObjKey, Option<&Value>> = BTreeMap::new();
        for c in self.history.get(rt.plural).into_iter().flatten().rev() {
            if c.rv <= rv {
                break;
            }
            let then = match (&c.kind, &c.prev) {
                (ChangeType::Added, _) => None,
                (_, prev) => prev.as_ref(),
            };
            overlay.insert(key_of(&c.object), then);
        }
        let empty = BTreeMap::new();
        let live = self.objects.get(rt.plural).unwrap_or(&empty);
        let bound = match start_after {
            Some(k) => std::ops::Bound::Excluded(k.clone()),
            None => std::ops::Bound::Unbounded,
        };
        let range = (bound, std::ops::Bound::Unbounded);
        let mut live_iter = live.range::<ObjKey, _>(range.clone()).peekable();
        let mut overlay_iter = overlay.range::<ObjKey, _>(range).peekable();
        loop {
            // The next key of either side, the overlay's view winning on a tie.
            let live_key = live_iter.peek().map(|(k, _)| *k);
            let overlay_key = overlay_iter.peek().map(|(k, _)| *k);
            let next = match (live_key, overlay_key) {
                (None, None) => return Some(false),
                (Some(lk), Some(ok)) if ok <= lk => {
                    if ok == lk {
                        live_iter.next();
                    }
                    let (k, v) = overlay_iter.next().expect("peeked");
                    (k, *v)
                }
                (Some(_), _) => {
                    let (k, v) = live_iter.next().expect("peeked");
                    (k, Some(v))
                }
                (None, Some(_)) => {
                    let (k, v) = overlay_iter.next().expect("peeked");
                    (k, *v)
                }
            };
            if let (key, Some(object)) = next
                && !visit(key, object)
            {
                return Some(true);
            }
        }
    }

    /// Retained changes of `resource` with RV greater than `after`, or Err(the oldest RV a
    /// watch may start from) if some were dropped.
    pub fn changes_since(&self, resource: &str, after: u64) -> Result<Vec<Change>, u64> {
        let oldest = self.oldest_rv(resource);
        if after < oldest {
            return Err(oldest + 1);
        }
        let Some(history) = self.history.get(resource) else {
            return Ok(Vec::new());
        };
        // Newest last: count back only as far as needed.
        let newer = history.iter().rev().take_while(|c| c.rv > after).count();
        Ok(history
            .iter()
            .skip(history.len() - newer)
            .cloned()
            .collect())
    }

    /// The oldest RV from which `resource` can still be watched or listed (its history since
    /// then is whole).
    pub fn oldest_rv(&self, resource: &str) -> u64 {
        self.compacted.get(resource).copied().unwrap_or(0)
    }

    fn record(&mut self, change: Change) {
        let resource = change.resource;
        self.history.entry(resource).or_default().push_back(change);
        self.trim(resource);
    }

    /// Drops `resource`'s oldest changes beyond the limit, remembering the newest dropped RV.
    fn trim(&mut self, resource: &'static str) {
        let Some(history) = self.history.get_mut(resource) else {
            return;
        };
        while history.len() > self.history_limit {
            if let Some(c) = history.pop_front() {
                self.compacted.insert(resource, c.rv);
            }
        }
    }

    /// Changes the retention limit, trimming history as needed.
    pub fn set_history_limit(&mut self, limit: usize) {
        self.history_limit = limit.max(1);
        let resources: Vec<&'static str> = self.history.keys().copied().collect();
        for resource in resources {
            self.trim(resource);
        }
    }

    fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    /// Stores a new object: fills uid, creationTimestamp, resourceVersion (and generation for
    /// kinds that have one). The caller has checked it does not exist.
    pub fn create(&mut self, rt: &'static ResourceType, mut obj: Value) -> Value {
        let rv = self.next_rv();
        prepare_new(rt, &mut obj);
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        let k = key_of(&obj);
        self.objects
            .entry(rt.plural)
            .or_default()
            .insert(k, obj.clone());
        self.record(Change {
            rv,
            resource: rt.plural,
            kind: ChangeType::Added,
            object: obj.clone(),
            prev: None,
        });
        obj
    }

    /// Replaces an existing object; returns the stored version (unchanged if a no-op).
    pub fn replace(&mut self, rt: &'static ResourceType, mut obj: Value) -> Value {
        let k = key_of(&obj);
        let Some(prev) = self.objects.get(rt.plural).and_then(|m| m.get(&k)).cloned() else {
            return self.create(rt, obj);
        };
        carry_over(&prev, &mut obj, rt);
        obj["metadata"]["resourceVersion"] = prev["metadata"]["resourceVersion"].clone();
        if obj == prev {
            return prev;
        }
        let rv = self.next_rv();
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        self.objects
            .entry(rt.plural)
            .or_default()
            .insert(k, obj.clone());
        self.record(Change {
            rv,
            resource: rt.plural,
            kind: ChangeType::Modified,
            object: obj.clone(),
            prev: Some(prev),
        });
        obj
    }

    /// Deletes an object; returns its final state.
    pub fn delete(&mut self, rt: &'static ResourceType, ns: &str, name: &str) -> Option<Value> {
        let k = (ns.to_string(), name.to_string());
        let prev = self.objects.get_mut(rt.plural)?.remove(&k)?;
        let rv = self.next_rv();
        let mut obj = prev.clone();
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        self.record(Change {
            rv,
            resource: rt.plural,
            kind: ChangeType::Deleted,
            object: obj.clone(),
            prev: Some(prev),
        });
        Some(obj)
    }
}

fn has_generation(rt: &ResourceType) -> bool {
    matches!(rt.plural, "deployments" | "customresourcedefinitions")
}

/// Fills server-assigned metadata and defaults of a new object.
pub fn prepare_new(rt: &ResourceType, obj: &mut Value) {
    if !obj.is_object() {
        *obj = json!({});
    }
    obj["apiVersion"] = json!(rt.api_version());
    obj["kind"] = json!(rt.kind);
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    let md = &mut obj["metadata"];
    if !rt.namespaced
        && let Some(m) = md.as_object_mut()
    {
        m.remove("namespace");
    }
    md["uid"] = json!(util::uuid());
    md["creationTimestamp"] = json!(util::now_rfc3339());
    if has_generation(rt) {
        md["generation"] = json!(1);
    }
    if let Some(m) = md.as_object_mut() {
        m.remove("deletionTimestamp");
        m.remove("selfLink");
    }
    if rt.plural == "namespaces" {
        let name = obj["metadata"]["name"].clone();
        obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
        if obj["spec"]["finalizers"].is_null() {
            obj["spec"]["finalizers"] = json!(["kubernetes"]);
        }
        obj["status"]["phase"] = json!("Active");
    }
}

/// Copies immutable server-set fields from the stored object into an update.
pub fn carry_over(prev: &Value, obj: &mut Value, rt: &ResourceType) {
    obj["apiVersion"] = json!(rt.api_version());
    obj["kind"] = json!(rt.kind);
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    for f in ["uid", "creationTimestamp", "generation"] {
        match prev["metadata"].get(f) {
            Some(v) => obj["metadata"][f] = v.clone(),
            None => {
                if let Some(m) = obj["metadata"].as_object_mut() {
                    m.remove(f);
                }
            }
        }
    }
    if has_generation(rt) && prev.get("spec") != obj.get("spec") {
        let g = prev["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
        obj["metadata"]["generation"] = json!(g);
    }
}
