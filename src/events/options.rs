//! `events`' options, typed: what the command line (`EventsArgs`) asked for.

use crate::events::view::{EventType, Timestamps};
use crate::output::ListOutput;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct EventsOptions {
    /// Every namespace (the default unless -n is given).
    pub all_namespaces: bool,
    /// Keep watching for new events.
    pub follow: bool,
    /// How far back the backlog goes.
    pub since: Duration,
    /// Stop after N events.
    pub max_events: Option<u64>,
    /// Stop following after this long.
    pub timeout: Option<Duration>,
    /// Only these reasons.
    pub reason: Vec<String>,
    pub event_type: Option<EventType>,
    /// Only events about this object, as KIND/NAME.
    pub for_object: Option<String>,
    /// Only decisions about this node group.
    pub nodegroup: Option<String>,
    pub timestamps: Timestamps,
    pub output: ListOutput,
    /// CA's namespace, when no CA Deployment says it (for the hints' view of its groups).
    pub ca_namespace: Option<String>,
    /// Hide events about pods that are no longer pending when the command starts.
    pub pending: bool,
}
