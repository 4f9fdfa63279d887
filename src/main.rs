//! Entry point of `kubectl-kwokprovider`: parse flags, run, map the outcome to an exit code.
fn main() {}
