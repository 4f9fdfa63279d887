//! One CA event as the verbs show it: its object, its message decoded into a decision, and the
//! hint (pure; `events` lists them, `why` shows CA's last decision about an owner's pods).

use super::events::{self, Decision, HintContext};
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;
use serde::Serialize;

/// The involved object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// An event, decoded: the NDJSON schema of `events -o json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView {
    /// RFC 3339: lastTimestamp, else eventTime, else firstTimestamp, else creation.
    pub time: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub reason: String,
    pub object: ObjectRef,
    pub message: String,
    pub count: i32,
    pub decision: Option<Decision>,
    pub hint: Option<String>,
    #[serde(skip)]
    pub uid: String,
    /// The Event object's own name (for `-o name`).
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub seconds: i64,
}

impl EventView {
    #[cfg(test)]
    pub fn from_event(event: &Event) -> EventView {
        EventView::from_event_in(event, &HintContext::default())
    }

    /// As `from_event`, with hints that name the node groups `context` knows.
    pub fn from_event_in(event: &Event, context: &HintContext) -> EventView {
        let time: Option<Timestamp> = event
            .last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| event.event_time.as_ref().map(|t| t.0))
            .or_else(|| event.first_timestamp.as_ref().map(|t| t.0))
            .or_else(|| event.metadata.creation_timestamp.as_ref().map(|t| t.0));
        let object = ObjectRef {
            kind: event.involved_object.kind.clone().unwrap_or_default(),
            namespace: event.involved_object.namespace.clone().unwrap_or_default(),
            name: event.involved_object.name.clone().unwrap_or_default(),
        };
        let reason = event.reason.clone().unwrap_or_default();
        let message = event.message.clone().unwrap_or_default();
        let decision = events::decode(&reason, &message, &object.name);
        let hint = decision.as_ref().and_then(|d| d.hint_in(context));
        EventView {
            time: time.map(|t| t.to_string()).unwrap_or_default(),
            seconds: time.map_or(0, |t| t.as_second()),
            event_type: event.type_.clone().unwrap_or_else(|| "Normal".to_owned()),
            reason,
            object,
            message,
            count: event.count.unwrap_or(1).max(1),
            decision,
            hint,
            uid: event.metadata.uid.clone().unwrap_or_default(),
            name: event.metadata.name.clone().unwrap_or_default(),
        }
    }

    /// Identity of one occurrence: the event object and how many times it had happened.
    pub fn occurrence(&self) -> (String, i32) {
        (self.uid.clone(), self.count)
    }
}
