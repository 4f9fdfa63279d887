//! Live-cluster `validate` (work in progress).
use crate::cli::{GlobalArgs, ValidateArgs};
use crate::error::{Error, Result};
use crate::lint::analysis::Analysis;

pub fn analyze_live(
    _global: &GlobalArgs,
    _args: &ValidateArgs,
    _config_map: &str,
) -> Result<Analysis> {
    Err(Error::usage("live validation is not wired yet"))
}
