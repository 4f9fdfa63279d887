//! kubectl-kwokprovider: build, lint and drive the cluster-autoscaler kwok provider's ConfigMaps.

pub mod provider;
pub mod yaml;
