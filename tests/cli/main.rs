//! End-to-end tests of the real `kubectl-kwokprovider` binary, grouped by area (one test binary).

mod util;

mod architecture;
mod conformance;
mod connect;
mod decode_differential;
mod distribution;
mod docs;
mod events;
mod forward_proxy;
mod init;
mod lossy_proxy;
mod oracle;
mod real;
mod real_cluster;
mod real_events;
mod real_scale;
mod real_why;
mod robustness;
mod rules;
mod scale;
mod scenarios;
mod setups;
mod shell_completion;
mod status;
mod validate_files;
mod validate_live;
mod why;
mod yaml_memory;
