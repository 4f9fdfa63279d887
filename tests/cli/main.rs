//! End-to-end tests of the real `kubectl-kwokprovider` binary, grouped by area (one test binary).

mod util;

mod validate_files;
