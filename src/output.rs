//! The output handle (colours from `--color`/`NO_COLOR`/TTY, verbosity, stderr lines) and JSON/YAML data.
//!
//! It knows nothing of clap: the command line (`cli.rs`) builds a `UiOptions` and maps its
//! flags onto `ColorMode` and the output formats declared here.

use serde::Serialize;
use std::io::{self, Write};

/// `--color`: when to use colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColorMode {
    #[default]
    Auto,
    Always,
    Never,
}

/// `-o` of the verbs that show one report (validate, why, init's manifests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Yaml,
}

/// `-o` of the verbs that list objects (scale, events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOutput {
    Text,
    Json,
    Yaml,
    Name,
}

/// `-o` of `status`, which shows one view, not a list of API objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewOutput {
    Text,
    Json,
    Yaml,
}

/// What decides how a command talks to people: `--color`, `-v`, and the environment
/// variables that turn colours off, read once by the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UiOptions {
    pub color: ColorMode,
    /// The kubectl log level (`-v` 1, `-vv` 6, …).
    pub verbosity: u8,
    /// `NO_COLOR`: no colours under `--color auto`, when set and not empty.
    pub no_color: Option<String>,
    /// `TERM`: `dumb` means no colours under `--color auto`.
    pub term: Option<String>,
}

impl UiOptions {
    /// The one colour rule, for a stream that is (or is not) a terminal: `always`/`never` win;
    /// `auto` needs a terminal, no `NO_COLOR` and a `TERM` other than `dumb`.
    pub fn colors(&self, is_terminal: bool) -> bool {
        match self.color {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => {
                is_terminal
                    && self.no_color.as_deref().is_none_or(str::is_empty)
                    && self.term.as_deref() != Some("dumb")
            }
        }
    }

    /// Whether stderr is coloured (errors printed before or after a command runs).
    pub fn stderr_colors(&self) -> bool {
        use std::io::IsTerminal;
        self.colors(io::stderr().is_terminal())
    }
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
    pub fn new(options: &UiOptions) -> Ui {
        use std::io::IsTerminal;
        let stdout_colors = options.colors(io::stdout().is_terminal());
        let stderr_colors = options.stderr_colors();
        console::set_colors_enabled(stdout_colors);
        console::set_colors_enabled_stderr(stderr_colors);
        Ui {
            stdout_colors,
            stderr_colors,
            verbosity: options.verbosity,
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

/// A duration as Go prints it, to the millisecond under a minute and to the second above:
/// `250ms`, `1.5s`, `4m12s`, `1h0m5s`.
pub fn format_duration(d: std::time::Duration) -> String {
    let total = d.as_secs();
    if total == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    match (h, m) {
        (0, 0) => {
            let millis = format!("{:03}", d.subsec_millis());
            let millis = millis.trim_end_matches('0');
            if millis.is_empty() {
                format!("{s}s")
            } else {
                format!("{s}.{millis}s")
            }
        }
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
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
            // `io::Error::from` keeps the writer's own error (a broken pipe stays one).
            serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
            writeln!(w)
        }
    }
}

/// A kubectl-style table of `N` columns: each padded to its widest cell as a terminal shows it
/// (display width: not bytes, not chars, so `×`, CJK and emoji line up, and colour codes take
/// no room), trailing blanks trimmed.
#[derive(Debug, Clone)]
pub struct Table<const N: usize> {
    header: [String; N],
    rows: Vec<[String; N]>,
    right_aligned: [bool; N],
    min_widths: [usize; N],
    gap: &'static str,
}

impl<const N: usize> Table<N> {
    /// A table with these column headings, left-aligned, two spaces apart.
    pub fn new(header: [&str; N]) -> Self {
        Table {
            header: header.map(str::to_owned),
            rows: Vec::new(),
            right_aligned: [false; N],
            min_widths: [0; N],
            gap: "  ",
        }
    }

    /// Right-aligns these columns (numbers).
    pub fn right_align(mut self, columns: impl IntoIterator<Item = usize>) -> Self {
        for column in columns {
            self.right_aligned[column] = true;
        }
        self
    }

    /// Makes a column at least `width` wide.
    pub fn min_width(mut self, column: usize, width: usize) -> Self {
        self.min_widths[column] = width;
        self
    }

    /// Puts `gap` between columns.
    pub fn gap(mut self, gap: &'static str) -> Self {
        self.gap = gap;
        self
    }

    pub fn row(&mut self, cells: [String; N]) {
        self.rows.push(cells);
    }

    /// The header line, then one line per row.
    pub fn lines(&self) -> Vec<String> {
        let mut widths = self.min_widths;
        for cells in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(console::measure_text_width(cell));
            }
        }
        std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|cells| {
                let padded: Vec<String> = cells
                    .iter()
                    .zip(widths)
                    .zip(self.right_aligned)
                    .map(|((cell, width), right)| {
                        let fill = " ".repeat(width - console::measure_text_width(cell));
                        if right {
                            format!("{fill}{cell}")
                        } else {
                            format!("{cell}{fill}")
                        }
                    })
                    .collect();
                padded.join(self.gap).trim_end().to_owned()
            })
            .collect()
    }

    /// Writes the table, each line after `indent`, the header in `header_style`.
    pub fn write(
        &self,
        w: &mut impl Write,
        indent: &str,
        header_style: &console::Style,
    ) -> io::Result<()> {
        let mut lines = self.lines().into_iter();
        if let Some(header) = lines.next() {
            writeln!(w, "{indent}{}", header_style.apply_to(header))?;
        }
        for line in lines {
            writeln!(w, "{indent}{line}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns_line_up_by_display_width() {
        let mut table = Table::new(["NAME", "GPU", "PODS"]).right_align([2]);
        table.row(["ü-é".to_owned(), "1× T4".to_owned(), "110".to_owned()]);
        table.row(["日本".to_owned(), "-".to_owned(), "8".to_owned()]);
        table.row(["x".to_owned(), String::new(), String::new()]);
        let lines = table.lines();
        assert_eq!(lines[0], "NAME  GPU    PODS");
        assert_eq!(lines[1], "ü-é   1× T4   110");
        assert_eq!(lines[2], "日本  -         8");
        assert_eq!(lines[3], "x", "trailing blanks are trimmed");
        let wide = Table::new(["A", "MIN"])
            .min_width(1, 4)
            .right_align([1])
            .gap(" | ");
        assert_eq!(wide.lines(), ["A |  MIN"]);
    }

    #[test]
    fn durations_read_as_go_prints_them() {
        use std::time::Duration;
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_secs(2)), "2s");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(252)), "4m12s");
        assert_eq!(format_duration(Duration::from_secs(3605)), "1h0m5s");
    }

    #[test]
    fn color_decision() {
        let use_colors = |color, is_terminal, no_color: Option<&str>, term: Option<&str>| {
            UiOptions {
                color,
                verbosity: 0,
                no_color: no_color.map(str::to_owned),
                term: term.map(str::to_owned),
            }
            .colors(is_terminal)
        };
        assert!(use_colors(ColorMode::Always, false, Some("1"), None));
        assert!(!use_colors(ColorMode::Never, true, None, None));
        assert!(use_colors(ColorMode::Auto, true, None, Some("xterm")));
        assert!(!use_colors(ColorMode::Auto, true, Some("1"), None));
        assert!(use_colors(ColorMode::Auto, true, Some(""), None));
        assert!(!use_colors(ColorMode::Auto, false, None, None));
        assert!(!use_colors(ColorMode::Auto, true, None, Some("dumb")));
    }
}
