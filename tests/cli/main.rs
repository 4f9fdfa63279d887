//! End-to-end tests of the real `kubectl-kwokprovider` binary, grouped by area (one test binary).

mod util;

mod conformance;
mod distribution;
mod docs;
mod events;
mod init;
mod oracle;
mod real;
mod real_cluster;
mod robustness;
mod rules;
mod scale;
mod status;
mod validate_files;
mod validate_live;
mod yaml_memory;
