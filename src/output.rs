//! Decides whether to colour output (`--color`, `NO_COLOR`, TTY) and serialises data as JSON or YAML.

use crate::cli::{ColorMode, OutputFormat};
use serde::Serialize;
use std::io::{self, Write};

/// Whether to colour a stream: `always`/`never` win; `auto` needs a terminal and no `NO_COLOR`.
pub fn use_colors(
    mode: ColorMode,
    is_terminal: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match mode {
        ColorMode::Always => true,
        ColorMode::Never => false,
        ColorMode::Auto => {
            is_terminal && no_color.is_none_or(str::is_empty) && term != Some("dumb")
        }
    }
}

/// Reads the environment and applies `use_colors` to stdout and stderr; returns stdout's choice.
pub fn configure_colors(mode: ColorMode) -> bool {
    use std::io::IsTerminal;
    let no_color = std::env::var("NO_COLOR").ok();
    let term = std::env::var("TERM").ok();
    let stdout = use_colors(
        mode,
        io::stdout().is_terminal(),
        no_color.as_deref(),
        term.as_deref(),
    );
    let stderr = use_colors(
        mode,
        io::stderr().is_terminal(),
        no_color.as_deref(),
        term.as_deref(),
    );
    console::set_colors_enabled(stdout);
    console::set_colors_enabled_stderr(stderr);
    stdout
}

/// Writes `value` as pretty JSON or YAML (`Text` is the caller's business and falls back to JSON).
pub fn write_data<T: Serialize>(
    w: &mut impl Write,
    format: OutputFormat,
    value: &T,
) -> io::Result<()> {
    match format {
        OutputFormat::Yaml => {
            let text = serde_saphyr::to_string(value).map_err(io::Error::other)?;
            w.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                writeln!(w)?;
            }
            Ok(())
        }
        OutputFormat::Json | OutputFormat::Text => {
            serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::other)?;
            writeln!(w)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_decision() {
        assert!(use_colors(ColorMode::Always, false, Some("1"), None));
        assert!(!use_colors(ColorMode::Never, true, None, None));
        assert!(use_colors(ColorMode::Auto, true, None, Some("xterm")));
        assert!(!use_colors(ColorMode::Auto, true, Some("1"), None));
        assert!(use_colors(ColorMode::Auto, true, Some(""), None));
        assert!(!use_colors(ColorMode::Auto, false, None, None));
        assert!(!use_colors(ColorMode::Auto, true, None, Some("dumb")));
    }
}
