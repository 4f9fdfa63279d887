//! `validate`: reads the inputs (files or the live cluster), analyses them, prints the report.

pub mod inputs;
pub mod live;
pub mod options;
pub mod report;

use crate::cluster::ConnectOptions;
use crate::error::{Error, Result, exit};
use crate::lint::{self, Diagnostic, Severity, analysis::Analysis};
use crate::output::OutputFormat;
use crate::output::Ui;
use crate::provider::{DEFAULT_CONFIG_MAP_NAME, ENV_CONFIG_MAP};
use inputs::InputFile;
use options::ValidateOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest input file we read; ConfigMaps hold at most 1 MiB, so this is generous.
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// The provider-config ConfigMap name: flag, else env, else the default; a name the API
/// server would reject is a usage error (exit 2), not an unreachable cluster.
pub fn config_map_name(flag: Option<&str>, env: Option<&str>) -> Result<String> {
    let (name, from) = match (flag, env.filter(|e| !e.trim().is_empty())) {
        (Some(name), _) => (name, "--config-map"),
        (None, Some(name)) => (name, ENV_CONFIG_MAP),
        (None, None) => (DEFAULT_CONFIG_MAP_NAME, "default"),
    };
    match crate::provider::names::why_not_subdomain(name) {
        None => Ok(name.to_owned()),
        Some(why) => Err(Error::usage(format!(
            "{from}: `{name}` is not a valid ConfigMap name: {why}"
        ))
        .with_hint("ConfigMap names use lowercase letters, digits, `-` and `.` (CA looks for exactly this name, so it would not find it either)")),
    }
}

pub fn run(
    connection: &ConnectOptions,
    args: &ValidateOptions,
    out: &mut impl Write,
    ui: &Ui,
) -> Result<u8> {
    let styles = report::Styles::new(ui.stdout_colors);
    if args.list_rules {
        match args.output {
            OutputFormat::Text => report::render_rules(out, &styles)?,
            format => crate::output::write_data(out, format, &crate::lint::RULES)?,
        }
        return Ok(exit::OK);
    }
    let analysis = if args.files.is_empty() && args.templates.is_none() {
        let config_map = args.provider.config_map_name()?;
        live::analyze_live(connection, args, &config_map, ui)?
    } else {
        let files = read_inputs(&args.files)?;
        let (config_map, from_deployment) = args.provider.config_map_name_for_files(&files)?;
        if let Some(note) = from_deployment {
            ui.say(note);
        }
        let templates = args
            .templates
            .as_deref()
            .map(|t| read_templates(t, &args.files))
            .transpose()?;
        let inputs = inputs::classify(files, templates, &config_map)?;
        for note in &inputs.notes {
            ui.say(note);
        }
        for line in inputs::describe(&inputs) {
            ui.detail(line);
        }
        lint::analyze(&inputs, args.provider.ca_version())
    };
    report(out, &analysis, args, &styles)
}

/// Prints the analysis and returns the exit code it means.
pub fn report(
    out: &mut impl Write,
    analysis: &Analysis,
    args: &ValidateOptions,
    styles: &report::Styles,
) -> Result<u8> {
    let diagnostics: Vec<Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|d| !args.disable.contains(&d.rule))
        .cloned()
        .collect();
    let failing = diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error || (args.strict && d.severity == Severity::Warning));
    let code = if failing { exit::FINDINGS } else { exit::OK };
    let written = match args.output {
        OutputFormat::Text => report::render_text(out, analysis, &diagnostics, styles),
        format => {
            crate::output::write_data(out, format, &report::json_report(analysis, &diagnostics))
        }
    };
    match written {
        // `validate … | head`: the reader left, but the verdict stands (for `set -o pipefail`).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(code),
    }
}

