//! Renders an analysis: the "what CA will do" summary, then one line per diagnostic; or JSON/YAML (pure).
//!
//! The JSON shape is a public contract (scripts and CI depend on it); see README "JSON output".

use crate::lint::analysis::{Analysis, CaVerdict, GroupSummary};
use crate::lint::{Diagnostic, RULES, Severity, Summary};
use crate::output::Table;
use crate::provider::config::ReadNodesFrom;
use crate::source::Source;
use console::Style;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonReport {
    pub ca: JsonCa,
    pub diagnostics: Vec<JsonDiagnostic>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonCa {
    /// `starts`, `exits`, `crashes`, or `unknown` (no provider config was given).
    pub verdict: &'static str,
    pub starts: bool,
    /// CA's own message when it fails to start, else null.
    pub failure: Option<String>,
    /// The API server's refusal that leads to CA's failure (a ConfigMap it will not store), else null.
    pub api_server_failure: Option<String>,
    pub node_groups: Vec<GroupSummary>,
    /// Whether `nodeGroups` is CA's real list: false when CA starts but its groups cannot be
    /// known from the inputs (no templates given, or `readNodesFrom: cluster` in files).
    pub node_groups_known: bool,
    /// Additions to the documented shape: our explanation and the skipped templates.
    pub target_version: String,
    pub failure_explanation: Option<String>,
    pub crashes: bool,
    pub skipped_templates: Vec<JsonSkipped>,
}

#[derive(Debug, Serialize)]
pub struct JsonSkipped {
    pub template: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub rule: crate::lint::RuleId,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub hint: String,
}

/// Where a diagnostic points, as (label, line, column) in the user's terms.
pub fn locate(
    sources: &[Source],
    diagnostic: &Diagnostic,
) -> (Option<String>, Option<u32>, Option<u32>) {
    let Some(location) = diagnostic.location else {
        return (None, None, None);
    };
    let Some(source) = sources.get(location.source) else {
        return (None, None, None);
    };
    match source.map(location.pos) {
        Some(pos) => (Some(source.label.clone()), Some(pos.line), Some(pos.col)),
        None => (Some(source.label.clone()), None, None),
    }
}

pub fn json_report(analysis: &Analysis, diagnostics: &[Diagnostic]) -> JsonReport {
    let verdict = &analysis.verdict;
    let crashes = verdict.failure.as_ref().is_some_and(|f| f.panics);
    let outcome = match (&verdict.failure, &verdict.settings) {
        (Some(_), _) if crashes => "crashes",
        (Some(_), _) => "exits",
        (None, None) => "unknown",
        (None, Some(_)) => "starts",
    };
    JsonReport {
        ca: JsonCa {
            verdict: outcome,
            starts: verdict.starts,
            failure: verdict.failure.as_ref().map(|f| f.ca_message.clone()),
            api_server_failure: verdict
                .failure
                .as_ref()
                .and_then(|f| f.api_server_message.clone()),
            // Only node groups CA really creates: none when it exits, crashes or is unknown.
            node_groups: if outcome == "starts" {
                verdict.node_groups.clone()
            } else {
                Vec::new()
            },
            node_groups_known: outcome == "starts" && verdict.node_groups_known,
            target_version: verdict.version.to_string(),
            failure_explanation: verdict.failure.as_ref().map(|f| f.explanation.clone()),
            crashes,
            skipped_templates: verdict
                .skipped
                .iter()
                .map(|s| JsonSkipped {
                    template: s.template.clone(),
                    reason: s.reason.clone(),
                })
                .collect(),
        },
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let (file, line, column) = locate(&analysis.sources, d);
                JsonDiagnostic {
                    rule: d.rule,
                    severity: d.severity,
                    message: d.message.clone(),
                    file,
                    line,
                    column,
                    hint: d.hint.clone(),
                }
            })
            .collect(),
        summary: Summary::of(diagnostics),
    }
}

