//! The output handle (colours from `--color`/`NO_COLOR`/TTY, verbosity, stderr lines) and JSON/YAML data.

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

/// How a command talks to people: data goes to stdout (the `out` writer each verb gets);
/// progress, notes and prompts go to stderr through this handle, never through `eprintln!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ui {
    /// Colours on stdout (`--color`, `NO_COLOR`, a terminal).
    pub stdout_colors: bool,
    /// Colours on stderr, decided the same way for stderr.
    pub stderr_colors: bool,
    /// `-v` count.
    pub verbosity: u8,
}

impl Ui {
    /// Decides the colours of both streams (and tells `console`), from the flags and the environment.
    pub fn new(mode: ColorMode, verbosity: u8) -> Ui {
        let stdout_colors = configure_colors(mode);
        Ui {
            stdout_colors,
            stderr_colors: console::colors_enabled_stderr(),
            verbosity,
        }
    }

    /// A line for people, on stderr (where we read from, what was written, what comes next).
    pub fn say(&self, line: impl std::fmt::Display) {
        let mut stderr = io::stderr().lock();
        let _ = writeln!(stderr, "{line}");
    }

    /// Text as it is (a diff), on stderr.
    pub fn show(&self, text: &str) {
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }

    /// A line only with `-v`.
    pub fn detail(&self, line: impl std::fmt::Display) {
        if self.verbosity > 0 {
            self.say(line);
        }
    }
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