/// Expands `-f` arguments (files, directories, `-`) and reads them.
pub(crate) fn read_inputs(paths: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    let mut stdin_used = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_used {
                return Err(Error::usage("`-f -` (stdin) given more than once"));
            }
            stdin_used = true;
            files.push(read_stdin()?);
        } else if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| {
                    Error::input(format!(
                        "{}: cannot read directory: {}",
                        path.display(),
                        io_reason(&e)
                    ))
                    .with_hint("check its permissions, or pass the manifest files themselves")
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_manifest(p))
                .collect();
            entries.sort();
            if entries.is_empty() {
                return Err(Error::input(format!(
                    "{}: no .yaml, .yml or .json files in this directory",
                    path.display()
                ))
                .with_hint(
                    "pass the manifest files, or a directory holding them (subdirectories are not read)",
                ));
            }
            for entry in entries {
                files.push(read_file(&entry)?);
            }
        } else {
            files.push(read_file(path)?);
        }
    }
    Ok(files)
}

fn is_manifest(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    !hidden && matches!(ext, "yaml" | "yml" | "json")
}

fn read_stdin() -> Result<InputFile> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::input(format!("<stdin>: cannot read: {e}")))?;
    decode_text("<stdin>", bytes)
}

/// The `--templates` input: a file, or `-` for stdin (unless `-f -` took it).
pub(crate) fn read_templates(path: &Path, files: &[PathBuf]) -> Result<InputFile> {
    if path.as_os_str() != "-" {
        return read_file(path);
    }
    if files.iter().any(|f| f.as_os_str() == "-") {
        return Err(Error::usage(
            "`-f -` and `--templates -` cannot both read stdin",
        ));
    }
    read_stdin()
}

pub(crate) fn read_file(path: &Path) -> Result<InputFile> {
    let label = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| {
        Error::input(format!("{label}: cannot open: {}", io_reason(&e)))
            .with_hint("check the path given to -f/--templates")
    })?;
    // Size the buffer from the file's length: doubling a 30 MB buffer would waste 30 MB.
    let expected = file
        .metadata()
        .map(|m| m.len())
        .unwrap_or(0)
        .min(MAX_INPUT_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0) + 1);
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::input(format!("{label}: cannot read: {}", io_reason(&e))))?;
    decode_text(&label, bytes)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// Checks size and UTF-8; points at the first bad byte.
fn decode_text(label: &str, bytes: Vec<u8>) -> Result<InputFile> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::input(format!(
            "{label}: larger than {} MiB; refusing to read it",
            MAX_INPUT_BYTES / (1024 * 1024)
        ))
        .with_hint("ConfigMaps hold at most 1 MiB; is this the right file?"));
    }
    // UTF-16 with a byte-order mark (PowerShell's `>` writes it); kubectl reads it too.
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xFE, 0xFF]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| unit([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return String::from_utf16(&units)
            .map(|text| InputFile {
                label: label.to_owned(),
                text,
            })
            .map_err(|_| {
                Error::input(format!(
                    "{label}: has a UTF-16 byte-order mark but is not valid UTF-16"
                ))
                .with_hint("save the file as UTF-8")
            });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(InputFile {
            label: label.to_owned(),
            text: text
                .strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        }),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            Err(Error::input(format!(
                "{label}:{line}:{col}: not UTF-8 text (binary data?)"
            ))
            .with_hint("validate reads YAML or JSON text; save the file as UTF-8"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_map_name_precedence() {
        assert_eq!(config_map_name(Some("a"), Some("b")).unwrap(), "a");
        assert_eq!(config_map_name(None, Some("b")).unwrap(), "b");
        assert_eq!(
            config_map_name(None, Some(" ")).unwrap(),
            DEFAULT_CONFIG_MAP_NAME
        );
        assert_eq!(
            config_map_name(None, None).unwrap(),
            DEFAULT_CONFIG_MAP_NAME
        );
        let trailing = config_map_name(None, Some("my-config ")).unwrap_err();
        assert_eq!(trailing.exit_code(), 2);
        assert!(trailing.message.contains("KWOK_PROVIDER_CONFIGMAP: `my-config ` is not a valid ConfigMap name: it contains a space"), "{}", trailing.message);
    }

    #[test]
    fn utf16_with_a_bom_is_read() {
        let text = "readNodesFrom: cluster\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text("x", le).unwrap().text, text);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_text("x", be).unwrap().text, text);
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let err = decode_text("x", b"ok: 1\nbad: \xff\n".to_vec()).unwrap_err();
        assert!(err.message.starts_with("x:2:6:"), "{}", err.message);
        assert_eq!(err.exit_code(), 2);
    }
}