/// Colours for the human output; plain when colours are off.
pub struct Styles {
    pub error: Style,
    pub warning: Style,
    pub info: Style,
    pub strong: Style,
    pub dim: Style,
    pub good: Style,
}

impl Styles {
    pub fn new(colors: bool) -> Self {
        let s = |style: Style| style.force_styling(colors);
        Styles {
            error: s(Style::new().red().bold()),
            warning: s(Style::new().yellow().bold()),
            info: s(Style::new().cyan().bold()),
            strong: s(Style::new().bold()),
            dim: s(Style::new().dim()),
            good: s(Style::new().green().bold()),
        }
    }

    fn severity(&self, severity: Severity) -> &Style {
        match severity {
            Severity::Error => &self.error,
            Severity::Warning => &self.warning,
            Severity::Info => &self.info,
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The human report: CA's verdict first, then the diagnostics, then the counts.
pub fn render_text(
    w: &mut impl Write,
    analysis: &Analysis,
    diagnostics: &[Diagnostic],
    styles: &Styles,
) -> io::Result<()> {
    render_verdict(w, analysis, diagnostics, styles)?;
    writeln!(w)?;
    for d in diagnostics {
        let (file, line, column) = locate(&analysis.sources, d);
        let place = match (file, line, column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            (Some(f), _, _) => format!("{f}: "),
            _ => String::new(),
        };
        writeln!(
            w,
            "{}{}{} {}",
            styles.strong.apply_to(place),
            styles.severity(d.severity).apply_to(d.severity),
            styles.dim.apply_to(format!("[{}]", d.rule)),
            d.message
        )?;
        writeln!(w, "  {} {}", styles.dim.apply_to("= hint:"), d.hint)?;
    }
    let summary = Summary::of(diagnostics);
    if diagnostics.is_empty() {
        writeln!(w, "{}", styles.good.apply_to("no problems found"))?;
    } else {
        let parts: Vec<String> = [
            (summary.errors, "error", &styles.error),
            (summary.warnings, "warning", &styles.warning),
            (summary.infos, "info", &styles.info),
        ]
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, word, style)| style.apply_to(plural(count, word)).to_string())
        .collect();
        writeln!(w)?;
        writeln!(w, "{}", parts.join(", "))?;
    }
    Ok(())
}

fn render_verdict(
    w: &mut impl Write,
    analysis: &Analysis,
    diagnostics: &[Diagnostic],
    styles: &Styles,
) -> io::Result<()> {
    let verdict = &analysis.verdict;
    let who = format!("CA {}", verdict.version);
    if let Some(failure) = &verdict.failure {
        let outcome = if failure.panics {
            "will CRASH at start-up"
        } else {
            "will NOT start"
        };
        writeln!(
            w,
            "{} {}:",
            styles.strong.apply_to(&who),
            styles.error.apply_to(outcome)
        )?;
        if let Some(api_server) = &failure.api_server_message {
            writeln!(
                w,
                "  {} {}",
                styles.dim.apply_to("API server says:"),
                api_server
            )?;
            writeln!(
                w,
                "  {} {}",
                styles.dim.apply_to("then CA says:"),
                failure.ca_message
            )?;
        } else {
            writeln!(
                w,
                "  {} {}",
                styles.dim.apply_to("CA says:"),
                failure.ca_message
            )?;
        }
        writeln!(
            w,
            "  {} {}",
            styles.dim.apply_to("meaning:"),
            failure.explanation
        )?;
        if let Some(cause) = crate::lint::failure_cause(diagnostics) {
            writeln!(w, "  {} {}", styles.good.apply_to("fix:"), cause.hint)?;
        }
        return Ok(());
    }
    let Some(settings) = &verdict.settings else {
        if verdict.node_groups_known {
            writeln!(
                w,
                "{}: no provider config given; checked the templates only (the grouping key is unknown, so node groups cannot be derived)",
                styles.strong.apply_to(&who)
            )?;
        } else {
            writeln!(
                w,
                "{}: nothing CA would reject so far",
                styles.strong.apply_to(&who)
            )?;
        }
        return Ok(());
    };
    let grouping = format!("{} `{}`", settings.group_by.noun(), settings.grouping_key);
    if !verdict.node_groups_known && settings.read_nodes_from == ReadNodesFrom::Cluster {
        writeln!(
            w,
            "{} {} (grouping by {grouping}); it takes its templates from the cluster's nodes (readNodesFrom: cluster): validate without -f to see the node groups",
            styles.strong.apply_to(&who),
            styles.good.apply_to("accepts the provider config")
        )?;
        return write_notes(w, verdict);
    }
    if !verdict.node_groups_known {
        writeln!(
            w,
            "{} {} (grouping by {grouping}); templates not given, so its node groups are unknown",
            styles.strong.apply_to(&who),
            styles.good.apply_to("accepts the provider config")
        )?;
        return write_notes(w, verdict);
    }
    let groups = &verdict.node_groups;
    if groups.is_empty() {
        writeln!(
            w,
            "{} {} but creates {} (grouping by {grouping}): it will never scale up",
            styles.strong.apply_to(&who),
            styles.warning.apply_to("will start"),
            styles.error.apply_to("NO node groups")
        )?;
    } else {
        writeln!(
            w,
            "{} {} and create {} (grouping by {grouping}):",
            styles.strong.apply_to(&who),
            styles.good.apply_to("will start"),
            plural(groups.len(), "node group")
        )?;
        let taint = if settings.skip_taint {
            "-".to_owned()
        } else {
            crate::provider::taint_string()
        };
        let mut table = Table::new(["NODE GROUP", "MIN", "MAX", "TEMPLATE", "TAINT"])
            .right_align([1, 2])
            .min_width(1, 4)
            .min_width(2, 4);
        for g in groups {
            table.row([
                g.name.clone(),
                g.min.to_string(),
                g.max.to_string(),
                template_cell(g),
                taint.clone(),
            ]);
        }
        table.write(w, "  ", &styles.dim)?;
    }
    for skipped in &verdict.skipped {
        writeln!(
            w,
            "  {} {} ({})",
            styles.dim.apply_to("skipped:"),
            skipped.template,
            skipped.reason
        )?;
    }
    write_notes(w, verdict)
}

fn write_notes(w: &mut impl Write, verdict: &CaVerdict) -> io::Result<()> {
    for note in &verdict.notes {
        writeln!(w, "{note}")?;
    }
    Ok(())
}

fn template_cell(group: &GroupSummary) -> String {
    match group.extra_templates {
        0 => group.template.clone(),
        n => format!("{} (+{n} ignored)", group.template),
    }
}

/// The text report on stderr (for verbs that print data on stdout and a verdict beside it).
/// A closed stderr loses the report, not the verb's exit code: write errors are dropped here
/// (a broken pipe is success only for stdout, where the data goes).
pub fn render_text_to_stderr(analysis: &Analysis, ui: &crate::output::Ui) -> io::Result<()> {
    let styles = Styles::new(ui.stderr_colors);
    let _ = render_text(
        &mut io::stderr().lock(),
        analysis,
        &analysis.diagnostics,
        &styles,
    );
    Ok(())
}

/// The rule catalog as a table; SEVERITY lists every severity a rule is emitted at.
pub fn render_rules(w: &mut impl Write, styles: &Styles) -> io::Result<()> {
    let mut table = Table::new(["RULE", "SEVERITY", "SCOPE", "SUMMARY"]);
    for rule in RULES {
        let severities = match rule.also {
            Some(also) => format!("{}/{also}", rule.severity),
            None => rule.severity.to_string(),
        };
        let scope = match rule.scope {
            crate::lint::Scope::Any => "any",
            crate::lint::Scope::Cluster => "cluster",
        };
        table.row([
            rule.id.to_string(),
            styles
                .severity(rule.severity)
                .apply_to(severities)
                .to_string(),
            scope.to_owned(),
            rule.summary.to_owned(),
        ]);
    }
    table.write(w, "", &styles.dim)
}
