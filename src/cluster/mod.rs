//! Everything that talks to the Kubernetes API: client set-up and live reads.

pub mod validate;
